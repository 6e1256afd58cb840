package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.benchmarks.Echo;
import dev.opendesk.benchmarks.InFlight;
import dev.opendesk.benchmarks.Payloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * opendesk's unary round trip: {@code Peer.call("echo", payload)} answered by a {@code Dispatcher}
 * handler that returns its params, registered the documented way for a handler that never blocks
 * ({@code unaryAsync}) or for one that may block ({@code unary}); both peers in their default
 * configuration, or tuned with a direct handler executor ({@code *_DIRECT}).
 *
 * <p>{@code unary}: one call at a time ({@code SampleTime}: p50, p99); {@code unaryInFlight64}:
 * calls/s with 64 outstanding.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpendeskUnaryBenchmark {

  /** The transport between the peers. */
  @Param({"LOOPBACK", "LOOPBACK_DIRECT", "WEBSOCKET", "WEBSOCKET_DIRECT", "WEBSOCKET_ENCRYPTED"})
  public OpendeskEcho.Transport transport;

  /** How the server registers its echo: {@code unaryAsync} (never blocks) or {@code unary}. */
  @Param({"ASYNC", "BLOCKING"})
  public OpendeskEcho.Handler handler;

  /** The request (and reply). */
  @Param({"SMALL", "BIN_4K"})
  public Payloads payload;

  private OpendeskEcho echo;
  private final InFlight inFlight = new InFlight(InFlight.DEPTH);

  /** Connects and checks one echo. */
  @Setup
  public void setUp() throws Exception {
    echo = new OpendeskEcho(transport, handler, payload.map());
    Echo.check("opendesk " + transport, payload.map(), echo.call(payload.map()));
  }

  /** Waits for the calls still in flight at the end of an iteration. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    inFlight.drain();
  }

  /** Closes both peers. */
  @TearDown
  public void tearDown() throws Exception {
    echo.close();
  }

  /** One call at a time. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object unary() {
    return echo.call(payload.map());
  }

  /** One more call, once fewer than 64 are outstanding. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void unaryInFlight64() throws InterruptedException {
    inFlight.acquire();
    echo.callAsync(payload.map())
        .whenComplete(
            (reply, error) -> {
              if (error == null) {
                inFlight.release();
              } else {
                inFlight.fail(error);
              }
            });
  }
}

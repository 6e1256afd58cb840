package dev.opendesk.benchmarks.rsocket;

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
 * The RSocket-java peer of opendesk's unary round trip: request-response echo of {@link Payloads},
 * msgpack-encoded and decoded on both sides, over the local transport (peer of Loopback), TCP or
 * WebSocket (peers of WebSocket).
 *
 * <p>{@code unary}: one call at a time ({@code SampleTime}: p50, p99); {@code unaryInFlight64}:
 * calls/s with 64 outstanding.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RSocketUnaryBenchmark {

  /** The RSocket transport. */
  @Param({"LOCAL", "TCP", "WEBSOCKET"})
  public RSocketEcho.Transport transport;

  /** The request (and reply). */
  @Param({"SMALL", "BIN_4K"})
  public Payloads payload;

  private RSocketEcho echo;
  private final InFlight inFlight = new InFlight(InFlight.DEPTH);

  /** Connects and checks one echo. */
  @Setup
  public void setUp() {
    echo = new RSocketEcho(transport, payload.map());
    Echo.check("rsocket " + transport, payload.map(), echo.call(payload.map()));
  }

  /** Waits for the calls still in flight at the end of an iteration. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    inFlight.drain();
  }

  /** Disconnects and stops the responder. */
  @TearDown
  public void tearDown() {
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
    echo.callAsync(payload.map()).subscribe(reply -> inFlight.release(), inFlight::fail);
  }
}

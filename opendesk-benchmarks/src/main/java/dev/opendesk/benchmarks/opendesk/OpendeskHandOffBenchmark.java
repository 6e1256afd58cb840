package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.benchmarks.Echo;
import dev.opendesk.benchmarks.InFlight;
import dev.opendesk.benchmarks.Payloads;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
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
 * What the server's handler kind costs per call over Loopback, both peers in their default options:
 * an echo registered with {@code Dispatcher.Builder.unary} (may block: one hand-off to the handler
 * executor per call) or with {@code unaryAsync} (never blocks: runs on the receiving thread). With
 * {@code -prof gc}, {@code gc.alloc.rate.norm} is the allocation per call, both ends together.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpendeskHandOffBenchmark {

  /** How the server registers its echo handler. */
  public enum Handler {
    /** {@code unary(...)}: the handler may block, so it runs on the handler executor. */
    BLOCKING,
    /** {@code unaryAsync(...)}: the handler never blocks, so it runs on the receive path. */
    NON_BLOCKING
  }

  /** The server's handler kind. */
  @Param({"BLOCKING", "NON_BLOCKING"})
  public Handler handler;

  private Peer client;
  private Peer server;
  private final InFlight inFlight = new InFlight(InFlight.DEPTH);
  private final Map<String, Object> payload = Payloads.SMALL.map();

  /** Connects two peers over Loopback and checks one echo. */
  @Setup
  public void setUp() throws Exception {
    Dispatcher dispatcher =
        handler == Handler.BLOCKING
            ? Dispatcher.builder().unary("echo", (ctx, params) -> params).build()
            : Dispatcher.builder()
                .unaryAsync("echo", (ctx, params) -> CompletableFuture.completedFuture(params))
                .build();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server = Peer.server(pair.second(), dispatcher);
    client = Peer.client(pair.first());
    CompletableFuture<Hello> serverHello = server.hello();
    client.hello().get(30, TimeUnit.SECONDS);
    serverHello.get(30, TimeUnit.SECONDS);
    server.start();
    client.start();
    Echo.check("opendesk " + handler, payload, client.call("echo", payload).join());
  }

  /** Waits for the calls still in flight at the end of an iteration. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    inFlight.drain();
  }

  /** Closes both peers. */
  @TearDown
  public void tearDown() {
    client.close();
    server.close();
  }

  /** One call at a time, the caller joining its future. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object unary() {
    return client.call("echo", payload).join();
  }

  /** One more call, once fewer than 64 are outstanding. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void unaryInFlight64() throws InterruptedException {
    inFlight.acquire();
    client
        .call("echo", payload)
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

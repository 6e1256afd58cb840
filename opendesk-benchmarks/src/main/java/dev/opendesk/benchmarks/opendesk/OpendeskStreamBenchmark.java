package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.benchmarks.Payloads;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * opendesk's stream throughput: {@code Peer.stream} of {@value #FRAMES} items of {@code {"data":
 * <frameSize bytes>}}, served by a {@code Dispatcher} stream handler of the kind {@link #handler}
 * says; the client iterates the {@code CallStream}. The score is frames/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OpendeskStreamBenchmark {

  /** Items per stream; also the operations per invocation. */
  public static final int FRAMES = 256;

  /** The transport between the peers. */
  @Param({"LOOPBACK", "WEBSOCKET", "WEBSOCKET_ENCRYPTED"})
  public OpendeskEcho.Transport transport;

  /**
   * How the server registers the stream: {@code ASYNC} ({@code streamAsync}, an iterator pulled on
   * the receive path: the documented way for a producer that never blocks, as this one) or {@code
   * SINK} ({@code stream}, a handler writing to its sink on the handler executor, for producers
   * that may block).
   */
  @Param({"ASYNC", "SINK"})
  public OpendeskEcho.StreamHandler handler;

  /** Bytes of bin data per item. */
  @Param({"64", "65536"})
  public int frameSize;

  private OpendeskEcho echo;

  /** Connects and checks one stream. */
  @Setup
  public void setUp() throws Exception {
    echo = new OpendeskEcho(transport, Payloads.bin(frameSize));
    stream();
  }

  /** Closes both peers. */
  @TearDown
  public void tearDown() throws Exception {
    echo.close();
  }

  /** Receives one whole stream. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public long stream() {
    long received = echo.stream(handler, FRAMES);
    if (received != FRAMES) {
      throw new IllegalStateException("received " + received + " of " + FRAMES + " items");
    }
    return received;
  }
}

package dev.opendesk.benchmarks.rsocket;

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
 * The RSocket-java peer of opendesk's stream throughput: a request-stream of {@value #FRAMES} items
 * of {@code {"data": <frameSize bytes>}}, each msgpack-decoded by the requester. The score is
 * frames/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RSocketStreamBenchmark {

  /** Items per stream; also the operations per invocation. */
  public static final int FRAMES = 256;

  /** The RSocket transport. */
  @Param({"LOCAL", "TCP", "WEBSOCKET"})
  public RSocketEcho.Transport transport;

  /** Bytes of bin data per item. */
  @Param({"64", "65536"})
  public int frameSize;

  private RSocketEcho echo;

  /** Connects and checks one stream. */
  @Setup
  public void setUp() {
    echo = new RSocketEcho(transport, Payloads.bin(frameSize));
    stream();
  }

  /** Disconnects and stops the responder. */
  @TearDown
  public void tearDown() {
    echo.close();
  }

  /** Receives one whole stream. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public long stream() {
    long received = echo.stream(FRAMES);
    if (received != FRAMES) {
      throw new IllegalStateException("received " + received + " of " + FRAMES + " items");
    }
    return received;
  }
}

package dev.opendesk.benchmarks.grpc;

import dev.opendesk.benchmarks.MsgpackMaps;
import dev.opendesk.benchmarks.Payloads;
import java.util.Map;
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
 * The gRPC-java peer of opendesk's stream throughput: a server stream of {@value #FRAMES} items of
 * {@code {"data": <frameSize bytes>}}, received by the client. The score is frames/s; MB/s is
 * frames/s × {@code frameSize}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrpcStreamBenchmark {

  /** Items per stream; also the stream scenarios' operations per invocation. */
  public static final int FRAMES = 256;

  /** The gRPC transport. */
  @Param({"INPROCESS", "NETTY"})
  public GrpcEcho.Transport transport;

  /** {@code msgpack}: same work as opendesk; {@code bytes}: no serialization. */
  @Param({"msgpack", "bytes"})
  public String marshaller;

  /** Bytes of bin data per item. */
  @Param({"64", "65536"})
  public int frameSize;

  private GrpcEcho<Object> echo;
  private Object request;

  /** Starts the server and channel and checks one stream. */
  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws Exception {
    Map<String, Object> item = Payloads.bin(frameSize);
    if (marshaller.equals("msgpack")) {
      echo = (GrpcEcho<Object>) (GrpcEcho<?>) GrpcEcho.msgpack(transport, item, FRAMES);
      request = Map.of("count", (long) FRAMES);
    } else if (marshaller.equals("bytes")) {
      echo =
          (GrpcEcho<Object>)
              (GrpcEcho<?>) GrpcEcho.bytes(transport, MsgpackMaps.encode(item), FRAMES);
      request = MsgpackMaps.encode(Map.of("count", (long) FRAMES));
    } else {
      throw new IllegalArgumentException("unknown marshaller: " + marshaller);
    }
    stream();
  }

  /** Stops the channel and server. */
  @TearDown
  public void tearDown() throws InterruptedException {
    echo.close();
  }

  /** Receives one whole stream. */
  @Benchmark
  @OperationsPerInvocation(FRAMES)
  public long stream() throws Exception {
    long received = echo.stream(request).get(30, TimeUnit.SECONDS);
    if (received != FRAMES) {
      throw new IllegalStateException("received " + received + " of " + FRAMES + " items");
    }
    return received;
  }
}

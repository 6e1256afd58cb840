package dev.opendesk.benchmarks.grpc;

import dev.opendesk.benchmarks.Echo;
import dev.opendesk.benchmarks.InFlight;
import dev.opendesk.benchmarks.MsgpackMaps;
import dev.opendesk.benchmarks.Payloads;
import io.grpc.stub.StreamObserver;
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
 * The gRPC-java peer of opendesk's unary round trip: an echo of {@link Payloads} over the
 * in-process transport (peer of Loopback) or Netty on 127.0.0.1 (peer of WebSocket), with a msgpack
 * marshaller doing the same serialization work as an opendesk call, or a pass-through {@code
 * byte[]} marshaller (the no-serialization floor).
 *
 * <p>{@code unary}: one call at a time, latency distribution ({@code SampleTime}: p50, p99; calls/s
 * is 1 / mean). {@code unaryInFlight64}: calls/s with 64 calls outstanding.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GrpcUnaryBenchmark {

  /** The gRPC transport. */
  @Param({"INPROCESS", "NETTY"})
  public GrpcEcho.Transport transport;

  /** {@code msgpack}: same work as opendesk; {@code bytes}: no serialization. */
  @Param({"msgpack", "bytes"})
  public String marshaller;

  /** The request (and reply). */
  @Param({"SMALL", "BIN_4K"})
  public Payloads payload;

  /**
   * {@code direct}: {@code directExecutor()} on both sides (handlers never block, gRPC's fastest);
   * {@code default}: gRPC's default executor (handlers may block; {@code run.sh} measures it with
   * msgpack only).
   */
  @Param({"direct", "default"})
  public String executor;

  private GrpcEcho<Object> echo;
  private Object request;
  private final InFlight inFlight = new InFlight(InFlight.DEPTH);
  private final StreamObserver<Object> completion =
      new StreamObserver<>() {
        @Override
        public void onNext(Object value) {}

        @Override
        public void onError(Throwable t) {
          inFlight.fail(t);
        }

        @Override
        public void onCompleted() {
          inFlight.release();
        }
      };

  /** Starts the server and channel and checks one echo. */
  @Setup
  @SuppressWarnings("unchecked")
  public void setUp() throws Exception {
    boolean direct =
        switch (executor) {
          case "direct" -> true;
          case "default" -> false;
          default -> throw new IllegalArgumentException("unknown executor: " + executor);
        };
    if (marshaller.equals("msgpack")) {
      echo = (GrpcEcho<Object>) (GrpcEcho<?>) GrpcEcho.msgpack(transport, direct, payload.map(), 0);
      request = payload.map();
    } else if (marshaller.equals("bytes")) {
      byte[] bytes = MsgpackMaps.encode(payload.map());
      echo = (GrpcEcho<Object>) (GrpcEcho<?>) GrpcEcho.bytes(transport, direct, bytes, 0);
      request = bytes;
    } else {
      throw new IllegalArgumentException("unknown marshaller: " + marshaller);
    }
    Echo.check("grpc " + transport + " " + marshaller, request, echo.call(request));
  }

  /** Waits for the calls still in flight at the end of an iteration. */
  @TearDown(Level.Iteration)
  public void drain() throws InterruptedException {
    inFlight.drain();
  }

  /** Stops the channel and server. */
  @TearDown
  public void tearDown() throws InterruptedException {
    echo.close();
  }

  /** One call at a time. */
  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object unary() {
    return echo.call(request);
  }

  /** One more call, once fewer than 64 are outstanding. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public void unaryInFlight64() throws InterruptedException {
    inFlight.acquire();
    echo.callAsync(request, completion);
  }
}

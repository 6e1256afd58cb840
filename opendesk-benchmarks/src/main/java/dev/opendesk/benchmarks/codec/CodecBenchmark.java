package dev.opendesk.benchmarks.codec;

import dev.opendesk.benchmarks.Payloads;
import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Role;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode and decode of each frame type with {@link FrameCodec#standard()}: ns/op, and with {@code
 * -prof gc} bytes allocated per op ({@code gc.alloc.rate.norm}).
 *
 * <p>The frames are those a unary call and a stream exchange: a REQ with {@code {"x":1,"y":2}} or a
 * 4 KiB bin payload, their RES, a stream item with a 64 KiB bin payload, an error RES, CANCEL, PUSH
 * and a HELLO with a small capability manifest.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

  /** Which frame to encode and decode. */
  @Param({
    "hello",
    "req_small",
    "req_bin4k",
    "res_small",
    "res_bin4k",
    "res_item_bin64k",
    "res_error",
    "cancel",
    "push"
  })
  public String frame;

  private final FrameCodec codec = FrameCodec.standard();
  private Frame value;
  private byte[] encoded;

  /** Builds the frame and its encoding once. */
  @Setup
  public void setUp() {
    value = frame(frame);
    encoded = codec.encode(value);
  }

  /** Encodes the frame. */
  @Benchmark
  public byte[] encode() {
    return codec.encode(value);
  }

  /** Decodes the frame's encoding. */
  @Benchmark
  public Frame decode() {
    return codec.decode(encoded);
  }

  static Frame frame(String name) {
    switch (name) {
      case "hello":
        return new Hello(
            Role.CLIENT,
            "bench",
            Map.of(),
            Map.of("capabilities", List.of("echo", "stream", "ping")),
            null);
      case "req_small":
        return Req.unary(42, "echo", Payloads.SMALL.map());
      case "req_bin4k":
        return Req.unary(42, "echo", Payloads.BIN_4K.map());
      case "res_small":
        return Res.ok(42, Payloads.SMALL.map());
      case "res_bin4k":
        return Res.ok(42, Payloads.BIN_4K.map());
      case "res_item_bin64k":
        return Res.item(42, 7, Payloads.bin(64 * 1024));
      case "res_error":
        return Res.error(42, ErrorInfo.of(ErrorCode.NOT_FOUND, "no such method: nope"));
      case "cancel":
        return new Cancel(42, "user");
      case "push":
        return new Push("session.evicted", Map.of("reason", "replaced"));
      default:
        throw new IllegalArgumentException("unknown frame: " + name);
    }
  }
}

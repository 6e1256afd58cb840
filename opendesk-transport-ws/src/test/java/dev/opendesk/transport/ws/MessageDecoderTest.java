package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link MessageDecoder}: messages byte-exact however the bytes arrive, and every violation. */
class MessageDecoderTest {

  private static final int LIMIT = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  // Each length form's edges, the eager-allocation bound and unmasking tails of 0-7 bytes.
  @ParameterizedTest
  @ValueSource(
      ints = {0, 1, 7, 8, 9, 125, 126, 127, 4096, 16383, 16384, 16385, 65535, 65536, 200_001})
  void aMessageArrivesByteExactWholeInSmallPiecesAndInRandomPieces(int length) {
    for (boolean masked : new boolean[] {true, false}) {
      byte[] payload = payload(length, length);
      byte[] wire = frame(0x82, payload, masked, 0x11223344);
      assertThat(decode(masked, wire.length, wire)).containsExactly(payload);
      // One byte at a time covers every split of the header; 4093 (odd) every offset in the mask.
      assertThat(decode(masked, length <= 4096 ? 1 : 4093, wire)).containsExactly(payload);
      Random random = new Random(length);
      for (int round = 0; round < 5; round++) {
        assertThat(decode(masked, 1 + random.nextInt(Math.max(1, wire.length / 3)), wire))
            .containsExactly(payload);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {7, 64, 100_000})
  void fragmentsWithTheirOwnMasksAndAPingBetweenMakeOneMessage(int pieceSize) {
    byte[] a = payload(5, 1);
    byte[] b = payload(70_001, 2);
    byte[] c = payload(3, 3);
    byte[] wire =
        concat(
            frame(0x02, a, true, 0x01020304),
            frame(0x89, "hi".getBytes(StandardCharsets.US_ASCII), true, 0x0A0B0C0D),
            frame(0x00, b, true, 0xCAFEBABE),
            frame(0x00, new byte[0], true, 0x12345678),
            frame(0x80, c, true, 0x7F00FF01),
            frame(0x82, c, true, 0x55AA55AA));
    Decoded out = run(true, pieceSize, wire);
    assertThat(out.failure).isNull();
    assertThat(out.items).hasSize(3);
    assertThat(out.items.get(0)).isEqualTo("ping hi");
    assertThat((byte[]) out.items.get(1)).isEqualTo(concat(a, b, c));
    assertThat((byte[]) out.items.get(2)).isEqualTo(c);
  }

  @Test
  void pingPongAndCloseBecomeNettysFrames() {
    byte[] closeBody =
        concat(new byte[] {0x03, (byte) 0xE8}, "bye ü".getBytes(StandardCharsets.UTF_8));
    byte[] wire =
        concat(
            frame(0x89, new byte[] {9}, false, 0),
            frame(0x8A, new byte[0], false, 0),
            frame(0x88, closeBody, false, 0),
            frame(0x82, new byte[] {1}, false, 0)); // after the close: discarded
    Decoded out = run(false, 2, wire);
    assertThat(out.failure).isNull();
    assertThat(out.items).containsExactly("ping \t", "pong ", "close 1000 bye ü");
  }

  @Test
  void anEmptyCloseFrameHasNoStatus() {
    assertThat(run(false, 1, frame(0x88, new byte[0], false, 0)).items)
        .containsExactly("close -1 ");
  }

  @Test
  void aTextFrameIsRefusedWith1003AtItsFirstFragment() {
    Decoded out = run(true, 1, frame(0x01, new byte[] {'a'}, true, 1));
    assertThat(out.failure).isInstanceOf(ConnectionFailure.class).hasMessageContaining("text");
    assertThat(((ConnectionFailure) out.failure).closeStatus).isEqualTo(1003);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "reserved bit                    | c2 81 01020304 00",
        "unmasked frame to a server      | 82 01 00",
        "reserved data opcode            | 83 81 01020304 00",
        "reserved control opcode         | 8b 80 01020304",
        "fragmented control frame        | 09 80 01020304",
        "control payload over 125        | 89 fe 007e 01020304",
        "continuation with no message    | 80 81 01020304 00",
        "binary inside a fragmented one  | 02 81 01020304 00 82 81 01020304 00",
        "text inside a fragmented one    | 02 81 01020304 00 81 81 01020304 00",
        "16-bit length under 126         | 82 fe 007d 01020304",
        "64-bit length under 65536       | 82 ff 000000000000ffff 01020304",
        "64-bit length, top bit set      | 82 ff 8000000000000001 01020304",
        "close with a one-byte body      | 88 81 01020304 00",
        "close with status 1005          | 88 82 00000000 03ed",
        "close with status 999           | 88 82 00000000 03e7",
        "close reason not UTF-8          | 88 83 00000000 03e8ff",
      })
  void aViolationClosesWith1002AndStopsDecoding(String what, String hex) {
    byte[] wire = concat(hex(hex), frame(0x82, new byte[] {1}, true, 1));
    Decoded out = run(true, wire.length, wire);
    assertThat(out.failure).as(what).isInstanceOf(CorruptedWebSocketFrameException.class);
    assertThat(((CorruptedWebSocketFrameException) out.failure).closeStatus().code())
        .isEqualTo(1002);
    assertThat(out.items).as("nothing decoded after the violation").isEmpty();
  }

  @Test
  void aMaskedFrameToAClientIsAViolation() {
    Decoded out = run(false, 100, frame(0x82, new byte[] {1}, true, 1));
    assertThat(((CorruptedWebSocketFrameException) out.failure).closeStatus().code())
        .isEqualTo(1002);
  }

  @Test
  void aMessageAtTheLimitIsDeliveredAndOneByteMoreIsRefusedWith1009AtItsHeader() {
    byte[] atLimit = payload(LIMIT, 7);
    assertThat(decode(true, 65536, frame(0x82, atLimit, true, 5))).containsExactly(atLimit);

    byte[] header = hex("82 ff 0000000000100001 01020304"); // LIMIT + 1, no payload sent
    Decoded out = run(true, header.length, header);
    assertThat(((CorruptedWebSocketFrameException) out.failure).closeStatus().code())
        .isEqualTo(1009);
  }

  @Test
  void fragmentsOverTheLimitTogetherAreRefusedWith1009() {
    byte[] wire =
        concat(frame(0x02, new byte[LIMIT - 10], true, 1), frame(0x80, new byte[11], true, 2));
    Decoded out = run(true, 4096, wire);
    assertThat(((CorruptedWebSocketFrameException) out.failure).closeStatus().code())
        .isEqualTo(1009);
    assertThat(out.items).isEmpty();
  }

  @Test
  void aHeaderClaimingALargeMessageAllocatesInProportionToTheBytesThatCome() {
    EmbeddedChannel channel = new EmbeddedChannel(new MessageDecoder(true, 16 << 20));
    byte[] header = hex("82 ff 0000000000a00000 01020304"); // 10 MiB announced
    byte[] piece = new byte[10_000];
    channel.writeInbound(Unpooled.wrappedBuffer(header));
    long before = THREADS.getCurrentThreadAllocatedBytes();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[100]));
    assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
        .as("after the header and 100 bytes")
        .isLessThan(2L * MessageDecoder.EAGER_BYTES);
    for (int i = 0; i < 10; i++) {
      channel.writeInbound(Unpooled.wrappedBuffer(piece));
    }
    // The arrays it grew through (16 KiB, 4x 20,100 B, 4x 90,100 B) and the channel's own garbage.
    assertThat(THREADS.getCurrentThreadAllocatedBytes() - before)
        .as("after 100,100 bytes of the message")
        .isLessThan(6L * 100_100);
    assertThat((Object) channel.readInbound()).isNull();
    channel.finishAndReleaseAll();
  }

  @Test
  void unmaskStartsAtAnyByteOfTheMask() {
    for (int from = 0; from < 4; from++) {
      byte[] plain = payload(37, from);
      int mask = 0x8899AABB;
      byte[] masked = plain.clone();
      for (int i = 0; i < masked.length; i++) {
        masked[i] ^= (byte) (mask >>> (24 - 8 * ((i + from) & 3)));
      }
      MessageDecoder.unmask(masked, 0, masked.length, Integer.rotateLeft(mask, 8 * from));
      assertThat(masked).isEqualTo(plain);
    }
  }

  // ---------------------------------------------------------------------------------------------

  private record Decoded(List<Object> items, Throwable failure) {}

  private static List<Object> decode(boolean server, int pieceSize, byte[] wire) {
    Decoded out = run(server, pieceSize, wire);
    assertThat(out.failure).isNull();
    return out.items;
  }

  /** Feeds {@code wire} in pieces of {@code pieceSize}; control frames come out as strings. */
  private static Decoded run(boolean server, int pieceSize, byte[] wire) {
    List<Object> items = new ArrayList<>();
    Throwable[] failure = new Throwable[1];
    EmbeddedChannel channel =
        new EmbeddedChannel(
            new MessageDecoder(server, LIMIT),
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof PingWebSocketFrame f) {
                  items.add("ping " + f.content().toString(StandardCharsets.UTF_8));
                } else if (msg instanceof PongWebSocketFrame f) {
                  items.add("pong " + f.content().toString(StandardCharsets.UTF_8));
                } else if (msg instanceof CloseWebSocketFrame f) {
                  items.add("close " + f.statusCode() + " " + f.reasonText());
                } else {
                  items.add(msg);
                }
                io.netty.util.ReferenceCountUtil.release(msg);
              }

              @Override
              public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                failure[0] = cause;
              }
            });
    for (int at = 0; at < wire.length; at += pieceSize) {
      int n = Math.min(pieceSize, wire.length - at);
      ByteBuf piece = ByteBufAllocator.DEFAULT.directBuffer(n).writeBytes(wire, at, n);
      channel.writeInbound(piece);
    }
    assertThat(channel.finishAndReleaseAll()).isFalse();
    return new Decoded(items, failure[0]);
  }

  private static byte[] frame(int firstByte, byte[] payload, boolean masked, int mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(firstByte);
    int maskBit = masked ? 0x80 : 0;
    int length = payload.length;
    if (length < 126) {
      out.write(maskBit | length);
    } else if (length <= 0xFFFF) {
      out.write(maskBit | 126);
      out.write(length >>> 8);
      out.write(length);
    } else {
      out.write(maskBit | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) length >>> shift));
      }
    }
    if (masked) {
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write(mask >>> shift);
      }
    }
    for (int i = 0; i < length; i++) {
      out.write(masked ? payload[i] ^ (mask >>> (24 - 8 * (i & 3))) : payload[i]);
    }
    return out.toByteArray();
  }

  private static byte[] payload(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static byte[] hex(String spaced) {
    String digits = spaced.replace(" ", "");
    byte[] bytes = new byte[digits.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}

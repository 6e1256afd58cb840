package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The frames {@link BinaryFrames} writes are the ones Netty's own encoder writes and decodes. */
class BinaryFramesTest {

  // The lengths: each length form's edges (7-bit, 16-bit, 64-bit) and masked tails of 0-7 bytes.
  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 8, 9, 125, 126, 127, 1000, 65535, 65536, 70001})
  void anUnmaskedFrameIsByteForByteNettysFrame(int length) {
    byte[] payload = payload(length);
    ByteBuf ours = BinaryFrames.encode(ByteBufAllocator.DEFAULT, payload, false);
    EmbeddedChannel netty = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
    netty.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    ByteBuf theirs = Unpooled.buffer();
    for (ByteBuf part; (part = netty.readOutbound()) != null; ) {
      theirs.writeBytes(part);
      part.release();
    }
    try {
      assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(theirs));
    } finally {
      ours.release();
      theirs.release();
      netty.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 3, 4, 5, 7, 8, 9, 15, 125, 126, 127, 1000, 65535, 65536, 70001})
  void aMaskedFrameDecodesToThePayloadAndIsMasked(int length) {
    byte[] payload = payload(length);
    ByteBuf ours = BinaryFrames.encode(ByteBufAllocator.DEFAULT, payload, true);
    int header = ours.readableBytes() - length;
    assertThat(ours.getByte(1) & 0x80).as("mask bit").isEqualTo(0x80);
    if (length >= 64) {
      byte[] onTheWire = new byte[length];
      ours.getBytes(header, onTheWire);
      assertThat(onTheWire).as("payload on the wire is masked").isNotEqualTo(payload);
    }
    EmbeddedChannel server =
        new EmbeddedChannel(
            new WebSocket08FrameDecoder(
                WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(true)
                    .maxFramePayloadLength(1 << 20)
                    .build()));
    server.writeInbound(ours);
    BinaryWebSocketFrame frame = server.readInbound();
    try {
      assertThat(frame.isFinalFragment()).isTrue();
      assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(payload);
      assertThat((Object) server.readInbound()).isNull();
    } finally {
      frame.release();
      server.finishAndReleaseAll();
    }
  }

  private static byte[] payload(int length) {
    byte[] payload = new byte[length];
    new Random(length).nextBytes(payload);
    return payload;
  }
}

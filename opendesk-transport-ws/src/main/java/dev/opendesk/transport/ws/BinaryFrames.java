package dev.opendesk.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Encodes one message as a single final binary WebSocket frame (RFC 6455 section 5.2): header and
 * payload in one buffer from the channel's allocator, masked when a client sends it.
 *
 * <p>This is the frame Netty's {@code WebSocket08FrameEncoder} writes for a {@code
 * BinaryWebSocketFrame}, which lets a raw {@code ByteBuf} pass through unchanged. Going around it
 * saves the frame object, the buffer wrapping the array and the two NIO views its copy makes: about
 * 300 bytes of garbage per call (docs/profiles/allocation-per-call.md). Stateless and thread-safe.
 */
final class BinaryFrames {

  private static final int FIN_BINARY = 0x82;
  private static final int MASK_BIT = 0x80;
  static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private BinaryFrames() {}

  /** The frame carrying {@code payload}; the caller owns the returned buffer. */
  static ByteBuf encode(ByteBufAllocator alloc, byte[] payload, boolean masked) {
    int length = payload.length;
    int lengthBytes = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
    int headerSize = 2 + lengthBytes + (masked ? 4 : 0);
    ByteBuf frame = alloc.directBuffer(headerSize + length);
    frame.writeByte(FIN_BINARY);
    int maskBit = masked ? MASK_BIT : 0;
    if (lengthBytes == 0) {
      frame.writeByte(maskBit | length);
    } else if (lengthBytes == 2) {
      frame.writeByte(maskBit | 126);
      frame.writeShort(length);
    } else {
      frame.writeByte(maskBit | 127);
      frame.writeLong(length);
    }
    if (!masked) {
      return frame.writeBytes(payload);
    }
    // The mask only has to be unpredictable to scripts on the path (section 10.3); Netty's
    // encoder draws it the same way.
    int mask = ThreadLocalRandom.current().nextInt();
    frame.writeInt(mask);
    long mask8 = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = 0;
    for (; i + Long.BYTES <= length; i += Long.BYTES) {
      frame.writeLong((long) LONGS.get(payload, i) ^ mask8);
    }
    for (; i < length; i++) {
      frame.writeByte(payload[i] ^ (mask >>> (24 - 8 * (i & 3))));
    }
    return frame;
  }
}

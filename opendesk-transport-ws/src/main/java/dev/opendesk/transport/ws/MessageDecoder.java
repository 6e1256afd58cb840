package dev.opendesk.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads RFC 6455 frames straight from the socket's buffers: each binary message, whole or
 * fragmented, becomes one {@code byte[]}, unmasked in place once copied there (its only copy);
 * ping, pong and close frames become Netty's frame objects for {@link KeepaliveHandler} and {@link
 * MessageBridge}. Text messages (close status 1003), anything RFC 6455 forbids (1002) and a message
 * over the size limit (1009, checked on each frame's header before anything is allocated) go to
 * {@code exceptionCaught}, after which all input is discarded, as after the peer's close frame.
 *
 * <p>It replaces Netty's frame decoder, a binary-only filter and the frame aggregator, which copied
 * each message twice (into a frame buffer, then into the array) and made a frame object, a buffer
 * and, without {@code sun.misc.Unsafe} (Netty 4.2 on JDK 24+), two NIO views per message.
 *
 * <p>A message's array is allocated at its final size once the frame's header says it (for a
 * message of at most {@value #EAGER_BYTES} bytes, or one whose bytes have all arrived); a larger
 * one still arriving grows with what has come (to at most four times that), so a header alone never
 * makes the receiver allocate more than {@value #EAGER_BYTES} bytes. Not thread-safe: one per
 * channel, on its event loop.
 */
final class MessageDecoder extends ChannelInboundHandlerAdapter implements WebSocketFrameDecoder {

  static final int EAGER_BYTES = 16 * 1024;
  private static final int MAX_HEADER = 14;
  private static final int MAX_CONTROL_PAYLOAD = 125;
  private static final int OP_CONTINUATION = 0x0;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;
  private static final int OP_PONG = 0xA;
  private static final byte[] EMPTY = new byte[0];

  private final boolean expectMasked;
  private final int maxMessageSize;

  private final byte[] header = new byte[MAX_HEADER];
  private int headerFilled;

  // The frame whose payload is being read (header complete).
  private boolean inPayload;
  private int opcode;
  private boolean fin;
  private int mask;
  private int frameLength;
  private int frameRead;

  // The binary message being assembled, across fragments; null between messages.
  private byte[] message;
  private int messageFilled;

  private byte[] control;
  private boolean discarding;

  /**
   * @param expectMasked whether frames must be masked: true on a server (frames come from a
   *     client), false on a client (RFC 6455 section 5.1 forbids masking in either other case)
   * @param maxMessageSize the largest message accepted, summed over its fragments
   */
  MessageDecoder(boolean expectMasked, int maxMessageSize) {
    this.expectMasked = expectMasked;
    this.maxMessageSize = maxMessageSize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in)) {
      ctx.fireChannelRead(msg);
      return;
    }
    try {
      while (!discarding && in.isReadable()) {
        if (inPayload) {
          readPayload(ctx, in);
        } else if (readHeader(in)) {
          startFrame(ctx, in.readableBytes());
        }
      }
    } catch (CorruptedWebSocketFrameException | ConnectionFailure e) {
      discarding = true;
      message = null;
      ctx.fireExceptionCaught(e);
    } finally {
      in.release();
    }
  }

  /** Copies header bytes into {@link #header}; true once the whole header is there. */
  private boolean readHeader(ByteBuf in) {
    while (in.isReadable()) {
      if (headerFilled < 2) {
        header[headerFilled++] = in.readByte();
        continue;
      }
      int size = headerSize();
      if (headerFilled == size) {
        return true;
      }
      int n = Math.min(size - headerFilled, in.readableBytes());
      in.readBytes(header, headerFilled, n);
      headerFilled += n;
    }
    return headerFilled >= 2 && headerFilled == headerSize();
  }

  private int headerSize() {
    int length7 = header[1] & 0x7F;
    int lengthBytes = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return 2 + lengthBytes + ((header[1] & 0x80) != 0 ? 4 : 0);
  }

  private void startFrame(ChannelHandlerContext ctx, int readable) {
    int b0 = header[0] & 0xFF;
    int b1 = header[1] & 0xFF;
    fin = (b0 & 0x80) != 0;
    opcode = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    if ((b0 & 0x70) != 0) {
      throw violation("reserved bits set, but no extension was negotiated");
    }
    if (masked != expectMasked) {
      throw violation(
          expectMasked ? "a client's frame is not masked" : "a server's frame is masked");
    }
    long length = payloadLength(b1 & 0x7F);
    int at = headerFilled - (masked ? 4 : 0);
    mask = masked ? readInt(at) : 0;
    headerFilled = 0;
    if (opcode >= OP_CLOSE) {
      if (opcode > OP_PONG) {
        throw violation("reserved control opcode " + opcode);
      }
      if (!fin) {
        throw violation("fragmented control frame");
      }
      if (length > MAX_CONTROL_PAYLOAD) {
        throw violation("control frame payload of " + length + " bytes (at most 125)");
      }
    } else if (opcode == OP_TEXT && message == null) {
      throw new ConnectionFailure(
          WebSocketCloseStatus.INVALID_MESSAGE_TYPE.code(),
          "peer sent a text message; only binary messages are allowed (closed with status 1003)");
    } else if (opcode > OP_BINARY) {
      throw violation("reserved data opcode " + opcode);
    } else if (opcode == OP_CONTINUATION && message == null) {
      throw violation("continuation frame outside a fragmented message");
    } else if (opcode != OP_CONTINUATION && message != null) {
      throw violation("new data frame inside a fragmented message");
    } else if (messageFilled + length > maxMessageSize) {
      throw new CorruptedWebSocketFrameException(
          WebSocketCloseStatus.MESSAGE_TOO_BIG,
          "message of more than " + maxMessageSize + " bytes");
    }
    frameLength = (int) length;
    frameRead = 0;
    inPayload = true;
    if (opcode >= OP_CLOSE) {
      control = frameLength == 0 ? EMPTY : new byte[frameLength];
    } else if (message == null) {
      messageFilled = 0;
      message =
          fin && (frameLength <= EAGER_BYTES || frameLength <= readable)
              ? new byte[frameLength]
              : EMPTY;
    }
    if (frameLength == 0) {
      endFrame(ctx);
    }
  }

  private long payloadLength(int length7) {
    if (length7 < 126) {
      return length7;
    }
    if (length7 == 126) {
      int length = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
      if (length < 126) {
        throw violation("payload length " + length + " not in its shortest form");
      }
      return length;
    }
    long length = ((long) readInt(2) << 32) | (readInt(6) & 0xFFFFFFFFL);
    if (length < 0) {
      throw violation("payload length with its most significant bit set");
    }
    if (length <= 0xFFFF) {
      throw violation("payload length " + length + " not in its shortest form");
    }
    // Over the limit either way; said as such by startFrame for a data frame.
    return Math.min(length, (long) Integer.MAX_VALUE + 1);
  }

  private int readInt(int at) {
    return ((header[at] & 0xFF) << 24)
        | ((header[at + 1] & 0xFF) << 16)
        | ((header[at + 2] & 0xFF) << 8)
        | (header[at + 3] & 0xFF);
  }

  private void readPayload(ChannelHandlerContext ctx, ByteBuf in) {
    int n = Math.min(frameLength - frameRead, in.readableBytes());
    byte[] target;
    int offset;
    if (opcode >= OP_CLOSE) {
      target = control;
      offset = frameRead;
    } else {
      ensureRoom(n);
      target = message;
      offset = messageFilled;
      messageFilled += n;
    }
    in.readBytes(target, offset, n);
    if (expectMasked) {
      unmask(target, offset, offset + n, Integer.rotateLeft(mask, 8 * (frameRead & 3)));
    }
    frameRead += n;
    if (frameRead == frameLength) {
      endFrame(ctx);
    }
  }

  /**
   * Makes room for {@code n} more bytes of the message. The array never outgrows what the current
   * frame promises, nor four times what has arrived (beyond {@link #EAGER_BYTES}): the sender pays
   * for at least a quarter of what it makes us hold, and a 64 KiB message arriving in pieces is
   * copied into its array at most once more, while it is small.
   */
  private void ensureRoom(int n) {
    int needed = messageFilled + n;
    if (needed <= message.length) {
      return;
    }
    int promised = messageFilled + (frameLength - frameRead);
    long grown = Math.max(EAGER_BYTES, 4L * needed);
    message = Arrays.copyOf(message, (int) Math.min(promised, grown));
  }

  private void endFrame(ChannelHandlerContext ctx) {
    inPayload = false;
    if (opcode >= OP_CLOSE) {
      byte[] payload = control;
      control = null;
      endControlFrame(ctx, payload);
    } else if (fin) {
      // Exactly full: ensureRoom never grows the array past what the frames have promised.
      byte[] whole = message;
      message = null;
      ctx.fireChannelRead(whole);
    }
  }

  private void endControlFrame(ChannelHandlerContext ctx, byte[] payload) {
    if (opcode == OP_PING) {
      ctx.fireChannelRead(new PingWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    } else if (opcode == OP_PONG) {
      ctx.fireChannelRead(new PongWebSocketFrame(Unpooled.wrappedBuffer(payload)));
    } else {
      checkCloseBody(payload);
      // Nothing may follow a close frame (RFC 6455 section 5.5.1).
      discarding = true;
      message = null;
      ctx.fireChannelRead(new CloseWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload)));
    }
  }

  private static void checkCloseBody(byte[] payload) {
    if (payload.length == 0) {
      return;
    }
    if (payload.length == 1) {
      throw violation("close frame with a one-byte body");
    }
    int status = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
    if (!WebSocketCloseStatus.isValidStatusCode(status)) {
      throw violation("close frame with invalid status " + status);
    }
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(payload, 2, payload.length - 2));
    } catch (CharacterCodingException e) {
      throw violation("close frame whose reason is not UTF-8");
    }
  }

  /** XORs {@code a[from, to)} with {@code mask}, whose first byte applies at {@code from}. */
  static void unmask(byte[] a, int from, int to, int mask) {
    long mask8 = ((long) mask << 32) | (mask & 0xFFFFFFFFL);
    int i = from;
    for (; i + Long.BYTES <= to; i += Long.BYTES) {
      BinaryFrames.LONGS.set(a, i, (long) BinaryFrames.LONGS.get(a, i) ^ mask8);
    }
    for (int k = 0; i < to; i++, k++) {
      a[i] ^= (byte) (mask >>> (24 - 8 * (k & 3)));
    }
  }

  private static CorruptedWebSocketFrameException violation(String what) {
    return new CorruptedWebSocketFrameException(WebSocketCloseStatus.PROTOCOL_ERROR, what);
  }
}

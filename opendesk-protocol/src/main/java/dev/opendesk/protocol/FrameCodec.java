package dev.opendesk.protocol;

import java.util.Map;

/**
 * Encodes and decodes frames (PROTOCOL.md §2–3) and plain msgpack maps (handshake messages).
 *
 * <p>Encoding is byte-exact with the original implementation: {@code v} first, then {@code type},
 * then every field in the order of the spec's table, defaults and nils included, except HELLO's
 * {@code error} which is left out when {@code null}. Decoding is strict about types (see the spec)
 * and throws {@link CodecException} naming the offending field for anything that is not a valid
 * frame. Limits guard the decoder: a maximum message size, a maximum nesting depth, no allocation
 * driven by a length header larger than the bytes actually present, and a budget of maps and arrays
 * relative to the message's size, checked before anything is built (at most 256 plus one per 4
 * bytes, so that a message of empty maps cannot cost a hundred times its size in heap).
 *
 * <p>{@link #encodeMap} and {@link #decodeMap} are public because the handshakes of {@code
 * opendesk-auth} (another module) and tools that speak a handshake themselves, such as a test
 * client or a protocol checker, read and write plain msgpack maps with the same limits.
 *
 * <p>Thread-safe and reusable. The work is done by {@link FrameEncoder} and {@link FrameDecoder},
 * one of each per thread, which reuse their buffers from message to message.
 */
public final class FrameCodec {

  /** Default maximum message size: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** Default maximum nesting depth of maps and arrays, the frame itself included. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  private static final FrameCodec STANDARD =
      new FrameCodec(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_DEPTH);

  private final int maxMessageSize;
  private final int maxDepth;

  private FrameCodec(int maxMessageSize, int maxDepth) {
    if (maxMessageSize < 1) {
      throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
    }
    if (maxDepth < 2) {
      throw new IllegalArgumentException("maxDepth must be at least 2: " + maxDepth);
    }
    this.maxMessageSize = maxMessageSize;
    this.maxDepth = maxDepth;
  }

  /** The shared codec with the default limits. */
  public static FrameCodec standard() {
    return STANDARD;
  }

  /**
   * A codec with the given limits.
   *
   * @param maxMessageSize the largest message, in bytes, that {@link #decode} accepts and {@link
   *     #encode} produces
   * @param maxDepth the deepest nesting of maps and arrays, the frame's own map counting as 1
   */
  public static FrameCodec withLimits(int maxMessageSize, int maxDepth) {
    return new FrameCodec(maxMessageSize, maxDepth);
  }

  /** The largest message this codec accepts, in bytes. */
  public int maxMessageSize() {
    return maxMessageSize;
  }

  /** The deepest nesting this codec accepts. */
  public int maxDepth() {
    return maxDepth;
  }

  /**
   * Encodes a frame.
   *
   * @throws IllegalArgumentException if a value is outside the value model, nests too deep, or the
   *     result exceeds the maximum message size; the message names the field
   */
  public byte[] encode(Frame frame) {
    return FrameEncoder.encode(frame, maxMessageSize, maxDepth);
  }

  /**
   * Encodes a plain map (a handshake message), keys in the map's iteration order.
   *
   * @throws IllegalArgumentException as for {@link #encode(Frame)}
   */
  public byte[] encodeMap(Map<String, ?> map) {
    return FrameEncoder.encodeMap(map, maxMessageSize, maxDepth);
  }

  /**
   * Decodes one frame.
   *
   * @throws CodecException if {@code message} is not exactly one valid frame; {@link
   *     CodecException#field()} names the offending field where there is one
   */
  public Frame decode(byte[] message) {
    return FrameDecoder.decodeFrame(message, maxMessageSize, maxDepth);
  }

  /**
   * Decodes one msgpack map (a handshake message) into the value model, without frame validation.
   *
   * @throws CodecException if {@code message} is not exactly one msgpack map with str keys within
   *     the limits
   */
  public Map<String, Object> decodeMap(byte[] message) {
    return FrameDecoder.decodeMap(message, maxMessageSize, maxDepth);
  }
}

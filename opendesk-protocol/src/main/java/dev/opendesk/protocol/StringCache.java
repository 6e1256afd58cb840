package dev.opendesk.protocol;

import java.util.Arrays;

/**
 * A small direct-mapped cache from short UTF-8 payloads to their decoded {@link String}s: frame
 * keys, type names, method names and the keys of user maps repeat from message to message, and a
 * hit returns the same immutable string without allocating. A slot holds one payload's bytes and
 * its string; a collision replaces it. Not thread-safe: one per thread, via {@link FrameDecoder}.
 */
final class StringCache {

  /** Payloads up to this many bytes are looked up. */
  static final int MAX_BYTES = 32;

  /** Slots (a power of two): at most 128 strings of 32 bytes. */
  private static final int SLOTS = 128;

  private final byte[][] cacheBytes = new byte[SLOTS][];
  private final String[] cacheStrings = new String[SLOTS];

  /**
   * The string of {@code length} bytes of {@code bytes} from {@code offset} ({@code length} at most
   * {@link #MAX_BYTES}), decoded strictly.
   *
   * @throws CodecException if the bytes are not UTF-8
   */
  String decode(byte[] bytes, int offset, int length) {
    int hash = length;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    int slot = (hash ^ (hash >>> 7)) & (SLOTS - 1);
    byte[] cached = cacheBytes[slot];
    if (cached != null && Arrays.equals(cached, 0, cached.length, bytes, offset, offset + length)) {
      return cacheStrings[slot];
    }
    String decoded = Utf8.decodeStrict(bytes, offset, length);
    cacheBytes[slot] = Arrays.copyOfRange(bytes, offset, offset + length);
    cacheStrings[slot] = decoded;
    return decoded;
  }
}

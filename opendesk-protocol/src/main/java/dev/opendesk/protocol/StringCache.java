package dev.opendesk.protocol;

import java.nio.charset.StandardCharsets;
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

  /**
   * The frame vocabulary (keys, types, roles), as the literals {@link FrameReader} looks up: a
   * decoded key is then the same instance, and a lookup in {@link FrameFields} matches it by
   * identity. Never evicted.
   */
  private static final String[] VOCABULARY = {
    "v", "type", "hello", "req", "res", "cancel", "push", "role", "principal", "auth",
    "capabilities", "error", "id", "method", "stream", "params", "seq", "end", "result", "reason",
    "topic", "payload", "code", "message", "details", "client", "server", "kind"
  };

  /** Slots of the vocabulary table (a power of two), open addressing with linear probing. */
  private static final int VOCABULARY_SLOTS = 64;

  private static final byte[][] VOCABULARY_BYTES = new byte[VOCABULARY_SLOTS][];
  private static final String[] VOCABULARY_STRINGS = new String[VOCABULARY_SLOTS];

  static {
    for (String word : VOCABULARY) {
      byte[] ascii = word.getBytes(StandardCharsets.US_ASCII);
      int slot = slot(hash(ascii, 0, ascii.length), VOCABULARY_SLOTS);
      while (VOCABULARY_BYTES[slot] != null) {
        slot = (slot + 1) & (VOCABULARY_SLOTS - 1);
      }
      VOCABULARY_BYTES[slot] = ascii;
      VOCABULARY_STRINGS[slot] = word;
    }
  }

  private final byte[][] cacheBytes = new byte[SLOTS][];
  private final String[] cacheStrings = new String[SLOTS];

  /**
   * The string of {@code length} bytes of {@code bytes} from {@code offset} ({@code length} at most
   * {@link #MAX_BYTES}), decoded strictly.
   *
   * @throws CodecException if the bytes are not UTF-8
   */
  String decode(byte[] bytes, int offset, int length) {
    int hash = hash(bytes, offset, length);
    for (int v = slot(hash, VOCABULARY_SLOTS); VOCABULARY_BYTES[v] != null; ) {
      if (same(VOCABULARY_BYTES[v], bytes, offset, length)) {
        return VOCABULARY_STRINGS[v];
      }
      v = (v + 1) & (VOCABULARY_SLOTS - 1);
    }
    int slot = slot(hash, SLOTS);
    byte[] cached = cacheBytes[slot];
    if (cached != null && same(cached, bytes, offset, length)) {
      return cacheStrings[slot];
    }
    String decoded = Utf8.decodeStrict(bytes, offset, length);
    cacheBytes[slot] = Arrays.copyOfRange(bytes, offset, offset + length);
    cacheStrings[slot] = decoded;
    return decoded;
  }

  private static int hash(byte[] bytes, int offset, int length) {
    int hash = length;
    for (int i = offset; i < offset + length; i++) {
      hash = 31 * hash + bytes[i];
    }
    return hash;
  }

  private static int slot(int hash, int slots) {
    return (hash ^ (hash >>> 7)) & (slots - 1);
  }

  /**
   * Whether {@code cached} holds the {@code length} bytes at {@code offset} (a plain loop: most are
   * a few bytes, shorter than what a vectorised comparison pays off for).
   */
  private static boolean same(byte[] cached, byte[] bytes, int offset, int length) {
    if (cached.length != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (cached[i] != bytes[offset + i]) {
        return false;
      }
    }
    return true;
  }
}

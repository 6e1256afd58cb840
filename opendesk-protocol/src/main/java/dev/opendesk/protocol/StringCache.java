package dev.opendesk.protocol;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
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

  private static final VarHandle INTS =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

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
    String word = vocabulary(hash, bytes, offset, length);
    if (word != null) {
      return word;
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

  /**
   * The vocabulary's own instance of the {@code length} bytes at {@code offset} (at most {@link
   * #MAX_BYTES}), or {@code null} if they are not a word of it.
   */
  static String vocabulary(byte[] bytes, int offset, int length) {
    return vocabulary(hash(bytes, offset, length), bytes, offset, length);
  }

  private static String vocabulary(int hash, byte[] bytes, int offset, int length) {
    for (int v = slot(hash, VOCABULARY_SLOTS); VOCABULARY_BYTES[v] != null; ) {
      if (same(VOCABULARY_BYTES[v], bytes, offset, length)) {
        return VOCABULARY_STRINGS[v];
      }
      v = (v + 1) & (VOCABULARY_SLOTS - 1);
    }
    return null;
  }

  /**
   * A hash of all the bytes in a few word reads instead of a loop per byte: up to 3 bytes are read
   * one by one, longer payloads as two to four overlapping ints or longs that together cover them.
   */
  private static int hash(byte[] bytes, int offset, int length) {
    long h;
    int end = offset + length;
    if (length <= 3) {
      h =
          length == 0
              ? 0
              : (bytes[offset] & 0xff)
                  | (bytes[offset + (length >>> 1)] & 0xff) << 8
                  | (bytes[end - 1] & 0xff) << 16;
    } else if (length <= 8) {
      h =
          ((int) INTS.get(bytes, offset) & 0xFFFFFFFFL)
              | (long) (int) INTS.get(bytes, end - 4) << 32;
    } else if (length <= 16) {
      h = (long) LONGS.get(bytes, offset) * 31 + (long) LONGS.get(bytes, end - 8);
    } else {
      h = (long) LONGS.get(bytes, offset) * 31 + (long) LONGS.get(bytes, offset + 8);
      h = (h * 31 + (long) LONGS.get(bytes, end - 16)) * 31 + (long) LONGS.get(bytes, end - 8);
    }
    return (int) (((h + length) * 0x9E3779B97F4A7C15L) >>> 32);
  }

  private static int slot(int hash, int slots) {
    return hash & (slots - 1);
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

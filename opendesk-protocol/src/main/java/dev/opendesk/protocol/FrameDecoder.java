package dev.opendesk.protocol;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one message at a time into the value model (see {@link FrameCodec}), straight from its
 * array: msgpack headers are parsed here, short strs come from the {@link StringCache}, and small
 * maps and arrays become a {@link DecodedMap} or {@link DecodedList}. Before anything is built the
 * message must fit the {@link AllocationBudget}; while reading, every length header is checked
 * against the bytes that remain, and nesting against the depth limit. Not thread-safe: the static
 * methods use each thread's own ({@link PerThread}).
 */
final class FrameDecoder {

  private static final PerThread<FrameDecoder> DECODERS = new PerThread<>(FrameDecoder::new);

  private static final BigInteger TWO_TO_THE_64 = BigInteger.ONE.shiftLeft(64);

  private final FrameFields fields = new FrameFields();
  private final StringCache strings = new StringCache();
  private long[] levels = new long[FrameCodec.DEFAULT_MAX_DEPTH + 1];

  /** The message being read (dropped after each one), the read position, and the depth limit. */
  private byte[] buf;

  private int pos;
  private int maxDepth;

  private FrameDecoder() {}

  /**
   * Decodes one frame with this thread's decoder.
   *
   * @throws CodecException as {@link FrameCodec#decode} documents
   */
  static Frame decodeFrame(byte[] message, int maxMessageSize, int maxDepth) {
    FrameDecoder decoder = DECODERS.acquire();
    try {
      return decoder.readFrame(message, maxMessageSize, maxDepth);
    } finally {
      DECODERS.release(decoder, true);
    }
  }

  /**
   * Decodes one plain map with this thread's decoder.
   *
   * @throws CodecException as {@link FrameCodec#decodeMap} documents
   */
  static Map<String, Object> decodeMap(byte[] message, int maxMessageSize, int maxDepth) {
    FrameDecoder decoder = DECODERS.acquire();
    try {
      return decoder.readMap(message, maxMessageSize, maxDepth);
    } finally {
      DECODERS.release(decoder, true);
    }
  }

  /**
   * Reads one frame. Its outer map is only looked at by {@link FrameReader} and then dropped, so it
   * is read into the reusable {@link FrameFields} instead of a new map, its integers (the id, seq)
   * unboxed; the other values (params, result) are new.
   */
  private Frame readFrame(byte[] message, int maxMessageSize, int maxDepth) {
    start(message, maxMessageSize, maxDepth);
    try {
      int size = messageMapHeader();
      Map<String, Object> map =
          size <= FrameFields.CAPACITY ? fields : new LinkedHashMap<>((int) (size / 0.75f) + 1);
      for (int i = 0; i < size; i++) {
        if (map != fields) {
          map.put(key(), value(2));
          continue;
        }
        // A key of the frame vocabulary is its shared instance, which FrameFields matches by
        // identity alone; only other keys need equals.
        int length = keyLength();
        String word =
            length <= StringCache.MAX_BYTES && length <= buf.length - pos
                ? StringCache.vocabulary(buf, pos, length)
                : null;
        String key;
        if (word != null) {
          pos += length;
          key = word;
        } else {
          key = str(length);
        }
        int b = next();
        if (isLong(b)) {
          fields.putLong(key, word != null, longValue(b));
        } else {
          fields.put(key, word != null, value(b, 2));
        }
      }
      end();
      return FrameReader.toFrame(map);
    } finally {
      fields.clear();
      buf = null;
    }
  }

  /** Reads one plain map. */
  private Map<String, Object> readMap(byte[] message, int maxMessageSize, int maxDepth) {
    start(message, maxMessageSize, maxDepth);
    try {
      Map<String, Object> map = map(messageMapHeader(), 1);
      end();
      return map;
    } finally {
      buf = null;
    }
  }

  private void start(byte[] message, int maxMessageSize, int maxDepth) {
    if (message.length == 0) {
      throw new CodecException("empty message");
    }
    if (message.length > maxMessageSize) {
      throw new CodecException(
          "message of " + message.length + " bytes exceeds the limit of " + maxMessageSize);
    }
    if (levels.length <= maxDepth) {
      levels = new long[maxDepth + 1];
    }
    AllocationBudget.check(message, maxDepth, levels);
    this.buf = message;
    this.pos = 0;
    this.maxDepth = maxDepth;
  }

  private void end() {
    if (pos < buf.length) {
      throw new CodecException("trailing bytes after the message: " + (buf.length - pos));
    }
  }

  // ------------------------------------------------------------------ values

  /** Reads one value at nesting {@code depth} (the message's own map is at 1). */
  private Object value(int depth) {
    return value(next(), depth);
  }

  /** Reads the value whose first byte {@code b} was just read. */
  private Object value(int b, int depth) {
    if (isLong(b)) {
      return longValue(b);
    } else if (b <= 0x8f) {
      return map(containerAt(depth, b & 0x0f, 2), depth);
    } else if (b <= 0x9f) {
      return array(containerAt(depth, b & 0x0f, 1), depth);
    } else if (b <= 0xbf) {
      return str(b & 0x1f);
    }
    return switch (b) {
      case 0xc0 -> null;
      case 0xc2 -> Boolean.FALSE;
      case 0xc3 -> Boolean.TRUE;
      case 0xc4 -> bin(length(uint8()));
      case 0xc5 -> bin(length(uint16()));
      case 0xc6 -> bin(length(uint32()));
      case 0xca -> (double) Float.intBitsToFloat((int) uint32());
      case 0xcb -> Double.longBitsToDouble(int64());
      case 0xcf -> uint64();
      case 0xd9 -> str(length(uint8()));
      case 0xda -> str(length(uint16()));
      case 0xdb -> str(length(uint32()));
      case 0xdc -> array(containerAt(depth, 0xdc, 1), depth);
      case 0xdd -> array(containerAt(depth, 0xdd, 1), depth);
      case 0xde -> map(containerAt(depth, 0xde, 2), depth);
      case 0xdf -> map(containerAt(depth, 0xdf, 2), depth);
      case 0xc1 -> throw malformed("reserved byte 0xc1");
      default -> throw new CodecException("unsupported msgpack type extension");
    };
  }

  /** Whether {@code b} starts an integer that is always a {@code long}: any but a uint64. */
  private static boolean isLong(int b) {
    return b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3 && b != 0xcf);
  }

  /** Reads the integer whose first byte {@code b} (one {@link #isLong} accepts) was just read. */
  private long longValue(int b) {
    if (b <= 0x7f) {
      return b;
    } else if (b >= 0xe0) {
      return (byte) b;
    }
    return switch (b) {
      case 0xcc -> uint8();
      case 0xcd -> uint16();
      case 0xce -> uint32();
      case 0xd0 -> (byte) uint8();
      case 0xd1 -> (short) uint16();
      case 0xd2 -> (int) uint32();
      case 0xd3 -> int64();
      default -> throw new IllegalArgumentException("not a long's first byte: " + b);
    };
  }

  /** Reads a map key: a str (the same string for a repeated short key, from the cache). */
  private String key() {
    return str(keyLength());
  }

  /** Reads a map key's header (it must be a str) and returns the length of its payload. */
  private int keyLength() {
    int b = next();
    if (b >= 0xa0 && b <= 0xbf) {
      return b & 0x1f;
    }
    return switch (b) {
      case 0xd9 -> length(uint8());
      case 0xda -> length(uint16());
      case 0xdb -> length(uint32());
      case 0xc1 -> throw malformed("reserved byte 0xc1");
      default -> throw new CodecException("map keys must be str, got " + typeName(b));
    };
  }

  /**
   * The size of a map or array whose first byte {@code b} was just read at nesting {@code depth}
   * ({@code b} is the size itself for a fix type), after the depth limit and its claim on the
   * remaining bytes ({@code bytesPerElement} each at least) are checked.
   */
  private int containerAt(int depth, int b, int bytesPerElement) {
    if (depth > maxDepth) {
      throw nestedTooDeep();
    }
    int size;
    if (b <= 0x0f) {
      size = b;
    } else if (b == 0xdc || b == 0xde) {
      size = uint16();
    } else {
      size = length(uint32());
    }
    long claimed = (long) bytesPerElement * size;
    if (claimed > buf.length - pos) {
      throw claims(bytesPerElement == 2 ? "map" : "array", size, claimed);
    }
    return size;
  }

  /** Reads the header of the message's own map (nesting 1); anything else is refused. */
  private int messageMapHeader() {
    int b = buf[0] & 0xff;
    if (b >= 0x80 && b <= 0x8f) {
      pos++;
      return containerAt(1, b & 0x0f, 2);
    }
    if (b == 0xde || b == 0xdf) {
      pos++;
      return containerAt(1, b, 2);
    }
    if (b == 0xc1) {
      throw malformed("reserved byte 0xc1");
    }
    throw new CodecException("message is not a map (got " + typeName(b) + ")");
  }

  private Map<String, Object> map(int size, int depth) {
    if (size > DecodedMap.MAX_ENTRIES) {
      Map<String, Object> map = new LinkedHashMap<>((int) (size / 0.75f) + 1);
      for (int i = 0; i < size; i++) {
        map.put(key(), value(depth + 1));
      }
      return Collections.unmodifiableMap(map);
    }
    Object[] entries = new Object[2 * size];
    int distinct = 0;
    for (int i = 0; i < size; i++) {
      String key = key();
      Object value = value(depth + 1);
      int at = indexOf(entries, distinct, key);
      if (at >= 0) {
        entries[at + 1] = value; // a repeated key replaces the value, as in a LinkedHashMap
      } else {
        entries[2 * distinct] = key;
        entries[2 * distinct + 1] = value;
        distinct++;
      }
    }
    return new DecodedMap(entries, distinct);
  }

  private static int indexOf(Object[] entries, int distinct, String key) {
    for (int i = 0; i < 2 * distinct; i += 2) {
      if (entries[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private DecodedList array(int size, int depth) {
    Object[] elements = new Object[size];
    for (int i = 0; i < size; i++) {
      elements[i] = value(depth + 1);
    }
    return new DecodedList(elements);
  }

  private String str(int length) {
    if (length > buf.length - pos) {
      throw claims("str", length);
    }
    int at = pos;
    pos += length;
    return length <= StringCache.MAX_BYTES
        ? strings.decode(buf, at, length)
        : Utf8.decodeStrict(buf, at, length);
  }

  private byte[] bin(int length) {
    if (length > buf.length - pos) {
      throw claims("bin", length);
    }
    int at = pos;
    pos += length;
    return Arrays.copyOfRange(buf, at, at + length);
  }

  // ------------------------------------------------------------------ fixed-size fields

  private int next() {
    if (pos >= buf.length) {
      throw truncated();
    }
    return buf[pos++] & 0xff;
  }

  private void require(int bytes) {
    if (bytes > buf.length - pos) {
      throw truncated();
    }
  }

  private int uint8() {
    return next();
  }

  private int uint16() {
    require(2);
    int value = ((buf[pos] & 0xff) << 8) | (buf[pos + 1] & 0xff);
    pos += 2;
    return value;
  }

  private long uint32() {
    require(4);
    long value =
        ((long) (buf[pos] & 0xff) << 24)
            | ((buf[pos + 1] & 0xff) << 16)
            | ((buf[pos + 2] & 0xff) << 8)
            | (buf[pos + 3] & 0xff);
    pos += 4;
    return value;
  }

  private long int64() {
    require(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return value;
  }

  /** A uint64: a {@code Long} below 2^63, else the {@code BigInteger}. */
  private Object uint64() {
    long bits = int64();
    return bits >= 0 ? (Object) bits : BigInteger.valueOf(bits).add(TWO_TO_THE_64);
  }

  /** A 32-bit length or count as an {@code int}; one beyond 2^31-1 exceeds any message. */
  private static int length(long value) {
    if (value > Integer.MAX_VALUE) {
      // Built without string concatenation: its first use would bootstrap an invokedynamic call
      // site, allocating megabytes on a path that hostile input reaches.
      throw new CodecException(
          new StringBuilder("a length header claims ")
              .append(value)
              .append(" elements or bytes, beyond the message")
              .toString());
    }
    return (int) value;
  }

  // ------------------------------------------------------------------ failures

  private CodecException claims(String kind, int length) {
    return new CodecException(
        kind + " claims at least " + length + " bytes but only " + (buf.length - pos) + " remain");
  }

  private CodecException claims(String kind, int size, long bytes) {
    String unit = kind.equals("map") ? " entries" : " elements";
    return new CodecException(
        kind
            + " of "
            + size
            + unit
            + " claims at least "
            + bytes
            + " bytes but only "
            + (buf.length - pos)
            + " remain");
  }

  private CodecException nestedTooDeep() {
    return new CodecException("nesting deeper than " + maxDepth);
  }

  private CodecException truncated() {
    return malformed("truncated after " + buf.length + " bytes");
  }

  private static CodecException malformed(String what) {
    return new CodecException("malformed msgpack: " + what);
  }

  /** The msgpack type a first byte starts, as the error messages name it. */
  private static String typeName(int b) {
    if (b <= 0x7f || b >= 0xe0 || (b >= 0xcc && b <= 0xd3)) {
      return "integer";
    } else if (b <= 0x8f || b == 0xde || b == 0xdf) {
      return "map";
    } else if (b <= 0x9f || b == 0xdc || b == 0xdd) {
      return "array";
    } else if (b <= 0xbf || (b >= 0xd9 && b <= 0xdb)) {
      return "string";
    }
    return switch (b) {
      case 0xc0 -> "nil";
      case 0xc2, 0xc3 -> "boolean";
      case 0xc4, 0xc5, 0xc6 -> "binary";
      case 0xca, 0xcb -> "float";
      default -> "extension";
    };
  }
}

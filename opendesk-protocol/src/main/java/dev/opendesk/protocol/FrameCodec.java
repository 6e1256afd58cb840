package dev.opendesk.protocol;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessagePacker;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.core.buffer.MessageBufferOutput;

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
 * <p>Thread-safe and reusable; packers and unpackers are reused per thread.
 */
public final class FrameCodec {

  /** Default maximum message size: 16 MiB. */
  public static final int DEFAULT_MAX_MESSAGE_SIZE = 16 * 1024 * 1024;

  /** Default maximum nesting depth of maps and arrays, the frame itself included. */
  public static final int DEFAULT_MAX_DEPTH = 64;

  private static final FrameCodec STANDARD =
      new FrameCodec(DEFAULT_MAX_MESSAGE_SIZE, DEFAULT_MAX_DEPTH);

  /** Packers that grew beyond this are dropped rather than kept per thread. */
  private static final int RETAINED_PACKER_BYTES = 256 * 1024;

  private static final MessagePack.UnpackerConfig UNPACKER_CONFIG =
      new MessagePack.UnpackerConfig()
          .withAllowReadingBinaryAsString(false)
          .withAllowReadingStringAsBinary(false)
          .withActionOnMalformedString(CodingErrorAction.REPORT)
          .withActionOnUnmappableString(CodingErrorAction.REPORT);

  private static final ThreadLocal<Writer> WRITERS = ThreadLocal.withInitial(Writer::new);

  private static final ThreadLocal<Reader> READERS = ThreadLocal.withInitial(Reader::new);

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

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes a frame.
   *
   * @throws IllegalArgumentException if a value is outside the value model, nests too deep, or the
   *     result exceeds the maximum message size; the message names the field
   */
  public byte[] encode(Frame frame) {
    Writer writer = WRITERS.get();
    MessagePacker packer = writer.packer;
    try {
      if (frame instanceof Hello h) {
        packer.packMapHeader(h.error() == null ? 6 : 7);
        header(packer, K_HELLO);
        packer.writePayload(K_ROLE);
        packer.packString(h.role().wire());
        packer.writePayload(K_PRINCIPAL);
        packer.packString(h.principal());
        packer.writePayload(K_AUTH);
        writeMap(packer, h.auth(), "hello.auth", 2);
        packer.writePayload(K_CAPABILITIES);
        writeMap(packer, h.capabilities(), "hello.capabilities", 2);
        if (h.error() != null) {
          packer.writePayload(K_ERROR);
          writeError(packer, h.error(), "hello.error");
        }
      } else if (frame instanceof Req r) {
        packer.packMapHeader(6);
        header(packer, K_REQ);
        packer.writePayload(K_ID);
        packer.packLong(r.id());
        packer.writePayload(K_METHOD);
        packer.packString(r.method());
        packer.writePayload(K_STREAM);
        packer.packBoolean(r.stream());
        packer.writePayload(K_PARAMS);
        writeMap(packer, r.params(), "req.params", 2);
      } else if (frame instanceof Res r) {
        packer.packMapHeader(7);
        header(packer, K_RES);
        packer.writePayload(K_ID);
        packer.packLong(r.id());
        packer.writePayload(K_SEQ);
        packer.packLong(r.seq());
        packer.writePayload(K_END);
        packer.packBoolean(r.end());
        packer.writePayload(K_RESULT);
        if (r.result() == null) {
          packer.packNil();
        } else {
          writeMap(packer, r.result(), "res.result", 2);
        }
        packer.writePayload(K_ERROR);
        if (r.error() == null) {
          packer.packNil();
        } else {
          writeError(packer, r.error(), "res.error");
        }
      } else if (frame instanceof Cancel c) {
        packer.packMapHeader(4);
        header(packer, K_CANCEL);
        packer.writePayload(K_ID);
        packer.packLong(c.id());
        packer.writePayload(K_REASON);
        packer.packString(c.reason());
      } else if (frame instanceof Push p) {
        packer.packMapHeader(4);
        header(packer, K_PUSH);
        packer.writePayload(K_TOPIC);
        packer.packString(p.topic());
        packer.writePayload(K_PAYLOAD);
        writeMap(packer, p.payload(), "push.payload", 2);
      } else {
        throw new IllegalArgumentException("unknown frame " + frame);
      }
      return finish(writer);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory packer failed", e);
    } finally {
      writer.release();
    }
  }

  /**
   * Encodes a plain map (a handshake message), keys in the map's iteration order.
   *
   * @throws IllegalArgumentException as for {@link #encode(Frame)}
   */
  public byte[] encodeMap(Map<String, ?> map) {
    Writer writer = WRITERS.get();
    MessagePacker packer = writer.packer;
    try {
      writeMap(packer, map, "map", 1);
      return finish(writer);
    } catch (IOException e) {
      throw new IllegalStateException("in-memory packer failed", e);
    } finally {
      writer.release();
    }
  }

  /**
   * Writes {@code "v": 1, "type": <type>}; {@code typeEntry} is the pre-encoded {@code "type":
   * <type>}.
   */
  private static void header(MessagePacker packer, byte[] typeEntry) throws IOException {
    packer.writePayload(K_V1);
    packer.writePayload(typeEntry);
  }

  /**
   * The msgpack encoding of an ASCII str shorter than 32 bytes (a fixstr), for the constant keys
   * and values every frame repeats: writing these bytes is what {@code packString} would produce,
   * without its per-call {@code getBytes} array.
   */
  private static byte[] fixstr(String... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (String part : parts) {
      byte[] ascii = part.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      if (ascii.length > 31) {
        throw new IllegalArgumentException(part);
      }
      out.write(0xa0 | ascii.length);
      out.write(ascii, 0, ascii.length);
    }
    return out.toByteArray();
  }

  private static final byte[] K_V1 = concat(fixstr("v"), new byte[] {(byte) Frame.VERSION});
  private static final byte[] K_HELLO = fixstr("type", "hello");
  private static final byte[] K_REQ = fixstr("type", "req");
  private static final byte[] K_RES = fixstr("type", "res");
  private static final byte[] K_CANCEL = fixstr("type", "cancel");
  private static final byte[] K_PUSH = fixstr("type", "push");
  private static final byte[] K_ROLE = fixstr("role");
  private static final byte[] K_PRINCIPAL = fixstr("principal");
  private static final byte[] K_AUTH = fixstr("auth");
  private static final byte[] K_CAPABILITIES = fixstr("capabilities");
  private static final byte[] K_ERROR = fixstr("error");
  private static final byte[] K_ID = fixstr("id");
  private static final byte[] K_METHOD = fixstr("method");
  private static final byte[] K_STREAM = fixstr("stream");
  private static final byte[] K_PARAMS = fixstr("params");
  private static final byte[] K_SEQ = fixstr("seq");
  private static final byte[] K_END = fixstr("end");
  private static final byte[] K_RESULT = fixstr("result");
  private static final byte[] K_REASON = fixstr("reason");
  private static final byte[] K_TOPIC = fixstr("topic");
  private static final byte[] K_PAYLOAD = fixstr("payload");
  private static final byte[] K_CODE = fixstr("code");
  private static final byte[] K_MESSAGE = fixstr("message");
  private static final byte[] K_DETAILS = fixstr("details");

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private byte[] finish(Writer writer) throws IOException {
    int size = writer.flush();
    if (size > maxMessageSize) {
      throw new IllegalArgumentException(
          "encoded message of " + size + " bytes exceeds the limit of " + maxMessageSize);
    }
    return writer.output.toByteArray();
  }

  private void writeError(MessagePacker packer, ErrorInfo error, String path) throws IOException {
    packer.packMapHeader(3);
    packer.writePayload(K_CODE);
    packer.packString(error.code());
    packer.writePayload(K_MESSAGE);
    packer.packString(error.message());
    packer.writePayload(K_DETAILS);
    writeMap(packer, error.details(), path + ".details", 3);
  }

  private void writeMap(MessagePacker packer, Map<?, ?> map, String path, int depth)
      throws IOException {
    checkDepth(path, depth);
    packer.packMapHeader(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String key)) {
        throw new IllegalArgumentException(
            path + ": map keys must be strings, got " + typeName(e.getKey()));
      }
      packer.packString(key);
      writeValue(packer, e.getValue(), path, key, -1, depth);
    }
  }

  /**
   * Writes one map value ({@code key} set) or list element ({@code index} set) below {@code
   * parent}. The element's path is only built when it is needed (an error, or a nested container):
   * building it for every value cost a string concatenation per map entry on the hot path.
   */
  private void writeValue(
      MessagePacker packer, Object value, String parent, String key, int index, int depth)
      throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof String s) {
      packer.packString(s);
    } else if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof Double || value instanceof Float) {
      packer.packDouble(((Number) value).doubleValue());
    } else if (value instanceof byte[] bytes) {
      packer.packBinaryHeader(bytes.length);
      packer.writePayload(bytes);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(packer, map, path(parent, key, index), depth + 1);
    } else if (value instanceof Collection<?> list) {
      String path = path(parent, key, index);
      checkDepth(path, depth + 1);
      packer.packArrayHeader(list.size());
      int i = 0;
      for (Object element : list) {
        writeValue(packer, element, path, null, i++, depth + 1);
      }
    } else if (value instanceof BigInteger big) {
      if (big.bitLength() > 64 || (big.signum() < 0 && big.bitLength() > 63)) {
        throw new IllegalArgumentException(
            path(parent, key, index) + ": integer out of the msgpack range: " + big);
      }
      packer.packBigInteger(big);
    } else if (value instanceof Enum<?> e) {
      packer.packString(e.name());
    } else {
      throw new IllegalArgumentException(
          path(parent, key, index)
              + ": unsupported value type "
              + value.getClass().getName()
              + " (convert records and POJOs with Values.toMap)");
    }
  }

  private static String path(String parent, String key, int index) {
    return key != null ? parent + "." + key : parent + "[" + index + "]";
  }

  private void checkDepth(String path, int depth) {
    if (depth > maxDepth) {
      throw new IllegalArgumentException(path + ": nesting deeper than " + maxDepth);
    }
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes one frame.
   *
   * @throws CodecException if {@code message} is not exactly one valid frame; {@link
   *     CodecException#field()} names the offending field where there is one
   */
  public Frame decode(byte[] message) {
    Map<String, Object> fields = read(message, true);
    try {
      return FrameReader.toFrame(fields);
    } finally {
      if (fields instanceof FrameFields f) {
        f.clear();
      }
    }
  }

  /**
   * Decodes one msgpack map (a handshake message) into the value model, without frame validation.
   *
   * @throws CodecException if {@code message} is not exactly one msgpack map with str keys within
   *     the limits
   */
  public Map<String, Object> decodeMap(byte[] message) {
    return read(message, false);
  }

  /**
   * Reads the message's map. For a frame ({@code frame}), the outer map is only looked at by {@link
   * FrameReader} and then dropped, so it is read into the thread's reusable {@link FrameFields}
   * (cleared by the caller) instead of a new map per frame; the values (params, result) are new.
   */
  private Map<String, Object> read(byte[] message, boolean frame) {
    if (message.length == 0) {
      throw new CodecException("empty message");
    }
    if (message.length > maxMessageSize) {
      throw new CodecException(
          "message of " + message.length + " bytes exceeds the limit of " + maxMessageSize);
    }
    AllocationBudget.check(message);
    Reader reader = READERS.get();
    boolean read = false;
    try {
      reader.reset(message);
      if (reader.unpacker.getNextFormat().getValueType() != org.msgpack.value.ValueType.MAP) {
        throw new CodecException(
            "message is not a map (got " + describe(reader.unpacker.getNextFormat()) + ")");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map =
          frame
              ? reader.readFrameMap(maxDepth)
              : (Map<String, Object>) reader.readValue(1, maxDepth);
      if (reader.unpacker.hasNext()) {
        throw new CodecException(
            "trailing bytes after the message: "
                + (message.length - reader.unpacker.getTotalReadBytes()));
      }
      read = true;
      return map;
    } catch (MessageSizeException e) {
      // A 32-bit length header beyond 2^31-1: msgpack-core reports it without a message. (Built
      // without string concatenation: its first use would bootstrap an invokedynamic call site,
      // allocating megabytes on a path that hostile input reaches.)
      String what =
          new StringBuilder("a length header claims ")
              .append(e.getSize())
              .append(" elements or bytes, beyond the message")
              .toString();
      throw new CodecException(null, what, e);
    } catch (MessagePackException | IOException e) {
      throw new CodecException(null, "malformed msgpack: " + e.getMessage(), e);
    } finally {
      if (!read) {
        reader.fields.clear();
      }
      reader.release();
    }
  }

  private static String describe(MessageFormat format) {
    return format.getValueType().name().toLowerCase(java.util.Locale.ROOT);
  }

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  /**
   * A reusable packer writing into a reusable array; one that grew large is dropped rather than
   * kept by the thread. (msgpack-core's buffer packer allocated a buffer slice per message and a
   * fresh 8 KiB buffer after every flush.)
   */
  private static final class Writer {
    final ReusableOutput output = new ReusableOutput();
    final MessagePacker packer = MessagePack.DEFAULT_PACKER_CONFIG.newPacker(output);

    /** Flushes the packer; returns the message's size. */
    int flush() throws IOException {
      packer.flush();
      return output.size;
    }

    void release() {
      if (output.bytes.length > RETAINED_PACKER_BYTES) {
        WRITERS.remove();
      } else {
        packer.clear();
        output.size = 0;
      }
    }
  }

  /**
   * The packer's output: it packs into one fixed chunk, whose written bytes are appended to a
   * growable array on each flush; payloads written directly are appended too. Nothing is allocated
   * per message except the final copy, unless the array must grow.
   */
  private static final class ReusableOutput implements MessageBufferOutput {
    private static final int CHUNK = 8192;
    private final MessageBuffer chunk = MessageBuffer.allocate(CHUNK);
    private MessageBuffer current;
    byte[] bytes = new byte[512];
    int size;

    @Override
    public MessageBuffer next(int minimumSize) {
      current = minimumSize <= CHUNK ? chunk : MessageBuffer.allocate(minimumSize);
      return current;
    }

    @Override
    public void writeBuffer(int length) {
      ensure(length);
      current.getBytes(0, bytes, size, length);
      size += length;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      ensure(length);
      System.arraycopy(buffer, offset, bytes, size, length);
      size += length;
    }

    @Override
    public void add(byte[] buffer, int offset, int length) {
      write(buffer, offset, length);
    }

    private void ensure(int length) {
      if (length > bytes.length - size) {
        long wanted = Math.max((long) size + length, 2L * bytes.length);
        bytes = java.util.Arrays.copyOf(bytes, (int) Math.min(wanted, Integer.MAX_VALUE - 8));
      }
    }

    byte[] toByteArray() {
      return java.util.Arrays.copyOf(bytes, size);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * The outer map of a frame while {@link FrameReader} looks at it: a reusable, insertion-ordered
   * array map of at most {@link #CAPACITY} entries (a frame has at most 7; a larger one is read
   * into an ordinary map). Linear lookups over a handful of keys; a repeated key replaces the
   * value, as in a {@code LinkedHashMap}. Per thread, never escapes {@link #decode}.
   */
  static final class FrameFields extends java.util.AbstractMap<String, Object> {
    static final int CAPACITY = 16;
    private final String[] keys = new String[CAPACITY];
    private final Object[] values = new Object[CAPACITY];
    private int size;

    private int indexOf(Object key) {
      for (int i = 0; i < size; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    public Object put(String key, Object value) {
      int i = indexOf(key);
      if (i >= 0) {
        Object old = values[i];
        values[i] = value;
        return old;
      }
      keys[size] = key;
      values[size++] = value;
      return null;
    }

    @Override
    public Object get(Object key) {
      int i = indexOf(key);
      return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
      return indexOf(key) >= 0;
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public void clear() {
      java.util.Arrays.fill(keys, 0, size, null);
      java.util.Arrays.fill(values, 0, size, null);
      size = 0;
    }

    @Override
    public java.util.Set<Map.Entry<String, Object>> entrySet() {
      java.util.Set<Map.Entry<String, Object>> entries = new java.util.LinkedHashSet<>();
      for (int i = 0; i < size; i++) {
        entries.add(new java.util.AbstractMap.SimpleImmutableEntry<>(keys[i], values[i]));
      }
      return entries;
    }
  }

  /** Strs up to this many bytes are looked up in the per-thread string cache. */
  private static final int CACHED_STRING_BYTES = 32;

  /** Slots of the per-thread string cache (a power of two): at most 128 strings of 32 bytes. */
  private static final int STRING_CACHE_SLOTS = 128;

  /** A reusable unpacker over one message at a time. */
  private static final class Reader {
    private static final byte[] EMPTY = new byte[0];
    private static final MessageBuffer EMPTY_BUFFER = MessageBuffer.wrap(EMPTY);
    private final ArrayBufferInput input = new ArrayBufferInput(EMPTY);
    final FrameFields fields = new FrameFields();
    private final MessageUnpacker unpacker = UNPACKER_CONFIG.newUnpacker(input);
    private int length;
    private final byte[] scratch = new byte[CACHED_STRING_BYTES];
    // Direct-mapped: a slot holds one str's bytes and its decoded String; a collision replaces it.
    private final byte[][] cacheBytes = new byte[STRING_CACHE_SLOTS][];
    private final String[] cacheStrings = new String[STRING_CACHE_SLOTS];

    void reset(byte[] message) throws IOException {
      input.reset(message);
      unpacker.reset(input);
      length = message.length;
    }

    void release() {
      // Drop the reference so a large message is not retained by the thread.
      try {
        input.reset(EMPTY_BUFFER);
        unpacker.reset(input);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    private long remaining() {
      return length - unpacker.getTotalReadBytes();
    }

    private void claim(long minimumBytes, String what) {
      if (minimumBytes > remaining()) {
        throw new CodecException(
            what
                + " claims at least "
                + minimumBytes
                + " bytes but only "
                + remaining()
                + " remain");
      }
    }

    /**
     * As {@link #claim(long, String)} for a container; its description is only built on failure.
     */
    private void claimContainer(long minimumBytes, String kind, int size, String unit) {
      if (minimumBytes > remaining()) {
        claim(minimumBytes, kind + " of " + size + " " + unit);
      }
    }

    /**
     * Reads a str payload of {@code length} bytes. Short strs go through a small per-thread cache:
     * frame keys, type names, method names and the keys of user maps repeat from message to
     * message, and a hit returns the same immutable {@link String} without allocating. The payload
     * is read into a reused scratch array, so a miss allocates only the string itself.
     */
    private String readString(int length) throws IOException {
      if (length > CACHED_STRING_BYTES) {
        return Utf8.decodeStrict(unpacker.readPayload(length));
      }
      byte[] bytes = scratch;
      unpacker.readPayload(bytes, 0, length);
      int hash = length;
      for (int i = 0; i < length; i++) {
        hash = 31 * hash + bytes[i];
      }
      int slot = (hash ^ (hash >>> 7)) & (STRING_CACHE_SLOTS - 1);
      byte[] cachedBytes = cacheBytes[slot];
      if (cachedBytes != null
          && java.util.Arrays.equals(cachedBytes, 0, cachedBytes.length, bytes, 0, length)) {
        return cacheStrings[slot];
      }
      String decoded = Utf8.decodeStrict(bytes, 0, length);
      cacheBytes[slot] = java.util.Arrays.copyOf(bytes, length);
      cacheStrings[slot] = decoded;
      return decoded;
    }

    /**
     * Reads the outer map of a frame (depth 1) into {@link #fields}, or a new map if it is large.
     */
    Map<String, Object> readFrameMap(int maxDepth) throws IOException {
      int size = unpacker.unpackMapHeader();
      claimContainer(2L * size, "map", size, "entries");
      Map<String, Object> map =
          size <= FrameFields.CAPACITY ? fields : new LinkedHashMap<>((int) (size / 0.75f) + 1);
      fields.clear();
      readEntries(map, size, 1, maxDepth);
      return map;
    }

    private void readEntries(Map<String, Object> map, int size, int depth, int maxDepth)
        throws IOException {
      for (int i = 0; i < size; i++) {
        MessageFormat keyFormat = unpacker.getNextFormat();
        if (keyFormat.getValueType() != org.msgpack.value.ValueType.STRING) {
          throw new CodecException("map keys must be str, got " + describe(keyFormat));
        }
        String key = (String) readValue(depth + 1, maxDepth);
        map.put(key, readValue(depth + 1, maxDepth));
      }
    }

    Object readValue(int depth, int maxDepth) throws IOException {
      MessageFormat format = unpacker.getNextFormat();
      switch (format.getValueType()) {
        case NIL -> {
          unpacker.unpackNil();
          return null;
        }
        case BOOLEAN -> {
          return unpacker.unpackBoolean();
        }
        case INTEGER -> {
          if (format == MessageFormat.UINT64) {
            BigInteger big = unpacker.unpackBigInteger();
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
          }
          return unpacker.unpackLong();
        }
        case FLOAT -> {
          return unpacker.unpackDouble();
        }
        case STRING -> {
          int length = unpacker.unpackRawStringHeader();
          claim(length, "str");
          return readString(length);
        }
        case BINARY -> {
          int length = unpacker.unpackBinaryHeader();
          claim(length, "bin");
          return unpacker.readPayload(length);
        }
        case ARRAY -> {
          if (depth > maxDepth) {
            throw new CodecException("nesting deeper than " + maxDepth);
          }
          int size = unpacker.unpackArrayHeader();
          claimContainer(size, "array", size, "elements");
          List<Object> list = new ArrayList<>(size);
          for (int i = 0; i < size; i++) {
            list.add(readValue(depth + 1, maxDepth));
          }
          return Collections.unmodifiableList(list);
        }
        case MAP -> {
          if (depth > maxDepth) {
            throw new CodecException("nesting deeper than " + maxDepth);
          }
          int size = unpacker.unpackMapHeader();
          claimContainer(2L * size, "map", size, "entries");
          Map<String, Object> map = new LinkedHashMap<>(Math.max(4, (int) (size / 0.75f) + 1));
          readEntries(map, size, depth, maxDepth);
          return Collections.unmodifiableMap(map);
        }
        default -> throw new CodecException("unsupported msgpack type " + describe(format));
      }
    }
  }
}

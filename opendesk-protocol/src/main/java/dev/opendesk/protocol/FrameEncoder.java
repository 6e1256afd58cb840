package dev.opendesk.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.BiConsumer;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePacker;

/**
 * Writes frames and plain maps byte-exact (see {@link FrameCodec}) with a reused packer over a
 * {@link ReusableOutput}. Not thread-safe: the static methods use each thread's own ({@link
 * PerThread}); one that grew beyond {@link #RETAINED_BYTES} is dropped after use rather than kept.
 */
final class FrameEncoder {

  /** Encoders whose output grew beyond this are dropped rather than kept per thread. */
  private static final int RETAINED_BYTES = 256 * 1024;

  private static final PerThread<FrameEncoder> ENCODERS = new PerThread<>(FrameEncoder::new);

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

  // The constant runs of a REQ and a RES, each written with one writePayload instead of one per
  // key (every writePayload is a checked Unsafe.copyMemory inside msgpack-java).
  private static final byte[] REQ_UP_TO_ID = concat(new byte[] {(byte) 0x86}, K_V1, K_REQ, K_ID);
  private static final byte[] REQ_STREAM_TRUE_PARAMS =
      concat(K_STREAM, new byte[] {(byte) 0xc3}, K_PARAMS);
  private static final byte[] REQ_STREAM_FALSE_PARAMS =
      concat(K_STREAM, new byte[] {(byte) 0xc2}, K_PARAMS);
  private static final byte[] RES_UP_TO_ID = concat(new byte[] {(byte) 0x87}, K_V1, K_RES, K_ID);
  private static final byte[] RES_END_TRUE_RESULT =
      concat(K_END, new byte[] {(byte) 0xc3}, K_RESULT);
  private static final byte[] RES_END_FALSE_RESULT =
      concat(K_END, new byte[] {(byte) 0xc2}, K_RESULT);
  private static final byte[] RES_NIL_RESULT_NIL_ERROR =
      concat(new byte[] {(byte) 0xc0}, K_ERROR, new byte[] {(byte) 0xc0});
  private static final byte[] RES_NIL_ERROR = concat(K_ERROR, new byte[] {(byte) 0xc0});

  /** Strs up to this many chars are written through {@link #scratch} when they are ASCII. */
  private static final int SCRATCH_CHARS = 255;

  private final ReusableOutput output = new ReusableOutput();
  private final MessagePacker packer = MessagePack.DEFAULT_PACKER_CONFIG.newPacker(output);

  /** An ASCII str's header and bytes, assembled here instead of in a new array per str. */
  private final byte[] scratch = new byte[2 + SCRATCH_CHARS];

  private final EntryWriter entryWriter = new EntryWriter();

  /** The limit of the call in progress. */
  private int maxDepth;

  private FrameEncoder() {}

  /**
   * Encodes a frame with this thread's encoder.
   *
   * @throws IllegalArgumentException as {@link FrameCodec#encode} documents
   */
  static byte[] encode(Frame frame, int maxMessageSize, int maxDepth) {
    FrameEncoder encoder = ENCODERS.acquire();
    encoder.maxDepth = maxDepth;
    try {
      encoder.writeFrame(frame);
      return encoder.finish(maxMessageSize);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("in-memory packer failed", e);
    } finally {
      encoder.release();
    }
  }

  /**
   * Encodes a plain map with this thread's encoder, keys in the map's iteration order.
   *
   * @throws IllegalArgumentException as {@link FrameCodec#encodeMap} documents
   */
  static byte[] encodeMap(Map<String, ?> map, int maxMessageSize, int maxDepth) {
    FrameEncoder encoder = ENCODERS.acquire();
    encoder.maxDepth = maxDepth;
    try {
      encoder.writeMap(map, "map", 1);
      return encoder.finish(maxMessageSize);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalStateException("in-memory packer failed", e);
    } finally {
      encoder.release();
    }
  }

  private void writeFrame(Frame frame) throws IOException {
    if (frame instanceof Hello h) {
      packer.packMapHeader(h.error() == null ? 6 : 7);
      header(K_HELLO);
      packer.writePayload(K_ROLE);
      writeString(h.role().wire());
      packer.writePayload(K_PRINCIPAL);
      writeString(h.principal());
      packer.writePayload(K_AUTH);
      writeMap(h.auth(), "hello.auth", 2);
      packer.writePayload(K_CAPABILITIES);
      writeMap(h.capabilities(), "hello.capabilities", 2);
      if (h.error() != null) {
        packer.writePayload(K_ERROR);
        writeError(h.error(), "hello.error");
      }
    } else if (frame instanceof Req r) {
      packer.writePayload(REQ_UP_TO_ID);
      packer.packLong(r.id());
      packer.writePayload(K_METHOD);
      writeString(r.method());
      packer.writePayload(r.stream() ? REQ_STREAM_TRUE_PARAMS : REQ_STREAM_FALSE_PARAMS);
      writeMap(r.params(), "req.params", 2);
    } else if (frame instanceof Res r) {
      packer.writePayload(RES_UP_TO_ID);
      packer.packLong(r.id());
      packer.writePayload(K_SEQ);
      packer.packLong(r.seq());
      packer.writePayload(r.end() ? RES_END_TRUE_RESULT : RES_END_FALSE_RESULT);
      if (r.result() == null && r.error() == null) {
        packer.writePayload(RES_NIL_RESULT_NIL_ERROR);
      } else {
        if (r.result() == null) {
          packer.packNil();
        } else {
          writeMap(r.result(), "res.result", 2);
        }
        if (r.error() == null) {
          packer.writePayload(RES_NIL_ERROR);
        } else {
          packer.writePayload(K_ERROR);
          writeError(r.error(), "res.error");
        }
      }
    } else if (frame instanceof Cancel c) {
      packer.packMapHeader(4);
      header(K_CANCEL);
      packer.writePayload(K_ID);
      packer.packLong(c.id());
      packer.writePayload(K_REASON);
      writeString(c.reason());
    } else if (frame instanceof Push p) {
      packer.packMapHeader(4);
      header(K_PUSH);
      packer.writePayload(K_TOPIC);
      writeString(p.topic());
      packer.writePayload(K_PAYLOAD);
      writeMap(p.payload(), "push.payload", 2);
    } else {
      throw new IllegalArgumentException("unknown frame " + frame);
    }
  }

  /**
   * Writes {@code "v": 1, "type": <type>}; {@code typeEntry} is the pre-encoded {@code "type":
   * <type>}.
   */
  private void header(byte[] typeEntry) throws IOException {
    packer.writePayload(K_V1);
    packer.writePayload(typeEntry);
  }

  private byte[] finish(int maxMessageSize) throws IOException {
    packer.flush();
    int size = output.size();
    if (size > maxMessageSize) {
      throw new IllegalArgumentException(
          "encoded message of " + size + " bytes exceeds the limit of " + maxMessageSize);
    }
    return output.toByteArray();
  }

  private void release() {
    boolean keep = output.capacity() <= RETAINED_BYTES;
    if (keep) {
      packer.clear();
      output.reset();
    }
    ENCODERS.release(this, keep);
  }

  private void writeError(ErrorInfo error, String path) throws IOException {
    packer.packMapHeader(3);
    packer.writePayload(K_CODE);
    writeString(error.code());
    packer.writePayload(K_MESSAGE);
    writeString(error.message());
    packer.writePayload(K_DETAILS);
    writeMap(error.details(), path + ".details", 3);
  }

  /**
   * Writes a map's entries in its iteration order. A decoded map (an echoed params map) is read by
   * index and any other through {@link Map#forEach}: iterating an {@code entrySet} cost an iterator
   * and an entry object per entry, most of what writing a small map allocated.
   */
  private void writeMap(Map<?, ?> map, String path, int depth) throws IOException {
    checkDepth(path, depth);
    packer.packMapHeader(map.size());
    if (map instanceof DecodedMap decoded) {
      for (int i = 0; i < decoded.size(); i++) {
        writeEntry(decoded.keyAt(i), decoded.valueAt(i), path, depth);
      }
    } else {
      entryWriter.writeEntries(map, path, depth);
    }
  }

  private void writeEntry(Object key, Object value, String path, int depth) throws IOException {
    if (!(key instanceof String s)) {
      throw new IllegalArgumentException(path + ": map keys must be strings, got " + typeName(key));
    }
    writeString(s);
    writeValue(value, path, s, -1, depth);
  }

  /**
   * The {@link Map#forEach} action of {@link #writeMap}: one reused object instead of a capturing
   * lambda per map. Nested maps save and restore its path and depth.
   */
  private final class EntryWriter implements BiConsumer<Object, Object> {
    private String path;
    private int depth;

    void writeEntries(Map<?, ?> map, String path, int depth) {
      String outerPath = this.path;
      int outerDepth = this.depth;
      this.path = path;
      this.depth = depth;
      try {
        map.forEach(this);
      } finally {
        this.path = outerPath;
        this.depth = outerDepth;
      }
    }

    @Override
    public void accept(Object key, Object value) {
      try {
        writeEntry(key, value, path, depth);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Writes a str as {@code packString} would, byte for byte; an ASCII one of up to {@link
   * #SCRATCH_CHARS} chars without the array {@code packString} gets from {@code String.getBytes}.
   */
  private void writeString(String s) throws IOException {
    int length = s.length();
    if (length > SCRATCH_CHARS) {
      packer.packString(s);
      return;
    }
    int header = length < 32 ? 1 : 2;
    byte[] bytes = scratch;
    for (int i = 0; i < length; i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        packer.packString(s);
        return;
      }
      bytes[header + i] = (byte) c;
    }
    if (header == 1) {
      bytes[0] = (byte) (0xa0 | length);
    } else {
      bytes[0] = (byte) 0xd9;
      bytes[1] = (byte) length;
    }
    packer.writePayload(bytes, 0, header + length);
  }

  /**
   * Writes one map value ({@code key} set) or list element ({@code index} set) below {@code
   * parent}. The element's path is only built when it is needed (an error, or a nested container):
   * building it for every value cost a string concatenation per map entry on the hot path.
   */
  private void writeValue(Object value, String parent, String key, int index, int depth)
      throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof String s) {
      writeString(s);
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
      writeMap(map, path(parent, key, index), depth + 1);
    } else if (value instanceof Collection<?> list) {
      String path = path(parent, key, index);
      checkDepth(path, depth + 1);
      packer.packArrayHeader(list.size());
      if (list instanceof List<?> indexed && list instanceof RandomAccess) {
        for (int i = 0; i < indexed.size(); i++) {
          writeValue(indexed.get(i), path, null, i, depth + 1);
        }
      } else {
        int i = 0;
        for (Object element : list) {
          writeValue(element, path, null, i++, depth + 1);
        }
      }
    } else if (value instanceof BigInteger big) {
      if (big.bitLength() > 64 || (big.signum() < 0 && big.bitLength() > 63)) {
        throw new IllegalArgumentException(
            path(parent, key, index) + ": integer out of the msgpack range: " + big);
      }
      packer.packBigInteger(big);
    } else if (value instanceof Enum<?> e) {
      writeString(e.name());
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

  private static String typeName(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName();
  }

  /**
   * The msgpack encoding of ASCII strs shorter than 32 bytes (fixstrs), for the constant keys and
   * values every frame repeats: writing these bytes is what {@code packString} would produce,
   * without its per-call {@code getBytes} array.
   */
  private static byte[] fixstr(String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String part : parts) {
      byte[] ascii = part.getBytes(StandardCharsets.US_ASCII);
      if (ascii.length > 31) {
        throw new IllegalArgumentException(part);
      }
      out.write(0xa0 | ascii.length);
      out.write(ascii, 0, ascii.length);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }
}

package dev.opendesk.protocol;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.CodingErrorAction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.msgpack.core.MessageFormat;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessagePackException;
import org.msgpack.core.MessageSizeException;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;
import org.msgpack.core.buffer.MessageBuffer;
import org.msgpack.value.ValueType;

/**
 * Reads one message at a time into the value model (see {@link FrameCodec}) with a reused unpacker,
 * checking sizes, depth and the {@link AllocationBudget} as it goes. Not thread-safe: {@link
 * #get()} gives each thread its own.
 */
final class FrameDecoder {

  private static final ThreadLocal<FrameDecoder> DECODERS =
      ThreadLocal.withInitial(FrameDecoder::new);

  private static final MessagePack.UnpackerConfig UNPACKER_CONFIG =
      new MessagePack.UnpackerConfig()
          .withAllowReadingBinaryAsString(false)
          .withAllowReadingStringAsBinary(false)
          .withActionOnMalformedString(CodingErrorAction.REPORT)
          .withActionOnUnmappableString(CodingErrorAction.REPORT);

  private static final byte[] EMPTY = new byte[0];
  private static final MessageBuffer EMPTY_BUFFER = MessageBuffer.wrap(EMPTY);

  private final ArrayBufferInput input = new ArrayBufferInput(EMPTY);
  private final MessageUnpacker unpacker = UNPACKER_CONFIG.newUnpacker(input);
  private final FrameFields fields = new FrameFields();
  private final StringCache strings = new StringCache();
  private final byte[] scratch = new byte[StringCache.MAX_BYTES];
  private long[] levels = new long[FrameCodec.DEFAULT_MAX_DEPTH + 1];
  private int length;

  private FrameDecoder() {}

  /** This thread's decoder. */
  static FrameDecoder get() {
    return DECODERS.get();
  }

  /**
   * Decodes one frame.
   *
   * @throws CodecException as {@link FrameCodec#decode} documents
   */
  Frame decodeFrame(byte[] message, int maxMessageSize, int maxDepth) {
    Map<String, Object> map = read(message, true, maxMessageSize, maxDepth);
    try {
      return FrameReader.toFrame(map);
    } finally {
      fields.clear();
    }
  }

  /**
   * Decodes one plain map.
   *
   * @throws CodecException as {@link FrameCodec#decodeMap} documents
   */
  @SuppressWarnings("unchecked")
  Map<String, Object> decodeMap(byte[] message, int maxMessageSize, int maxDepth) {
    return read(message, false, maxMessageSize, maxDepth);
  }

  /**
   * Reads the message's map. For a frame ({@code frame}), the outer map is only looked at by {@link
   * FrameReader} and then dropped, so it is read into the reusable {@link FrameFields} (cleared by
   * the caller) instead of a new map per frame; the values (params, result) are new.
   */
  @SuppressWarnings("unchecked")
  private Map<String, Object> read(
      byte[] message, boolean frame, int maxMessageSize, int maxDepth) {
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
    boolean read = false;
    try {
      reset(message);
      if (unpacker.getNextFormat().getValueType() != ValueType.MAP) {
        throw new CodecException(
            "message is not a map (got " + describe(unpacker.getNextFormat()) + ")");
      }
      Map<String, Object> map =
          frame ? readFrameMap(maxDepth) : (Map<String, Object>) readValue(1, maxDepth);
      if (unpacker.hasNext()) {
        throw new CodecException(
            "trailing bytes after the message: " + (message.length - unpacker.getTotalReadBytes()));
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
        fields.clear();
      }
      release();
    }
  }

  private void reset(byte[] message) throws IOException {
    input.reset(message);
    unpacker.reset(input);
    length = message.length;
  }

  private void release() {
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
          what + " claims at least " + minimumBytes + " bytes but only " + remaining() + " remain");
    }
  }

  /** As {@link #claim(long, String)} for a container; its description is only built on failure. */
  private void claimContainer(long minimumBytes, String kind, int size, String unit) {
    if (minimumBytes > remaining()) {
      claim(minimumBytes, kind + " of " + size + " " + unit);
    }
  }

  /**
   * Reads a str payload of {@code length} bytes; short ones go through the {@link StringCache},
   * read into a reused scratch array, so a miss allocates only the string itself.
   */
  private String readString(int length) throws IOException {
    if (length > StringCache.MAX_BYTES) {
      return Utf8.decodeStrict(unpacker.readPayload(length));
    }
    unpacker.readPayload(scratch, 0, length);
    return strings.decode(scratch, 0, length);
  }

  /** Reads the outer map of a frame (depth 1) into {@link #fields}, or a new map if it is large. */
  private Map<String, Object> readFrameMap(int maxDepth) throws IOException {
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
      if (keyFormat.getValueType() != ValueType.STRING) {
        throw new CodecException("map keys must be str, got " + describe(keyFormat));
      }
      String key = (String) readValue(depth + 1, maxDepth);
      map.put(key, readValue(depth + 1, maxDepth));
    }
  }

  private Object readValue(int depth, int maxDepth) throws IOException {
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

  private static String describe(MessageFormat format) {
    return format.getValueType().name().toLowerCase(Locale.ROOT);
  }
}

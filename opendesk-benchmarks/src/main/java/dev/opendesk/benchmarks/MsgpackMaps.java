package dev.opendesk.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.msgpack.core.MessageBufferPacker;
import org.msgpack.core.MessagePack;
import org.msgpack.core.MessageUnpacker;
import org.msgpack.core.buffer.ArrayBufferInput;

/**
 * The serialization the peers (gRPC, RSocket) do: msgpack-core encode and decode of a {@code
 * Map<String, Object>} in the same value model opendesk uses (str, int, float, bool, nil, bin,
 * arrays, maps).
 *
 * <p>This gives the peers the same serialization work an opendesk call does for its payload, so a
 * ratio compares the RPC machinery rather than protobuf against msgpack. Like opendesk's {@code
 * FrameCodec}, it reuses one packer and one unpacker per thread (creating them per message costs
 * 9–18 KB of allocation). It deliberately skips what the opendesk codec adds on top (strict UTF-8
 * checks, length claims, read-only views): those are part of what is being measured.
 *
 * <p>Thread-safe.
 */
public final class MsgpackMaps {

  private static final ThreadLocal<MessageBufferPacker> PACKERS =
      ThreadLocal.withInitial(MessagePack::newDefaultBufferPacker);

  private static final ThreadLocal<Unpacker> UNPACKERS = ThreadLocal.withInitial(Unpacker::new);

  private MsgpackMaps() {}

  /** Encodes {@code map} as one msgpack map. */
  public static byte[] encode(Map<String, ?> map) {
    MessageBufferPacker packer = PACKERS.get();
    try {
      writeMap(packer, map);
      return packer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      packer.clear();
    }
  }

  /** Decodes one msgpack map. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> decode(byte[] message) {
    Unpacker reader = UNPACKERS.get();
    try {
      reader.input.reset(message);
      reader.unpacker.reset(reader.input);
      return (Map<String, Object>) readValue(reader.unpacker);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeMap(MessageBufferPacker packer, Map<?, ?> map) throws IOException {
    packer.packMapHeader(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      packer.packString((String) e.getKey());
      writeValue(packer, e.getValue());
    }
  }

  private static void writeValue(MessageBufferPacker packer, Object value) throws IOException {
    if (value == null) {
      packer.packNil();
    } else if (value instanceof String s) {
      packer.packString(s);
    } else if (value instanceof Long || value instanceof Integer) {
      packer.packLong(((Number) value).longValue());
    } else if (value instanceof Boolean b) {
      packer.packBoolean(b);
    } else if (value instanceof Double d) {
      packer.packDouble(d);
    } else if (value instanceof byte[] bytes) {
      packer.packBinaryHeader(bytes.length);
      packer.writePayload(bytes);
    } else if (value instanceof Map<?, ?> map) {
      writeMap(packer, map);
    } else if (value instanceof List<?> list) {
      packer.packArrayHeader(list.size());
      for (Object element : list) {
        writeValue(packer, element);
      }
    } else {
      throw new IllegalArgumentException("unsupported value type " + value.getClass().getName());
    }
  }

  private static Object readValue(MessageUnpacker unpacker) throws IOException {
    switch (unpacker.getNextFormat().getValueType()) {
      case NIL -> {
        unpacker.unpackNil();
        return null;
      }
      case BOOLEAN -> {
        return unpacker.unpackBoolean();
      }
      case INTEGER -> {
        return unpacker.unpackLong();
      }
      case FLOAT -> {
        return unpacker.unpackDouble();
      }
      case STRING -> {
        return unpacker.unpackString();
      }
      case BINARY -> {
        return unpacker.readPayload(unpacker.unpackBinaryHeader());
      }
      case ARRAY -> {
        int size = unpacker.unpackArrayHeader();
        List<Object> list = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
          list.add(readValue(unpacker));
        }
        return list;
      }
      case MAP -> {
        int size = unpacker.unpackMapHeader();
        Map<String, Object> map = new LinkedHashMap<>(Math.max(4, (int) (size / 0.75f) + 1));
        for (int i = 0; i < size; i++) {
          map.put(unpacker.unpackString(), readValue(unpacker));
        }
        return map;
      }
      default -> throw new IOException("unsupported msgpack type " + unpacker.getNextFormat());
    }
  }

  /** One reusable unpacker over one message at a time. */
  private static final class Unpacker {
    final ArrayBufferInput input = new ArrayBufferInput(new byte[0]);
    final MessageUnpacker unpacker = MessagePack.newDefaultUnpacker(input);
  }
}

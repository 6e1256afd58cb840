package dev.opendesk.protocol;

import java.math.BigInteger;
import java.util.Map;

/**
 * Turns a decoded map into a {@link Frame}, applying the defaults and type rules of PROTOCOL.md
 * §2–3.
 */
final class FrameReader {

  /**
   * What a lookup of an absent key returns: one lookup tells absent from nil and reads the value.
   */
  private static final Object ABSENT = new Object();

  private FrameReader() {}

  static Frame toFrame(Map<String, Object> map) {
    Object v = map.getOrDefault("v", ABSENT);
    if (v == ABSENT) {
      throw new CodecException("frame.v", "missing", null);
    }
    if (!(v instanceof Long version) || version != Frame.VERSION) {
      throw new CodecException("frame.v", "must be the integer 1, got " + describe(v), null);
    }
    Object type = map.get("type");
    if (!(type instanceof String t)) {
      throw new CodecException(
          "frame.type", type == null ? "missing" : "must be str, got " + describe(type), null);
    }
    return switch (t) {
      case "hello" -> hello(map);
      case "req" ->
          new Req(
              id(map, "req"),
              requiredString(map, "req", "method"),
              bool(map, "req", "stream", false),
              map(map, "req", "params"));
      case "res" -> res(map);
      case "cancel" -> new Cancel(id(map, "cancel"), string(map, "cancel", "reason", ""));
      case "push" -> new Push(requiredString(map, "push", "topic"), map(map, "push", "payload"));
      default -> throw new CodecException("frame.type", "unknown type '" + t + "'", null);
    };
  }

  private static Hello hello(Map<String, Object> map) {
    String wireRole = requiredString(map, "hello", "role");
    Role role = Role.fromWire(wireRole);
    if (role == null) {
      throw new CodecException(
          "hello.role", "must be client or server, got '" + wireRole + "'", null);
    }
    return new Hello(
        role,
        string(map, "hello", "principal", ""),
        map(map, "hello", "auth"),
        map(map, "hello", "capabilities"),
        errorOrNil(map, "hello"));
  }

  private static Res res(Map<String, Object> map) {
    long id = id(map, "res");
    long seq = nonNegative(map, "res", "seq", 0L);
    boolean end = bool(map, "res", "end", true);
    Object result = map.get("result");
    if (result != null && !(result instanceof Map)) {
      throw new CodecException("res.result", "must be a map or nil, got " + describe(result), null);
    }
    ErrorInfo error = errorOrNil(map, "res");
    if (result != null && error != null) {
      throw new CodecException("res.result", "result and error are exclusive", null);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> resultMap = (Map<String, Object>) result;
    return new Res(id, seq, end, resultMap, error);
  }

  private static ErrorInfo errorOrNil(Map<String, Object> map, String type) {
    Object error = map.get("error");
    if (error == null) {
      return null;
    }
    if (!(error instanceof Map)) {
      throw new CodecException(
          type + ".error", "must be a map or nil, got " + describe(error), null);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) error;
    String where = type + ".error";
    return new ErrorInfo(
        requiredString(e, where, "code"),
        string(e, where, "message", ""),
        map(e, where, "details"));
  }

  private static long id(Map<String, Object> map, String type) {
    long id = nonNegative(map, type, "id", -1L);
    if (id < 0) {
      throw new CodecException(type + ".id", "missing", null);
    }
    return id;
  }

  private static long nonNegative(Map<String, Object> map, String type, String key, long absent) {
    if (map instanceof FrameFields fields) {
      long n = fields.nonNegativeLong(key);
      if (n >= 0) {
        return n;
      }
    }
    Object value = map.getOrDefault(key, ABSENT);
    if (value == ABSENT) {
      return absent;
    }
    if (value instanceof Long n && n >= 0) {
      return n;
    }
    if (value instanceof BigInteger) {
      throw new CodecException(type + "." + key, "out of range: " + value, null);
    }
    throw new CodecException(
        type + "." + key, "must be a non-negative integer, got " + describe(value), null);
  }

  private static String requiredString(Map<String, Object> map, String type, String key) {
    String value = string(map, type, key, null);
    if (value == null) {
      throw new CodecException(type + "." + key, "missing", null);
    }
    return value;
  }

  private static String string(Map<String, Object> map, String type, String key, String absent) {
    Object value = map.getOrDefault(key, ABSENT);
    if (value == ABSENT) {
      return absent;
    }
    if (value instanceof String s) {
      return s;
    }
    throw new CodecException(type + "." + key, "must be str, got " + describe(value), null);
  }

  private static boolean bool(Map<String, Object> map, String type, String key, boolean absent) {
    Object value = map.getOrDefault(key, ABSENT);
    if (value == ABSENT) {
      return absent;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    throw new CodecException(type + "." + key, "must be a boolean, got " + describe(value), null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> map, String type, String key) {
    Object value = map.getOrDefault(key, ABSENT);
    if (value == ABSENT) {
      return Map.of();
    }
    if (value instanceof Map) {
      return (Map<String, Object>) value;
    }
    throw new CodecException(type + "." + key, "must be a map, got " + describe(value), null);
  }

  static String describe(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof byte[]) {
      return "bin";
    }
    if (value instanceof Long || value instanceof BigInteger) {
      return "int";
    }
    if (value instanceof Double) {
      return "float";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof Map) {
      return "map";
    }
    return "array";
  }
}

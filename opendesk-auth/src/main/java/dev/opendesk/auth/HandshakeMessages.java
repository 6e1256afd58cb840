package dev.opendesk.auth;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.FrameCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encoding and strict reading of handshake messages (PROTOCOL.md §2 and §6), shared by every
 * handshake flavour. A message is a msgpack map with {@code v} (the integer 1) first, then {@code
 * kind}, then the flavour's fields in order; key material is bin. On reading, unknown keys are
 * ignored and key order is free, but every listed field must be present with the right msgpack type
 * and length, else the handshake fails with reason {@code protocol} and a message naming the field.
 * Stateless and thread-safe.
 */
final class HandshakeMessages {

  static final String PAIR_HELLO = "pair_hello";
  static final String PAIR_OFFER = "pair_offer";
  static final String PAIR_FINISH = "pair_finish";
  static final String AUTH_HELLO = "auth_hello";
  static final String AUTH_OFFER = "auth_offer";

  private static final Long VERSION = 1L;

  /**
   * The largest handshake message read, in bytes. The largest legitimate one, {@code pair2_offer},
   * is 217 bytes (PAIRING-V2.md); the bound leaves more than four times that for unknown keys, and
   * keeps what an unauthenticated peer can make the server decode to a kilobyte.
   */
  static final int MAX_MESSAGE_BYTES = 1024;

  /**
   * Handshake messages are flat maps of scalars; one level of nesting is allowed for unknown keys
   * (ignored) and nothing deeper.
   */
  static final int MAX_DEPTH = 2;

  private static final FrameCodec DECODER = FrameCodec.withLimits(MAX_MESSAGE_BYTES, MAX_DEPTH);

  private HandshakeMessages() {}

  /**
   * Encodes {@code {v: 1, kind: kind, k1: v1, k2: v2, ...}} in exactly that key order.
   *
   * @param fields alternating field names and values (byte[] becomes bin, String becomes str)
   */
  static byte[] encode(String kind, Object... fields) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("v", VERSION);
    map.put("kind", kind);
    for (int i = 0; i < fields.length; i += 2) {
      map.put((String) fields[i], fields[i + 1]);
    }
    return FrameCodec.standard().encodeMap(map);
  }

  /**
   * Decodes one handshake message and checks {@code v}; {@code kind} is checked by the caller. A
   * message over {@link #MAX_MESSAGE_BYTES} is refused before it is decoded, and nesting beyond
   * {@link #MAX_DEPTH} while it is.
   *
   * @param expected what the caller is waiting for, for error messages (e.g. {@code "pair_offer"})
   */
  static Map<String, Object> decode(byte[] message, String expected) {
    if (message.length > MAX_MESSAGE_BYTES) {
      throw protocol(
          expected
              + ": a handshake message of "
              + message.length
              + " bytes exceeds the limit of "
              + MAX_MESSAGE_BYTES);
    }
    Map<String, Object> map;
    try {
      map = DECODER.decodeMap(message);
    } catch (CodecException e) {
      throw protocol(expected + ": " + e.getMessage(), e);
    }
    Object v = map.get("v");
    if (v == null) {
      throw protocol(expected + ".v: missing");
    }
    if (!VERSION.equals(v)) {
      throw protocol(expected + ".v: expected the integer 1, got " + describe(v));
    }
    Object kind = map.get("kind");
    if (kind == null) {
      throw protocol(expected + ".kind: missing");
    }
    if (!(kind instanceof String)) {
      throw protocol(expected + ".kind: expected str, got " + describe(kind));
    }
    return map;
  }

  /** The message's {@code kind} (present and a str after {@link #decode}). */
  static String kind(Map<String, Object> message) {
    return (String) message.get("kind");
  }

  /** Fails with {@code protocol} unless the message's kind is {@code expected}. */
  static void expectKind(Map<String, Object> message, String expected) {
    String kind = kind(message);
    if (!expected.equals(kind)) {
      throw protocol(
          "expected "
              + expected
              + ", got kind \""
              + PeerText.printable(kind, PeerText.MAX_KIND)
              + "\"");
    }
  }

  /**
   * A bin field of exactly {@code length} bytes.
   *
   * @throws AuthFailureException with reason {@code protocol} naming {@code kind.field}
   */
  static byte[] bin(Map<String, Object> message, String field, int length) {
    byte[] value = bin(message, field);
    if (value.length != length) {
      throw protocol(
          kind(message) + "." + field + ": expected " + length + " bytes, got " + value.length);
    }
    return value;
  }

  /** A bin field of any length. */
  static byte[] bin(Map<String, Object> message, String field) {
    Object value = message.get(field);
    if (value == null) {
      throw protocol(
          kind(message)
              + "."
              + field
              + ": "
              + (message.containsKey(field) ? "expected bin, got nil" : "missing"));
    }
    if (!(value instanceof byte[] bytes)) {
      throw protocol(kind(message) + "." + field + ": expected bin, got " + describe(value));
    }
    return bytes;
  }

  /** A str field. */
  static String str(Map<String, Object> message, String field) {
    Object value = message.get(field);
    if (value == null) {
      throw protocol(
          kind(message)
              + "."
              + field
              + ": "
              + (message.containsKey(field) ? "expected str, got nil" : "missing"));
    }
    if (!(value instanceof String s)) {
      throw protocol(kind(message) + "." + field + ": expected str, got " + describe(value));
    }
    return s;
  }

  static AuthFailureException protocol(String message) {
    return new AuthFailureException(AuthFailureException.Reason.PROTOCOL, message);
  }

  static AuthFailureException protocol(String message, Throwable cause) {
    return new AuthFailureException(AuthFailureException.Reason.PROTOCOL, message, cause);
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nil";
    }
    if (value instanceof byte[]) {
      return "bin";
    }
    if (value instanceof String) {
      return "str";
    }
    if (value instanceof Long || value instanceof java.math.BigInteger) {
      return "int " + value;
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
    if (value instanceof java.util.List) {
      return "array";
    }
    return value.getClass().getSimpleName();
  }
}

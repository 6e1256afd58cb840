package dev.opendesk.auth;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.FrameCodec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The three pairing v2 messages (PAIRING-V2.md, "Messages"): building them byte-exact and reading
 * them strictly.
 *
 * <p>Sent: one fixmap, keys in the spec's order, {@code v} as the positive fixint 1, str as fixstr,
 * every binary field as bin8 ({@code pair2_hello} 162 bytes, {@code pair2_offer} 217, {@code
 * pair2_finish} 112). Read (PROTOCOL.md §2): key order free, unknown keys ignored, {@code v} the
 * integer 1, {@code kind} a str; a listed field missing, of another type or length, or a point that
 * is not a valid P-256 point → {@code protocol}. Field values in the records are the decoded
 * arrays, not copies.
 *
 * <p>Stateless and thread-safe.
 */
final class PairingV2Messages {

  /** Kind of message 1, client to server. */
  static final String HELLO = "pair2_hello";

  /** Kind of message 2, server to client. */
  static final String OFFER = "pair2_offer";

  /** Kind of message 3, client to server. */
  static final String FINISH = "pair2_finish";

  /** Kind of pairing v1's message 2: the server only speaks v1 pairing. */
  static final String V1_OFFER = "pair_offer";

  private static final FrameCodec CODEC = FrameCodec.standard();

  /** {@code pair2_hello}: the client's ephemeral key Ec and SPAKE2 share pA (suite checked). */
  record Hello(byte[] e, byte[] pa) {}

  /** {@code pair2_offer}: Es, pB, the server's confirmation cB and ct1 = AEAD(k1, Ss). */
  record Offer(byte[] e, byte[] pb, byte[] cb, byte[] ct) {}

  /** {@code pair2_finish}: the client's confirmation cA and ct2 = AEAD(k2, Sc). */
  record Finish(byte[] ca, byte[] ct) {}

  private PairingV2Messages() {}

  // ------------------------------------------------------------------ writing

  /** {@code {v:1, kind:"pair2_hello", suite, e, pa}}. */
  static byte[] encodeHello(byte[] e, byte[] pa) {
    KeySchedule.requireLength(e, PairingV2KeySchedule.KEY_LENGTH, "e");
    KeySchedule.requireLength(pa, Spake2.POINT_LENGTH, "pa");
    Map<String, Object> map = header(HELLO);
    map.put("suite", Spake2.SUITE);
    map.put("e", e);
    map.put("pa", pa);
    return CODEC.encodeMap(map);
  }

  /** {@code {v:1, kind:"pair2_offer", e, pb, cb, ct}}. */
  static byte[] encodeOffer(byte[] e, byte[] pb, byte[] cb, byte[] ct) {
    KeySchedule.requireLength(e, PairingV2KeySchedule.KEY_LENGTH, "e");
    KeySchedule.requireLength(pb, Spake2.POINT_LENGTH, "pb");
    KeySchedule.requireLength(cb, Spake2.MAC_LENGTH, "cb");
    KeySchedule.requireLength(ct, PairingV2KeySchedule.SEALED_KEY_LENGTH, "ct");
    Map<String, Object> map = header(OFFER);
    map.put("e", e);
    map.put("pb", pb);
    map.put("cb", cb);
    map.put("ct", ct);
    return CODEC.encodeMap(map);
  }

  /** {@code {v:1, kind:"pair2_finish", ca, ct}}. */
  static byte[] encodeFinish(byte[] ca, byte[] ct) {
    KeySchedule.requireLength(ca, Spake2.MAC_LENGTH, "ca");
    KeySchedule.requireLength(ct, PairingV2KeySchedule.SEALED_KEY_LENGTH, "ct");
    Map<String, Object> map = header(FINISH);
    map.put("ca", ca);
    map.put("ct", ct);
    return CODEC.encodeMap(map);
  }

  private static Map<String, Object> header(String kind) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("v", 1);
    map.put("kind", kind);
    return map;
  }

  // ------------------------------------------------------------------ reading

  /**
   * Decodes a handshake message and checks the envelope: a msgpack map with {@code v} the integer 1
   * and {@code kind} a str. The caller dispatches on {@link #kind}.
   *
   * @throws PairingV2Failure {@code protocol} otherwise
   */
  static Map<String, Object> decode(byte[] message) {
    Map<String, Object> map;
    try {
      map = CODEC.decodeMap(message);
    } catch (CodecException e) {
      throw PairingV2Failure.protocol("malformed handshake message: " + e.getMessage());
    }
    Object v = map.get("v");
    if (!(v instanceof Long version) || version != 1L) {
      throw PairingV2Failure.protocol("v: must be the integer 1");
    }
    if (!(map.get("kind") instanceof String)) {
      throw PairingV2Failure.protocol("kind: missing or not a str");
    }
    return map;
  }

  /** The {@code kind} of a message from {@link #decode}. */
  static String kind(Map<String, Object> message) {
    return (String) message.get("kind");
  }

  /**
   * Server, message 1, in the spec's order: kind, then {@code suite} (missing or not a str → {@code
   * protocol}, another string → {@code unsupported}), then {@code e} and {@code pa}.
   *
   * @throws PairingV2Failure as above; {@code protocol} if the kind is not {@code pair2_hello}
   */
  static Hello parseHello(Map<String, Object> message) {
    requireKind(message, HELLO);
    Object suite = message.get("suite");
    if (!(suite instanceof String name)) {
      throw PairingV2Failure.protocol("suite: missing or not a str");
    }
    if (!Spake2.SUITE.equals(name)) {
      throw PairingV2Failure.unsupported("suite: not " + Spake2.SUITE);
    }
    byte[] e = bin(message, "e", PairingV2KeySchedule.KEY_LENGTH);
    byte[] pa = point(message, "pa");
    return new Hello(e, pa);
  }

  /**
   * Client, message 2. A v1 {@code pair_offer} → {@code unsupported} (the server is v1 only; never
   * fall back); any other kind but {@code pair2_offer} → {@code protocol}.
   *
   * @throws PairingV2Failure as above, or {@code protocol} for a bad field
   */
  static Offer parseOffer(Map<String, Object> message) {
    if (V1_OFFER.equals(kind(message))) {
      throw PairingV2Failure.unsupported("the server answered with pairing v1 (pair_offer)");
    }
    requireKind(message, OFFER);
    byte[] e = bin(message, "e", PairingV2KeySchedule.KEY_LENGTH);
    byte[] pb = point(message, "pb");
    byte[] cb = bin(message, "cb", Spake2.MAC_LENGTH);
    byte[] ct = bin(message, "ct", PairingV2KeySchedule.SEALED_KEY_LENGTH);
    return new Offer(e, pb, cb, ct);
  }

  /**
   * Server, message 3.
   *
   * @throws PairingV2Failure {@code protocol} for another kind or a bad field
   */
  static Finish parseFinish(Map<String, Object> message) {
    requireKind(message, FINISH);
    byte[] ca = bin(message, "ca", Spake2.MAC_LENGTH);
    byte[] ct = bin(message, "ct", PairingV2KeySchedule.SEALED_KEY_LENGTH);
    return new Finish(ca, ct);
  }

  /** {@link #decode} then {@link #parseHello}. */
  static Hello parseHello(byte[] message) {
    return parseHello(decode(message));
  }

  /** {@link #decode} then {@link #parseOffer}. */
  static Offer parseOffer(byte[] message) {
    return parseOffer(decode(message));
  }

  /** {@link #decode} then {@link #parseFinish}. */
  static Finish parseFinish(byte[] message) {
    return parseFinish(decode(message));
  }

  private static void requireKind(Map<String, Object> message, String expected) {
    Object kind = message.get("kind");
    if (!expected.equals(kind)) {
      throw PairingV2Failure.protocol(
          "kind: expected "
              + expected
              + ", got "
              + (kind instanceof String s
                  ? PeerText.printable(s, PeerText.MAX_KIND)
                  : "a non-str"));
    }
  }

  private static byte[] bin(Map<String, Object> message, String field, int length) {
    Object value = message.get(field);
    if (value == null) {
      throw PairingV2Failure.protocol(field + ": missing");
    }
    if (!(value instanceof byte[] bytes)) {
      throw PairingV2Failure.protocol(field + ": not a bin");
    }
    if (bytes.length != length) {
      throw PairingV2Failure.protocol(
          field + ": must be " + length + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  private static byte[] point(Map<String, Object> message, String field) {
    byte[] bytes = bin(message, field, Spake2.POINT_LENGTH);
    Spake2.decodePoint(bytes, field);
    return bytes;
  }
}

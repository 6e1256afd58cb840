package dev.opendesk.auth;

import java.nio.charset.StandardCharsets;

/**
 * The pairing v2 key schedule around SPAKE2 (PAIRING-V2.md, "Shared values"): the handshake keys k1
 * and k2 that seal the static keys, the transcript, and the session keys c2s/s2c.
 *
 * <pre>
 * H1 = LBL‖Ec‖pA‖Es‖pB      h1 = SHA-256(H1)   k1 = HKDF(h1, ee‖Ke, "opendesk-pair2-k1")   ct1 = AEAD(k1, Ss)
 * H2 = H1‖cB‖ct1            h2 = SHA-256(H2)   k2 = HKDF(h2, ee‖Ke, "opendesk-pair2-k2")   ct2 = AEAD(k2, Sc)
 * transcript = SHA-256(H2‖cA‖ct2)
 * c2s‖s2c = HKDF(transcript, ee‖se‖es‖Ke, "opendesk-pair2-session-keys", 64)
 * </pre>
 *
 * <p>Both sides use it in the same order: construct once ee and Ke are known, then {@link
 * #absorbOffer} (after sealing or opening ct1), then {@link #absorbFinish} (after sealing or
 * opening ct2), then {@link #sessionKeys}. Calling a step out of order throws {@link
 * IllegalStateException}. Not thread-safe: one instance per handshake, confined to it.
 */
final class PairingV2KeySchedule {

  /** X25519 key length, also the length of Ec, Es and of the static keys Ss, Sc. */
  static final int KEY_LENGTH = KeySchedule.KEY_SIZE;

  /** Length of ct1 and ct2: a sealed 32-byte static key plus the 16-byte tag. */
  static final int SEALED_KEY_LENGTH = KEY_LENGTH + KeySchedule.TAG_SIZE;

  private static final byte[] LBL = ascii("opendesk-pair2|" + Spake2.SUITE);
  private static final byte[] K1_INFO = ascii("opendesk-pair2-k1");
  private static final byte[] K2_INFO = ascii("opendesk-pair2-k2");
  private static final String SESSION_INFO = "opendesk-pair2-session-keys";

  private final byte[] ee;
  private final byte[] ke;
  private final byte[] h1;
  private final byte[] k1;
  private byte[] h2Input;
  private byte[] h2;
  private byte[] k2;
  private byte[] transcript;

  /**
   * Starts the schedule.
   *
   * @param ec the client's ephemeral X25519 public key Ec (32 bytes)
   * @param pA the client's SPAKE2 share (65 bytes)
   * @param es the server's ephemeral X25519 public key Es (32 bytes)
   * @param pB the server's SPAKE2 share (65 bytes)
   * @param ee DH(es, Ec) = DH(ec, Es), from {@link #dh} (32 bytes, not all zero)
   * @param ke SPAKE2's Ke (16 bytes)
   * @throws IllegalArgumentException if a value has the wrong length
   */
  PairingV2KeySchedule(byte[] ec, byte[] pA, byte[] es, byte[] pB, byte[] ee, byte[] ke) {
    KeySchedule.requireLength(ec, KEY_LENGTH, "Ec");
    KeySchedule.requireLength(pA, Spake2.POINT_LENGTH, "pA");
    KeySchedule.requireLength(es, KEY_LENGTH, "Es");
    KeySchedule.requireLength(pB, Spake2.POINT_LENGTH, "pB");
    KeySchedule.requireLength(ee, KEY_LENGTH, "ee");
    KeySchedule.requireLength(ke, Spake2.HALF_KEY_LENGTH, "Ke");
    this.ee = ee.clone();
    this.ke = ke.clone();
    byte[] h1Input = KeySchedule.concat(LBL, ec, pA, es, pB);
    this.h1 = KeySchedule.sha256(h1Input);
    byte[] ikm = KeySchedule.concat(ee, ke);
    try {
      this.k1 = KeySchedule.hkdf(h1, ikm, K1_INFO, KEY_LENGTH);
    } finally {
      KeySchedule.wipe(ikm);
    }
    this.h2Input = h1Input;
  }

  /** {@code LBL‖Ec‖Es}: the associated data SPAKE2 binds into KcA‖KcB (107 bytes). */
  static byte[] aad(byte[] ec, byte[] es) {
    KeySchedule.requireLength(ec, KEY_LENGTH, "Ec");
    KeySchedule.requireLength(es, KEY_LENGTH, "Es");
    return KeySchedule.concat(LBL, ec, es);
  }

  /** {@code LBL = "opendesk-pair2|" ‖ SUITE} (43 bytes, a fresh copy). */
  static byte[] label() {
    return LBL.clone();
  }

  /**
   * One X25519 of the handshake (ee, se or es).
   *
   * @param what names the value for the failure message, e.g. {@code "ee"}
   * @throws PairingV2Failure {@code protocol} if the result is all zero
   * @throws IllegalArgumentException if a key is not 32 bytes
   */
  static byte[] dh(byte[] privateKey, byte[] publicKey, String what) {
    byte[] shared = KeySchedule.dhOrNull(privateKey, publicKey);
    if (shared == null) {
      throw PairingV2Failure.protocol(what + ": X25519 result is all zero (low-order public key)");
    }
    return shared;
  }

  /** h1 = SHA-256(LBL‖Ec‖pA‖Es‖pB). */
  byte[] h1() {
    return h1.clone();
  }

  /** k1, the key of ct1. */
  byte[] k1() {
    return k1.clone();
  }

  /** Server: ct1 = AEAD(k1, Ss). */
  byte[] sealCt1(byte[] serverStatic) {
    KeySchedule.requireLength(serverStatic, KEY_LENGTH, "server static key");
    return KeySchedule.seal(k1, serverStatic);
  }

  /**
   * Client: opens ct1 and returns Ss. Call only after cB has verified.
   *
   * @throws PairingV2Failure {@code protocol} if ct1 does not open
   */
  byte[] openCt1(byte[] ct1) {
    KeySchedule.requireLength(ct1, SEALED_KEY_LENGTH, "ct1");
    return open(k1, ct1);
  }

  /** Appends {@code cB‖ct1} to the hash input and derives h2, k2. Both sides, once. */
  void absorbOffer(byte[] cB, byte[] ct1) {
    if (h2 != null) {
      throw new IllegalStateException("the offer is already absorbed");
    }
    KeySchedule.requireLength(cB, Spake2.MAC_LENGTH, "cB");
    KeySchedule.requireLength(ct1, SEALED_KEY_LENGTH, "ct1");
    h2Input = KeySchedule.concat(h2Input, cB, ct1);
    h2 = KeySchedule.sha256(h2Input);
    byte[] ikm = KeySchedule.concat(ee, ke);
    try {
      k2 = KeySchedule.hkdf(h2, ikm, K2_INFO, KEY_LENGTH);
    } finally {
      KeySchedule.wipe(ikm);
    }
  }

  /** h2 = SHA-256(H1‖cB‖ct1). */
  byte[] h2() {
    requireOffer();
    return h2.clone();
  }

  /** k2, the key of ct2. */
  byte[] k2() {
    requireOffer();
    return k2.clone();
  }

  /** Client: ct2 = AEAD(k2, Sc). */
  byte[] sealCt2(byte[] clientStatic) {
    requireOffer();
    KeySchedule.requireLength(clientStatic, KEY_LENGTH, "client static key");
    return KeySchedule.seal(k2, clientStatic);
  }

  /**
   * Server: opens ct2 and returns Sc. Call only after cA has verified.
   *
   * @throws PairingV2Failure {@code protocol} if ct2 does not open
   */
  byte[] openCt2(byte[] ct2) {
    requireOffer();
    KeySchedule.requireLength(ct2, SEALED_KEY_LENGTH, "ct2");
    return open(k2, ct2);
  }

  /** Derives transcript = SHA-256(H2‖cA‖ct2). Both sides, once, after {@link #absorbOffer}. */
  void absorbFinish(byte[] cA, byte[] ct2) {
    requireOffer();
    if (transcript != null) {
      throw new IllegalStateException("the finish is already absorbed");
    }
    KeySchedule.requireLength(cA, Spake2.MAC_LENGTH, "cA");
    KeySchedule.requireLength(ct2, SEALED_KEY_LENGTH, "ct2");
    transcript = KeySchedule.sha256(h2Input, cA, ct2);
    h2Input = null;
  }

  /** The transcript hash. */
  byte[] transcript() {
    requireFinish();
    return transcript.clone();
  }

  /**
   * c2s‖s2c = HKDF(transcript, ee‖se‖es‖Ke, "opendesk-pair2-session-keys", 64).
   *
   * @param se DH(ss, Ec) = DH(ec, Ss), from {@link #dh}
   * @param es DH(es, Sc) = DH(sc, Es), from {@link #dh}
   */
  KeySchedule.SessionKeys sessionKeys(byte[] se, byte[] es) {
    requireFinish();
    KeySchedule.requireLength(se, KEY_LENGTH, "se");
    KeySchedule.requireLength(es, KEY_LENGTH, "es");
    byte[] ikm = KeySchedule.concat(ee, se, es, ke);
    try {
      return KeySchedule.sessionKeys(transcript, ikm, SESSION_INFO);
    } finally {
      KeySchedule.wipe(ikm);
    }
  }

  /** Wipes the key material this schedule holds; it is unusable afterwards. */
  void wipe() {
    KeySchedule.wipe(ee, ke, k1, k2);
  }

  /** Opens ct1 or ct2; a tag mismatch is a {@code protocol} failure naming the field. */
  private static byte[] open(byte[] key, byte[] ciphertext) {
    byte[] plaintext = KeySchedule.open(key, ciphertext);
    if (plaintext == null) {
      throw PairingV2Failure.protocol("ct: does not open (AEAD tag mismatch)");
    }
    return plaintext;
  }

  private void requireOffer() {
    if (h2 == null) {
      throw new IllegalStateException("absorbOffer has not been called");
    }
  }

  private void requireFinish() {
    if (transcript == null) {
      throw new IllegalStateException("absorbFinish has not been called");
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

package dev.opendesk.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.Pack;
import org.bouncycastle.util.encoders.Hex;

/**
 * One side of SPAKE2 (RFC 9382), suite P256-SHA256-HKDF-HMAC, as pairing v2 uses it
 * (PAIRING-V2.md): the password scalar {@code w} from a six-digit code, the masked share ({@code pA
 * = x·P + w·M} for role A, {@code pB = y·P + w·N} for role B), and, from the peer's share, {@code
 * K}, the transcript {@code TT}, {@code Ke‖Ka = SHA-256(TT)}, {@code KcA‖KcB = HKDF(Ka,
 * "ConfirmationKeys"‖AAD)} and the confirmation MACs {@code cA}, {@code cB}.
 *
 * <p>Assembled from Bouncy Castle's secp256r1 arithmetic: every multiplication by a secret scalar
 * (x, y, w) goes through {@link FixedPointCombMultiplier}, whose table lookups and double-and-add
 * sequence do not depend on the scalar's bits; peer points are validated by {@link #decodePoint}
 * before any arithmetic. P-256 has cofactor 1, so a valid point needs no subgroup check.
 *
 * <p>In pairing v2 the client is role A (masks with M, proves itself with cA) and the server is
 * role B. An instance holds one secret scalar and must be used for one exchange only; it is
 * immutable and thread-safe, but {@link #finish} is meant to be called once.
 */
final class Spake2 {

  /** The suite name sent in {@code pair2_hello}. */
  static final String SUITE = "SPAKE2-P256-SHA256-HKDF-HMAC";

  /** Length of an uncompressed SEC1 point: {@code 04‖X‖Y}. */
  static final int POINT_LENGTH = 65;

  /** Length of an encoded scalar and of each coordinate. */
  static final int SCALAR_LENGTH = 32;

  /** Length of a confirmation MAC (HMAC-SHA256, untruncated). */
  static final int MAC_LENGTH = 32;

  /** Length of Ke, Ka, KcA and KcB. */
  static final int HALF_KEY_LENGTH = 16;

  /** Which RFC 9382 party this is. */
  enum Role {
    /** Party A: masks with M, sends cA. The pairing client. */
    A,
    /** Party B: masks with N, sends cB. The pairing server. */
    B
  }

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECCurve CURVE = P256.getCurve();
  private static final BigInteger FIELD_PRIME = CURVE.getField().getCharacteristic();

  /** The generator P. */
  static final ECPoint GENERATOR = P256.getG();

  /** The group order n. */
  static final BigInteger ORDER = P256.getN();

  /** RFC 9382 §6 M for P-256, compressed as published. */
  static final String M_COMPRESSED_HEX =
      "02886e2f97ace46e55ba9dd7242579f2993b64e16ef3dcab95afd497333d8fa12f";

  /** RFC 9382 §6 N for P-256, compressed as published. */
  static final String N_COMPRESSED_HEX =
      "03d8bbd6c639c62937b04d997f38c3770719c629d7014d49a24b4f98baa1292b49";

  /** The RFC's M: party A's mask. */
  static final ECPoint M = CURVE.decodePoint(Hex.decode(M_COMPRESSED_HEX)).normalize();

  /** The RFC's N: party B's mask. */
  static final ECPoint N = CURVE.decodePoint(Hex.decode(N_COMPRESSED_HEX)).normalize();

  private static final byte[] CLIENT_IDENTITY = ascii("opendesk-pair2-client");
  private static final byte[] SERVER_IDENTITY = ascii("opendesk-pair2-server");
  private static final byte[] W_SALT = ascii("opendesk-pair2-w");
  private static final byte[] W_INFO = ascii("SPAKE2-P256");
  private static final int W_OKM_LENGTH = 40;
  private static final byte[] CONFIRMATION_INFO = ascii("ConfirmationKeys");

  // Stateless; the comb tables of P, M and N are computed once and cached on those points.
  private static final ECMultiplier COMB = new FixedPointCombMultiplier();

  private final Role role;
  private final byte[] identityA;
  private final byte[] identityB;
  private final BigInteger w;
  private final BigInteger scalar;
  private final byte[] share;

  private Spake2(Role role, byte[] identityA, byte[] identityB, BigInteger w, BigInteger scalar) {
    this.role = role;
    this.identityA = identityA.clone();
    this.identityB = identityB.clone();
    this.w = w;
    this.scalar = scalar;
    ECPoint ownMask = role == Role.A ? M : N;
    this.share = COMB.multiply(GENERATOR, scalar).add(COMB.multiply(ownMask, w)).getEncoded(false);
  }

  /**
   * The pairing client (role A, identities {@code opendesk-pair2-client}/{@code
   * opendesk-pair2-server}) with a fresh x uniform in [1, n−1].
   */
  static Spake2 client(BigInteger w, SecureRandom random) {
    return create(Role.A, CLIENT_IDENTITY, SERVER_IDENTITY, w, randomScalar(random));
  }

  /** The pairing server (role B) with a fresh y uniform in [1, n−1]. */
  static Spake2 server(BigInteger w, SecureRandom random) {
    return create(Role.B, CLIENT_IDENTITY, SERVER_IDENTITY, w, randomScalar(random));
  }

  /**
   * The pairing client with a given x: for test vectors only.
   *
   * @throws IllegalArgumentException as for {@link #create}
   */
  static Spake2 client(BigInteger w, BigInteger x) {
    return create(Role.A, CLIENT_IDENTITY, SERVER_IDENTITY, w, x);
  }

  /**
   * The pairing server with a given y: for test vectors only.
   *
   * @throws IllegalArgumentException as for {@link #create}
   */
  static Spake2 server(BigInteger w, BigInteger y) {
    return create(Role.B, CLIENT_IDENTITY, SERVER_IDENTITY, w, y);
  }

  /**
   * A party with a given secret scalar (x for A, y for B) and given identities: for test vectors
   * only. Production code uses {@link #client(BigInteger, SecureRandom)} or {@link
   * #server(BigInteger, SecureRandom)}.
   *
   * @throws IllegalArgumentException if {@code w} is not in [0, n−1] or {@code scalar} not in [1,
   *     n−1]
   */
  static Spake2 create(
      Role role, byte[] identityA, byte[] identityB, BigInteger w, BigInteger scalar) {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(identityA, "identityA");
    Objects.requireNonNull(identityB, "identityB");
    if (w.signum() < 0 || w.compareTo(ORDER) >= 0) {
      throw new IllegalArgumentException("w must be in [0, n-1]");
    }
    if (scalar.signum() <= 0 || scalar.compareTo(ORDER) >= 0) {
      throw new IllegalArgumentException("the SPAKE2 scalar must be in [1, n-1]");
    }
    return new Spake2(role, identityA, identityB, w, scalar);
  }

  /**
   * w for a pairing code: OS2IP(HKDF(salt = {@code opendesk-pair2-w}, ikm = the code, info = {@code
   * SPAKE2-P256}, 40)) mod n. The 8 extra bytes make the reduction's bias negligible.
   *
   * @throws IllegalArgumentException if {@code code} is not exactly six ASCII digits (the message
   *     does not repeat the code)
   */
  static BigInteger passwordScalar(String code) {
    Objects.requireNonNull(code, "code");
    boolean valid = code.length() == 6;
    for (int i = 0; valid && i < code.length(); i++) {
      char c = code.charAt(i);
      valid = c >= '0' && c <= '9';
    }
    if (!valid) {
      throw new IllegalArgumentException("a pairing code must be exactly six ASCII digits");
    }
    byte[] digits = ascii(code);
    byte[] okm = KeySchedule.hkdf(W_SALT, digits, W_INFO, W_OKM_LENGTH);
    try {
      // w itself is a BigInteger, which cannot be wiped; the byte arrays can.
      return new BigInteger(1, okm).mod(ORDER);
    } finally {
      Arrays.fill(digits, (byte) 0);
      Arrays.fill(okm, (byte) 0);
    }
  }

  /** This party's role. */
  Role role() {
    return role;
  }

  /** This party's share, pA or pB, as 65 uncompressed bytes (a fresh copy). */
  byte[] share() {
    return share.clone();
  }

  /**
   * Completes the exchange with the peer's share.
   *
   * @param peerShare pB if this is A, pA if this is B: 65 bytes, validated here
   * @param aad the associated data bound into the confirmation keys (pairing v2: {@code LBL‖Ec‖Es};
   *     RFC 9382's vectors: empty)
   * @throws PairingV2Failure {@code protocol} if the peer's share is not a valid point or K is the
   *     identity
   */
  Keys finish(byte[] peerShare, byte[] aad) {
    Objects.requireNonNull(aad, "aad");
    ECPoint peer = decodePoint(peerShare, role == Role.A ? "pb" : "pa");
    ECPoint peerMask = role == Role.A ? N : M;
    ECPoint unmasked = peer.subtract(COMB.multiply(peerMask, w));
    ECPoint k = COMB.multiply(unmasked, scalar);
    if (k.isInfinity()) {
      throw PairingV2Failure.protocol("SPAKE2 K is the identity");
    }
    byte[] kBytes = k.getEncoded(false);
    byte[] pA = role == Role.A ? share : peerShare.clone();
    byte[] pB = role == Role.A ? peerShare.clone() : share;
    byte[] wBytes = BigIntegers.asUnsignedByteArray(SCALAR_LENGTH, w);
    byte[] tt = transcript(identityA, identityB, pA, pB, kBytes, wBytes);
    Arrays.fill(wBytes, (byte) 0);

    byte[] hash = KeySchedule.sha256(tt);
    byte[] ke = Arrays.copyOfRange(hash, 0, HALF_KEY_LENGTH);
    byte[] ka = Arrays.copyOfRange(hash, HALF_KEY_LENGTH, 2 * HALF_KEY_LENGTH);
    Arrays.fill(hash, (byte) 0);
    byte[] kc =
        KeySchedule.hkdf(
            new byte[0], ka, KeySchedule.concat(CONFIRMATION_INFO, aad), 2 * HALF_KEY_LENGTH);
    byte[] kcA = Arrays.copyOfRange(kc, 0, HALF_KEY_LENGTH);
    byte[] kcB = Arrays.copyOfRange(kc, HALF_KEY_LENGTH, 2 * HALF_KEY_LENGTH);
    Arrays.fill(kc, (byte) 0);
    byte[] cA = KeySchedule.hmac(kcA, tt);
    byte[] cB = KeySchedule.hmac(kcB, tt);
    return new Keys(role, kBytes, tt, ke, ka, kcA, kcB, cA, cB);
  }

  /**
   * {@code TT = le64(|A|)‖A ‖ le64(|B|)‖B ‖ le64(65)‖pA ‖ le64(65)‖pB ‖ le64(65)‖K ‖ le64(32)‖w}
   * (RFC 9382 §3.3).
   */
  static byte[] transcript(byte[] a, byte[] b, byte[] pA, byte[] pB, byte[] k, byte[] w) {
    byte[][] parts = {a, b, pA, pB, k, w};
    int length = 0;
    for (byte[] part : parts) {
      length += 8 + part.length;
    }
    byte[] tt = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      Pack.longToLittleEndian(part.length, tt, offset);
      System.arraycopy(part, 0, tt, offset + 8, part.length);
      offset += 8 + part.length;
    }
    return tt;
  }

  /**
   * Decodes and validates a peer's point: exactly 65 bytes, prefix {@code 04}, X &lt; p, Y &lt; p,
   * on P-256. The identity has no such encoding.
   *
   * @param field the message field, for the failure message
   * @throws PairingV2Failure {@code protocol} naming {@code field} for anything else
   */
  static ECPoint decodePoint(byte[] encoded, String field) {
    if (encoded == null || encoded.length != POINT_LENGTH) {
      throw PairingV2Failure.protocol(
          field
              + ": a point must be "
              + POINT_LENGTH
              + " bytes, got "
              + (encoded == null ? "null" : encoded.length));
    }
    if (encoded[0] != 0x04) {
      throw PairingV2Failure.protocol(field + ": a point must be uncompressed (prefix 04)");
    }
    BigInteger x = BigIntegers.fromUnsignedByteArray(encoded, 1, SCALAR_LENGTH);
    BigInteger y = BigIntegers.fromUnsignedByteArray(encoded, 1 + SCALAR_LENGTH, SCALAR_LENGTH);
    if (x.compareTo(FIELD_PRIME) >= 0 || y.compareTo(FIELD_PRIME) >= 0) {
      throw PairingV2Failure.protocol(field + ": a point coordinate is not below p");
    }
    try {
      // Bouncy Castle repeats the range checks and verifies the curve equation.
      return CURVE.decodePoint(encoded);
    } catch (IllegalArgumentException e) {
      throw PairingV2Failure.protocol(field + ": not a point on P-256");
    }
  }

  /** A scalar uniform in [1, n−1]: x or y. */
  static BigInteger randomScalar(SecureRandom random) {
    Objects.requireNonNull(random, "random");
    return BigIntegers.createRandomInRange(BigInteger.ONE, ORDER.subtract(BigInteger.ONE), random);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * The outcome of one SPAKE2 exchange: K, TT and the keys derived from them. Arrays are returned
   * without copying; the holder must not modify them. Immutable by convention, thread-safe.
   */
  static final class Keys {
    private final Role role;
    private final byte[] k;
    private final byte[] tt;
    private final byte[] ke;
    private final byte[] ka;
    private final byte[] kcA;
    private final byte[] kcB;
    private final byte[] cA;
    private final byte[] cB;

    private Keys(
        Role role,
        byte[] k,
        byte[] tt,
        byte[] ke,
        byte[] ka,
        byte[] kcA,
        byte[] kcB,
        byte[] cA,
        byte[] cB) {
      this.role = role;
      this.k = k;
      this.tt = tt;
      this.ke = ke;
      this.ka = ka;
      this.kcA = kcA;
      this.kcB = kcB;
      this.cA = cA;
      this.cB = cB;
    }

    /** K, 65 uncompressed bytes. */
    byte[] k() {
      return k;
    }

    /** The transcript TT. */
    byte[] tt() {
      return tt;
    }

    /** Ke, the first half of SHA-256(TT): the shared secret that feeds the session keys. */
    byte[] ke() {
      return ke;
    }

    /** Ka, the second half of SHA-256(TT). */
    byte[] ka() {
      return ka;
    }

    /** KcA, A's confirmation key. */
    byte[] kcA() {
      return kcA;
    }

    /** KcB, B's confirmation key. */
    byte[] kcB() {
      return kcB;
    }

    /** cA = HMAC(KcA, TT). */
    byte[] cA() {
      return cA;
    }

    /** cB = HMAC(KcB, TT). */
    byte[] cB() {
      return cB;
    }

    /** Overwrites the secret values (K, TT, Ke, Ka, KcA, KcB) with zeros once they are used. */
    void wipe() {
      KeySchedule.wipe(k, tt, ke, ka, kcA, kcB);
    }

    /** The MAC this party sends: cA for A, cB for B. */
    byte[] ownConfirmation() {
      return role == Role.A ? cA : cB;
    }

    /**
     * Checks the peer's MAC (cB if this is A, cA if this is B) in constant time.
     *
     * @throws PairingV2Failure {@code wrong_code} if it does not match
     */
    void verifyPeerConfirmation(byte[] mac) {
      Objects.requireNonNull(mac, "mac");
      byte[] expected = role == Role.A ? cB : cA;
      if (!Arrays.constantTimeAreEqual(expected, mac)) {
        throw PairingV2Failure.wrongCode(
            role == Role.A
                ? "cb does not verify: wrong pairing code (or not the server we asked)"
                : "ca does not verify: the client does not hold the pairing code");
      }
    }
  }
}

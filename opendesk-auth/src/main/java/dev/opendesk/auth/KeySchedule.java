package dev.opendesk.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * The primitives every handshake flavour shares (PROTOCOL.md §6, PAIRING-V2.md "Primitives"), in
 * one place: X25519 with the all-zero check, HKDF-SHA256, SHA-256, HMAC-SHA256, the handshake AEAD
 * (ChaCha20-Poly1305 under a one-time key with a zero nonce and no associated data), the v1 PSK,
 * and the session-key split. Thin wrappers over Bouncy Castle's lightweight API; nothing is
 * hand-rolled. Stateless and thread-safe.
 *
 * <p>Secrets it derives are returned to callers, who wipe them ({@link #wipe}); its own
 * intermediates are wiped here: the HKDF output split into session keys, the handshake AEAD's key
 * copies (Bouncy Castle's engine is re-keyed with zeros). What the API does not reach: the keyed
 * state inside Bouncy Castle's {@code HMac} and {@code HKDFBytesGenerator} objects (the PRK and the
 * last output block), which have no method to clear it and are left to the garbage collector.
 */
final class KeySchedule {

  /** Size of X25519 keys, ChaCha20 keys and SHA-256 outputs. */
  static final int KEY_SIZE = 32;

  /** Size of the Poly1305 tag appended to every ciphertext. */
  static final int TAG_SIZE = 16;

  /** Size of a ChaCha20-Poly1305 nonce. */
  static final int NONCE_SIZE = 12;

  static final String SESSION_KEYS_INFO = "opendesk-session-keys";

  private static final byte[] PSK_SALT = "opendesk-psk-v1".getBytes(StandardCharsets.US_ASCII);
  private static final int PSK_ITERATIONS = 200_000;
  private static final byte[] ZERO_NONCE = new byte[NONCE_SIZE];

  private KeySchedule() {}

  /**
   * X25519 of {@code privateKey} with {@code publicKey}, refusing an all-zero result (a low-order
   * or otherwise degenerate public key), which RFC 7748 §6.1 lets protocols reject.
   *
   * @param what names the value for the error message (e.g. {@code "DH(es, Ec)"})
   * @throws AuthFailureException with reason {@code protocol} on an all-zero result
   */
  static byte[] dh(byte[] privateKey, byte[] publicKey, String what) {
    byte[] out = dhOrNull(privateKey, publicKey);
    if (out == null) {
      throw new AuthFailureException(
          AuthFailureException.Reason.PROTOCOL,
          what + " is all zero: the peer sent a low-order public key");
    }
    return out;
  }

  /**
   * X25519 of {@code privateKey} with {@code publicKey}, or {@code null} if the result is all zero;
   * for callers that report the failure in their own terms.
   *
   * @throws IllegalArgumentException if a key is not 32 bytes
   */
  static byte[] dhOrNull(byte[] privateKey, byte[] publicKey) {
    requireLength(privateKey, KEY_SIZE, "X25519 private key");
    requireLength(publicKey, KEY_SIZE, "X25519 public key");
    byte[] out = new byte[KEY_SIZE];
    // The low-level API reports an all-zero output as false instead of throwing like
    // X25519Agreement does; the check itself is constant-time inside Bouncy Castle.
    if (!X25519.calculateAgreement(privateKey, 0, publicKey, 0, out, 0)) {
      return null;
    }
    return out;
  }

  /** The X25519 public key of {@code privateKey} (clamped as X25519 requires). */
  static byte[] publicKey(byte[] privateKey) {
    byte[] out = new byte[KEY_SIZE];
    X25519.generatePublicKey(privateKey, 0, out, 0);
    return out;
  }

  /** SHA-256 of the concatenation of {@code parts}. */
  static byte[] sha256(byte[]... parts) {
    SHA256Digest digest = new SHA256Digest();
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return out;
  }

  /** HKDF-SHA256 extract-then-expand (RFC 5869) with an ASCII {@code info}. */
  static byte[] hkdf(byte[] salt, byte[] ikm, String info, int length) {
    return hkdf(salt, ikm, info.getBytes(StandardCharsets.US_ASCII), length);
  }

  /** HKDF-SHA256 extract-then-expand (RFC 5869). */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    generator.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    generator.generateBytes(out, 0, length);
    return out;
  }

  /** HMAC-SHA256 of {@code data} under {@code key}: 32 bytes, never truncated. */
  static byte[] hmac(byte[] key, byte[] data) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[mac.getMacSize()];
    mac.doFinal(out, 0);
    return out;
  }

  /** The handshake AEAD: ChaCha20-Poly1305 under a one-time key, zero nonce, no associated data. */
  static byte[] seal(byte[] key, byte[] plaintext) {
    ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    KeyParameter keyParameter = new KeyParameter(key);
    aead.init(true, new ParametersWithIV(keyParameter, ZERO_NONCE));
    byte[] out = new byte[plaintext.length + TAG_SIZE];
    int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      aead.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("encryption cannot fail", e);
    } finally {
      forget(aead, keyParameter, true);
    }
    return out;
  }

  /**
   * Overwrites the copies of a one-time key that Bouncy Castle holds: the parameter's, and the
   * engine's key and expanded state (by re-keying it with zeros).
   */
  private static void forget(ChaCha20Poly1305 aead, KeyParameter key, boolean forEncryption) {
    wipe(key.getKey());
    aead.init(
        forEncryption, new ParametersWithIV(new KeyParameter(new byte[KEY_SIZE]), ZERO_NONCE));
  }

  /**
   * Opens a handshake AEAD output (see {@link #seal}).
   *
   * @return the plaintext, or {@code null} if the ciphertext does not authenticate under {@code
   *     key}
   */
  static byte[] open(byte[] key, byte[] ciphertext) {
    if (ciphertext.length < TAG_SIZE) {
      return null;
    }
    ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    KeyParameter keyParameter = new KeyParameter(key);
    aead.init(false, new ParametersWithIV(keyParameter, ZERO_NONCE));
    byte[] out = new byte[ciphertext.length - TAG_SIZE];
    try {
      int n = aead.processBytes(ciphertext, 0, ciphertext.length, out, 0);
      aead.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException e) {
      wipe(out);
      return null;
    } finally {
      forget(aead, keyParameter, false);
    }
  }

  /**
   * The v1 pairing PSK: PBKDF2-HMAC-SHA256 of the code's digits with the constant salt {@code
   * opendesk-psk-v1}, 200 000 iterations, 32 bytes. CPU-heavy (tens of milliseconds): never call it
   * on a transport event loop.
   */
  static byte[] psk(PairingCode code) {
    char[] password = code.digits().toCharArray();
    PBEKeySpec spec = new PBEKeySpec(password, PSK_SALT, PSK_ITERATIONS, KEY_SIZE * 8);
    try {
      // The JDK's PBKDF2 encodes the password as UTF-8, as the spec asks (the digits are ASCII);
      // it is about 2.5x faster than Bouncy Castle's here.
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is required of every JDK", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(password, '\0');
    }
  }

  /** Session keys from the final transcript hash and input keying material (PROTOCOL.md §6). */
  static SessionKeys sessionKeys(byte[] transcript, byte[] ikm) {
    return sessionKeys(transcript, ikm, SESSION_KEYS_INFO);
  }

  /** Session keys with a flavour-specific HKDF info string. */
  static SessionKeys sessionKeys(byte[] transcript, byte[] ikm, String info) {
    byte[] okm = hkdf(transcript, ikm, info, 2 * KEY_SIZE);
    try {
      return new SessionKeys(
          Arrays.copyOfRange(okm, 0, KEY_SIZE), Arrays.copyOfRange(okm, KEY_SIZE, 2 * KEY_SIZE));
    } finally {
      wipe(okm);
    }
  }

  /** The concatenation of {@code parts}. */
  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  /**
   * Checks an internal value's length (a programming error, not a peer's: peers' fields are checked
   * by the message readers).
   *
   * @throws IllegalArgumentException naming {@code what} if {@code value} is null or not {@code
   *     length} bytes
   */
  static void requireLength(byte[] value, int length, String what) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes, got " + (value == null ? "null" : value.length));
    }
  }

  /** Constant-time equality of two byte arrays (the length is not secret). */
  static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Overwrites secrets with zeros; {@code null} entries are skipped. */
  static void wipe(byte[]... secrets) {
    for (byte[] secret : secrets) {
      if (secret != null) {
        Arrays.fill(secret, (byte) 0);
      }
    }
  }

  /**
   * The two per-direction keys of a session: {@code c2s} (client sends, server receives) and {@code
   * s2c}. Not a record, so the keys are never printed by a generated {@code toString}.
   */
  static final class SessionKeys {
    private final byte[] c2s;
    private final byte[] s2c;

    SessionKeys(byte[] c2s, byte[] s2c) {
      this.c2s = c2s;
      this.s2c = s2c;
    }

    byte[] c2s() {
      return c2s;
    }

    byte[] s2c() {
      return s2c;
    }

    void wipe() {
      KeySchedule.wipe(c2s, s2c);
    }

    @Override
    public String toString() {
      return "SessionKeys[redacted]";
    }
  }
}

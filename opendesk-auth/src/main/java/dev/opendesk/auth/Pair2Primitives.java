package dev.opendesk.auth;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Arrays;

/**
 * The symmetric and X25519 primitives of pairing v2 (PAIRING-V2.md, "Primitives"), as thin,
 * allocation-per-call wrappers over Bouncy Castle's lightweight API: SHA-256, HKDF-SHA256,
 * HMAC-SHA256, ChaCha20-Poly1305 with a zero nonce and no associated data, and X25519 with the
 * all-zero result rejected. Nothing here is hand-rolled.
 *
 * <p>Stateless and thread-safe.
 */
final class Pair2Primitives {

  /** SHA-256 and HMAC-SHA256 output length. */
  static final int HASH_LENGTH = 32;

  /** X25519 key and shared-secret length; also the length of the AEAD keys. */
  static final int KEY_LENGTH = 32;

  /** Poly1305 tag length appended to every AEAD ciphertext. */
  static final int TAG_LENGTH = 16;

  // Every handshake AEAD key is used for exactly one message, so a constant nonce is safe.
  private static final byte[] ZERO_NONCE = new byte[12];

  private Pair2Primitives() {}

  /** SHA-256 of the concatenation of {@code parts}. */
  static byte[] sha256(byte[]... parts) {
    SHA256Digest digest = new SHA256Digest();
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[HASH_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }

  /**
   * HKDF-SHA256 (RFC 5869), extract then expand. An empty {@code salt} is the RFC's default salt
   * (HMAC pads it to the same 32 zero bytes).
   */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info, int length) {
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(ikm, salt, info));
    byte[] out = new byte[length];
    hkdf.generateBytes(out, 0, length);
    return out;
  }

  /** HMAC-SHA256 of {@code data} under {@code key}, 32 bytes, never truncated. */
  static byte[] hmac(byte[] key, byte[] data) {
    HMac mac = new HMac(new SHA256Digest());
    mac.init(new KeyParameter(key));
    mac.update(data, 0, data.length);
    byte[] out = new byte[HASH_LENGTH];
    mac.doFinal(out, 0);
    return out;
  }

  /** ChaCha20-Poly1305 with a zero nonce and no associated data: ciphertext‖tag. */
  static byte[] seal(byte[] key, byte[] plaintext) {
    ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    aead.init(true, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, ZERO_NONCE));
    byte[] out = new byte[aead.getOutputSize(plaintext.length)];
    int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      aead.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 encryption failed", e);
    }
    return out;
  }

  /**
   * Opens {@link #seal} output.
   *
   * @throws Pair2Failure {@code protocol}, naming {@code field}, if the tag does not verify
   */
  static byte[] open(byte[] key, byte[] ciphertext, String field) {
    if (ciphertext.length < TAG_LENGTH) {
      throw Pair2Failure.protocol(field + ": shorter than the AEAD tag");
    }
    ChaCha20Poly1305 aead = new ChaCha20Poly1305();
    aead.init(false, new AEADParameters(new KeyParameter(key), TAG_LENGTH * 8, ZERO_NONCE));
    byte[] out = new byte[aead.getOutputSize(ciphertext.length)];
    int n = aead.processBytes(ciphertext, 0, ciphertext.length, out, 0);
    try {
      aead.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      Arrays.fill(out, (byte) 0);
      throw Pair2Failure.protocol(field + ": does not open (AEAD tag mismatch)");
    }
    return out;
  }

  /**
   * X25519 of a 32-byte private key and a 32-byte public key (RFC 7748).
   *
   * @throws Pair2Failure {@code protocol}, naming {@code what}, if the result is all zero (the
   *     public key is of low order)
   * @throws IllegalArgumentException if a key is not 32 bytes
   */
  static byte[] x25519(byte[] privateKey, byte[] publicKey, String what) {
    requireLength(privateKey, KEY_LENGTH, "X25519 private key");
    requireLength(publicKey, KEY_LENGTH, "X25519 public key");
    byte[] shared = new byte[KEY_LENGTH];
    // calculateAgreement reports the all-zero result itself; the explicit check keeps the rule
    // visible and does not depend on that detail.
    boolean nonZero = X25519.calculateAgreement(privateKey, 0, publicKey, 0, shared, 0);
    if (!nonZero || Arrays.areAllZeroes(shared, 0, shared.length)) {
      throw Pair2Failure.protocol(what + ": X25519 result is all zero (low-order public key)");
    }
    return shared;
  }

  /** The X25519 public key of a 32-byte private key. */
  static byte[] x25519PublicKey(byte[] privateKey) {
    requireLength(privateKey, KEY_LENGTH, "X25519 private key");
    byte[] publicKey = new byte[KEY_LENGTH];
    X25519.generatePublicKey(privateKey, 0, publicKey, 0);
    return publicKey;
  }

  /** Concatenation of {@code parts}. */
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

  static void requireLength(byte[] value, int length, String what) {
    if (value == null || value.length != length) {
      throw new IllegalArgumentException(
          what + " must be " + length + " bytes, got " + (value == null ? "null" : value.length));
    }
  }
}

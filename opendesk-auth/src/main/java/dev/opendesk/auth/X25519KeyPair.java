package dev.opendesk.auth;

import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.math.ec.rfc7748.X25519;

/**
 * An X25519 key pair held as raw bytes (RFC 7748 encoding). The private key can be wiped once it is
 * no longer needed. Not thread-safe: a key pair belongs to one handshake or one identity.
 */
final class X25519KeyPair {

  private final byte[] privateKey;
  private final byte[] publicKey;

  private X25519KeyPair(byte[] privateKey) {
    this.privateKey = privateKey;
    this.publicKey = KeySchedule.publicKey(privateKey);
  }

  /** A fresh key pair from {@code random}. */
  static X25519KeyPair generate(SecureRandom random) {
    byte[] privateKey = new byte[X25519.SCALAR_SIZE];
    X25519.generatePrivateKey(random, privateKey);
    return new X25519KeyPair(privateKey);
  }

  /** The key pair of a given 32-byte private key (copied). */
  static X25519KeyPair fromPrivateKey(byte[] privateKey) {
    if (privateKey.length != KeySchedule.KEY_SIZE) {
      throw new IllegalArgumentException(
          "privateKey: expected " + KeySchedule.KEY_SIZE + " bytes, got " + privateKey.length);
    }
    return new X25519KeyPair(privateKey.clone());
  }

  /** The private key itself (not a copy): callers must not keep or modify it. */
  byte[] privateKeyBytes() {
    return privateKey;
  }

  /** The public key itself (not a copy): callers must not modify it. */
  byte[] publicKeyBytes() {
    return publicKey;
  }

  /** X25519 with {@code peerPublicKey}; an all-zero result fails with reason {@code protocol}. */
  byte[] agree(byte[] peerPublicKey, String what) {
    return KeySchedule.dh(privateKey, peerPublicKey, what);
  }

  /** Overwrites the private key with zeros; the pair is unusable afterwards. */
  void destroy() {
    Arrays.fill(privateKey, (byte) 0);
  }

  @Override
  public String toString() {
    return "X25519KeyPair[" + Identity.fingerprint(publicKey) + "]";
  }
}

package dev.opendesk.auth;

import java.security.GeneralSecurityException;

/**
 * The {@link MessageCipher} of one direction of an {@link EncryptedConnection}: Bouncy Castle for
 * plaintexts below a threshold, the JDK's cipher from it on (see {@link AeadImplementation}). The
 * JDK cipher is created on the first message that needs it, so an idle or small-message session
 * holds only the Bouncy Castle engine. Not thread-safe.
 */
final class SessionCipher implements MessageCipher {

  private final byte[] key;
  private final boolean forSealing;
  private final int jdkFromBytes;
  private final MessageCipher small;
  private MessageCipher large;
  private boolean destroyed;

  /**
   * @param key the 32-byte session key (copied)
   * @param jdkFromBytes the smallest plaintext sealed or opened by the JDK's cipher
   */
  SessionCipher(byte[] key, boolean forSealing, int jdkFromBytes) {
    KeySchedule.requireLength(key, KeySchedule.KEY_SIZE, "session key");
    this.key = key.clone();
    this.forSealing = forSealing;
    this.jdkFromBytes = jdkFromBytes;
    this.small = jdkFromBytes == 0 ? null : new BouncyCastleMessageCipher(key, forSealing);
  }

  @Override
  public byte[] seal(long counter, byte[] plaintext) {
    return cipherFor(plaintext.length).seal(counter, plaintext);
  }

  @Override
  public byte[] open(long counter, byte[] ciphertext) {
    if (ciphertext.length < KeySchedule.TAG_SIZE) {
      return null;
    }
    return cipherFor(ciphertext.length - KeySchedule.TAG_SIZE).open(counter, ciphertext);
  }

  private MessageCipher cipherFor(int plaintextLength) {
    if (destroyed) {
      throw new IllegalStateException("cipher destroyed");
    }
    if (plaintextLength < jdkFromBytes) {
      return small;
    }
    if (large == null) {
      try {
        large = new JdkMessageCipher(key, forSealing);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK has no ChaCha20-Poly1305", e);
      }
    }
    return large;
  }

  /** Whether any byte of this object's key copy is still non-zero (tests of the wiping). */
  boolean holdsKey() {
    for (byte b : key) {
      if (b != 0) {
        return true;
      }
    }
    return (small instanceof BouncyCastleMessageCipher bc && bc.holdsKey())
        || (large instanceof JdkMessageCipher jdk && jdk.holdsKey());
  }

  @Override
  public void destroy() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    KeySchedule.wipe(key);
    if (small != null) {
      small.destroy();
    }
    if (large != null) {
      large.destroy();
    }
  }
}

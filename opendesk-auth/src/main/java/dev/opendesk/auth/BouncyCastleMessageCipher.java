package dev.opendesk.auth;

import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.modes.ChaCha20Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * {@link MessageCipher} on Bouncy Castle's lightweight {@link ChaCha20Poly1305}: no per-message key
 * setup (the key is given once, later inits pass only the nonce). Bouncy Castle still allocates a
 * few small arrays per message inside ({@code ParametersWithIV}'s nonce copy, the 64-byte block for
 * the Poly1305 key, the 16-byte length block). {@link #destroy()} overwrites the key copy and
 * re-keys the engine with zeros, which overwrites its expanded key state. Not thread-safe.
 */
final class BouncyCastleMessageCipher implements MessageCipher {

  private final KeyParameter key;
  private final ChaCha20Poly1305 aead = new ChaCha20Poly1305();
  private final byte[] nonce = new byte[KeySchedule.NONCE_SIZE];
  private final boolean forSealing;
  private boolean keyed;
  private boolean destroyed;

  /**
   * @param key the 32-byte session key (copied)
   * @param forSealing whether this cipher seals (otherwise it opens)
   */
  BouncyCastleMessageCipher(byte[] key, boolean forSealing) {
    KeySchedule.requireLength(key, KeySchedule.KEY_SIZE, "session key");
    this.key = new KeyParameter(key);
    this.forSealing = forSealing;
  }

  @Override
  public byte[] seal(long counter, byte[] plaintext) {
    start(counter);
    byte[] out = new byte[plaintext.length + KeySchedule.TAG_SIZE];
    int n = aead.processBytes(plaintext, 0, plaintext.length, out, 0);
    try {
      aead.doFinal(out, n);
    } catch (InvalidCipherTextException e) {
      throw new IllegalStateException("encryption cannot fail", e);
    }
    return out;
  }

  @Override
  public byte[] open(long counter, byte[] ciphertext) {
    if (ciphertext.length < KeySchedule.TAG_SIZE) {
      return null;
    }
    start(counter);
    byte[] out = new byte[ciphertext.length - KeySchedule.TAG_SIZE];
    try {
      int n = aead.processBytes(ciphertext, 0, ciphertext.length, out, 0);
      aead.doFinal(out, n);
      return out;
    } catch (InvalidCipherTextException | RuntimeException e) {
      KeySchedule.wipe(out);
      return null;
    }
  }

  private void start(long counter) {
    if (destroyed) {
      throw new IllegalStateException("cipher destroyed");
    }
    MessageCipher.setCounter(nonce, counter);
    // After the first init a null key keeps the engine's key state: no key setup per message.
    aead.init(forSealing, new ParametersWithIV(keyed ? null : key, nonce));
    keyed = true;
  }

  /** Whether any byte of this object's key copy is still non-zero (tests of the wiping). */
  boolean holdsKey() {
    for (byte b : key.getKey()) {
      if (b != 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void destroy() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    KeySchedule.wipe(key.getKey());
    // Re-keying with zeros overwrites the engine's copy of the key and its expanded state.
    MessageCipher.setCounter(nonce, -1L);
    nonce[0] = 1; // a nonce no message uses, so the reuse check cannot object
    aead.init(
        forSealing, new ParametersWithIV(new KeyParameter(new byte[KeySchedule.KEY_SIZE]), nonce));
  }
}

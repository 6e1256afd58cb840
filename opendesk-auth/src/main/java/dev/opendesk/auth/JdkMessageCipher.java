package dev.opendesk.auth;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.IvParameterSpec;

/**
 * {@link MessageCipher} on the JDK's {@code ChaCha20-Poly1305} {@link Cipher}, which HotSpot
 * compiles to vector intrinsics from JDK 20 on x86-64 (AVX2/AVX-512) and AArch64.
 *
 * <p>The JDK's cipher refuses to be initialised for encryption twice with the same key and nonce;
 * every message here has a fresh counter nonce, so each message re-initialises the one cipher
 * instance of its direction with {@code init(mode, key, new IvParameterSpec(nonce))}, which is
 * allowed and is the documented way to change the nonce. That init costs allocations inside the JDK
 * (a copy of the key from {@link SecretKey#getEncoded()}, a new Poly1305 and engine object, a
 * keystream buffer of up to 1 KiB), which no public API avoids; so for small messages Bouncy Castle
 * is faster (see {@link AeadImplementation}).
 *
 * <p>{@link #destroy()} overwrites this object's key and re-initialises the cipher with a zero key,
 * which makes the JDK zero its own copy of the session key and replace its expanded state. What it
 * cannot reach: the one-time Poly1305 keys of past messages, left by the JDK in unreferenced
 * buffers until the garbage collector reuses them. Not thread-safe.
 */
final class JdkMessageCipher implements MessageCipher {

  private static final String TRANSFORMATION = "ChaCha20-Poly1305";

  private final RawKey key;
  private final Cipher cipher;
  private final int mode;
  private final byte[] nonce = new byte[KeySchedule.NONCE_SIZE];
  private boolean destroyed;

  /** A key whose bytes this class can overwrite (a {@code SecretKeySpec} cannot be destroyed). */
  private static final class RawKey implements SecretKey {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;
    private volatile boolean destroyed;

    RawKey(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public String getAlgorithm() {
      return "ChaCha20";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return bytes.clone();
    }

    @Override
    public void destroy() {
      Arrays.fill(bytes, (byte) 0);
      destroyed = true;
    }

    @Override
    public boolean isDestroyed() {
      return destroyed;
    }
  }

  /**
   * @param key the 32-byte session key (copied)
   * @param forSealing whether this cipher seals (otherwise it opens)
   * @throws GeneralSecurityException if this JDK has no ChaCha20-Poly1305
   */
  JdkMessageCipher(byte[] key, boolean forSealing) throws GeneralSecurityException {
    KeySchedule.requireLength(key, KeySchedule.KEY_SIZE, "session key");
    this.key = new RawKey(key);
    this.cipher = Cipher.getInstance(TRANSFORMATION);
    this.mode = forSealing ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE;
  }

  /** Whether this JDK offers ChaCha20-Poly1305 at all. */
  static boolean available() {
    try {
      Cipher.getInstance(TRANSFORMATION);
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  @Override
  public byte[] seal(long counter, byte[] plaintext) {
    try {
      start(counter);
      byte[] out = new byte[plaintext.length + KeySchedule.TAG_SIZE];
      cipher.doFinal(plaintext, 0, plaintext.length, out, 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption cannot fail", e);
    }
  }

  @Override
  public byte[] open(long counter, byte[] ciphertext) {
    if (ciphertext.length < KeySchedule.TAG_SIZE) {
      return null;
    }
    byte[] out = new byte[ciphertext.length - KeySchedule.TAG_SIZE];
    try {
      start(counter);
      cipher.doFinal(ciphertext, 0, ciphertext.length, out, 0);
      return out;
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("decryption failed for another reason than the tag", e);
    }
  }

  private void start(long counter) throws GeneralSecurityException {
    if (destroyed) {
      throw new IllegalStateException("cipher destroyed");
    }
    MessageCipher.setCounter(nonce, counter);
    cipher.init(mode, key, new IvParameterSpec(nonce));
  }

  /** Whether this object's key is still intact (tests of the wiping). */
  boolean holdsKey() {
    return !key.isDestroyed();
  }

  @Override
  public void destroy() {
    if (destroyed) {
      return;
    }
    destroyed = true;
    key.destroy();
    // Re-initialising with another key makes the JDK zero its copy of the session key.
    RawKey zero = new RawKey(new byte[KeySchedule.KEY_SIZE]);
    try {
      cipher.init(mode, zero, new IvParameterSpec(new byte[KeySchedule.NONCE_SIZE]));
    } catch (GeneralSecurityException e) {
      // The session key is gone from this object either way; the JDK's copy stays until collected.
    }
  }
}

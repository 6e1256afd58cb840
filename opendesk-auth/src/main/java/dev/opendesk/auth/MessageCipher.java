package dev.opendesk.auth;

/**
 * ChaCha20-Poly1305 (RFC 8439) for one direction of an {@link EncryptedConnection} (PROTOCOL.md
 * §7): one session key, the message counter as the nonce (4 zero bytes, then the counter as 8 bytes
 * big-endian), no associated data. Each call allocates the output array and nothing else of its
 * own; the engines underneath allocate per message too (a few hundred bytes in Bouncy Castle, about
 * 2 KiB in the JDK; see {@link AeadImplementation}).
 *
 * <p>Not thread-safe: one sender or one receiver uses it at a time.
 */
interface MessageCipher {

  /** {@code plaintext} sealed under nonce {@code counter}: ciphertext then the 16-byte tag. */
  byte[] seal(long counter, byte[] plaintext);

  /**
   * {@code ciphertext} opened under nonce {@code counter}, or {@code null} if it does not
   * authenticate (tampered, truncated, or sealed under another key or counter).
   */
  byte[] open(long counter, byte[] ciphertext);

  /**
   * Overwrites the key, in this object and in the engine's state, where the engine lets us; the
   * cipher is unusable afterwards. Idempotent.
   */
  void destroy();

  /** Writes {@code counter} into the last 8 bytes of a 12-byte nonce, big-endian. */
  static void setCounter(byte[] nonce, long counter) {
    for (int i = 0; i < 8; i++) {
      nonce[11 - i] = (byte) (counter >>> (8 * i));
    }
  }
}

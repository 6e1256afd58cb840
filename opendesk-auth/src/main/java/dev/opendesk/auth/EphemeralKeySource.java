package dev.opendesk.auth;

import java.security.SecureRandom;

/**
 * Where handshakes get their ephemeral X25519 key pairs. Production always uses {@link #secure()};
 * tests inject fixed keys to reproduce the protocol vectors. Implementations must be thread-safe.
 */
@FunctionalInterface
interface EphemeralKeySource {

  /** A key pair that is used for one handshake and then destroyed by the caller. */
  X25519KeyPair next();

  /** Fresh keys from the shared {@link SecureRandom}. */
  static EphemeralKeySource secure() {
    return () -> X25519KeyPair.generate(Entropy.RANDOM);
  }
}

package dev.opendesk.auth;

import java.security.SecureRandom;

/** The module's shared {@link SecureRandom} (thread-safe), for keys and pairing codes. */
final class Entropy {

  static final SecureRandom RANDOM = new SecureRandom();

  private Entropy() {}
}

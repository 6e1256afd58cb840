package dev.opendesk.examples;

import dev.opendesk.auth.PairingMode;
import java.time.Duration;

/**
 * The one place where the examples choose a pairing flavour, so that both sides of every tool
 * agree: v2 (SPAKE2, resists offline guessing) unless legacy v1 is asked for explicitly.
 */
final class Pairing {

  /** How long {@code serve} keeps its code armed. */
  static final Duration CODE_TTL = Duration.ofMinutes(10);

  private Pairing() {}

  /** How the flavour is named in output. */
  static String describe(boolean legacy) {
    return legacy ? "legacy v1 (PBKDF2; codes can be cracked offline)" : "v2 (SPAKE2)";
  }

  static PairingMode mode(boolean legacy) {
    return legacy ? PairingMode.LEGACY_V1 : PairingMode.V2;
  }
}

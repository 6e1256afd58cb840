package dev.opendesk.examples;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.protocol.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The one place where the examples choose a pairing flavour, so that both sides of every tool
 * agree: v2 (SPAKE2, resists offline guessing) unless legacy v1 is asked for explicitly.
 */
final class Pairing {

  /** How long {@code serve --pair-code} keeps its code armed. */
  static final Duration CODE_TTL = Duration.ofMinutes(10);

  private Pairing() {}

  /** Arms {@code code} on {@code gate} for one pairing of the chosen flavour. */
  static void arm(PairingGate gate, PairingCode code, boolean legacy, Duration ttl) {
    gate.arm(code, mode(legacy), ttl);
  }

  /** Pairs as the client with {@code code}, recording the server in {@code trustedPeers}. */
  static CompletableFuture<Session> pairClient(
      Handshake handshake,
      Connection connection,
      Identity identity,
      PairingCode code,
      TrustedPeers trustedPeers,
      boolean legacy) {
    return handshake.pairClient(connection, identity, code, trustedPeers, mode(legacy));
  }

  /** How the flavour is named in output. */
  static String describe(boolean legacy) {
    return legacy ? "legacy v1 (PBKDF2; codes can be cracked offline)" : "v2 (SPAKE2)";
  }

  static PairingMode mode(boolean legacy) {
    return legacy ? PairingMode.LEGACY_V1 : PairingMode.V2;
  }
}

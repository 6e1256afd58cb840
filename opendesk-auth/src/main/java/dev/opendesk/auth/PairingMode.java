package dev.opendesk.auth;

/**
 * Which code pairing a client runs, or a server arms a code for. A server arms each code for
 * exactly one mode and refuses a pairing of the other ({@code unsupported}); a client never falls
 * back from one mode to the other by itself.
 *
 * <p>Immutable and thread-safe.
 */
public enum PairingMode {

  /**
   * Pairing v2, the default: SPAKE2 (RFC 9382, P-256) inside a three-message handshake
   * (PAIRING-V2.md). Nothing either side sends lets an eavesdropper or an active attacker test
   * codes offline: each connection is at most one online guess, and a code is consumed by the first
   * attempt, so an attacker's chance per armed code is 10<sup>-6</sup>. Both sides must speak v2;
   * opendesk peers that only know PROTOCOL.md §6.1 need {@link #LEGACY_V1}.
   */
  V2,

  /**
   * Pairing v1 (PROTOCOL.md §6.1), only for older opendesk peers. <b>Weak:</b> anyone who connects
   * while a code is armed receives a ciphertext that lets them test all 10<sup>6</sup> codes
   * offline (the PBKDF2 salt is constant, so the work can even be done in advance), then finish the
   * pairing with the right code within the step timeout. Use it only when the peer cannot do v2,
   * keep the code's time to live short, and require a {@link PairingApprover} that has the user
   * compare fingerprints on both devices.
   */
  LEGACY_V1
}

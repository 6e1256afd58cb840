/**
 * opendesk authentication: who a peer is, whom it trusts, and how two peers agree on session keys.
 *
 * <ul>
 *   <li>{@link dev.opendesk.auth.Identity}: this peer's long-lived X25519 key pair, stored as 32 raw
 *       bytes in {@code ~/.opendesk/identity.key} (0600).
 *   <li>{@link dev.opendesk.auth.TrustedPeers}: the peers paired with, in {@code
 *       ~/.opendesk/trusted-peers.json} (0600), safe for concurrent writers in several processes.
 *   <li>{@link dev.opendesk.auth.Handshake}: pairing on first contact with a 6-digit {@link
 *       dev.opendesk.auth.PairingCode}, authentication with static keys on every reconnect; a
 *       server accepts both through {@link dev.opendesk.auth.Handshake#serve} and a {@link
 *       dev.opendesk.auth.PairingGate}.
 *   <li>{@link dev.opendesk.auth.EncryptedConnection}: the ChaCha20-Poly1305 connection every
 *       handshake ends in, inside a {@link dev.opendesk.auth.Session}.
 * </ul>
 *
 * <h2>Security model</h2>
 *
 * <p>Authentication (PROTOCOL.md §6.2) is a mutual static-key exchange: a client proves it holds a
 * key the server trusts, the server proves it holds the key the client expects, and each
 * connection gets fresh ephemeral keys. Every X25519 result is checked against all zero, so
 * low-order public keys are refused.
 *
 * <p><b>Pairing v1 (PROTOCOL.md §6.1) can be broken by offline guessing, and the wire format cannot
 * fix it.</b> Any client that connects while a code is armed receives {@code pair_offer}, which
 * contains a ciphertext under a key derived from the code. The PBKDF2 salt is a constant, so the
 * PSKs of all 10<sup>6</sup> codes can be computed once, in advance, for every server; testing all
 * of them against the ciphertext then takes about a second, after which the attacker can send a
 * valid {@code pair_finish} and be trusted. This library limits the damage within v1:
 *
 * <ul>
 *   <li>a code is one-shot: the first pairing attempt consumes it, whatever the outcome, so an
 *       attacker gets at most one offer per code, and a legitimate user whose attempt was stolen
 *       sees the pairing fail;
 *   <li>the server gives up on a client that does not send {@code pair_finish} within the step
 *       timeout (default 10 s), so the attacker must finish the guessing within it;
 *   <li>codes are short-lived ({@link dev.opendesk.auth.PairingGate#armLegacyV1}'s time to live);
 *   <li>a {@link dev.opendesk.auth.PairingApprover} decides before a newly paired key is trusted:
 *       applications should show the peer's fingerprint on both devices and let the user confirm
 *       that they match. Nothing the new peer sends is delivered before it agrees.
 * </ul>
 *
 * <p>In every pairing flavour a peer's key is written to the trust store only after the peer's
 * first encrypted frame has opened under the new session keys (proving it holds its static
 * private key) and the approver agreed. A pairing that resists offline guessing (a PAKE,
 * PAIRING-V2.md) is negotiated as a separate flavour beside v1; v1 stays available as a legacy
 * mode for older peers.
 *
 * <p>Secrets: MACs and keys are compared in constant time, ephemeral private keys and derived
 * handshake keys are zeroed once used, and no key material is ever logged (fingerprints are).
 */
package dev.opendesk.auth;

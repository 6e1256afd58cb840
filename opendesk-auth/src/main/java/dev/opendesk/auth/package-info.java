/**
 * opendesk authentication: who a peer is, whom it trusts, and how two peers agree on session keys.
 *
 * <ul>
 *   <li>{@link dev.opendesk.auth.Identity}: this peer's long-lived X25519 key pair, stored as 32
 *       raw bytes in {@code ~/.opendesk/identity.key} (0600).
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
 * key the server trusts, the server proves it holds the key the client expects, and each connection
 * gets fresh ephemeral keys. Every X25519 result is checked against all zero, so low-order public
 * keys are refused.
 *
 * <p><b>Pairing v2 ({@link dev.opendesk.auth.PairingMode#V2}, the default, PAIRING-V2.md)</b> runs
 * SPAKE2 (RFC 9382, P-256) inside a three-message handshake that also carries X25519 ephemerals and
 * the encrypted static keys. Nothing on the wire lets anyone test codes offline: a connection is
 * one online guess, checked by key-confirmation MACs before either side opens or sends anything
 * that depends on the code, and the code is consumed by that attempt, so an attacker's chance per
 * armed code is 10<sup>-6</sup>. Points are validated (65 bytes, prefix {@code 04}, coordinates
 * below p, on the curve) and K must not be the identity.
 *
 * <p><b>Pairing v1 ({@link dev.opendesk.auth.PairingMode#LEGACY_V1}, PROTOCOL.md §6.1) can be
 * broken by offline guessing, and its wire format cannot fix it.</b> Any client that connects while
 * a v1 code is armed receives {@code pair_offer}, which contains a ciphertext under a key derived
 * from the code. The PBKDF2 salt is a constant, so the PSKs of all 10<sup>6</sup> codes can be
 * computed once, in advance, for every server; testing all of them against the ciphertext then
 * takes about a second, after which the attacker can send a valid {@code pair_finish} and be
 * trusted. Use it only to pair with older opendesk peers that cannot do v2. This library limits the
 * damage:
 *
 * <ul>
 *   <li>a code is armed for exactly one mode, and v1 only on explicit request; a hello of the other
 *       mode consumes the code and fails with {@code unsupported}, and a v2 client never falls back
 *       to v1 by itself, so an attacker cannot downgrade a v2 pairing;
 *   <li>a code is one-shot: the first pairing attempt consumes it, whatever the outcome, so an
 *       attacker gets at most one offer per code, and a legitimate user whose attempt was stolen
 *       sees the pairing fail;
 *   <li>the server gives up on a client that does not send {@code pair_finish} within the step
 *       timeout (default 10 s), so the attacker must finish the guessing within it;
 *   <li>codes are short-lived ({@link
 *       dev.opendesk.auth.PairingGate#arm(dev.opendesk.auth.PairingCode,
 *       dev.opendesk.auth.PairingMode, java.time.Duration)}'s time to live);
 *   <li>a {@link dev.opendesk.auth.PairingApprover} decides before a newly paired key is trusted:
 *       applications should show the peer's fingerprint on both devices and let the user confirm
 *       that they match (for legacy codes this is the real protection, so a server refuses legacy
 *       pairing while its approver is the default {@link
 *       dev.opendesk.auth.PairingApprover#approveAll()}). Nothing the new peer sends is delivered
 *       before it agrees.
 * </ul>
 *
 * <p>In both modes a peer's key is written to the trust store only after the peer's first encrypted
 * frame has opened under the new session keys (proving it holds its static private key, so a key
 * merely forwarded by a man in the middle is never stored) and the approver agreed; a failed
 * pairing never writes trust.
 *
 * <p>Secrets: MACs and keys are compared in constant time, ephemeral private keys, DH outputs,
 * PSKs, derived handshake keys and the byte arrays they were built from are zeroed once used or
 * when the handshake ends, and no key material is ever logged (fingerprints are). What the JDK does
 * not let us wipe: the SPAKE2 scalars and password scalar and the EC points ({@code BigInteger} and
 * Bouncy Castle's {@code ECPoint} are immutable), a {@link dev.opendesk.auth.PairingCode}'s digits
 * (a {@code String}), and the internal state of Bouncy Castle's HKDF, HMAC and X25519.
 *
 * <p>Peer-chosen text (a handshake {@code kind}, a HELLO principal or description) is cleaned of
 * control and invisible characters and cut in length before it reaches an exception message, a log
 * line, the trust store or a {@link dev.opendesk.auth.PairingRequest}; fingerprints come first.
 */
package dev.opendesk.auth;

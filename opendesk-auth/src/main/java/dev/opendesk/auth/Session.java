package dev.opendesk.auth;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The result of a successful handshake: the {@link EncryptedConnection} to speak frames on, who the
 * peer is, and whether this was a first-contact pairing.
 *
 * <p>After a pairing, the peer's key becomes trusted only once its first encrypted message has
 * opened under the new session keys (proving it holds the keys the handshake derived) and the
 * {@link PairingApprover} has agreed; only then is it written to the {@link TrustedPeers} store
 * given to the handshake, and only then is that first message delivered by {@code receive()}.
 * {@link #trusted()} completes at that point. After an authentication, the client trusts the server
 * at once (the server proved its key in {@code auth_offer}), while the server trusts the client
 * only once the client's first frame has opened: {@code auth_hello} carries the client's public key
 * in clear, and only its first frame proves it holds the private key.
 *
 * <p>Wherever trust waits for the peer's first frame, that frame must open within the handshake's
 * step timeout, or the connection is closed (1008) and {@link #trusted()} fails with reason {@code
 * timeout}: receive on {@link #connection()} promptly (as a Peer's HELLO exchange does).
 *
 * <p>Immutable and thread-safe.
 */
public final class Session {

  private final EncryptedConnection connection;
  private final byte[] remotePublicKey;
  private final boolean pairing;
  private final CompletableFuture<Void> trusted;

  Session(
      EncryptedConnection connection,
      byte[] remotePublicKey,
      boolean pairing,
      CompletableFuture<Void> trusted) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.remotePublicKey = remotePublicKey.clone();
    this.pairing = pairing;
    this.trusted = trusted;
  }

  /** The encrypted connection; send and receive frames on it, never on the underlying one. */
  public EncryptedConnection connection() {
    return connection;
  }

  /** The peer's static public key (a copy). */
  public byte[] remotePublicKey() {
    return remotePublicKey.clone();
  }

  /** The peer's fingerprint. */
  public String remoteFingerprint() {
    return Identity.fingerprint(remotePublicKey);
  }

  /** Whether the session came from a pairing (first contact) rather than an authentication. */
  public boolean isPairing() {
    return pairing;
  }

  /**
   * Completes when the peer is trusted: after an authentication, at once on the client and once the
   * client's first frame has opened on the server; after a pairing, once the peer's first message
   * has opened, the approver agreed and the key was stored (when a store was given). Fails, and the
   * connection closes, if the approver refuses ({@link AuthFailureException} with reason {@code
   * untrusted_peer}), the store cannot be written, the peer's first frame does not open within the
   * step timeout (reason {@code timeout}), or the connection closes first. A returned copy:
   * completing it has no effect.
   */
  public CompletableFuture<Void> trusted() {
    return trusted.copy();
  }

  @Override
  public String toString() {
    return "Session[" + remoteFingerprint() + (pairing ? ", pairing" : "") + "]";
  }
}

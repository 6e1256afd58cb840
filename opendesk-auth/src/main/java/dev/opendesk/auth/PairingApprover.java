package dev.opendesk.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The last word on a new pairing: called after the pairing handshake has succeeded and the peer's
 * first encrypted message (its HELLO) has opened, before the peer's key is written to the {@link
 * TrustedPeers} store and before that message is delivered. Refusing closes the connection and the
 * key is never stored.
 *
 * <p>Its purpose is to defeat the offline code-guessing attack on v1 pairing (see the package
 * documentation): an application shows {@link PairingRequest#fingerprint()} on this device, the
 * user compares it with the fingerprint shown on the other device, and only a match approves. The
 * answer may take as long as the user needs; nothing else is delivered meanwhile.
 *
 * <pre>{@code
 * PairingApprover askUser = request ->
 *     CompletableFuture.supplyAsync(() -> dialog.confirm(
 *         "Pair with " + request.name() + "? Its fingerprint must read " + request.fingerprint()));
 * }</pre>
 *
 * <p>Implementations must be thread-safe; {@link #approve} is called on the handshake executor,
 * never on a transport event loop, and should not block for long (return a pending stage instead).
 */
@FunctionalInterface
public interface PairingApprover {

  /**
   * Decides on a newly paired peer.
   *
   * @return a stage completing with {@code true} to trust the peer, {@code false} (or an error) to
   *     refuse it
   */
  CompletionStage<Boolean> approve(PairingRequest request);

  /** Approves every pairing that completed the handshake (the v1 default). */
  static PairingApprover approveAll() {
    return request -> CompletableFuture.completedFuture(Boolean.TRUE);
  }
}

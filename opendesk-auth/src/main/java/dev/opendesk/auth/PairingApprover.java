package dev.opendesk.auth;

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
 * <p>A server refuses legacy v1 pairing ({@link PairingMode#LEGACY_V1}) unless its handshake has an
 * approver other than {@link #approveAll()}: a legacy code can be cracked offline by whoever
 * connects while it is armed, so only a person comparing fingerprints keeps the attacker out. The
 * pairing then fails with {@code unsupported} before anything is sent. {@link
 * #insecureApproveAllIncludingLegacyV1()} is the explicit opt-out, for tests and unattended set-ups
 * that accept the risk.
 *
 * <pre>{@code
 * PairingApprover askUser = request ->
 *     CompletableFuture.supplyAsync(() -> dialog.confirm(
 *         "Pair with " + request.fingerprint() + " (calls itself \"" + request.name()
 *             + "\")? The other device must show the same fingerprint."));
 * }</pre>
 *
 * <p>Show the fingerprint before any text the peer chose ({@link PairingRequest#name()}, {@link
 * PairingRequest#description()}): those are cleaned of control characters and capped in length, but
 * a peer can still pick a name that looks like a fingerprint.
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

  /**
   * Approves every v2 pairing that completed the handshake, and every pairing this side started as
   * the client (the default). A server with this approver refuses legacy v1 pairing (see above).
   */
  static PairingApprover approveAll() {
    return UnconfirmedApproval.V2_ONLY;
  }

  /**
   * Approves every pairing that completed the handshake, <b>legacy v1 included</b>: whoever
   * connects while a legacy code is armed can crack it offline and is then trusted without anyone
   * being asked. Only for tests and for set-ups where the network is trusted.
   */
  static PairingApprover insecureApproveAllIncludingLegacyV1() {
    return UnconfirmedApproval.INCLUDING_LEGACY_V1;
  }
}

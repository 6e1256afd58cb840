package dev.opendesk.auth;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a completed pairing (any flavour) into a {@link Session} whose peer becomes trusted only
 * after its first encrypted message has opened under the new keys and the {@link PairingApprover}
 * agreed; then the key is written to the trust store, and only then is that first message
 * delivered. Opening the first message proves the peer derived the same session keys, which needs
 * its static private key: a key merely forwarded by a man in the middle is never stored.
 */
final class PairingTrust {

  private static final Logger log = LoggerFactory.getLogger(PairingTrust.class);

  private PairingTrust() {}

  /**
   * @param client whether the local side is the client (it sends with c2s)
   * @param trustedPeers where to write the peer's key, or {@code null} to leave storing to the
   *     caller
   */
  static Session pairedSession(
      HandshakeIo io,
      KeySchedule.SessionKeys keys,
      boolean client,
      byte[] remoteKey,
      TrustedPeers trustedPeers) {
    CompletableFuture<Void> trusted = new CompletableFuture<>();
    byte[] peerKey = remoteKey.clone();
    EncryptedConnection.FirstMessageGate gate =
        first -> admit(io, peerKey, PeerRole.ofPeerWhenLocal(client), first, trustedPeers, trusted);
    EncryptedConnection connection =
        client
            ? new EncryptedConnection(io.connection(), keys.c2s(), keys.s2c(), gate)
            : new EncryptedConnection(io.connection(), keys.s2c(), keys.c2s(), gate);
    keys.wipe();
    io.firstFrame(connection)
        .whenComplete(
            (ignored, error) -> {
              if (error != null) {
                trusted.completeExceptionally(Failures.unwrap(error));
              }
            });
    return new Session(connection, peerKey, true, trusted);
  }

  private static CompletionStage<Void> admit(
      HandshakeIo io,
      byte[] peerKey,
      PeerRole peerRole,
      byte[] first,
      TrustedPeers trustedPeers,
      CompletableFuture<Void> trusted) {
    Handshake settings = io.settings();
    String fingerprint = Identity.fingerprint(peerKey);
    CompletableFuture<Void> done =
        CompletableFuture.supplyAsync(
                () -> {
                  io.skipIfOverloaded("the approval of " + fingerprint);
                  return request(peerKey, fingerprint, first);
                },
                io.executor())
            .thenCompose(
                request -> {
                  CompletionStage<Boolean> answer;
                  try {
                    answer = settings.approver().approve(request);
                  } catch (RuntimeException e) {
                    answer = CompletableFuture.failedFuture(e);
                  }
                  return answer.thenApply(
                      approved -> {
                        if (!Boolean.TRUE.equals(approved)) {
                          throw new AuthFailureException(
                              AuthFailureException.Reason.UNTRUSTED_PEER,
                              "pairing with " + fingerprint + " was not approved");
                        }
                        return request;
                      });
                })
            .thenAcceptAsync(
                request -> {
                  if (trustedPeers != null) {
                    try {
                      trustedPeers.add(peerKey, peerRole, request.name(), request.description());
                    } catch (IOException e) {
                      throw new UncheckedIOException(
                          "cannot store the newly paired peer " + fingerprint, e);
                    }
                  }
                  log.info("paired with {} ({})", fingerprint, request.name());
                },
                io.executor());
    // The returned stage completes only after trusted() has, so by the time the first message is
    // delivered the session already reports the peer as trusted.
    return done.whenComplete(
        (ignored, error) -> {
          if (error != null) {
            trusted.completeExceptionally(Failures.unwrap(error));
          } else {
            trusted.complete(null);
          }
        });
  }

  /** The approval request, with the name and description the peer's HELLO announced. */
  private static PairingRequest request(byte[] peerKey, String fingerprint, byte[] first) {
    String name = "";
    String description = "";
    try {
      if (FrameCodec.standard().decode(first) instanceof Hello hello) {
        name = hello.principal();
        if (hello.capabilities().get("description") instanceof String s) {
          description = s;
        }
      }
    } catch (CodecException e) {
      // Not a frame: the session layer above reports it; the approver just sees no name.
    }
    return new PairingRequest(peerKey, fingerprint, name, description);
  }
}

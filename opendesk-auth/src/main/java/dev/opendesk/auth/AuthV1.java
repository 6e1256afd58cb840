package dev.opendesk.auth;

import static dev.opendesk.auth.HandshakeMessages.AUTH_HELLO;
import static dev.opendesk.auth.HandshakeMessages.AUTH_OFFER;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Authentication v1 (PROTOCOL.md §6.2), both sides: a reconnect between peers that trust each
 * other's static keys.
 *
 * <pre>
 * 1. C → S  {v:1, kind:"auth_hello", e: Ec, s: Sc}
 * 2. S → C  {v:1, kind:"auth_offer", e: Es, ct: AEAD(k, "ok")}     (ct empty: Sc is not trusted)
 * </pre>
 *
 * All CPU work and trust-store reads run on the handshake executor.
 */
final class AuthV1 {

  private static final byte[] OK = "ok".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] EMPTY = new byte[0];
  private static final String K_INFO = "opendesk-auth-k";

  private AuthV1() {}

  // ---------------------------------------------------------------- client

  static CompletableFuture<Session> client(
      HandshakeIo io, Identity identity, byte[] expectedServerKey) {
    CompletableFuture<X25519KeyPair> ephemeral =
        CompletableFuture.supplyAsync(() -> io.settings().keySource().next(), io.executor());
    CompletableFuture<Session> session =
        ephemeral.thenCompose(
            e ->
                io.send(
                        HandshakeMessages.encode(
                            AUTH_HELLO, "e", e.publicKeyBytes(), "s", identity.publicKeyBytes()),
                        AUTH_HELLO)
                    .thenCompose(sent -> io.receive(AUTH_OFFER))
                    .thenApplyAsync(
                        offer -> {
                          KeySchedule.SessionKeys keys =
                              clientKeys(identity, e, expectedServerKey, offer);
                          try {
                            return new Session(
                                new EncryptedConnection(
                                    io.connection(), keys.c2s(), keys.s2c(), null),
                                expectedServerKey,
                                false,
                                CompletableFuture.completedFuture(null));
                          } finally {
                            keys.wipe();
                          }
                        },
                        io.executor()));
    return session.whenComplete((ignored, error) -> ephemeral.thenAccept(X25519KeyPair::destroy));
  }

  /** Fails with {@code untrusted_peer} unless {@code serverKey} is trusted as a server. */
  static void requireTrustedServer(TrustedPeers trustedPeers, byte[] serverKey) {
    boolean trusted;
    try {
      trusted = trustedPeers.isTrusted(serverKey, PeerRole.SERVER);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trusted peers", e);
    }
    if (!trusted) {
      throw new AuthFailureException(
          AuthFailureException.Reason.UNTRUSTED_PEER,
          "server " + Identity.fingerprint(serverKey) + " is not a trusted server");
    }
  }

  private static KeySchedule.SessionKeys clientKeys(
      Identity identity, X25519KeyPair e, byte[] serverKey, Map<String, Object> offer) {
    HandshakeMessages.expectKind(offer, AUTH_OFFER);
    byte[] serverEphemeral = HandshakeMessages.bin(offer, "e", KeySchedule.KEY_SIZE);
    byte[] ct = HandshakeMessages.bin(offer, "ct");
    if (ct.length == 0) {
      // The reference client reports unexpected_peer here; the spec asks for untrusted_peer, which
      // tells the user the truth: the server answered but does not trust this client.
      throw new AuthFailureException(
          AuthFailureException.Reason.UNTRUSTED_PEER,
          "the server does not trust this client (empty auth_offer.ct)");
    }
    if (ct.length < KeySchedule.TAG_SIZE) {
      throw HandshakeMessages.protocol(
          "auth_offer.ct: expected at least " + KeySchedule.TAG_SIZE + " bytes, got " + ct.length);
    }
    byte[] ee = null;
    byte[] se = null;
    byte[] es = null;
    byte[] ss = null;
    byte[] k = null;
    byte[] ikm = null;
    try {
      ee = e.agree(serverEphemeral, "DH(ec, Es)");
      se = e.agree(serverKey, "DH(ec, Ss)");
      byte[] transcript =
          KeySchedule.sha256(serverEphemeral, e.publicKeyBytes(), identity.publicKeyBytes());
      k = KeySchedule.hkdf(transcript, KeySchedule.concat(ee, se), K_INFO, KeySchedule.KEY_SIZE);
      byte[] payload = KeySchedule.open(k, ct);
      if (payload == null) {
        throw new AuthFailureException(
            AuthFailureException.Reason.UNEXPECTED_PEER,
            "the server does not hold the expected static key");
      }
      if (!KeySchedule.constantTimeEquals(payload, OK)) {
        throw HandshakeMessages.protocol("auth_offer.ct: the payload is not \"ok\"");
      }
      es = identity.keyPair().agree(serverEphemeral, "DH(sc, Es)");
      ss = identity.keyPair().agree(serverKey, "DH(sc, Ss)");
      ikm = KeySchedule.concat(ee, se, es, ss);
      return KeySchedule.sessionKeys(transcript, ikm);
    } finally {
      KeySchedule.wipe(ee, se, es, ss, k, ikm);
    }
  }

  // ---------------------------------------------------------------- server

  /** The server side, from an already-received {@code auth_hello}. */
  static CompletableFuture<Session> server(
      HandshakeIo io, Identity identity, Map<String, Object> hello, TrustedPeers trustedPeers) {
    CompletableFuture<X25519KeyPair> ephemeral =
        CompletableFuture.supplyAsync(() -> io.settings().keySource().next(), io.executor());
    CompletableFuture<Session> session =
        ephemeral
            .thenApplyAsync(e -> serverOffer(identity, e, hello, trustedPeers), io.executor())
            .thenCompose(
                offer ->
                    io.send(offer.message, AUTH_OFFER)
                        .handle(
                            (sent, error) -> {
                              if (error != null) {
                                if (offer.keys != null) {
                                  offer.keys.wipe();
                                }
                                throw new CompletionException(error);
                              }
                              if (offer.keys == null) {
                                throw new AuthFailureException(
                                    AuthFailureException.Reason.UNTRUSTED_PEER,
                                    "client "
                                        + Identity.fingerprint(offer.clientKey)
                                        + " is not a trusted client");
                              }
                              try {
                                return new Session(
                                    new EncryptedConnection(
                                        io.connection(), offer.keys.s2c(), offer.keys.c2s(), null),
                                    offer.clientKey,
                                    false,
                                    CompletableFuture.completedFuture(null));
                              } finally {
                                offer.keys.wipe();
                              }
                            }));
    return session.whenComplete((ignored, error) -> ephemeral.thenAccept(X25519KeyPair::destroy));
  }

  /** The server's reply and, for a trusted client, the session keys. */
  private record ServerOffer(byte[] message, KeySchedule.SessionKeys keys, byte[] clientKey) {}

  private static ServerOffer serverOffer(
      Identity identity, X25519KeyPair e, Map<String, Object> hello, TrustedPeers trustedPeers) {
    HandshakeMessages.expectKind(hello, AUTH_HELLO);
    byte[] clientEphemeral = HandshakeMessages.bin(hello, "e", KeySchedule.KEY_SIZE);
    byte[] clientKey = HandshakeMessages.bin(hello, "s", KeySchedule.KEY_SIZE);
    byte[] ee = null;
    byte[] se = null;
    byte[] es = null;
    byte[] ss = null;
    byte[] k = null;
    byte[] ikm = null;
    try {
      ee = e.agree(clientEphemeral, "DH(es, Ec)");
      boolean trusted;
      try {
        trusted = trustedPeers.isTrusted(clientKey, PeerRole.CLIENT);
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read the trusted peers", ex);
      }
      if (!trusted) {
        // PROTOCOL.md §6.2: answer anyway, with an empty ct, so the client learns why; then close.
        return new ServerOffer(
            HandshakeMessages.encode(AUTH_OFFER, "e", e.publicKeyBytes(), "ct", EMPTY),
            null,
            clientKey);
      }
      se = identity.keyPair().agree(clientEphemeral, "DH(ss, Ec)");
      es = e.agree(clientKey, "DH(es, Sc)");
      ss = identity.keyPair().agree(clientKey, "DH(ss, Sc)");
      byte[] transcript = KeySchedule.sha256(e.publicKeyBytes(), clientEphemeral, clientKey);
      k = KeySchedule.hkdf(transcript, KeySchedule.concat(ee, se), K_INFO, KeySchedule.KEY_SIZE);
      byte[] ct = KeySchedule.seal(k, OK);
      ikm = KeySchedule.concat(ee, se, es, ss);
      return new ServerOffer(
          HandshakeMessages.encode(AUTH_OFFER, "e", e.publicKeyBytes(), "ct", ct),
          KeySchedule.sessionKeys(transcript, ikm),
          clientKey);
    } finally {
      KeySchedule.wipe(ee, se, es, ss, k, ikm);
    }
  }
}

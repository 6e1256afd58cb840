package dev.opendesk.auth;

import static dev.opendesk.auth.HandshakeMessages.PAIR_FINISH;
import static dev.opendesk.auth.HandshakeMessages.PAIR_HELLO;
import static dev.opendesk.auth.HandshakeMessages.PAIR_OFFER;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Pairing v1 (PROTOCOL.md §6.1), both sides.
 *
 * <pre>
 * 1. C → S  {v:1, kind:"pair_hello",  e: Ec}
 * 2. S → C  {v:1, kind:"pair_offer",  e: Es, ct: AEAD(k1, Ss)}
 * 3. C → S  {v:1, kind:"pair_finish", ct: AEAD(k2, Sc)}
 * </pre>
 *
 * <p>The PSK is PBKDF2 of the code with a constant salt, so an attacker who receives {@code
 * pair_offer} can test all 10<sup>6</sup> codes offline; see the package documentation for the
 * mitigations. All CPU work runs on the handshake executor. Ephemeral private keys and derived
 * secrets are wiped once used.
 */
final class PairingV1 {

  static final int SEALED_KEY_SIZE = KeySchedule.KEY_SIZE + KeySchedule.TAG_SIZE;
  private static final String K1_INFO = "opendesk-pair-k1";
  private static final String K2_INFO = "opendesk-pair-k2";

  private PairingV1() {}

  // ---------------------------------------------------------------- client

  static CompletableFuture<Session> client(
      HandshakeIo io, Identity identity, PairingCode code, TrustedPeers trustedPeers) {
    Handshake settings = io.settings();
    // PBKDF2 takes tens of milliseconds: start it at once, beside the first round trip.
    CompletableFuture<byte[]> psk =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfOverloaded("the PSK");
              return settings.psk(code);
            },
            io.executor());
    CompletableFuture<X25519KeyPair> ephemeral =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfOverloaded(PAIR_HELLO);
              return settings.keySource().next();
            },
            io.executor());
    CompletableFuture<Session> session =
        ephemeral.thenCompose(
            e ->
                io.send(HandshakeMessages.encode(PAIR_HELLO, "e", e.publicKeyBytes()), PAIR_HELLO)
                    .thenCompose(sent -> io.receive(PAIR_OFFER))
                    .thenCombineAsync(
                        psk,
                        (offer, pskBytes) -> {
                          io.skipIfOverloaded(PAIR_FINISH);
                          return clientFinish(identity, e, offer, pskBytes);
                        },
                        io.executor())
                    .thenCompose(
                        finish ->
                            io.send(finish.message, PAIR_FINISH)
                                .handle(
                                    (sent, error) -> {
                                      if (error != null) {
                                        finish.keys.wipe();
                                        throw new java.util.concurrent.CompletionException(error);
                                      }
                                      return PairingTrust.pairedSession(
                                          io, finish.keys, true, finish.serverKey, trustedPeers);
                                    })));
    return session.whenComplete(
        (ignored, error) -> {
          ephemeral.thenAccept(X25519KeyPair::destroy);
          psk.thenAccept(KeySchedule::wipe);
        });
  }

  /** The client's message 3 and session keys. */
  private record ClientFinish(byte[] message, KeySchedule.SessionKeys keys, byte[] serverKey) {}

  private static ClientFinish clientFinish(
      Identity identity, X25519KeyPair e, Map<String, Object> offer, byte[] psk) {
    HandshakeMessages.expectKind(offer, PAIR_OFFER);
    byte[] serverEphemeral = HandshakeMessages.bin(offer, "e", KeySchedule.KEY_SIZE);
    byte[] ct1 = HandshakeMessages.bin(offer, "ct", SEALED_KEY_SIZE);
    byte[] ee = null;
    byte[] k1 = null;
    byte[] k2Salt = null;
    byte[] k2 = null;
    byte[] se = null;
    byte[] es = null;
    byte[] ikm = null;
    try {
      ee = e.agree(serverEphemeral, "DH(ec, Es)");
      k1 = KeySchedule.hkdf(psk, ee, K1_INFO, KeySchedule.KEY_SIZE);
      byte[] serverKey = KeySchedule.open(k1, ct1);
      if (serverKey == null) {
        throw new AuthFailureException(
            AuthFailureException.Reason.WRONG_CODE,
            "cannot open pair_offer.ct: the server holds another code");
      }
      k2Salt = KeySchedule.concat(psk, ct1); // holds the PSK
      k2 = KeySchedule.hkdf(k2Salt, ee, K2_INFO, KeySchedule.KEY_SIZE);
      byte[] ct2 = KeySchedule.seal(k2, identity.publicKeyBytes());
      se = e.agree(serverKey, "DH(ec, Ss)");
      es = identity.keyPair().agree(serverEphemeral, "DH(sc, Es)");
      ikm = KeySchedule.concat(ee, se, es, psk);
      byte[] transcript = KeySchedule.sha256(serverEphemeral, e.publicKeyBytes(), ct1, ct2);
      KeySchedule.SessionKeys keys = KeySchedule.sessionKeys(transcript, ikm);
      return new ClientFinish(HandshakeMessages.encode(PAIR_FINISH, "ct", ct2), keys, serverKey);
    } finally {
      KeySchedule.wipe(ee, k1, k2Salt, k2, se, es, ikm);
    }
  }

  // ---------------------------------------------------------------- server

  /** The server side, from an already-received {@code pair_hello}; the code is already consumed. */
  static CompletableFuture<Session> server(
      HandshakeIo io,
      Identity identity,
      Map<String, Object> hello,
      PairingCode code,
      TrustedPeers trustedPeers) {
    Handshake settings = io.settings();
    byte[] clientEphemeral;
    try {
      HandshakeMessages.expectKind(hello, PAIR_HELLO);
      clientEphemeral = HandshakeMessages.bin(hello, "e", KeySchedule.KEY_SIZE);
    } catch (AuthFailureException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<byte[]> psk =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfClosed(PAIR_OFFER);
              return settings.psk(code);
            },
            io.executor());
    CompletableFuture<X25519KeyPair> ephemeral =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfClosed(PAIR_OFFER);
              return settings.keySource().next();
            },
            io.executor());
    CompletableFuture<Session> session =
        ephemeral
            .thenCombineAsync(
                psk,
                (e, pskBytes) -> {
                  io.skipIfClosed(PAIR_OFFER);
                  return serverOffer(identity, e, clientEphemeral, pskBytes);
                },
                io.executor())
            .thenCompose(
                offer ->
                    io.send(offer.message, PAIR_OFFER)
                        .thenCompose(sent -> io.receive(PAIR_FINISH))
                        .thenCombineAsync(
                            ephemeral,
                            (finish, e) -> {
                              io.skipIfOverloaded("reading " + PAIR_FINISH);
                              return serverFinish(
                                  identity, e, clientEphemeral, offer, finish, psk.join());
                            },
                            io.executor())
                        .whenComplete((ignored, error) -> offer.wipe()))
            .thenApply(
                finish ->
                    PairingTrust.pairedSession(
                        io, finish.keys, false, finish.clientKey, trustedPeers));
    return session.whenComplete(
        (ignored, error) -> {
          ephemeral.thenAccept(X25519KeyPair::destroy);
          psk.thenAccept(KeySchedule::wipe);
        });
  }

  /** The server's message 2 and what it needs to check message 3. */
  private static final class ServerOffer {
    final byte[] message;
    final byte[] ct1;
    final byte[] ee;

    ServerOffer(byte[] message, byte[] ct1, byte[] ee) {
      this.message = message;
      this.ct1 = ct1;
      this.ee = ee;
    }

    void wipe() {
      KeySchedule.wipe(ee);
    }
  }

  private static ServerOffer serverOffer(
      Identity identity, X25519KeyPair e, byte[] clientEphemeral, byte[] psk) {
    // Nothing is sent before the client's ephemeral passes the all-zero check.
    byte[] ee = e.agree(clientEphemeral, "DH(es, Ec)");
    byte[] k1 = KeySchedule.hkdf(psk, ee, K1_INFO, KeySchedule.KEY_SIZE);
    try {
      byte[] ct1 = KeySchedule.seal(k1, identity.publicKeyBytes());
      return new ServerOffer(
          HandshakeMessages.encode(PAIR_OFFER, "e", e.publicKeyBytes(), "ct", ct1), ct1, ee);
    } finally {
      KeySchedule.wipe(k1);
    }
  }

  private record ServerFinish(KeySchedule.SessionKeys keys, byte[] clientKey) {}

  private static ServerFinish serverFinish(
      Identity identity,
      X25519KeyPair e,
      byte[] clientEphemeral,
      ServerOffer offer,
      Map<String, Object> finish,
      byte[] psk) {
    HandshakeMessages.expectKind(finish, PAIR_FINISH);
    byte[] ct2 = HandshakeMessages.bin(finish, "ct", SEALED_KEY_SIZE);
    byte[] k2Salt = null;
    byte[] k2 = null;
    byte[] se = null;
    byte[] es = null;
    byte[] ikm = null;
    try {
      k2Salt = KeySchedule.concat(psk, offer.ct1); // holds the PSK
      k2 = KeySchedule.hkdf(k2Salt, offer.ee, K2_INFO, KeySchedule.KEY_SIZE);
      byte[] clientKey = KeySchedule.open(k2, ct2);
      if (clientKey == null) {
        throw new AuthFailureException(
            AuthFailureException.Reason.WRONG_CODE,
            "cannot open pair_finish.ct: the client could not prove the code");
      }
      se = identity.keyPair().agree(clientEphemeral, "DH(ss, Ec)");
      es = e.agree(clientKey, "DH(es, Sc)");
      ikm = KeySchedule.concat(offer.ee, se, es, psk);
      byte[] transcript = KeySchedule.sha256(e.publicKeyBytes(), clientEphemeral, offer.ct1, ct2);
      return new ServerFinish(KeySchedule.sessionKeys(transcript, ikm), clientKey);
    } finally {
      KeySchedule.wipe(k2Salt, k2, se, es, ikm);
    }
  }
}

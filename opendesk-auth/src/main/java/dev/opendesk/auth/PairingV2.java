package dev.opendesk.auth;

import static dev.opendesk.auth.PairingV2Messages.FINISH;
import static dev.opendesk.auth.PairingV2Messages.HELLO;
import static dev.opendesk.auth.PairingV2Messages.OFFER;

import java.math.BigInteger;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Pairing v2 (PAIRING-V2.md), both sides: SPAKE2 ({@link Spake2}) inside three messages, with the
 * key schedule of {@link PairingV2KeySchedule} and the messages of {@link PairingV2Messages}.
 *
 * <pre>
 * 1. C → S  {v:1, kind:"pair2_hello",  suite, e: Ec, pa: pA}
 * 2. S → C  {v:1, kind:"pair2_offer",  e: Es, pb: pB, cb: cB, ct: AEAD(k1, Ss)}
 * 3. C → S  {v:1, kind:"pair2_finish", ca: cA, ct: AEAD(k2, Sc)}
 * </pre>
 *
 * <p>Nothing either side sends can be used to test codes offline: the client checks {@code cb}
 * before it opens {@code ct1} or sends anything that depends on the code, the server checks {@code
 * ca} before it opens {@code ct2}. A client never falls back to v1: a close or a {@code pair_offer}
 * in reply to its hello fails with {@code unsupported}. All EC and X25519 work runs on the
 * handshake executor; {@link PairingV2Failure}s surface as {@link AuthFailureException}s with the
 * same reason. Trust is left to {@link PairingTrust}, as for v1. Ephemeral private keys and derived
 * secrets are wiped once used.
 *
 * <p>One deliberate strictness beyond the spec's step order: the client computes {@code se} and
 * {@code es} (client steps 7) before it sends {@code pair2_finish}, so a server whose static key is
 * of low order gets nothing further.
 */
final class PairingV2 {

  private PairingV2() {}

  // ---------------------------------------------------------------- client

  static CompletableFuture<Session> client(
      HandshakeIo io, Identity identity, PairingCode code, TrustedPeers trustedPeers) {
    Handshake settings = io.settings();
    CompletableFuture<ClientHello> start =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfOverloaded(HELLO);
              return ClientHello.create(settings, code);
            },
            io.executor());
    CompletableFuture<Session> session =
        start.thenCompose(
            hello ->
                io.send(hello.message, HELLO)
                    // A v1-only server closes or answers pair_offer: unsupported, never a fallback.
                    .thenCompose(sent -> io.receive(OFFER, AuthFailureException.Reason.UNSUPPORTED))
                    .thenApplyAsync(
                        offer -> {
                          io.skipIfOverloaded(FINISH);
                          return mapped(() -> clientFinish(identity, hello, offer));
                        },
                        io.executor())
                    .thenCompose(
                        finish ->
                            io.send(finish.message, FINISH)
                                .handle(
                                    (sent, error) -> {
                                      if (error != null) {
                                        finish.keys.wipe();
                                        throw new CompletionException(error);
                                      }
                                      return PairingTrust.pairedSession(
                                          io, finish.keys, true, finish.serverKey, trustedPeers);
                                    })));
    return session.whenComplete((ignored, error) -> start.thenAccept(ClientHello::destroy));
  }

  /** The client's state after message 1. */
  private static final class ClientHello {
    final X25519KeyPair ephemeral;
    final Spake2 spake;
    final byte[] pA;
    final byte[] message;

    private ClientHello(X25519KeyPair ephemeral, Spake2 spake) {
      this.ephemeral = ephemeral;
      this.spake = spake;
      this.pA = spake.share();
      this.message = PairingV2Messages.encodeHello(ephemeral.publicKeyBytes(), pA);
    }

    static ClientHello create(Handshake settings, PairingCode code) {
      BigInteger w = Spake2.passwordScalar(code.digits());
      Spake2 spake = Spake2.client(w, settings.spakeScalar());
      return new ClientHello(settings.keySource().next(), spake);
    }

    void destroy() {
      ephemeral.destroy();
    }
  }

  /** The client's message 3, its session keys and the server's static key. */
  private record ClientFinish(byte[] message, KeySchedule.SessionKeys keys, byte[] serverKey) {}

  private static ClientFinish clientFinish(
      Identity identity, ClientHello hello, Map<String, Object> message) {
    PairingV2Messages.Offer offer = PairingV2Messages.parseOffer(message);
    byte[] ec = hello.ephemeral.publicKeyBytes();
    byte[] ee = null;
    byte[] se = null;
    byte[] es = null;
    Spake2.Keys spake = null;
    PairingV2KeySchedule schedule = null;
    try {
      ee = PairingV2KeySchedule.dh(hello.ephemeral.privateKeyBytes(), offer.e(), "ee");
      spake = hello.spake.finish(offer.pb(), PairingV2KeySchedule.aad(ec, offer.e()));
      // Before anything that depends on the code is opened or sent.
      spake.verifyPeerConfirmation(offer.cb());
      schedule = new PairingV2KeySchedule(ec, hello.pA, offer.e(), offer.pb(), ee, spake.ke());
      byte[] serverKey = schedule.openCt1(offer.ct());
      schedule.absorbOffer(offer.cb(), offer.ct());
      byte[] ct2 = schedule.sealCt2(identity.publicKeyBytes());
      schedule.absorbFinish(spake.cA(), ct2);
      se = PairingV2KeySchedule.dh(hello.ephemeral.privateKeyBytes(), serverKey, "se");
      es = PairingV2KeySchedule.dh(identity.keyPair().privateKeyBytes(), offer.e(), "es");
      KeySchedule.SessionKeys keys = schedule.sessionKeys(se, es);
      return new ClientFinish(PairingV2Messages.encodeFinish(spake.cA(), ct2), keys, serverKey);
    } finally {
      KeySchedule.wipe(ee, se, es);
      if (spake != null) {
        spake.wipe();
      }
      if (schedule != null) {
        schedule.wipe();
      }
    }
  }

  // ---------------------------------------------------------------- server

  /**
   * The server side, from an already-received hello of kind {@code pair2_hello}; the code is
   * already consumed. Nothing is sent before the hello, {@code ee} and K have passed their checks.
   */
  static CompletableFuture<Session> server(
      HandshakeIo io,
      Identity identity,
      Map<String, Object> hello,
      PairingCode code,
      TrustedPeers trustedPeers) {
    Handshake settings = io.settings();
    CompletableFuture<ServerOffer> offer =
        CompletableFuture.supplyAsync(
            () -> {
              io.skipIfClosed(OFFER);
              return mapped(() -> ServerOffer.create(settings, identity, hello, code));
            },
            io.executor());
    CompletableFuture<Session> session =
        offer
            .thenCompose(
                o ->
                    io.send(o.message, OFFER)
                        .thenCompose(sent -> io.receive(FINISH))
                        .thenApplyAsync(
                            finish -> {
                              io.skipIfOverloaded("reading " + FINISH);
                              return mapped(() -> serverFinish(identity, o, finish));
                            },
                            io.executor()))
            .thenApply(
                finish ->
                    PairingTrust.pairedSession(
                        io, finish.keys, false, finish.clientKey, trustedPeers));
    return session.whenComplete((ignored, error) -> offer.thenAccept(ServerOffer::destroy));
  }

  /** The server's message 2 and what it needs to check message 3. */
  private static final class ServerOffer {
    final byte[] ec;
    final X25519KeyPair ephemeral;
    final Spake2.Keys spake;
    final PairingV2KeySchedule schedule;
    final byte[] message;

    private ServerOffer(
        byte[] ec,
        X25519KeyPair ephemeral,
        Spake2.Keys spake,
        PairingV2KeySchedule schedule,
        byte[] message) {
      this.ec = ec;
      this.ephemeral = ephemeral;
      this.spake = spake;
      this.schedule = schedule;
      this.message = message;
    }

    static ServerOffer create(
        Handshake settings, Identity identity, Map<String, Object> message, PairingCode code) {
      // Server steps 4-5: suite (unsupported if another), then e and pa (protocol).
      PairingV2Messages.Hello hello = PairingV2Messages.parseHello(message);
      X25519KeyPair ephemeral = settings.keySource().next();
      byte[] ee = null;
      Spake2.Keys keys = null;
      PairingV2KeySchedule schedule = null;
      try {
        byte[] es = ephemeral.publicKeyBytes();
        ee = PairingV2KeySchedule.dh(ephemeral.privateKeyBytes(), hello.e(), "ee");
        Spake2 spake = Spake2.server(Spake2.passwordScalar(code.digits()), settings.spakeScalar());
        byte[] pB = spake.share();
        keys = spake.finish(hello.pa(), PairingV2KeySchedule.aad(hello.e(), es));
        schedule = new PairingV2KeySchedule(hello.e(), hello.pa(), es, pB, ee, keys.ke());
        byte[] ct1 = schedule.sealCt1(identity.publicKeyBytes());
        schedule.absorbOffer(keys.cB(), ct1);
        byte[] offer = PairingV2Messages.encodeOffer(es, pB, keys.cB(), ct1);
        return new ServerOffer(hello.e().clone(), ephemeral, keys, schedule, offer);
      } catch (RuntimeException e) {
        ephemeral.destroy();
        if (keys != null) {
          keys.wipe();
        }
        if (schedule != null) {
          schedule.wipe();
        }
        throw e;
      } finally {
        KeySchedule.wipe(ee);
      }
    }

    void destroy() {
      ephemeral.destroy();
      spake.wipe();
      schedule.wipe();
    }
  }

  /** The server's session keys and the client's static key. */
  private record ServerFinish(KeySchedule.SessionKeys keys, byte[] clientKey) {}

  private static ServerFinish serverFinish(
      Identity identity, ServerOffer offer, Map<String, Object> message) {
    PairingV2Messages.Finish finish = PairingV2Messages.parseFinish(message);
    // Before ct2 is opened.
    offer.spake.verifyPeerConfirmation(finish.ca());
    byte[] clientKey = offer.schedule.openCt2(finish.ct());
    offer.schedule.absorbFinish(finish.ca(), finish.ct());
    byte[] se = null;
    byte[] es = null;
    try {
      se = PairingV2KeySchedule.dh(identity.keyPair().privateKeyBytes(), offer.ec, "se");
      es = PairingV2KeySchedule.dh(offer.ephemeral.privateKeyBytes(), clientKey, "es");
      return new ServerFinish(offer.schedule.sessionKeys(se, es), clientKey);
    } finally {
      KeySchedule.wipe(se, es);
    }
  }

  // ---------------------------------------------------------------- failures

  /**
   * Runs a step, turning a {@link PairingV2Failure} into the public failure with the same reason.
   */
  private static <T> T mapped(Supplier<T> step) {
    try {
      return step.get();
    } catch (PairingV2Failure failure) {
      throw failure.toAuthFailure();
    }
  }
}

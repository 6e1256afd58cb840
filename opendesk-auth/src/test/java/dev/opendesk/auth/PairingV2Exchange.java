package dev.opendesk.auth;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A synchronous, in-memory run of the pairing v2 message flow (PAIRING-V2.md, "Client" and
 * "Server") built only from {@link Spake2}, {@link PairingV2KeySchedule} and {@link
 * PairingV2Messages}: a reference for how the handshake wires the pieces, and a harness for the
 * tests. Each message passes through a tamper function on its way. A failing side "closes the
 * link": the peer then fails as the spec says for a close (client waiting for the offer: {@code
 * unsupported}; server waiting for the finish: {@code protocol}).
 */
final class PairingV2Exchange {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Inputs of one run. Private keys are raw 32-byte X25519 scalars; null x or y: random. */
  record Setup(
      String clientCode,
      String serverCode,
      byte[] clientEphemeral,
      byte[] serverEphemeral,
      byte[] clientStatic,
      byte[] serverStatic,
      BigInteger x,
      BigInteger y,
      boolean rogueClient) {

    /** The fixed keys and scalars of pair2.json, both sides holding {@code code}. */
    static Setup fromVectors(String clientCode, String serverCode) {
      return new Setup(
          clientCode,
          serverCode,
          PairingV2Vectors.hex("/keys/client_ephemeral/private_hex"),
          PairingV2Vectors.hex("/keys/server_ephemeral/private_hex"),
          PairingV2Vectors.hex("/keys/client_static/private_hex"),
          PairingV2Vectors.hex("/keys/server_static/private_hex"),
          PairingV2Vectors.scalar("/spake2_scalars/x/hex"),
          PairingV2Vectors.scalar("/spake2_scalars/y/hex"),
          false);
    }

    Setup rogue() {
      return new Setup(
          clientCode,
          serverCode,
          clientEphemeral,
          serverEphemeral,
          clientStatic,
          serverStatic,
          x,
          y,
          true);
    }
  }

  /** Everything observable about one run. */
  static final class Outcome {
    /** Messages as delivered (after tampering), in order. */
    final List<byte[]> delivered = new ArrayList<>();

    /** Messages as their sender produced them, in order. */
    final List<byte[]> sent = new ArrayList<>();

    PairingV2Failure clientFailure;
    PairingV2Failure serverFailure;

    /** Which side failed first: "client", "server" or null. */
    String firstToFail;

    Spake2.Keys clientSpake;
    Spake2.Keys serverSpake;
    PairingV2KeySchedule clientSchedule;
    PairingV2KeySchedule serverSchedule;
    KeySchedule.SessionKeys clientSession;
    KeySchedule.SessionKeys serverSession;
    byte[] clientSawServerStatic;
    byte[] serverSawClientStatic;
    byte[] ee;
    byte[] se;
    byte[] es;

    String firstReason() {
      if ("client".equals(firstToFail)) {
        return clientFailure.reason();
      }
      return "server".equals(firstToFail) ? serverFailure.reason() : null;
    }

    boolean bothSucceeded() {
      return clientSession != null && serverSession != null;
    }
  }

  private PairingV2Exchange() {}

  static Outcome run(Setup setup) {
    return run(setup, (index, message) -> message);
  }

  /**
   * Runs the exchange.
   *
   * @param tamper (message index 0..2, bytes as sent) → bytes as delivered
   */
  static Outcome run(Setup setup, BiFunction<Integer, byte[], byte[]> tamper) {
    Outcome out = new Outcome();
    byte[] ec = KeySchedule.publicKey(setup.clientEphemeral());
    byte[] es = KeySchedule.publicKey(setup.serverEphemeral());
    byte[] sc = KeySchedule.publicKey(setup.clientStatic());
    byte[] ss = KeySchedule.publicKey(setup.serverStatic());

    // Client 1: the code is checked before any I/O.
    Spake2 clientSpake =
        setup.x() == null
            ? Spake2.client(Spake2.passwordScalar(setup.clientCode()), RANDOM)
            : Spake2.client(Spake2.passwordScalar(setup.clientCode()), setup.x());
    byte[] pA = clientSpake.share();
    byte[] hello = PairingV2Messages.encodeHello(ec, pA);
    byte[] helloIn = deliver(out, tamper, 0, hello);

    // Server 1-7.
    Spake2.Keys serverKeys;
    PairingV2KeySchedule serverSchedule;
    byte[] offer;
    try {
      PairingV2Messages.Hello h = PairingV2Messages.parseHello(helloIn);
      byte[] ee = PairingV2KeySchedule.dh(setup.serverEphemeral(), h.e(), "ee");
      Spake2 serverSpake =
          setup.y() == null
              ? Spake2.server(Spake2.passwordScalar(setup.serverCode()), RANDOM)
              : Spake2.server(Spake2.passwordScalar(setup.serverCode()), setup.y());
      byte[] pB = serverSpake.share();
      serverKeys = serverSpake.finish(h.pa(), PairingV2KeySchedule.aad(h.e(), es));
      serverSchedule = new PairingV2KeySchedule(h.e(), h.pa(), es, pB, ee, serverKeys.ke());
      byte[] ct1 = serverSchedule.sealCt1(ss);
      serverSchedule.absorbOffer(serverKeys.cB(), ct1);
      offer = PairingV2Messages.encodeOffer(es, pB, serverKeys.cB(), ct1);
      out.serverSpake = serverKeys;
      out.serverSchedule = serverSchedule;
    } catch (PairingV2Failure f) {
      out.serverFailure = f;
      out.firstToFail = "server";
      out.clientFailure = PairingV2Failure.unsupported("link closed before pair2_offer");
      return out;
    }
    byte[] offerIn = deliver(out, tamper, 1, offer);

    // Client 2-7.
    byte[] finish;
    try {
      PairingV2Messages.Offer o = PairingV2Messages.parseOffer(offerIn);
      byte[] ee = PairingV2KeySchedule.dh(setup.clientEphemeral(), o.e(), "ee");
      out.ee = ee;
      Spake2.Keys keys = clientSpake.finish(o.pb(), PairingV2KeySchedule.aad(ec, o.e()));
      out.clientSpake = keys;
      if (!setup.rogueClient()) {
        keys.verifyPeerConfirmation(o.cb());
      }
      PairingV2KeySchedule schedule =
          new PairingV2KeySchedule(ec, pA, o.e(), o.pb(), ee, keys.ke());
      out.clientSchedule = schedule;
      if (!setup.rogueClient()) {
        out.clientSawServerStatic = schedule.openCt1(o.ct());
      }
      schedule.absorbOffer(o.cb(), o.ct());
      byte[] ct2 = schedule.sealCt2(sc);
      finish = PairingV2Messages.encodeFinish(keys.cA(), ct2);
      if (!setup.rogueClient()) {
        schedule.absorbFinish(keys.cA(), ct2);
        byte[] se =
            PairingV2KeySchedule.dh(setup.clientEphemeral(), out.clientSawServerStatic, "se");
        byte[] esDh = PairingV2KeySchedule.dh(setup.clientStatic(), o.e(), "es");
        out.clientSession = schedule.sessionKeys(se, esDh);
      }
    } catch (PairingV2Failure f) {
      out.clientFailure = f;
      out.firstToFail = "client";
      out.serverFailure = PairingV2Failure.protocol("peer closed before pair2_finish");
      return out;
    }
    byte[] finishIn = deliver(out, tamper, 2, finish);

    // Server 8-11.
    try {
      PairingV2Messages.Finish f = PairingV2Messages.parseFinish(finishIn);
      serverKeys.verifyPeerConfirmation(f.ca());
      byte[] clientStatic = serverSchedule.openCt2(f.ct());
      out.serverSawClientStatic = clientStatic;
      serverSchedule.absorbFinish(f.ca(), f.ct());
      byte[] ecIn = PairingV2Messages.parseHello(helloIn).e();
      out.se = PairingV2KeySchedule.dh(setup.serverStatic(), ecIn, "se");
      out.es = PairingV2KeySchedule.dh(setup.serverEphemeral(), clientStatic, "es");
      out.serverSession = serverSchedule.sessionKeys(out.se, out.es);
    } catch (PairingV2Failure f) {
      out.serverFailure = f;
      out.firstToFail = "server";
    }
    return out;
  }

  private static byte[] deliver(
      Outcome out, BiFunction<Integer, byte[], byte[]> tamper, int index, byte[] message) {
    out.sent.add(message);
    byte[] delivered = tamper.apply(index, message.clone());
    out.delivered.add(delivered);
    return delivered;
  }
}

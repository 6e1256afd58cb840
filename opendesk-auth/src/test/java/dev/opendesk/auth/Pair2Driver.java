package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import java.security.SecureRandom;

/**
 * Pairing v2 driven by hand over a raw connection, one blocking step at a time, for attack tests: a
 * peer that knows the code but seals whatever static key it is told to ({@code claimedStatic})
 * while keying its session with its own static private key. With {@code claimedStatic} equal to the
 * public key of {@code ownStaticPrivate} it is an honest peer.
 */
final class Pair2Driver {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Pair2Driver() {}

  /** The client side: hello, offer (cB checked), finish; returns the keys it derived. */
  static KeySchedule.SessionKeys client(
      Connection link, String code, byte[] claimedStatic, byte[] ownStaticPrivate) {
    X25519KeyPair e = X25519KeyPair.generate(RANDOM);
    byte[] ec = e.publicKeyBytes();
    Spake2 spake = Spake2.client(Spake2.passwordScalar(code), RANDOM);
    byte[] pA = spake.share();
    Await.result(link.send(Pair2Messages.encodeHello(ec, pA)));
    Pair2Messages.Offer offer = Pair2Messages.parseOffer(Await.result(link.receive()));
    byte[] ee = Pair2KeySchedule.dh(e.privateKeyBytes(), offer.e(), "ee");
    Spake2.Keys keys = spake.finish(offer.pb(), Pair2KeySchedule.aad(ec, offer.e()));
    keys.verifyPeerConfirmation(offer.cb());
    Pair2KeySchedule schedule = new Pair2KeySchedule(ec, pA, offer.e(), offer.pb(), ee, keys.ke());
    byte[] serverStatic = schedule.openCt1(offer.ct());
    schedule.absorbOffer(offer.cb(), offer.ct());
    byte[] ct2 = schedule.sealCt2(claimedStatic);
    schedule.absorbFinish(keys.cA(), ct2);
    Await.result(link.send(Pair2Messages.encodeFinish(keys.cA(), ct2)));
    return schedule.sessionKeys(
        Pair2KeySchedule.dh(e.privateKeyBytes(), serverStatic, "se"),
        Pair2KeySchedule.dh(ownStaticPrivate, offer.e(), "es"));
  }

  /** The server side: hello, offer, finish (cA checked); returns the keys it derived. */
  static KeySchedule.SessionKeys server(
      Connection link, String code, byte[] claimedStatic, byte[] ownStaticPrivate) {
    Pair2Messages.Hello hello = Pair2Messages.parseHello(Await.result(link.receive()));
    X25519KeyPair e = X25519KeyPair.generate(RANDOM);
    byte[] es = e.publicKeyBytes();
    byte[] ee = Pair2KeySchedule.dh(e.privateKeyBytes(), hello.e(), "ee");
    Spake2 spake = Spake2.server(Spake2.passwordScalar(code), RANDOM);
    byte[] pB = spake.share();
    Spake2.Keys keys = spake.finish(hello.pa(), Pair2KeySchedule.aad(hello.e(), es));
    Pair2KeySchedule schedule = new Pair2KeySchedule(hello.e(), hello.pa(), es, pB, ee, keys.ke());
    byte[] ct1 = schedule.sealCt1(claimedStatic);
    schedule.absorbOffer(keys.cB(), ct1);
    Await.result(link.send(Pair2Messages.encodeOffer(es, pB, keys.cB(), ct1)));
    Pair2Messages.Finish finish = Pair2Messages.parseFinish(Await.result(link.receive()));
    keys.verifyPeerConfirmation(finish.ca());
    byte[] clientStatic = schedule.openCt2(finish.ct());
    schedule.absorbFinish(finish.ca(), finish.ct());
    return schedule.sessionKeys(
        Pair2KeySchedule.dh(ownStaticPrivate, hello.e(), "se"),
        Pair2KeySchedule.dh(e.privateKeyBytes(), clientStatic, "es"));
  }
}

package dev.opendesk.auth;

import dev.opendesk.protocol.Connection;
import java.security.SecureRandom;

/**
 * Pairing v2 driven by hand over a raw connection, one blocking step at a time, for attack tests: a
 * peer that knows the code but seals whatever static key it is told to ({@code claimedStatic})
 * while keying its session with its own static private key. With {@code claimedStatic} equal to the
 * public key of {@code ownStaticPrivate} it is an honest peer.
 */
final class PairingV2Driver {

  private static final SecureRandom RANDOM = new SecureRandom();

  private PairingV2Driver() {}

  /** The client side: hello, offer (cB checked), finish; returns the keys it derived. */
  static KeySchedule.SessionKeys client(
      Connection link, String code, byte[] claimedStatic, byte[] ownStaticPrivate) {
    X25519KeyPair e = X25519KeyPair.generate(RANDOM);
    byte[] ec = e.publicKeyBytes();
    Spake2 spake = Spake2.client(Spake2.passwordScalar(code), RANDOM);
    byte[] pA = spake.share();
    Await.result(link.send(PairingV2Messages.encodeHello(ec, pA)));
    PairingV2Messages.Offer offer = PairingV2Messages.parseOffer(Await.result(link.receive()));
    byte[] ee = PairingV2KeySchedule.dh(e.privateKeyBytes(), offer.e(), "ee");
    Spake2.Keys keys = spake.finish(offer.pb(), PairingV2KeySchedule.aad(ec, offer.e()));
    keys.verifyPeerConfirmation(offer.cb());
    PairingV2KeySchedule schedule =
        new PairingV2KeySchedule(ec, pA, offer.e(), offer.pb(), ee, keys.ke());
    byte[] serverStatic = schedule.openCt1(offer.ct());
    schedule.absorbOffer(offer.cb(), offer.ct());
    byte[] ct2 = schedule.sealCt2(claimedStatic);
    schedule.absorbFinish(keys.cA(), ct2);
    Await.result(link.send(PairingV2Messages.encodeFinish(keys.cA(), ct2)));
    return schedule.sessionKeys(
        PairingV2KeySchedule.dh(e.privateKeyBytes(), serverStatic, "se"),
        PairingV2KeySchedule.dh(ownStaticPrivate, offer.e(), "es"));
  }

  /** The server side: hello, offer, finish (cA checked); returns the keys it derived. */
  static KeySchedule.SessionKeys server(
      Connection link, String code, byte[] claimedStatic, byte[] ownStaticPrivate) {
    PairingV2Messages.Hello hello = PairingV2Messages.parseHello(Await.result(link.receive()));
    X25519KeyPair e = X25519KeyPair.generate(RANDOM);
    byte[] es = e.publicKeyBytes();
    byte[] ee = PairingV2KeySchedule.dh(e.privateKeyBytes(), hello.e(), "ee");
    Spake2 spake = Spake2.server(Spake2.passwordScalar(code), RANDOM);
    byte[] pB = spake.share();
    Spake2.Keys keys = spake.finish(hello.pa(), PairingV2KeySchedule.aad(hello.e(), es));
    PairingV2KeySchedule schedule =
        new PairingV2KeySchedule(hello.e(), hello.pa(), es, pB, ee, keys.ke());
    byte[] ct1 = schedule.sealCt1(claimedStatic);
    schedule.absorbOffer(keys.cB(), ct1);
    Await.result(link.send(PairingV2Messages.encodeOffer(es, pB, keys.cB(), ct1)));
    PairingV2Messages.Finish finish = PairingV2Messages.parseFinish(Await.result(link.receive()));
    keys.verifyPeerConfirmation(finish.ca());
    byte[] clientStatic = schedule.openCt2(finish.ct());
    schedule.absorbFinish(finish.ca(), finish.ct());
    return schedule.sessionKeys(
        PairingV2KeySchedule.dh(ownStaticPrivate, hello.e(), "se"),
        PairingV2KeySchedule.dh(e.privateKeyBytes(), clientStatic, "es"));
  }
}

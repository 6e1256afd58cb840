package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 item 9: text a peer chose reaches exception messages, logs, the trust store and the
 * approver's dialog only without control or invisible characters, cut in length, and after the
 * fingerprint.
 */
class PeerTextTest {

  private static final PairingCode CODE = PairingCode.parse("424242");

  @Test
  void controlAndFormatCharactersBecomeQuestionMarks() {
    assertThat(PeerText.printable("a\u001b[2Jb\u0000c\u202Ed\u200Be\u2028f\u0085g", 64))
        .isEqualTo("a?[2Jb?c?d?e?f?g");
  }

  @Test
  void ordinaryTextOfAnyScriptIsKept() {
    assertThat(PeerText.printable("Zoë's 電脳 laptop 🙂", 64)).isEqualTo("Zoë's 電脳 laptop 🙂");
  }

  @Test
  void textIsCutToTheLimitInCodePoints() {
    assertThat(PeerText.printable("🙂".repeat(10), 4)).isEqualTo("🙂🙂🙂🙂…");
    assertThat(PeerText.printable("abcd", 4)).isEqualTo("abcd");
  }

  @Test
  void anUnpairedSurrogateBecomesAQuestionMark() {
    assertThat(PeerText.printable("a\uD800b", 64)).isEqualTo("a?b");
  }

  @Test
  void theApproverSeesACleanedCutNameAfterTheFingerprint() {
    AtomicReference<PairingRequest> seen = new AtomicReference<>();
    Handshake server =
        TestKeys.fast()
            .approver(
                request -> {
                  seen.set(request);
                  return CompletableFuture.completedFuture(true);
                })
            .build();
    Identity serverIdentity = Identity.generate();
    Identity clientIdentity = Identity.generate();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        server.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));
    Session client =
        Await.result(TestKeys.fast().build().pairClient(link.first(), clientIdentity, CODE));
    Session session = Await.result(served);
    String forged = "\u001b[2K\rfingerprint 0000:0000:0000:0000 \u202E" + "x".repeat(500);

    Await.result(client.connection().send(Messages.hello(Role.CLIENT, forged, "\u0007bell")));
    Await.result(session.connection().receive());

    PairingRequest request = seen.get();
    assertThat(request.name()).doesNotContain("\u001b", "\r", "\u202E").hasSize(65).endsWith("…");
    assertThat(request.description()).isEqualTo("?bell");
    assertThat(request.toString())
        .startsWith("PairingRequest[fingerprint=" + clientIdentity.fingerprint());
  }

  @Test
  void aPeerChosenKindIsCleanedAndCutInTheFailure() {
    Handshake handshake = TestKeys.fast().build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), Identity.generate(), TrustedPeers.inMemory(), null);

    Await.result(link.first().send(Messages.map("v", 1, "kind", "\u001b[31m" + "k".repeat(200))));

    assertThat(Await.failure(served).getMessage())
        .doesNotContain("\u001b")
        .contains("?[31m" + "k".repeat(27) + "…")
        .doesNotContain("k".repeat(28));
  }
}

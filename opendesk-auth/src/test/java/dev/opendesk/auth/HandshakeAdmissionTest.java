package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.LoopbackConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The cap on unauthenticated connections: the oldest pending handshake makes room, the newest
 * always gets in.
 */
class HandshakeAdmissionTest {

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();
  private final TrustedPeers trust = TrustedPeers.inMemory();

  @Test
  void theCapMustBePositive() {
    assertThatThrownBy(() -> HandshakeAdmission.create(handshake, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPending");
  }

  @Test
  void aNewConnectionBeyondTheCapEvictsTheOldestPendingOne() {
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 2);
    List<LoopbackConnection.Pair> links = new ArrayList<>();
    List<CompletableFuture<Session>> served = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      links.add(link);
      served.add(admission.serve(link.second(), serverIdentity, trust, null));
    }

    Throwable failure = Await.failure(served.get(0));
    assertThat(failure).isInstanceOf(AuthFailureException.class).hasMessageContaining("evicted");
    assertThat(((AuthFailureException) failure).reason())
        .isEqualTo(AuthFailureException.Reason.TIMEOUT);
    Await.result(links.get(0).first().closeFuture());
    assertThat(served.get(1)).isNotDone();
    assertThat(served.get(2)).isNotDone();
    assertThat(admission.pending()).isEqualTo(2);
    assertThat(admission.evictedCount()).isEqualTo(1);
    links.forEach(link -> link.first().close());
  }

  @Test
  void aTrustedClientGetsInWhileTheCapIsFullOfIdleConnections() throws Exception {
    trust.add(clientIdentity.publicKey(), "owner", "");
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 8);
    List<LoopbackConnection.Pair> idle = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      idle.add(link);
      admission.serve(link.second(), serverIdentity, trust, null);
    }

    LoopbackConnection.Pair owner = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        admission.serve(owner.second(), serverIdentity, trust, null);
    Session client =
        Await.result(
            handshake.authClient(owner.first(), clientIdentity, serverIdentity.publicKey()));
    assertThat(Await.result(served).remotePublicKey()).isEqualTo(clientIdentity.publicKey());
    assertThat(client.connection().isOpen()).isTrue();
    Await.until(() -> admission.pending() == 7);
    idle.forEach(link -> link.first().close());
    Await.until(() -> admission.pending() == 0);
  }

  @Test
  void aFailedHandshakeLeavesThePendingSetWithItsOwnFailure() {
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 4);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = admission.serve(link.second(), serverIdentity, trust, null);
    CompletableFuture<Session> client =
        handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey());

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(admission.pending()).isZero();
    assertThat(admission.evictedCount()).isZero();
  }
}

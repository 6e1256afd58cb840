package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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

  /** Both ends of a trusted client's session, authenticated through {@code admission}. */
  private record Authenticated(Session client, Session server) {
    /** The client's first frame, opened on the server. */
    void firstFrame() {
      Await.result(client.connection().send(new byte[] {1}));
      Await.result(server.connection().receive());
    }
  }

  private Authenticated authenticate(HandshakeAdmission admission) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = admission.serve(link.second(), serverIdentity, trust, null);
    Session client =
        Await.result(
            handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey()));
    return new Authenticated(client, Await.result(served));
  }

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

    Authenticated owner = authenticate(admission);
    assertThat(owner.server().remotePublicKey()).isEqualTo(clientIdentity.publicKey());
    assertThat(owner.client().connection().isOpen()).isTrue();
    owner.firstFrame();
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

  @Test
  void aClientThatSentItsHelloIsNotEvictedBySilentNewcomers() throws Exception {
    trust.add(clientIdentity.publicKey(), "owner", "");
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 4);
    Authenticated owner = authenticate(admission);
    List<LoopbackConnection.Pair> strangers = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      strangers.add(link);
      admission.serve(link.second(), serverIdentity, trust, null);
    }

    assertThat(admission.evictedCount()).isEqualTo(7);
    assertThat(owner.server().connection().isOpen()).isTrue();
    owner.firstFrame();
    Await.result(owner.server().trusted());
    Await.until(() -> admission.pending() == 3);
    strangers.forEach(link -> link.first().close());
  }

  @Test
  void anAuthenticatedConnectionStaysPendingUntilTheClientsFirstFrameOpens() throws Exception {
    trust.add(clientIdentity.publicKey(), "owner", "");
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 4);
    Authenticated owner = authenticate(admission);

    assertThat(admission.pending()).isEqualTo(1);
    owner.firstFrame();
    Await.until(() -> admission.pending() == 0);
  }

  @Test
  void aConnectionClosedBeforeItsAdmissionIsNotServed() {
    HandshakeAdmission admission = HandshakeAdmission.create(handshake, 4);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    link.first().close();

    assertThat(Await.reason(admission.serve(link.second(), serverIdentity, trust, null)))
        .isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(admission.pending()).isZero();
  }

  /**
   * Issue #13 (Scale): with 200 handshakes at a time, 16 % of 1 000 legitimate clients were turned
   * away by the old 64-slot cap. Here all 1 000 connect at once, with the default cap. The step
   * timeout is a minute, not 10 s, because both sides' 1 000 handshakes share this JVM's pool: on a
   * loaded 2-core machine the last steps wait for all the others.
   */
  @Test
  void aBurstOfAThousandTrustedClientsConnectingAtOnceIsServedInFull() throws Exception {
    Handshake defaults = Handshake.builder().stepTimeout(Duration.ofMinutes(1)).build();
    HandshakeAdmission admission =
        HandshakeAdmission.create(defaults, HandshakeAdmission.DEFAULT_MAX_PENDING);
    int clients = 1000;
    List<Identity> identities = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Identity identity = Identity.generate();
      identities.add(identity);
      trust.add(identity.publicKey(), "client " + i, "");
    }
    List<CompletableFuture<Session>> servers = new ArrayList<>();
    List<CompletableFuture<Session>> clientSides = new ArrayList<>();
    for (Identity identity : identities) {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      servers.add(admission.serve(link.second(), serverIdentity, trust, null));
      clientSides.add(defaults.authClient(link.first(), identity, serverIdentity.publicKey()));
    }

    CompletableFuture.allOf(clientSides.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
    for (int i = 0; i < clients; i++) {
      Session client = Await.result(clientSides.get(i));
      Session server = Await.result(servers.get(i));
      Await.result(client.connection().send(new byte[] {1}));
      Await.result(server.connection().receive());
      Await.result(server.trusted());
      client.connection().close();
    }
    assertThat(admission.evictedCount()).isZero();
    Await.until(() -> admission.pending() == 0);
  }
}

package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 item 3: {@code auth_hello} carries the client's static key in clear, so the server
 * trusts an authenticated client only once the client's first frame has opened under the session
 * keys, and that frame has a deadline.
 */
class AuthServerTrustTest {

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final TrustedPeers trust = TrustedPeers.inMemory();

  AuthServerTrustTest() throws Exception {
    trust.add(clientIdentity.publicKey(), "laptop", "");
  }

  @Test
  void theServerTrustsTheClientOnlyOnceItsFirstFrameHasOpened() {
    Handshake handshake = TestKeys.fast().build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.authServer(link.second(), serverIdentity, trust);
    Session client =
        Await.result(
            handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey()));
    Session server = Await.result(served);

    assertThat(client.trusted()).isCompleted();
    assertThat(server.trusted()).isNotDone();
    Await.result(client.connection().send(new byte[] {1}));
    Await.result(server.connection().receive());
    assertThat(server.trusted()).isCompleted();
  }

  @Test
  void someoneSendingATrustedClientsPublicKeyIsNeverTrusted() {
    Handshake handshake = TestKeys.fast().build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.authServer(link.second(), serverIdentity, trust);
    // The public key is all the impostor has: it was sent in clear on an earlier connection.
    Await.result(
        link.first()
            .send(Messages.authHello(Identity.generate().publicKey(), clientIdentity.publicKey())));
    Await.result(link.first().receive()); // auth_offer
    Session server = Await.result(served);
    Await.result(link.first().send(new byte[32])); // a "frame" that cannot open

    assertThat(Await.failure(server.connection().receive())).isInstanceOf(IntegrityException.class);
    assertThat(Await.failure(server.trusted())).isInstanceOf(IntegrityException.class);
  }

  @Test
  void aClientWhoseFirstFrameNeverArrivesIsClosedAfterTheStepTimeout() {
    // Only the server's steps are short; the client starts first so that its hello is on its way
    // before the server's clock runs.
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofSeconds(1)).build();
    Handshake patient = TestKeys.fast().build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        patient.authClient(link.first(), clientIdentity, serverIdentity.publicKey());
    CompletableFuture<Session> served = quick.authServer(link.second(), serverIdentity, trust);
    Await.result(client);
    Session server = Await.result(served);

    assertThat(Await.reason(server.trusted())).isEqualTo(AuthFailureException.Reason.TIMEOUT);
    Await.result(link.first().closeFuture());
    assertThat(link.second().isOpen()).isFalse();
  }
}

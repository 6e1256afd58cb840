package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.AuthFailureException;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A handshake whose next message never comes fails with {@code timeout} on either side and closes.
 */
@Timeout(60)
class StalledHandshakeFaultTest {

  private static final Duration STEP = Duration.ofMillis(300);

  private final Identity serverIdentity = Identity.generate();
  private final Identity client = Identity.generate();
  private final Handshake handshake = Handshake.builder().stepTimeout(STEP).build();

  @Test
  void aServerWaitingForAClientThatSendsNothingTimesOutAndClosesTheConnection() throws Exception {
    try (SecureStack stack =
        SecureStack.start(
            serverIdentity,
            TrustedPeers.inMemory(),
            handshake,
            8,
            WebSocketOptions.defaults(),
            SecureStack.echo().build(),
            PeerOptions.defaults())) {
      WebSocketConnection silent = WebSocketClient.connect(stack.uri()).get(10, TimeUnit.SECONDS);

      assertThat(silent.receive()).failsWithin(Duration.ofSeconds(10));
      assertThat(stack.handshakesFailed).hasValue(1);
      assertThat(stack.admission.pending()).isZero();
    }
  }

  @Test
  void aClientWaitingForAServerThatNeverAnswersTimesOutAndClosesTheConnection() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    FaultyConnection server =
        FaultyConnection.wrap(pair.second())
            .always(FaultyConnection.Fault.DROP, FaultyConnection.any());
    // The server waits far longer than the client, so the client's step timeout is what fires.
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(client.publicKey(), "client", "");
    CompletableFuture<Session> served =
        Handshake.defaults().serve(server, serverIdentity, trust, null);

    CompletableFuture<Session> session =
        handshake.authClient(pair.first(), client, serverIdentity.publicKey());

    assertThat(session)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOfSatisfying(
            AuthFailureException.class,
            e -> assertThat(e.reason()).isEqualTo(AuthFailureException.Reason.TIMEOUT));
    assertThat(pair.first().isOpen()).isFalse();
    // The server's answer was lost; the session it thinks it has ends when the client closes.
    assertThat(served.thenCompose(s -> s.connection().receive()))
        .failsWithin(Duration.ofSeconds(10));
  }
}

package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opendesk.ClientSession;
import dev.opendesk.ConnectionState;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.ReconnectPolicy;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.transport.ws.WebSocketClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ClientSession} over WebSocket whose link is lost under it ({@link FaultyConnection#lose()}
 * between the handshake and the socket): it reconnects, the call in flight fails and is not
 * re-sent.
 */
@Timeout(60)
class ClientReconnectFaultTest {

  @Test
  void aDroppedLinkIsReconnectedAndTheCallInFlightFailsWithoutBeingResent() throws Exception {
    List<String> served = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> hanging = new CompletableFuture<>();
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary("echo", (ctx, params) -> params)
            .unary(
                "hang",
                (ctx, params) -> {
                  served.add("hang");
                  hanging.complete(null);
                  return new CompletableFuture<Map<String, Object>>();
                })
            .build();
    AtomicReference<FaultyConnection> link = new AtomicReference<>();
    try (OpendeskServer server =
            OpendeskServer.builder()
                .port(0)
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .dispatcher(dispatcher)
                .build()
                .start();
        OpendeskClient client =
            OpendeskClient.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .transport(
                    uri ->
                        WebSocketClient.connect(uri)
                            .thenApply(
                                c -> {
                                  FaultyConnection faulty = FaultyConnection.wrap(c);
                                  link.set(faulty);
                                  return faulty;
                                }))
                .reconnect(
                    ReconnectPolicy.defaults()
                        .withDelays(Duration.ofMillis(20), Duration.ofMillis(200)))
                .build()) {
      client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1))).close();
      ClientSession session = client.connect(server.uri());
      FaultyConnection first = link.get();
      CompletableFuture<Map<String, Object>> inFlight = session.call("hang", Map.of());
      hanging.get(10, TimeUnit.SECONDS);

      first.lose();

      assertThatThrownBy(() -> inFlight.get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(ConnectionClosedException.class);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> link.get() != first && session.state() == ConnectionState.READY);
      assertThat(session.callBlocking("echo", Map.of("after", true))).containsEntry("after", true);
      assertThat(served).containsExactly("hang");
    }
  }
}

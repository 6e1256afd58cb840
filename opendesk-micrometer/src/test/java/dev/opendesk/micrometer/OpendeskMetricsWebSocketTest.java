package dev.opendesk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opendesk.ClientSession;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.ServerTransport;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The wiring {@link OpendeskMetrics}' documentation shows, over WebSocket on 127.0.0.1. */
@Timeout(60)
class OpendeskMetricsWebSocketTest {

  @Test
  void theDocumentedWiringRecordsCallsSessionsAndBytesOverWebSocket() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpendeskMetrics metrics = OpendeskMetrics.of(registry);
    try (OpendeskServer server =
            OpendeskServer.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .dispatcher(Dispatcher.builder().unary("echo", (ctx, params) -> params).build())
                .interceptor(metrics.calls())
                .listener(metrics.serverListener())
                .transport(
                    metrics.serverTransport(
                        ServerTransport.webSocket("127.0.0.1", 0, WebSocketOptions.defaults())))
                .build()
                .start();
        OpendeskClient client =
            OpendeskClient.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .interceptor(metrics.calls())
                .onHandshake(metrics.clientHandshakes())
                .transport(metrics.clientTransport(uri -> WebSocketClient.connect(uri)))
                .build();
        ClientSession session =
            client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1)))) {

      session.callBlocking("echo", Map.of("text", "over the wire"));

      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                assertThat(
                        registry.get("opendesk.calls").tag("direction", "inbound").timer().count())
                    .isEqualTo(1);
                assertThat(
                        registry.get("opendesk.calls").tag("direction", "outbound").timer().count())
                    .isEqualTo(1);
                assertThat(registry.get("opendesk.sessions.active").gauge().value()).isEqualTo(1);
                assertThat(
                        registry
                            .get("opendesk.bytes.received")
                            .tag("side", "server")
                            .counter()
                            .count())
                    .isEqualTo(
                        registry.get("opendesk.bytes.sent").tag("side", "client").counter().count())
                    .isPositive();
              });
    }
  }
}

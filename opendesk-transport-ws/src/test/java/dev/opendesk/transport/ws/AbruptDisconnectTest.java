package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A peer that vanishes (TCP reset or close without a WebSocket close) is noticed at once. */
class AbruptDisconnectTest {

  private static AcceptingServer server;

  @BeforeAll
  static void start() throws Exception {
    server = new AcceptingServer();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void resetByClientFailsServersPendingReceiveAndCloseFuture() throws Exception {
    RawPeer client = RawPeer.upgradedClient(server.uri());
    WebSocketConnection accepted = server.accepted();
    CompletableFuture<byte[]> pending = accepted.receive();
    client.reset();
    assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class);
    assertThatThrownBy(() -> accepted.closeFuture().get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("connection lost");
    assertThat(accepted.isOpen()).isFalse();
  }

  @Test
  void tcpCloseWithoutWebSocketCloseIsAnErrorClose() throws Exception {
    RawPeer client = RawPeer.upgradedClient(server.uri());
    WebSocketConnection accepted = server.accepted();
    client.close();
    assertThatThrownBy(() -> accepted.closeFuture().get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class)
        .hasMessageContaining("connection lost");
  }

  @Test
  void messageSentJustBeforeResetIsStillDeliveredWhenRead() throws Exception {
    RawPeer client = RawPeer.upgradedClient(server.uri());
    WebSocketConnection accepted = server.accepted();
    client.sendFrame(0x2, new byte[] {7, 7}, true);
    assertThat(accepted.receive().get(5, TimeUnit.SECONDS)).containsExactly(7, 7);
    client.reset();
    assertThatThrownBy(() -> accepted.receive().get(5, TimeUnit.SECONDS))
        .cause()
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void resetByServerFailsClientsPendingReceive() throws Exception {
    try (RawPeer.Server raw = new RawPeer.Server(true)) {
      WebSocketConnection client = WebSocketClient.connect(raw.uri()).get(10, TimeUnit.SECONDS);
      CompletableFuture<byte[]> pending = client.receive();
      raw.accepted.get(10, TimeUnit.SECONDS).reset();
      assertThatThrownBy(() -> pending.get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class);
      assertThatThrownBy(() -> client.closeFuture().get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class);
    }
  }
}

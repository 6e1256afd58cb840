package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opendesk.protocol.ConnectionClosedException;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Pings every interval; a peer that answers nothing within the pong window is dropped. */
class KeepaliveTest {

  // A pong window of a second, not less: on a loaded 2-core machine a healthy peer can take a few
  // hundred milliseconds to answer, and these tests must not mistake that for a dead one.
  private static final WebSocketOptions FAST =
      WebSocketOptions.builder()
          .pingInterval(Duration.ofMillis(100))
          .pongTimeout(Duration.ofSeconds(1))
          .build();

  @Test
  void serverDropsClientThatStopsAnsweringPings() throws Exception {
    try (AcceptingServer server = new AcceptingServer(FAST);
        RawPeer silent = RawPeer.upgradedClient(server.uri())) {
      WebSocketConnection accepted = server.accepted();
      assertThatThrownBy(() -> accepted.closeFuture().get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("keepalive");
      // The silent client sees the TCP connection end (after the pings it never answered).
      assertThat(silent.readUntilEof()).isPositive();
    }
  }

  @Test
  void clientDropsServerThatStopsAnsweringPings() throws Exception {
    try (RawPeer.Server raw = new RawPeer.Server(true)) {
      WebSocketConnection client =
          WebSocketClient.connect(raw.uri(), FAST).get(10, TimeUnit.SECONDS);
      assertThatThrownBy(() -> client.closeFuture().get(5, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("keepalive");
    }
  }

  @Test
  void peerThatAnswersPingsStaysOpen() throws Exception {
    AtomicInteger pings = new AtomicInteger();
    WebSocket.Listener countPings =
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet();
            ws.request(1);
            return null; // the JDK client answers with a pong by itself
          }
        };
    try (AcceptingServer server = new AcceptingServer(FAST)) {
      WebSocket jdk =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .buildAsync(server.uri(), countPings)
              .get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        // Thirty-five pings span more than three pong windows.
        await().atMost(Duration.ofSeconds(20)).until(() -> pings.get() >= 35);
        assertThat(accepted.isOpen()).isTrue();
        assertThat(jdk.isInputClosed()).isFalse();
      } finally {
        accepted.close();
        jdk.abort();
      }
    }
  }

  @Test
  void ourClientAndServerKeepEachOtherAliveWhileIdle() throws Exception {
    try (AcceptingServer server = new AcceptingServer(FAST)) {
      WebSocketConnection client =
          WebSocketClient.connect(server.uri(), FAST).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        // Idle for well over the pong window, and both ends stay open throughout.
        await()
            .during(Duration.ofMillis(2500))
            .atMost(Duration.ofSeconds(6))
            .until(() -> client.isOpen() && accepted.isOpen());
        client.send(new byte[] {1}).get(5, TimeUnit.SECONDS);
        assertThat(accepted.receive().get(5, TimeUnit.SECONDS)).containsExactly(1);
      } finally {
        client.close();
        accepted.close();
      }
    }
  }

  @Test
  void receiverPausedByBackpressureIsNotDroppedByEitherSide() throws Exception {
    try (AcceptingServer server = new AcceptingServer(FAST)) {
      WebSocketConnection client =
          WebSocketClient.connect(server.uri(), FAST).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        // Fill the server's bounded buffer and the sockets while it does not receive: sends stall.
        byte[] chunk = new byte[256 * 1024];
        long sentBytes = 0;
        boolean stalled = false;
        while (!stalled && sentBytes <= SocketBuffers.maxBytesInFlight()) {
          try {
            client.send(chunk.clone()).get(300, TimeUnit.MILLISECONDS);
            sentBytes += chunk.length;
          } catch (TimeoutException e) {
            stalled = true;
          }
        }
        assertThat(stalled).isTrue();
        // Neither side can read the other's pong now, yet both stay open over several pong windows.
        await()
            .during(Duration.ofMillis(2500))
            .atMost(Duration.ofSeconds(6))
            .until(() -> client.isOpen() && accepted.isOpen());
      } finally {
        client.close();
        accepted.close();
      }
    }
  }
}

package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The cap on accepted-but-not-upgraded connections: idle raw sockets beyond it evict the oldest,
 * and a real client arriving after a flood still gets in.
 */
class PendingUpgradeCapTest {

  private static final int CAP = 16;
  private static final int FLOOD = 100;

  // A long upgrade timeout, so only the cap (never the timeout) can free a slot during the test.
  private static final WebSocketOptions OPTIONS =
      WebSocketOptions.builder()
          .maxPendingUpgrades(CAP)
          .upgradeTimeout(Duration.ofSeconds(60))
          .build();

  private final List<Socket> raw = new ArrayList<>();

  @AfterEach
  void closeRawSockets() throws IOException {
    for (Socket s : raw) {
      s.close();
    }
  }

  /**
   * Opens {@code count} TCP connections that never send a byte, one at a time, each counted (and
   * any eviction it causes finished) by the server before the next, so the server sees them in the
   * order of {@link #raw}. Expects no other connections to the server.
   */
  private void flood(WebSocketServer server, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port());
      s.setSoTimeout(10_000);
      raw.add(s);
      int seen = raw.size();
      await()
          .atMost(Duration.ofSeconds(10))
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(1))
          .until(
              () ->
                  server.pendingUpgrades() == Math.min(seen, CAP)
                      && server.evictedUpgrades() == Math.max(0, seen - CAP));
    }
  }

  @Test
  void clientConnectsAndIsServedAfterAFloodOfIdleSockets() throws Exception {
    try (AcceptingServer server = new AcceptingServer(OPTIONS)) {
      flood(server.server, FLOOD);
      assertThat(server.server.pendingUpgrades()).isEqualTo(CAP);

      WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        Echo.start(accepted);
        byte[] message = "owner".getBytes(StandardCharsets.UTF_8);
        client.send(message).get(10, TimeUnit.SECONDS);
        assertThat(client.receive().get(10, TimeUnit.SECONDS)).isEqualTo(message);
      } finally {
        client.close();
        accepted.close();
      }
    }
  }

  @Test
  void oldestIdleSocketsAreClosedAndTheNewestKeepWaiting() throws Exception {
    try (AcceptingServer server = new AcceptingServer(OPTIONS)) {
      flood(server.server, FLOOD);

      assertThat(server.server.evictedUpgrades()).isEqualTo(FLOOD - CAP);
      assertThat(server.server.pendingUpgrades()).isEqualTo(CAP);
      for (Socket evicted : raw.subList(0, FLOOD - CAP)) {
        assertThat(readUntilClosed(evicted))
            .as("evicted socket sees its connection closed")
            .isTrue();
      }
    }
  }

  @Test
  void socketsThatGoAwayOrUpgradeFreeTheirSlots() throws Exception {
    try (AcceptingServer server = new AcceptingServer(OPTIONS)) {
      flood(server.server, CAP);
      WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        for (Socket s : raw) {
          s.close();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> server.server.pendingUpgrades() == 0);
        // The client took the slot of the oldest raw socket; the upgraded connection holds none.
        assertThat(server.server.evictedUpgrades()).isEqualTo(1);
      } finally {
        client.close();
        accepted.close();
      }
    }
  }

  /** True when the peer closed the connection (end of stream or reset) before the read timeout. */
  private static boolean readUntilClosed(Socket socket) throws IOException {
    try {
      return socket.getInputStream().read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }
}

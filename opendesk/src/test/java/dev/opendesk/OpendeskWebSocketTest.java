package dev.opendesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.opendesk.peer.Dispatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The module over real WebSocket connections on 127.0.0.1, with homes on disk. */
@Timeout(60)
class OpendeskWebSocketTest {

  private static final Dispatcher ECHO =
      Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

  @TempDir Path serverHome;
  @TempDir Path clientHome;

  private OpendeskServer startServer(int port) throws Exception {
    return OpendeskServer.builder().home(serverHome).port(port).dispatcher(ECHO).build().start();
  }

  private OpendeskClient client() throws Exception {
    return OpendeskClient.builder()
        .home(clientHome)
        .reconnect(
            ReconnectPolicy.defaults().withDelays(Duration.ofMillis(20), Duration.ofMillis(200)))
        .build();
  }

  @Test
  void theSessionReconnectsAcrossAServerClosedAndRestartedOnTheSamePortAndHome() throws Exception {
    OpendeskServer server = startServer(0);
    int port = server.port();
    try (OpendeskClient client = client()) {
      client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1))).close();
      ClientSession session = client.connect(server.uri());
      assertThat(session.callBlocking("echo", Map.of("n", 1L))).containsEntry("n", 1L);

      server.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> session.state() != ConnectionState.READY);
      server = startServer(port);
      await().atMost(Duration.ofSeconds(20)).until(() -> session.state() == ConnectionState.READY);

      assertThat(session.callBlocking("echo", Map.of("n", 2L))).containsEntry("n", 2L);
      assertThat(client.trustedPeers().list())
          .singleElement()
          .satisfies(
              entry -> {
                assertThat(entry.lastHost()).isEqualTo("127.0.0.1");
                assertThat(entry.lastPort()).isEqualTo(port);
              });
    } finally {
      server.close();
    }
  }

  @Test
  void connectingByKeyUsesTheRecordedAddress() throws Exception {
    try (OpendeskServer server = startServer(0);
        OpendeskClient client = client()) {
      byte[] serverKey;
      try (ClientSession paired =
          client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1)))) {
        serverKey = paired.serverKey();
      }

      try (ClientSession session = client.connect(serverKey)) {
        assertThat(session.uri().getPort()).isEqualTo(server.port());
        assertThat(session.callBlocking("echo", Map.of("k", true))).containsEntry("k", true);
      }
    }
  }

  @Test
  void aServerThatCannotListenFailsToStartAndIsClosed() throws Exception {
    try (OpendeskServer first = startServer(0)) {
      OpendeskServer second =
          OpendeskServer.builder().home(serverHome).port(first.port()).dispatcher(ECHO).build();

      assertThatThrownBy(second::start).isInstanceOf(java.io.IOException.class);
      assertThat(second.closeFuture()).isDone();
    }
  }

  @Test
  void closingServerAndClientLeavesNoThreadOrFileDescriptorBehind() throws Exception {
    // Warm up the JVM-wide pieces (shared handshake pool, Netty's static state) first.
    runOnce();
    int threadsBefore = liveOwnedThreads().size();
    long fdsBefore = openFileDescriptors();

    runOnce();

    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              assertThat(liveOwnedThreads()).hasSizeLessThanOrEqualTo(threadsBefore);
              assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore);
            });
  }

  @Test
  void acceptingConnectionsTakesNoThreadOfItsOwn() throws Exception {
    try (OpendeskServer server = startServer(0);
        OpendeskClient client = client()) {
      client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1))).close();
      List<ClientSession> sessions = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          sessions.add(client.connect(server.uri()));
        }
        for (ClientSession session : sessions) {
          assertThat(session.callBlocking("echo", Map.of("n", 1L))).containsEntry("n", 1L);
        }
        // The transport's own per-connection pool (WebSocketOptions.handlerExecutor unset) would
        // have started one thread at the first accept, kept for a minute.
        assertThat(liveOwnedThreads()).noneMatch(name -> name.startsWith("opendesk-ws-handler"));
      } finally {
        sessions.forEach(ClientSession::close);
      }
    }
  }

  private void runOnce() throws Exception {
    try (OpendeskServer server = startServer(0);
        OpendeskClient client = client()) {
      if (client.trustedPeers().list().isEmpty()) {
        client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1))).close();
      }
      ClientSession session = client.connect(server.uri());
      session.callBlocking("echo", Map.of());
      assertThat(liveOwnedThreads()).as("the threads this check watches").isNotEmpty();
    }
  }

  /** Threads this module or its transports started, excluding the JVM-wide shared pools. */
  private static List<String> liveOwnedThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .map(Thread::getName)
        .filter(n -> n.startsWith("opendesk-") && !n.startsWith("opendesk-handshake"))
        .toList();
  }

  private static long openFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : 0;
  }
}

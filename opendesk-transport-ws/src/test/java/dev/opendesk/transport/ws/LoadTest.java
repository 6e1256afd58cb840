package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many connections, one after another and all at once, against an echo server. */
class LoadTest {

  private static WebSocketServer server;

  @BeforeAll
  static void start() throws Exception {
    server = WebSocketServer.start("127.0.0.1", 0, Echo::start);
  }

  @AfterAll
  static void stop() {
    server.close();
    server.closeFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }

  private static java.net.URI uri() {
    return java.net.URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  private static byte[] numbered(int n) {
    return ByteBuffer.allocate(64).putInt(0, n).array();
  }

  /** One connection: connect, exchange a message, close, and wait until it is closed. */
  private static void cycle(int n) throws Exception {
    WebSocketConnection connection = WebSocketClient.connect(uri()).get(10, TimeUnit.SECONDS);
    connection.send(numbered(n));
    assertThat(ByteBuffer.wrap(connection.receive().get(10, TimeUnit.SECONDS)).getInt())
        .isEqualTo(n);
    connection.close();
    connection.closeFuture().get(10, TimeUnit.SECONDS);
  }

  private static long openFileDescriptors() throws IOException {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  @Test
  void thousandSequentialCyclesLeaveNoThreadsOrFileDescriptorsBehind() throws Exception {
    for (int i = 0; i < 20; i++) {
      cycle(i); // warm-up: event loops, handler pool thread, class loading
    }
    int threadsBefore = Thread.activeCount();
    long fdsBefore = openFileDescriptors();
    for (int i = 0; i < 1000; i++) {
      cycle(i);
    }
    // The server side closes a moment after the client sees its close; give it a bounded moment.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore + 2);
              assertThat(openFileDescriptors()).isLessThanOrEqualTo(fdsBefore + 4);
            });
  }

  @Test
  void twoHundredConcurrentConnectionsEachExchangeMessages() throws Exception {
    int connections = 200;
    int messagesEach = 10;
    List<CompletableFuture<WebSocketConnection>> connecting = new ArrayList<>();
    for (int c = 0; c < connections; c++) {
      connecting.add(WebSocketClient.connect(uri()));
    }
    List<WebSocketConnection> open = new ArrayList<>();
    for (CompletableFuture<WebSocketConnection> f : connecting) {
      open.add(f.get(20, TimeUnit.SECONDS));
    }
    try {
      for (int c = 0; c < connections; c++) {
        for (int m = 0; m < messagesEach; m++) {
          open.get(c).send(numbered(c * 1000 + m));
        }
      }
      for (int c = 0; c < connections; c++) {
        for (int m = 0; m < messagesEach; m++) {
          byte[] echoed = open.get(c).receive().get(20, TimeUnit.SECONDS);
          assertThat(ByteBuffer.wrap(echoed).getInt()).isEqualTo(c * 1000 + m);
        }
      }
    } finally {
      open.forEach(WebSocketConnection::close);
    }
    for (WebSocketConnection c : open) {
      c.closeFuture().get(20, TimeUnit.SECONDS);
    }
  }
}

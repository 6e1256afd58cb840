package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WebSocketServerTest {

  private static URI uri(WebSocketServer server, String path) {
    return URI.create("ws://127.0.0.1:" + server.port() + path);
  }

  @Test
  void portZeroPicksAnEphemeralPortThatPortReports() throws Exception {
    try (AcceptingServer server = new AcceptingServer()) {
      assertThat(server.server.port()).isPositive();
      assertThat(server.server.localAddress().getPort()).isEqualTo(server.server.port());
      assertThat(server.server.isSecure()).isFalse();
    }
  }

  @Test
  void connectionExposesTheRemoteHostAndPort() throws Exception {
    try (AcceptingServer server = new AcceptingServer()) {
      WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = server.accepted();
      try {
        assertThat(client.remoteHost()).isEqualTo("127.0.0.1");
        assertThat(client.remotePort()).isEqualTo(server.server.port());
        assertThat(accepted.remoteHost()).isEqualTo("127.0.0.1");
        assertThat(accepted.remotePort()).isPositive().isNotEqualTo(server.server.port());
        assertThat(accepted.remoteAddress().getPort()).isEqualTo(accepted.remotePort());
      } finally {
        client.close();
        accepted.close();
      }
    }
  }

  @Test
  void requestForAnotherPathIsRefused() throws Exception {
    try (AcceptingServer server =
        new AcceptingServer(WebSocketOptions.builder().path("/opendesk").build())) {
      assertThatThrownBy(
              () ->
                  WebSocketClient.connect(uri(server.server, "/elsewhere"))
                      .get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(WebSocketClientHandshakeException.class)
          .hasMessageContaining("404");
      WebSocketConnection client =
          WebSocketClient.connect(uri(server.server, "/opendesk?x=1")).get(10, TimeUnit.SECONDS);
      client.close();
      server.accepted().close();
    }
  }

  @Test
  void aDraftVersionOfTheProtocolIsAnswered426WithTheVersionWeSpeak() throws Exception {
    try (AcceptingServer server = new AcceptingServer();
        RawPeer draft = RawPeer.requestUpgrade(server.uri(), "8", "")) {
      String response = draft.responseHead();
      assertThat(response)
          .startsWith("HTTP/1.1 426")
          .containsIgnoringCase("sec-websocket-version: 13");
      assertThat(draft.readUntilEof()).as("the server closes after answering").isZero();
    }
  }

  @Test
  void handlerThatThrowsDoesNotStopAcceptingAndItsConnectionIsClosed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    BlockingQueue<WebSocketConnection> handled = new LinkedBlockingQueue<>();
    WebSocketServer server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            connection -> {
              if (calls.getAndIncrement() == 0) {
                throw new IllegalStateException("handler bug");
              }
              handled.add(connection);
            });
    try {
      WebSocketConnection first =
          WebSocketClient.connect(uri(server, "/")).get(10, TimeUnit.SECONDS);
      first.closeFuture().get(10, TimeUnit.SECONDS);
      WebSocketConnection second =
          WebSocketClient.connect(uri(server, "/")).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = handled.poll(10, TimeUnit.SECONDS);
      assertThat(accepted).isNotNull();
      second.send(new byte[] {5});
      assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).containsExactly(5);
      second.close();
      accepted.close();
    } finally {
      server.close();
      server.closeFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void handlerThatNeverReturnsDoesNotStopAccepting() throws Exception {
    CountDownLatch firstHandlerBlocked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    BlockingQueue<WebSocketConnection> handled = new LinkedBlockingQueue<>();
    WebSocketServer server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            connection -> {
              boolean first = calls.getAndIncrement() == 0;
              handled.add(connection);
              if (first) {
                firstHandlerBlocked.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            });
    try {
      // One connection at a time: handlers of concurrent upgrades run in no particular order
      // (different event loops, a thread pool), so the second connection is opened only once the
      // first one's handler is known to be stuck, and the next handled connection is its peer.
      WebSocketConnection first =
          WebSocketClient.connect(uri(server, "/")).get(10, TimeUnit.SECONDS);
      WebSocketConnection firstAccepted = handled.poll(10, TimeUnit.SECONDS);
      assertThat(firstHandlerBlocked.await(10, TimeUnit.SECONDS)).isTrue();
      WebSocketConnection second =
          WebSocketClient.connect(uri(server, "/")).get(10, TimeUnit.SECONDS);
      WebSocketConnection secondAccepted = handled.poll(10, TimeUnit.SECONDS);
      assertThat(secondAccepted).isNotNull();
      second.send(new byte[] {9});
      assertThat(secondAccepted.receive().get(10, TimeUnit.SECONDS)).containsExactly(9);
      first.close();
      second.close();
      firstAccepted.close();
      secondAccepted.close();
    } finally {
      release.countDown();
      server.close();
      server.closeFuture().get(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void closeClosesLiveConnectionsAndStopsAccepting() throws Exception {
    AcceptingServer server = new AcceptingServer();
    URI uri = server.uri();
    WebSocketConnection client = WebSocketClient.connect(uri).get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    server.close();
    // 1001 (going away) is an orderly close.
    client.closeFuture().get(10, TimeUnit.SECONDS);
    assertThat(accepted.isOpen()).isFalse();
    assertThat(server.server.closeFuture()).isCompleted();
    assertThatThrownBy(() -> WebSocketClient.connect(uri).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);
  }

  @Test
  void bindingATakenPortFailsWithIOException() throws Exception {
    try (AcceptingServer server = new AcceptingServer()) {
      assertThatThrownBy(() -> WebSocketServer.start("127.0.0.1", server.server.port(), c -> {}))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void clientThatNeverUpgradesIsDroppedAfterTheUpgradeTimeout() throws Exception {
    WebSocketOptions options =
        WebSocketOptions.builder().upgradeTimeout(Duration.ofMillis(200)).build();
    try (AcceptingServer server = new AcceptingServer(options);
        Socket silent = new Socket(InetAddress.getLoopbackAddress(), server.server.port())) {
      silent.setSoTimeout(10_000);
      assertThat(silent.getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void startRejectsBadArguments() {
    assertThatThrownBy(() -> WebSocketServer.start("127.0.0.1", 70000, c -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> WebSocketServer.start("127.0.0.1", 0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("handler");
  }
}

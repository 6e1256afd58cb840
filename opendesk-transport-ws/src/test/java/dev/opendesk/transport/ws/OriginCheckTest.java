package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Web pages (which always send {@code Origin}) reach the server only when it allows them. */
class OriginCheckTest {

  private static final WebSocketOptions ALLOWING_ONE =
      WebSocketOptions.builder().allowedOrigins(List.of("https://app.example:8443")).build();

  private final BlockingQueue<WebSocketConnection> handled = new LinkedBlockingQueue<>();

  private WebSocketServer start(WebSocketOptions options) throws Exception {
    return WebSocketServer.start("127.0.0.1", 0, options, handled::add);
  }

  private static URI uri(WebSocketServer server) {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  private static String statusLine(WebSocketServer server, String headers) throws Exception {
    try (RawPeer peer = RawPeer.requestUpgrade(uri(server), headers)) {
      return peer.responseHead().lines().findFirst().orElse("");
    }
  }

  private static void stop(WebSocketServer server) throws Exception {
    server.close();
    server.closeFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void upgradeWithAnOriginIsRefusedWith403ByDefault() throws Exception {
    WebSocketServer server = start(WebSocketOptions.defaults());
    try {
      assertThat(statusLine(server, "Origin: http://127.0.0.1:8080\r\n"))
          .startsWith("HTTP/1.1 403");
    } finally {
      stop(server);
    }
  }

  @Test
  void refusedWebPageIsNeverHandedToTheApplication() throws Exception {
    WebSocketServer server = start(WebSocketOptions.defaults());
    try (RawPeer page = RawPeer.requestUpgrade(uri(server), "Origin: https://evil.example\r\n")) {
      assertThat(page.responseHead()).startsWith("HTTP/1.1 403");
      assertThat(page.readUntilEof()).isGreaterThan(0); // the body, then the server closes
      WebSocketConnection nativeClient =
          WebSocketClient.connect(uri(server)).get(10, TimeUnit.SECONDS);
      WebSocketConnection accepted = handled.poll(10, TimeUnit.SECONDS);
      assertThat(accepted).isNotNull();
      assertThat(handled).isEmpty();
      nativeClient.close();
      accepted.close();
    } finally {
      stop(server);
    }
  }

  @Test
  void upgradeWithoutOriginIsServedByDefault() throws Exception {
    WebSocketServer server = start(WebSocketOptions.defaults());
    try {
      assertThat(statusLine(server, "")).startsWith("HTTP/1.1 101");
      assertThat(handled.poll(10, TimeUnit.SECONDS)).isNotNull().satisfies(c -> c.close());
    } finally {
      stop(server);
    }
  }

  @Test
  void originOnTheAllowListIsUpgradedWhateverItsCase() throws Exception {
    WebSocketServer server = start(ALLOWING_ONE);
    try {
      assertThat(statusLine(server, "Origin: HTTPS://App.Example:8443\r\n"))
          .startsWith("HTTP/1.1 101");
      assertThat(handled.poll(10, TimeUnit.SECONDS)).isNotNull().satisfies(c -> c.close());
    } finally {
      stop(server);
    }
  }

  @Test
  void originOffTheAllowListIsRefused() throws Exception {
    WebSocketServer server = start(ALLOWING_ONE);
    try {
      // Same host, other port: another origin.
      assertThat(statusLine(server, "Origin: https://app.example:9443\r\n"))
          .startsWith("HTTP/1.1 403");
    } finally {
      stop(server);
    }
  }

  @Test
  void olderSecWebSocketOriginHeaderIsCheckedToo() throws Exception {
    WebSocketServer server = start(ALLOWING_ONE);
    try {
      assertThat(statusLine(server, "Sec-WebSocket-Origin: https://evil.example\r\n"))
          .startsWith("HTTP/1.1 403");
    } finally {
      stop(server);
    }
  }

  @Test
  void aSecondOriginValueOffTheListIsRefused() throws Exception {
    WebSocketServer server = start(ALLOWING_ONE);
    try {
      assertThat(
              statusLine(
                  server, "Origin: https://app.example:8443\r\nOrigin: https://evil.example\r\n"))
          .startsWith("HTTP/1.1 403");
    } finally {
      stop(server);
    }
  }
}

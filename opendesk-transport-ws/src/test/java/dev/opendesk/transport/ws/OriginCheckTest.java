package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Web pages (which always send {@code Origin}) reach the server only when it allows them. */
class OriginCheckTest {

  private static final WebSocketOptions ALLOWING_ONE =
      WebSocketOptions.builder().allowedOrigins(List.of("https://app.example:8443")).build();

  private final BlockingQueue<WebSocketConnection> handled = new LinkedBlockingQueue<>();
  private WebSocketServer server;

  private URI start(WebSocketOptions options) throws Exception {
    server = WebSocketServer.start("127.0.0.1", 0, options, handled::add);
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  @AfterEach
  void stop() throws Exception {
    handled.forEach(WebSocketConnection::close);
    server.close();
    server.closeFuture().get(20, TimeUnit.SECONDS);
  }

  /** The status line the server answers an upgrade request with {@code headers} with. */
  private String statusLine(WebSocketOptions options, String headers) throws Exception {
    try (RawPeer peer = RawPeer.requestUpgrade(start(options), headers)) {
      return peer.responseHead().lines().findFirst().orElse("");
    }
  }

  @Test
  void upgradeWithAnOriginIsRefusedWith403ByDefault() throws Exception {
    assertThat(statusLine(WebSocketOptions.defaults(), "Origin: http://127.0.0.1:8080\r\n"))
        .startsWith("HTTP/1.1 403");
  }

  @Test
  void refusedWebPageIsNeverHandedToTheApplication() throws Exception {
    URI uri = start(WebSocketOptions.defaults());
    try (RawPeer page = RawPeer.requestUpgrade(uri, "Origin: https://evil.example\r\n")) {
      assertThat(page.responseHead()).startsWith("HTTP/1.1 403");
      assertThat(page.readUntilEof()).isGreaterThan(0); // the body, then the server closes
    }
    WebSocketConnection nativeClient = WebSocketClient.connect(uri).get(10, TimeUnit.SECONDS);
    assertThat(handled.poll(10, TimeUnit.SECONDS)).isNotNull().satisfies(c -> c.close());
    assertThat(handled).isEmpty();
    nativeClient.close();
  }

  @Test
  void upgradeWithoutOriginIsServedByDefault() throws Exception {
    assertThat(statusLine(WebSocketOptions.defaults(), "")).startsWith("HTTP/1.1 101");
    assertThat(handled.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void originOnTheAllowListIsUpgradedWhateverItsCase() throws Exception {
    assertThat(statusLine(ALLOWING_ONE, "Origin: HTTPS://App.Example:8443\r\n"))
        .startsWith("HTTP/1.1 101");
    assertThat(handled.poll(10, TimeUnit.SECONDS)).isNotNull();
  }

  @Test
  void originOffTheAllowListIsRefused() throws Exception {
    // Same host, other port: another origin.
    assertThat(statusLine(ALLOWING_ONE, "Origin: https://app.example:9443\r\n"))
        .startsWith("HTTP/1.1 403");
  }

  @Test
  void olderSecWebSocketOriginHeaderIsCheckedToo() throws Exception {
    assertThat(statusLine(ALLOWING_ONE, "Sec-WebSocket-Origin: https://evil.example\r\n"))
        .startsWith("HTTP/1.1 403");
  }

  @Test
  void aSecondOriginValueOffTheListIsRefused() throws Exception {
    assertThat(
            statusLine(
                ALLOWING_ONE,
                "Origin: https://app.example:8443\r\nOrigin: https://evil.example\r\n"))
        .startsWith("HTTP/1.1 403");
  }
}

package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.EventLoopGroup;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class WebSocketClientTest {

  @Test
  void connectToAClosedPortFails() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    assertThatThrownBy(
            () ->
                WebSocketClient.connect(URI.create("ws://127.0.0.1:" + port + "/"))
                    .get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void uriMustBeWsOrWssWithAHost() {
    assertThatThrownBy(() -> WebSocketClient.connect(URI.create("http://127.0.0.1:1/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scheme");
    assertThatThrownBy(() -> WebSocketClient.connect(URI.create("ws:/nohost")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
  }

  @Test
  void serverThatNeverAnswersTheUpgradeFailsTheConnectAfterTheTimeout() throws Exception {
    try (RawPeer.Server mute = new RawPeer.Server(false)) {
      WebSocketOptions options =
          WebSocketOptions.builder().upgradeTimeout(Duration.ofMillis(300)).build();
      assertThatThrownBy(
              () -> WebSocketClient.connect(mute.uri(), options).get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("upgrade");
    }
  }

  @Test
  void callerOwnedEventLoopGroupIsUsedAndLeftRunning() throws Exception {
    EventLoopGroup group = EventLoops.newGroup("test-shared", 1, true);
    try {
      WebSocketOptions options = WebSocketOptions.builder().eventLoopGroup(group).build();
      try (AcceptingServer server = new AcceptingServer(options)) {
        WebSocketConnection client =
            WebSocketClient.connect(server.uri(), options).get(10, TimeUnit.SECONDS);
        WebSocketConnection accepted = server.accepted();
        client.send(new byte[] {4});
        assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).containsExactly(4);
        client.close();
        accepted.close();
      }
      assertThat(group.isShuttingDown()).isFalse();
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}

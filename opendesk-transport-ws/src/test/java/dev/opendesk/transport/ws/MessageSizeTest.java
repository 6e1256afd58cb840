package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Messages at the WebSocket length-encoding boundaries and at the size limit, both directions. */
class MessageSizeTest {

  private static AcceptingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static byte[] random(int size, long seed) {
    byte[] message = new byte[size];
    new Random(seed).nextBytes(message);
    return message;
  }

  // 125/126 and 65535/65536 are where the frame header switches to 16- and 64-bit lengths.
  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(
      ints = {0, 1, 125, 126, 127, 65535, 65536, 65537, WebSocketOptions.DEFAULT_MAX_MESSAGE_SIZE})
  void messageOfSizeRoundTripsIntactBothWays(int size) throws Exception {
    WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    try {
      byte[] up = random(size, size);
      client.send(up.clone());
      assertThat(accepted.receive().get(20, TimeUnit.SECONDS)).isEqualTo(up);
      byte[] down = random(size, size + 1L);
      accepted.send(down.clone());
      assertThat(client.receive().get(20, TimeUnit.SECONDS)).isEqualTo(down);
    } finally {
      client.close();
      accepted.close();
    }
  }

  @Test
  void messageOverClientLimitClosesWith1009AndFailsReceive() throws Exception {
    WebSocketOptions small = WebSocketOptions.builder().maxMessageSize(1024).build();
    WebSocketConnection client =
        WebSocketClient.connect(server.uri(), small).get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    try {
      accepted.send(new byte[1025]);
      assertThatThrownBy(() -> client.receive().get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("larger than 1024 bytes")
          .hasMessageContaining("1009");
      // The server side learns why from the close status.
      assertThatThrownBy(() -> accepted.closeFuture().get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("1009");
    } finally {
      client.close();
      accepted.close();
    }
  }

  @Test
  void messageAtClientLimitIsAccepted() throws Exception {
    WebSocketOptions small = WebSocketOptions.builder().maxMessageSize(1024).build();
    WebSocketConnection client =
        WebSocketClient.connect(server.uri(), small).get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    try {
      accepted.send(new byte[1024]);
      assertThat(client.receive().get(10, TimeUnit.SECONDS)).hasSize(1024);
    } finally {
      client.close();
      accepted.close();
    }
  }
}

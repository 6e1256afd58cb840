package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import java.io.DataInputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Frames RFC 6455 forbids close the connection with status 1002 and a reason receive reports. */
class ProtocolViolationTest {

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
  void unmaskedFrameFromClientClosesWith1002() throws Exception {
    try (RawPeer client = RawPeer.upgradedClient(server.uri())) {
      WebSocketConnection accepted = server.accepted();
      client.sendFrame(0x2, new byte[] {1}, false); // clients must mask
      assertThatThrownBy(() -> accepted.receive().get(10, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(ConnectionClosedException.class)
          .hasMessageContaining("1002");
      DataInputStream in = new DataInputStream(client.socket.getInputStream());
      assertThat(in.readUnsignedByte()).as("FIN + close opcode").isEqualTo(0x88);
      assertThat(in.readUnsignedByte() & 0x7f).isGreaterThanOrEqualTo(2);
      assertThat(in.readUnsignedShort()).as("close status").isEqualTo(1002);
    }
  }
}

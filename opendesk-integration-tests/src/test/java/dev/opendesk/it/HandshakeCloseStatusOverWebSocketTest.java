package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue #14 item 11, over a real WebSocket: a server whose handshake fails closes with status 1008
 * (policy violation), as PROTOCOL.md and PAIRING-V2.md ask, and the client sees that status.
 */
@Timeout(60)
class HandshakeCloseStatusOverWebSocketTest {

  @Test
  void aRefusedHandshakeReachesTheClientAsCloseStatus1008() throws Exception {
    try (SecureStack stack =
        SecureStack.start(
            Identity.generate(),
            TrustedPeers.inMemory(),
            Handshake.defaults(),
            8,
            WebSocketOptions.defaults(),
            SecureStack.echo().build(),
            PeerOptions.defaults())) {
      WebSocketConnection client = WebSocketClient.connect(stack.uri()).get(10, TimeUnit.SECONDS);

      client
          .send(dev.opendesk.protocol.FrameCodec.standard().encodeMap(Map.of("v", 1L, "kind", "x")))
          .get(10, TimeUnit.SECONDS);

      assertThat(client.receive())
          .failsWithin(Duration.ofSeconds(10))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .isInstanceOf(ConnectionClosedException.class)
          .withMessageContaining("1008");
    }
  }
}

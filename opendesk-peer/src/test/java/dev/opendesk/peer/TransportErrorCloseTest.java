package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.Role;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * A transport that fails the pending receive before it records an error close (as the WebSocket
 * transport does when TCP closes without a WebSocket close): the peer fails its calls at once, and
 * its close future reports the transport's error, not an orderly close.
 */
class TransportErrorCloseTest {

  private final CompletableFuture<byte[]> pendingReceive = new CompletableFuture<>();
  private final CompletableFuture<Void> transportClosed = new CompletableFuture<>();
  private final Connection connection =
      new Connection() {
        @Override
        public CompletableFuture<Void> send(byte[] message) {
          return new CompletableFuture<>();
        }

        @Override
        public CompletableFuture<byte[]> receive() {
          return pendingReceive;
        }

        @Override
        public void close() {}

        @Override
        public CompletableFuture<Void> closeFuture() {
          return transportClosed;
        }

        @Override
        public boolean isOpen() {
          return !transportClosed.isDone();
        }
      };

  @Test
  void anErrorCloseRecordedAfterTheFailedReceiveFailsTheCloseFuture() {
    Peer peer = Peer.builder(connection, Role.CLIENT).build().start();
    CompletableFuture<Map<String, Object>> call = peer.call("anything", Map.of());

    pendingReceive.completeExceptionally(new ConnectionClosedException("connection lost"));

    assertThat(call)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(ConnectionClosedException.class);
    assertThat(peer.closeFuture()).isNotDone();
    transportClosed.completeExceptionally(
        new ConnectionClosedException("connection lost: no WebSocket close"));
    assertThat(peer.closeFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(ExecutionException.class)
        .withMessageContaining("no WebSocket close");
  }

  @Test
  void anOrderlyCloseRecordedAfterTheFailedReceiveCompletesTheCloseFutureNormally() {
    Peer peer = Peer.builder(connection, Role.CLIENT).build().start();

    pendingReceive.completeExceptionally(new ConnectionClosedException("connection closed"));
    transportClosed.complete(null);

    assertThat(peer.closeFuture()).succeedsWithin(Duration.ofSeconds(5));
  }
}

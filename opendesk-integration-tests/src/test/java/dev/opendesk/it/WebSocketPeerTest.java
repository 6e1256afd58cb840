package dev.opendesk.it;

import dev.opendesk.peer.testing.PeerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link PeerContract} suite over plain WebSocket on 127.0.0.1: the client peer on the
 * connecting end, the server peer on the accepted one.
 */
class WebSocketPeerTest extends PeerContract {

  private static AcceptingWebSocketServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingWebSocketServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Ends connect() throws Exception {
    AcceptingWebSocketServer.Pair pair = server.connect();
    return new Ends(pair.client(), pair.server());
  }

  /**
   * A TCP socket buffers bytes, not messages: as many of the contract's smallest bulk items (over
   * 256 bytes each) as fit in flight.
   */
  @Override
  protected int transportBufferedMessages() {
    return (int) (AcceptingWebSocketServer.maxBytesInFlight() / 256);
  }
}

package dev.opendesk.it;

import dev.opendesk.peer.testing.PeerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link PeerContract} suite over real WebSocket connections on 127.0.0.1: subclasses turn each
 * connected pair into the two ends the peers run on (the client peer on the connecting end).
 */
abstract class WebSocketPeerContract extends PeerContract {

  private static AcceptingWebSocketServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingWebSocketServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** The two ends the peers run on, made from a fresh WebSocket connection. */
  abstract Ends over(AcceptingWebSocketServer.Pair connection) throws Exception;

  @Override
  protected final Ends connect() throws Exception {
    return over(server.connect());
  }

  /**
   * A TCP socket buffers bytes, not messages: as many of the contract's bulk items (over 256 bytes
   * each) as fit in flight (encryption adds a few bytes per message).
   */
  @Override
  protected final int transportBufferedMessages() {
    return (int) (AcceptingWebSocketServer.maxBytesInFlight() / 256);
  }
}

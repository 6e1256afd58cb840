package dev.opendesk.transport.ws;

import dev.opendesk.protocol.testing.ConnectionContract;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Connection contract over real localhost sockets; subclasses choose which end comes first (the
 * first end sends in the one-way tests).
 */
abstract class WebSocketConnectionContract extends ConnectionContract {

  private static AcceptingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Whether the client end is {@link Ends#first()}. */
  abstract boolean clientFirst();

  @Override
  protected Ends connect() throws Exception {
    WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    return clientFirst() ? new Ends(client, accepted) : new Ends(accepted, client);
  }

  @Override
  protected long backpressureBound() {
    return SocketBuffers.maxBytesInFlight();
  }
}

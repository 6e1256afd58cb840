package dev.opendesk.transport.ws;

import dev.opendesk.protocol.testing.ConnectionContract;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Connection contract over real localhost sockets, the client end first (it sends in the one-way tests). */
class ClientFirstConnectionContractTest extends ConnectionContract {

  private static AcceptingServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingServer();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Ends connect() throws Exception {
    WebSocketConnection client = WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS);
    return new Ends(client, server.accepted());
  }

  @Override
  protected long backpressureBound() {
    return SocketBuffers.maxBytesInFlight();
  }
}

package dev.opendesk.transport.ws;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Test fixture: a server on 127.0.0.1 that queues every accepted connection for the test to take.
 */
final class AcceptingServer implements AutoCloseable {

  final WebSocketServer server;
  private final BlockingQueue<WebSocketConnection> accepted = new LinkedBlockingQueue<>();

  AcceptingServer(WebSocketOptions options) throws IOException {
    server = WebSocketServer.start("127.0.0.1", 0, options, accepted::add);
  }

  AcceptingServer() throws IOException {
    this(WebSocketOptions.defaults());
  }

  URI uri() {
    return URI.create(
        (server.isSecure() ? "wss" : "ws") + "://127.0.0.1:" + server.port() + server.path());
  }

  /** The next accepted connection; fails after 10 s. */
  WebSocketConnection accepted() throws InterruptedException {
    WebSocketConnection connection = accepted.poll(10, TimeUnit.SECONDS);
    if (connection == null) {
      throw new AssertionError("no connection accepted within 10 s");
    }
    return connection;
  }

  @Override
  public void close() {
    server.close();
    server.closeFuture().orTimeout(20, TimeUnit.SECONDS).join();
  }
}

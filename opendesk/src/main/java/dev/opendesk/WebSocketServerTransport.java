package dev.opendesk;

import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import dev.opendesk.transport.ws.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** The default {@link ServerTransport}: a {@link WebSocketServer}. Immutable, thread-safe. */
record WebSocketServerTransport(String host, int port, WebSocketOptions options)
    implements ServerTransport {

  @Override
  public Listening listen(Acceptor acceptor) throws IOException {
    WebSocketServer server =
        WebSocketServer.start(
            host,
            port,
            onTheEventLoopUnlessSet(options),
            connection -> acceptor.accept(connection, addressOf(connection)));
    URI uri =
        URI.create(
            (server.isSecure() ? "wss://" : "ws://")
                + (host.contains(":") ? "[" + host + "]" : host)
                + ":"
                + server.port()
                + server.path());
    return new Listening() {
      @Override
      public int port() {
        return server.port();
      }

      @Override
      public URI uri() {
        return uri;
      }

      @Override
      public void close() {
        server.close();
      }

      @Override
      public CompletableFuture<Void> closeFuture() {
        return server.closeFuture();
      }
    };
  }

  /**
   * The server's acceptor never blocks (it registers the connection with the handshake admission,
   * whose steps run on the handshake executor), so unless the caller chose an executor it runs on
   * the event loop that opened the connection: no hand-off per connection, and no pool that grows
   * with a burst of them (docs/scale.md).
   */
  private static WebSocketOptions onTheEventLoopUnlessSet(WebSocketOptions options) {
    return options.handlerExecutor().isPresent()
        ? options
        : options.toBuilder().handlerExecutor(Runnable::run).build();
  }

  private static String addressOf(WebSocketConnection connection) {
    return connection.remoteHost() + ":" + connection.remotePort();
  }
}

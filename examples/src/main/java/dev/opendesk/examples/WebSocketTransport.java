package dev.opendesk.examples;

import dev.opendesk.protocol.Connection;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * The tools' transport: WebSocket, binary messages (PROTOCOL.md §1, §8). Stateless, thread-safe.
 */
final class WebSocketTransport {

  private WebSocketTransport() {}

  /**
   * Serves {@code server} on {@code host:port} ({@code 0}: a free port); returns once bound. Each
   * accepted connection is handed to {@link DemoServer#accept}, which never blocks or throws.
   */
  static Listener listen(DemoServer server, String host, int port) throws IOException {
    WebSocketServer ws = WebSocketServer.start(host, port, server::accept);
    URI uri =
        URI.create(
            "ws://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + ws.port() + ws.path());
    Dialer dialer = dialer(uri);
    return new Listener() {
      @Override
      public Dialer dialer() {
        return dialer;
      }

      @Override
      public void close() {
        server.close();
        ws.close();
        // Bounded: the server's threads are daemons, so a slow close never keeps the JVM alive.
        ws.closeFuture().completeOnTimeout(null, 10, java.util.concurrent.TimeUnit.SECONDS).join();
      }
    };
  }

  /** Connects to {@code uri} ({@code ws://} or {@code wss://}). */
  static Dialer dialer(URI uri) {
    Objects.requireNonNull(uri, "uri");
    return new Dialer() {
      @Override
      public URI uri() {
        return uri;
      }

      @Override
      public CompletableFuture<? extends Connection> dial() {
        return WebSocketClient.connect(uri);
      }
    };
  }
}

package dev.opendesk;

import dev.opendesk.protocol.Connection;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Where an {@link OpendeskServer}'s connections come from: WebSocket by default ({@link
 * OpendeskServer.Builder#host}, {@link OpendeskServer.Builder#port}), or a {@link
 * LoopbackTransport} for tests that need no sockets. Implementations are thread-safe.
 */
@FunctionalInterface
public interface ServerTransport {

  /**
   * Starts accepting connections; returns once it does.
   *
   * @param acceptor receives each new connection; it never blocks or throws
   * @throws IOException if the transport cannot listen (e.g. the port is taken)
   */
  Listening listen(Acceptor acceptor) throws IOException;

  /**
   * A WebSocket server on {@code host}:{@code port} (0 for a free port): what {@link
   * OpendeskServer} listens on by default, for wrapping in a decorator (e.g. one that counts
   * bytes).
   */
  static ServerTransport webSocket(String host, int port, WebSocketOptions options) {
    return new WebSocketServerTransport(host, port, options);
  }

  /** Receives accepted connections. */
  @FunctionalInterface
  interface Acceptor {
    /**
     * Takes ownership of {@code connection}.
     *
     * @param remoteAddress where it came from, for logs and {@link SessionInfo}, e.g. {@code
     *     127.0.0.1:50312}
     */
    void accept(Connection connection, String remoteAddress);
  }

  /** A transport that is listening; closing stops accepting (open connections stay open). */
  interface Listening extends AutoCloseable {
    /** The port clients connect to. */
    int port();

    /** How clients reach this server, e.g. {@code ws://127.0.0.1:8423/}. */
    URI uri();

    /** Stops accepting new connections. Idempotent. */
    @Override
    void close();

    /** Completes once the transport has stopped accepting and released what it held. */
    CompletableFuture<Void> closeFuture();
  }
}

package dev.opendesk;

import dev.opendesk.protocol.Connection;
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

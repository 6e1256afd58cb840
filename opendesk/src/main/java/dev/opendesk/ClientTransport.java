package dev.opendesk;

import dev.opendesk.protocol.Connection;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * How an {@link OpendeskClient} opens connections: WebSocket by default, a {@link
 * LoopbackTransport} in tests, or a decorator of either (e.g. one that injects faults or counts
 * bytes). Implementations are thread-safe.
 */
@FunctionalInterface
public interface ClientTransport {

  /** Opens a connection to the server at {@code uri}; fails if it cannot be reached. */
  CompletableFuture<? extends Connection> connect(URI uri);
}

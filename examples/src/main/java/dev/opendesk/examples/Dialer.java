package dev.opendesk.examples;

import dev.opendesk.protocol.Connection;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/** Opens connections to one server address. Implementations are thread-safe. */
interface Dialer {

  /** The server's address, e.g. {@code ws://127.0.0.1:8423/}. */
  URI uri();

  /** Opens a new connection to the server. */
  CompletableFuture<? extends Connection> dial();
}

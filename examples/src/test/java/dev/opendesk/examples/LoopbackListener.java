package dev.opendesk.examples;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import java.net.URI;
import java.util.concurrent.CompletableFuture;

/**
 * Serves a {@link DemoServer} in-process: every dial is a fresh {@link LoopbackConnection} pair.
 */
final class LoopbackListener implements Listener {

  private final DemoServer server;

  LoopbackListener(DemoServer server) {
    this.server = server;
  }

  @Override
  public Dialer dialer() {
    return new Dialer() {
      @Override
      public URI uri() {
        return URI.create("loopback://in-process:1/");
      }

      @Override
      public CompletableFuture<? extends Connection> dial() {
        LoopbackConnection.Pair pair = LoopbackConnection.pair();
        server.accept(pair.second());
        return CompletableFuture.completedFuture(pair.first());
      }
    };
  }

  @Override
  public void close() {
    server.close();
  }
}

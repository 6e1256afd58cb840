package dev.opendesk;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.LoopbackConnection;
import java.io.IOException;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An in-process network for one server: an {@link OpendeskServer} listens on it and {@link
 * OpendeskClient}s connect to it over {@link LoopbackConnection}s, so application tests run the
 * whole stack (pairing, encryption, sessions, reconnects) without sockets. The server may be closed
 * and a new one started on the same transport; connecting while none listens fails like a refused
 * TCP connection.
 *
 * <pre>{@code
 * LoopbackTransport network = new LoopbackTransport();
 * OpendeskServer server = OpendeskServer.builder().transport(network).trustedPeers(TrustedPeers.inMemory())
 *     .identity(Identity.generate()).dispatcher(dispatcher).build().start();
 * OpendeskClient client = OpendeskClient.builder().transport(network)...
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class LoopbackTransport implements ServerTransport, ClientTransport {

  /** The port a loopback server reports (there is none; it only appears in trust entries). */
  public static final int PORT = 8423;

  /** The URI clients pass to connect. */
  public static final URI URI = java.net.URI.create("loopback://opendesk:" + PORT + "/");

  private final AtomicReference<Acceptor> listening = new AtomicReference<>();
  private final AtomicLong connections = new AtomicLong();

  /** A network with no server listening yet. */
  public LoopbackTransport() {}

  @Override
  public Listening listen(Acceptor acceptor) throws IOException {
    if (!listening.compareAndSet(null, acceptor)) {
      throw new IOException("a server is already listening on this loopback transport");
    }
    CompletableFuture<Void> closed = new CompletableFuture<>();
    return new Listening() {
      @Override
      public int port() {
        return PORT;
      }

      @Override
      public URI uri() {
        return URI;
      }

      @Override
      public void close() {
        listening.compareAndSet(acceptor, null);
        closed.complete(null);
      }

      @Override
      public CompletableFuture<Void> closeFuture() {
        return closed.copy();
      }
    };
  }

  /** Connects to the listening server, whatever {@code uri} says. */
  @Override
  public CompletableFuture<Connection> connect(URI uri) {
    Acceptor acceptor = listening.get();
    if (acceptor == null) {
      return CompletableFuture.failedFuture(
          new ConnectionClosedException("connection refused: no server listens on " + URI));
    }
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    acceptor.accept(pair.second(), "loopback:" + connections.incrementAndGet());
    return CompletableFuture.completedFuture(pair.first());
  }

  @Override
  public String toString() {
    return "LoopbackTransport[" + (listening.get() == null ? "idle" : "listening") + "]";
  }
}

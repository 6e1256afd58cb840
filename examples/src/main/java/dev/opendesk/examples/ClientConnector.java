package dev.opendesk.examples;

import dev.opendesk.ClientSession;
import dev.opendesk.ClientTransport;
import dev.opendesk.OpendeskClient;
import dev.opendesk.ReconnectPolicy;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.Caller;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The client side of every tool: an {@link OpendeskClient} for one server address that pairs with a
 * code (recording the server in the home's trust store) or authenticates with the server trusted
 * there, and returns a ready session with a tap on its frames. One-shot tools: the session does not
 * reconnect. Blocking, every step bounded. Thread-safe (stateless).
 */
final class ClientConnector {

  /** The name clients announce in their HELLO (servers store it in their trust store). */
  static final String PRINCIPAL = "opendesk-demo client";

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  private final URI uri;
  private final ClientTransport transport;
  private final Path home;

  /**
   * @param transport how to reach the server, or {@code null} for WebSocket
   */
  ClientConnector(URI uri, ClientTransport transport, Path home) {
    this.uri = Objects.requireNonNull(uri, "uri");
    this.transport = transport;
    this.home = Objects.requireNonNull(home, "home");
  }

  /**
   * A ready session, the frames its connection carries, and whether it began with a pairing.
   * Closing closes the session and its client.
   */
  record Connected(OpendeskClient client, ClientSession session, FrameTap tap, boolean paired)
      implements AutoCloseable {
    /** The calling surface. */
    Caller peer() {
      return session;
    }

    @Override
    public void close() {
      session.close();
      client.close();
    }
  }

  /**
   * Pairs with {@code code}; the server is stored in the home's trust store with its address.
   *
   * @param beforeStart runs before the first connection, e.g. to register push handlers that must
   *     see the server's first push
   */
  Connected pair(PairingCode code, boolean legacy, Consumer<Caller> beforeStart) throws Exception {
    AtomicReference<FrameTap> tap = new AtomicReference<>();
    OpendeskClient client = client(tap);
    try {
      ClientSession session =
          client.pair(uri, code, Pairing.mode(legacy), s -> beforeStart.accept(s));
      return new Connected(client, session, tap.get(), true);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Authenticates with the server trusted in the home for this address. */
  Connected auth(Consumer<Caller> beforeStart) throws Exception {
    AtomicReference<FrameTap> tap = new AtomicReference<>();
    OpendeskClient client = client(tap);
    try {
      ClientSession session = client.connect(uri, s -> beforeStart.accept(s));
      return new Connected(client, session, tap.get(), false);
    } catch (IOException e) {
      client.close();
      throw new IOException(e.getMessage() + " (pair --url URL --code CODE --home DIR)", e);
    } catch (Exception e) {
      client.close();
      throw e;
    }
  }

  /** Pairs when {@code code} is given, authenticates otherwise. */
  Connected connect(PairingCode code, boolean legacy, Consumer<Caller> beforeStart)
      throws Exception {
    return code != null ? pair(code, legacy, beforeStart) : auth(beforeStart);
  }

  private OpendeskClient client(AtomicReference<FrameTap> tap) throws IOException {
    OpendeskClient.Builder builder =
        OpendeskClient.builder()
            .home(home)
            .name(PRINCIPAL)
            .reconnect(ReconnectPolicy.never())
            .handshake(Handshake.builder().stepTimeout(STEP_TIMEOUT).build())
            .sessionConnectionDecorator(
                connection -> {
                  FrameTap t = new FrameTap(connection);
                  tap.set(t);
                  return t;
                });
    if (transport != null) {
      builder.transport(transport);
    }
    return builder.build();
  }
}

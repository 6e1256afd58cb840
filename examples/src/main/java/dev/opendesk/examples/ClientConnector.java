package dev.opendesk.examples;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Role;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The client side of every tool: connects to a server, pairs with a code (recording the server in
 * the home's trust store) or authenticates with the server already trusted there, exchanges HELLOs
 * and returns a started {@link Peer}. Blocking, every step bounded. Thread-safe (stateless).
 */
final class ClientConnector {

  /** The name clients announce in their HELLO (servers store it in their trust store). */
  static final String PRINCIPAL = "opendesk-demo client";

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(10);

  private final Dialer dialer;
  private final Home home;
  private final Handshake handshake = Handshake.builder().stepTimeout(STEP_TIMEOUT).build();

  ClientConnector(Dialer dialer, Home home) {
    this.dialer = Objects.requireNonNull(dialer, "dialer");
    this.home = Objects.requireNonNull(home, "home");
  }

  /**
   * A started session: the peer, the handshake that authenticated it, and a tap showing the frames
   * the peer sends and receives. Closing closes the peer.
   */
  record Connected(Peer peer, Session session, FrameTap tap) implements AutoCloseable {
    @Override
    public void close() {
      peer.close();
    }
  }

  /**
   * Pairs with {@code code}; the server is stored in the home's trust store with its address.
   *
   * @param beforeStart runs before the receive loop starts, e.g. to register push handlers that
   *     must see the server's first push
   */
  Connected pair(PairingCode code, boolean legacy, Consumer<Peer> beforeStart) throws Exception {
    Identity identity = home.identity();
    TrustedPeers trusted = home.trustedPeers();
    Connection connection = await(dialer.dial(), "connect to " + dialer.uri());
    Session session =
        await(
            Pairing.pairClient(handshake, connection, identity, code, trusted, legacy), "pairing");
    Connected connected = open(session, beforeStart);
    try {
      // The server becomes trusted (and stored) once its HELLO has opened under the new keys.
      await(session.trusted(), "storing the server in the trust store");
      trusted.updateLastSeen(session.remotePublicKey(), dialer.uri().getHost(), port(dialer.uri()));
    } catch (Exception e) {
      connected.close();
      throw e;
    }
    return connected;
  }

  /**
   * Authenticates with the server trusted in the home for this address (see {@link
   * #trustedServer}).
   */
  Connected auth(Consumer<Peer> beforeStart) throws Exception {
    Identity identity = home.identity();
    TrustedPeer server = trustedServer();
    Connection connection = await(dialer.dial(), "connect to " + dialer.uri());
    Session session =
        await(handshake.authClient(connection, identity, server.publicKey()), "authentication");
    return open(session, beforeStart);
  }

  /** Pairs when {@code code} is given, authenticates otherwise. */
  Connected connect(PairingCode code, boolean legacy, Consumer<Peer> beforeStart) throws Exception {
    return code != null ? pair(code, legacy, beforeStart) : auth(beforeStart);
  }

  /**
   * The trusted server to expect at this address: the entry last seen at this host and port, or
   * else the only entry of the trust store.
   *
   * @throws IOException if there is no such entry, or several and none matches the address
   */
  TrustedPeer trustedServer() throws IOException {
    URI uri = dialer.uri();
    List<TrustedPeer> all = home.trustedPeers().list();
    for (TrustedPeer p : all) {
      if (uri.getHost().equals(p.lastHost()) && Integer.valueOf(port(uri)).equals(p.lastPort())) {
        return p;
      }
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    throw new IOException(
        (all.isEmpty() ? "no trusted server in " : "no trusted server for " + uri + " in ")
            + home.dir().resolve("trusted-peers.json")
            + ": pair first (pair --url URL --code CODE --home DIR)");
  }

  private Connected open(Session session, Consumer<Peer> beforeStart) throws Exception {
    FrameTap tap = new FrameTap(session.connection());
    Peer peer = Peer.builder(tap, Role.CLIENT).remotePublicKey(session.remotePublicKey()).build();
    try {
      beforeStart.accept(peer);
      await(peer.hello(PRINCIPAL, Map.of()), "HELLO exchange");
      peer.start();
      return new Connected(peer, session, tap);
    } catch (Exception | Error e) {
      peer.close();
      throw e;
    }
  }

  static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "wss".equals(uri.getScheme()) ? 443 : 80;
  }

  /** Waits for a step, bounded; unwraps its failure so messages read well. */
  static <T> T await(CompletableFuture<T> step, String what) throws Exception {
    try {
      return step.get(STEP_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw e;
    } catch (TimeoutException e) {
      step.cancel(true);
      throw new TimeoutException(what + " took longer than " + STEP_TIMEOUT.toSeconds() + " s");
    }
  }
}

package dev.opendesk.examples;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.HandshakeAdmission;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingApprover;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Role;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The demo server's session logic, one call of {@link #accept} per connection: handshake (auth, or
 * pairing while a code is armed), a server {@link Peer} serving the dispatcher, the HELLO exchange,
 * the {@code demo.tick} push, then the receive loop. Each connection is independent: one that fails
 * or misbehaves is closed and reported, and nothing else is affected.
 *
 * <p>Thread-safe.
 */
final class DemoServer implements AutoCloseable {

  /** The push every session receives right after the HELLO exchange. */
  static final String TICK_TOPIC = "demo.tick";

  /** The name this server announces in its HELLO (clients store it in their trust store). */
  static final String PRINCIPAL = "opendesk-demo server";

  private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(10);

  private final Identity identity;
  private final TrustedPeers trustedPeers;
  private final PairingGate pairing;
  private final Dispatcher dispatcher;
  private final HandshakeAdmission handshakes;
  private final Consumer<String> events;
  private final Set<Peer> peers = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /**
   * @param events where one-line session events go (e.g. {@code System.out::println})
   */
  DemoServer(
      Identity identity,
      TrustedPeers trustedPeers,
      PairingGate pairing,
      Dispatcher dispatcher,
      Consumer<String> events) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.trustedPeers = Objects.requireNonNull(trustedPeers, "trustedPeers");
    this.pairing = Objects.requireNonNull(pairing, "pairing");
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.events = Objects.requireNonNull(events, "events");
    // Caps connections still in their handshake, evicting the oldest, so idle strangers cannot
    // keep a trusted client out.
    this.handshakes =
        HandshakeAdmission.create(
            Handshake.builder()
                .stepTimeout(Duration.ofSeconds(10))
                // Keeps `serve --legacy-pairing` working as before until it asks the user to
                // confirm the client's fingerprint (the library now refuses legacy v1 pairing
                // on a server that has no approver).
                .approver(PairingApprover.insecureApproveAllIncludingLegacyV1())
                .build(),
            HandshakeAdmission.DEFAULT_MAX_PENDING);
  }

  /** The server's identity. */
  Identity identity() {
    return identity;
  }

  /**
   * Serves one connection; the returned future completes with the started peer, or fails (the
   * connection is then closed). Never throws.
   */
  CompletableFuture<Peer> accept(Connection connection) {
    if (closed) {
      connection.close();
      return CompletableFuture.failedFuture(new IllegalStateException("server closed"));
    }
    CompletableFuture<Peer> started =
        handshakes
            .serve(connection, identity, trustedPeers, pairing)
            .thenCompose(this::startSession);
    started.whenComplete(
        (peer, failure) -> {
          if (failure != null) {
            connection.close();
            events.accept("session failed: " + Main.describe(failure));
          }
        });
    return started;
  }

  private CompletableFuture<Peer> startSession(Session session) {
    Peer peer =
        Peer.builder(session.connection(), Role.SERVER)
            .dispatcher(dispatcher)
            .remotePublicKey(session.remotePublicKey())
            .build();
    peers.add(peer);
    peer.closeFuture().whenComplete((v, e) -> peers.remove(peer));
    if (closed) {
      peer.close();
    }
    String who = session.remoteFingerprint();
    return peer.hello(PRINCIPAL, Map.of())
        .orTimeout(HELLO_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        // After a pairing the client's HELLO is delivered only once it is trusted and stored.
        .thenCompose(hello -> session.trusted())
        .thenCompose(v -> peer.push(TICK_TOPIC, Map.of("n", 1L)))
        .thenApply(
            v -> {
              peer.start();
              events.accept((session.isPairing() ? "paired with " : "authenticated ") + who);
              return peer;
            })
        .whenComplete(
            (p, failure) -> {
              if (failure != null) {
                peer.close();
              }
            });
  }

  /** Closes every open session. Idempotent. */
  @Override
  public void close() {
    closed = true;
    for (Peer peer : List.copyOf(peers)) {
      peer.close();
    }
  }
}

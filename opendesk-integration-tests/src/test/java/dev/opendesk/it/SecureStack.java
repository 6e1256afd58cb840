package dev.opendesk.it;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.HandshakeAdmission;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import dev.opendesk.transport.ws.WebSocketServer;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole stack as an application runs it: a {@link WebSocketServer} on 127.0.0.1 whose
 * connections go through {@link HandshakeAdmission} (authentication against a trust store) into a
 * server {@link Peer}, and clients that connect, authenticate and start a client peer. Used by the
 * fault, load, limit and soak tests and, through {@link KillableServer}, in a child JVM.
 * Thread-safe.
 */
final class SecureStack implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(20);

  final Identity serverIdentity;
  final TrustedPeers trust;
  final Handshake handshake;
  final HandshakeAdmission admission;
  final WebSocketServer server;
  final Set<Peer> serverPeers = ConcurrentHashMap.newKeySet();
  final AtomicLong handshakesFailed = new AtomicLong();

  private SecureStack(
      Identity serverIdentity,
      TrustedPeers trust,
      Handshake handshake,
      int maxPending,
      WebSocketOptions wsOptions,
      Dispatcher dispatcher,
      PeerOptions peerOptions)
      throws IOException {
    this.serverIdentity = serverIdentity;
    this.trust = trust;
    this.handshake = handshake;
    this.admission = HandshakeAdmission.create(handshake, maxPending);
    this.server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            wsOptions,
            connection ->
                admission
                    .serve(connection, serverIdentity, trust, null)
                    .whenComplete(
                        (session, failure) -> {
                          if (failure != null) {
                            handshakesFailed.incrementAndGet();
                          } else {
                            servePeer(session, dispatcher, peerOptions);
                          }
                        }));
  }

  /** Starts a server; {@code trust} holds the clients allowed in. */
  static SecureStack start(
      Identity serverIdentity,
      TrustedPeers trust,
      Handshake handshake,
      int maxPending,
      WebSocketOptions wsOptions,
      Dispatcher dispatcher,
      PeerOptions peerOptions)
      throws IOException {
    return new SecureStack(
        serverIdentity, trust, handshake, maxPending, wsOptions, dispatcher, peerOptions);
  }

  /** A server with default handshake, options and cap. */
  static SecureStack start(Identity serverIdentity, TrustedPeers trust, Dispatcher dispatcher)
      throws IOException {
    return start(
        serverIdentity,
        trust,
        Handshake.defaults(),
        HandshakeAdmission.DEFAULT_MAX_PENDING,
        WebSocketOptions.defaults(),
        dispatcher,
        PeerOptions.defaults());
  }

  private void servePeer(Session session, Dispatcher dispatcher, PeerOptions peerOptions) {
    Peer peer =
        Peer.builder(session.connection(), Role.SERVER)
            .dispatcher(dispatcher)
            .options(peerOptions)
            .remotePublicKey(session.remotePublicKey())
            .build();
    serverPeers.add(peer);
    peer.closeFuture().whenComplete((v, e) -> serverPeers.remove(peer));
    peer.hello()
        .whenComplete(
            (hello, failure) -> {
              if (failure != null) {
                peer.close();
              } else {
                peer.start();
              }
            });
  }

  URI uri() {
    return uri(server.port());
  }

  static URI uri(int port) {
    return URI.create("ws://127.0.0.1:" + port + "/");
  }

  /** Connects, authenticates as {@code client} and returns a started client peer. */
  Peer connect(Identity client, PeerOptions options) throws Exception {
    return connect(uri(), client, serverIdentity.publicKey(), options)
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * Connects to {@code uri}, authenticates against {@code serverKey}, exchanges HELLOs;
   * asynchronous.
   */
  static CompletableFuture<Peer> connect(
      URI uri, Identity client, byte[] serverKey, PeerOptions options) {
    return WebSocketClient.connect(uri)
        .thenCompose(
            (WebSocketConnection connection) ->
                Handshake.defaults().authClient(connection, client, serverKey))
        .thenCompose(
            session -> {
              Peer peer =
                  Peer.builder(session.connection(), Role.CLIENT)
                      .options(options)
                      .remotePublicKey(session.remotePublicKey())
                      .build();
              return peer.hello()
                  .handle(
                      (hello, failure) -> {
                        if (failure != null) {
                          peer.close();
                          throw new java.util.concurrent.CompletionException(failure);
                        }
                        return peer.start();
                      });
            });
  }

  /** An echo dispatcher with the methods the load and soak tests use. */
  static Dispatcher.Builder echo() {
    return Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
        "count",
        (ctx, params, sink) -> {
          long to = ((Number) params.get("to")).longValue();
          for (long i = 0; i < to; i++) {
            sink.next(Map.of("i", i));
          }
        });
  }

  @Override
  public void close() throws Exception {
    server.close();
    server.closeFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (Peer peer : serverPeers) {
      peer.close();
    }
  }
}

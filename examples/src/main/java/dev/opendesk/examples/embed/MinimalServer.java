package dev.opendesk.examples.embed;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A minimal opendesk server over WebSocket: one {@code echo} method, trusted clients authenticate,
 * and one new client may pair with the printed code. Run it, then {@link MinimalClient} with the
 * printed URL and code.
 */
public final class MinimalServer {

  private MinimalServer() {}

  /**
   * Starts the server on 127.0.0.1:8423 with its keys in {@code ./server-home}, and runs until
   * killed.
   */
  public static void main(String[] args) throws Exception {
    PairingCode code = PairingCode.random();
    WebSocketServer server = start(Path.of("server-home"), 8423, code);
    System.out.println(
        "listening on ws://127.0.0.1:" + server.port() + "/, pairing code " + code.digits());
    server.closeFuture().join();
  }

  /**
   * Starts the server; {@code port} 0 picks a free port ({@link WebSocketServer#port()}).
   *
   * @param home where the server keeps {@code identity.key} and {@code trusted-peers.json}
   * @param code the code one new client may pair with in the next five minutes
   */
  public static WebSocketServer start(Path home, int port, PairingCode code) throws IOException {
    // The server's long-lived key pair, and the clients it trusts (created on first use).
    Identity identity = Identity.loadOrCreate(home.resolve("identity.key"));
    TrustedPeers trusted = TrustedPeers.open(home.resolve("trusted-peers.json"));
    // One pairing (v2, SPAKE2) is allowed, with this code, for five minutes; the first attempt
    // consumes it, whatever its outcome.
    PairingGate pairing = new PairingGate();
    pairing.arm(code, PairingMode.V2, Duration.ofMinutes(5));

    // What clients may call. One dispatcher serves every connection.
    Dispatcher dispatcher = Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

    // Per connection: the handshake (pairing or authentication), then a Peer on the encrypted
    // connection, the HELLO exchange, and the receive loop. Nothing here blocks.
    return WebSocketServer.start(
        "127.0.0.1",
        port,
        connection ->
            Handshake.defaults()
                .serve(connection, identity, trusted, pairing)
                .thenCompose(
                    session -> {
                      Peer peer =
                          Peer.builder(session.connection(), Role.SERVER)
                              .dispatcher(dispatcher)
                              .remotePublicKey(session.remotePublicKey())
                              .build();
                      return peer.hello().thenApply(clientHello -> peer.start());
                    })
                .exceptionally(
                    failure -> {
                      // A failed handshake has closed the connection already; closing again is
                      // harmless.
                      connection.close();
                      return null;
                    }));
  }
}

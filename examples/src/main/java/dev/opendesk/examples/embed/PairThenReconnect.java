package dev.opendesk.examples.embed;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * First contact and every contact after it: pair once with a code (each side records the other in
 * its trust store), then reconnect with the authentication handshake, no code needed. Runs a {@link
 * MinimalServer} and a client in one process.
 */
public final class PairThenReconnect {

  private PairThenReconnect() {}

  /** Runs the flow with temporary homes and prints what happens. */
  public static void main(String[] args) throws Exception {
    Path serverHome = Files.createTempDirectory("opendesk-server");
    Path clientHome = Files.createTempDirectory("opendesk-client");
    PairingCode code = PairingCode.random();
    WebSocketServer server = MinimalServer.start(serverHome, 0, code);
    try {
      run(URI.create("ws://127.0.0.1:" + server.port() + "/"), code, clientHome);
    } finally {
      server.close();
    }
  }

  /**
   * Pairs with the server at {@code url}, then reconnects to it; the client keeps its keys in
   * {@code home}.
   */
  public static void run(URI url, PairingCode code, Path home) throws Exception {
    Identity identity = Identity.loadOrCreate(home.resolve("identity.key"));
    TrustedPeers trusted = TrustedPeers.open(home.resolve("trusted-peers.json"));

    // 1. First contact: pair with the code. The server is written to our trust store once its first
    //    encrypted message (its HELLO) has opened: session.trusted() completes then.
    Session paired =
        Handshake.defaults()
            .pairClient(WebSocketClient.connect(url).join(), identity, code, trusted)
            .join();
    try (Peer peer = startClient(paired)) {
      paired.trusted().join();
      System.out.println("paired with " + paired.remoteFingerprint());
    }

    // 2. Later (another run of the program, say): find the server in the trust store and
    //    authenticate with static keys. A server that does not hold that key fails the handshake.
    TrustedPeer server = trusted.list().get(0);
    Session again =
        Handshake.defaults()
            .authClient(WebSocketClient.connect(url).join(), identity, server.publicKey())
            .join();
    try (Peer peer = startClient(again)) {
      System.out.println(
          "reconnected to "
              + again.remoteFingerprint()
              + ": "
              + peer.callBlocking("echo", Map.of("again", true)));
    }
  }

  private static Peer startClient(Session session) {
    Peer peer =
        Peer.builder(session.connection(), Role.CLIENT)
            .remotePublicKey(session.remotePublicKey())
            .build();
    peer.hello().join();
    return peer.start();
  }
}

package dev.opendesk.it.modular;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Pairs a client with a server over WebSocket on 127.0.0.1, makes one encrypted call, and prints
 * what it did and which modules it ran in. Exits 0 only if the call answered. A program entry
 * point: not meant to be called concurrently.
 */
public final class ModularApp {

  private ModularApp() {}

  /**
   * Runs the pairing and the call, prints {@code echo ...} and one {@code module ...} line each.
   */
  public static void main(String[] args) throws Exception {
    Path home = Files.createTempDirectory("opendesk-modular");
    Identity serverIdentity = Identity.generate();
    TrustedPeers trusted = TrustedPeers.open(home.resolve("trusted-peers.json"));
    PairingCode code = PairingCode.random();
    PairingGate pairing = new PairingGate();
    pairing.arm(code, PairingMode.V2, Duration.ofMinutes(1));
    Dispatcher dispatcher = Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

    WebSocketServer server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            connection ->
                Handshake.defaults()
                    .serve(connection, serverIdentity, trusted, pairing)
                    .thenCompose(
                        session -> {
                          Peer peer =
                              Peer.builder(session.connection(), Role.SERVER)
                                  .dispatcher(dispatcher)
                                  .remotePublicKey(session.remotePublicKey())
                                  .build();
                          return peer.hello().thenApply(hello -> peer.start());
                        })
                    .exceptionally(
                        failure -> {
                          connection.close();
                          return null;
                        }));
    try {
      URI url = URI.create("ws://127.0.0.1:" + server.port() + "/");
      Session session =
          Handshake.defaults()
              .pairClient(
                  WebSocketClient.connect(url).get(30, TimeUnit.SECONDS),
                  Identity.generate(),
                  code,
                  null,
                  PairingMode.V2)
              .get(30, TimeUnit.SECONDS);
      try (Peer client =
          Peer.builder(session.connection(), Role.CLIENT)
              .remotePublicKey(session.remotePublicKey())
              .build()) {
        client.hello().get(30, TimeUnit.SECONDS);
        client.start();
        System.out.println("echo " + client.callBlocking("echo", Map.of("text", "modular")));
      }
    } finally {
      server.close();
    }
    for (String name :
        new String[] {
          "dev.opendesk.it.modular",
          "dev.opendesk.peer",
          "dev.opendesk.protocol",
          "dev.opendesk.auth",
          "dev.opendesk.transport.ws",
          "msgpack.core"
        }) {
      System.out.println("module " + describe(name));
    }
  }

  /** {@code name (named|automatic)} as resolved in the boot layer, or {@code name missing}. */
  private static String describe(String name) {
    return ModuleLayer.boot()
        .findModule(name)
        .map(Module::getDescriptor)
        .map(d -> d.name() + (d.isAutomatic() ? " automatic" : " named"))
        .orElse(name + " missing");
  }
}

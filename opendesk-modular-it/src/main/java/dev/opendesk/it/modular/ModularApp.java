package dev.opendesk.it.modular;

import dev.opendesk.ClientSession;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import java.time.Duration;
import java.util.Map;

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
    try (OpendeskServer server =
            OpendeskServer.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .port(0)
                .dispatcher(Dispatcher.builder().unary("echo", (ctx, params) -> params).build())
                .build()
                .start();
        OpendeskClient client =
            OpendeskClient.builder()
                .identity(Identity.generate())
                .trustedPeers(TrustedPeers.inMemory())
                .build();
        ClientSession session =
            client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1)))) {
      System.out.println("echo " + session.callBlocking("echo", Map.of("text", "modular")));
    }
    for (String name :
        new String[] {
          "dev.opendesk.it.modular",
          "dev.opendesk",
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

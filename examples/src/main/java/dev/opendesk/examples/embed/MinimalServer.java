package dev.opendesk.examples.embed;

import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.Dispatcher;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A minimal opendesk server: one {@code echo} method, trusted clients authenticate, and one new
 * client may pair with the printed code. Run it, then {@link MinimalClient} with the printed URL
 * and code.
 */
public final class MinimalServer {

  private MinimalServer() {}

  /** Serves on 127.0.0.1:8423 with its keys in {@code ./server-home}, until killed. */
  public static void main(String[] args) throws Exception {
    try (OpendeskServer server = start(Path.of("server-home"), 8423)) {
      PairingCode code = server.armPairing(Duration.ofMinutes(5)); // pairing v2, one attempt
      System.out.println("listening on " + server.uri() + ", pairing code " + code.digits());
      server.closeFuture().join();
    }
  }

  /**
   * Starts the server; {@code port} 0 picks a free port ({@link OpendeskServer#port()}).
   *
   * @param home where the server keeps {@code identity.key} and {@code trusted-peers.json}
   */
  public static OpendeskServer start(Path home, int port) throws IOException {
    return OpendeskServer.builder()
        .home(home)
        .port(port)
        .dispatcher(Dispatcher.builder().unary("echo", (ctx, params) -> params).build())
        .build()
        .start();
  }
}

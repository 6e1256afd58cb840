package dev.opendesk.examples.embed;

import dev.opendesk.ClientSession;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * First contact and every contact after it: pair once with a code (each side records the other in
 * its trust store), then connect with the authentication handshake, no code needed. Runs a {@link
 * MinimalServer} and a client in one process.
 */
public final class PairThenReconnect {

  private PairThenReconnect() {}

  /** Runs the flow with temporary homes and prints what happens. */
  public static void main(String[] args) throws Exception {
    Path serverHome = Files.createTempDirectory("opendesk-server");
    Path clientHome = Files.createTempDirectory("opendesk-client");
    try (OpendeskServer server = MinimalServer.start(serverHome, 0)) {
      run(server.uri(), server.armPairing(Duration.ofMinutes(5)), clientHome);
    }
  }

  /**
   * Pairs with the server at {@code url}, then connects to it again; the client keeps its keys in
   * {@code home}.
   */
  public static void run(URI url, PairingCode code, Path home) throws Exception {
    try (OpendeskClient client = OpendeskClient.builder().home(home).build()) {
      // 1. First contact: the server is written to our trust store once its HELLO has opened.
      try (ClientSession paired = client.pair(url, code)) {
        System.out.println("paired with " + paired.serverFingerprint());
      }
      // 2. Later (another run of the program, say): authenticate with the stored keys. The session
      //    reconnects by itself if the link drops.
      try (ClientSession session = client.connect(url)) {
        System.out.println(
            "reconnected to "
                + session.serverFingerprint()
                + ": "
                + session.callBlocking("echo", Map.of("again", true)));
      }
    }
  }
}

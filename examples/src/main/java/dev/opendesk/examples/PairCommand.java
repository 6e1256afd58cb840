package dev.opendesk.examples;

import dev.opendesk.auth.PairingCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pair}: pairs with a server and records it in the home's trust store. */
@Command(
    name = "pair",
    mixinStandardHelpOptions = true,
    description =
        "Pairs with the server using its pairing code (pairing v2) and records it in DIR/trusted-peers.json.")
final class PairCommand implements Callable<Integer> {

  @Mixin ClientOptions client;

  @Option(
      names = "--code",
      required = true,
      paramLabel = "CODE",
      description = "The server's 6-digit pairing code.")
  String code;

  @Option(
      names = "--legacy-pairing",
      description = "Use legacy v1 pairing (for servers that only offer it).")
  boolean legacyPairing;

  @Override
  public Integer call() throws Exception {
    PairingCode parsed = PairingCode.parse(code);
    try (ClientConnector.Connected connected =
        client.connector().pair(parsed, legacyPairing, p -> {})) {
      System.out.println(
          "paired with "
              + connected.session().remoteFingerprint()
              + " using pairing "
              + Pairing.describe(legacyPairing)
              + "; trusted in "
              + client.home().dir().resolve("trusted-peers.json"));
    }
    return 0;
  }
}

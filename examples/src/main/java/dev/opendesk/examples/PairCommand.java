package dev.opendesk.examples;

import dev.opendesk.auth.PairingCode;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code pair}: pairs with a server and records it in the home's trust store. */
@Command(
    name = "pair",
    mixinStandardHelpOptions = true,
    description =
        "Pairs with the server using its pairing code (pairing v2) and records it in DIR/trusted-peers.json. "
            + "Without --code, reads the code from standard input.")
final class PairCommand implements Callable<Integer> {

  @Mixin ClientOptions client;

  @Option(
      names = "--code",
      paramLabel = "CODE",
      description =
          "The server's 6-digit pairing code. For scripts and tests: it is visible to other local users "
              + "in the process list; without --code it is read from standard input.")
  String code;

  @Option(
      names = "--legacy-pairing",
      description = "Use legacy v1 pairing (for servers that only offer it).")
  boolean legacyPairing;

  @Override
  public Integer call() throws Exception {
    PairingCode parsed = PairingCode.parse(code != null ? code : readCode());
    try (ClientConnector.Connected connected =
        client.connector().pair(parsed, legacyPairing, p -> {})) {
      System.out.println(
          "paired with "
              + connected.session().serverFingerprint()
              + " using pairing "
              + Pairing.describe(legacyPairing)
              + "; trusted in "
              + client.home().dir().resolve("trusted-peers.json"));
    }
    return 0;
  }

  private static String readCode() throws IOException {
    Console console = System.console();
    String line;
    if (console != null) {
      line = console.readLine("pairing code: ");
    } else {
      line =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    }
    if (line == null || line.isBlank()) {
      throw new IllegalArgumentException(
          "no pairing code: give --code or type the code on standard input");
    }
    return line.trim();
  }
}

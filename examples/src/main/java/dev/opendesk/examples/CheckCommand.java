package dev.opendesk.examples;

import dev.opendesk.auth.PairingCode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code check}: runs the check scenario against a server offering the demo methods. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Pairs (with --pair-code) or authenticates, then checks echo, count, sleep/cancel, fail and the "
            + "demo.tick push. Prints PASS/FAIL per check and exits 0 only when all passed.")
final class CheckCommand implements Callable<Integer> {

  @Mixin ClientOptions client;

  @Option(
      names = "--pair-code",
      paramLabel = "CODE",
      description =
          "Pair with this code first (pairing v2) and record the server in the home's trust store.")
  String pairCode;

  @Option(
      names = "--legacy-pairing",
      description = "Pair with legacy v1 pairing (for servers that only offer it).")
  boolean legacyPairing;

  @Override
  public Integer call() {
    PairingCode code = pairCode == null ? null : PairingCode.parse(pairCode);
    boolean passed = new CheckScenario(client.connector(), code, legacyPairing, System.out).run();
    return passed ? 0 : Main.FAILED;
  }
}

package dev.opendesk.examples;

import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingApprover;
import dev.opendesk.auth.PairingCode;
import java.io.Console;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: a long-running server offering the demo methods. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serves echo, count, sleep and fail over WebSocket until stopped. Trusted clients authenticate; "
            + "with --pair or --pair-code, one client may pair first.")
final class ServeCommand implements Callable<Integer> {

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8423",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--home",
      description =
          "Home directory with identity.key and trusted-peers.json (default: ~/.opendesk).")
  Path home;

  @Option(
      names = "--pair",
      description =
          "Draw a random 6-digit pairing code, print it, and accept one pairing with it (one-shot, "
              + "expires after 10 minutes).")
  boolean pair;

  @Option(
      names = "--pair-code",
      paramLabel = "CODE",
      description =
          "Accept one pairing with this 6-digit code (one-shot, expires after 10 minutes). For scripts "
              + "and tests: the code is visible to other local users in the process list; prefer --pair.")
  String pairCode;

  @Option(
      names = "--legacy-pairing",
      description =
          "Arm the code for legacy v1 pairing, for older opendesk peers. Insecure: anyone who connects "
              + "while the code is armed can crack it offline. Prints the client's fingerprint and, when "
              + "input is a terminal, asks before trusting it.")
  boolean legacyPairing;

  @Override
  public Integer call() throws Exception {
    if (pair && pairCode != null) {
      throw new IllegalArgumentException("--pair and --pair-code: give one of them");
    }
    boolean pairing = pair || pairCode != null;
    if (legacyPairing && pairing) {
      System.err.println(
          "warning: legacy v1 pairing: anyone who connects while the code is armed can capture "
              + "the exchange and crack the code offline; use it only to pair with older opendesk peers");
    } else if (legacyPairing) {
      System.err.println("warning: --legacy-pairing has no effect without --pair or --pair-code");
    }
    OpendeskServer.Builder builder = OpendeskServer.builder().host(host).port(port);
    if (home != null) {
      builder.home(home);
    }
    OpendeskServer server =
        DemoServer.start(
            builder,
            DemoMethods.dispatcher(),
            legacyPairing ? confirmingApprover() : PairingApprover.approveAll(),
            System.out::println);
    PairingCode code = null;
    if (pairCode != null) {
      code = PairingCode.parse(pairCode);
      server.armPairing(code, Pairing.CODE_TTL, Pairing.mode(legacyPairing));
    } else if (pair) {
      code = server.armPairing(Pairing.CODE_TTL, Pairing.mode(legacyPairing));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "opendesk-demo-shutdown"));
    System.out.println("fingerprint " + server.identity().fingerprint());
    if (code != null) {
      if (pair) {
        System.out.println("pairing code " + code.digits());
      }
      System.out.println(
          "pairing armed: "
              + Pairing.describe(legacyPairing)
              + ", one client, "
              + Pairing.CODE_TTL.toMinutes()
              + " minutes");
    }
    System.out.println("listening on " + server.uri());
    System.out.flush();
    stopped.await();
    return 0;
  }

  /**
   * Legacy pairing's real protection is the fingerprint check (PAIRING-V2.md): show the client's
   * fingerprint, and on a terminal let the user compare it with the client's screen before it is
   * trusted. Without a terminal (scripts, tests) the operator chose legacy pairing explicitly.
   */
  private static PairingApprover confirmingApprover() {
    return request -> {
      System.out.println("pairing request from fingerprint " + request.fingerprint());
      System.out.flush();
      Console console = System.console();
      if (console == null) {
        return CompletableFuture.completedFuture(true);
      }
      return CompletableFuture.supplyAsync(
          () -> {
            String answer =
                console.readLine(
                    "trust %s? compare with the client's screen [y/N] ", request.fingerprint());
            return answer != null && answer.trim().equalsIgnoreCase("y");
          },
          runnable -> new Thread(runnable, "opendesk-demo-confirm").start());
    };
  }
}

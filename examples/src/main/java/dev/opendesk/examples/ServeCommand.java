package dev.opendesk.examples;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: a long-running server offering the demo methods. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description =
        "Serves echo, count, sleep and fail over WebSocket until stopped. Trusted clients authenticate; "
            + "with --pair-code, one client may pair first.")
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
      names = "--pair-code",
      paramLabel = "CODE",
      description =
          "Accept one pairing with this 6-digit code (one-shot, expires after 10 minutes).")
  String pairCode;

  @Option(
      names = "--legacy-pairing",
      description =
          "Arm --pair-code for legacy v1 pairing, for older opendesk peers. Insecure: anyone who connects "
              + "while the code is armed can crack it offline.")
  boolean legacyPairing;

  @Override
  public Integer call() throws Exception {
    Home dir = home == null ? Home.defaultHome() : new Home(home);
    Identity identity = dir.identity();
    PairingGate gate = new PairingGate();
    if (pairCode != null) {
      PairingCode code = PairingCode.parse(pairCode);
      if (legacyPairing) {
        System.err.println(
            "warning: legacy v1 pairing: anyone who connects while the code is armed can capture "
                + "the exchange and crack the code offline; use it only to pair with older opendesk peers");
      }
      Pairing.arm(gate, code, legacyPairing, Pairing.CODE_TTL);
    } else if (legacyPairing) {
      System.err.println("warning: --legacy-pairing has no effect without --pair-code");
    }
    DemoServer server =
        new DemoServer(
            identity, dir.trustedPeers(), gate, DemoMethods.dispatcher(), System.out::println);
    Listener listener = WebSocketTransport.listen(server, host, port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  listener.close();
                  stopped.countDown();
                },
                "opendesk-demo-shutdown"));
    System.out.println("fingerprint " + identity.fingerprint());
    if (pairCode != null) {
      System.out.println(
          "pairing armed: "
              + Pairing.describe(legacyPairing)
              + ", one client, "
              + Pairing.CODE_TTL.toMinutes()
              + " minutes");
    }
    System.out.println("listening on " + listener.dialer().uri());
    System.out.flush();
    stopped.await();
    return 0;
  }
}

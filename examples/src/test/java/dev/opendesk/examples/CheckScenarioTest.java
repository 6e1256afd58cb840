package dev.opendesk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.LoopbackTransport;
import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.Dispatcher;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class CheckScenarioTest {

  @TempDir Path serverDir;
  @TempDir Path clientDir;

  private final LoopbackTransport network = new LoopbackTransport();
  private OpendeskServer server;

  private void startServer(Dispatcher dispatcher) throws Exception {
    // Legacy codes can be cracked offline: the server only trusts the client whose fingerprint it
    // expects, as a user comparing the two screens would.
    String client = new Home(clientDir).identity().fingerprint();
    server =
        DemoServer.start(
            OpendeskServer.builder().home(serverDir).transport(network),
            dispatcher,
            request -> CompletableFuture.completedFuture(request.fingerprint().equals(client)),
            event -> {});
  }

  private void arm(PairingCode code, boolean legacy) {
    server.armPairing(code, Duration.ofMinutes(1), Pairing.mode(legacy));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private record Run(boolean passed, String output) {}

  private Run check(PairingCode code) {
    return check(code, false);
  }

  private Run check(PairingCode code, boolean legacy) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    boolean passed =
        new CheckScenario(
                new ClientConnector(LoopbackTransport.URI, network, clientDir), code, legacy, out)
            .run();
    return new Run(passed, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void pairRunThenAuthRunPassEveryCheck() throws Exception {
    startServer(DemoMethods.dispatcher());
    PairingCode code = PairingCode.random();
    arm(code, false);

    Run pairing = check(code);
    Run auth = check(null);

    assertThat(pairing.output())
        .contains("PASS pair", "PASS reconnect.auth", "PASS fail.busy", "PASS fail.unknown_code")
        .doesNotContain("FAIL")
        .endsWith("17 passed, 0 failed" + System.lineSeparator());
    assertThat(pairing.passed()).isTrue();
    assertThat(auth.output())
        .contains("PASS auth", "PASS sleep.cancel", "PASS push.demo.tick")
        .doesNotContain("FAIL", "reconnect.auth")
        .endsWith("16 passed, 0 failed" + System.lineSeparator());
    assertThat(auth.passed()).isTrue();
  }

  @Test
  void legacyPairingOnBothSidesPassesEveryCheck() throws Exception {
    startServer(DemoMethods.dispatcher());
    PairingCode code = PairingCode.random();
    arm(code, true);

    Run run = check(code, true);

    assertThat(run.output())
        .doesNotContain("FAIL")
        .endsWith("17 passed, 0 failed" + System.lineSeparator());
    assertThat(run.passed()).isTrue();
  }

  @Test
  void v2ClientAgainstALegacyCodeFailsUnsupportedWithoutFallingBack() throws Exception {
    startServer(DemoMethods.dispatcher());
    PairingCode code = PairingCode.random();
    arm(code, true);

    Run run = check(code, false);

    assertThat(run.passed()).isFalse();
    assertThat(run.output()).startsWith("FAIL pair: ").contains("unsupported");
    assertThat(new Home(clientDir).trustedPeers().list()).isEmpty();
  }

  @Test
  void brokenEchoIsReportedAsFailure() throws Exception {
    Dispatcher broken =
        Dispatcher.builder().unary("echo", (ctx, params) -> Map.of("not", "what was sent")).build();
    startServer(broken);
    PairingCode code = PairingCode.random();
    arm(code, false);

    Run run = check(code);

    assertThat(run.passed()).isFalse();
    assertThat(run.output())
        .contains(
            "PASS pair", "FAIL echo.values: sent ", "FAIL echo.concurrent: ", "FAIL count.order: ");
  }

  @Test
  void wrongCodeFailsThePairCheckAndStops() throws Exception {
    startServer(DemoMethods.dispatcher());
    arm(PairingCode.parse("111111"), false);

    Run run = check(PairingCode.parse("222222"));

    assertThat(run.passed()).isFalse();
    assertThat(run.output())
        .startsWith("FAIL pair: ")
        .contains("wrong_code")
        .endsWith("0 passed, 1 failed" + System.lineSeparator());
  }

  @Test
  void authWithoutPairingFirstNamesTheMissingTrust() throws Exception {
    startServer(DemoMethods.dispatcher());

    Run run = check(null);

    assertThat(run.passed()).isFalse();
    assertThat(run.output()).startsWith("FAIL auth: ").contains("no trusted server", "pair first");
  }
}

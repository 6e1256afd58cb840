package dev.opendesk.examples;

import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.protocol.Values;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The demo: a server and a client in one process, each with its own temporary home; they pair with
 * a fresh code, reconnect with the auth handshake, and try every kind of interaction, printing a
 * short transcript. Not thread-safe: one run at a time.
 */
final class Demo {

  private static final CallOptions CALL = CallOptions.timeout(Duration.ofSeconds(10));
  private static final int COUNT = 20;

  private final PrintStream out;
  private final boolean animate;

  /**
   * @param animate whether to redraw the progress bar in place (on a terminal)
   */
  Demo(PrintStream out, boolean animate) {
    this.out = out;
    this.animate = animate;
  }

  /** Runs the demo; throws on any unexpected outcome. */
  void run() throws Exception {
    long started = System.nanoTime();
    Path serverDir = Files.createTempDirectory("opendesk-demo-server");
    Path clientDir = Files.createTempDirectory("opendesk-demo-client");
    try {
      run(new Home(serverDir), new Home(clientDir));
    } finally {
      deleteTree(serverDir);
      deleteTree(clientDir);
    }
    out.printf("done in %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private void run(Home serverHome, Home clientHome) throws Exception {
    try (OpendeskServer server =
        DemoServer.start(
            OpendeskServer.builder().home(serverHome.dir()).port(0),
            DemoMethods.dispatcher(),
            event -> {})) {
      PairingCode code = server.armPairing(Duration.ofMinutes(1));
      ClientConnector client = new ClientConnector(server.uri(), null, clientHome.dir());
      out.println(
          "server  listening on "
              + server.uri()
              + ", fingerprint "
              + server.identity().fingerprint());
      out.println("client  fingerprint " + clientHome.identity().fingerprint());

      out.println("pair    code " + code.digits() + ", pairing " + Pairing.describe(false));
      CompletableFuture<Map<String, Object>> firstTick = new CompletableFuture<>();
      try (ClientConnector.Connected paired =
          client.pair(code, false, p -> p.onPush(DemoServer.TICK_TOPIC, firstTick::complete))) {
        // The server pushes its tick once it has trusted and stored us: after that, its store shows
        // us.
        firstTick.get(5, TimeUnit.SECONDS);
        out.println(
            "        client trusts server "
                + paired.session().serverFingerprint()
                + "; server trusts client "
                + fingerprintsOf(serverHome));
      }
      out.println("        closed");

      CompletableFuture<Map<String, Object>> tick = new CompletableFuture<>();
      try (ClientConnector.Connected session =
          client.auth(p -> p.onPush(DemoServer.TICK_TOPIC, tick::complete))) {
        out.println(
            "auth    reconnected without a code to server "
                + session.session().serverFingerprint());
        out.println(
            "push    "
                + DemoServer.TICK_TOPIC
                + " "
                + JsonValues.render(tick.get(5, TimeUnit.SECONDS)));

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("text", "hello, opendesk");
        params.put("bytes", new byte[] {0, 1, 2, (byte) 0xfe, (byte) 0xff});
        Map<String, Object> echoed =
            session.peer().call("echo", params, CALL).get(10, TimeUnit.SECONDS);
        require(Values.deepEquals(params, echoed), "echo returned " + JsonValues.render(echoed));
        out.println(
            "echo    "
                + JsonValues.render(echoed)
                + " (bytes travelled as msgpack bin: "
                + (echoed.get("bytes") instanceof byte[] b ? b.length + " bytes" : "not bytes!")
                + ")");

        count(session);

        Duration took = CheckScenario.cancelSleep(session);
        out.println(
            "cancel  sleep 5000 ms cancelled; the server answered \"cancelled\" in "
                + took.toMillis()
                + " ms");

        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", "permission_denied");
        failure.put("message", "not allowed in the demo");
        failure.put("details", Map.of("policy", "demo"));
        try {
          session.peer().call("fail", failure, CALL).get(10, TimeUnit.SECONDS);
          throw new IllegalStateException("fail returned a result");
        } catch (java.util.concurrent.ExecutionException e) {
          if (!(e.getCause() instanceof ProtocolException p)
              || !p.code().equals("permission_denied")) {
            throw e;
          }
          out.println(
              "fail    "
                  + p.getClass().getSimpleName()
                  + ": "
                  + p.getMessage()
                  + " "
                  + JsonValues.render(p.details()));
        }
      }
      out.println("close   session closed");
    }
  }

  private void count(ClientConnector.Connected session) {
    int received = 0;
    try (CallStream<Map<String, Object>> items =
        session.peer().stream("count", Map.of("n", (long) COUNT, "delay_ms", 20L), CALL)) {
      while (items.hasNext()) {
        Object i = items.next().get("i");
        require(Long.valueOf(received).equals(i), "count item " + received + " was " + i);
        received++;
        if (animate) {
          out.print("\r" + bar(received));
          out.flush();
        }
      }
    }
    require(received == COUNT, "count streamed " + received + " items, expected " + COUNT);
    out.println(animate ? "\r" + bar(received) : bar(received));
  }

  private static String bar(int done) {
    return "count   [" + "#".repeat(done) + ".".repeat(COUNT - done) + "] " + done + "/" + COUNT;
  }

  private static String fingerprintsOf(Home home) throws IOException {
    return String.join(
        ", ", home.trustedPeers().list().stream().map(p -> p.fingerprint()).toList());
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException(what);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths
          .sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException | UncheckedIOException e) {
      // A temporary directory left behind is harmless; the demo's outcome does not depend on it.
    }
  }
}

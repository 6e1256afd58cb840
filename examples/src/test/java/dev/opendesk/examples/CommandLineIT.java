package dev.opendesk.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code opendesk-demo.jar}, run as separate processes against each other and against test
 * servers.
 */
@Timeout(180)
class CommandLineIT {

  private static final Duration START = Duration.ofSeconds(30);
  private static final Duration RUN = Duration.ofSeconds(90);
  private static final Pattern LISTENING =
      Pattern.compile("listening on (ws://127\\.0\\.0\\.1:(\\d+)/)");
  private static final String CODE = "246810";

  @TempDir Path serverHome;
  @TempDir Path clientHome;

  private final List<AutoCloseable> cleanup = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    for (AutoCloseable c : cleanup) {
      c.close();
    }
  }

  private JarProcess jar(String... args) throws Exception {
    JarProcess p = JarProcess.start(args);
    cleanup.add(p);
    return p;
  }

  /** Starts {@code serve} on an ephemeral port and returns its URL once it says it is listening. */
  private String serve(String... extra) throws Exception {
    return serving(extra).url();
  }

  private record Serving(JarProcess process, String url) {}

  /** As {@link #serve}, also returning the process (to read what else it printed). */
  private Serving serving(String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "serve", "--host", "127.0.0.1", "--port", "0", "--home", serverHome.toString()));
    args.addAll(List.of(extra));
    JarProcess server = jar(args.toArray(String[]::new));
    String line =
        server
            .awaitLine(l -> LISTENING.matcher(l).matches(), START)
            .orElseThrow(
                () -> new AssertionError("serve did not start listening:\n" + server.transcript()));
    Matcher m = LISTENING.matcher(line);
    assertThat(m.matches()).isTrue();
    assertThat(Integer.parseInt(m.group(2))).isPositive();
    return new Serving(server, m.group(1));
  }

  private record Result(int status, String out, String err) {}

  private Result run(String... args) throws Exception {
    JarProcess p = jar(args);
    int status = p.waitFor(RUN);
    return new Result(status, p.stdout(), p.stderr());
  }

  private Result check(String url, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(List.of("check", "--url", url, "--home", clientHome.toString()));
    args.addAll(List.of(extra));
    return run(args.toArray(String[]::new));
  }

  @Test
  void serveAndCheckPassEveryCheckWhenPairingThenAuthenticating() throws Exception {
    String url = serve("--pair-code", CODE);

    Result pairing = check(url, "--pair-code", CODE);
    Result auth = check(url);

    assertThat(pairing.out())
        .as(pairing.toString())
        .contains("PASS pair", "PASS reconnect.auth")
        .doesNotContain("FAIL")
        .endsWith("17 passed, 0 failed");
    assertThat(pairing.status()).isZero();
    assertThat(auth.out())
        .as(auth.toString())
        .contains("PASS auth")
        .doesNotContain("FAIL")
        .endsWith("16 passed, 0 failed");
    assertThat(auth.status()).isZero();
    assertThat(serverHome.resolve("trusted-peers.json")).exists();
    assertThat(clientHome.resolve("trusted-peers.json")).exists();
    assertThat(Files.size(clientHome.resolve("identity.key"))).isEqualTo(32);
  }

  @Test
  void checkAgainstABrokenServerReportsFailureAndExitsNonZero() throws Exception {
    // A test-only server in this JVM whose echo answers something else.
    Dispatcher broken =
        Dispatcher.builder()
            .unary("echo", (ctx, params) -> Map.of("broken", true))
            .unary("fail", (ctx, params) -> Map.of())
            .build();
    OpendeskServer listener =
        DemoServer.start(OpendeskServer.builder().home(serverHome).port(0), broken, event -> {});
    cleanup.add(listener);
    listener.armPairing(PairingCode.parse(CODE), Duration.ofMinutes(2), Pairing.mode(false));

    Result result = check(listener.uri().toString(), "--pair-code", CODE);

    assertThat(result.out())
        .as(result.toString())
        .contains("PASS pair", "FAIL echo.values: ", "FAIL fail.not_found: ");
    assertThat(result.out()).matches("(?s).*\\d+ passed, [1-9]\\d* failed$");
    assertThat(result.status()).isEqualTo(1);
  }

  @Test
  void garbageClientsDoNotStopServeFromServingTheNextClient() throws Exception {
    String url = serve("--pair-code", CODE);
    assertThat(check(url, "--pair-code", CODE).status()).isZero();
    URI uri = URI.create(url);

    // Random bytes straight on the TCP port: not even an HTTP upgrade.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
      byte[] junk = new byte[4096];
      new Random(6).nextBytes(junk);
      OutputStream o = socket.getOutputStream();
      o.write(junk);
      o.flush();
    }
    // A text frame (a protocol violation, PROTOCOL.md §8), from the JDK's WebSocket client.
    WebSocket text =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .buildAsync(uri, new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS);
    text.sendText("{\"v\":1,\"kind\":\"auth_hello\"}", true).get(10, TimeUnit.SECONDS);
    // Random bytes as a binary message: not a handshake message.
    sendAndAwaitClose(uri, randomBytes(200));
    // A truncated handshake message, and a whole first message followed by silence and a hang-up.
    byte[] authHello = FrameCodec.standard().encodeMap(authHello());
    sendAndAwaitClose(uri, Arrays.copyOf(authHello, authHello.length / 2));
    WebSocketConnection hangUp = WebSocketClient.connect(uri).get(10, TimeUnit.SECONDS);
    hangUp.send(authHello).get(10, TimeUnit.SECONDS);
    hangUp.close();
    text.abort();

    Result after = check(url);

    assertThat(after.out())
        .as(after.toString())
        .doesNotContain("FAIL")
        .endsWith("16 passed, 0 failed");
    assertThat(after.status()).isZero();
  }

  @Test
  void pairCallAndStreamToolsSpeakJson() throws Exception {
    String url = serve("--pair-code", CODE);
    String home = clientHome.toString();

    Result pair = run("pair", "--url", url, "--code", CODE, "--home", home);
    Result echo =
        run(
            "call",
            "--url",
            url,
            "--home",
            home,
            "echo",
            "{\"bytes\":{\"$base64\":\"AAEC\"},\"n\":-1,\"s\":\"é\"}");
    Result count = run("stream", "--url", url, "--home", home, "count", "{\"n\":3}");
    Result fail =
        run(
            "call",
            "--url",
            url,
            "--home",
            home,
            "fail",
            "{\"code\":\"not_found\",\"message\":\"no such window\",\"details\":{\"window\":7}}");

    assertThat(pair.status()).as(pair.toString()).isZero();
    assertThat(pair.out()).startsWith("paired with ").contains("trusted in ");
    assertThat(echo.status()).as(echo.toString()).isZero();
    assertThat(echo.out()).isEqualTo("{\"bytes\":\"AAEC\",\"n\":-1,\"s\":\"é\"}");
    assertThat(count.status()).as(count.toString()).isZero();
    assertThat(count.out()).isEqualTo("{\"i\":0}\n{\"i\":1}\n{\"i\":2}");
    assertThat(fail.status()).isEqualTo(1);
    assertThat(fail.err()).isEqualTo("error: not_found: no such window {\"window\":7}");
  }

  @Test
  void serveDrawsAndPrintsARandomCodeAndPairReadsItFromItsInput() throws Exception {
    Serving server = serving("--pair");
    String codeLine =
        server
            .process()
            .awaitLine(l -> l.matches("pairing code \\d{6}"), START)
            .orElseThrow(() -> new AssertionError(server.process().transcript()));
    String url = server.url();

    JarProcess pair = jar("pair", "--url", url, "--home", clientHome.toString());
    pair.input(codeLine.substring("pairing code ".length()) + "\n");

    assertThat(pair.waitFor(RUN)).as(pair.transcript()).isZero();
    assertThat(pair.stdout()).startsWith("paired with ").contains("trusted in ");
  }

  @Test
  void theHelpOfCodeOptionsSaysOtherLocalUsersCanSeeThem() throws Exception {
    assertThat(run("serve", "--help").out()).contains("visible to other local users");
    assertThat(run("pair", "--help").out()).contains("visible to other local users");
  }

  @Test
  void serveWithLegacyPairingWarnsAndPairsWithLegacyClients() throws Exception {
    List<String> args =
        List.of(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--home",
            serverHome.toString(),
            "--pair-code",
            CODE,
            "--legacy-pairing");
    JarProcess server = jar(args.toArray(String[]::new));
    String line =
        server
            .awaitLine(l -> LISTENING.matcher(l).matches(), START)
            .orElseThrow(() -> new AssertionError(server.transcript()));
    String url = LISTENING.matcher(line).replaceAll("$1");

    Result legacy = check(url, "--pair-code", CODE, "--legacy-pairing");

    assertThat(server.stderr()).contains("warning: legacy v1 pairing", "crack the code offline");
    assertThat(legacy.out())
        .as(legacy.toString())
        .doesNotContain("FAIL")
        .endsWith("17 passed, 0 failed");
  }

  @Test
  void serveHelpListsLegacyPairing() throws Exception {
    Result help = run("serve", "--help");

    assertThat(help.status()).isZero();
    assertThat(help.out())
        .contains("--host", "--port", "--home", "--pair-code", "--legacy-pairing");
  }

  @Test
  void demoRunsToCompletion() throws Exception {
    Result demo = run();

    assertThat(demo.status()).as(demo.toString()).isZero();
    assertThat(demo.out()).contains("pairing v2 (SPAKE2)", "push    demo.tick", "done in ");
  }

  private static void sendAndAwaitClose(URI uri, byte[] message) throws Exception {
    WebSocketConnection c = WebSocketClient.connect(uri).get(10, TimeUnit.SECONDS);
    try {
      c.send(message).get(10, TimeUnit.SECONDS);
      // The server gives up on this connection: it closes it rather than waiting forever.
      c.closeFuture().exceptionally(t -> null).get(30, TimeUnit.SECONDS);
    } finally {
      c.close();
    }
  }

  private static Map<String, Object> authHello() {
    Map<String, Object> hello = new LinkedHashMap<>();
    hello.put("v", 1L);
    hello.put("kind", "auth_hello");
    hello.put("e", randomBytes(32));
    hello.put("s", randomBytes(32));
    return hello;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }
}

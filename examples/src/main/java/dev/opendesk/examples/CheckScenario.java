package dev.opendesk.examples;

import dev.opendesk.auth.PairingCode;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Caller;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Values;
import java.io.PrintStream;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@code check} scenario: runs named checks against a server offering the demo methods and
 * prints {@code PASS name} or {@code FAIL name: detail} for each, then {@code N passed, M failed}.
 * A check that fails does not stop the ones after it; a failed connection does (nothing else can
 * run). Not thread-safe: one run at a time.
 */
final class CheckScenario {

  /** An unknown error code: receivers must surface it unchanged (PROTOCOL.md §4). */
  static final String UNKNOWN_CODE = "opendesk_demo_unknown";

  private static final CallOptions CALL = CallOptions.timeout(Duration.ofSeconds(10));
  private static final Duration CANCEL_ACK = Duration.ofSeconds(1);

  private final ClientConnector connector;
  private final PairingCode code;
  private final boolean legacy;
  private final PrintStream out;
  private int passed;
  private int failed;

  /**
   * @param code the pairing code, or {@code null} to authenticate with the server trusted in the
   *     home
   */
  CheckScenario(ClientConnector connector, PairingCode code, boolean legacy, PrintStream out) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.code = code;
    this.legacy = legacy;
    this.out = Objects.requireNonNull(out, "out");
  }

  /** A check's body; throws {@link CheckFailed} (or anything else) to fail with a detail. */
  @FunctionalInterface
  interface Body {
    void run() throws Exception;
  }

  /** A failed expectation; its message is the check's detail. */
  static final class CheckFailed extends Exception {
    private static final long serialVersionUID = 1L;

    CheckFailed(String detail) {
      super(detail, null, false, false);
    }
  }

  /** Runs every check; returns whether all passed. */
  boolean run() {
    CompletableFuture<Map<String, Object>> tick = new CompletableFuture<>();
    ClientConnector.Connected connected;
    try {
      connected =
          connector.connect(code, legacy, p -> p.onPush(DemoServer.TICK_TOPIC, tick::complete));
      pass(code != null ? "pair" : "auth");
    } catch (Exception e) {
      fail(code != null ? "pair" : "auth", detail(e));
      return summary();
    }
    try (connected) {
      Caller peer = connected.peer();
      check("echo.values", () -> echoValues(peer));
      check("echo.concurrent", () -> echoConcurrent(peer, 200));
      check("count.order", () -> countInOrder(peer, 100));
      check("sleep.cancel", () -> cancelSleep(connected));
      for (ErrorCode c : ErrorCode.values()) {
        check("fail." + c.wire(), () -> failRoundTrip(peer, c.wire()));
      }
      check("fail.unknown_code", () -> failRoundTrip(peer, UNKNOWN_CODE));
      check("push.demo.tick", () -> pushReceived(tick));
    }
    if (code != null) {
      check("reconnect.auth", this::reconnectWithAuth);
    }
    return summary();
  }

  // ------------------------------------------------------------------ the checks

  /** Every kind of value the wire carries, nested: each must come back exactly as sent. */
  static Map<String, Object> sampleValues() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("bin", new byte[] {0, 1, 2, (byte) 0x7f, (byte) 0x80, (byte) 0xff});
    values.put("empty_bin", new byte[0]);
    values.put(
        "ints",
        List.of(
            0L,
            1L,
            127L,
            128L,
            255L,
            256L,
            65_535L,
            65_536L,
            4_294_967_295L,
            4_294_967_296L,
            Long.MAX_VALUE,
            new BigInteger("18446744073709551615")));
    values.put(
        "negative_ints",
        List.of(
            -1L,
            -32L,
            -33L,
            -128L,
            -129L,
            -32_768L,
            -32_769L,
            -2_147_483_648L,
            -2_147_483_649L,
            Long.MIN_VALUE));
    values.put("floats", List.of(0.0, -0.0, 1.5, -2.25, Math.PI, 1e300, -1e-300, Double.MAX_VALUE));
    values.put("nil", null);
    values.put("bools", List.of(true, false));
    values.put("lists", List.of(List.of(), List.of(1L, "two", List.of(3.0, new byte[] {4}))));
    values.put("unicode", "héllo wörld · Ωμέγα · 日本語 · 🎉");
    values.put("empty_string", "");
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("bin", new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef});
    inner.put("n", -42L);
    inner.put("nil", null);
    values.put("nested", Map.of("deeper", inner, "empty_map", Map.of()));
    return values;
  }

  private static void echoValues(Caller peer) throws Exception {
    Map<String, Object> sent = sampleValues();
    Map<String, Object> got = await(peer.call("echo", sent, CALL));
    expect(
        Values.deepEquals(sent, got),
        "sent " + clip(JsonValues.render(sent)) + ", got " + clip(JsonValues.render(got)));
  }

  private static void echoConcurrent(Caller peer, int calls) throws Exception {
    List<Map<String, Object>> sent = new ArrayList<>();
    List<CompletableFuture<Map<String, Object>>> replies = new ArrayList<>();
    for (long i = 0; i < calls; i++) {
      Map<String, Object> params = Map.of("i", i, "bin", BigInteger.valueOf(i).toByteArray());
      sent.add(params);
      replies.add(peer.call("echo", params, CALL));
    }
    int wrong = 0;
    String firstWrong = null;
    for (int i = 0; i < calls; i++) {
      Map<String, Object> got = await(replies.get(i));
      if (!Values.deepEquals(sent.get(i), got)) {
        wrong++;
        if (firstWrong == null) {
          firstWrong = "call " + i + " got " + clip(JsonValues.render(got));
        }
      }
    }
    expect(wrong == 0, wrong + " of " + calls + " replies differ from their params; " + firstWrong);
  }

  private static void countInOrder(Caller peer, long n) throws CheckFailed {
    List<Object> items = new ArrayList<>();
    try (CallStream<Map<String, Object>> stream =
        peer.stream("count", Map.of("n", n, "delay_ms", 0L), CALL)) {
      while (stream.hasNext()) {
        items.add(stream.next().get("i"));
      }
    }
    List<Object> expected = new ArrayList<>();
    for (long i = 0; i < n; i++) {
      expected.add(i);
    }
    expect(
        items.equals(expected),
        "expected i = 0.."
            + (n - 1)
            + ", got "
            + items.size()
            + " items: "
            + clip(items.toString()));
  }

  /**
   * Calls {@code sleep 5000}, cancels it, and watches the wire for the server's answer to the
   * CANCEL: a final RES with error {@code cancelled} within a second.
   *
   * @return how long the answer took
   */
  static Duration cancelSleep(ClientConnector.Connected connected) throws Exception {
    CompletableFuture<Long> sleepId = new CompletableFuture<>();
    CompletableFuture<Res> answer = new CompletableFuture<>();
    Runnable stop =
        connected
            .tap()
            .listen(
                (direction, frame) -> {
                  if (direction == FrameTap.Direction.SENT
                      && frame instanceof Req req
                      && req.method().equals("sleep")) {
                    sleepId.complete(req.id());
                  } else if (direction == FrameTap.Direction.RECEIVED
                      && frame instanceof Res res
                      && sleepId.isDone()
                      && res.id() == sleepId.join()) {
                    answer.complete(res);
                  }
                });
    try {
      CompletableFuture<Map<String, Object>> call =
          connected.peer().call("sleep", Map.of("ms", 5000L), CALL);
      sleepId.get(5, TimeUnit.SECONDS);
      long start = System.nanoTime();
      call.cancel(true); // sends CANCEL
      Res res;
      try {
        res = answer.get(CANCEL_ACK.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new CheckFailed("no answer to CANCEL within " + CANCEL_ACK.toMillis() + " ms");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      expect(
          res.end() && res.error() != null && res.error().code().equals(ErrorCode.CANCELLED.wire()),
          "expected a final RES with error cancelled, got " + describe(res));
      return took;
    } finally {
      stop.run();
    }
  }

  private static void failRoundTrip(Caller peer, String code) throws Exception {
    String message = "demo failure ✗ " + code;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("code", code);
    details.put("n", -7L);
    details.put("bin", new byte[] {1, 2, 3});
    details.put("list", List.of("a", 1.5));
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("code", code);
    params.put("message", message);
    params.put("details", details);
    try {
      Map<String, Object> result = await(peer.call("fail", params, CALL));
      throw new CheckFailed(
          "expected error " + code + ", got result " + clip(JsonValues.render(result)));
    } catch (ProtocolException e) {
      expect(e.code().equals(code), "expected code " + code + ", got " + e.code());
      expect(
          e.errorMessage().equals(message),
          "expected message \"" + message + "\", got \"" + e.errorMessage() + "\"");
      expect(
          Values.deepEquals(details, e.details()),
          "expected details "
              + JsonValues.render(details)
              + ", got "
              + clip(JsonValues.render(e.details())));
    }
  }

  private static void pushReceived(CompletableFuture<Map<String, Object>> tick) throws Exception {
    Map<String, Object> payload;
    try {
      payload = tick.get(5, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new CheckFailed(
          "no " + DemoServer.TICK_TOPIC + " push within 5 s of the HELLO exchange");
    }
    expect(
        Values.deepEquals(Map.of("n", 1L), payload),
        "expected payload {\"n\":1}, got " + JsonValues.render(payload));
  }

  private void reconnectWithAuth() throws Exception {
    try (ClientConnector.Connected again = connector.auth(p -> {})) {
      expect(!again.paired(), "the second connection paired instead of authenticating");
      Map<String, Object> got = await(again.peer().call("echo", Map.of("again", true), CALL));
      expect(
          Values.deepEquals(Map.of("again", true), got),
          "echo after reconnect returned " + JsonValues.render(got));
    }
  }

  // ------------------------------------------------------------------ reporting

  private void check(String name, Body body) {
    try {
      body.run();
      pass(name);
    } catch (Exception e) {
      fail(name, detail(e));
    }
  }

  private void pass(String name) {
    passed++;
    out.println("PASS " + name);
  }

  private void fail(String name, String detail) {
    failed++;
    out.println("FAIL " + name + ": " + detail);
  }

  private boolean summary() {
    out.println(passed + " passed, " + failed + " failed");
    out.flush();
    return failed == 0;
  }

  private static void expect(boolean condition, String detail) throws CheckFailed {
    if (!condition) {
      throw new CheckFailed(detail);
    }
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  static String detail(Throwable e) {
    if (e instanceof CheckFailed) {
      return e.getMessage();
    }
    String message = e.getMessage();
    String text =
        message == null
            ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + message;
    return text.replace('\n', ' ');
  }

  private static String describe(Frame frame) {
    if (frame instanceof Res res) {
      return "RES{end="
          + res.end()
          + ", error="
          + res.error()
          + ", result="
          + Values.toString(res.result())
          + "}";
    }
    return frame.toString();
  }

  private static String clip(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "…";
  }
}

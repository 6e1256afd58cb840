package dev.opendesk.examples;

import dev.opendesk.peer.CallContext;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.StreamSink;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The methods {@code serve} offers and {@code check} expects: {@code echo}, {@code count} (stream),
 * {@code sleep} and {@code fail}. Stateless; the dispatcher is immutable and thread-safe.
 */
final class DemoMethods {

  /** Upper bounds that keep one caller from tying the server up for long. */
  static final long MAX_COUNT = 1_000_000;

  static final long MAX_DELAY_MS = 60_000;

  private DemoMethods() {}

  /** The dispatcher serving the four demo methods. */
  static Dispatcher dispatcher() {
    return Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
            "count", DemoMethods::count)
        .unary("sleep", DemoMethods::sleep)
        .unary("fail", DemoMethods::fail)
        .build();
  }

  /** {@code {n, delay_ms}} → items {@code {i: 0..n-1}}, one every {@code delay_ms}. */
  private static void count(CallContext ctx, Map<String, Object> params, StreamSink sink)
      throws InterruptedException {
    long n = longParam(params, "n", 0, MAX_COUNT, null);
    long delay = longParam(params, "delay_ms", 0, MAX_DELAY_MS, 0L);
    for (long i = 0; i < n; i++) {
      if (i > 0 && delay > 0) {
        // A CANCEL or the peer closing interrupts this thread, so the sleep ends at once.
        TimeUnit.MILLISECONDS.sleep(delay);
      }
      sink.next(Map.of("i", i));
    }
  }

  /**
   * {@code {ms}} → {@code {slept_ms}} after the delay. Waits on a timer rather than a thread, and a
   * CANCEL drops the wait at once (the peer itself answers the caller with {@code cancelled}).
   */
  private static Object sleep(CallContext ctx, Map<String, Object> params) {
    long ms = longParam(params, "ms", 0, MAX_DELAY_MS, null);
    Executor later = CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS);
    CompletableFuture<Map<String, Object>> reply =
        CompletableFuture.supplyAsync(() -> Map.of("slept_ms", ms), later);
    ctx.onCancel(() -> reply.completeExceptionally(new CancellationException("sleep cancelled")));
    return reply;
  }

  /** {@code {code, message, details}} → exactly that error. */
  @SuppressWarnings("unchecked")
  private static Object fail(CallContext ctx, Map<String, Object> params) {
    Object code = params.get("code");
    if (!(code instanceof String c) || c.isEmpty()) {
      throw new IllegalArgumentException("code: expected a non-empty string, got " + code);
    }
    Object message = params.getOrDefault("message", "");
    if (!(message instanceof String m)) {
      throw new IllegalArgumentException("message: expected a string, got " + message);
    }
    Object details = params.get("details");
    if (details != null && !(details instanceof Map)) {
      throw new IllegalArgumentException("details: expected a map, got " + details);
    }
    throw new ProtocolException(c, m, (Map<String, Object>) details);
  }

  private static long longParam(
      Map<String, Object> params, String name, long min, long max, Long fallback) {
    Object value = params.get(name);
    if (value == null && fallback != null) {
      return fallback;
    }
    if (!(value instanceof Long l)) {
      throw new IllegalArgumentException(name + ": expected an integer, got " + value);
    }
    if (l < min || l > max) {
      throw new IllegalArgumentException(name + ": expected " + min + ".." + max + ", got " + l);
    }
    return l;
  }
}

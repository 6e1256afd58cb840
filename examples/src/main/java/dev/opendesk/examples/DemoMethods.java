package dev.opendesk.examples;

import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.ServicePrefix;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The methods {@code serve} offers and {@code check} expects, as one typed service: {@code echo},
 * {@code count} (stream), {@code sleep} and {@code fail}, without a prefix. Parameters stay maps so
 * that bad input is answered with the same field-naming messages as ever; results and items are
 * records. The implementation is stateless; the dispatcher is immutable and thread-safe.
 */
@ServicePrefix("")
interface DemoMethods {

  /** Upper bounds that keep one caller from tying the server up for long. */
  long MAX_COUNT = 1_000_000;

  long MAX_DELAY_MS = 60_000;

  /** One item of {@code count}. */
  record Tick(long i) {}

  /** The result of {@code sleep}. */
  record Slept(long slept_ms) {}

  /** Any params → the same map. */
  Map<String, Object> echo(Map<String, Object> params);

  /** {@code {n, delay_ms}} → items {@code {i: 0..n-1}}, one every {@code delay_ms}. */
  Flow.Publisher<Tick> count(Map<String, Object> params);

  /** {@code {ms}} → {@code {slept_ms}} after the delay; a CANCEL drops the wait at once. */
  CompletableFuture<Slept> sleep(Map<String, Object> params);

  /** {@code {code, message, details}} → exactly that error. */
  void fail(Map<String, Object> params);

  /** The dispatcher serving the four demo methods. */
  static Dispatcher dispatcher() {
    return Dispatcher.builder().service(DemoMethods.class, new Server()).build();
  }

  /** The demo server's implementation. */
  final class Server implements DemoMethods {

    @Override
    public Map<String, Object> echo(Map<String, Object> params) {
      return params;
    }

    @Override
    public Flow.Publisher<Tick> count(Map<String, Object> params) {
      long n = longParam(params, "n", 0, MAX_COUNT, null);
      long delay = longParam(params, "delay_ms", 0, MAX_DELAY_MS, 0L);
      return subscriber -> subscriber.onSubscribe(new Ticks(subscriber, n, delay));
    }

    /** Waits on a timer rather than a thread; the peer cancels the future on CANCEL. */
    @Override
    public CompletableFuture<Slept> sleep(Map<String, Object> params) {
      long ms = longParam(params, "ms", 0, MAX_DELAY_MS, null);
      Executor later = CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS);
      return CompletableFuture.supplyAsync(() -> new Slept(ms), later);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void fail(Map<String, Object> params) {
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

  /**
   * The items of one {@code count} call, as demand allows, the delay between items on a timer (no
   * thread waits); cancelling stops them, and a pending delay then ends with nothing sent.
   */
  final class Ticks implements Flow.Subscription {
    private final Flow.Subscriber<? super Tick> subscriber;
    private final long n;
    private final Executor afterDelay;
    private final AtomicLong demand = new AtomicLong();
    // Whoever raises it from 0 emits; others only leave work for that thread.
    private final AtomicInteger work = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile boolean delayElapsed;
    // Touched only by the emitting thread.
    private long next;
    private boolean timerSet;
    private boolean done;

    Ticks(Flow.Subscriber<? super Tick> subscriber, long n, long delayMs) {
      this.subscriber = subscriber;
      this.n = n;
      this.afterDelay =
          delayMs > 0 ? CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS) : null;
    }

    @Override
    public void request(long count) {
      if (count <= 0) {
        cancelled = true;
        subscriber.onError(new IllegalArgumentException("request must be positive: " + count));
        return;
      }
      demand.accumulateAndGet(count, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      emit();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void emit() {
      if (work.getAndIncrement() != 0) {
        return;
      }
      do {
        while (!cancelled && !done && next < n && demand.get() > 0) {
          if (next > 0 && afterDelay != null && !delayElapsed) {
            if (!timerSet) {
              timerSet = true;
              afterDelay.execute(
                  () -> {
                    delayElapsed = true;
                    emit();
                  });
            }
            break;
          }
          delayElapsed = false;
          timerSet = false;
          demand.decrementAndGet();
          subscriber.onNext(new Tick(next++));
        }
        if (!cancelled && !done && next == n) {
          done = true;
          subscriber.onComplete();
        }
      } while (work.decrementAndGet() != 0);
    }
  }
}

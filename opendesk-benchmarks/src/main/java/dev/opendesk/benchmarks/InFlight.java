package dev.opendesk.benchmarks;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps up to a fixed number of asynchronous calls in flight: a benchmark invocation {@link
 * #acquire() acquires} a slot and starts one call, whose completion {@link #release() releases} it.
 * Throughput then measures the steady completion rate with that many calls outstanding.
 *
 * <p>The first failure of any call is kept and rethrown by the next {@link #acquire()} or {@link
 * #drain()}, so a broken benchmark fails instead of measuring errors. Thread-safe.
 */
public final class InFlight {

  /** How many calls the "in flight" scenarios keep outstanding. */
  public static final int DEPTH = 64;

  private static final long DRAIN_TIMEOUT_SECONDS = 30;

  private final int depth;
  private final Semaphore slots;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /** Up to {@code depth} calls in flight. */
  public InFlight(int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("depth must be positive: " + depth);
    }
    this.depth = depth;
    this.slots = new Semaphore(depth);
  }

  /** Waits for a free slot. */
  public void acquire() throws InterruptedException {
    rethrow();
    if (!slots.tryAcquire(DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("no call completed within " + DRAIN_TIMEOUT_SECONDS + " s");
    }
  }

  /** Frees the slot of a call that completed normally. */
  public void release() {
    slots.release();
  }

  /** Frees the slot of a call that failed, and remembers the failure. */
  public void fail(Throwable error) {
    failure.compareAndSet(null, error);
    slots.release();
  }

  /** Waits until no call is in flight; rethrows the first failure, if any. */
  public void drain() throws InterruptedException {
    if (!slots.tryAcquire(depth, DRAIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "calls still in flight after " + DRAIN_TIMEOUT_SECONDS + " s");
    }
    slots.release(depth);
    rethrow();
  }

  private void rethrow() {
    Throwable error = failure.get();
    if (error != null) {
      throw new IllegalStateException("a call in flight failed", error);
    }
  }
}

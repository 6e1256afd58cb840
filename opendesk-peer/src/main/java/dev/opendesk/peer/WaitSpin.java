package dev.opendesk.peer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * When a thread that waits for a call's result ({@code callBlocking}, {@code get}, {@code join})
 * watches the future for a while before it parks. A park and the unpark that ends it cost tens of
 * microseconds on a virtualised machine, more than a whole Loopback call
 * (docs/profiles/blocking-wait-spin.md), so a result that comes within {@link #MAX_NANOS} is caught
 * without them.
 *
 * <p>It spins only where that pays: never on one CPU (the result could not be produced meanwhile),
 * on at most all but one of the CPUs at once (spinning waiters never crowd out the threads that
 * produce results), and on a session where at least one in eight recent spins caught its result (a
 * lower bar than it seems: a waiter that parks slows the next results down, so a session whose
 * waiters spin catches many more of them than the hit rate of occasional spins suggests). While
 * fewer do, only every {@link #PROBE_EVERY}th wait spins, to notice when results get fast again: at
 * most {@code MAX_NANOS / PROBE_EVERY} of spinning per wait on a slow session.
 *
 * <p>Thread-safe; one per session. The hit rate is updated without a lock: a lost update only
 * delays the adjustment by one wait.
 */
final class WaitSpin {

  /** The longest a waiter watches a future before it parks. */
  static final long MAX_NANOS = 100_000;

  /** While spins miss, one wait in this many spins anyway. */
  static final int PROBE_EVERY = 8;

  private static final int MAX_SPINNERS = Runtime.getRuntime().availableProcessors() - 1;
  private static final AtomicInteger SPINNERS = new AtomicInteger();

  /**
   * The hit rate's scale: {@code hitRate} is the share of spins that caught their result × this.
   */
  private static final int ONE = 1 << 10;

  // Exponential moving average (weight 1/8) of whether spins caught their result; starts at one.
  private volatile int hitRate = ONE;
  private int waits;

  /**
   * Watches {@code future} until it is done, {@code budgetNanos} (at most {@link #MAX_NANOS}) pass,
   * or the thread is interrupted; returns at once where spinning does not pay.
   */
  void spinUntilDone(CompletableFuture<?> future, long budgetNanos) {
    if (MAX_SPINNERS < 1 || future.isDone()) {
      return;
    }
    if (hitRate < ONE / 8 && ++waits % PROBE_EVERY != 0) {
      return;
    }
    if (SPINNERS.incrementAndGet() > MAX_SPINNERS) {
      SPINNERS.decrementAndGet();
      return;
    }
    long budget = Math.min(budgetNanos, MAX_NANOS);
    try {
      long start = System.nanoTime();
      while (!future.isDone()
          && System.nanoTime() - start < budget
          && !Thread.currentThread().isInterrupted()) {
        Thread.onSpinWait();
      }
      // A shorter budget or an interrupt says nothing about the session.
      if (budget == MAX_NANOS && !Thread.currentThread().isInterrupted()) {
        int rate = hitRate;
        hitRate = rate + ((future.isDone() ? ONE : 0) - rate) / 8;
      }
    } finally {
      SPINNERS.decrementAndGet();
    }
  }

  /** The share of recent spins that caught their result, from 0 to 1 (tests). */
  double hitRate() {
    return (double) hitRate / ONE;
  }
}

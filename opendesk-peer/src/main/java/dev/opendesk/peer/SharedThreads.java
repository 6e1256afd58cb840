package dev.opendesk.peer;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads all open peers share: one timer thread (call deadlines) and one cached handler pool
 * (the default handler executor). Both are created when the first peer opens and shut down when the
 * last one closes, so that no thread outlives the peers, and an idle session holds no thread: the
 * pool grows with the handlers running at once, not with the sessions, and its idle threads end
 * after {@link #IDLE_SECONDS}.
 *
 * <p>Thread-safe.
 */
final class SharedThreads {

  /** How long an idle handler thread waits for work before it ends. */
  static final long IDLE_SECONDS = 30;

  private static final AtomicInteger WORKER_NUMBERS = new AtomicInteger();

  private static ScheduledThreadPoolExecutor timer;
  private static ThreadPoolExecutor handlers;
  private static int leases;

  private SharedThreads() {}

  /**
   * A peer's claim on the shared threads; release it exactly once (further releases are ignored).
   */
  static final class Lease {
    private final ScheduledThreadPoolExecutor timer;
    private final ThreadPoolExecutor handlers;
    private boolean released;

    private Lease(ScheduledThreadPoolExecutor timer, ThreadPoolExecutor handlers) {
      this.timer = timer;
      this.handlers = handlers;
    }

    /** Schedules {@code task}; returns {@code null} if the timer is gone (the peer is closing). */
    ScheduledFuture<?> schedule(Runnable task, long nanos) {
      try {
        return timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return null;
      }
    }

    /**
     * The shared handler pool: unbounded (a handler that blocks never holds up another), its
     * threads made on demand and reused.
     */
    ExecutorService handlerPool() {
      return handlers;
    }

    void release() {
      synchronized (SharedThreads.class) {
        if (released) {
          return;
        }
        released = true;
        if (--leases == 0) {
          SharedThreads.timer.shutdownNow();
          SharedThreads.timer = null;
          // Only handlers of closed peers can still run: interrupt them, as each peer's close did.
          SharedThreads.handlers.shutdownNow();
          SharedThreads.handlers = null;
        }
      }
    }
  }

  static synchronized Lease acquire() {
    if (timer == null) {
      ScheduledThreadPoolExecutor t =
          new ScheduledThreadPoolExecutor(1, r -> daemon(r, "opendesk-peer-timer"));
      // Deadlines are usually cancelled long before they expire: do not keep them queued.
      t.setRemoveOnCancelPolicy(true);
      t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      timer = t;
      handlers =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              IDLE_SECONDS,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> daemon(r, "opendesk-peer-worker-" + WORKER_NUMBERS.incrementAndGet()));
    }
    leases++;
    return new Lease(timer, handlers);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}

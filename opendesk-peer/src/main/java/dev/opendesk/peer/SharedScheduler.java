package dev.opendesk.peer;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One timer thread shared by all open peers (call deadlines), created when the first peer opens and
 * shut down when the last one closes, so that no thread outlives the peers.
 */
final class SharedScheduler {

  private static ScheduledThreadPoolExecutor executor;
  private static int leases;

  private SharedScheduler() {}

  /** A peer's claim on the timer thread; release it exactly once (further releases are ignored). */
  static final class Lease {
    private final ScheduledThreadPoolExecutor timer;
    private boolean released;

    private Lease(ScheduledThreadPoolExecutor timer) {
      this.timer = timer;
    }

    /** Schedules {@code task}; returns {@code null} if the timer is gone (the peer is closing). */
    ScheduledFuture<?> schedule(Runnable task, long nanos) {
      try {
        return timer.schedule(task, nanos, TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        return null;
      }
    }

    void release() {
      synchronized (SharedScheduler.class) {
        if (released) {
          return;
        }
        released = true;
        if (--leases == 0) {
          executor.shutdownNow();
          executor = null;
        }
      }
    }
  }

  static synchronized Lease acquire() {
    if (executor == null) {
      ScheduledThreadPoolExecutor timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "opendesk-peer-timer");
                t.setDaemon(true);
                return t;
              });
      // Deadlines are usually cancelled long before they expire: do not keep them queued.
      timer.setRemoveOnCancelPolicy(true);
      timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
      executor = timer;
    }
    leases++;
    return new Lease(executor);
  }
}

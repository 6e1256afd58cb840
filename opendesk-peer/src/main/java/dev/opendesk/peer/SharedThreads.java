package dev.opendesk.peer;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads all open peers share: one timer thread (call deadlines) and one handler executor (the
 * default handler executor). Both are created when the first peer opens and shut down when the last
 * one closes, so that no thread outlives the peers, and an idle session holds no thread.
 *
 * <p>On JDK 21 and later the handler executor starts one virtual thread per task, so a burst of
 * blocking handlers costs virtual threads, not platform threads. On JDK 17–20 it is an {@link
 * ElasticExecutor}: {@link #CORE_THREADS} threads run a burst of short handlers, more start only
 * when all of them are held up (looked at every {@link #STALL_NANOS}), and idle threads end after
 * {@link #IDLE_SECONDS}. A cached pool, before, grew to dozens of threads with each burst of short
 * handlers across many sessions (docs/scale.md).
 *
 * <p>Thread-safe.
 */
final class SharedThreads {

  /** How long an idle handler thread waits for work before it ends. */
  static final long IDLE_SECONDS = 30;

  /** Handler threads started at once for waiting handlers (JDK 17–20); more when these block. */
  static final int CORE_THREADS = Math.max(2, Runtime.getRuntime().availableProcessors());

  /** How often the handler threads are looked at while handlers wait for one (JDK 17–20). */
  static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private static final AtomicInteger WORKER_NUMBERS = new AtomicInteger();

  /**
   * {@code Thread.ofVirtual().name("opendesk-peer-vthread-", 0).factory()}, or {@code null} before
   * JDK 21 (looked up reflectively: the library is compiled for Java 17). Safe for concurrent use.
   */
  private static final ThreadFactory VIRTUAL_THREADS;

  /** {@code Executors.newThreadPerTaskExecutor(ThreadFactory)}, or {@code null} before JDK 21. */
  private static final MethodHandle THREAD_PER_TASK_EXECUTOR;

  static {
    ThreadFactory factory = null;
    MethodHandle perTask = null;
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      Object b =
          lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual)).invoke();
      b =
          lookup
              .findVirtual(
                  ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class))
              .invoke(b, "opendesk-peer-vthread-", 0L);
      factory =
          (ThreadFactory)
              lookup
                  .findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class))
                  .invoke(b);
      perTask =
          lookup.findStatic(
              Executors.class,
              "newThreadPerTaskExecutor",
              MethodType.methodType(ExecutorService.class, ThreadFactory.class));
    } catch (Throwable e) {
      // JDK 17-20: no virtual threads; the elastic pool below is the default.
      factory = null;
      perTask = null;
    }
    VIRTUAL_THREADS = factory;
    THREAD_PER_TASK_EXECUTOR = perTask;
  }

  private static ScheduledThreadPoolExecutor timer;
  private static ExecutorService handlers;
  private static int leases;

  private SharedThreads() {}

  /**
   * A peer's claim on the shared threads; release it exactly once (further releases are ignored).
   */
  static final class Lease {
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService handlers;
    private boolean released;

    private Lease(ScheduledThreadPoolExecutor timer, ExecutorService handlers) {
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
     * The shared handler executor: unbounded (a handler that blocks holds up no other for more than
     * a few milliseconds); a virtual thread per task on JDK 21+, otherwise an elastic pool.
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
      handlers = newHandlerExecutor(t);
    }
    leases++;
    return new Lease(timer, handlers);
  }

  /** Whether the default handler executor runs handlers on virtual threads (JDK 21+). */
  static boolean virtualThreads() {
    return VIRTUAL_THREADS != null;
  }

  private static ExecutorService newHandlerExecutor(ScheduledThreadPoolExecutor timer) {
    if (VIRTUAL_THREADS != null) {
      try {
        // Its shutdownNow interrupts every running handler, as the elastic pool's does.
        return (ExecutorService) THREAD_PER_TASK_EXECUTOR.invokeExact(VIRTUAL_THREADS);
      } catch (Throwable e) {
        throw new IllegalStateException("cannot create the virtual-thread handler executor", e);
      }
    }
    return new ElasticExecutor(
        CORE_THREADS,
        TimeUnit.SECONDS.toNanos(IDLE_SECONDS),
        STALL_NANOS,
        r -> daemon(r, "opendesk-peer-worker-" + WORKER_NUMBERS.incrementAndGet()),
        timer);
  }

  private static Thread daemon(Runnable task, String name) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    return t;
  }
}

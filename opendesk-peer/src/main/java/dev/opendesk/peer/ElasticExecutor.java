package dev.opendesk.peer;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default handler executor where the JDK has no virtual threads (17–20): a few threads that
 * share a queue, and more only when every one of them is held up. A cached pool (a thread for every
 * task that finds none idle) grew to dozens of threads with each burst of short handlers; this one
 * runs such a burst on its {@code core} threads, and still never lets a blocked handler hold up the
 * others for long: a watchdog on {@code timer} looks every {@code stallNanos} while tasks wait, and
 * when none was taken since its last look and every thread is parked (or, if some is running, for
 * {@link #RUNNING_STALL_LOOKS} looks: it may be in I/O, or only short of CPU) it starts as many
 * threads again as there are (up to the tasks waiting). So a handler waits about two such periods
 * for a thread when all are blocked, and the pool grows without a bound, as a cached pool does.
 * Threads beyond the running tasks end after {@code idleNanos} idle, the core ones too (an idle
 * process keeps none).
 *
 * <p>{@link #shutdownNow()} interrupts the running tasks and runs the queued ones interrupted;
 * {@link #shutdown()} lets them run uninterrupted. A task that throws is reported to its thread's
 * uncaught-exception handler and the thread goes on. Thread-safe.
 */
final class ElasticExecutor extends AbstractExecutorService {

  private static final int RUNNING = 0;
  private static final int SHUTDOWN = 1;
  private static final int STOP = 2;

  /** How long an idle worker watches the queue before it parks (on more than one CPU). */
  private static final long SPIN_NANOS = 20_000;

  private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;

  /**
   * Looks without progress before more threads start while some worker is running (not parked): on
   * a machine short of CPU, running workers can go a period without taking a task.
   */
  static final int RUNNING_STALL_LOOKS = 8;

  private final int core;
  private final long idleNanos;
  private final long stallNanos;
  private final ThreadFactory threads;
  private final ScheduledExecutorService timer;

  private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  // Workers waiting for a task: a task queued while one waits needs no new thread.
  private final AtomicInteger idle = new AtomicInteger();
  // Whether an idle worker is watching the queue before it parks: at most one does.
  private final AtomicBoolean spinning = new AtomicBoolean();
  // Tasks taken from the queue so far: the watchdog's measure of progress.
  private final AtomicLong taken = new AtomicLong();
  // The workers' count, readable without the lock (written under it).
  private final AtomicInteger live = new AtomicInteger();
  // Whether a look of the watchdog is scheduled: at most one is, so that two looks are always a
  // whole period apart.
  private final AtomicBoolean watching = new AtomicBoolean();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition terminated = lock.newCondition();
  // Guarded by lock.
  private final Set<Worker> workers = new HashSet<>();
  private long takenAtLastLook = -1;
  private int stalledLooks;
  private volatile int largest; // written under the lock
  private volatile int state = RUNNING;

  /**
   * @param core threads started at once for waiting tasks; more only when these are held up
   * @param idleNanos how long a thread with nothing to do waits before it ends
   * @param stallNanos how often the watchdog looks while tasks wait
   * @param timer runs the watchdog (the peers' shared timer)
   */
  ElasticExecutor(
      int core,
      long idleNanos,
      long stallNanos,
      ThreadFactory threads,
      ScheduledExecutorService timer) {
    if (core < 1) {
      throw new IllegalArgumentException("core must be at least 1");
    }
    this.core = core;
    this.idleNanos = idleNanos;
    this.stallNanos = stallNanos;
    this.threads = threads;
    this.timer = timer;
  }

  @Override
  public void execute(Runnable task) {
    if (task == null) {
      throw new NullPointerException("task");
    }
    if (state != RUNNING) {
      throw new RejectedExecutionException("handler executor shut down");
    }
    queue.offer(task);
    if (idle.get() > 0) {
      return; // a waiting worker takes it; one that times out meanwhile looks at the queue first
    }
    if (live.get() >= core) {
      watch();
      return;
    }
    lock.lock();
    try {
      if (state != RUNNING) {
        if (queue.remove(task)) {
          throw new RejectedExecutionException("handler executor shut down");
        }
        return;
      }
      if (workers.size() >= core || !startWorker()) {
        if (workers.isEmpty()) {
          queue.remove(task);
          throw new RejectedExecutionException("cannot start a handler thread");
        }
        watch();
      }
    } finally {
      lock.unlock();
    }
  }

  /** After a worker took a task: if more wait and no one is idle, the watchdog must look. */
  private void tookTask() {
    taken.incrementAndGet();
    if (idle.get() == 0 && !queue.isEmpty()) {
      watch();
    }
  }

  /** Makes sure the watchdog looks within a period. */
  private void watch() {
    if (watching.compareAndSet(false, true)) {
      scheduleLook();
    }
  }

  private void scheduleLook() {
    try {
      timer.schedule(this::look, stallNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // The timer is gone: the last peer closed, and this executor is being shut down with it.
      watching.set(false);
    }
  }

  /** The watchdog: starts threads if tasks wait and none was taken since the last look. */
  private void look() {
    boolean again;
    lock.lock();
    try {
      again = state != STOP && !queue.isEmpty();
      if (again) {
        long now = taken.get();
        stalledLooks = now == takenAtLastLook && idle.get() == 0 ? stalledLooks + 1 : 0;
        // Parked workers are held up for sure; running ones may only be short of CPU (or in I/O):
        // for them, several periods without progress.
        if (stalledLooks > 0 && (stalledLooks >= RUNNING_STALL_LOOKS || allWorkersParked())) {
          int more = Math.min(queue.size(), Math.max(1, workers.size()));
          for (int i = 0; i < more && startWorker(); i++) {
            // started one more
          }
          stalledLooks = 0;
        }
        takenAtLastLook = now;
      } else {
        takenAtLastLook = -1; // the next look, whenever it comes, first notes the progress
        stalledLooks = 0;
      }
    } finally {
      lock.unlock();
    }
    if (again) {
      scheduleLook();
    } else {
      watching.set(false);
      // A task queued while this look decided to stop found it still scheduled and asked for none.
      if (state != STOP && !queue.isEmpty()) {
        watch();
      }
    }
  }

  /** Under the lock: whether every worker is parked or waiting for a lock (none is running). */
  private boolean allWorkersParked() {
    for (Worker w : workers) {
      Thread.State state = w.thread.getState();
      if (state != Thread.State.WAITING
          && state != Thread.State.TIMED_WAITING
          && state != Thread.State.BLOCKED) {
        return false;
      }
    }
    return true;
  }

  /** Under the lock: whether a thread could be started (the system may refuse one). */
  private boolean startWorker() {
    Worker w = new Worker();
    try {
      w.thread = threads.newThread(w);
      w.thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      return false;
    }
    // It cannot look at the workers before this: that takes the lock held here.
    workers.add(w);
    live.set(workers.size());
    largest = Math.max(largest, workers.size());
    return true;
  }

  private final class Worker implements Runnable {
    // Set before the thread starts, read by shutdownNow under the lock.
    Thread thread;

    @Override
    public void run() {
      while (true) {
        Runnable task = queue.poll();
        if (task == null) {
          task = awaitTask();
        }
        if (task == null) {
          if (mayEnd()) {
            return;
          }
          continue;
        }
        tookTask();
        // A task runs uninterrupted unless the executor is stopping: an interrupt meant for the
        // previous task is not this one's. The state is written before shutdownNow interrupts.
        Thread.interrupted();
        if (state == STOP) {
          thread.interrupt();
        }
        try {
          task.run();
        } catch (Throwable e) {
          Thread.UncaughtExceptionHandler h = thread.getUncaughtExceptionHandler();
          if (h != null) {
            h.uncaughtException(thread, e);
          }
        }
        if (state != STOP) {
          Thread.interrupted(); // a task's own interrupt must not end this thread's next wait
        }
      }
    }

    private Runnable awaitTask() {
      if (state != RUNNING) {
        return null;
      }
      idle.incrementAndGet();
      try {
        Runnable next = spinForTask();
        return next != null ? next : queue.poll(idleNanos, TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        return null; // shutdown: look at the state
      } finally {
        idle.decrementAndGet();
      }
    }

    /**
     * Watches the queue for a moment before parking, one idle worker at a time: a handler called
     * one at a time arrives a few microseconds after the last one finished, and a park with its
     * wake-up costs tens of them on a virtual machine (the cached pool's hand-off found its last
     * thread still spinning, the same one each time).
     */
    private Runnable spinForTask() {
      if (!SPIN || !spinning.compareAndSet(false, true)) {
        return null;
      }
      try {
        long start = System.nanoTime();
        do {
          for (int i = 0; i < 64; i++) {
            Runnable next = queue.poll();
            if (next != null) {
              return next;
            }
            Thread.onSpinWait();
          }
        } while (System.nanoTime() - start < SPIN_NANOS && state == RUNNING);
        return null;
      } finally {
        spinning.set(false);
      }
    }

    /** Whether this worker ends now: it idled out, or the executor is done with it. */
    private boolean mayEnd() {
      lock.lock();
      try {
        boolean end = queue.isEmpty();
        if (end) {
          workers.remove(this);
          live.set(workers.size());
          signalIfTerminated();
        }
        return end;
      } finally {
        lock.unlock();
      }
    }
  }

  /** The most threads this executor has had at once (tests). */
  int largestPoolSize() {
    return largest;
  }

  /** Its threads now (tests). */
  int poolSize() {
    return live.get();
  }

  @Override
  public void shutdown() {
    lock.lock();
    try {
      if (state == RUNNING) {
        state = SHUTDOWN;
      }
      // Wakes the waiting workers: with nothing queued they end.
      for (int i = idle.get(); i > 0; i--) {
        queue.offer(NOTHING);
      }
      signalIfTerminated();
    } finally {
      lock.unlock();
    }
  }

  // Wakes a waiting worker at shutdown; running it does nothing.
  private static final Runnable NOTHING = () -> {};

  /**
   * Interrupts the running tasks and runs the queued ones too, interrupted, each on a thread of its
   * own; returns none. What the peers handed over before the last of them closed (completing
   * futures, cancellation callbacks) is done, as a cached pool, which starts every task it accepts,
   * did.
   */
  @Override
  public List<Runnable> shutdownNow() {
    lock.lock();
    try {
      state = STOP;
      for (Worker w : workers) {
        w.thread.interrupt();
      }
      for (int i = queue.size(); i > 0 && startWorker(); i--) {
        // one more for the queued tasks
      }
      signalIfTerminated();
    } finally {
      lock.unlock();
    }
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return state != RUNNING;
  }

  /** Under the lock: shut down, and every worker gone. */
  private boolean terminatedNow() {
    return state != RUNNING && workers.isEmpty();
  }

  /** Under the lock. */
  private void signalIfTerminated() {
    if (terminatedNow()) {
      terminated.signalAll();
    }
  }

  @Override
  public boolean isTerminated() {
    lock.lock();
    try {
      return terminatedNow();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = unit.toNanos(timeout);
    lock.lock();
    try {
      while (!terminatedNow()) {
        if (nanos <= 0) {
          return false;
        }
        nanos = terminated.awaitNanos(nanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }
}

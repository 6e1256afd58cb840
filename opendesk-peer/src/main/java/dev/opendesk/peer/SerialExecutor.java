package dev.opendesk.peer;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/** Runs tasks one at a time, in submission order, on an underlying executor (push delivery). */
final class SerialExecutor implements Executor {

  private final Executor delegate;
  private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  SerialExecutor(Executor delegate) {
    this.delegate = delegate;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    SessionLink.runOn(delegate, this::drain);
  }

  /** Drops the tasks not yet started. */
  void clear() {
    synchronized (tasks) {
      tasks.clear();
    }
  }

  private void drain() {
    while (true) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null) {
          running = false;
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        // Tasks handle their own failures; never let one stop the queue.
        SessionLink.LOG.warn("serial task failed", e);
      }
    }
  }
}

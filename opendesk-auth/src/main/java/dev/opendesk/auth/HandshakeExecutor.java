package dev.opendesk.auth;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for handshake CPU work (PBKDF2, X25519, HKDF) and trust-store I/O, so that
 * none of it runs on a transport event loop: a small fixed pool of daemon threads, created on first
 * use and shared by every handshake in the JVM.
 *
 * <p>Its queue is bounded ({@link #QUEUE_CAPACITY} steps): a flood of handshakes cannot grow it
 * without limit. A step it refuses fails its handshake, whose connection is closed (see {@link
 * HandshakeIo}); steps of connections that closed while queued do no work when they run.
 */
final class HandshakeExecutor {

  /**
   * Queued handshake steps at most: a handshake has at most two steps queued at a time on each
   * side, so this holds a thousand-client burst on both sides of one JVM with room to spare.
   */
  static final int QUEUE_CAPACITY = 4 * HandshakeAdmission.DEFAULT_MAX_PENDING;

  private HandshakeExecutor() {}

  static ExecutorService shared() {
    return Holder.POOL;
  }

  /** A pool of {@code threads} daemon threads with a queue of {@code capacity} steps. */
  static ThreadPoolExecutor bounded(int threads, int capacity) {
    return new ThreadPoolExecutor(
        threads,
        threads,
        0,
        TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(capacity),
        new DaemonThreads());
  }

  private static final class Holder {
    static final ExecutorService POOL =
        bounded(
            Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())), QUEUE_CAPACITY);
  }

  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "opendesk-handshake-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }
}

package dev.opendesk.auth;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The default executor for handshake CPU work (PBKDF2, X25519, HKDF) and trust-store I/O, so that
 * none of it runs on a transport event loop: a small fixed pool of daemon threads, created on first
 * use and shared by every handshake in the JVM.
 */
final class HandshakeExecutor {

  private HandshakeExecutor() {}

  static ExecutorService shared() {
    return Holder.POOL;
  }

  private static final class Holder {
    static final ExecutorService POOL =
        Executors.newFixedThreadPool(
            Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors())),
            new DaemonThreads());
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

package dev.opendesk.protocol;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * One reusable instance per platform thread, as a {@link ThreadLocal} gives; virtual threads (JDK
 * 21+), which are many and short-lived, borrow from a small shared pool instead, so that a handler
 * on a fresh virtual thread does not build (and then drop) an encoder with its buffers for each
 * call. Thread-safe; an instance is used by one thread between {@link #acquire} and {@link
 * #release}.
 */
final class PerThread<T> {

  /** {@code Thread::isVirtual}, or {@code null} before JDK 21 (no virtual threads there). */
  private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static final int POOL_SLOTS = 16;

  private final ThreadLocal<T> local;
  private final Supplier<T> factory;
  private final AtomicReferenceArray<T> pool = new AtomicReferenceArray<>(POOL_SLOTS);

  PerThread(Supplier<T> factory) {
    this.factory = factory;
    this.local = ThreadLocal.withInitial(factory);
  }

  /** This thread's instance, or one borrowed for a virtual thread. */
  T acquire() {
    if (!isVirtual()) {
      return local.get();
    }
    int start = (int) Thread.currentThread().getId() & (POOL_SLOTS - 1);
    for (int i = 0; i < POOL_SLOTS; i++) {
      T pooled = pool.getAndSet((start + i) & (POOL_SLOTS - 1), null);
      if (pooled != null) {
        return pooled;
      }
    }
    return factory.get();
  }

  /**
   * Ends the use of {@code value}; {@code keep} false drops it (e.g. it grew too large to hold on
   * to), so the next {@link #acquire} on this thread makes a new one.
   */
  void release(T value, boolean keep) {
    if (!isVirtual()) {
      if (!keep) {
        local.remove();
      }
      return;
    }
    if (keep) {
      for (int i = 0; i < POOL_SLOTS; i++) {
        if (pool.compareAndSet(i, null, value)) {
          return;
        }
      }
    }
  }

  static boolean isVirtual() {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(Thread.currentThread());
    } catch (Throwable e) {
      throw new IllegalStateException("Thread.isVirtual failed", e);
    }
  }

  private static @Nullable MethodHandle isVirtualHandle() {
    if (Runtime.version().feature() < 21) {
      return null;
    }
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}

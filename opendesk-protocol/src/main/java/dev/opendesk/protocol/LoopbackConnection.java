package dev.opendesk.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * An in-process {@link Connection}: two connected ends in one JVM. Fully featured and fast, for
 * tests and for embedding both sides in one process.
 *
 * <p>Each direction buffers up to {@code capacity} messages; a send beyond that completes only when
 * the other end has received enough for the message to fit (real backpressure). Closing either end
 * closes both: pending sends fail, the closing end's pending receive fails, and the other end still
 * receives what was buffered before it sees the close. Messages are passed by reference, not
 * copied.
 *
 * <pre>{@code
 * LoopbackConnection.Pair pair = LoopbackConnection.pair();
 * pair.first().send(new byte[] {1});
 * byte[] got = pair.second().receive().join();
 * }</pre>
 *
 * <p>Thread-safe, per the {@link Connection} contract.
 */
public final class LoopbackConnection implements Connection {

  /** Default number of messages buffered per direction. */
  public static final int DEFAULT_CAPACITY = 64;

  /** Two connected ends. */
  public record Pair(LoopbackConnection first, LoopbackConnection second) {}

  private final Shared shared;
  private final Direction inbound;
  private final Direction outbound;
  private final CompletableFuture<Void> closeFuture;

  private LoopbackConnection(
      Shared shared, Direction inbound, Direction outbound, CompletableFuture<Void> closeFuture) {
    this.shared = shared;
    this.inbound = inbound;
    this.outbound = outbound;
    this.closeFuture = closeFuture;
  }

  /** Two connected ends with {@link #DEFAULT_CAPACITY} messages buffered per direction. */
  public static Pair pair() {
    return pair(DEFAULT_CAPACITY);
  }

  /**
   * Two connected ends buffering up to {@code capacity} messages per direction; {@code 0} makes
   * every send wait until the other end has received it.
   */
  public static Pair pair(int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must be non-negative: " + capacity);
    }
    Shared shared = new Shared();
    Direction ab = new Direction(shared, capacity);
    Direction ba = new Direction(shared, capacity);
    CompletableFuture<Void> closed = shared.closeFuture;
    return new Pair(
        new LoopbackConnection(shared, ba, ab, closed),
        new LoopbackConnection(shared, ab, ba, closed));
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    if (message == null) {
      return CompletableFuture.failedFuture(new NullPointerException("message"));
    }
    return outbound.offer(message);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    ReceiveFuture next = new ReceiveFuture();
    inbound.take(next);
    return next;
  }

  /** Hands the next message straight to {@code receiver}: no future while it waits. */
  @Override
  public void receive(BiConsumer<? super byte[], ? super Throwable> receiver) {
    inbound.take(Objects.requireNonNull(receiver, "receiver"));
  }

  @Override
  public void close() {
    List<Runnable> completions = new ArrayList<>();
    synchronized (shared) {
      if (shared.closed) {
        return;
      }
      shared.closed = true;
      // The closing end drops what it has not read; the other end may still drain its buffer.
      inbound.buffered.clear();
      inbound.failAll(completions);
      outbound.failWaiters(completions);
    }
    completions.forEach(Runnable::run);
    shared.closeFuture.complete(null);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public boolean isOpen() {
    synchronized (shared) {
      return !shared.closed;
    }
  }

  @Override
  public String toString() {
    return "LoopbackConnection[" + (isOpen() ? "open" : "closed") + "]";
  }

  /** State shared by both ends; its monitor guards both directions. */
  private static final class Shared {
    final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
    boolean closed;
  }

  private record Waiting(byte[] message, CompletableFuture<Void> taken) {}

  /** One direction: messages from one end to the other. */
  private static final class Direction {
    private final Shared shared;
    private final int capacity;
    final ArrayDeque<byte[]> buffered = new ArrayDeque<>();
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    private BiConsumer<? super byte[], ? super Throwable> receiver;

    Direction(Shared shared, int capacity) {
      this.shared = shared;
      this.capacity = capacity;
    }

    CompletableFuture<Void> offer(byte[] message) {
      BiConsumer<? super byte[], ? super Throwable> toComplete;
      synchronized (shared) {
        if (shared.closed) {
          return CompletableFuture.failedFuture(new ConnectionClosedException("connection closed"));
        }
        if (receiver == null) {
          if (buffered.size() < capacity && waiting.isEmpty()) {
            buffered.add(message);
            return TakenFuture.TAKEN;
          }
          CompletableFuture<Void> taken = new CompletableFuture<>();
          waiting.add(new Waiting(message, taken));
          return taken;
        }
        toComplete = receiver;
        receiver = null;
      }
      toComplete.accept(message, null);
      return TakenFuture.TAKEN;
    }

    /** Hands the next message or the failure to {@code to}, now or when a message comes. */
    void take(BiConsumer<? super byte[], ? super Throwable> to) {
      CompletableFuture<Void> promoted = null;
      byte[] message;
      Throwable failure = null;
      synchronized (shared) {
        if (receiver != null) {
          failure = new IllegalStateException("a receive is already outstanding");
          message = null;
        } else {
          message = buffered.poll();
          Waiting next = waiting.poll();
          if (message != null) {
            if (next != null) {
              buffered.add(next.message);
              promoted = next.taken;
            }
          } else if (next != null) {
            message = next.message;
            promoted = next.taken;
          } else if (shared.closed) {
            failure = new ConnectionClosedException("connection closed");
          } else {
            receiver = to;
            return;
          }
        }
      }
      if (promoted != null) {
        promoted.complete(null);
      }
      to.accept(message, failure);
    }

    /** Called under the lock: fails the pending receiver and all waiting senders. */
    void failAll(List<Runnable> completions) {
      if (receiver != null) {
        BiConsumer<? super byte[], ? super Throwable> r = receiver;
        receiver = null;
        completions.add(() -> r.accept(null, new ConnectionClosedException("connection closed")));
      }
      failWaiters(completions);
    }

    /**
     * Called under the lock: fails waiting senders; fails the receiver only if nothing is left to
     * drain.
     */
    void failWaiters(List<Runnable> completions) {
      for (Waiting w : waiting) {
        completions.add(
            () ->
                w.taken.completeExceptionally(new ConnectionClosedException("connection closed")));
      }
      waiting.clear();
      if (receiver != null && buffered.isEmpty()) {
        BiConsumer<? super byte[], ? super Throwable> r = receiver;
        receiver = null;
        completions.add(() -> r.accept(null, new ConnectionClosedException("connection closed")));
      }
    }
  }
}

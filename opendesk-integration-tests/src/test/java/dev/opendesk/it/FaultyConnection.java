package dev.opendesk.it;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ForwardingConnection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A test-fixture {@link Connection} decorator that injects faults into the messages this side sends
 * (wrap the other end too for the other direction), and can slow down what it receives.
 *
 * <pre>{@code
 * FaultyConnection faulty = FaultyConnection.wrap(pair.first());
 * faulty.next(FaultyConnection.Fault.DROP, FaultyConnection.isReq());   // lose the next REQ
 * faulty.latency(Duration.ofMillis(20));                                 // every later send is late
 * faulty.lose();                                                         // the link dies
 * }</pre>
 *
 * <p>Faults on sends, armed one-shot with {@link #next} (the next message matching a predicate) or
 * for every message with {@link #always}:
 *
 * <ul>
 *   <li>{@link Fault#DROP}: the message is never delivered, its send succeeds (a lossy link);
 *   <li>{@link Fault#DUPLICATE}: it is delivered twice;
 *   <li>{@link Fault#REORDER}: it is held back and delivered after the next message;
 *   <li>{@link Fault#TRUNCATE}: only its first half is delivered;
 *   <li>{@link Fault#CLOSE_MID_MESSAGE}: its first half is delivered, then the connection is lost
 *       and the send fails with {@link ConnectionClosedException}.
 * </ul>
 *
 * {@link #latency} delays every send (order kept), {@link #slowReader} delays every receive, and
 * {@link #lose()} closes the underlying connection abruptly. {@link #counts()} tells how many
 * faults were injected.
 *
 * <p>Thread-safe; sends are serialised in call order as the {@link Connection} contract requires.
 */
final class FaultyConnection extends ForwardingConnection {

  /** A fault applied to one outbound message. */
  enum Fault {
    DROP,
    DUPLICATE,
    REORDER,
    TRUNCATE,
    CLOSE_MID_MESSAGE
  }

  /** How many faults of each kind were injected, and how many messages were delayed. */
  record Counts(
      long dropped,
      long duplicated,
      long reordered,
      long truncated,
      long closedMidMessage,
      long delayed) {
    long total() {
      return dropped + duplicated + reordered + truncated + closedMidMessage + delayed;
    }
  }

  private record Rule(Fault fault, Predicate<byte[]> which, boolean oneShot) {}

  private final Object lock = new Object();
  // Guarded by lock.
  private final Deque<Rule> rules = new ArrayDeque<>();
  private byte[] held;
  private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
  private volatile Duration latency = Duration.ZERO;
  private volatile Duration readDelay = Duration.ZERO;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong duplicated = new AtomicLong();
  private final AtomicLong reordered = new AtomicLong();
  private final AtomicLong truncated = new AtomicLong();
  private final AtomicLong closedMidMessage = new AtomicLong();
  private final AtomicLong delayed = new AtomicLong();

  private FaultyConnection(Connection delegate) {
    super(delegate);
  }

  /** Wraps {@code delegate}; no fault is armed. */
  static FaultyConnection wrap(Connection delegate) {
    return new FaultyConnection(delegate);
  }

  /** Every message. */
  static Predicate<byte[]> any() {
    return m -> true;
  }

  /**
   * A frame whose msgpack map holds {@code "type": <type>} (a cheap byte search on plaintext
   * frames; the codec writes the key and value as fixstr).
   */
  static Predicate<byte[]> ofType(String type) {
    byte[] needle = new byte[6 + type.length()];
    needle[0] = (byte) 0xa4;
    System.arraycopy("type".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, needle, 1, 4);
    needle[5] = (byte) (0xa0 | type.length());
    System.arraycopy(
        type.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, needle, 6, type.length());
    return m -> indexOf(m, needle) >= 0;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Applies {@code fault} to the next message that matches {@code which}. */
  FaultyConnection next(Fault fault, Predicate<byte[]> which) {
    synchronized (lock) {
      rules.addLast(new Rule(fault, which, true));
    }
    return this;
  }

  /** Applies {@code fault} to every message that matches {@code which}, until {@link #heal()}. */
  FaultyConnection always(Fault fault, Predicate<byte[]> which) {
    synchronized (lock) {
      rules.addLast(new Rule(fault, which, false));
    }
    return this;
  }

  /** Removes every armed fault and delay; a held (reordered) message is delivered now. */
  FaultyConnection heal() {
    byte[] release;
    synchronized (lock) {
      rules.clear();
      release = held;
      held = null;
      latency = Duration.ZERO;
      readDelay = Duration.ZERO;
      if (release != null) {
        enqueue(release, 0);
      }
    }
    return this;
  }

  /** Delivers every later message {@code delay} after its send, in order. */
  FaultyConnection latency(Duration delay) {
    this.latency = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** Completes every later receive {@code delay} after the message arrived: a slow reader. */
  FaultyConnection slowReader(Duration delay) {
    this.readDelay = Objects.requireNonNull(delay, "delay");
    return this;
  }

  /** Loses the link: closes the underlying connection abruptly. */
  void lose() {
    delegate.close();
  }

  /** The faults injected so far. */
  Counts counts() {
    return new Counts(
        dropped.get(),
        duplicated.get(),
        reordered.get(),
        truncated.get(),
        closedMidMessage.get(),
        delayed.get());
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    Objects.requireNonNull(message, "message");
    synchronized (lock) {
      Fault fault = take(message);
      long due = latency.isZero() ? 0 : System.nanoTime() + latency.toNanos();
      if (due != 0) {
        delayed.incrementAndGet();
      }
      if (fault == null) {
        CompletableFuture<Void> sent = enqueue(message, due);
        releaseHeld(due);
        return sent;
      }
      switch (fault) {
        case DROP:
          dropped.incrementAndGet();
          releaseHeld(due);
          return CompletableFuture.completedFuture(null);
        case DUPLICATE:
          duplicated.incrementAndGet();
          enqueue(message.clone(), due);
          CompletableFuture<Void> second = enqueue(message, due);
          releaseHeld(due);
          return second;
        case REORDER:
          reordered.incrementAndGet();
          releaseHeld(due);
          held = message;
          return CompletableFuture.completedFuture(null);
        case TRUNCATE:
          truncated.incrementAndGet();
          CompletableFuture<Void> cut = enqueue(Arrays.copyOf(message, message.length / 2), due);
          releaseHeld(due);
          return cut;
        case CLOSE_MID_MESSAGE:
          closedMidMessage.incrementAndGet();
          CompletableFuture<Void> failed = new CompletableFuture<>();
          enqueue(Arrays.copyOf(message, message.length / 2), due)
              .whenComplete(
                  (v, e) -> {
                    delegate.close();
                    failed.completeExceptionally(
                        new ConnectionClosedException(
                            "connection lost in the middle of a message"));
                  });
          return failed;
        default:
          throw new AssertionError(fault);
      }
    }
  }

  // Guarded by lock.
  private Fault take(byte[] message) {
    for (var it = rules.iterator(); it.hasNext(); ) {
      Rule rule = it.next();
      if (rule.which.test(message)) {
        if (rule.oneShot) {
          it.remove();
        }
        return rule.fault;
      }
    }
    return null;
  }

  // Guarded by lock.
  private void releaseHeld(long due) {
    if (held != null) {
      byte[] late = held;
      held = null;
      enqueue(late, due);
    }
  }

  /**
   * Sends after every earlier send and not before {@code due} (a nanoTime; 0 for now). Guarded by
   * lock.
   */
  private CompletableFuture<Void> enqueue(byte[] message, long due) {
    CompletableFuture<Void> sent =
        tail.handle((v, e) -> null)
            .thenCompose(v -> waitUntil(due))
            .thenCompose(v -> delegate.send(message));
    tail = sent;
    return sent;
  }

  private static CompletableFuture<Void> waitUntil(long due) {
    long wait = due == 0 ? 0 : due - System.nanoTime();
    if (wait <= 0) {
      return CompletableFuture.completedFuture(null);
    }
    Executor later = CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS);
    return CompletableFuture.runAsync(() -> {}, later);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    Duration delay = readDelay;
    CompletableFuture<byte[]> received = delegate.receive();
    if (delay.isZero()) {
      return received;
    }
    return received.thenCompose(
        m -> {
          delayed.incrementAndGet();
          return CompletableFuture.supplyAsync(
              () -> m, CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
        });
  }

  @Override
  public String toString() {
    return "Faulty[" + delegate + "]";
  }
}

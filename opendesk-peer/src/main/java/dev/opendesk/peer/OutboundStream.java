package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * One outbound stream call: a bounded buffer between the receive loop (producer) and one consumer,
 * either a blocking iterator or a {@link Flow.Subscriber}.
 *
 * <p>Upstream state: open until the final RES, a timeout, the consumer's close, or the peer's close
 * ends it ({@code upstreamDone}); only the first of those counts. The terminal signal (completion
 * or error) is queued behind the buffered items, so the consumer sees every item that arrived
 * before it. When the buffer reaches its capacity, {@link #onRes} hands the receive loop a future
 * to wait for: the loop stops reading the connection until the consumer has drained half the buffer
 * (the protocol has no per-stream credit, so transport backpressure is the only bound).
 */
final class OutboundStream<T> implements OutboundCall {

  private static final int NONE = 0;
  private static final int ITERATOR = 1;
  private static final int SUBSCRIBER = 2;

  /** How long an iterator that found no item watches for one before it parks. */
  private static final long SPIN_NANOS = 20_000;

  private static final boolean SPIN = Runtime.getRuntime().availableProcessors() > 1;

  private final SessionLink link;
  private final long id;
  private final String method;
  private final int capacity;
  private final Function<Map<String, Object>, T> converter;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Counts the signals of `changed` (written under the lock): an iterator that found the buffer
  // empty watches it for a moment before it parks.
  private volatile int changes;
  private final ArrayDeque<Map<String, Object>> buffer = new ArrayDeque<>();
  // Guarded by lock.
  private boolean upstreamDone;
  private boolean completed;
  private Throwable error;
  private long nextSeq;
  private CompletableFuture<Boolean> space;
  // Written under the lock, once; read without it on every item (the producer's path).
  private volatile int mode = NONE;
  private boolean consumerClosed;
  private boolean terminated;
  private Flow.Subscriber<? super T> subscriber;
  private long demand;

  private final AtomicInteger wip = new AtomicInteger();
  private volatile ScheduledFuture<?> timer;

  OutboundStream(
      SessionLink link, String method, int capacity, Function<Map<String, Object>, T> converter) {
    this(link, link.outbound().nextId(), method, capacity, converter);
  }

  private OutboundStream(
      SessionLink link,
      long id,
      String method,
      int capacity,
      Function<Map<String, Object>, T> converter) {
    this.link = link;
    this.id = id;
    this.method = method;
    this.capacity = capacity;
    this.converter = converter;
  }

  /** A stream that failed before anything was sent. */
  static <T> OutboundStream<T> failed(String method, Throwable failure) {
    OutboundStream<T> stream = new OutboundStream<>(null, -1, method, 1, m -> null);
    stream.upstreamDone = true;
    stream.error = failure;
    return stream;
  }

  @Override
  public long id() {
    return id;
  }

  /**
   * Encodes the REQ, registers the stream, sends the REQ and arms the deadline. Parameters that
   * cannot be encoded fail the stream (on first use) with {@link IllegalArgumentException} naming
   * the field, and nothing is sent.
   */
  void start(Map<String, Object> params, Duration timeout) {
    byte[] req;
    try {
      req = link.encode(Req.stream(id, method, params));
    } catch (IllegalArgumentException e) {
      lock.lock();
      try {
        upstreamDone = true;
        error = e;
      } finally {
        lock.unlock();
      }
      return;
    }
    link.register(this);
    link.sendEncoded(req)
        .whenComplete(
            (v, failure) -> {
              if (failure != null) {
                onClose(link.sendFailure(failure));
              }
            });
    if (timeout != null) {
      timer = link.schedule(this::onTimeout, timeout);
      boolean over;
      lock.lock();
      try {
        over = upstreamDone;
      } finally {
        lock.unlock();
      }
      if (over) {
        cancelTimer();
      }
    }
  }

  // ------------------------------------------------------------------ upstream (receive loop)

  /**
   * A RES for this stream arrived. Returns a future the receive loop must wait for before reading
   * on (the buffer is full), or {@code null}.
   */
  @Override
  public CompletableFuture<Boolean> onRes(Res res) {
    CompletableFuture<Boolean> wait = null;
    boolean ended = false;
    boolean violation = false;
    lock.lock();
    try {
      if (upstreamDone) {
        return null;
      }
      if (res.seq() != nextSeq) {
        violation = true;
        upstreamDone = true;
        error =
            new ProtocolException(
                ErrorInfo.of(
                    ErrorCode.PROTOCOL,
                    "stream " + method + " got seq " + res.seq() + ", expected " + nextSeq));
      } else if (!res.end()) {
        nextSeq++;
        if (!consumerClosed) {
          buffer.add(res.result() == null ? Map.of() : res.result());
          if (buffer.size() >= capacity) {
            space = new CompletableFuture<>();
            wait = space;
          }
        }
      } else {
        ended = true;
        upstreamDone = true;
        if (res.result() != null && !consumerClosed) {
          buffer.add(res.result());
        }
        if (res.error() != null) {
          error = ProtocolException.from(res.error());
        } else {
          completed = true;
        }
      }
      signalChange();
    } finally {
      lock.unlock();
    }
    if (ended || violation) {
      link.outbound().remove(this);
      cancelTimer();
    }
    if (violation) {
      link.sendCancel(id, "out-of-order stream item");
    }
    signalSubscriberAsync();
    return wait;
  }

  private void onTimeout() {
    if (!endUpstream(new CallTimeoutException("stream " + method + " timed out"))) {
      return;
    }
    link.sendCancel(id, "timeout");
    signalSubscriberAsync();
  }

  @Override
  public void onClose(ConnectionClosedException cause) {
    if (endUpstream(cause)) {
      cancelTimer();
      signalSubscriber();
    }
  }

  /** Ends the upstream with {@code failure} unless it already ended; returns whether it did. */
  private boolean endUpstream(Throwable failure) {
    CompletableFuture<Boolean> release;
    lock.lock();
    try {
      if (upstreamDone) {
        return false;
      }
      upstreamDone = true;
      error = failure;
      release = takeSpace();
      signalChange();
    } finally {
      lock.unlock();
    }
    link.outbound().remove(this);
    complete(release);
    return true;
  }

  // ------------------------------------------------------------------ consumer: iterator

  boolean hasNext() {
    lock.lock();
    try {
      claim(ITERATOR);
      while (buffer.isEmpty() && !completed && error == null && !consumerClosed) {
        BlockingCalls.refuseToWaitOnReceiveThread();
        if (awaitChangeSpinning()) {
          continue;
        }
        try {
          changed.await();
        } catch (InterruptedException e) {
          lock.unlock();
          try {
            close();
          } finally {
            lock.lock();
          }
          Thread.currentThread().interrupt();
          throw new CallCancelledException("interrupted while waiting for stream " + method);
        }
      }
      if (!buffer.isEmpty()) {
        return true;
      }
      if (error != null && !consumerClosed) {
        throw rethrowable(error);
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: wakes the iterator or subscriber waiting for a change. */
  private void signalChange() {
    changes++;
    changed.signalAll();
  }

  /**
   * Under the lock, which it releases meanwhile: watches for a change for up to {@link #SPIN_NANOS}
   * and returns whether one came. Items usually follow each other within a few microseconds, and
   * parking for each costs the producer an unpark and this thread a wake-up: both dominated a
   * stream of small items (see docs/profiles/stream-iterator-spin.md). On one core the producer
   * cannot run while this thread spins: no spinning there.
   */
  private boolean awaitChangeSpinning() {
    return SPIN && spinFor(changes);
  }

  private boolean spinFor(int seen) {
    lock.unlock();
    try {
      long start = System.nanoTime();
      do {
        for (int i = 0; i < 64; i++) {
          if (changes != seen) {
            return true;
          }
          Thread.onSpinWait();
        }
      } while (System.nanoTime() - start < SPIN_NANOS);
    } finally {
      lock.lock();
    }
    // A change between the last look and taking the lock back signalled no one: see it here.
    return changes != seen;
  }

  T next() {
    if (!hasNext()) {
      throw new NoSuchElementException("stream " + method + " has ended");
    }
    Map<String, Object> item;
    CompletableFuture<Boolean> release;
    lock.lock();
    try {
      item = buffer.poll();
      release = maybeTakeSpace();
    } finally {
      lock.unlock();
    }
    if (release != null) {
      // This thread reads on itself, with the items it still has buffered to come back to: no
      // hand-off to the executor and back, and the next items are decoded where they are taken.
      release.complete(true);
    }
    return convert(item);
  }

  private T convert(Map<String, Object> item) {
    try {
      return converter.apply(item);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private static RuntimeException rethrowable(Throwable error) {
    return error instanceof RuntimeException r
        ? r
        : new ProtocolException(ErrorInfo.of(ErrorCode.INTERNAL, error.toString()));
  }

  // ------------------------------------------------------------------ consumer: close

  /** The consumer is done: drop the buffer and, if the stream is still open, send CANCEL. */
  void close() {
    boolean cancel;
    CompletableFuture<Boolean> release;
    lock.lock();
    try {
      if (consumerClosed) {
        return;
      }
      consumerClosed = true;
      buffer.clear();
      cancel = !upstreamDone;
      upstreamDone = true;
      release = takeSpace();
      signalChange();
    } finally {
      lock.unlock();
    }
    afterUpstreamStopped(release, cancel);
  }

  // ------------------------------------------------------------------ consumer: Flow

  void subscribe(Flow.Subscriber<? super T> s) {
    if (s == null) {
      throw new NullPointerException("subscriber");
    }
    boolean accepted;
    lock.lock();
    try {
      accepted = mode == NONE;
      if (accepted) {
        mode = SUBSCRIBER;
        subscriber = s;
        // Own the delivery until onSubscribe returned (rule 1.3): signals meanwhile are only
        // counted.
        wip.incrementAndGet();
      }
    } finally {
      lock.unlock();
    }
    if (!accepted) {
      s.onSubscribe(new NoopSubscription());
      s.onError(
          new IllegalStateException(
              "a CallStream can be consumed once, by one subscriber or iterator"));
      return;
    }
    s.onSubscribe(new StreamSubscription());
    drainLoop();
  }

  private final class StreamSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      if (n <= 0) {
        // Rule 3.9: a non-positive request is signalled as onError; it also ends our interest.
        failFromConsumer(new IllegalArgumentException("request(n) needs n > 0, got " + n));
      } else {
        lock.lock();
        try {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        } finally {
          lock.unlock();
        }
      }
      signalSubscriber();
    }

    @Override
    public void cancel() {
      close();
      // Rule 3.13: a cancelled subscription drops its reference to the subscriber, so a stream the
      // caller still holds does not keep the subscriber (and what it references) reachable.
      lock.lock();
      try {
        subscriber = null;
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Fails the stream with {@code failure} (unless it already terminated) and stops upstream (CANCEL
   * if open) in one step: an item arriving in between would otherwise sit in the emptied buffer and
   * hold the error back for good, as the subscriber has no demand.
   */
  private void failFromConsumer(RuntimeException failure) {
    boolean cancel;
    CompletableFuture<Boolean> release;
    lock.lock();
    try {
      if (!terminated) {
        error = failure;
        buffer.clear();
      }
      cancel = !upstreamDone;
      upstreamDone = true;
      release = takeSpace();
    } finally {
      lock.unlock();
    }
    afterUpstreamStopped(release, cancel);
  }

  /** Outside the lock: frees the transport and, if the stream was still open, sends CANCEL. */
  private void afterUpstreamStopped(CompletableFuture<Boolean> release, boolean cancel) {
    complete(release);
    if (cancel) {
      link.outbound().remove(this);
      cancelTimer();
      link.sendCancel(id, "cancelled by caller");
    }
  }

  private static final class NoopSubscription implements Flow.Subscription {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }

  /** Delivers on the handler executor: the receive loop must not run subscriber code. */
  private void signalSubscriberAsync() {
    if (mode() != SUBSCRIBER) {
      return;
    }
    if (wip.getAndIncrement() == 0) {
      link.runAsync(this::drainLoop);
    }
  }

  /** Delivers on this thread unless a delivery is already running elsewhere. */
  private void signalSubscriber() {
    if (mode() != SUBSCRIBER) {
      return;
    }
    if (wip.getAndIncrement() == 0) {
      drainLoop();
    }
  }

  private int mode() {
    return mode;
  }

  private void drainLoop() {
    int missed = 1;
    while (true) {
      while (true) {
        Map<String, Object> item = null;
        Throwable failure = null;
        boolean finish = false;
        CompletableFuture<Boolean> release = null;
        Flow.Subscriber<? super T> s;
        lock.lock();
        try {
          s = subscriber;
          if (terminated) {
            buffer.clear();
            break;
          }
          if (consumerClosed) {
            terminated = true;
            buffer.clear();
            break;
          }
          if (demand > 0 && !buffer.isEmpty()) {
            item = buffer.poll();
            demand--;
            release = maybeTakeSpace();
          } else if (buffer.isEmpty() && (completed || error != null)) {
            terminated = true;
            finish = true;
            failure = error;
            subscriber = null;
          } else {
            break;
          }
        } finally {
          lock.unlock();
        }
        complete(release);
        if (finish) {
          if (failure == null) {
            s.onComplete();
          } else {
            s.onError(failure);
          }
          break;
        }
        T value;
        try {
          value = converter.apply(item);
        } catch (RuntimeException e) {
          failFromConsumer(e);
          continue;
        }
        s.onNext(value);
      }
      missed = wip.addAndGet(-missed);
      if (missed == 0) {
        return;
      }
    }
  }

  // ------------------------------------------------------------------ loop backpressure

  private void claim(int wanted) {
    if (mode == NONE) {
      mode = wanted;
    } else if (mode != wanted) {
      throw new IllegalStateException(
          "a CallStream can be consumed once, by one subscriber or iterator");
    }
  }

  /** Under the lock: the loop's wait, if the consumer has drained enough to resume reading. */
  private CompletableFuture<Boolean> maybeTakeSpace() {
    if (space != null && buffer.size() <= capacity / 2) {
      return takeSpace();
    }
    return null;
  }

  /** Under the lock: the loop's wait, unconditionally. */
  private CompletableFuture<Boolean> takeSpace() {
    CompletableFuture<Boolean> s = space;
    space = null;
    return s;
  }

  /** Lets the paused receive loop read on, from the handler executor. */
  private static void complete(CompletableFuture<Boolean> release) {
    if (release != null) {
      release.complete(false);
    }
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    if (t != null) {
      t.cancel(false);
    }
  }
}

package dev.opendesk.peer.testing;

import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Flow.Publisher} of a fixed list that honours demand: items go out only as requested, on
 * the thread that requested them, never re-entrantly (a {@code request} from inside {@code onNext}
 * is served after it returns). Each subscriber gets the whole list. Thread-safe.
 */
public final class ListPublisher<T> implements Flow.Publisher<T> {

  private final List<T> items;

  public ListPublisher(List<T> items) {
    this.items = List.copyOf(items);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super T> subscriber) {
    subscriber.onSubscribe(new Emitter(subscriber));
  }

  private final class Emitter implements Flow.Subscription {
    private final Flow.Subscriber<? super T> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger work = new AtomicInteger();
    // Touched only by the thread that holds the work counter.
    private int next;
    private boolean done;
    private volatile boolean cancelled;
    private volatile boolean invalidRequest;

    Emitter(Flow.Subscriber<? super T> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalidRequest = true;
      } else {
        demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void drain() {
      if (work.getAndIncrement() != 0) {
        return;
      }
      do {
        if (!done && invalidRequest) {
          done = true;
          subscriber.onError(new IllegalArgumentException("request must be positive (§3.9)"));
        }
        while (!done && !cancelled && next < items.size() && demand.get() > 0) {
          demand.decrementAndGet();
          subscriber.onNext(items.get(next++));
        }
        if (!done && !cancelled && next == items.size()) {
          done = true;
          subscriber.onComplete();
        }
      } while (work.decrementAndGet() != 0);
    }
  }
}

package dev.opendesk.peer.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A subscriber that requests everything and collects it: {@link #collect} completes with the items
 * on {@code onComplete}, or fails with the error.
 */
public final class CollectingSubscriber<T> implements Flow.Subscriber<T> {

  private final List<T> items = new ArrayList<>();
  private final CompletableFuture<List<T>> done = new CompletableFuture<>();

  private CollectingSubscriber() {}

  /** Subscribes to {@code publisher}; the future completes with every item once it ends. */
  public static <T> CompletableFuture<List<T>> collect(Flow.Publisher<T> publisher) {
    CollectingSubscriber<T> subscriber = new CollectingSubscriber<>();
    publisher.subscribe(subscriber);
    return subscriber.done;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    subscription.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(T item) {
    items.add(item);
  }

  @Override
  public void onError(Throwable failure) {
    done.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    done.complete(items);
  }
}

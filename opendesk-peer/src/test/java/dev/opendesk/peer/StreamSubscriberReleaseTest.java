package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.opendesk.protocol.LoopbackConnection;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reactive Streams rule 3.13: once its subscription is cancelled, a {@link CallStream} the caller
 * still holds no longer references the subscriber.
 */
class StreamSubscriberReleaseTest {

  private final LoopbackConnection.Pair pair = LoopbackConnection.pair();
  private final CountDownLatch release = new CountDownLatch(1);
  private Peer client;
  private Peer server;

  @AfterEach
  void close() {
    release.countDown();
    client.close();
    server.close();
  }

  @Test
  void cancelledSubscriptionDropsTheSubscriber() throws Exception {
    startSession();
    CallStream<Map<String, Object>> stream = client.stream("endless", Map.of());
    CompletableFuture<Flow.Subscription> subscribed = new CompletableFuture<>();
    WeakReference<Flow.Subscriber<Map<String, Object>>> subscriber =
        new WeakReference<>(subscribe(stream, subscribed));
    subscribed.get(10, TimeUnit.SECONDS).cancel();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return subscriber.get() == null;
            });
    assertThat(subscriber.get()).isNull();
    // The caller still holds the stream: only the subscriber may become unreachable.
    Reference.reachabilityFence(stream);
  }

  /** Subscribes a fresh subscriber and returns it without keeping a reference in this frame. */
  private static Flow.Subscriber<Map<String, Object>> subscribe(
      CallStream<Map<String, Object>> stream, CompletableFuture<Flow.Subscription> subscribed) {
    Flow.Subscriber<Map<String, Object>> s =
        new Flow.Subscriber<>() {
          @Override
          public void onSubscribe(Flow.Subscription subscription) {
            subscribed.complete(subscription);
          }

          @Override
          public void onNext(Map<String, Object> item) {}

          @Override
          public void onError(Throwable failure) {}

          @Override
          public void onComplete() {}
        };
    stream.subscribe(s);
    return s;
  }

  private void startSession() throws Exception {
    Dispatcher dispatcher =
        Dispatcher.builder().stream(
                "endless",
                (ctx, params, sink) -> {
                  sink.next(Map.of("n", 1L));
                  release.await(10, TimeUnit.SECONDS);
                })
            .build();
    server = Peer.server(pair.second(), dispatcher);
    client = Peer.client(pair.first());
    Sessions.start(client, server);
  }
}

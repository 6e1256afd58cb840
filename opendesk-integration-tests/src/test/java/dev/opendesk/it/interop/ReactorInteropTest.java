package dev.opendesk.it.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opendesk.peer.CallContext;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Param;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.ServicePrefix;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.reactivestreams.Subscription;
import reactor.adapter.JdkFlowAdapter;
import reactor.core.publisher.BaseSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reactor on both ends of a session: Flux over a stream, Mono over a call, Flux as a handler. */
@Timeout(60)
class ReactorInteropTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  public record Tick(long i) {}

  @ServicePrefix("ticks")
  public interface Ticks {
    Flow.Publisher<Tick> range(@Param("n") long n);

    CompletableFuture<Tick> last(@Param("n") long n);
  }

  private final CompletableFuture<CallContext> endless = new CompletableFuture<>();
  private InteropSessions sessions;

  private void open(Dispatcher dispatcher) throws Exception {
    sessions = InteropSessions.open(InteropSessions.Transport.LOOPBACK, dispatcher);
  }

  @AfterEach
  void close() throws Exception {
    sessions.close();
  }

  private Dispatcher.Builder served() {
    return InteropSessions.served().stream(
            "endless",
            (ctx, params, sink) -> {
              endless.complete(ctx);
              for (long i = 0; ; i++) {
                sink.next(Map.of("i", i)); // throws CallCancelledException once cancelled
              }
            })
        .unary(
            "never",
            (ctx, params) -> {
              endless.complete(ctx);
              return new CompletableFuture<>();
            })
        .unary(
            "missing",
            (ctx, params) -> {
              throw new ProtocolException("not_found", "nothing here", null);
            });
  }

  /** Waits until the call served by "endless" or "never" was cancelled by its caller. */
  private void awaitServerSideCancel() throws Exception {
    CallContext served = endless.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    CompletableFuture<Void> cancelled = new CompletableFuture<>();
    served.onCancel(() -> cancelled.complete(null));
    cancelled.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void fluxOverAStreamDeliversEveryItemInOrder() throws Exception {
    open(served().build());

    List<Object> items =
        JdkFlowAdapter.flowPublisherToFlux(sessions.client.stream("count", Map.of("n", 500L)))
            .map(item -> item.get("i"))
            .collectList()
            .block(WAIT);

    assertThat(items).isEqualTo(LongStream.range(0, 500).boxed().collect(Collectors.toList()));
  }

  @Test
  void fluxPassesItsSubscribersDemandThrough() throws Exception {
    open(served().build());
    List<Object> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> done = new CompletableFuture<>();
    BaseSubscriber<Map<String, Object>> subscriber =
        new BaseSubscriber<>() {
          @Override
          protected void hookOnSubscribe(Subscription subscription) {
            // No demand yet.
          }

          @Override
          protected void hookOnNext(Map<String, Object> item) {
            seen.add(item.get("i"));
          }

          @Override
          protected void hookOnComplete() {
            done.complete(null);
          }

          @Override
          protected void hookOnError(Throwable failure) {
            done.completeExceptionally(failure);
          }
        };
    JdkFlowAdapter.flowPublisherToFlux(sessions.client.stream("count", Map.of("n", 10L)))
        .subscribe(subscriber);

    subscriber.request(2);
    await().atMost(WAIT).until(() -> seen.size() == 2);
    assertThat(done).isNotDone();
    subscriber.requestUnbounded();
    done.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(seen).isEqualTo(LongStream.range(0, 10).boxed().collect(Collectors.toList()));
  }

  @Test
  void takingFewerItemsCancelsTheStreamCall() throws Exception {
    open(served().build());

    List<Map<String, Object>> firstThree =
        JdkFlowAdapter.flowPublisherToFlux(sessions.client.stream("endless", Map.of()))
            .take(3)
            .collectList()
            .block(WAIT);

    assertThat(firstThree).hasSize(3);
    awaitServerSideCancel();
  }

  @Test
  void monoOverACallCompletesWithTheResult() throws Exception {
    open(served().build());

    Map<String, Object> reply =
        Mono.fromFuture(() -> sessions.client.call("echo", Map.of("text", "hi"))).block(WAIT);

    assertThat(reply).isEqualTo(Map.of("text", "hi"));
  }

  @Test
  void monoOverACallFailsWithTheRemoteError() throws Exception {
    open(served().build());

    assertThatThrownBy(
            () -> Mono.fromFuture(() -> sessions.client.call("missing", Map.of())).block(WAIT))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("not_found: nothing here");
  }

  @Test
  void cancellingTheMonoCancelsTheCall() throws Exception {
    open(served().build());

    assertThatThrownBy(
            () ->
                Mono.fromFuture(() -> sessions.client.call("never", Map.of()))
                    .timeout(Duration.ofMillis(200))
                    .block(WAIT))
        .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
    awaitServerSideCancel();
  }

  @Test
  void fluxServesAPublisherHandler() throws Exception {
    open(
        served()
            .publisher(
                "flux",
                (ctx, params) ->
                    JdkFlowAdapter.publisherToFlowPublisher(
                        Flux.range(0, 300).map(i -> Map.of("i", (long) i))))
            .build());

    assertThat(
            JdkFlowAdapter.flowPublisherToFlux(sessions.client.stream("flux", Map.of()))
                .count()
                .block(WAIT))
        .isEqualTo(300L);
  }

  @Test
  void typedServiceServedAndCalledWithReactor() throws Exception {
    Ticks implementation =
        new Ticks() {
          @Override
          public Flow.Publisher<Tick> range(long n) {
            return JdkFlowAdapter.publisherToFlowPublisher(Flux.range(0, (int) n).map(Tick::new));
          }

          @Override
          public CompletableFuture<Tick> last(long n) {
            return Flux.range(0, (int) n).map(Tick::new).last().toFuture();
          }
        };
    open(served().service(Ticks.class, implementation).build());
    Ticks ticks = sessions.client.service(Ticks.class);

    assertThat(JdkFlowAdapter.flowPublisherToFlux(ticks.range(4)).collectList().block(WAIT))
        .containsExactly(new Tick(0), new Tick(1), new Tick(2), new Tick(3));
    assertThat(Mono.fromFuture(ticks.last(5)).block(WAIT)).isEqualTo(new Tick(4));
  }
}

package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.it.FaultyConnection.Fault;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.CallTimeoutException;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.peer.PermissionDeniedException;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers over {@link FaultyConnection}s: what each injected fault does to calls and streams, and
 * that nothing in flight is ever left hanging.
 */
@Timeout(60)
class FaultInjectionTest {

  private static final Duration DEADLINE = Duration.ofMillis(300);
  private static final AtomicLong FAULTS = new AtomicLong();

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ExecutorService consumers = Executors.newCachedThreadPool();
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final AtomicInteger streamItemsSent = new AtomicInteger();

  private final Dispatcher dispatcher =
      Dispatcher.builder()
          .unary("echo", (ctx, params) -> params)
          .unary(
              "forever",
              (ctx, params) -> {
                ctx.onCancel(cancelled::countDown);
                return new CompletableFuture<Map<String, Object>>();
              })
          .unary(
              "block",
              (ctx, params) -> {
                new CountDownLatch(1).await();
                return null;
              })
          .unary(
              "fail",
              (ctx, params) -> {
                throw new IllegalStateException("handler bug with a secret detail");
              })
          .unary(
              "deny",
              (ctx, params) -> {
                throw ProtocolException.from(ErrorInfo.of(ErrorCode.PERMISSION_DENIED, "not you"));
              })
          .stream(
              "count",
              (ctx, params, sink) -> {
                long to = ((Number) params.get("to")).longValue();
                for (long i = 0; i < to; i++) {
                  sink.next(Map.of("i", i));
                  streamItemsSent.incrementAndGet();
                }
              })
          .stream(
              "firstThenWait",
              (ctx, params, sink) -> {
                ctx.onCancel(cancelled::countDown);
                sink.next(Map.of("first", true));
                new CountDownLatch(1).await();
              })
          .stream(
              "untilCancelled",
              (ctx, params, sink) -> {
                ctx.onCancel(cancelled::countDown);
                for (long i = 0; !ctx.isCancelled(); i++) {
                  sink.next(Map.of("i", i));
                }
              })
          .stream(
              "failAfterTwo",
              (ctx, params, sink) -> {
                sink.next(Map.of("i", 0L));
                sink.next(Map.of("i", 1L));
                throw new IllegalArgumentException("bad frame index");
              })
          .build();

  /** Two peers, each over its own faulty end of a loopback pair. */
  private record Link(
      Peer client, Peer server, FaultyConnection clientEnd, FaultyConnection serverEnd) {}

  private Link link() throws Exception {
    return link(PeerOptions.defaults());
  }

  private Link link(PeerOptions clientOptions) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    FaultyConnection clientEnd = FaultyConnection.wrap(pair.first());
    FaultyConnection serverEnd = FaultyConnection.wrap(pair.second());
    Peer server = Peer.builder(serverEnd, Role.SERVER).dispatcher(dispatcher).build();
    Peer client = Peer.builder(clientEnd, Role.CLIENT).options(clientOptions).build();
    resources.add(client);
    resources.add(server);
    CompletableFuture<?> serverHello = server.hello();
    client.hello().get(10, TimeUnit.SECONDS);
    serverHello.get(10, TimeUnit.SECONDS);
    server.start();
    client.start();
    return new Link(client, server, clientEnd, serverEnd);
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable resource : resources) {
      resource.close();
    }
    consumers.shutdownNow();
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause instanceof java.util.concurrent.CompletionException
          && cause.getCause() != null) {
        cause = cause.getCause();
      }
      return cause;
    }
    throw new AssertionError("expected " + future + " to fail");
  }

  private static void counted(Link link) {
    FAULTS.addAndGet(link.clientEnd.counts().total() + link.serverEnd.counts().total());
    Figures.record(
        FaultInjectionTest.class,
        "faults injected (drop, duplicate, reorder, truncate, close mid-message, delay)",
        FAULTS.get());
  }

  // ------------------------------------------------------------------ loss of the connection

  /**
   * Starts {@code calls} unary calls that block and {@code streams} streams past their first item.
   */
  private List<CompletableFuture<?>> inFlight(Link link, int calls, int streams) throws Exception {
    List<CompletableFuture<?>> all = new ArrayList<>();
    for (int i = 0; i < calls; i++) {
      all.add(link.client.call("block", Map.of()));
    }
    CountDownLatch firstItems = new CountDownLatch(streams);
    for (int i = 0; i < streams; i++) {
      CallStream<Map<String, Object>> stream = link.client.stream("firstThenWait", Map.of());
      resources.add(stream);
      all.add(
          CompletableFuture.runAsync(
              () -> {
                assertThat(stream.next()).containsEntry("first", true);
                firstItems.countDown();
                while (stream.hasNext()) {
                  stream.next();
                }
              },
              consumers));
    }
    assertThat(firstItems.await(10, TimeUnit.SECONDS)).isTrue();
    return all;
  }

  /**
   * Asserts every future fails with ConnectionClosedException, each within 1 s of {@code
   * lossVisible}.
   */
  private static long assertAllFailPromptly(
      List<CompletableFuture<?>> all, CompletableFuture<Long> lossVisible) throws Exception {
    List<CompletableFuture<Long>> failedAt = new ArrayList<>();
    for (CompletableFuture<?> future : all) {
      failedAt.add(future.handle((v, e) -> System.nanoTime()));
    }
    long worst = 0;
    for (int i = 0; i < all.size(); i++) {
      long at = failedAt.get(i).get(10, TimeUnit.SECONDS);
      assertThat(failureOf(all.get(i))).isInstanceOf(ConnectionClosedException.class);
      worst = Math.max(worst, at - lossVisible.get(10, TimeUnit.SECONDS));
    }
    assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofSeconds(1));
    return worst;
  }

  @Test
  void connectionLostMidCallAndMidStreamFailsEveryInFlightCallWithinOneSecond() throws Exception {
    Link link = link();
    List<CompletableFuture<?>> all = inFlight(link, 50, 10);
    CompletableFuture<Long> lossVisible =
        link.clientEnd.closeFuture().handle((v, e) -> System.nanoTime());

    link.serverEnd.lose();

    long worst = assertAllFailPromptly(all, lossVisible);
    assertThat(link.client.closeFuture()).succeedsWithin(Duration.ofSeconds(10));
    Figures.record(
        getClass(),
        "link lost under 50 calls + 10 streams: slowest in-flight failure after the loss (ms)",
        TimeUnit.NANOSECONDS.toMillis(worst));
  }

  @Test
  void connectionClosedInTheMiddleOfAMessageFailsEveryInFlightCall() throws Exception {
    Link link = link();
    List<CompletableFuture<?>> all = inFlight(link, 20, 5);
    CompletableFuture<Long> lossVisible =
        link.clientEnd.closeFuture().handle((v, e) -> System.nanoTime());
    link.clientEnd.next(Fault.CLOSE_MID_MESSAGE, FaultyConnection.ofType("req"));

    CompletableFuture<Map<String, Object>> cut =
        link.client.call("echo", Map.of("big", new byte[4096]));

    all.add(cut);
    assertAllFailPromptly(all, lossVisible);
    counted(link);
  }

  @Test
  void aTruncatedFrameIsAProtocolViolationThatFailsEveryInFlightCall() throws Exception {
    Link link = link();
    List<CompletableFuture<?>> all = inFlight(link, 20, 5);
    CompletableFuture<Long> lossVisible =
        link.clientEnd.closeFuture().handle((v, e) -> System.nanoTime());
    link.clientEnd.next(Fault.TRUNCATE, FaultyConnection.ofType("req"));

    all.add(link.client.call("echo", Map.of("text", "cut in half")));

    assertAllFailPromptly(all, lossVisible);
    assertThat(failureOf(link.server.closeFuture()))
        .isInstanceOf(ProtocolException.class)
        .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo("protocol"));
    counted(link);
  }

  // ------------------------------------------------------------------ deadlines and handler
  // failures

  @Test
  void aHandlerThatNeverCompletesIsCancelledByTheCallersDeadlineAndSeesIt() throws Exception {
    Link link = link();

    CompletableFuture<Map<String, Object>> call =
        link.client.call("forever", Map.of(), CallOptions.timeout(DEADLINE));

    assertThat(failureOf(call)).isInstanceOf(CallTimeoutException.class);
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(link.client.call("echo", Map.of("after", 1L)).get(10, TimeUnit.SECONDS))
        .containsEntry("after", 1L);
  }

  @Test
  void aStreamHandlerThatNeverEndsIsCancelledByTheCallersDeadlineAndStops() throws Exception {
    Link link = link();

    try (CallStream<Map<String, Object>> stream =
        link.client.stream("untilCancelled", Map.of(), CallOptions.timeout(DEADLINE))) {
      assertThatThrownBy(
              () -> {
                while (stream.hasNext()) {
                  stream.next();
                }
              })
          .isInstanceOf(CallTimeoutException.class);
    }
    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(link.client.call("echo", Map.of("after", 1L)).get(10, TimeUnit.SECONDS))
        .containsEntry("after", 1L);
  }

  @Test
  void aHandlerThatThrowsIsAnsweredWithAnErrorFrameNamingOnlyTheExceptionType() throws Exception {
    Link link = link();

    Throwable failure = failureOf(link.client.call("fail", Map.of()));

    assertThat(failure).isInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) failure).code()).isEqualTo("internal");
    assertThat(failure.getMessage()).contains("IllegalStateException").doesNotContain("secret");
    assertThat(link.client.isOpen()).isTrue();
  }

  @Test
  void aHandlerThatThrowsATypedErrorIsAnsweredWithItsCode() throws Exception {
    Link link = link();

    assertThat(failureOf(link.client.call("deny", Map.of())))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("not you");
  }

  @Test
  void aStreamHandlerThatThrowsEndsTheStreamWithAnErrorAfterItsItems() throws Exception {
    Link link = link();
    List<Object> items = new ArrayList<>();

    try (CallStream<Map<String, Object>> stream = link.client.stream("failAfterTwo", Map.of())) {
      assertThatThrownBy(
              () -> {
                while (stream.hasNext()) {
                  items.add(stream.next().get("i"));
                }
              })
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.code()).isEqualTo("invalid_argument"));
    }
    assertThat(items).containsExactly(0L, 1L);
  }

  // ------------------------------------------------------------------ lossy, duplicating,
  // reordering, slow links

  @Test
  void aDroppedRequestFailsOnlyThatCallAtItsDeadline() throws Exception {
    Link link = link();
    link.clientEnd.next(Fault.DROP, FaultyConnection.ofType("req"));

    CompletableFuture<Map<String, Object>> lost =
        link.client.call("echo", Map.of("n", 1L), CallOptions.timeout(DEADLINE));
    CompletableFuture<Map<String, Object>> fine =
        link.client.call("echo", Map.of("n", 2L), CallOptions.timeout(Duration.ofSeconds(10)));

    assertThat(failureOf(lost)).isInstanceOf(CallTimeoutException.class);
    assertThat(fine.get(10, TimeUnit.SECONDS)).containsEntry("n", 2L);
    counted(link);
  }

  @Test
  void aDroppedResponseFailsOnlyThatCallAtItsDeadline() throws Exception {
    Link link = link();
    link.serverEnd.next(Fault.DROP, FaultyConnection.ofType("res"));

    CompletableFuture<Map<String, Object>> lost =
        link.client.call("echo", Map.of("n", 1L), CallOptions.timeout(DEADLINE));
    assertThat(failureOf(lost)).isInstanceOf(CallTimeoutException.class);

    assertThat(link.client.call("echo", Map.of("n", 2L)).get(10, TimeUnit.SECONDS))
        .containsEntry("n", 2L);
    counted(link);
  }

  @Test
  void aDuplicatedResponseIsIgnored() throws Exception {
    Link link = link();
    link.serverEnd.always(Fault.DUPLICATE, FaultyConnection.ofType("res"));

    for (long n = 0; n < 20; n++) {
      assertThat(link.client.call("echo", Map.of("n", n)).get(10, TimeUnit.SECONDS))
          .containsEntry("n", n);
    }
    assertThat(link.client.isOpen()).isTrue();
    assertThat(link.serverEnd.counts().duplicated()).isEqualTo(20);
    counted(link);
  }

  @Test
  void aRequestDuplicatedWhileInFlightIsAProtocolViolationThatFailsTheCall() throws Exception {
    Link link = link();
    link.clientEnd.next(Fault.DUPLICATE, FaultyConnection.ofType("req"));

    CompletableFuture<Map<String, Object>> call = link.client.call("block", Map.of());

    assertThat(failureOf(call)).isInstanceOf(ConnectionClosedException.class);
    assertThat(failureOf(link.server.closeFuture()))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("reused");
    counted(link);
  }

  @Test
  void reorderedResponsesStillReachTheirCalls() throws Exception {
    Link link = link();
    link.serverEnd.always(Fault.REORDER, FaultyConnection.ofType("res"));

    List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
    for (long n = 0; n < 21; n++) {
      calls.add(link.client.call("echo", Map.of("n", n)));
    }
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> link.serverEnd.counts().reordered() == 21);
    link.serverEnd.heal();

    for (long n = 0; n < 21; n++) {
      assertThat(calls.get((int) n).get(10, TimeUnit.SECONDS)).containsEntry("n", n);
    }
    counted(link);
  }

  @Test
  void reorderedStreamItemsFailThatStreamWithProtocolAndNothingElse() throws Exception {
    Link link = link();
    link.serverEnd.next(Fault.REORDER, FaultyConnection.ofType("res"));

    try (CallStream<Map<String, Object>> stream = link.client.stream("count", Map.of("to", 5L))) {
      assertThatThrownBy(
              () -> {
                while (stream.hasNext()) {
                  stream.next();
                }
              })
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.getMessage()).contains("seq"));
    }
    assertThat(link.client.call("echo", Map.of("n", 1L)).get(10, TimeUnit.SECONDS))
        .containsEntry("n", 1L);
    counted(link);
  }

  @Test
  void latencyOnBothSidesKeepsOrderAndLosesNothing() throws Exception {
    Link link = link();
    link.clientEnd.latency(Duration.ofMillis(5));
    link.serverEnd.latency(Duration.ofMillis(5));

    List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>();
    for (long n = 0; n < 200; n++) {
      calls.add(link.client.call("echo", Map.of("n", n)));
    }
    List<Object> items = new ArrayList<>();
    try (CallStream<Map<String, Object>> stream = link.client.stream("count", Map.of("to", 100L))) {
      stream.forEachRemaining(item -> items.add(item.get("i")));
    }

    for (long n = 0; n < 200; n++) {
      assertThat(calls.get((int) n).get(10, TimeUnit.SECONDS)).containsEntry("n", n);
    }
    assertThat(items).hasSize(100).isSorted();
    counted(link);
  }

  @Test
  void aSlowReaderBackpressuresTheStreamAndLosesNothing() throws Exception {
    Link link = link(PeerOptions.builder().streamBufferFrames(4).build());
    link.clientEnd.slowReader(Duration.ofMillis(2));

    List<Object> items = new ArrayList<>();
    try (CallStream<Map<String, Object>> stream = link.client.stream("count", Map.of("to", 300L))) {
      stream.forEachRemaining(item -> items.add(item.get("i")));
    }

    assertThat(items).hasSize(300).isSorted().doesNotHaveDuplicates();
    assertThat(streamItemsSent).hasValue(300);
    counted(link);
  }
}

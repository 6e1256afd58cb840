package dev.opendesk.peer.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import dev.opendesk.peer.CallCancelledException;
import dev.opendesk.peer.CallContext;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.CallTimeoutException;
import dev.opendesk.peer.CapabilityUnsupportedException;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.peer.PermissionDeniedException;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.SessionEvictedException;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Role;
import java.io.FileNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport-independent behaviour of {@link Peer}, as a reusable suite: subclass it and
 * implement {@link #connect()}; every test runs over the transport. Shipped in the peer module's
 * test-jar. Tests that need to see or forge raw frames drive one end of the connection directly
 * ({@link RawEnd}).
 *
 * <p>It lives in its own package, {@code dev.opendesk.peer.testing}, so that modules whose {@code
 * module-info} requires {@code dev.opendesk.peer} can still load it from the test-jar on the class
 * path (a test-jar class in {@code dev.opendesk.peer} itself would be a split package).
 */
@Timeout(60)
public abstract class PeerContract {

  /** Two connected ends of one connection. */
  public record Ends(Connection first, Connection second) {}

  /** Opens a fresh connected pair; the suite closes both ends (and every peer) afterwards. */
  protected abstract Ends connect() throws Exception;

  /**
   * How many messages the transport takes from a sender before the receiver reads (per direction).
   * A socket buffers bytes, not messages: a socket transport returns how many of the suite's bulk
   * items (over 256 bytes each) fit in its kernel buffers, which may be more than a test sends; the
   * backpressure test then checks order only, as no bound below its total can be promised.
   */
  protected int transportBufferedMessages() {
    return 64;
  }

  /** How long one step may take. */
  protected Duration stepTimeout() {
    return Duration.ofSeconds(10);
  }

  private final List<AutoCloseable> resources = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  final void closeEverything() throws Exception {
    List<AutoCloseable> copy;
    synchronized (resources) {
      copy = new ArrayList<>(resources);
    }
    Collections.reverse(copy);
    for (AutoCloseable r : copy) {
      r.close();
    }
  }

  // ------------------------------------------------------------------ fixtures

  /** A started client (on the first end) and server (on the second end), HELLOs exchanged. */
  protected record Session(Peer client, Peer server) {}

  protected final Session session(Dispatcher serverDispatcher) throws Exception {
    return session(serverDispatcher, PeerOptions.defaults(), null, PeerOptions.defaults());
  }

  protected final Session session(
      Dispatcher serverDispatcher,
      PeerOptions serverOptions,
      Dispatcher clientDispatcher,
      PeerOptions clientOptions)
      throws Exception {
    Ends ends = ends();
    Peer client =
        track(
            Peer.builder(ends.first(), Role.CLIENT)
                .dispatcher(clientDispatcher)
                .options(clientOptions)
                .build());
    Peer server =
        track(
            Peer.builder(ends.second(), Role.SERVER)
                .dispatcher(serverDispatcher)
                .options(serverOptions)
                .build());
    CompletableFuture<Hello> serverHello = server.hello();
    wait(client.hello());
    wait(serverHello);
    server.start();
    client.start();
    return new Session(client, server);
  }

  protected final Ends ends() throws Exception {
    Ends ends = connect();
    resources.add(ends.first());
    resources.add(ends.second());
    return ends;
  }

  protected final <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  protected final ExecutorService pool(int threads) {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    resources.add(pool::shutdownNow);
    return pool;
  }

  /** A pool of {@code threads} that counts the tasks handed to it: the peer's thread hand-offs. */
  protected static final class CountingExecutor implements Executor {
    private final AtomicInteger handOffs = new AtomicInteger();
    private final Executor pool;

    private CountingExecutor(Executor pool) {
      this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
      handOffs.incrementAndGet();
      pool.execute(task);
    }

    /** How many tasks were handed over so far. */
    public int handOffs() {
      return handOffs.get();
    }
  }

  /** A {@link CountingExecutor} on a pool of {@code threads}, shut down after the test. */
  protected final CountingExecutor countingPool(int threads) {
    return new CountingExecutor(pool(threads));
  }

  /** Waits for {@code future}, rethrowing its failure unwrapped. */
  protected final <T> T wait(CompletableFuture<T> future) throws Exception {
    try {
      return future.get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception cause) {
        throw cause;
      }
      throw e;
    }
  }

  /** The failure {@code future} completes with. */
  protected final Throwable failureOf(CompletableFuture<?> future) throws Exception {
    try {
      future.get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (CancellationException e) {
      return e;
    }
    throw new AssertionError("expected the future to fail, it completed normally");
  }

  protected final void awaitLatch(CountDownLatch latch) throws InterruptedException {
    assertThat(latch.await(stepTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .as("latch reached in time")
        .isTrue();
  }

  private static Dispatcher echo() {
    return Dispatcher.builder().unary("echo", (ctx, params) -> params).build();
  }

  /** One end of a connection driven by hand: forged and observed frames. */
  protected static final class RawEnd {
    private final Connection connection;
    private final Duration timeout;

    RawEnd(Connection connection, Duration timeout) {
      this.connection = connection;
      this.timeout = timeout;
    }

    void send(dev.opendesk.protocol.Frame frame) throws Exception {
      sendBytes(FrameCodec.standard().encode(frame));
    }

    void sendBytes(byte[] bytes) throws Exception {
      connection.send(bytes).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    dev.opendesk.protocol.Frame receive() throws Exception {
      return FrameCodec.standard()
          .decode(connection.receive().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    }

    @SuppressWarnings("unchecked")
    <F extends dev.opendesk.protocol.Frame> F receive(Class<F> type) throws Exception {
      dev.opendesk.protocol.Frame frame = receive();
      assertThat(frame).isInstanceOf(type);
      return (F) frame;
    }
  }

  /**
   * A started peer with {@code role} on the first end, the second end driven raw; HELLOs exchanged.
   */
  protected final Peer peerFacingRaw(Role role, Dispatcher dispatcher, RawEnd[] raw)
      throws Exception {
    Ends ends = ends();
    Peer peer = track(Peer.builder(ends.first(), role).dispatcher(dispatcher).build());
    RawEnd remote = new RawEnd(ends.second(), stepTimeout());
    CompletableFuture<Hello> hello = peer.hello();
    remote.send(Hello.of(role == Role.CLIENT ? Role.SERVER : Role.CLIENT));
    remote.receive(Hello.class);
    wait(hello);
    peer.start();
    raw[0] = remote;
    return peer;
  }

  // ------------------------------------------------------------------ HELLO and lifecycle

  @Test
  void helloExchangesBothHellosWithPrincipalAuthAndCapabilities() throws Exception {
    Ends ends = ends();
    Peer client = track(Peer.client(ends.first()));
    Peer server = track(Peer.server(ends.second(), echo()));
    CompletableFuture<Hello> fromClient = server.hello();
    Hello fromServer = wait(client.hello("alice", Map.of("token", new byte[] {1, 2})));
    assertThat(fromServer.role()).isEqualTo(Role.SERVER);
    assertThat(fromServer.capabilities()).containsEntry("capabilities", List.of("echo"));
    Hello got = wait(fromClient);
    assertThat(got.principal()).isEqualTo("alice");
    assertThat((byte[]) got.auth().get("token")).containsExactly(1, 2);
    assertThat(server.remoteHello()).contains(got);
    assertThat(client.remoteHello()).contains(fromServer);
  }

  @Test
  void helloRejectionFailsTheClientWithTheCodeAndClosesBoth() throws Exception {
    Ends ends = ends();
    Peer client = track(Peer.client(ends.first()));
    Peer server = track(Peer.server(ends.second(), echo()));
    CompletableFuture<Hello> clientHello = client.hello();
    wait(server.receiveHello());
    wait(server.reject(ErrorInfo.of(ErrorCode.BUSY, "another controller is active")));
    Throwable failure = failureOf(clientHello);
    assertThat(failure).isInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) failure).code()).isEqualTo("busy");
    assertThat(((ProtocolException) failure).errorMessage())
        .isEqualTo("another controller is active");
    assertThat(client.isOpen()).isFalse();
    assertThat(server.isOpen()).isFalse();
    assertThat(failureOf(client.closeFuture())).isSameAs(failure);
  }

  @Test
  void callsBeforeStartFailClearly() throws Exception {
    Ends ends = ends();
    Peer client = track(Peer.client(ends.first()));
    Throwable failure = failureOf(client.call("echo", Map.of()));
    assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
    try (CallStream<Map<String, Object>> stream = client.stream("count", Map.of())) {
      assertThatThrownBy(stream::hasNext)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("start()");
    }
    // A PUSH before the HELLO would break the protocol's first-frame rule at the remote.
    assertThat(failureOf(client.push("news", Map.of("n", 1L))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("start()");
  }

  @Test
  void startIsIdempotent() throws Exception {
    Session s = session(echo());
    assertThat(s.client().start()).isSameAs(s.client());
    assertThat(wait(s.client().call("echo", Map.of("n", 1L)))).isEqualTo(Map.of("n", 1L));
  }

  @Test
  void closeIsIdempotentCompletesCloseFutureAndFailsLaterCalls() throws Exception {
    Session s = session(echo());
    s.client().close();
    s.client().close();
    wait(s.client().closeFuture());
    assertThat(s.client().isOpen()).isFalse();
    assertThat(failureOf(s.client().call("echo", Map.of())))
        .isInstanceOf(ConnectionClosedException.class);
    // The remote sees an orderly close.
    wait(s.server().closeFuture());
    assertThat(failureOf(s.server().call("echo", Map.of())))
        .isInstanceOf(ConnectionClosedException.class);
  }

  // ------------------------------------------------------------------ unary calls

  @Test
  void unaryCallReturnsTheHandlersResult() throws Exception {
    Session s = session(echo());
    Map<String, Object> params = Map.of("text", "hi", "n", 42L, "bytes", new byte[] {9});
    Map<String, Object> result = wait(s.client().call("echo", params));
    assertThat(result).containsEntry("text", "hi").containsEntry("n", 42L);
    assertThat((byte[]) result.get("bytes")).containsExactly(9);
  }

  @Test
  void emptySuccessIsAnEmptyMap() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unary("nothing", (ctx, params) -> null)
                .unary("empty", (ctx, params) -> Map.of())
                .build());
    assertThat(wait(s.client().call("nothing", null))).isEmpty();
    assertThat(wait(s.client().call("empty", Map.of()))).isEmpty();
  }

  @Test
  void asyncHandlerAnswersWhenItsStageCompletes() throws Exception {
    CompletableFuture<Object> answer = new CompletableFuture<>();
    Session s = session(Dispatcher.builder().unary("later", (ctx, params) -> answer).build());
    CompletableFuture<Map<String, Object>> call = s.client().call("later", Map.of());
    answer.complete(Map.of("done", true));
    assertThat(wait(call)).containsEntry("done", true);
  }

  @Test
  void receivePathHandlerAnswersWithoutAHandOffToTheHandlerExecutor() throws Exception {
    CountingExecutor counting = countingPool(4);
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unaryAsync("echo", (ctx, params) -> CompletableFuture.completedFuture(params))
            .unary("blockingEcho", (ctx, params) -> params)
            .build();
    Session s =
        session(
            dispatcher,
            PeerOptions.builder().handlerExecutor(counting).build(),
            null,
            PeerOptions.defaults());
    wait(s.client().call("echo", Map.of("warm", 1L)));
    int before = counting.handOffs();
    for (long i = 0; i < 20; i++) {
      assertThat(wait(s.client().call("echo", Map.of("i", i)))).containsEntry("i", i);
    }
    assertThat(counting.handOffs() - before).as("hand-offs for 20 receive-path calls").isZero();
    wait(s.client().call("blockingEcho", Map.of()));
    assertThat(counting.handOffs() - before)
        .as("hand-offs for one blocking-kind call")
        .isEqualTo(1);
  }

  /** A server whose "later" call answers when {@code later} completes; "echo" answers at once. */
  private Session laterAndEcho(CompletableFuture<Object> later, PeerOptions clientOptions)
      throws Exception {
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unaryAsync("later", (ctx, params) -> later)
            .unaryAsync("echo", (ctx, params) -> CompletableFuture.completedFuture(params))
            .build();
    return session(dispatcher, PeerOptions.defaults(), null, clientOptions);
  }

  @Test
  void aStageThatWaitsForAnotherResultOnTheReceiveThreadFailsAtOnceAndThePeerGoesOn()
      throws Exception {
    CompletableFuture<Object> later = new CompletableFuture<>();
    Session s = laterAndEcho(later, PeerOptions.defaults());
    // The stage runs where the result was received: the second answer could never be read there.
    CompletableFuture<Object> dependent =
        s.client()
            .call("later", Map.of())
            .thenApply(first -> s.client().call("echo", Map.of("second", true)).join());
    CompletableFuture<Object> blocking =
        s.client()
            .call("later", Map.of())
            .thenApply(first -> s.client().callBlocking("echo", Map.of("third", true)));
    pool(1).execute(() -> later.complete(Map.of("first", true)));
    for (CompletableFuture<Object> stage : List.of(dependent, blocking)) {
      assertThat(failureOf(stage))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("thread that receives results")
          .hasMessageContaining("*Async");
    }
    assertThat(wait(s.client().call("echo", Map.of("after", true))))
        .isEqualTo(Map.of("after", true));
  }

  @Test
  void anAsyncStageMayWaitForAnotherResult() throws Exception {
    CompletableFuture<Object> later = new CompletableFuture<>();
    Session s = laterAndEcho(later, PeerOptions.defaults());
    CompletableFuture<Object> dependent =
        s.client()
            .call("later", Map.of())
            .thenApplyAsync(first -> s.client().call("echo", Map.of("second", true)).join());
    pool(1).execute(() -> later.complete(Map.of("first", true)));
    assertThat(wait(dependent)).isEqualTo(Map.of("second", true));
  }

  @Test
  void withCallbacksMayBlockADependentStageThatBlocksDoesNotStallTheReceiveLoop() throws Exception {
    CompletableFuture<Object> later = new CompletableFuture<>();
    Session s = laterAndEcho(later, PeerOptions.builder().callbacksMayBlock(true).build());
    CompletableFuture<Object> dependent =
        s.client()
            .call("later", Map.of())
            .thenApply(first -> s.client().call("echo", Map.of("second", true)).join());
    pool(1).execute(() -> later.complete(Map.of("first", true)));
    assertThat(wait(dependent)).isEqualTo(Map.of("second", true));
  }

  @Test
  void resultsCompleteWithoutAHandOffUnlessCallbacksMayBlock() throws Exception {
    for (boolean mayBlock : new boolean[] {false, true}) {
      CountingExecutor counting = countingPool(2);
      Session s =
          session(
              Dispatcher.builder().unary("echo", (ctx, params) -> params).build(),
              PeerOptions.defaults(),
              null,
              PeerOptions.builder().handlerExecutor(counting).callbacksMayBlock(mayBlock).build());
      wait(s.client().call("echo", Map.of("warm", 1L)));
      int before = counting.handOffs();
      for (long i = 0; i < 10; i++) {
        AtomicReference<Object> seen = new AtomicReference<>();
        CompletableFuture<Map<String, Object>> call = s.client().call("echo", Map.of("i", i));
        assertThat(wait(call.whenComplete((r, e) -> seen.set(r)))).containsEntry("i", i);
        assertThat(seen.get()).isEqualTo(Map.of("i", i));
      }
      // The handler answers on a server thread, never on the calling one: with callbacksMayBlock
      // each result is one hand-off to the handler executor, else none.
      assertThat(counting.handOffs() - before)
          .as("client hand-offs for 10 calls, callbacksMayBlock=" + mayBlock)
          .isEqualTo(mayBlock ? 10 : 0);
    }
  }

  @Test
  void receivePathHandlerFailuresMapToErrorCodes() throws Exception {
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unaryAsync(
                "throws",
                (ctx, params) -> {
                  throw new IllegalArgumentException("bad x");
                })
            .unaryAsync(
                "fails",
                (ctx, params) -> CompletableFuture.failedFuture(new SecurityException("no")))
            .unaryAsync("nullStage", (ctx, params) -> null)
            .build();
    Session s = session(dispatcher);
    assertThat(((ProtocolException) failureOf(s.client().call("throws", Map.of()))).code())
        .isEqualTo("invalid_argument");
    assertThat(((ProtocolException) failureOf(s.client().call("fails", Map.of()))).code())
        .isEqualTo("permission_denied");
    assertThat(((ProtocolException) failureOf(s.client().call("nullStage", Map.of()))).code())
        .isEqualTo("internal");
  }

  record Pair(long a, long b) {}

  @Test
  void typedReceivePathHandlerConvertsItsParams() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unaryAsync(
                    "sum",
                    Pair.class,
                    (ctx, pair) ->
                        CompletableFuture.completedFuture(Map.of("sum", pair.a() + pair.b())))
                .build());
    assertThat(wait(s.client().call("sum", Map.of("a", 2L, "b", 3L)))).containsEntry("sum", 5L);
  }

  @Test
  void closingAPeerInterruptsItsOwnHandlersOnly() throws Exception {
    CountDownLatch bothRunning = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<String> closedOutcome = new CompletableFuture<>();
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary(
                "hold",
                (ctx, params) -> {
                  bothRunning.countDown();
                  try {
                    boolean released =
                        release.await(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
                    return Map.of("released", released);
                  } catch (InterruptedException e) {
                    closedOutcome.complete(String.valueOf(params.get("who")));
                    throw e;
                  }
                })
            .build();
    Session closing = session(dispatcher);
    Session staying = session(dispatcher);
    closing.client().call("hold", Map.of("who", "closing"));
    CompletableFuture<Map<String, Object>> stays =
        staying.client().call("hold", Map.of("who", "staying"));
    awaitLatch(bothRunning);
    closing.server().close();
    assertThat(wait(closedOutcome)).isEqualTo("closing");
    release.countDown();
    assertThat(wait(stays)).containsEntry("released", true);
  }

  @Test
  void blockingCallReturnsTheResultAndThrowsTheRemoteError() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unary("echo", (ctx, params) -> params)
                .unary(
                    "deny",
                    (ctx, params) -> {
                      throw new PermissionDeniedException("no");
                    })
                .build());
    assertThat(s.client().callBlocking("echo", Map.of("a", 1L))).isEqualTo(Map.of("a", 1L));
    assertThatThrownBy(() -> s.client().callBlocking("deny", Map.of()))
        .isInstanceOf(PermissionDeniedException.class);
  }

  static Stream<Arguments> wireErrors() {
    return Stream.of(
        Arguments.of("capability_unsupported", CapabilityUnsupportedException.class),
        Arguments.of("permission_denied", PermissionDeniedException.class),
        Arguments.of("invalid_argument", ProtocolException.class),
        Arguments.of("not_found", ProtocolException.class),
        Arguments.of("timeout", CallTimeoutException.class),
        Arguments.of("cancelled", CallCancelledException.class),
        Arguments.of("internal", ProtocolException.class),
        Arguments.of("protocol", ProtocolException.class),
        Arguments.of("busy", ProtocolException.class),
        Arguments.of("quota_exceeded", ProtocolException.class));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("wireErrors")
  void errorCodesRoundTripWithMessageAndDetails(
      String code, Class<? extends ProtocolException> type) throws Exception {
    Map<String, Object> details = Map.of("field", "path", "limit", 3L);
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "fail",
                    (ctx, params) -> {
                      throw new ProtocolException(code, "it failed", details);
                    })
                .build());
    Throwable failure = failureOf(s.client().call("fail", Map.of()));
    assertThat(failure).isExactlyInstanceOf(type);
    ProtocolException error = (ProtocolException) failure;
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.errorMessage()).isEqualTo("it failed");
    assertThat(error.details()).isEqualTo(details);
  }

  static Stream<Arguments> handlerExceptions() {
    return Stream.of(
        Arguments.of(new IllegalArgumentException("bad x"), "invalid_argument"),
        Arguments.of(new NoSuchElementException("no window 7"), "not_found"),
        Arguments.of(new FileNotFoundException("/tmp/missing"), "not_found"),
        Arguments.of(new TimeoutException("too slow"), "timeout"),
        Arguments.of(new CancellationException("gave up"), "cancelled"),
        Arguments.of(new SecurityException("not allowed"), "permission_denied"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("handlerExceptions")
  void handlerExceptionsMapToErrorCodes(Exception thrown, String code) throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "fail",
                    (ctx, params) -> {
                      throw thrown;
                    })
                .build());
    ProtocolException error = (ProtocolException) failureOf(s.client().call("fail", Map.of()));
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.errorMessage()).isEqualTo(thrown.getMessage());
  }

  @Test
  void unexpectedHandlerExceptionIsInternalNamingOnlyTheType() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "fail",
                    (ctx, params) -> {
                      throw new IllegalStateException("secret detail");
                    })
                .build());
    ProtocolException error = (ProtocolException) failureOf(s.client().call("fail", Map.of()));
    assertThat(error.code()).isEqualTo("internal");
    assertThat(error.errorMessage())
        .contains("java.lang.IllegalStateException")
        .doesNotContain("secret")
        .doesNotContain("\tat ");
    assertThat(error.details()).isEmpty();
  }

  @Test
  void unknownMethodIsCapabilityUnsupported() throws Exception {
    // Raw, because a remote HELLO listing its methods would refuse the call before sending it.
    RawEnd[] raw = new RawEnd[1];
    Peer server = peerFacingRaw(Role.SERVER, echo(), raw);
    raw[0].send(dev.opendesk.protocol.Req.unary(1, "nope", Map.of()));
    dev.opendesk.protocol.Res res = raw[0].receive(dev.opendesk.protocol.Res.class);
    assertThat(res.id()).isEqualTo(1);
    assertThat(res.error().code()).isEqualTo("capability_unsupported");
    assertThat(server.isOpen()).isTrue();
  }

  @Test
  void peerWithoutDispatcherAnswersCapabilityUnsupported() throws Exception {
    Session s = session(echo());
    // The client has no dispatcher and its HELLO lists nothing, so the server's call is sent.
    Throwable failure = failureOf(s.server().call("anything", Map.of()));
    assertThat(failure).isInstanceOf(CapabilityUnsupportedException.class);
  }

  @Test
  void capabilityGateFailsUnlistedMethodsLocallyWithoutSending() throws Exception {
    AtomicInteger hiddenCalls = new AtomicInteger();
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary("echo", (ctx, params) -> params)
            .unary("hidden", (ctx, params) -> Map.of("n", hiddenCalls.incrementAndGet()))
            .build();
    Ends ends = ends();
    Peer client = track(Peer.client(ends.first()));
    Peer server = track(Peer.server(ends.second(), dispatcher));
    CompletableFuture<Hello> serverHello =
        server.hello(
            new Hello(Role.SERVER, "", Map.of(), Map.of("capabilities", List.of("echo")), null));
    wait(client.hello());
    wait(serverHello);
    server.start();
    client.start();
    assertThat(failureOf(client.call("hidden", Map.of())))
        .isInstanceOf(CapabilityUnsupportedException.class);
    try (CallStream<Map<String, Object>> stream = client.stream("hidden", Map.of())) {
      assertThatThrownBy(stream::hasNext).isInstanceOf(CapabilityUnsupportedException.class);
    }
    assertThat(wait(client.call("echo", Map.of("x", 1L)))).containsEntry("x", 1L);
    assertThat(hiddenCalls).hasValue(0);
  }

  record Blob(String name, byte[] data, List<Long> sizes) {}

  record Named(String name) {}

  @Test
  void typedCallRoundTripsRecordsWithBytes() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "blob",
                    Blob.class,
                    (ctx, blob) -> new Blob(blob.name() + "!", blob.data(), blob.sizes()))
                .build());
    Blob sent = new Blob("shot", new byte[] {0, 1, (byte) 0xff}, List.of(1L, 2L));
    Blob got = wait(s.client().call("blob", sent, Blob.class));
    assertThat(got.name()).isEqualTo("shot!");
    assertThat(got.data()).containsExactly(0, 1, 0xff);
    assertThat(got.sizes()).containsExactly(1L, 2L);
    assertThat(s.client().callBlocking("blob", sent, Blob.class).data())
        .containsExactly(0, 1, 0xff);
  }

  @Test
  void typedParamsThatDoNotFitAreInvalidArgument() throws Exception {
    Session s =
        session(Dispatcher.builder().unary("blob", Blob.class, (ctx, blob) -> blob).build());
    ProtocolException error =
        (ProtocolException) failureOf(s.client().call("blob", Map.of("sizes", "not a list")));
    assertThat(error.code()).isEqualTo("invalid_argument");
    assertThat(error.errorMessage()).contains("sizes");
  }

  @Test
  void paramsThatCannotBeEncodedFailTheCallNamingTheField() throws Exception {
    Session s = session(echo());
    Throwable failure = failureOf(s.client().call("echo", Map.of("when", new Object())));
    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("when");
  }

  @Test
  void callIdsStartAtOneAndIncrease() throws Exception {
    RawEnd[] raw = new RawEnd[1];
    Peer client = peerFacingRaw(Role.CLIENT, null, raw);
    client.call("a", Map.of());
    client.stream("b", Map.of());
    client.call("c", Map.of());
    assertThat(raw[0].receive(dev.opendesk.protocol.Req.class).id()).isEqualTo(1);
    dev.opendesk.protocol.Req second = raw[0].receive(dev.opendesk.protocol.Req.class);
    assertThat(second.id()).isEqualTo(2);
    assertThat(second.stream()).isTrue();
    assertThat(raw[0].receive(dev.opendesk.protocol.Req.class).id()).isEqualTo(3);
  }

  @Test
  void idsOfBothDirectionsAreIndependent() throws Exception {
    List<Long> seenByServer = Collections.synchronizedList(new ArrayList<>());
    List<Long> seenByClient = Collections.synchronizedList(new ArrayList<>());
    Session s =
        session(
            Dispatcher.builder()
                .unary("id", (ctx, p) -> seenByServer.add(ctx.callId()) ? null : null)
                .build(),
            PeerOptions.defaults(),
            Dispatcher.builder()
                .unary("id", (ctx, p) -> seenByClient.add(ctx.callId()) ? null : null)
                .build(),
            PeerOptions.defaults());
    wait(s.client().call("id", Map.of()));
    wait(s.server().call("id", Map.of()));
    wait(s.client().call("id", Map.of()));
    assertThat(seenByServer).containsExactly(1L, 2L);
    assertThat(seenByClient).containsExactly(1L);
  }

  // ------------------------------------------------------------------ streams

  private static Dispatcher counter() {
    return Dispatcher.builder().stream(
            "count",
            (ctx, params, sink) -> {
              long to = (Long) params.get("to");
              for (long i = 0; i < to; i++) {
                sink.next(Map.of("n", i));
              }
            })
        .build();
  }

  @ParameterizedTest(name = "{0} items")
  @ValueSource(longs = {0, 1, 10_000})
  void streamDeliversEveryItemInOrder(long count) throws Exception {
    Session s = session(counter());
    long expected = 0;
    try (CallStream<Map<String, Object>> stream = s.client().stream("count", Map.of("to", count))) {
      while (stream.hasNext()) {
        assertThat(stream.next()).containsEntry("n", expected);
        expected++;
      }
      assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
    }
    assertThat(expected).isEqualTo(count);
  }

  @Test
  void streamItemsPacedAroundTheIteratorsSpinAllArrive() throws Exception {
    // The iterator watches for an item for 20 us before it parks: items that arrive just as it
    // gives up must still wake it, the last one (the end) too. The phases pace items around the
    // watch, well past it (a park each), a little apart and back to back.
    int count = 2_000;
    Session s =
        session(
            Dispatcher.builder().stream(
                    "paced",
                    (ctx, params, sink) -> {
                      for (long i = 0; i < count; i++) {
                        long jitter = (i * 7_919) % 8_000;
                        long gap =
                            switch ((int) (i / 250) % 4) {
                              case 0 -> 16_000 + jitter;
                              case 1 -> 40_000 + 2 * jitter;
                              case 2 -> 500 + jitter / 4;
                              default -> 0;
                            };
                        long until = System.nanoTime() + gap;
                        while (System.nanoTime() < until) {
                          Thread.onSpinWait();
                        }
                        sink.next(Map.of("n", i));
                      }
                    })
                .build());
    CompletableFuture<Long> received =
        CompletableFuture.supplyAsync(
            () -> {
              long n = 0;
              try (CallStream<Map<String, Object>> stream = s.client().stream("paced", Map.of())) {
                while (stream.hasNext()) {
                  assertThat(stream.next()).containsEntry("n", n);
                  n++;
                }
              }
              return n;
            },
            pool(1));
    assertThat(wait(received)).isEqualTo((long) count);
  }

  /** Items {@code {n: i}} for i in [0, to), closing as {@code closed} says. */
  private static final class CountingItems implements Iterator<Map<String, Object>>, AutoCloseable {
    final long to;
    final AtomicLong pulled = new AtomicLong();
    final CountDownLatch closed = new CountDownLatch(1);

    CountingItems(long to) {
      this.to = to;
    }

    @Override
    public boolean hasNext() {
      return pulled.get() < to;
    }

    @Override
    public Map<String, Object> next() {
      return Map.of("n", pulled.getAndIncrement(), "pad", new byte[256]);
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @ParameterizedTest(name = "{0} items")
  @ValueSource(longs = {0, 1, 10_000})
  void asyncStreamDeliversEveryItemInOrderAndClosesItsItems(long count) throws Exception {
    CountingItems items = new CountingItems(count);
    Session s = session(Dispatcher.builder().streamAsync("count", (ctx, params) -> items).build());
    long expected = 0;
    try (CallStream<Map<String, Object>> stream = s.client().stream("count", Map.of())) {
      while (stream.hasNext()) {
        assertThat(stream.next()).containsEntry("n", expected);
        expected++;
      }
    }
    assertThat(expected).isEqualTo(count);
    awaitLatch(items.closed);
  }

  @Test
  void aShortAsyncStreamIsServedWithoutAHandOffToTheHandlerExecutor() throws Exception {
    CountingExecutor counting = countingPool(2);
    Dispatcher dispatcher =
        Dispatcher.builder()
            .streamAsync(
                "count",
                (ctx, params) ->
                    Stream.iterate(0L, i -> i + 1)
                        .limit((Long) params.get("to"))
                        .map(i -> Map.of("n", i))
                        .iterator())
            .stream(
                "sinkCount",
                (ctx, params, sink) -> {
                  for (long i = 0; i < (Long) params.get("to"); i++) {
                    sink.next(Map.of("n", i));
                  }
                })
            .build();
    Session s =
        session(
            dispatcher,
            PeerOptions.builder().handlerExecutor(counting).build(),
            null,
            PeerOptions.defaults());
    long to = 20;
    assertThat(countItems(s.client(), "count", to)).isEqualTo(to);
    int before = counting.handOffs();
    for (int i = 0; i < 5; i++) {
      assertThat(countItems(s.client(), "count", to)).isEqualTo(to);
    }
    assertThat(counting.handOffs() - before)
        .as("hand-offs for 5 async streams of 20 items")
        .isZero();
    assertThat(countItems(s.client(), "sinkCount", to)).isEqualTo(to);
    assertThat(counting.handOffs() - before).as("hand-offs for one sink stream").isEqualTo(1);
  }

  private static long countItems(Peer client, String method, long to) {
    long n = 0;
    try (CallStream<Map<String, Object>> stream = client.stream(method, Map.of("to", to))) {
      while (stream.hasNext()) {
        assertThat(stream.next()).containsEntry("n", n);
        n++;
      }
    }
    return n;
  }

  @Test
  void typedAsyncStreamConvertsParamsAndItems() throws Exception {
    record Range(long from, long to) {}
    Session s =
        session(
            Dispatcher.builder()
                .streamAsync(
                    "names",
                    Range.class,
                    (ctx, range) ->
                        Stream.iterate(range.from(), i -> i < range.to(), i -> i + 1)
                            .map(i -> new Named("item-" + i))
                            .iterator())
                .build());
    List<String> names = new ArrayList<>();
    try (CallStream<Named> stream = s.client().stream("names", new Range(3, 6), Named.class)) {
      stream.forEachRemaining(n -> names.add(n.name()));
    }
    assertThat(names).containsExactly("item-3", "item-4", "item-5");
  }

  @Test
  void anAsyncStreamEndsWithTheMappedErrorAfterTheItemsBeforeIt() throws Exception {
    Iterator<Map<String, Object>> failing =
        new Iterator<>() {
          long n;

          @Override
          public boolean hasNext() {
            if (n == 2) {
              throw new NoSuchElementException("gone");
            }
            return true;
          }

          @Override
          public Map<String, Object> next() {
            return Map.of("n", n++);
          }
        };
    Session s =
        session(
            Dispatcher.builder()
                .streamAsync("fail", (ctx, params) -> failing)
                .streamAsync(
                    "refuse",
                    (ctx, params) -> {
                      throw new IllegalArgumentException("no such range");
                    })
                .streamAsync("nothing", (ctx, params) -> null)
                .unary("echo", (ctx, params) -> params)
                .streamAsync(
                    "nullItem", (ctx, params) -> Arrays.asList(Map.of("n", 0L), null).iterator())
                .build());
    try (CallStream<Map<String, Object>> stream = s.client().stream("fail", Map.of())) {
      assertThat(stream.next()).containsEntry("n", 0L);
      assertThat(stream.next()).containsEntry("n", 1L);
      assertThatThrownBy(stream::hasNext)
          .isInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo("not_found"));
    }
    try (CallStream<Map<String, Object>> stream = s.client().stream("refuse", Map.of())) {
      assertThatThrownBy(stream::hasNext)
          .isInstanceOf(ProtocolException.class)
          .hasMessageContaining("no such range")
          .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo("invalid_argument"));
    }
    for (String method : List.of("nothing", "nullItem")) {
      try (CallStream<Map<String, Object>> stream = s.client().stream(method, Map.of())) {
        if (method.equals("nullItem")) {
          assertThat(stream.next()).containsEntry("n", 0L);
        }
        assertThatThrownBy(stream::hasNext)
            .as(method)
            .isInstanceOf(ProtocolException.class)
            .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo("internal"));
      }
    }
    assertThat(wait(s.client().call("echo", Map.of())))
        .as("the session goes on")
        .isInstanceOf(Map.class);
  }

  @Test
  void closingAnAsyncStreamEarlyStopsThePullsAndClosesItsItems() throws Exception {
    CountingItems endless = new CountingItems(Long.MAX_VALUE);
    Session s =
        session(
            Dispatcher.builder()
                .streamAsync("endless", (ctx, params) -> endless)
                .unary("echo", (ctx, params) -> params)
                .build(),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().streamBufferFrames(8).build());
    try (CallStream<Map<String, Object>> stream = s.client().stream("endless", Map.of())) {
      assertThat(stream.next()).containsEntry("n", 0L);
    }
    // Only the CANCEL being read stops it: the caller discards what still arrives.
    awaitLatch(endless.closed);
    long pulled = endless.pulled.get();
    assertThat(wait(s.client().call("echo", Map.of("after", true)))).isNotNull();
    assertThat(endless.pulled.get()).as("items pulled after the close").isEqualTo(pulled);
  }

  @Test
  void anAsyncStreamStopsAndClosesItsItemsWhenTheConnectionCloses() throws Exception {
    CountingItems endless = new CountingItems(Long.MAX_VALUE);
    Session s =
        session(
            Dispatcher.builder().streamAsync("endless", (ctx, params) -> endless).build(),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().streamBufferFrames(8).build());
    CallStream<Map<String, Object>> stream = s.client().stream("endless", Map.of());
    assertThat(stream.next()).containsEntry("n", 0L);
    // The client reads no more: the server's sends back up, then the connection closes under them.
    s.client().close();
    awaitLatch(endless.closed);
    wait(s.server().closeFuture().handle((v, e) -> null));
  }

  @Test
  void aSlowReaderBoundsHowFarAnAsyncStreamGetsAhead() throws Exception {
    int buffer = 16;
    long total = 3_000;
    CountingItems items = new CountingItems(total);
    Session s =
        session(
            Dispatcher.builder().streamAsync("flood", (ctx, params) -> items).build(),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().streamBufferFrames(buffer).build());
    long bound = buffer + transportBufferedMessages() + 3;
    try (CallStream<Map<String, Object>> stream = s.client().stream("flood", Map.of())) {
      for (long consumed = 0; consumed < total; consumed++) {
        if (consumed % 500 == 0) {
          // Time for a producer that ignored backpressure to run away; a bounded one stops (its
          // reader pauses at a full buffer and resumes when it has drained part of it).
          Thread.sleep(20);
          assertThat(items.pulled.get() - consumed)
              .as("items pulled ahead of the reader")
              .isLessThanOrEqualTo(bound);
        }
        assertThat(stream.next()).as("item %d", consumed).containsEntry("n", consumed);
      }
      assertThat(stream.hasNext()).isFalse();
    }
  }

  @Test
  void streamAsPublisherDeliversItemsThenCompletes() throws Exception {
    Session s = session(counter());
    Collector<Map<String, Object>> collector = new Collector<>(Long.MAX_VALUE);
    s.client().stream("count", Map.of("to", 100L)).subscribe(collector);
    wait(collector.done);
    assertThat(collector.items).hasSize(100);
    assertThat(collector.items.get(99)).containsEntry("n", 99L);
  }

  @Test
  void publisherHandlerServesAStream() throws Exception {
    Session s =
        session(
            Dispatcher.builder()
                .publisher(
                    "ticks",
                    (ctx, params) ->
                        subscriber -> {
                          SubmissionPublisher<Map<String, Object>> publisher =
                              new SubmissionPublisher<>();
                          publisher.subscribe(subscriber);
                          // submit() blocks while the subscriber has no demand: the peer's requests
                          // drive it.
                          CompletableFuture.runAsync(
                              () -> {
                                for (long i = 0; i < 50; i++) {
                                  publisher.submit(Map.of("tick", i));
                                }
                                publisher.close();
                              });
                        })
                .build());
    List<Long> ticks = new ArrayList<>();
    try (CallStream<Map<String, Object>> stream = s.client().stream("ticks", Map.of())) {
      stream.forEachRemaining(item -> ticks.add((Long) item.get("tick")));
    }
    assertThat(ticks).hasSize(50).isSorted();
  }

  @Test
  void typedStreamConvertsParamsAndItems() throws Exception {
    record Range(long from, long to) {}
    Session s =
        session(
            Dispatcher.builder().stream(
                    "names",
                    Range.class,
                    (ctx, range, sink) -> {
                      for (long i = range.from(); i < range.to(); i++) {
                        sink.nextValue(new Named("item-" + i));
                      }
                    })
                .build());
    List<String> names = new ArrayList<>();
    try (CallStream<Named> stream = s.client().stream("names", new Range(3, 6), Named.class)) {
      stream.forEachRemaining(n -> names.add(n.name()));
    }
    assertThat(names).containsExactly("item-3", "item-4", "item-5");
  }

  @Test
  void streamErrorArrivesAfterTheItemsSentBeforeIt() throws Exception {
    Session s =
        session(
            Dispatcher.builder().stream(
                    "fail",
                    (ctx, params, sink) -> {
                      sink.next(Map.of("n", 0L));
                      sink.next(Map.of("n", 1L));
                      throw new NoSuchElementException("gone");
                    })
                .build());
    try (CallStream<Map<String, Object>> stream = s.client().stream("fail", Map.of())) {
      assertThat(stream.next()).containsEntry("n", 0L);
      assertThat(stream.next()).containsEntry("n", 1L);
      assertThatThrownBy(stream::hasNext)
          .isInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e).code()).isEqualTo("not_found"));
    }
  }

  @Test
  void streamCallToUnaryMethodGetsTheResultAsItsOnlyItem() throws Exception {
    Session s = session(echo());
    try (CallStream<Map<String, Object>> stream = s.client().stream("echo", Map.of("a", 1L))) {
      assertThat(stream.next()).containsEntry("a", 1L);
      assertThat(stream.hasNext()).isFalse();
    }
  }

  @Test
  void unaryCallToStreamMethodIsCapabilityUnsupported() throws Exception {
    Session s = session(counter());
    assertThat(failureOf(s.client().call("count", Map.of("to", 1L))))
        .isInstanceOf(CapabilityUnsupportedException.class);
  }

  @Test
  void aStreamIsConsumedOnce() throws Exception {
    Session s = session(counter());
    try (CallStream<Map<String, Object>> stream = s.client().stream("count", Map.of("to", 3L))) {
      assertThat(stream.hasNext()).isTrue();
      Collector<Map<String, Object>> second = new Collector<>(1);
      stream.subscribe(second);
      assertThat(failureOf(second.done)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void slowSubscriberBoundsHowFarTheProducerGetsAhead() throws Exception {
    int buffer = 16;
    Flood flood = new Flood(3_000);
    Session s = floodSession(flood, buffer);
    Collector<Map<String, Object>> slow = new Collector<>(0);
    s.client().stream("flood", Map.of()).subscribe(slow);
    for (long consumed = 0; consumed < flood.total; consumed++) {
      flood.checkBound(consumed, buffer + transportBufferedMessages() + 3, stepTimeout());
      slow.subscription.request(1);
      Map<String, Object> item = slow.queue.poll(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
      assertThat(item).as("item %d", consumed).isNotNull().containsEntry("n", consumed);
    }
    wait(slow.done);
  }

  @Test
  void slowIteratorBoundsHowFarTheProducerGetsAhead() throws Exception {
    int buffer = 16;
    Flood flood = new Flood(3_000);
    Session s = floodSession(flood, buffer);
    try (CallStream<Map<String, Object>> stream = s.client().stream("flood", Map.of())) {
      for (long consumed = 0; consumed < flood.total; consumed++) {
        flood.checkBound(consumed, buffer + transportBufferedMessages() + 3, stepTimeout());
        assertThat(stream.next()).as("item %d", consumed).containsEntry("n", consumed);
      }
      assertThat(stream.hasNext()).isFalse();
    }
  }

  @Test
  void theIteratorThatDrainsAFullBufferReadsOnWithoutAHandOff() throws Exception {
    CountingExecutor counting = countingPool(2);
    Flood flood = new Flood(2_000);
    long total = flood.total;
    Session s =
        session(
            flood.dispatcher(),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().streamBufferFrames(16).handlerExecutor(counting).build());
    int before = counting.handOffs();
    try (CallStream<Map<String, Object>> stream = s.client().stream("flood", Map.of())) {
      for (long n = 0; n < total; n++) {
        assertThat(stream.next()).as("item %d", n).containsEntry("n", n);
      }
      assertThat(stream.hasNext()).isFalse();
    }
    // Whenever the buffer was full, the iterator that drained it to half read on itself.
    assertThat(counting.handOffs() - before).as("client hand-offs for 2 000 items").isZero();
  }

  /** A session whose server serves {@code flood}, its client buffering {@code buffer} items. */
  private Session floodSession(Flood flood, int buffer) throws Exception {
    return session(
        flood.dispatcher(),
        PeerOptions.defaults(),
        null,
        PeerOptions.builder().streamBufferFrames(buffer).build());
  }

  /** A stream method {@code flood} sending {@code total} items of 256 bytes as fast as it may. */
  private static final class Flood {
    final long total;
    final AtomicLong produced = new AtomicLong();
    final AtomicReference<Thread> producer = new AtomicReference<>();

    Flood(long total) {
      this.total = total;
    }

    Dispatcher dispatcher() {
      return Dispatcher.builder().stream(
              "flood",
              (ctx, params, sink) -> {
                producer.set(Thread.currentThread());
                for (long i = 0; i < total; i++) {
                  produced.incrementAndGet();
                  sink.next(Map.of("n", i, "pad", new byte[256]));
                }
              })
          .build();
    }

    /**
     * Every 500 items: once the producer blocks in {@code sink.next()} (everything between it and
     * the consumer is full), it is at most {@code bound} items ahead of the {@code consumed}.
     */
    void checkBound(long consumed, long bound, Duration timeout) {
      if (consumed % 500 != 0) {
        return;
      }
      await()
          .atMost(timeout)
          .until(
              () -> producer.get() != null && isBlocked(producer.get()) || produced.get() >= total);
      assertThat(produced.get() - consumed)
          .as("items produced ahead of the consumer")
          .isLessThanOrEqualTo(bound);
    }
  }

  private static boolean isBlocked(Thread thread) {
    Thread.State state = thread.getState();
    return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
  }

  /** A subscriber that requests {@code initial} and records what it gets. */
  static final class Collector<T> implements Flow.Subscriber<T> {
    final List<T> items = Collections.synchronizedList(new ArrayList<>());
    final BlockingQueue<T> queue = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    final long initial;
    volatile Flow.Subscription subscription;

    Collector(long initial) {
      this.initial = initial;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (initial > 0) {
        s.request(initial);
      }
    }

    @Override
    public void onNext(T item) {
      items.add(item);
      queue.add(item);
    }

    @Override
    public void onError(Throwable failure) {
      done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }

  // ------------------------------------------------------------------ cancellation and timeouts

  /** A dispatcher whose "wait" handlers block until cancelled, reporting the cancellation. */
  private static Dispatcher waiting(CountDownLatch started, CountDownLatch cancelled) {
    return Dispatcher.builder()
        .unary(
            "wait",
            (ctx, params) -> {
              ctx.onCancel(cancelled::countDown);
              started.countDown();
              new CountDownLatch(1).await();
              return null;
            })
        .stream(
            "waitStream",
            (ctx, params, sink) -> {
              ctx.onCancel(cancelled::countDown);
              sink.next(Map.of("first", true));
              started.countDown();
              new CountDownLatch(1).await();
            })
        .build();
  }

  @Test
  void cancellingAUnaryCallReachesTheHandler() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    CompletableFuture<Map<String, Object>> call = s.client().call("wait", Map.of());
    awaitLatch(started);
    assertThat(call.cancel(true)).isTrue();
    awaitLatch(cancelled);
    assertThat(failureOf(call)).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancellingATypedCallReachesTheHandler() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    CompletableFuture<Named> call = s.client().call("wait", Map.of(), Named.class);
    awaitLatch(started);
    call.cancel(true);
    awaitLatch(cancelled);
  }

  @Test
  void closingAStreamEarlyReachesTheHandler() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    try (CallStream<Map<String, Object>> stream = s.client().stream("waitStream", Map.of())) {
      assertThat(stream.next()).containsEntry("first", true);
      awaitLatch(started);
    }
    awaitLatch(cancelled);
  }

  @Test
  void closingAStreamFromAnotherThreadEndsTheIterationWaitingOnIt() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    CallStream<Map<String, Object>> stream = s.client().stream("waitStream", Map.of());
    AtomicReference<Thread> iterating = new AtomicReference<>();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<Boolean> more =
          thread.submit(
              () -> {
                iterating.set(Thread.currentThread());
                assertThat(stream.next()).containsEntry("first", true);
                return stream.hasNext();
              });
      awaitLatch(started);
      await()
          .atMost(stepTimeout())
          .until(() -> iterating.get() != null && isBlocked(iterating.get()));
      stream.close();
      assertThat(more.get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS)).isFalse();
      awaitLatch(cancelled);
    } finally {
      thread.shutdownNow();
    }
  }

  @Test
  void cancellingASubscriptionReachesTheHandler() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(new CountDownLatch(1), cancelled));
    Collector<Map<String, Object>> collector = new Collector<>(1);
    s.client().stream("waitStream", Map.of()).subscribe(collector);
    assertThat(collector.queue.poll(stepTimeout().toMillis(), TimeUnit.MILLISECONDS))
        .containsEntry("first", true);
    collector.subscription.cancel();
    awaitLatch(cancelled);
  }

  @Test
  void producerSeesCancellationFromSinkNext() throws Exception {
    CompletableFuture<Throwable> producerSaw = new CompletableFuture<>();
    Session s =
        session(
            Dispatcher.builder().stream(
                    "endless",
                    (ctx, params, sink) -> {
                      try {
                        for (long i = 0; ; i++) {
                          sink.next(Map.of("n", i));
                        }
                      } catch (RuntimeException e) {
                        producerSaw.complete(e);
                        throw e;
                      }
                    })
                .build());
    try (CallStream<Map<String, Object>> stream = s.client().stream("endless", Map.of())) {
      assertThat(stream.next()).containsEntry("n", 0L);
    }
    assertThat(wait(producerSaw)).isInstanceOf(CallCancelledException.class);
  }

  @Test
  void cancelReachesAFloodingProducerWhileTheCallerDiscards() throws Exception {
    CompletableFuture<Throwable> producerSaw = new CompletableFuture<>();
    Session s =
        session(
            Dispatcher.builder().stream(
                    "flood",
                    (ctx, params, sink) -> {
                      try {
                        for (long i = 0; ; i++) {
                          sink.next(Map.of("n", i, "pad", new byte[256]));
                        }
                      } catch (RuntimeException e) {
                        producerSaw.complete(e);
                        throw e;
                      }
                    })
                .build(),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().streamBufferFrames(8).build());
    try (CallStream<Map<String, Object>> stream = s.client().stream("flood", Map.of())) {
      assertThat(stream.next()).containsEntry("n", 0L);
    }
    // The caller discards whatever still arrives, so nothing holds the producer back: only the
    // CANCEL being read stops it. A transport whose writes starve its reads never stops it at
    // all. How many items get through before the CANCEL is read depends on scheduling (a loaded
    // machine lets thousands through), so the test asserts that it stops, not after how many.
    assertThat(wait(producerSaw)).isInstanceOf(CallCancelledException.class);
  }

  @Test
  void unaryTimeoutFailsTheCallAndCancelsTheHandler() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(new CountDownLatch(1), cancelled));
    Throwable failure =
        failureOf(s.client().call("wait", Map.of(), CallOptions.timeout(Duration.ofMillis(100))));
    assertThat(failure).isInstanceOf(CallTimeoutException.class);
    assertThat(((ProtocolException) failure).code()).isEqualTo("timeout");
    awaitLatch(cancelled);
  }

  @Test
  void defaultTimeoutFromOptionsApplies() throws Exception {
    Session s =
        session(
            waiting(new CountDownLatch(1), new CountDownLatch(1)),
            PeerOptions.defaults(),
            null,
            PeerOptions.builder().defaultCallTimeout(Duration.ofMillis(100)).build());
    assertThat(failureOf(s.client().call("wait", Map.of())))
        .isInstanceOf(CallTimeoutException.class);
  }

  @Test
  void streamTimeoutFailsTheStreamAndCancelsTheHandler() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(new CountDownLatch(1), cancelled));
    try (CallStream<Map<String, Object>> stream =
        s.client().stream("waitStream", Map.of(), CallOptions.timeout(Duration.ofMillis(150)))) {
      // On a loaded machine the deadline may pass before the first item arrives: either way the
      // stream ends in a timeout, after at most that item.
      Throwable failure =
          catchThrowable(
              () -> {
                while (stream.hasNext()) {
                  assertThat(stream.next()).containsEntry("first", true);
                }
              });
      assertThat(failure).isInstanceOf(CallTimeoutException.class);
    }
    awaitLatch(cancelled);
  }

  @Test
  void cancelRacingTheResultGetsExactlyOneFinalRes() throws Exception {
    RawEnd[] raw = new RawEnd[1];
    peerFacingRaw(
        Role.SERVER,
        Dispatcher.builder().unary("quick", (ctx, params) -> params).stream(
                "few",
                (ctx, params, sink) -> {
                  sink.next(Map.of("n", 0L));
                  sink.next(Map.of("n", 1L));
                })
            .build(),
        raw);
    int calls = 300;
    for (int i = 1; i <= calls; i++) {
      raw[0].send(
          i % 2 == 0
              ? dev.opendesk.protocol.Req.unary(i, "quick", Map.of())
              : dev.opendesk.protocol.Req.stream(i, "few", Map.of()));
      raw[0].send(new dev.opendesk.protocol.Cancel(i, "race"));
    }
    // A sentinel call answered last tells us everything for the earlier ids has been sent.
    int[] finals = new int[calls + 1];
    int done = 0;
    while (done < calls) {
      dev.opendesk.protocol.Res res = raw[0].receive(dev.opendesk.protocol.Res.class);
      if (res.end()) {
        finals[(int) res.id()]++;
        done++;
        if (res.error() != null) {
          assertThat(res.error().code()).isEqualTo("cancelled");
        }
      } else {
        assertThat(finals[(int) res.id()]).as("item after final RES of %d", res.id()).isZero();
      }
    }
    raw[0].send(dev.opendesk.protocol.Req.unary(calls + 1, "quick", Map.of("last", true)));
    dev.opendesk.protocol.Res last = raw[0].receive(dev.opendesk.protocol.Res.class);
    assertThat(last.id()).isEqualTo(calls + 1);
    assertThat(Arrays.stream(finals).skip(1)).containsOnly(1);
  }

  @Test
  void resultCrossingOurCancelAndResForUnknownIdsAreIgnored() throws Exception {
    RawEnd[] raw = new RawEnd[1];
    Peer client = peerFacingRaw(Role.CLIENT, null, raw);
    CompletableFuture<Map<String, Object>> call = client.call("slow", Map.of());
    dev.opendesk.protocol.Req req = raw[0].receive(dev.opendesk.protocol.Req.class);
    call.cancel(true);
    assertThat(raw[0].receive(dev.opendesk.protocol.Cancel.class).id()).isEqualTo(req.id());
    raw[0].send(dev.opendesk.protocol.Res.ok(req.id(), Map.of("late", true)));
    raw[0].send(dev.opendesk.protocol.Res.ok(999, Map.of()));
    CompletableFuture<Map<String, Object>> next = client.call("next", Map.of());
    dev.opendesk.protocol.Req nextReq = raw[0].receive(dev.opendesk.protocol.Req.class);
    raw[0].send(dev.opendesk.protocol.Res.ok(nextReq.id(), Map.of("ok", true)));
    assertThat(wait(next)).containsEntry("ok", true);
    assertThat(client.isOpen()).isTrue();
  }

  // ------------------------------------------------------------------ pushes and eviction

  @Test
  void pushesFlowBothWaysInOrder() throws Exception {
    Session s = session(echo());
    List<Long> atServer = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch serverGotAll = new CountDownLatch(100);
    s.server()
        .onPush(
            "progress",
            payload -> {
              atServer.add((Long) payload.get("n"));
              serverGotAll.countDown();
            });
    BlockingQueue<Push> atClient = new LinkedBlockingQueue<>();
    s.client().onPush(atClient::add);
    for (long i = 0; i < 100; i++) {
      s.client().push("progress", Map.of("n", i));
    }
    s.client().push("other", Map.of());
    awaitLatch(serverGotAll);
    assertThat(atServer).isSorted().hasSize(100);
    wait(s.server().push("window.changed", Map.of("id", 5L)));
    Push got = atClient.poll(stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
    assertThat(got).isEqualTo(new Push("window.changed", Map.of("id", 5L)));
  }

  @Test
  void typedPushHandlerAndUnregistration() throws Exception {
    Session s = session(echo());
    BlockingQueue<Named> got = new LinkedBlockingQueue<>();
    Peer.Registration registration = s.server().onPush("named", Named.class, got::add);
    wait(s.client().push("named", Map.of("name", "a")));
    assertThat(got.poll(stepTimeout().toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(new Named("a"));
    registration.close();
    CountDownLatch later = new CountDownLatch(1);
    s.server().onPush("named", payload -> later.countDown());
    wait(s.client().push("named", Map.of("name", "b")));
    awaitLatch(later);
    assertThat(got).isEmpty();
  }

  @Test
  void sessionEvictedFailsLaterCallsWithTheReason() throws Exception {
    Session s = session(echo());
    CountDownLatch seen = new CountDownLatch(1);
    s.client().onPush(Push.SESSION_EVICTED, payload -> seen.countDown());
    wait(s.server().push(Push.SESSION_EVICTED, Map.of("reason", "another controller connected")));
    awaitLatch(seen);
    Throwable failure = failureOf(s.client().call("echo", Map.of()));
    assertThat(failure).isInstanceOf(SessionEvictedException.class);
    assertThat(((SessionEvictedException) failure).reason())
        .isEqualTo("another controller connected");
    assertThat(s.client().evictionReason()).contains("another controller connected");
    try (CallStream<Map<String, Object>> stream = s.client().stream("echo", Map.of())) {
      assertThatThrownBy(stream::hasNext).isInstanceOf(SessionEvictedException.class);
    }
  }

  // ------------------------------------------------------------------ concurrency and limits

  @Test
  void tenThousandConcurrentCallsInEachDirectionAtOnce() throws Exception {
    int calls = 10_000;
    PeerOptions serverOptions =
        PeerOptions.builder().handlerExecutor(pool(4)).maxConcurrentInboundCalls(calls).build();
    PeerOptions clientOptions =
        PeerOptions.builder().handlerExecutor(pool(4)).maxConcurrentInboundCalls(calls).build();
    Session s = session(echo(), serverOptions, echo(), clientOptions);
    List<CompletableFuture<Map<String, Object>>> fromClient = new ArrayList<>();
    List<CompletableFuture<Map<String, Object>>> fromServer = new ArrayList<>();
    CompletableFuture<Void> serverSide =
        CompletableFuture.runAsync(
            () -> {
              for (long i = 0; i < calls; i++) {
                fromServer.add(s.server().call("echo", Map.of("i", i)));
              }
            });
    for (long i = 0; i < calls; i++) {
      fromClient.add(s.client().call("echo", Map.of("i", i)));
    }
    wait(serverSide);
    for (int i = 0; i < calls; i++) {
      assertThat(fromClient.get(i).get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS))
          .containsEntry("i", (long) i);
      assertThat(fromServer.get(i).get(stepTimeout().toMillis(), TimeUnit.MILLISECONDS))
          .containsEntry("i", (long) i);
    }
  }

  @Test
  void blockedHandlerDoesNotStallOtherCalls() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "block",
                    (ctx, params) -> {
                      started.countDown();
                      new CountDownLatch(1).await();
                      return null;
                    })
                .unary("echo", (ctx, params) -> params)
                .build());
    CompletableFuture<Map<String, Object>> blocked = s.client().call("block", Map.of());
    awaitLatch(started);
    for (long i = 0; i < 100; i++) {
      assertThat(wait(s.client().call("echo", Map.of("i", i)))).containsEntry("i", i);
    }
    assertThat(blocked).isNotDone();
  }

  @Test
  void inboundCallsBeyondTheLimitAreAnsweredBusy() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    Session s =
        session(
            waiting(started, new CountDownLatch(2)),
            PeerOptions.builder().maxConcurrentInboundCalls(2).build(),
            null,
            PeerOptions.defaults());
    s.client().call("wait", Map.of());
    s.client().call("wait", Map.of());
    awaitLatch(started);
    ProtocolException error = (ProtocolException) failureOf(s.client().call("wait", Map.of()));
    assertThat(error.code()).isEqualTo("busy");
  }

  @Test
  void inboundStreamsBeyondTheStreamLimitAreAnsweredBusyUntilOneEnds() throws Exception {
    CountDownLatch started = new CountDownLatch(2);
    Session s =
        session(
            waiting(started, new CountDownLatch(2)),
            PeerOptions.builder().maxConcurrentInboundStreams(2).build(),
            null,
            PeerOptions.defaults());
    CallStream<Map<String, Object>> first = track(s.client().stream("waitStream", Map.of()));
    CallStream<Map<String, Object>> second = track(s.client().stream("waitStream", Map.of()));
    awaitLatch(started);
    try (CallStream<Map<String, Object>> third = s.client().stream("waitStream", Map.of())) {
      assertThatThrownBy(third::hasNext)
          .isInstanceOfSatisfying(
              ProtocolException.class, e -> assertThat(e.code()).isEqualTo("busy"));
    }
    assertThat(first.next()).containsEntry("first", true);
    first.close();
    // The CANCEL travels ahead of the next REQ, so the slot is free when it arrives.
    CallStream<Map<String, Object>> fourth = track(s.client().stream("waitStream", Map.of()));
    assertThat(fourth.next()).containsEntry("first", true);
  }

  // ------------------------------------------------------------------ closing and failures

  @Test
  void connectionClosedMidCallFailsThePendingCallPromptly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    CompletableFuture<Map<String, Object>> call = s.client().call("wait", Map.of());
    awaitLatch(started);
    s.server().close();
    assertThat(failureOf(call)).isInstanceOf(ConnectionClosedException.class);
    awaitLatch(cancelled);
    wait(s.client().closeFuture());
  }

  @Test
  void connectionClosedMidStreamFailsTheStreamPromptly() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    Session s = session(waiting(started, cancelled));
    try (CallStream<Map<String, Object>> stream = s.client().stream("waitStream", Map.of())) {
      assertThat(stream.next()).containsEntry("first", true);
      awaitLatch(started);
      CompletableFuture<Map<String, Object>> call = s.client().call("wait", Map.of());
      s.client().close();
      assertThatThrownBy(stream::hasNext).isInstanceOf(ConnectionClosedException.class);
      assertThat(failureOf(call)).isInstanceOf(ConnectionClosedException.class);
    }
    awaitLatch(cancelled);
  }

  @Test
  void subscriberGetsConnectionClosedWhenThePeerCloses() throws Exception {
    Session s = session(waiting(new CountDownLatch(1), new CountDownLatch(1)));
    Collector<Map<String, Object>> collector = new Collector<>(10);
    s.client().stream("waitStream", Map.of()).subscribe(collector);
    assertThat(collector.queue.poll(stepTimeout().toMillis(), TimeUnit.MILLISECONDS)).isNotNull();
    s.server().close();
    assertThat(failureOf(collector.done)).isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void malformedInboundFrameClosesWithProtocolError() throws Exception {
    RawEnd[] raw = new RawEnd[1];
    Peer peer = peerFacingRaw(Role.SERVER, echo(), raw);
    raw[0].sendBytes(new byte[] {(byte) 0x93, 1, 2, 3});
    Throwable failure = failureOf(peer.closeFuture());
    assertThat(failure).isInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) failure).code()).isEqualTo("protocol");
    assertThat(peer.isOpen()).isFalse();
    assertThat(failureOf(peer.call("echo", Map.of())))
        .isInstanceOf(ConnectionClosedException.class);
  }

  @Test
  void frameWithWrongFieldTypeClosesWithProtocolErrorAndFailsPendingCalls() throws Exception {
    RawEnd[] raw = new RawEnd[1];
    Peer client = peerFacingRaw(Role.CLIENT, null, raw);
    CompletableFuture<Map<String, Object>> call = client.call("x", Map.of());
    raw[0].receive(dev.opendesk.protocol.Req.class);
    // {"v":1,"type":"res","id":"9"}: an id that is a string.
    raw[0].sendBytes(FrameCodec.standard().encodeMap(Map.of("v", 1L, "type", "res", "id", "9")));
    assertThat(failureOf(call))
        .isInstanceOf(ConnectionClosedException.class)
        .hasCauseInstanceOf(ProtocolException.class);
    assertThat(((ProtocolException) failureOf(client.closeFuture())).code()).isEqualTo("protocol");
  }

  @Test
  void threadsReturnToBaselineAfterClose() throws Exception {
    long baseline = peerThreads();
    CountDownLatch started = new CountDownLatch(1);
    Session s = session(waiting(started, new CountDownLatch(1)));
    for (long i = 0; i < 20; i++) {
      s.server().call("echo", Map.of("i", i), CallOptions.timeout(Duration.ofSeconds(5)));
    }
    s.client().call("wait", Map.of(), CallOptions.timeout(Duration.ofSeconds(30)));
    awaitLatch(started);
    assertThat(peerThreads()).isGreaterThan(baseline);
    s.client().close();
    s.server().close();
    await().atMost(stepTimeout()).until(() -> peerThreads() <= baseline);
  }

  private static long peerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("opendesk-peer"))
        .count();
  }

  @Test
  void remotePublicKeyIsNullUnlessTheConnectionIsAuthenticated() throws Exception {
    CompletableFuture<Object> seen = new CompletableFuture<>();
    Session s =
        session(
            Dispatcher.builder()
                .unary(
                    "who",
                    (ctx, params) -> {
                      seen.complete(ctx.remotePublicKey() == null ? "none" : ctx.remotePublicKey());
                      return null;
                    })
                .build());
    wait(s.client().call("who", Map.of()));
    assertThat(wait(seen)).isEqualTo("none");
  }

  @Test
  void handlerSeesTheCallContext() throws Exception {
    CompletableFuture<CallContext> seen = new CompletableFuture<>();
    Ends ends = ends();
    byte[] key = new byte[32];
    key[0] = 7;
    Peer client = track(Peer.client(ends.first()));
    Peer server =
        track(
            Peer.builder(ends.second(), Role.SERVER)
                .dispatcher(
                    Dispatcher.builder()
                        .unary(
                            "ctx",
                            (ctx, params) -> {
                              seen.complete(ctx);
                              return null;
                            })
                        .build())
                .remotePublicKey(key)
                .build());
    CompletableFuture<Hello> h = server.hello();
    wait(client.hello("bob", Map.of()));
    wait(h);
    server.start();
    client.start();
    wait(client.call("ctx", Map.of()));
    CallContext ctx = wait(seen);
    assertThat(ctx.method()).isEqualTo("ctx");
    assertThat(ctx.callId()).isEqualTo(1);
    assertThat(ctx.isStream()).isFalse();
    assertThat(ctx.remotePublicKey()).isEqualTo(key);
    assertThat(ctx.remoteHello().orElseThrow().principal()).isEqualTo("bob");
    assertThat(ctx.peer()).isSameAs(server);
    assertThat(ctx.isCancelled()).isFalse();
  }
}

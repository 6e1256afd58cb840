package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Dispatcher#intercepted} on the serving side and {@link InterceptedCaller} on the calling
 * side.
 */
@Timeout(30)
class CallInterceptorTest {

  private static final byte[] KEY = new byte[32];

  static {
    KEY[0] = (byte) 0xab;
  }

  record Seen(InterceptedCall call, Map<String, Object> params) {}

  /** Records what it sees; denies methods starting with "admin.". */
  static final class Recorder implements CallInterceptor {
    final List<Seen> before = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<CallOutcome> outcomes = new LinkedBlockingQueue<>();

    @Override
    public void before(InterceptedCall call, Map<String, Object> params) {
      before.add(new Seen(call, params));
      if (call.method().startsWith("admin.")) {
        throw new PermissionDeniedException(
            "admin methods are not for " + call.remoteFingerprint());
      }
    }

    @Override
    public void completed(InterceptedCall call, CallOutcome outcome) {
      outcomes.add(outcome);
    }

    CallOutcome next() throws InterruptedException {
      CallOutcome outcome = outcomes.poll(10, TimeUnit.SECONDS);
      assertThat(outcome).as("an outcome within 10 s").isNotNull();
      return outcome;
    }
  }

  private final Recorder recorder = new Recorder();
  private final CompletableFuture<Void> sleeping = new CompletableFuture<>();
  private Peer server;
  private Peer client;

  private void start() {
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary("echo", (ctx, params) -> params)
            .unary("admin.reset", (ctx, params) -> Map.of("reset", true))
            .unary(
                "fail",
                (ctx, params) -> {
                  throw new IllegalArgumentException("bad");
                })
            .unary(
                "sleep",
                (ctx, params) -> {
                  sleeping.complete(null);
                  return new CompletableFuture<Map<String, Object>>();
                })
            .stream(
                "count",
                (ctx, params, sink) -> {
                  for (long i = 0; i < 3; i++) {
                    sink.next(Map.of("i", i));
                  }
                })
            .streamAsync(
                "countAsync",
                (ctx, params) ->
                    List.of(Map.of("i", 0L), Map.of("i", 1L), Map.of("i", 2L)).iterator())
            .streamAsync(
                "failAsync",
                (ctx, params) ->
                    new Iterator<Map<String, Object>>() {
                      @Override
                      public boolean hasNext() {
                        throw new IllegalArgumentException("no more");
                      }

                      @Override
                      public Map<String, Object> next() {
                        throw new AssertionError("never pulled");
                      }
                    })
            .build()
            .intercepted(recorder);
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server =
        Peer.builder(pair.second(), dev.opendesk.protocol.Role.SERVER)
            .dispatcher(dispatcher)
            .remotePublicKey(KEY)
            .build();
    client = Peer.client(pair.first());
    CompletableFuture<?> serverHello = server.hello();
    client.hello().orTimeout(5, TimeUnit.SECONDS).join();
    serverHello.orTimeout(5, TimeUnit.SECONDS).join();
    server.start();
    client.start();
  }

  @AfterEach
  void close() {
    if (client != null) {
      client.close();
      server.close();
    }
  }

  @Test
  void beforeSeesMethodParamsAndPeerKey() throws Exception {
    start();
    client.call("echo", Map.of("text", "hi")).get(10, TimeUnit.SECONDS);
    assertThat(recorder.before).hasSize(1);
    Seen seen = recorder.before.get(0);
    assertThat(seen.call().method()).isEqualTo("echo");
    assertThat(seen.call().direction()).isEqualTo(InterceptedCall.Direction.INBOUND);
    assertThat(seen.call().remotePublicKey()).isEqualTo(KEY);
    assertThat(seen.call().remoteFingerprint()).isEqualTo("ab00:0000:0000:0000");
    assertThat(seen.params()).containsEntry("text", "hi");
    assertThat(recorder.next().code()).isEqualTo(CallOutcome.OK);
  }

  @Test
  void anInterceptedReceivePathHandlerStillRunsWithoutAHandOff() throws Exception {
    AtomicInteger handOffs = new AtomicInteger();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unaryAsync("echo", (ctx, params) -> CompletableFuture.completedFuture(params))
            .build()
            .intercepted(recorder);
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    server =
        Peer.builder(pair.second(), dev.opendesk.protocol.Role.SERVER)
            .dispatcher(dispatcher)
            .options(
                PeerOptions.builder()
                    .handlerExecutor(
                        task -> {
                          handOffs.incrementAndGet();
                          pool.execute(task);
                        })
                    .build())
            .build();
    client = Peer.client(pair.first());
    CompletableFuture<?> serverHello = server.hello();
    client.hello().orTimeout(5, TimeUnit.SECONDS).join();
    serverHello.orTimeout(5, TimeUnit.SECONDS).join();
    server.start();
    client.start();
    try {
      client.call("echo", Map.of("warm", 1L)).get(10, TimeUnit.SECONDS);
      int before = handOffs.get();
      assertThat(client.call("echo", Map.of("i", 1L)).get(10, TimeUnit.SECONDS))
          .containsEntry("i", 1L);
      assertThat(handOffs.get() - before)
          .as("hand-offs for an intercepted receive-path call")
          .isZero();
      assertThat(recorder.before).hasSize(2);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aDeniedCallIsAnsweredPermissionDeniedWithoutRunningTheHandler() throws Exception {
    start();
    assertThatThrownBy(() -> client.callBlocking("admin.reset", Map.of()))
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("admin methods are not for ab00:0000:0000:0000");
    CallOutcome outcome = recorder.next();
    assertThat(outcome.code()).isEqualTo("permission_denied");
    assertThat(outcome.ok()).isFalse();
  }

  @Test
  void aFailedCallReportsItsWireCode() throws Exception {
    start();
    assertThatThrownBy(() -> client.callBlocking("fail", Map.of()))
        .isInstanceOf(ProtocolException.class);
    CallOutcome outcome = recorder.next();
    assertThat(outcome.code()).isEqualTo("invalid_argument");
    assertThat(outcome.message()).isEqualTo("bad");
  }

  @Test
  void aCancelledCallReportsCancelledOnce() throws Exception {
    start();
    CompletableFuture<Map<String, Object>> call = client.call("sleep", Map.of());
    sleeping.get(10, TimeUnit.SECONDS);
    call.cancel(true);
    assertThat(recorder.next().code()).isEqualTo("cancelled");
    client.callBlocking("echo", Map.of());
    assertThat(recorder.next().code()).as("the next outcome is the echo's").isEqualTo("ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"count", "countAsync"})
  void aStreamReportsItsOutcomeAfterTheLastItem(String method) throws Exception {
    start();
    try (CallStream<Map<String, Object>> items = client.stream(method, Map.of())) {
      int n = 0;
      while (items.hasNext()) {
        items.next();
        n++;
      }
      assertThat(n).isEqualTo(3);
    }
    CallOutcome outcome = recorder.next();
    assertThat(outcome.code()).isEqualTo("ok");
    assertThat(outcome.duration()).isPositive();
    assertThat(recorder.before.get(0).call().stream()).isTrue();
  }

  @Test
  void anAsyncStreamThatFailsReportsItsWireCode() throws Exception {
    start();
    try (CallStream<Map<String, Object>> items = client.stream("failAsync", Map.of())) {
      assertThatThrownBy(items::hasNext).isInstanceOf(ProtocolException.class);
    }
    CallOutcome outcome = recorder.next();
    assertThat(outcome.code()).isEqualTo("invalid_argument");
    assertThat(outcome.message()).isEqualTo("no more");
  }

  @Test
  void theCallingSideDeniesLocallyAndSeesOutcomes() throws Exception {
    start();
    Recorder calling = new Recorder();
    Caller caller = new InterceptedCaller(client, () -> KEY, calling);

    assertThat(caller.call("echo", Map.of("a", 1L)).get(10, TimeUnit.SECONDS))
        .containsEntry("a", 1L);
    assertThat(calling.next().code()).isEqualTo("ok");
    assertThat(calling.before.get(0).call().direction())
        .isEqualTo(InterceptedCall.Direction.OUTBOUND);

    assertThatThrownBy(() -> caller.callBlocking("admin.reset", Map.of()))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(calling.next().code()).isEqualTo("permission_denied");
    assertThat(recorder.before).extracting(s -> s.call().method()).doesNotContain("admin.reset");

    assertThatThrownBy(() -> caller.stream("admin.dump", Map.of()).hasNext())
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(calling.next().code()).isEqualTo("permission_denied");
  }

  @Test
  void theCallingSideReportsALostConnection() throws Exception {
    start();
    Recorder calling = new Recorder();
    Caller caller = new InterceptedCaller(client, () -> KEY, calling);
    CompletableFuture<Map<String, Object>> call =
        caller.call("sleep", Map.of(), CallOptions.timeout(Duration.ofSeconds(20)));
    sleeping.get(10, TimeUnit.SECONDS);
    server.close();
    assertThat(calling.next().code()).isEqualTo(CallOutcome.CONNECTION_CLOSED);
    assertThat(call).isCompletedExceptionally();
  }
}

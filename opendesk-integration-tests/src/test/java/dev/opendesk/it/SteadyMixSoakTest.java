package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.HandshakeAdmission;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A steady mix of calls, streams, cancels and pushes over authenticated, encrypted WebSocket
 * connections for {@code opendesk.soak.seconds} (60 s in {@code mvn verify}; longer with {@code
 * -Psoak}): nothing is lost, and threads and retained heap do not grow between the end of the
 * warm-up and the end of the run.
 */
@Timeout(value = 2, unit = TimeUnit.HOURS)
class SteadyMixSoakTest {

  private static final int CONNECTIONS = 4;
  private static final int STREAM_ITEMS = 20;
  private static final int PUSHES_PER_CALL = 5;
  private static final long HEAP_SLACK = 16L * 1024 * 1024;

  private final AtomicLong serverCancelsSeen = new AtomicLong();
  // Each cancelled call waits until its handler runs, so the cancel always reaches a handler (a
  // call
  // cancelled before its handler started is dropped without running it, which is fine but
  // unobservable).
  private final java.util.concurrent.ConcurrentHashMap<Object, CompletableFuture<Void>>
      slowStarted = new java.util.concurrent.ConcurrentHashMap<>();
  private final AtomicLong tokens = new AtomicLong();
  private final AtomicLong pushesSent = new AtomicLong();
  private final AtomicLong pushesReceived = new AtomicLong();

  private final AtomicLong calls = new AtomicLong();
  private final AtomicLong streams = new AtomicLong();
  private final AtomicLong streamItems = new AtomicLong();
  private final AtomicLong cancels = new AtomicLong();

  @Test
  void aSteadyMixLosesNothingAndDoesNotGrowThreadsOrRetainedHeap() throws Exception {
    long seconds = Long.getLong("opendesk.soak.seconds", 60);
    Identity serverIdentity = Identity.generate();
    Identity client = Identity.generate();
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(client.publicKey(), "soak", "");
    ExecutorService handlers = Executors.newFixedThreadPool(4);
    PeerOptions options = PeerOptions.builder().handlerExecutor(handlers).build();
    var dispatcher =
        SecureStack.echo()
            .unary(
                "slow",
                (ctx, params) -> {
                  // Answers only when cancelled, so nothing outlives the call.
                  CompletableFuture<Map<String, Object>> answer = new CompletableFuture<>();
                  ctx.onCancel(
                      () -> {
                        serverCancelsSeen.incrementAndGet();
                        answer.complete(Map.of());
                      });
                  slowStarted.get(params.get("token")).complete(null);
                  return answer;
                })
            .unary(
                "pushMe",
                (ctx, params) -> {
                  for (int i = 0; i < PUSHES_PER_CALL; i++) {
                    ctx.peer().push("tick", Map.of("i", (long) i));
                    pushesSent.incrementAndGet();
                  }
                  return Map.of();
                })
            .build();
    List<Peer> peers = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS);
    try (SecureStack stack =
        SecureStack.start(
            serverIdentity,
            trust,
            Handshake.defaults(),
            HandshakeAdmission.DEFAULT_MAX_PENDING,
            WebSocketOptions.defaults(),
            dispatcher,
            options)) {
      for (int c = 0; c < CONNECTIONS; c++) {
        Peer peer =
            SecureStack.connect(stack.uri(), client, serverIdentity.publicKey(), options)
                .get(20, TimeUnit.SECONDS);
        peer.onPush("tick", payload -> pushesReceived.incrementAndGet());
        peers.add(peer);
      }
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      long warmedUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) / 4;
      List<CompletableFuture<Void>> running = new ArrayList<>();
      for (Peer peer : peers) {
        running.add(CompletableFuture.runAsync(() -> mix(peer, end), workers));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(seconds))
          .until(() -> System.nanoTime() - warmedUp >= 0);
      Resources baseline = Resources.measure();
      for (CompletableFuture<Void> worker : running) {
        worker.get(seconds + 60, TimeUnit.SECONDS);
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                assertThat(pushesReceived).as("pushes received").hasValue(pushesSent.get());
                assertThat(serverCancelsSeen)
                    .as("cancels seen by handlers")
                    .hasValue(cancels.get());
              });
      Resources after = Resources.measure();

      assertThat(after.threads())
          .as("threads, before %s after %s", baseline, after)
          .isLessThanOrEqualTo(baseline.threads() + 2);
      assertThat(after.retainedHeap())
          .as("heap, before %s after %s", baseline, after)
          .isLessThanOrEqualTo(baseline.retainedHeap() + HEAP_SLACK);
      assertThat(peers).allMatch(Peer::isOpen);
      Figures.record(getClass(), "soak seconds", seconds);
      Figures.record(
          getClass(),
          "calls / streams (" + STREAM_ITEMS + " items each) / cancels / pushes, none lost",
          calls.get()
              + " / "
              + streams.get()
              + " / "
              + cancels.get()
              + " / "
              + pushesReceived.get());
      Figures.record(getClass(), "after warm-up", baseline);
      Figures.record(getClass(), "at the end", after);
    } finally {
      peers.forEach(Peer::close);
      workers.shutdownNow();
      handlers.shutdownNow();
    }
  }

  /**
   * One connection's loop: call, stream, cancel, push-triggering call, round robin, until {@code
   * end}.
   */
  private void mix(Peer peer, long end) {
    try {
      for (long n = 0; System.nanoTime() - end < 0; n++) {
        switch ((int) (n % 4)) {
          case 0 -> {
            assertThat(peer.call("echo", Map.of("n", n)).get(20, TimeUnit.SECONDS))
                .containsEntry("n", n);
            calls.incrementAndGet();
          }
          case 1 -> {
            long expected = 0;
            try (CallStream<Map<String, Object>> stream =
                peer.stream("count", Map.of("to", (long) STREAM_ITEMS))) {
              while (stream.hasNext()) {
                assertThat(stream.next()).containsEntry("i", expected++);
              }
            }
            assertThat(expected).isEqualTo(STREAM_ITEMS);
            streams.incrementAndGet();
            streamItems.addAndGet(expected);
          }
          case 2 -> {
            long token = tokens.incrementAndGet();
            CompletableFuture<Void> started = new CompletableFuture<>();
            slowStarted.put(token, started);
            CompletableFuture<Map<String, Object>> slow = peer.call("slow", Map.of("token", token));
            started.get(20, TimeUnit.SECONDS);
            slowStarted.remove(token);
            slow.cancel(true);
            assertThat(slow).isCancelled();
            cancels.incrementAndGet();
          }
          default -> {
            assertThat(peer.call("pushMe", Map.of()).get(20, TimeUnit.SECONDS)).isEmpty();
            calls.incrementAndGet();
          }
        }
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}

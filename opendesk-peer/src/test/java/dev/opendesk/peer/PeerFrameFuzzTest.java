package dev.opendesk.peer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Role;
import dev.opendesk.protocol.testing.FuzzBudget;
import dev.opendesk.protocol.testing.RobustnessFigures;
import dev.opendesk.protocol.testing.WireMutator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fuzzes a {@link Peer}'s frame handling from a raw {@link LoopbackConnection} end: plausible valid
 * traffic for the peer's role (calls, stream items, cancels, pushes, RES for unknown ids), about
 * one frame in five mutated by {@link WireMutator}.
 *
 * <p>Properties, for every seed: the peer either goes on serving (a probe call made after the
 * traffic is answered, and every valid call the traffic made gets its final RES) or closes with a
 * {@link ProtocolException} of code {@code protocol}, and nothing else (no {@code internal} close,
 * no exception escaping onto a thread); every call the peer itself made completes (result, remote
 * error or {@link ConnectionClosedException}); nothing waits beyond a bound; and the peer's threads
 * are gone once it is closed.
 */
@Timeout(60)
class PeerFrameFuzzTest {

  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final long WAIT_MS = 10_000;
  private static final int FRAMES_PER_SEED = 40;
  private static final RobustnessFigures FIGURES = new RobustnessFigures("peer");

  /** Bounded polling, fine-grained: most conditions hold within milliseconds. */
  private static org.awaitility.core.ConditionFactory await() {
    return org.awaitility.Awaitility.await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2));
  }

  /**
   * How many frames of a session are mutated: none for a third of the seeds (valid but hostile
   * traffic only: unknown ids, stray cancels, RES nobody asked for), one or two for the rest.
   */
  private static int mutationsFor(long seed) {
    return (int) (seed % 3);
  }

  private final List<Throwable> uncaught = new CopyOnWriteArrayList<>();
  private Thread.UncaughtExceptionHandler previousHandler;

  static LongStream seeds() {
    return FuzzBudget.seeds(40);
  }

  @BeforeEach
  void catchUncaught() {
    previousHandler = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> uncaught.add(e));
  }

  @AfterEach
  void restoreHandler() {
    Thread.setDefaultUncaughtExceptionHandler(previousHandler);
  }

  @AfterAll
  static void writeFigures() {
    FIGURES.write();
  }

  private static Dispatcher dispatcher() {
    return Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
            "count",
            (ctx, params, sink) -> {
              long n = params.get("n") instanceof Long l ? Math.max(0, Math.min(l, 5)) : 1;
              for (long i = 0; i < n; i++) {
                sink.next(Map.of("i", i));
              }
            })
        .build();
  }

  // ------------------------------------------------------------------ the raw end

  /**
   * The raw end: sends bytes, and a drain loop records every frame the peer sends until it closes.
   */
  private static final class RawEnd {
    final LoopbackConnection connection;
    final List<Frame> received = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> closed = new CompletableFuture<>();

    RawEnd(LoopbackConnection connection) {
      this.connection = connection;
    }

    void startDraining() {
      connection
          .receive()
          .whenComplete(
              (bytes, failure) -> {
                if (failure != null) {
                  closed.complete(null);
                  return;
                }
                received.add(CODEC.decode(bytes));
                startDraining();
              });
    }

    void send(byte[] bytes) throws Exception {
      try {
        connection.send(bytes).get(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        // The peer closed: the rest of the traffic goes nowhere, which is what the test checks.
      }
    }

    boolean finalResFor(long id) {
      for (Frame f : received) {
        if (f instanceof Res r && r.id() == id && r.end()) {
          return true;
        }
      }
      return false;
    }
  }

  /** A started peer facing a raw end; HELLOs exchanged. */
  private static RawEnd open(Peer[] peer, Role role) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    peer[0] = Peer.builder(pair.first(), role).dispatcher(dispatcher()).build();
    RawEnd raw = new RawEnd(pair.second());
    CompletableFuture<Hello> hello = peer[0].hello();
    raw.send(CODEC.encode(Hello.of(role == Role.SERVER ? Role.CLIENT : Role.SERVER)));
    assertThat(CODEC.decode(raw.connection.receive().get(WAIT_MS, TimeUnit.MILLISECONDS)))
        .isInstanceOf(Hello.class);
    hello.get(WAIT_MS, TimeUnit.MILLISECONDS);
    peer[0].start();
    raw.startDraining();
    return raw;
  }

  // ------------------------------------------------------------------ server role

  @ParameterizedTest(name = "server seed {0}")
  @MethodSource("seeds")
  void serverServesOrClosesWithProtocolOnMutatedTraffic(long seed) throws Exception {
    Random random = new Random(seed);
    WireMutator mutator = new WireMutator(random);
    RobustnessFigures.Row row =
        FIGURES.row(
            "peer", "server: sessions of " + FRAMES_PER_SEED + " inbound frames, 0-2 mutated");
    RobustnessFigures.Row frames = FIGURES.row("peer", "server: frames fed (all sessions)");
    Set<Integer> mutatedAt = positions(random, mutationsFor(seed), FRAMES_PER_SEED);
    long baseline = peerThreads();
    Peer[] peer = new Peer[1];
    RawEnd raw = open(peer, Role.SERVER);
    Set<Long> validCalls = new HashSet<>();
    long nextId = 1_000_000;
    for (int i = 0; i < FRAMES_PER_SEED; i++) {
      Frame frame;
      boolean isCall = false;
      long id = nextId;
      switch (random.nextInt(10)) {
        case 0, 1, 2 -> {
          frame = Req.unary(nextId++, "echo", Map.of("i", (long) i, "b", new byte[] {(byte) i}));
          isCall = true;
        }
        case 3, 4 -> {
          frame = Req.stream(nextId++, "count", Map.of("n", (long) random.nextInt(4)));
          isCall = true;
        }
        case 5 ->
            frame =
                new Cancel(random.nextBoolean() ? nextId - 1 : 7 + random.nextInt(1000), "fuzz");
        case 6 -> frame = new Push("topic." + random.nextInt(3), Map.of("k", "v"));
        case 7 -> frame = Res.ok(random.nextInt(1000), Map.of());
        case 8 -> {
          frame = Req.unary(nextId++, "no.such.method", Map.of());
          isCall = true;
        }
        default ->
            frame =
                random.nextInt(40) == 0 ? Hello.of(Role.CLIENT) : Res.end(5 + random.nextInt(9), 0);
      }
      byte[] bytes = CODEC.encode(frame);
      if (mutatedAt.contains(i)) {
        bytes = mutator.mutate(bytes);
      } else if (isCall) {
        validCalls.add(id);
      }
      frames.tried();
      raw.send(bytes);
    }
    row.tried();
    long probe = 4_000_000_000L + seed;
    raw.send(CODEC.encode(Req.unary(probe, "echo", Map.of("probe", true))));

    boolean serving = awaitProbeOrClose(raw, probe);
    if (serving) {
      row.accepted();
      // Nothing lost: every valid call got its final RES (an echo, a stream end, or an error).
      await()
          .atMost(Duration.ofMillis(WAIT_MS))
          .until(() -> validCalls.stream().allMatch(raw::finalResFor));
      assertThat(peer[0].isOpen()).isTrue();
    } else {
      assertClosedWithProtocol(peer[0], row);
    }
    closeAndAssertNoLeak(peer[0], raw, baseline);
  }

  // ------------------------------------------------------------------ client role

  @ParameterizedTest(name = "client seed {0}")
  @MethodSource("seeds")
  void clientCallsAllCompleteAndThePeerServesOrClosesWithProtocol(long seed) throws Exception {
    Random random = new Random(seed);
    WireMutator mutator = new WireMutator(random);
    RobustnessFigures.Row row =
        FIGURES.row(
            "peer",
            "client: sessions of 6 calls and " + FRAMES_PER_SEED + " inbound frames, 0-2 mutated");
    RobustnessFigures.Row frames = FIGURES.row("peer", "client: frames fed (all sessions)");
    long baseline = peerThreads();
    Peer[] peer = new Peer[1];
    RawEnd raw = open(peer, Role.CLIENT);

    // The peer's own calls, whose answers the traffic carries.
    Map<Long, CompletableFuture<?>> calls = new ConcurrentHashMap<>();
    Set<Long> streams = ConcurrentHashMap.newKeySet();
    for (int c = 0; c < 6; c++) {
      if (c % 3 == 2) {
        CompletableFuture<List<Map<String, Object>>> items = new CompletableFuture<>();
        peer[0].stream("s", Map.of("c", (long) c)).subscribe(new Collecting(items));
        calls.put((long) c + 1, items);
        streams.add((long) c + 1);
      } else {
        calls.put((long) c + 1, peer[0].call("m", Map.of("c", (long) c)));
      }
    }
    await()
        .atMost(Duration.ofMillis(WAIT_MS))
        .until(() -> raw.received.stream().filter(f -> f instanceof Req).count() >= 6);

    List<Frame> traffic = new ArrayList<>();
    Map<Long, Long> itemsSent = new ConcurrentHashMap<>();
    for (long id : calls.keySet()) {
      if (streams.contains(id)) {
        int n = random.nextInt(4);
        for (int s = 0; s < n; s++) {
          traffic.add(Res.item(id, s, Map.of("s", (long) s)));
        }
        itemsSent.put(id, (long) n);
        traffic.add(Res.end(id, n));
      } else {
        traffic.add(
            random.nextInt(4) == 0
                ? Res.error(id, ErrorInfo.of(ErrorCode.NOT_FOUND, "fuzz"))
                : Res.ok(id, Map.of("id", id)));
      }
    }
    for (int i = 0; i < FRAMES_PER_SEED - traffic.size(); i++) {
      switch (random.nextInt(4)) {
        case 0 -> traffic.add(new Push("topic", Map.of("i", (long) i)));
        case 1 -> traffic.add(Res.ok(100 + random.nextInt(1000), Map.of()));
        case 2 -> traffic.add(new Cancel(random.nextInt(50), ""));
        default -> traffic.add(Req.unary(2_000_000 + i, "echo", Map.of()));
      }
    }
    Collections.shuffle(traffic, random);
    // Items of one stream must keep their order for the valid traffic to be valid: sort them back.
    traffic = keepStreamOrder(traffic);
    Set<Integer> mutatedAt = positions(random, mutationsFor(seed), traffic.size());
    for (int i = 0; i < traffic.size(); i++) {
      byte[] bytes = CODEC.encode(traffic.get(i));
      if (mutatedAt.contains(i)) {
        bytes = mutator.mutate(bytes);
      }
      frames.tried();
      raw.send(bytes);
    }
    row.tried();
    // Answer everything again, validly: a call whose answer was mutated away still completes, and
    // answers for calls already done are ignored (PROTOCOL.md §3).
    for (long id : calls.keySet()) {
      raw.send(
          CODEC.encode(
              streams.contains(id) ? Res.end(id, itemsSent.get(id)) : Res.ok(id, Map.of())));
    }
    long probe = 4_000_000_000L + seed;
    raw.send(CODEC.encode(Req.unary(probe, "echo", Map.of())));

    // Nothing lost: every call completes with a result, a typed remote error, or connection closed.
    for (Map.Entry<Long, CompletableFuture<?>> call : calls.entrySet()) {
      try {
        call.getValue().get(WAIT_MS, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        assertThat(cause)
            .as("call %d of seed %d", call.getKey(), seed)
            .isInstanceOfAny(ProtocolException.class, ConnectionClosedException.class);
      }
    }
    if (awaitProbeOrClose(raw, probe)) {
      row.accepted();
      assertThat(peer[0].isOpen()).isTrue();
    } else {
      assertClosedWithProtocol(peer[0], row);
    }
    closeAndAssertNoLeak(peer[0], raw, baseline);
  }

  private static Set<Integer> positions(Random random, int count, int bound) {
    Set<Integer> positions = new HashSet<>();
    while (positions.size() < count) {
      positions.add(random.nextInt(bound));
    }
    return positions;
  }

  private static List<Frame> keepStreamOrder(List<Frame> shuffled) {
    Map<Long, List<Res>> byStream = new ConcurrentHashMap<>();
    for (Frame f : shuffled) {
      if (f instanceof Res r && r.id() < 100) {
        byStream.computeIfAbsent(r.id(), k -> new ArrayList<>()).add(r);
      }
    }
    byStream
        .values()
        .forEach(
            list ->
                list.sort(
                    (a, b) ->
                        a.end() != b.end() ? (a.end() ? 1 : -1) : Long.compare(a.seq(), b.seq())));
    Map<Long, Integer> next = new ConcurrentHashMap<>();
    List<Frame> out = new ArrayList<>();
    for (Frame f : shuffled) {
      if (f instanceof Res r && r.id() < 100) {
        int i = next.merge(r.id(), 1, Integer::sum) - 1;
        out.add(byStream.get(r.id()).get(i));
      } else {
        out.add(f);
      }
    }
    return out;
  }

  /** Collects a stream's items. */
  private static final class Collecting implements Flow.Subscriber<Map<String, Object>> {
    private final CompletableFuture<List<Map<String, Object>>> done;
    private final List<Map<String, Object>> items = new CopyOnWriteArrayList<>();

    Collecting(CompletableFuture<List<Map<String, Object>>> done) {
      this.done = done;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(Map<String, Object> item) {
      items.add(item);
    }

    @Override
    public void onError(Throwable failure) {
      done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      done.complete(List.copyOf(items));
    }
  }

  // ------------------------------------------------------------------ shared checks

  /** Whether the probe was answered (the peer serves) rather than the connection closing first. */
  private static boolean awaitProbeOrClose(RawEnd raw, long probe) {
    await()
        .atMost(Duration.ofMillis(WAIT_MS))
        .until(() -> raw.finalResFor(probe) || raw.closed.isDone());
    return raw.finalResFor(probe);
  }

  private void assertClosedWithProtocol(Peer peer, RobustnessFigures.Row row) throws Exception {
    Throwable cause;
    try {
      peer.closeFuture().get(WAIT_MS, TimeUnit.MILLISECONDS);
      cause = null;
    } catch (ExecutionException e) {
      cause = e.getCause();
    }
    if (!(cause instanceof ProtocolException p) || !"protocol".equals(p.code())) {
      row.lost();
      throw new AssertionError("the peer closed, but not with a protocol error: " + cause, cause);
    }
    row.rejected("protocol");
    row.closed();
  }

  private void closeAndAssertNoLeak(Peer peer, RawEnd raw, long baseline) throws Exception {
    peer.close();
    raw.connection.close();
    raw.closed.get(WAIT_MS, TimeUnit.MILLISECONDS);
    assertThat(uncaught).as("exceptions escaping onto threads").isEmpty();
    await().atMost(Duration.ofMillis(WAIT_MS)).until(() -> peerThreads() <= baseline);
  }

  private static long peerThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .filter(t -> t.getName().startsWith("opendesk-peer"))
        .count();
  }
}

package dev.opendesk.peer;

import static dev.opendesk.peer.testing.CollectingSubscriber.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.peer.testing.ListPublisher;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Typed and untyped ends interoperate in both directions, and a proxy puts exactly the bytes on the
 * wire that the equivalent untyped call does.
 */
@Timeout(30)
class TypedInteropTest {

  record Text(String text) {}

  record Range(long from, long to) {}

  record Item(long n) {}

  record Sum(long sum) {}

  @ServicePrefix("calc")
  interface Calc {
    Sum add(@Param("a") long a, @Param("b") long b);

    CompletableFuture<Text> label(Text text);

    Flow.Publisher<Item> range(Range range);

    Map<String, Object> nothing();
  }

  static final class CalcImpl implements Calc {
    @Override
    public Sum add(long a, long b) {
      return new Sum(a + b);
    }

    @Override
    public CompletableFuture<Text> label(Text text) {
      return CompletableFuture.completedFuture(new Text("#" + text.text()));
    }

    @Override
    public Flow.Publisher<Item> range(Range range) {
      return new ListPublisher<>(
          LongStream.rangeClosed(range.from(), range.to()).mapToObj(Item::new).toList());
    }

    @Override
    public Map<String, Object> nothing() {
      return Map.of();
    }
  }

  /** Served by hand, the untyped way. */
  private static Dispatcher handBuiltCalc() {
    return Dispatcher.builder()
        .unary("calc.add", (ctx, p) -> Map.of("sum", (Long) p.get("a") + (Long) p.get("b")))
        .unary("calc.label", (ctx, p) -> Map.of("text", "#" + p.get("text")))
        .stream(
            "calc.range",
            (ctx, p, sink) -> {
              for (long n = (Long) p.get("from"); n <= (Long) p.get("to"); n++) {
                sink.next(Map.of("n", n));
              }
            })
        .unary("calc.nothing", (ctx, p) -> null)
        .build();
  }

  private static Dispatcher typedCalc() {
    return Dispatcher.builder().service(Calc.class, new CalcImpl()).build();
  }

  @Test
  void typedServerAnswersUntypedCalls() throws Exception {
    try (PeerPair peers = PeerPair.serving(typedCalc())) {
      Peer client = peers.client();

      assertThat(client.call("calc.add", Map.of("a", 2L, "b", 3L)).get(10, TimeUnit.SECONDS))
          .isEqualTo(Map.of("sum", 5L));
      assertThat(client.call("calc.label", Map.of("text", "x")).get(10, TimeUnit.SECONDS))
          .isEqualTo(Map.of("text", "#x"));
      assertThat(client.call("calc.nothing", Map.of()).get(10, TimeUnit.SECONDS)).isEmpty();
      List<Object> items = new ArrayList<>();
      try (CallStream<Map<String, Object>> stream =
          client.stream("calc.range", Map.of("from", 1L, "to", 3L))) {
        stream.forEachRemaining(item -> items.add(item.get("n")));
      }
      assertThat(items).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void typedClientCallsAHandBuiltDispatcher() throws Exception {
    try (PeerPair peers = PeerPair.serving(handBuiltCalc())) {
      Calc calc = peers.client().service(Calc.class);

      assertThat(calc.add(2, 3)).isEqualTo(new Sum(5));
      assertThat(calc.label(new Text("x")).get(10, TimeUnit.SECONDS)).isEqualTo(new Text("#x"));
      assertThat(calc.nothing()).isEmpty();
      assertThat(collect(calc.range(new Range(1, 3))).get(10, TimeUnit.SECONDS))
          .containsExactly(new Item(1), new Item(2), new Item(3));
    }
  }

  @Test
  void capabilitiesListTheWireNames() {
    assertThat(typedCalc().capabilities())
        .isEqualTo(
            Map.of(
                "capabilities", List.of("calc.add", "calc.label", "calc.nothing", "calc.range")));
  }

  @Test
  void proxyHonoursTheRemotesCapabilityList() throws Exception {
    interface Other {
      Text missing(Text text);
    }
    try (PeerPair peers = PeerPair.serving(typedCalc())) {
      Other other = peers.client().service(Other.class);

      assertThatThrownBy(() -> other.missing(new Text("x")))
          .isInstanceOf(CapabilityUnsupportedException.class)
          .hasMessageContaining("other.missing");
    }
  }

  @Test
  void argumentThatDoesNotFitIsInvalidArgumentNamingTheField() throws Exception {
    try (PeerPair peers = PeerPair.serving(typedCalc())) {
      Map<String, Object> params = Map.of("a", 1L, "b", "seven");

      assertThatThrownBy(() -> peers.client().callBlocking("calc.add", params))
          .isInstanceOf(ProtocolException.class)
          .hasMessageStartingWith(ErrorCode.INVALID_ARGUMENT.wire() + ": b:");
    }
  }

  @Test
  void missingPrimitiveArgumentIsInvalidArgument() throws Exception {
    try (PeerPair peers = PeerPair.serving(typedCalc())) {
      assertThatThrownBy(() -> peers.client().callBlocking("calc.add", Map.of("a", 1L)))
          .isInstanceOf(ProtocolException.class)
          .hasMessage(ErrorCode.INVALID_ARGUMENT.wire() + ": b: missing");
    }
  }

  // ------------------------------------------------------------------ frames

  @Test
  void namedParametersSendTheFrameOfTheEquivalentUntypedCall() throws Exception {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("a", 2L);
    params.put("b", 3L);

    assertThat(firstFrame(peer -> peer.service(Calc.class).add(2, 3)))
        .isEqualTo(firstFrame(peer -> peer.callBlocking("calc.add", params)));
  }

  @Test
  void recordParameterSendsTheFrameOfTheEquivalentUntypedCall() throws Exception {
    assertThat(firstFrame(peer -> peer.service(Calc.class).label(new Text("x"))))
        .isEqualTo(firstFrame(peer -> peer.call("calc.label", new Text("x"), Text.class)))
        .isEqualTo(firstFrame(peer -> peer.call("calc.label", Map.of("text", "x"))));
  }

  @Test
  void streamSendsTheFrameOfTheEquivalentUntypedStream() throws Exception {
    assertThat(firstFrame(peer -> peer.service(Calc.class).range(new Range(1, 2))))
        .isEqualTo(firstFrame(peer -> peer.stream("calc.range", new Range(1, 2), Item.class)));
  }

  @Test
  void noParametersSendTheFrameOfAnEmptyUntypedCall() throws Exception {
    assertThat(firstFrame(peer -> peer.service(Calc.class).nothing()))
        .isEqualTo(firstFrame(peer -> peer.callBlocking("calc.nothing", Map.of())));
  }

  /** The first frame {@code action} makes a fresh started client send (nothing answers it). */
  private static byte[] firstFrame(Consumer<Peer> action) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    Peer peer = Peer.client(pair.first()).start();
    try {
      // Blocking calls never get an answer here: run them aside, the close below ends them.
      CompletableFuture<Void> acting = CompletableFuture.runAsync(() -> action.accept(peer));
      byte[] frame = pair.second().receive().get(10, TimeUnit.SECONDS);
      peer.close();
      acting.handle((v, e) -> null).get(10, TimeUnit.SECONDS);
      return frame;
    } finally {
      peer.close();
      pair.second().close();
    }
  }
}

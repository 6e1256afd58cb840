package dev.opendesk.peer;

import static dev.opendesk.peer.testing.CollectingSubscriber.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opendesk.peer.testing.ListPublisher;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every supported method shape of a typed service, proxy to implementation, over Loopback. */
@Timeout(30)
class TypedServiceTest {

  record Text(String text) {}

  record Range(long from, long to) {}

  record Item(long n) {}

  @RemoteError("window_not_found")
  public static final class WindowNotFoundException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public WindowNotFoundException(ErrorInfo error) {
      super(error);
    }

    WindowNotFoundException(long id) {
      super("window_not_found", "no window " + id, null);
    }
  }

  @ServicePrefix("shapes")
  interface Shapes {
    Text echo(Text text);

    CompletableFuture<Text> echoAsync(Text text);

    Map<String, Object> echoMap(Map<String, Object> params);

    CompletableFuture<Map<String, Object>> echoMapAsync(Map<String, Object> params);

    Text join(@Param("a") String a, @Param("b") long b);

    void touch(@Param("id") long id);

    CompletableFuture<Void> touchAsync(@Param("id") long id);

    Text none();

    Text withOptions(Text text, CallOptions options);

    CompletableFuture<Text> never(CallOptions options);

    Text window(@Param("id") long id) throws WindowNotFoundException;

    CompletableFuture<Text> windowAsync(@Param("id") long id) throws WindowNotFoundException;

    Text denied();

    Flow.Publisher<Item> count(Range range);

    @WireName("renamed")
    Text originalName(Text text);

    default String shout(String text) {
      return echo(new Text(text)).text().toUpperCase();
    }
  }

  /**
   * A caller's view of the same stream: an implementation could only return a {@link CallStream} it
   * got from another call, so servers declare {@code Flow.Publisher}, callers may declare either.
   */
  @ServicePrefix("shapes")
  interface ShapeStreams {
    @WireName("count")
    CallStream<Item> countItems(Range range);
  }

  @ServicePrefix("shapes")
  interface ShapeMapStreams {
    @WireName("count")
    CallStream<Map<String, Object>> countMaps(Range range, CallOptions options);
  }

  /** The implementation: records what reached it. */
  static final class ShapesImpl implements Shapes {
    final List<Long> touched = new ArrayList<>();
    final CompletableFuture<Text> neverFuture = new CompletableFuture<>();
    final CompletableFuture<Void> neverCalled = new CompletableFuture<>();

    @Override
    public Text echo(Text text) {
      return text;
    }

    @Override
    public CompletableFuture<Text> echoAsync(Text text) {
      return CompletableFuture.supplyAsync(() -> text);
    }

    @Override
    public Map<String, Object> echoMap(Map<String, Object> params) {
      return params;
    }

    @Override
    public CompletableFuture<Map<String, Object>> echoMapAsync(Map<String, Object> params) {
      return CompletableFuture.completedFuture(params);
    }

    @Override
    public Text join(String a, long b) {
      return new Text(a + b);
    }

    @Override
    public synchronized void touch(long id) {
      touched.add(id);
    }

    @Override
    public CompletableFuture<Void> touchAsync(long id) {
      touch(id);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public Text none() {
      return new Text("none");
    }

    @Override
    public Text withOptions(Text text, CallOptions options) {
      return new Text(text.text() + " " + options.equals(CallOptions.defaults()));
    }

    @Override
    public CompletableFuture<Text> never(CallOptions options) {
      neverCalled.complete(null);
      return neverFuture;
    }

    @Override
    public Text window(long id) {
      throw new WindowNotFoundException(id);
    }

    @Override
    public CompletableFuture<Text> windowAsync(long id) {
      return CompletableFuture.failedFuture(new WindowNotFoundException(id));
    }

    @Override
    public Text denied() {
      throw new PermissionDeniedException("not you");
    }

    @Override
    public Flow.Publisher<Item> count(Range range) {
      return new ListPublisher<>(
          LongStream.rangeClosed(range.from(), range.to()).mapToObj(Item::new).toList());
    }

    @Override
    public Text originalName(Text text) {
      return new Text("renamed " + text.text());
    }
  }

  private final ShapesImpl impl = new ShapesImpl();
  private PeerPair peers;
  private Shapes shapes;

  @BeforeEach
  void start() throws Exception {
    peers = PeerPair.serving(Dispatcher.builder().service(Shapes.class, impl).build());
    shapes = peers.client().service(Shapes.class);
  }

  @AfterEach
  void stop() {
    peers.close();
  }

  @Test
  void blockingRecordCallRoundTrips() {
    assertThat(shapes.echo(new Text("hi"))).isEqualTo(new Text("hi"));
  }

  @Test
  void asyncRecordCallRoundTrips() throws Exception {
    assertThat(shapes.echoAsync(new Text("hi")).get(10, TimeUnit.SECONDS))
        .isEqualTo(new Text("hi"));
  }

  @Test
  void mapParamsAndResultsPassThrough() throws Exception {
    Map<String, Object> params = Map.of("k", 1L, "bytes", new byte[] {1, 2});

    assertThat(shapes.echoMap(params)).containsEntry("k", 1L).containsKey("bytes");
    assertThat((byte[]) shapes.echoMapAsync(params).get(10, TimeUnit.SECONDS).get("bytes"))
        .containsExactly(1, 2);
  }

  @Test
  void severalParametersTravelByName() {
    assertThat(shapes.join("x", 7)).isEqualTo(new Text("x7"));
  }

  @Test
  void noParametersSendAnEmptyMap() {
    assertThat(shapes.none()).isEqualTo(new Text("none"));
  }

  @Test
  void voidMethodsReturnOnEmptySuccess() throws Exception {
    shapes.touch(1);
    assertThat(shapes.touchAsync(2).get(10, TimeUnit.SECONDS)).isNull();

    assertThat(impl.touched).containsExactly(1L, 2L);
  }

  @Test
  void trailingCallOptionsAreNotSentAndReachTheImplementationAsDefaults() {
    assertThat(shapes.withOptions(new Text("t"), CallOptions.timeout(Duration.ofSeconds(5))))
        .isEqualTo(new Text("t true"));
    assertThat(shapes.withOptions(new Text("n"), null)).isEqualTo(new Text("n true"));
  }

  @Test
  void callOptionsTimeoutAppliesAndCancelsTheImplementationsFuture() {
    CompletableFuture<Text> call = shapes.never(CallOptions.timeout(Duration.ofMillis(200)));

    assertThatThrownBy(() -> call.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CallTimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).until(impl.neverFuture::isCancelled);
  }

  @Test
  void cancellingTheProxysFutureCancelsTheImplementationsFuture() {
    CompletableFuture<Text> call = shapes.never(null);
    impl.neverCalled.join();
    call.cancel(true);

    await().atMost(Duration.ofSeconds(10)).until(impl.neverFuture::isCancelled);
  }

  @Test
  void declaredExceptionIsThrownForItsCode() {
    assertThatThrownBy(() -> shapes.window(4))
        .isInstanceOf(WindowNotFoundException.class)
        .hasMessage("window_not_found: no window 4");
  }

  @Test
  void declaredExceptionFailsTheFutureForItsCode() {
    assertThatThrownBy(() -> shapes.windowAsync(5).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(WindowNotFoundException.class)
        .hasMessage("window_not_found: no window 5");
  }

  @Test
  void libraryExceptionsSurfaceAsTheirSubclass() {
    assertThatThrownBy(() -> shapes.denied())
        .isInstanceOf(PermissionDeniedException.class)
        .extracting(e -> ((ProtocolException) e).code())
        .isEqualTo(ErrorCode.PERMISSION_DENIED.wire());
  }

  @Test
  void publisherStreamDeliversTypedItems() throws Exception {
    CompletableFuture<List<Item>> collected = collect(shapes.count(new Range(1, 4)));

    assertThat(collected.get(10, TimeUnit.SECONDS))
        .containsExactly(new Item(1), new Item(2), new Item(3), new Item(4));
  }

  @Test
  void callStreamDeliversTypedItems() {
    List<Item> items = new ArrayList<>();
    try (CallStream<Item> stream =
        peers.client().service(ShapeStreams.class).countItems(new Range(1, 3))) {
      stream.forEachRemaining(items::add);
    }

    assertThat(items).containsExactly(new Item(1), new Item(2), new Item(3));
  }

  @Test
  void callStreamOfMapsDeliversRawItems() {
    List<Object> items = new ArrayList<>();
    try (CallStream<Map<String, Object>> stream =
        peers.client().service(ShapeMapStreams.class).countMaps(new Range(1, 2), null)) {
      stream.forEachRemaining(item -> items.add(item.get("n")));
    }

    assertThat(items).containsExactly(1L, 2L);
  }

  @Test
  void wireNameAnnotationRenamesTheMethod() {
    assertThat(shapes.originalName(new Text("x"))).isEqualTo(new Text("renamed x"));
  }

  @Test
  void defaultMethodRunsItsBodyOverTheProxy() {
    assertThat(shapes.shout("quiet")).isEqualTo("QUIET");
  }

  @Test
  void proxyEqualsItselfOnlyAndNamesTheInterface() {
    Shapes other = peers.client().service(Shapes.class);

    assertThat(shapes).isEqualTo(shapes).isNotEqualTo(other);
    assertThat(shapes.hashCode()).isEqualTo(System.identityHashCode(shapes));
    assertThat(shapes.toString()).startsWith("Shapes proxy over Peer[");
  }
}

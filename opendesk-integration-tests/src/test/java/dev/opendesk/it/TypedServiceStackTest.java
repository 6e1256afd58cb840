package dev.opendesk.it;

import static dev.opendesk.peer.testing.CollectingSubscriber.collect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.CallTimeoutException;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Param;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.RemoteError;
import dev.opendesk.peer.ServicePrefix;
import dev.opendesk.peer.WireName;
import dev.opendesk.peer.testing.ListPublisher;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketServer;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A typed service behaves the same over plain WebSocket and over an authenticated, encrypted
 * WebSocket session as over Loopback: every shape, declared errors and per-call options.
 */
@Timeout(60)
class TypedServiceStackTest {

  public record Text(String text) {}

  public record Item(long n) {}

  @RemoteError("gone")
  public static final class GoneException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    public GoneException(ErrorInfo error) {
      super(error);
    }

    GoneException(String what) {
      super("gone", what + " is gone", null);
    }
  }

  @ServicePrefix("stack")
  public interface Stack {
    Text echo(Text text);

    CompletableFuture<Text> echoAsync(Text text);

    Text join(@Param("a") String a, @Param("b") long b);

    Flow.Publisher<Item> count(@Param("to") long to);

    CompletableFuture<Text> never(CallOptions options);

    Text lookup(@Param("what") String what) throws GoneException;
  }

  /** A caller's view of Stack's stream as a CallStream. */
  @ServicePrefix("stack")
  public interface StackStreams {
    @WireName("count")
    CallStream<Item> countItems(@Param("to") long to);
  }

  static final class StackImpl implements Stack {
    @Override
    public Text echo(Text text) {
      return text;
    }

    @Override
    public CompletableFuture<Text> echoAsync(Text text) {
      return CompletableFuture.completedFuture(text);
    }

    @Override
    public Text join(String a, long b) {
      return new Text(a + b);
    }

    @Override
    public Flow.Publisher<Item> count(long to) {
      return new ListPublisher<>(LongStream.range(0, to).mapToObj(Item::new).toList());
    }

    @Override
    public CompletableFuture<Text> never(CallOptions options) {
      return new CompletableFuture<>();
    }

    @Override
    public Text lookup(String what) {
      throw new GoneException(what);
    }
  }

  enum Transport {
    WEBSOCKET,
    ENCRYPTED_WEBSOCKET
  }

  private final Dispatcher dispatcher =
      Dispatcher.builder().service(Stack.class, new StackImpl()).build();
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private Peer connect(Transport transport) throws Exception {
    if (transport == Transport.ENCRYPTED_WEBSOCKET) {
      Identity serverIdentity = Identity.generate();
      Identity client = Identity.generate();
      TrustedPeers trust = TrustedPeers.inMemory();
      trust.add(client.publicKey(), "typed", "");
      SecureStack stack = SecureStack.start(serverIdentity, trust, dispatcher);
      resources.add(stack);
      Peer peer = stack.connect(client, PeerOptions.defaults());
      resources.add(peer);
      return peer;
    }
    WebSocketServer server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            connection -> {
              Peer peer = Peer.server(connection, dispatcher);
              peer.hello().thenRun(peer::start);
            });
    resources.add(server);
    Peer peer =
        Peer.client(
            WebSocketClient.connect(SecureStack.uri(server.port()))
                .get(SecureStack.WAIT.toSeconds(), TimeUnit.SECONDS));
    resources.add(peer);
    peer.hello().get(SecureStack.WAIT.toSeconds(), TimeUnit.SECONDS);
    return peer.start();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void unaryShapesRoundTrip(Transport transport) throws Exception {
    Stack stack = connect(transport).service(Stack.class);

    assertThat(stack.echo(new Text("hi"))).isEqualTo(new Text("hi"));
    assertThat(stack.echoAsync(new Text("yo")).get(10, TimeUnit.SECONDS)).isEqualTo(new Text("yo"));
    assertThat(stack.join("x", 7)).isEqualTo(new Text("x7"));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void streamShapesDeliverEveryItem(Transport transport) throws Exception {
    Peer peer = connect(transport);
    List<Item> items = new ArrayList<>();
    try (CallStream<Item> stream = peer.service(StackStreams.class).countItems(100)) {
      stream.forEachRemaining(items::add);
    }
    CompletableFuture<List<Item>> published = collect(peer.service(Stack.class).count(50));

    assertThat(items).hasSize(100).startsWith(new Item(0)).endsWith(new Item(99));
    assertThat(published.get(10, TimeUnit.SECONDS)).hasSize(50).endsWith(new Item(49));
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void declaredErrorSurfacesAsItsException(Transport transport) throws Exception {
    Stack stack = connect(transport).service(Stack.class);

    assertThatThrownBy(() -> stack.lookup("key"))
        .isInstanceOf(GoneException.class)
        .hasMessage("gone: key is gone");
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void perCallTimeoutApplies(Transport transport) throws Exception {
    Stack stack = connect(transport).service(Stack.class);

    assertThatThrownBy(
            () ->
                stack.never(CallOptions.timeout(Duration.ofMillis(200))).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CallTimeoutException.class);
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void typedServerAnswersAnUntypedCaller(Transport transport) throws Exception {
    Peer peer = connect(transport);

    assertThat(peer.callBlocking("stack.join", Map.of("a", "u", "b", 1L)))
        .isEqualTo(Map.of("text", "u1"));
  }
}

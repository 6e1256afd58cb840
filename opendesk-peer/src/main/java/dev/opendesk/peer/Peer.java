package dev.opendesk.peer;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Role;
import dev.opendesk.protocol.Values;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One end of an opendesk session over a {@link Connection}: both ends are peers, each may call,
 * stream and push, and each may serve calls with a {@link Dispatcher}.
 *
 * <h2>Lifecycle</h2>
 *
 * Build the peer, exchange HELLOs ({@link #hello()}; a server that wants to vet the client first
 * uses {@link #receiveHello()} then {@link #sendHello} or {@link #reject}), then {@link #start()}
 * the receive loop. Calls made before {@code start()} fail with {@link IllegalStateException}.
 * {@link #close()} (or the loss of the connection) ends everything: every outbound call and stream
 * fails with {@link ConnectionClosedException}, every inbound handler is cancelled (those running
 * on the default shared pool are interrupted), push handlers stop, and the peer holds no thread.
 *
 * <pre>{@code
 * LoopbackConnection.Pair pair = LoopbackConnection.pair();
 * Peer server = Peer.server(pair.second(), Dispatcher.builder().unary("echo", (ctx, p) -> p).build());
 * Peer client = Peer.client(pair.first());
 * CompletableFuture<Hello> serverHello = server.hello();
 * client.hello().join();
 * serverHello.join();
 * server.start();
 * client.start();
 * Map<String, Object> result = client.call("echo", Map.of("text", "hi")).join();
 * client.close();
 * }</pre>
 *
 * <h2>Calls</h2>
 *
 * Call ids start at 1 and grow by one per call or stream. A call's future completes with the result
 * map ({@code {}} for an empty success) or fails with a {@link ProtocolException} (or subclass) for
 * the remote's error, {@link CallTimeoutException} when its deadline passes (CANCEL is sent), or
 * {@link ConnectionClosedException}. Cancelling the future ({@code cancel(true)}) sends CANCEL.
 * Where results are delivered, and what a dependent stage may do there: see Threads below. (An
 * answer that arrives while {@code call} is still sending, as from a receive-path handler over an
 * in-process transport, completes the future before {@code call} returns.)
 *
 * <p><b>Capability gate.</b> When the remote HELLO's {@code capabilities} map lists the remote's
 * methods under the key {@code "capabilities"} (a list of names, as {@link
 * Dispatcher#capabilities()} produces and {@link #hello()} sends), a call or stream to a method not
 * listed fails at once with {@link CapabilityUnsupportedException} and nothing is sent. Without
 * such a list, every call is sent.
 *
 * <p><b>Eviction.</b> After a {@code session.evicted} push, new calls and streams fail with {@link
 * SessionEvictedException} carrying the remote's reason.
 *
 * <h2>Threads</h2>
 *
 * The receive loop runs the handlers that say they never block ({@link
 * Dispatcher.Builder#unaryAsync}, {@link Dispatcher.Builder#streamAsync}) and completes unary
 * calls' futures, so the stages a caller attached without an executor ({@code thenApply}, {@code
 * whenComplete}, ...) run on the thread that received the result and must not block, as in gRPC
 * with a direct executor or RSocket. Their {@code *Async} variants without an executor run on the
 * handler executor, and so does everything else that runs user code: handlers that may block
 * ({@link Dispatcher.Builder#unary}), push handlers and stream subscribers. A thread iterating a
 * {@link CallStream} may carry the receive loop for a few frames when it frees room in the stream's
 * buffer (see {@link CallStream}), and is a receiving thread meanwhile. Waiting for a result on the
 * receive thread ({@code join}, {@code get}, {@code callBlocking}, iterating a {@link CallStream})
 * would wait forever, since only that thread could read the answer: it fails at once with {@link
 * IllegalStateException}. Elsewhere such a wait watches the future for up to 100 µs before it
 * parks, on a multi-core machine and while this session's results tend to come that fast: a park
 * and its wake-up cost more than a whole in-process call. {@link PeerOptions#callbacksMayBlock()}
 * hands each result to the handler executor instead, at the cost of one thread hand-off per call.
 * The handler executor is {@link PeerOptions#handlerExecutor()}. By default that is one executor
 * shared by all peers (a virtual thread per handler on JDK 21+; before, a few threads and more only
 * while all of them are blocked): a peer has no thread of its own, an idle session holds none, and
 * the threads grow with the handlers blocked at once, not with the sessions. The loop stops reading
 * while a stream's buffer is full (see {@link CallStream}). Limits on concurrent inbound calls
 * ({@link PeerOptions#maxConcurrentInboundCalls()}) and, among them, streams ({@link
 * PeerOptions#maxConcurrentInboundStreams()}) answer the excess with {@code busy}. Deadlines run on
 * one timer thread shared by all open peers.
 *
 * <p>Thread-safe: every method may be called from any thread.
 */
public final class Peer implements Caller, AutoCloseable {

  private final Role role;
  private final PeerOptions options;
  private final SessionLink link;
  private final PushRegistry pushes;
  private final HelloExchange hellos;
  private final CallGate gate;
  private final ReceiveLoop receiver;

  private Peer(Builder builder) {
    this.role = builder.role;
    this.options = builder.options;
    Dispatcher dispatcher = builder.dispatcher;
    this.link = new SessionLink(builder.connection, options);
    this.pushes = new PushRegistry(link.name(), link::isClosed, link.executor());
    this.hellos = new HelloExchange(link, role, dispatcher);
    this.gate = new CallGate(link, pushes, hellos);
    InboundCallTable inbound =
        new InboundCallTable(
            link, dispatcher, options, this, builder.remotePublicKey, hellos::remoteHello);
    this.receiver = new ReceiveLoop(link, hellos, inbound, pushes);
    link.onClose(inbound::closeAll);
    link.onClose(pushes::clear);
    link.onClose(receiver::releasePause);
    // A loop waiting for a slow stream consumer must still notice a closed connection: once the
    // transport is closed nothing more can arrive beyond what it buffered, so reading on is
    // bounded.
    builder.connection.closeFuture().whenComplete((v, e) -> receiver.releasePause());
  }

  /** A builder for a peer with {@code role} over {@code connection}. */
  public static Builder builder(Connection connection, Role role) {
    return new Builder(connection, role);
  }

  /** A client peer with default options and no dispatcher. */
  public static Peer client(Connection connection) {
    return builder(connection, Role.CLIENT).build();
  }

  /** A server peer with default options serving {@code dispatcher}. */
  public static Peer server(Connection connection, Dispatcher dispatcher) {
    return builder(connection, Role.SERVER)
        .dispatcher(Objects.requireNonNull(dispatcher, "dispatcher"))
        .build();
  }

  /** This peer's role. */
  public Role role() {
    return role;
  }

  // ------------------------------------------------------------------ HELLO

  /**
   * Sends our default HELLO (our role, no principal or auth data, and the dispatcher's {@link
   * Dispatcher#capabilities() manifest} when there is a dispatcher) and receives the remote's.
   *
   * <p>The exchange waits as long as the remote takes to send its HELLO; bound it with {@link
   * CompletableFuture#orTimeout} and {@link #close()} the peer on expiry.
   *
   * @return the remote HELLO; fails with the matching {@link ProtocolException} (the peer then
   *     closes) when the remote rejected the session, with a {@code protocol} error when the first
   *     frame is not a HELLO, or with {@link ConnectionClosedException}
   */
  public CompletableFuture<Hello> hello() {
    return hello(hellos.defaultHello("", Map.of()));
  }

  /** As {@link #hello()}, with a principal and auth data. */
  public CompletableFuture<Hello> hello(String principal, Map<String, Object> auth) {
    return hello(hellos.defaultHello(principal, auth));
  }

  /**
   * Sends {@code ours} and receives the remote HELLO (both at once, so it works over unbuffered
   * transports); as {@link #hello()}.
   *
   * @throws IllegalArgumentException if {@code ours} has another role than this peer
   */
  public CompletableFuture<Hello> hello(Hello ours) {
    return hellos.exchange(ours);
  }

  /**
   * Sends our HELLO only (a server that vetted the client's HELLO first).
   *
   * @return completes when the connection took the frame
   * @throws IllegalArgumentException if {@code ours} has another role than this peer
   * @throws IllegalStateException if a HELLO was already sent
   */
  public CompletableFuture<Void> sendHello(Hello ours) {
    return hellos.send(ours);
  }

  /**
   * Receives the remote HELLO only, before {@link #start()}.
   *
   * @return the remote HELLO; fails as {@link #hello()} does
   * @throws IllegalStateException if the receive loop is running or a HELLO was already received
   */
  public CompletableFuture<Hello> receiveHello() {
    return hellos.receive();
  }

  /**
   * Rejects the session: sends a HELLO carrying {@code error} (e.g. code {@code busy}), then
   * closes.
   *
   * @return completes when the peer is closed
   */
  public CompletableFuture<Void> reject(ErrorInfo error) {
    return hellos.reject(error);
  }

  /** The remote HELLO; empty before it arrived. */
  public Optional<Hello> remoteHello() {
    return Optional.ofNullable(hellos.remoteHello());
  }

  // ------------------------------------------------------------------ receive loop

  /**
   * Starts the receive loop (idempotent). A HELLO exchange, if any, must have completed.
   *
   * @return this peer
   * @throws IllegalStateException if the remote HELLO is still being received
   */
  public Peer start() {
    receiver.start();
    return this;
  }

  // ------------------------------------------------------------------ calls

  /**
   * Calls {@code method} with the peer's default options; see {@link #call(String, Map,
   * CallOptions)}.
   */
  @Override
  public CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params) {
    return call(method, params, CallOptions.defaults());
  }

  /**
   * Calls {@code method}.
   *
   * @param params the parameters in the value model of {@link Values}; {@code null} for none
   * @return the result map ({@code {}} for an empty success); fails as described in the class
   *     documentation, or with {@link IllegalArgumentException} naming the field when {@code
   *     params} cannot be encoded, or {@link IllegalStateException} before {@link #start()}
   */
  @Override
  public CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    return call(method, params, options, false);
  }

  /** As {@link #call(String, Map, CallOptions)}; {@code direct}: see {@link OutboundUnary}. */
  private CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params, CallOptions options, boolean direct) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(options, "options");
    RuntimeException refusal = gate.refusal(method);
    if (refusal != null) {
      return CompletableFuture.failedFuture(refusal);
    }
    return new OutboundUnary(link, method, direct).start(asParams(params), timeoutOf(options));
  }

  /**
   * Calls {@code method} with typed parameters and result, converted through {@link Values}.
   *
   * @param params a record, POJO or map, or {@code null} for none
   * @param resultType what the result map converts to; a result that does not fit fails the future
   *     with {@link IllegalArgumentException}
   */
  @Override
  public <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType) {
    return call(method, params, resultType, CallOptions.defaults());
  }

  /** As {@link #call(String, Object, Class)}, with options. */
  @Override
  public <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType, CallOptions options) {
    Objects.requireNonNull(resultType, "resultType");
    Map<String, Object> map;
    try {
      map = Values.toMap(params);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return linked(call(method, map, options), m -> Values.fromMap(m, resultType));
  }

  /**
   * Calls {@code method} and waits for the result.
   *
   * @throws ProtocolException for the remote's error (or a subclass), {@link CallTimeoutException},
   *     {@link ConnectionClosedException}, {@link CallCancelledException} if the thread is
   *     interrupted (the call is then cancelled)
   */
  @Override
  public Map<String, Object> callBlocking(String method, @Nullable Map<String, ?> params) {
    // The future stays here, only this thread waits on it: it may complete on the receive loop,
    // which wakes this thread directly instead of through a handler-executor task.
    return BlockingCalls.await(call(method, params, CallOptions.defaults(), true));
  }

  /** As {@link #callBlocking(String, Map)}, typed as {@link #call(String, Object, Class)}. */
  @Override
  public <T> T callBlocking(String method, @Nullable Object params, Class<T> resultType) {
    return BlockingCalls.await(call(method, params, resultType));
  }

  /** A future of {@code fn(source)} whose cancellation cancels {@code source}. */
  private static <A, B> CompletableFuture<B> linked(
      CompletableFuture<A> source, Function<A, B> fn) {
    // Of the source's kind: a result future keeps its threading rules through the conversion.
    CompletableFuture<B> out = source.newIncompleteFuture();
    source.whenComplete(
        (value, failure) -> {
          if (failure != null) {
            out.completeExceptionally(ErrorMapping.unwrap(failure));
            return;
          }
          try {
            out.complete(fn.apply(value));
          } catch (RuntimeException e) {
            out.completeExceptionally(e);
          }
        });
    out.whenComplete(
        (value, failure) -> {
          if (out.isCancelled()) {
            source.cancel(true);
          }
        });
    return out;
  }

  // ------------------------------------------------------------------ streams

  /**
   * Opens a stream call with the peer's default options; see {@link #stream(String, Map,
   * CallOptions)}.
   */
  @Override
  public CallStream<Map<String, Object>> stream(String method, @Nullable Map<String, ?> params) {
    return stream(method, params, CallOptions.defaults());
  }

  /**
   * Opens a stream call. The returned stream is consumed once, as a {@link
   * java.util.concurrent.Flow.Publisher} or as a blocking iterator; closing it before the end sends
   * CANCEL. A stream that cannot start (not started, closed, evicted, capability gate, parameters
   * that do not encode) fails on first use with that error.
   */
  @Override
  public CallStream<Map<String, Object>> stream(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    return openStream(method, params, options, Function.identity());
  }

  /** Opens a stream call with typed parameters and items, converted through {@link Values}. */
  @Override
  public <T> CallStream<T> stream(String method, @Nullable Object params, Class<T> itemType) {
    return stream(method, params, itemType, CallOptions.defaults());
  }

  /** As {@link #stream(String, Object, Class)}, with options. */
  @Override
  public <T> CallStream<T> stream(
      String method, @Nullable Object params, Class<T> itemType, CallOptions options) {
    Objects.requireNonNull(itemType, "itemType");
    Map<String, Object> map;
    try {
      map = Values.toMap(params);
    } catch (IllegalArgumentException e) {
      return new CallStream<>(OutboundStream.failed(method, e));
    }
    return openStream(method, map, options, m -> Values.fromMap(m, itemType));
  }

  private <T> CallStream<T> openStream(
      String method,
      @Nullable Map<String, ?> params,
      CallOptions options,
      Function<Map<String, Object>, T> converter) {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(options, "options");
    RuntimeException refusal = gate.refusal(method);
    if (refusal != null) {
      return new CallStream<>(OutboundStream.failed(method, refusal));
    }
    OutboundStream<T> stream =
        new OutboundStream<>(link, method, this.options.streamBufferFrames(), converter);
    stream.start(asParams(params), timeoutOf(options));
    return new CallStream<>(stream);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> asParams(@Nullable Map<String, ?> params) {
    return params == null ? Map.of() : (Map<String, Object>) params;
  }

  private Duration timeoutOf(CallOptions callOptions) {
    return callOptions.timeout() != null ? callOptions.timeout() : options.defaultCallTimeout();
  }

  // ------------------------------------------------------------------ pushes

  /**
   * Sends a PUSH event.
   *
   * @param payload the event data in the value model of {@link Values}; {@code null} for none
   * @return completes when the connection took the frame; fails with {@link
   *     ConnectionClosedException}, {@link IllegalArgumentException} naming the field when the
   *     payload cannot be encoded, or {@link IllegalStateException} before {@link #start()} (the
   *     protocol's first frame is the HELLO), and nothing is sent
   */
  @Override
  public CompletableFuture<Void> push(String topic, @Nullable Map<String, ?> payload) {
    Objects.requireNonNull(topic, "topic");
    if (link.isClosed()) {
      return CompletableFuture.failedFuture(link.closedException());
    }
    if (!link.isStarted()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "peer not started: call start() (after the HELLO exchange) before pushing"));
    }
    byte[] frame;
    try {
      frame = link.encode(new Push(topic, asParams(payload)));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return link.relay(link.sendEncoded(frame));
  }

  /**
   * Registers a handler for PUSH events with {@code topic}. Push handlers run one at a time, in
   * arrival order, on the handler executor; they stop when the peer closes.
   *
   * @return closing the registration removes the handler
   */
  @Override
  public Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(handler, "handler");
    Runnable remove = pushes.register(topic, push -> handler.accept(push.payload()));
    return remove::run;
  }

  /** Registers a handler for PUSH events with {@code topic}, payloads converted to {@code type}. */
  @Override
  public <T> Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(handler, "handler");
    return onPush(topic, payload -> handler.accept(Values.fromMap(payload, type)));
  }

  /** Registers a handler for PUSH events of every topic. */
  @Override
  public Registration onPush(Consumer<Push> handler) {
    Runnable remove = pushes.register(null, Objects.requireNonNull(handler, "handler"));
    return remove::run;
  }

  /** A registration that can be removed; closing it is idempotent. Thread-safe. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    /** Removes the registration. */
    @Override
    void close();
  }

  /** Why the remote evicted this session; empty if it did not. */
  public Optional<String> evictionReason() {
    return Optional.ofNullable(pushes.evictionReason());
  }

  // ------------------------------------------------------------------ close

  /**
   * Closes the peer and its connection (idempotent). Every outbound call and stream fails with
   * {@link ConnectionClosedException}, inbound handlers are cancelled (and interrupted, on the
   * default shared pool), and the peer holds no thread.
   */
  @Override
  public void close() {
    link.shutdown(null);
  }

  /**
   * Completes when the peer closed: normally after {@link #close()} or an orderly close by the
   * remote; exceptionally with a {@link ProtocolException} of code {@code protocol} after a
   * protocol violation by the remote, with the rejection after a rejected HELLO, or with the
   * transport's error.
   */
  public CompletableFuture<Void> closeFuture() {
    return link.closeFuture();
  }

  /** Whether the peer is open. */
  public boolean isOpen() {
    return link.isOpen();
  }

  @Override
  public String toString() {
    return "Peer[" + link.name() + ", " + role + (link.isClosed() ? ", closed" : "") + "]";
  }

  /** Builds a {@link Peer}; not thread-safe. */
  public static final class Builder {
    private final Connection connection;
    private final Role role;
    private Dispatcher dispatcher;
    private PeerOptions options = PeerOptions.defaults();
    private byte[] remotePublicKey;

    private Builder(Connection connection, Role role) {
      this.connection = Objects.requireNonNull(connection, "connection");
      this.role = Objects.requireNonNull(role, "role");
    }

    /**
     * Serves inbound calls with {@code dispatcher}; without one, every inbound call is answered
     * {@code capability_unsupported}.
     */
    public Builder dispatcher(Dispatcher dispatcher) {
      this.dispatcher = dispatcher;
      return this;
    }

    /** Limits and resources; {@link PeerOptions#defaults()} unless set. */
    public Builder options(PeerOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * The remote's authenticated static public key, as established by the handshake, exposed to
     * handlers through {@link CallContext#remotePublicKey()}; {@code null} (the default) for an
     * unauthenticated connection.
     */
    public Builder remotePublicKey(byte[] key) {
      this.remotePublicKey = key == null ? null : key.clone();
      return this;
    }

    /** The peer; it owns the connection from now on and closes it when it closes. */
    public Peer build() {
      return new Peer(this);
    }
  }
}

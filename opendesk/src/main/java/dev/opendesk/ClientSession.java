package dev.opendesk;

import dev.opendesk.auth.AuthFailureException;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.peer.CallCancelledException;
import dev.opendesk.peer.CallInterceptor;
import dev.opendesk.peer.CallOptions;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Caller;
import dev.opendesk.peer.InterceptedCaller;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.ProtocolException;
import dev.opendesk.peer.SessionEvictedException;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Role;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-lived session with one trusted server that outlives any one connection: it has the calling
 * surface of {@link Peer} ({@link Caller}: call, stream, push, onPush and their typed variants),
 * and reconnects on its own after a lost link, with exponential backoff and jitter ({@link
 * ReconnectPolicy}), authenticating again and keeping its push handlers.
 *
 * <ul>
 *   <li>{@link #state()} is {@link ConnectionState#CONNECTING}, {@code READY}, {@code RECONNECTING}
 *       or {@code CLOSED}; {@link #onStateChange} listens to it.
 *   <li>A call made while disconnected waits for the connection within its deadline (its {@link
 *       CallOptions#timeout()}, or the client's connect wait), or fails at once with {@link
 *       ConnectionClosedException} when made through {@link #failFast()}. (A stream call waits on
 *       the calling thread; calls and pushes return their future at once.)
 *   <li>A call in flight when the link drops fails with {@link ConnectionClosedException} and is
 *       never re-sent, because the server may already have acted on it; calls made through {@link
 *       #idempotent()} are sent again on the next connection, within their deadline.
 *   <li>An eviction by the server, or an authentication failure, stops the reconnecting: the
 *       session closes and {@link #closeReason()} says why. The server's shutdown notice ({@value
 *       OpendeskServer#SHUTDOWN_REASON}) is the exception: the server may be restarting, so the
 *       session reconnects.
 *   <li>After each successful connect the server's {@code last_host}/{@code last_port} and cached
 *       {@code description} are written to the trust store.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class ClientSession implements Caller, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  private final OpendeskClient client;
  private final URI uri;
  private final Caller calls;
  private final Caller failFast;
  private final Caller idempotent;
  private final List<PushHandler> pushHandlers = new CopyOnWriteArrayList<>();
  private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<ClientSession> firstReady = new CompletableFuture<>();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final Object lock = new Object();
  // Guarded by lock.
  private ConnectionState state = ConnectionState.CONNECTING;
  private Peer peer;
  // The previous peer while a server that announced its shutdown drains it.
  private Peer draining;
  private CompletableFuture<Peer> nextReady = new CompletableFuture<>();
  private byte[] serverKey;
  private PairingCode pairingCode;
  private PairingMode pairingMode;
  private String closeReason;
  private Throwable closeCause;
  private int attempt;
  private long disconnectedSinceNanos = System.nanoTime();
  private Hello serverHello;

  ClientSession(
      OpendeskClient client, URI uri, byte[] serverKey, PairingCode code, PairingMode mode) {
    this.client = client;
    this.uri = uri;
    this.serverKey = serverKey == null ? null : serverKey.clone();
    this.pairingCode = code;
    this.pairingMode = mode;
    this.calls = intercepted(new Calls(false, false));
    this.failFast = intercepted(new Calls(true, false));
    this.idempotent = intercepted(new Calls(false, true));
  }

  private Caller intercepted(Caller raw) {
    Caller c = raw;
    List<CallInterceptor> interceptors = client.interceptors();
    for (int i = interceptors.size() - 1; i >= 0; i--) {
      c = new InterceptedCaller(c, this::serverKeyOrNull, interceptors.get(i));
    }
    return c;
  }

  // ------------------------------------------------------------------ state

  /** The current state. */
  public ConnectionState state() {
    synchronized (lock) {
      return state;
    }
  }

  /**
   * Adds a listener for state changes; it runs on the client's thread, in order, and must not
   * block.
   *
   * @return closing it removes the listener
   */
  public AutoCloseable onStateChange(Consumer<ConnectionState> listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Completes with this session when it is first ready; fails with the reason if it closes first
   * (e.g. {@link dev.opendesk.auth.AuthFailureException}, or the transport's failure under {@link
   * ReconnectPolicy#never()}).
   */
  public CompletableFuture<ClientSession> ready() {
    return firstReady.copy();
  }

  /**
   * Waits until the session is first ready; as {@link #ready()}.
   *
   * @throws TimeoutException if it is not ready within {@code timeout}
   * @throws Exception the reason the session closed first, unwrapped
   */
  public ClientSession awaitReady(Duration timeout) throws Exception {
    try {
      return firstReady.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  /** The server's static key (a copy): the trusted key, or after a pairing the paired one. */
  public byte[] serverKey() {
    byte[] key = serverKeyOrNull();
    if (key == null) {
      throw new IllegalStateException("not paired yet");
    }
    return key;
  }

  private byte[] serverKeyOrNull() {
    synchronized (lock) {
      return serverKey == null ? null : serverKey.clone();
    }
  }

  /** The server's fingerprint, or {@code ""} before a pairing completed. */
  public String serverFingerprint() {
    byte[] key = serverKeyOrNull();
    return key == null ? "" : dev.opendesk.auth.Identity.fingerprint(key);
  }

  /** The server's HELLO on the current or last connection; empty before the first. */
  public Optional<Hello> serverHello() {
    synchronized (lock) {
      return Optional.ofNullable(serverHello);
    }
  }

  /** The address this session connects to. */
  public URI uri() {
    return uri;
  }

  /** Why the session closed; empty while it is open. */
  public Optional<String> closeReason() {
    synchronized (lock) {
      return Optional.ofNullable(closeReason);
    }
  }

  /** Completes when the session has closed for good (state {@code CLOSED}). */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture.copy();
  }

  /**
   * The same session's calls, failing at once with {@link ConnectionClosedException} instead of
   * waiting while it is not connected.
   */
  public Caller failFast() {
    return failFast;
  }

  /**
   * The same session's calls, marked idempotent: a call whose link drops before its answer is sent
   * again on the next connection (within its deadline) instead of failing. Only for calls that do
   * no harm when the server runs them twice.
   */
  public Caller idempotent() {
    return idempotent;
  }

  /** Closes the session for good: the current connection closes, waiting calls fail. Idempotent. */
  @Override
  public void close() {
    closeWith("closed by the application", new ConnectionClosedException("session closed"));
  }

  @Override
  public String toString() {
    return "ClientSession[" + uri + ", " + state() + "]";
  }

  // ------------------------------------------------------------------ connecting

  void start() {
    client.executor().execute(this::attempt);
  }

  private void attempt() {
    PairingCode code;
    PairingMode mode;
    byte[] key;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      code = pairingCode;
      mode = pairingMode;
      key = serverKey;
    }
    long started = System.nanoTime();
    CompletableFuture<? extends Connection> connecting;
    try {
      connecting = client.transport().connect(uri);
    } catch (RuntimeException e) {
      connecting = CompletableFuture.failedFuture(e);
    }
    connecting
        .thenCompose(connection -> handshake(connection, code, mode, key))
        .thenCompose(this::open)
        .whenCompleteAsync(
            (opened, failure) -> {
              if (failure == null) {
                ready(opened, started);
              } else {
                attemptFailed(failure, code != null, started);
              }
            },
            client.executor());
  }

  private CompletableFuture<Session> handshake(
      Connection connection, PairingCode code, PairingMode mode, byte[] key) {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        connection.close();
        return CompletableFuture.failedFuture(new ConnectionClosedException("session closed"));
      }
    }
    try {
      if (code != null) {
        return client
            .handshake()
            .pairClient(connection, client.identityKey(), code, client.trustedPeers(), mode);
      }
      return client
          .handshake()
          .authClient(connection, client.identityKey(), client.trustedPeers(), key);
    } catch (RuntimeException e) {
      connection.close();
      return CompletableFuture.failedFuture(e);
    }
  }

  private record Opened(Session session, Peer peer, Hello hello) {}

  private CompletableFuture<Opened> open(Session session) {
    Peer p =
        Peer.builder(client.sessionConnection(session), Role.CLIENT)
            .remotePublicKey(session.remotePublicKey())
            .dispatcher(client.dispatcher())
            .options(client.peerOptions())
            .build();
    for (PushHandler handler : pushHandlers) {
      handler.attach(p);
    }
    p.onPush(Push.SESSION_EVICTED, payload -> shutdownNotice(p, payload.get("reason")));
    return p.hello(client.hello(Role.CLIENT))
        .orTimeout(client.helloTimeout().toMillis(), TimeUnit.MILLISECONDS)
        // After a pairing, the server is trusted (and stored) once its HELLO opened.
        .thenCompose(hello -> session.trusted().thenApply(v -> hello))
        .thenApply(
            hello -> {
              p.start();
              return new Opened(session, p, hello);
            })
        .whenComplete(
            (opened, failure) -> {
              if (failure != null) {
                p.close();
              }
            });
  }

  private void ready(Opened opened, long startedNanos) {
    Peer p = opened.peer();
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        p.close();
        return;
      }
      peer = p;
      state = ConnectionState.READY;
      attempt = 0;
      pairingCode = null;
      serverKey = opened.session().remotePublicKey();
      serverHello = opened.hello();
      nextReady.complete(p);
    }
    client.recordServer(opened.session(), opened.hello(), uri);
    LOG.atInfo()
        .setMessage("session ready with {} at {} in {} ms")
        .addArgument(opened.session().remoteFingerprint())
        .addArgument(uri)
        .addArgument(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos))
        .addKeyValue("event", "session.open")
        .addKeyValue("fingerprint", opened.session().remoteFingerprint())
        .addKeyValue("remote", uri.toString())
        .log();
    p.closeFuture().whenCompleteAsync((v, cause) -> linkLost(p, cause), client.executor());
    fire(ConnectionState.READY);
    firstReady.complete(this);
  }

  /**
   * A server that shuts down gracefully announces it before draining: stop sending new calls on
   * that connection at once, and wait for the next one.
   */
  private void shutdownNotice(Peer p, Object reason) {
    if (!OpendeskServer.SHUTDOWN_REASON.equals(reason)) {
      return;
    }
    synchronized (lock) {
      if (peer != p || state == ConnectionState.CLOSED) {
        return;
      }
      peer = null;
      draining = p;
      state = ConnectionState.RECONNECTING;
      nextReady = new CompletableFuture<>();
      disconnectedSinceNanos = System.nanoTime();
    }
    fire(ConnectionState.RECONNECTING);
  }

  private void linkLost(Peer lost, Throwable cause) {
    String evicted = lost.evictionReason().orElse(null);
    boolean announced;
    synchronized (lock) {
      announced = draining == lost;
      if ((peer != lost && !announced) || state == ConnectionState.CLOSED) {
        return;
      }
      peer = null;
      draining = null;
    }
    LOG.atInfo()
        .setMessage("session with {} lost{}")
        .addArgument(serverFingerprint())
        .addArgument(evicted == null ? "" : ": evicted: " + evicted)
        .addKeyValue("event", "session.close")
        .addKeyValue("fingerprint", serverFingerprint())
        .addKeyValue("reason", evicted == null ? "connection lost" : "evicted: " + evicted)
        .log();
    if (evicted != null && !OpendeskServer.SHUTDOWN_REASON.equals(evicted)) {
      closeWith("evicted by the server: " + evicted, new SessionEvictedException(evicted));
      return;
    }
    if (!client.reconnectPolicy().enabled()) {
      closeWith(
          "connection lost",
          new ConnectionClosedException(
              "connection lost", cause == null ? null : Failures.unwrap(cause)));
      return;
    }
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      if (!announced) {
        state = ConnectionState.RECONNECTING;
        nextReady = new CompletableFuture<>();
        disconnectedSinceNanos = System.nanoTime();
      }
      attempt = 0;
    }
    if (!announced) {
      fire(ConnectionState.RECONNECTING);
    }
    attempt();
  }

  private void attemptFailed(Throwable failure, boolean pairing, long startedNanos) {
    Throwable cause = Failures.unwrap(failure);
    client.handshakeFinished(cause, uri, startedNanos);
    if (pairing && cause instanceof AuthFailureException a) {
      cause = OpendeskClient.explain(a);
    }
    String final_ = finalReason(cause, pairing);
    if (final_ != null) {
      closeWith(final_, cause);
      return;
    }
    ReconnectPolicy policy = client.reconnectPolicy();
    Duration delay;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      Duration down = Duration.ofNanos(System.nanoTime() - disconnectedSinceNanos);
      if (!policy.enabled() || policy.giveUp().map(g -> down.compareTo(g) >= 0).orElse(false)) {
        delay = null;
      } else {
        attempt++;
        delay = policy.delay(attempt);
      }
    }
    if (delay == null) {
      closeWith(
          policy.enabled()
              ? "gave up reconnecting after " + policy.giveUpAfter().toMillis() + " ms"
              : "could not connect: " + OpendeskServer.describe(cause),
          cause);
      return;
    }
    LOG.debug(
        "connecting to {} failed ({}); next attempt in {} ms",
        uri,
        cause.toString(),
        delay.toMillis());
    client.schedule(this::attempt, delay);
  }

  /** Why {@code cause} ends the session, or {@code null} if another attempt may succeed. */
  private static String finalReason(Throwable cause, boolean pairing) {
    if (cause instanceof AuthFailureException a) {
      switch (a.reason()) {
        case PROTOCOL, TIMEOUT:
          // A server going down mid-handshake looks like this: retry, unless the attempt used up a
          // pairing code (one attempt per code).
          return pairing ? "pairing failed: " + a.getMessage() : null;
        default:
          return (pairing ? "pairing failed: " : "authentication failed: ") + a.getMessage();
      }
    }
    if (cause instanceof ProtocolException p && ErrorCode.BUSY.wire().equals(p.code())) {
      return "refused by the server: " + p.getMessage();
    }
    if (cause instanceof java.io.UncheckedIOException) {
      // The trust store, not the network (transports fail with ConnectionClosedException).
      return "trust store: " + cause.getMessage();
    }
    return pairing ? "pairing failed: " + OpendeskServer.describe(cause) : null;
  }

  private void closeWith(String reason, Throwable cause) {
    Peer current;
    CompletableFuture<Peer> waiting;
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return;
      }
      state = ConnectionState.CLOSED;
      closeReason = reason;
      closeCause = cause;
      current = peer;
      peer = null;
      waiting = nextReady;
    }
    waiting.completeExceptionally(closedFailure());
    if (current != null) {
      current.close();
    }
    for (PushHandler handler : pushHandlers) {
      handler.detach();
    }
    LOG.atInfo()
        .setMessage("session to {} closed: {}")
        .addArgument(uri)
        .addArgument(reason)
        .addKeyValue("event", "session.closed")
        .addKeyValue("fingerprint", serverFingerprint())
        .addKeyValue("reason", reason)
        .log();
    fire(ConnectionState.CLOSED);
    firstReady.completeExceptionally(cause);
    client.sessionClosed(this);
    closeFuture.complete(null);
  }

  /** What a call on a closed session fails with. */
  private RuntimeException closedFailure() {
    synchronized (lock) {
      if (closeCause instanceof SessionEvictedException e) {
        return new SessionEvictedException(e.getMessage());
      }
      return new ConnectionClosedException("session closed: " + closeReason, closeCause);
    }
  }

  private void fire(ConnectionState now) {
    for (Consumer<ConnectionState> listener : listeners) {
      try {
        listener.accept(now);
      } catch (RuntimeException e) {
        LOG.warn("state listener failed", e);
      }
    }
  }

  // ------------------------------------------------------------------ the calling surface

  /**
   * The ready peer now, or a future of the next one; fails when closed, at once when {@code
   * failFast} and not ready.
   */
  private CompletableFuture<Peer> peerFor(boolean failFast) {
    synchronized (lock) {
      if (state == ConnectionState.CLOSED) {
        return CompletableFuture.failedFuture(closedFailure());
      }
      if (peer != null) {
        return CompletableFuture.completedFuture(peer);
      }
      if (failFast) {
        return CompletableFuture.failedFuture(
            new ConnectionClosedException("not connected to " + uri + " (" + state + ")"));
      }
      return nextReady.copy();
    }
  }

  /** A call's deadline: its own timeout, or the client's connect wait. */
  private long deadlineNanos(CallOptions options) {
    Duration timeout = options.timeout();
    if (timeout == null) {
      timeout = client.peerOptions().defaultCallTimeout();
    }
    Duration bound = timeout != null ? timeout : client.connectWait();
    return System.nanoTime() + bound.toNanos();
  }

  private static CallOptions remaining(CallOptions options, long deadlineNanos) {
    if (options.timeout() == null) {
      return options;
    }
    long left = Math.max(1, deadlineNanos - System.nanoTime());
    return CallOptions.timeout(Duration.ofNanos(left));
  }

  /** Runs {@code call} on a ready peer, waiting for one, re-sending when idempotent. */
  private <T> CompletableFuture<T> run(
      CallOptions options,
      boolean failFast,
      boolean idempotent,
      Function<CallOptions, Function<Peer, CompletableFuture<T>>> call) {
    Objects.requireNonNull(options, "options");
    long deadline = deadlineNanos(options);
    CompletableFuture<T> result = new CompletableFuture<>();
    CallAttempt<T> attempt =
        new CallAttempt<>(result, options, deadline, failFast, idempotent, call);
    attempt.next();
    return result;
  }

  /** One logical call across connections. */
  private final class CallAttempt<T> {
    private final CompletableFuture<T> result;
    private final CallOptions options;
    private final long deadline;
    private final boolean failFast;
    private final boolean idempotent;
    private final Function<CallOptions, Function<Peer, CompletableFuture<T>>> call;
    private volatile CompletableFuture<?> inner;

    CallAttempt(
        CompletableFuture<T> result,
        CallOptions options,
        long deadline,
        boolean failFast,
        boolean idempotent,
        Function<CallOptions, Function<Peer, CompletableFuture<T>>> call) {
      this.result = result;
      this.options = options;
      this.deadline = deadline;
      this.failFast = failFast;
      this.idempotent = idempotent;
      this.call = call;
      result.whenComplete(
          (v, e) -> {
            CompletableFuture<?> f = inner;
            if (result.isCancelled() && f != null) {
              f.cancel(true);
            }
          });
    }

    void next() {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        result.completeExceptionally(
            new ConnectionClosedException(
                "not connected to " + uri + " within the call's deadline"));
        return;
      }
      CompletableFuture<Peer> waiting = peerFor(failFast).orTimeout(left, TimeUnit.NANOSECONDS);
      inner = waiting;
      waiting.whenComplete(
          (p, failure) -> {
            if (failure != null) {
              Throwable cause = Failures.unwrap(failure);
              result.completeExceptionally(
                  cause instanceof TimeoutException
                      ? new ConnectionClosedException(
                          "not connected to " + uri + " within the call's deadline")
                      : cause);
              return;
            }
            if (result.isDone()) {
              return;
            }
            CompletableFuture<T> sent;
            try {
              sent = call.apply(remaining(options, deadline)).apply(p);
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
              return;
            }
            inner = sent;
            // Refused at once by a peer whose server announced its shutdown: never sent.
            boolean refused = sent.isDone();
            sent.whenComplete(
                (value, error) -> {
                  if (error == null) {
                    result.complete(value);
                    return;
                  }
                  Throwable c = Failures.unwrap(error);
                  boolean lost =
                      c instanceof ConnectionClosedException
                          && (!(c instanceof SessionEvictedException e)
                              || OpendeskServer.SHUTDOWN_REASON.equals(e.reason()));
                  if (lost
                      && (idempotent || (refused && c instanceof SessionEvictedException))
                      && !result.isDone()) {
                    next();
                  } else {
                    result.completeExceptionally(c);
                  }
                });
          });
    }
  }

  /** One of the session's calling surfaces (waiting or failing fast, idempotent or not). */
  private final class Calls implements Caller {
    private final boolean failFast;
    private final boolean idempotent;

    Calls(boolean failFast, boolean idempotent) {
      this.failFast = failFast;
      this.idempotent = idempotent;
    }

    @Override
    public CompletableFuture<Map<String, Object>> call(
        String method, @Nullable Map<String, ?> params, CallOptions options) {
      return run(options, failFast, idempotent, o -> p -> p.call(method, params, o));
    }

    @Override
    public <T> CompletableFuture<T> call(
        String method, @Nullable Object params, Class<T> resultType, CallOptions options) {
      return run(options, failFast, idempotent, o -> p -> p.call(method, params, resultType, o));
    }

    @Override
    public CallStream<Map<String, Object>> stream(
        String method, @Nullable Map<String, ?> params, CallOptions options) {
      return openStream(method, options, failFast, (p, o) -> p.stream(method, params, o));
    }

    @Override
    public <T> CallStream<T> stream(
        String method, @Nullable Object params, Class<T> itemType, CallOptions options) {
      return openStream(method, options, failFast, (p, o) -> p.stream(method, params, itemType, o));
    }

    @Override
    public CompletableFuture<Void> push(String topic, @Nullable Map<String, ?> payload) {
      return run(CallOptions.defaults(), failFast, false, o -> p -> p.push(topic, payload));
    }

    @Override
    public Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
      return addPushHandler(p -> p.onPush(topic, handler));
    }

    @Override
    public <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
      return addPushHandler(p -> p.onPush(topic, type, handler));
    }

    @Override
    public Peer.Registration onPush(Consumer<Push> handler) {
      return addPushHandler(p -> p.onPush(handler));
    }
  }

  /**
   * Opens a stream on the ready peer; while disconnected, waits (blocking this thread) for the
   * connection within the deadline, or fails at once when {@code failFast}.
   */
  private <T> CallStream<T> openStream(
      String method,
      CallOptions options,
      boolean failFast,
      BiFunction<Peer, CallOptions, CallStream<T>> open) {
    Objects.requireNonNull(options, "options");
    long deadline = deadlineNanos(options);
    try {
      Peer p =
          peerFor(failFast).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      return open.apply(p, remaining(options, deadline));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CallStream.failed(method, new CallCancelledException("interrupted while connecting"));
    } catch (ExecutionException e) {
      return CallStream.failed(method, Failures.unwrap(e.getCause()));
    } catch (TimeoutException e) {
      return CallStream.failed(
          method,
          new ConnectionClosedException("not connected to " + uri + " within the call's deadline"));
    }
  }

  private Peer.Registration addPushHandler(Function<Peer, Peer.Registration> register) {
    PushHandler handler = new PushHandler(register);
    pushHandlers.add(handler);
    Peer current;
    synchronized (lock) {
      current = peer;
    }
    if (current != null) {
      handler.attach(current);
    }
    return () -> {
      pushHandlers.remove(handler);
      handler.detach();
    };
  }

  /** A push handler, registered again on each new connection's peer. */
  private static final class PushHandler {
    private final Function<Peer, Peer.Registration> register;
    private Peer.Registration current;

    PushHandler(Function<Peer, Peer.Registration> register) {
      this.register = register;
    }

    synchronized void attach(Peer peer) {
      if (current != null) {
        current.close();
      }
      current = register.apply(peer);
    }

    synchronized void detach() {
      if (current != null) {
        current.close();
        current = null;
      }
    }
  }

  @Override
  public CompletableFuture<Map<String, Object>> call(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    return calls.call(method, params, options);
  }

  @Override
  public <T> CompletableFuture<T> call(
      String method, @Nullable Object params, Class<T> resultType, CallOptions options) {
    return calls.call(method, params, resultType, options);
  }

  @Override
  public CallStream<Map<String, Object>> stream(
      String method, @Nullable Map<String, ?> params, CallOptions options) {
    return calls.stream(method, params, options);
  }

  @Override
  public <T> CallStream<T> stream(
      String method, @Nullable Object params, Class<T> itemType, CallOptions options) {
    return calls.stream(method, params, itemType, options);
  }

  @Override
  public CompletableFuture<Void> push(String topic, @Nullable Map<String, ?> payload) {
    return calls.push(topic, payload);
  }

  @Override
  public Peer.Registration onPush(String topic, Consumer<Map<String, Object>> handler) {
    return calls.onPush(topic, handler);
  }

  @Override
  public <T> Peer.Registration onPush(String topic, Class<T> type, Consumer<T> handler) {
    return calls.onPush(topic, type, handler);
  }

  @Override
  public Peer.Registration onPush(Consumer<Push> handler) {
    return calls.onPush(handler);
  }
}

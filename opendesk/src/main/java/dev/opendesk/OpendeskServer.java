package dev.opendesk;

import dev.opendesk.auth.AuthFailureException;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.HandshakeAdmission;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallInterceptor;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Failures;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opendesk server in a few lines: it listens (WebSocket on 127.0.0.1:8423 by default), runs
 * every connection through handshake admission, the handshake (authentication of trusted clients,
 * or one pairing while a code is armed), a {@link Peer} serving the {@link Dispatcher}, and the
 * HELLO exchange under a deadline, then starts the session. A connection that fails any step is
 * closed and logged once; nothing is left waiting.
 *
 * <pre>{@code
 * try (OpendeskServer server = OpendeskServer.builder()
 *     .dispatcher(Dispatcher.builder().unary("echo", (ctx, params) -> params).build())
 *     .build()
 *     .start()) {
 *   PairingCode code = server.armPairing(Duration.ofMinutes(2)); // show it to the user
 *   server.closeFuture().join();
 * }
 * }</pre>
 *
 * <p><b>Pairing.</b> {@link #armPairing(Duration)} draws a random code for one pairing v2 attempt
 * (legacy v1 only when asked for with {@link #armPairing(Duration, PairingMode)}); the first
 * attempt consumes it, whatever its outcome, and arming again is the application's explicit call.
 * New clients are approved by the {@link Handshake}'s {@code PairingApprover}.
 *
 * <p><b>Sessions.</b> {@link #sessions()} lists the connected peers, {@link ServerListener}s hear
 * about sessions and handshakes, {@link #evict} sends {@code session.evicted} and closes. With
 * {@link ControllerPolicy#REFUSE_SECOND} or {@link ControllerPolicy#REPLACE_FIRST} at most one
 * session is served at a time. Calls pass through the {@link CallInterceptor}s given to the
 * builder.
 *
 * <p><b>Shutdown.</b> {@link #close()} refuses new connections, tells each peer {@code
 * session.evicted} with reason {@value #SHUTDOWN_REASON}, lets calls in flight finish within the
 * drain timeout (default 5 s), then closes every session, aborting what remains, and stops the
 * transport.
 *
 * <p><b>Logs.</b> SLF4J logger {@code dev.opendesk.OpendeskServer}: {@code session opened}, {@code
 * session closed} and {@code handshake failed} events at INFO with key-value pairs ({@code event},
 * {@code fingerprint}, {@code remote}, {@code reason}); never key material.
 *
 * <p>Thread-safe.
 */
public final class OpendeskServer implements AutoCloseable {

  /** The default address: this machine only. */
  public static final String DEFAULT_HOST = "127.0.0.1";

  /** The default port (PROTOCOL.md §8). */
  public static final int DEFAULT_PORT = 8423;

  /** How long the peer's HELLO may take after the handshake, by default. */
  public static final Duration DEFAULT_HELLO_TIMEOUT = Duration.ofSeconds(10);

  /** How long {@link #close()} lets calls in flight finish, by default. */
  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /** The eviction reason peers are told when the server shuts down. */
  public static final String SHUTDOWN_REASON = "server shutting down";

  /** The eviction reason of a session replaced under {@link ControllerPolicy#REPLACE_FIRST}. */
  public static final String REPLACED_REASON = "replaced by another controller";

  private static final Logger LOG = LoggerFactory.getLogger(OpendeskServer.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Builder config;
  private final Dispatcher dispatcher;
  private final PairingGate pairing = new PairingGate();
  private final List<ServerListener> listeners;
  private final Set<Connection> handshaking = ConcurrentHashMap.newKeySet();
  private final Set<ServerSession> starting = ConcurrentHashMap.newKeySet();
  // Guarded by this.
  private final ReadySessions ready = new ReadySessions();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private final ExecutorService executor = newServerExecutor();
  private Home home;
  private HandshakeAdmission admission;

  /**
   * The server's own threads: what follows each handshake and HELLO, and the listeners. Its tasks
   * are short and never wait (listeners must return quickly), so a few threads suffice however many
   * sessions open at once; as a cached pool it grew with each burst of handshakes (to 60 threads in
   * the scale run of docs/scale.md). Idle threads end after 30 s.
   */
  private static ExecutorService newServerExecutor() {
    int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "opendesk-server-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private volatile ServerTransport.Listening listening;
  // Guarded by this.
  private boolean started;
  private volatile boolean closing;

  private OpendeskServer(Builder builder) {
    this.config = builder;
    Dispatcher d = builder.dispatcher;
    for (CallInterceptor interceptor : builder.interceptors) {
      d = d.intercepted(interceptor);
    }
    this.dispatcher = d;
    this.listeners = new CopyOnWriteArrayList<>(builder.listeners);
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens the home (identity and trust store, created on first use) and starts listening; returns
   * once it listens.
   *
   * @return this server
   * @throws IOException if the home cannot be read or the transport cannot listen
   * @throws IllegalStateException if already started or closed
   */
  public OpendeskServer start() throws IOException {
    synchronized (this) {
      if (started || closing) {
        throw new IllegalStateException(closing ? "server closed" : "server already started");
      }
      started = true;
    }
    try {
      home = Home.open(config.home, config.identity, config.trustedPeers);
      admission = HandshakeAdmission.create(config.handshake, config.maxPendingHandshakes);
      ServerTransport transport =
          config.transport != null
              ? config.transport
              : new WebSocketServerTransport(config.host, config.port, config.webSocketOptions);
      listening = transport.listen(this::accept);
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        closing = true;
      }
      executor.shutdown();
      if (home != null && config.trustedPeers == null) {
        home.trustedPeers().close();
      }
      closeFuture.complete(null);
      throw e;
    }
    LOG.atInfo()
        .setMessage("opendesk server listening on {}, fingerprint {}")
        .addArgument(listening.uri())
        .addArgument(home.identity().fingerprint())
        .addKeyValue("event", "server.started")
        .log();
    return this;
  }

  /** The port clients connect to (the bound one when the builder asked for 0). */
  public int port() {
    return requireListening().port();
  }

  /** How clients reach this server, e.g. {@code ws://127.0.0.1:8423/}. */
  public URI uri() {
    return requireListening().uri();
  }

  /** This server's identity (its fingerprint is what users compare when pairing). */
  public Identity identity() {
    requireListening();
    return home.identity();
  }

  /** The trust store of the clients this server admits. */
  public TrustedPeers trustedPeers() {
    requireListening();
    return home.trustedPeers();
  }

  /**
   * Draws a random code and arms it for one pairing v2 attempt within {@code ttl}, replacing any
   * armed code; show it to the user. The first pairing attempt consumes it, successful or not.
   */
  public PairingCode armPairing(Duration ttl) {
    return armPairing(ttl, PairingMode.V2);
  }

  /**
   * As {@link #armPairing(Duration)}, in {@code mode}. {@link PairingMode#LEGACY_V1} is for older
   * clients only: whoever connects while the code is armed can crack it offline, so pair only with
   * a {@code PairingApprover} that lets the user compare fingerprints.
   */
  public PairingCode armPairing(Duration ttl, PairingMode mode) {
    PairingCode code = PairingCode.random();
    armPairing(code, ttl, mode);
    return code;
  }

  /**
   * Arms a code the application drew itself (e.g. one a test or script must know in advance); as
   * {@link #armPairing(Duration, PairingMode)}. Prefer the random codes of the other overloads.
   */
  public void armPairing(PairingCode code, Duration ttl, PairingMode mode) {
    requireListening();
    if (closing) {
      throw new IllegalStateException("server closed");
    }
    pairing.arm(code, mode, ttl);
  }

  /** Drops the armed pairing code, if any. */
  public void disarmPairing() {
    pairing.disarm();
  }

  /** Whether a pairing code is armed and unexpired. */
  public boolean isPairingArmed() {
    return pairing.isArmed();
  }

  /** The sessions that are ready now, oldest first (a snapshot). */
  public synchronized List<SessionInfo> sessions() {
    List<SessionInfo> infos = new ArrayList<>(ready.size());
    for (ServerSession s : ready.all()) {
      infos.add(s.info());
    }
    return List.copyOf(infos);
  }

  /** Adds a listener for sessions and handshakes; returns a handle that removes it. */
  public AutoCloseable addListener(ServerListener listener) {
    Objects.requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Evicts every session of the peer with {@code publicKey}: sends {@code session.evicted} with
   * {@code reason}, then closes the session. The peer stays trusted (remove it from {@link
   * #trustedPeers()} to keep it out).
   *
   * @return whether such a session was found
   */
  public boolean evict(byte[] publicKey, String reason) {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(reason, "reason");
    List<ServerSession> victims;
    synchronized (this) {
      victims = List.copyOf(ready.ofPeer(publicKey));
    }
    victims.forEach(s -> s.evict(reason));
    return !victims.isEmpty();
  }

  /**
   * Sends a PUSH event to every session of the peer with {@code publicKey} (e.g. from {@link
   * ServerListener#sessionOpened}). A session of that peer still sending its HELLO (another
   * connection of the same identity, opening at the same time) gets it right after its HELLO, never
   * before; one that closes before its HELLO is out does not.
   *
   * @return completes when every such session's connection took the frame (or the session closed
   *     before it opened); at once when there is none
   */
  public CompletableFuture<Void> push(byte[] publicKey, String topic, Map<String, ?> payload) {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(topic, "topic");
    List<CompletableFuture<Void>> sent = new ArrayList<>();
    synchronized (this) {
      for (ServerSession s : ready.ofPeer(publicKey)) {
        sent.add(s.pushOnceOpen(topic, payload, true));
      }
    }
    return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new));
  }

  /**
   * Sends a PUSH event to the one session {@code session}, as given to {@link
   * ServerListener#sessionOpened} or listed by {@link #sessions()} (e.g. to greet it as it opens):
   * unlike {@link #push(byte[], String, Map)}, not to the other sessions of the same peer.
   *
   * @return completes when its connection took the frame (a session still sending its HELLO gets it
   *     right after); fails with {@link ConnectionClosedException} if that session is closed, or
   *     closes before its HELLO is out
   */
  public CompletableFuture<Void> push(SessionInfo session, String topic, Map<String, ?> payload) {
    Objects.requireNonNull(session, "session");
    Objects.requireNonNull(topic, "topic");
    ServerSession target;
    synchronized (this) {
      target = ready.find(session);
    }
    if (target == null) {
      return CompletableFuture.failedFuture(notOpen(session));
    }
    return target.pushOnceOpen(topic, payload, false);
  }

  static ConnectionClosedException notOpen(SessionInfo session) {
    return new ConnectionClosedException(
        "session " + session.fingerprint() + " from " + session.remoteAddress() + " is not open");
  }

  /**
   * Shuts down gracefully and waits until done: refuses new connections, tells every peer {@code
   * session.evicted} ({@value #SHUTDOWN_REASON}), lets calls in flight finish within the drain
   * timeout, then closes every session and stops the transport. Idempotent. Must not be called from
   * a handler of this server (it would wait for itself); use {@link #closeAsync()} there.
   */
  @Override
  public void close() {
    closeAsync().join();
  }

  /** As {@link #close()}, without waiting: the returned future completes when it is done. */
  public CompletableFuture<Void> closeAsync() {
    List<ServerSession> sessions;
    synchronized (this) {
      if (closing) {
        return closeFuture.copy();
      }
      closing = true;
      if (!started || listening == null) {
        executor.shutdown();
        closeFuture.complete(null);
        return closeFuture.copy();
      }
      sessions = List.copyOf(ready.all());
    }
    pairing.disarm();
    handshaking.forEach(Connection::close);
    starting.forEach(s -> s.peer().close());
    List<CompletableFuture<Void>> drained = new ArrayList<>();
    for (ServerSession s : sessions) {
      drained.add(s.drain(SHUTDOWN_REASON));
    }
    CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new))
        .orTimeout(config.drainTimeout.toMillis(), TimeUnit.MILLISECONDS)
        // Off the thread that finished the last call, so that call's answer is on its way before
        // the sessions close.
        .handleAsync(
            (v, timeout) -> {
              if (timeout != null) {
                LOG.info(
                    "drain timeout ({} ms) reached: aborting the calls still in flight",
                    config.drainTimeout.toMillis());
              }
              List<CompletableFuture<Void>> closed = new ArrayList<>();
              for (ServerSession s : sessions) {
                s.peer().close();
                closed.add(s.peer().closeFuture().handle((x, e) -> null));
              }
              return CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new));
            },
            executor)
        .thenCompose(f -> f)
        .thenCompose(
            v -> {
              listening.close();
              return listening.closeFuture().handle((x, e) -> null);
            })
        .whenComplete(
            (v, e) -> {
              executor.shutdown();
              if (config.trustedPeers == null) {
                home.trustedPeers().close();
              }
              LOG.atInfo()
                  .setMessage("opendesk server closed")
                  .addKeyValue("event", "server.closed")
                  .log();
              closeFuture.complete(null);
            });
    return closeFuture.copy();
  }

  /** Completes when the server has closed (see {@link #close()}). */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture.copy();
  }

  @Override
  public String toString() {
    ServerTransport.Listening l = listening;
    return "OpendeskServer["
        + (l == null ? "not started" : l.uri())
        + (closing ? ", closed" : "")
        + "]";
  }

  // ------------------------------------------------------------------ per connection

  private void accept(Connection connection, String remoteAddress) {
    if (closing) {
      connection.close();
      return;
    }
    long startedNanos = System.nanoTime();
    handshaking.add(connection);
    CompletableFuture<Session> handshake;
    try {
      handshake = admission.serve(connection, home.identity(), home.trustedPeers(), pairing);
    } catch (RuntimeException e) {
      handshake = CompletableFuture.failedFuture(e);
    }
    handshake.whenCompleteAsync(
        (session, failure) -> {
          handshaking.remove(connection);
          if (failure != null) {
            connection.close();
            handshakeFailed(remoteAddress, failure, startedNanos);
            return;
          }
          notifyHandshake(
              new HandshakeEvent(
                  session.isPairing() ? HandshakeEvent.PAIRED : HandshakeEvent.AUTHENTICATED,
                  session.remoteFingerprint(),
                  remoteAddress,
                  elapsed(startedNanos),
                  ""));
          openSession(session, remoteAddress);
        },
        executor);
  }

  private void openSession(Session session, String remoteAddress) {
    ServerSession s = new ServerSession(session, remoteAddress);
    Peer peer =
        Peer.builder(config.sessionConnection.apply(session.connection()), Role.SERVER)
            .remotePublicKey(session.remotePublicKey())
            .dispatcher(dispatcher.intercepted(s))
            .options(config.peerOptions)
            .build();
    s.peer(peer);
    starting.add(s);
    if (closing) {
      peer.close();
    }
    peer.receiveHello()
        .orTimeout(config.helloTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .thenComposeAsync(hello -> admit(s, hello), executor)
        .whenComplete(
            (v, failure) -> {
              starting.remove(s);
              if (failure != null) {
                peer.close();
                Throwable cause = Failures.unwrap(failure);
                String why =
                    cause instanceof TimeoutException
                        ? "no HELLO within " + config.helloTimeout.toMillis() + " ms"
                        : describe(cause);
                LOG.atInfo()
                    .setMessage("session refused for {} from {}: {}")
                    .addArgument(session.remoteFingerprint())
                    .addArgument(remoteAddress)
                    .addArgument(why)
                    .addKeyValue("event", "session.refused")
                    .addKeyValue("fingerprint", session.remoteFingerprint())
                    .addKeyValue("remote", remoteAddress)
                    .addKeyValue("reason", why)
                    .log();
              }
            });
  }

  /** Applies the controller policy, answers the HELLO and starts the session. */
  private CompletableFuture<Void> admit(ServerSession s, Hello hello) {
    Peer peer = s.peer();
    List<ServerSession> replaced = List.of();
    SessionInfo info;
    synchronized (this) {
      if (closing) {
        throw new CompletionException(new IllegalStateException("server shutting down"));
      }
      if (!ready.isEmpty() && config.controllers == ControllerPolicy.REFUSE_SECOND) {
        return peer.reject(ErrorInfo.of(ErrorCode.BUSY, "another controller is active"))
            .thenRun(
                () -> {
                  throw new CompletionException(
                      new IllegalStateException("refused busy: another controller is active"));
                });
      }
      if (config.controllers == ControllerPolicy.REPLACE_FIRST) {
        replaced = List.copyOf(ready.all());
      }
      // Its info first: whoever lists the ready sessions sees it whole.
      info = s.ready(hello.principal());
      ready.add(s);
      // Ready now, no longer starting: a shutdown drains its calls rather than closing it at once
      // (it was in both sets until its HELLO was sent, and a close then aborted its first calls).
      starting.remove(s);
    }
    replaced.forEach(old -> old.evict(REPLACED_REASON));
    peer.closeFuture().whenComplete((x, cause) -> sessionClosed(s, cause));
    return peer.sendHello(ourHello())
        .thenRun(
            () -> {
              peer.start();
              s.opened();
              recordDescription(s, hello);
              LOG.atInfo()
                  .setMessage("session opened with {} \"{}\" from {}{}")
                  .addArgument(info.fingerprint())
                  .addArgument(info.name())
                  .addArgument(info.remoteAddress())
                  .addArgument(info.paired() ? " (paired)" : "")
                  .addKeyValue("event", "session.open")
                  .addKeyValue("fingerprint", info.fingerprint())
                  .addKeyValue("remote", info.remoteAddress())
                  .addKeyValue("paired", info.paired())
                  .log();
              notify(l -> l.sessionOpened(info));
            });
  }

  private Hello ourHello() {
    Map<String, Object> capabilities = new LinkedHashMap<>(dispatcher.capabilities());
    if (!config.description.isEmpty()) {
      capabilities.put("description", config.description);
    }
    return new Hello(Role.SERVER, config.name, Map.of(), capabilities, null);
  }

  /** Caches the client's self-description in the trust store, as the seed's store defines it. */
  private void recordDescription(ServerSession s, Hello hello) {
    if (!(hello.capabilities().get("description") instanceof String description)) {
      return;
    }
    try {
      home.trustedPeers().updateDescription(s.session.remotePublicKey(), description);
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not record the description of {}: {}",
          s.session.remoteFingerprint(),
          e.toString());
    }
  }

  private void sessionClosed(ServerSession s, Throwable cause) {
    s.closed();
    boolean wasReady;
    synchronized (this) {
      wasReady = ready.remove(s);
    }
    SessionInfo info = s.info();
    if (!wasReady || info == null) {
      return;
    }
    String reason = s.closeReason(cause);
    LOG.atInfo()
        .setMessage("session closed with {} from {}: {}")
        .addArgument(info.fingerprint())
        .addArgument(info.remoteAddress())
        .addArgument(reason)
        .addKeyValue("event", "session.close")
        .addKeyValue("fingerprint", info.fingerprint())
        .addKeyValue("remote", info.remoteAddress())
        .addKeyValue("reason", reason)
        .log();
    notify(l -> l.sessionClosed(info, reason));
  }

  private void handshakeFailed(String remoteAddress, Throwable failure, long startedNanos) {
    Throwable cause = Failures.unwrap(failure);
    String result =
        cause instanceof AuthFailureException a ? a.reason().wire() : HandshakeEvent.ERROR;
    LOG.atInfo()
        .setMessage("handshake failed from {}: {}")
        .addArgument(remoteAddress)
        .addArgument(describe(cause))
        .addKeyValue("event", "handshake.failed")
        .addKeyValue("remote", remoteAddress)
        .addKeyValue("reason", result)
        .log();
    notifyHandshake(
        new HandshakeEvent(result, "", remoteAddress, elapsed(startedNanos), describe(cause)));
  }

  private void notifyHandshake(HandshakeEvent event) {
    notify(l -> l.handshakeFinished(event));
  }

  private void notify(Consumer<ServerListener> event) {
    for (ServerListener listener : listeners) {
      try {
        event.accept(listener);
      } catch (RuntimeException e) {
        LOG.warn("server listener failed", e);
      }
    }
  }

  private ServerTransport.Listening requireListening() {
    ServerTransport.Listening l = listening;
    if (l == null) {
      throw new IllegalStateException("server not started");
    }
    return l;
  }

  private static Duration elapsed(long startedNanos) {
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  static String describe(Throwable t) {
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** Builds an {@link OpendeskServer}; not thread-safe. */
  public static final class Builder {
    private Path home;
    private Identity identity;
    private TrustedPeers trustedPeers;
    private Dispatcher dispatcher = Dispatcher.builder().build();
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private WebSocketOptions webSocketOptions = WebSocketOptions.defaults();
    private ServerTransport transport;
    private Handshake handshake = Handshake.defaults();
    private int maxPendingHandshakes = HandshakeAdmission.DEFAULT_MAX_PENDING;
    private PeerOptions peerOptions = PeerOptions.defaults();
    private Duration helloTimeout = DEFAULT_HELLO_TIMEOUT;
    private Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
    private ControllerPolicy controllers = ControllerPolicy.MANY;
    private String name = "";
    private String description = "";
    private UnaryOperator<Connection> sessionConnection = UnaryOperator.identity();
    private final List<CallInterceptor> interceptors = new ArrayList<>();
    private final List<ServerListener> listeners = new ArrayList<>();

    private Builder() {}

    /**
     * Wraps each session's connection after its handshake (plaintext frames, encrypted below it)
     * before its peer is built on it: e.g. to count bytes or watch frames. Default: none.
     */
    public Builder sessionConnectionDecorator(UnaryOperator<Connection> decorator) {
      this.sessionConnection = Objects.requireNonNull(decorator, "decorator");
      return this;
    }

    /**
     * The directory with {@code identity.key} and {@code trusted-peers.json} (created on first
     * use); default {@code ~/.opendesk}.
     */
    public Builder home(Path dir) {
      this.home = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The server's identity, instead of the home's {@code identity.key}. */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * The trust store, instead of the home's {@code trusted-peers.json} (e.g. {@link
     * TrustedPeers#inMemory()} in tests). The server does not close a store given here.
     */
    public Builder trustedPeers(TrustedPeers trustedPeers) {
      this.trustedPeers = Objects.requireNonNull(trustedPeers, "trustedPeers");
      return this;
    }

    /** What clients may call; default none. */
    public Builder dispatcher(Dispatcher dispatcher) {
      this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
      return this;
    }

    /** The address to listen on; default {@value #DEFAULT_HOST} (this machine only). */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** The port to listen on, 0 for a free one; default {@value #DEFAULT_PORT}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: expected 0-65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /**
     * WebSocket settings (TLS, sizes, keepalive, event loops); default {@code defaults()}. New
     * connections are taken on the event loop that opened them (taking one never blocks) unless
     * these options set a {@code handlerExecutor}.
     */
    public Builder webSocketOptions(WebSocketOptions options) {
      this.webSocketOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Where connections come from instead of a WebSocket server on {@link #host}:{@link #port},
     * e.g. a {@link LoopbackTransport}.
     */
    public Builder transport(ServerTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** The handshakes (step timeout, pairing approver, executor); default {@code defaults()}. */
    public Builder handshake(Handshake handshake) {
      this.handshake = Objects.requireNonNull(handshake, "handshake");
      return this;
    }

    /**
     * At most this many connections in their handshake; a newcomer at the cap closes the oldest
     * (see {@link HandshakeAdmission}). Default {@value HandshakeAdmission#DEFAULT_MAX_PENDING}.
     */
    public Builder maxPendingHandshakes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingHandshakes must be positive: " + max);
      }
      this.maxPendingHandshakes = max;
      return this;
    }

    /** The options of every session's {@link Peer}; default {@code defaults()}. */
    public Builder peerOptions(PeerOptions options) {
      this.peerOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** How long a peer's HELLO may take after its handshake; default 10 s. */
    public Builder helloTimeout(Duration timeout) {
      this.helloTimeout = positive(timeout, "helloTimeout");
      return this;
    }

    /** How long {@link OpendeskServer#close()} lets calls in flight finish; default 5 s. */
    public Builder drainTimeout(Duration timeout) {
      this.drainTimeout = positive(timeout, "drainTimeout");
      return this;
    }

    /** How many sessions at once; default {@link ControllerPolicy#MANY}. */
    public Builder controllers(ControllerPolicy policy) {
      this.controllers = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** The name this server announces in its HELLO ({@code principal}); default {@code ""}. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The self-description this server announces ({@code capabilities.description}); clients cache
     * it in their trust store. Default none.
     */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /**
     * Adds an interceptor every inbound call passes through (see {@link CallInterceptor}); they run
     * in the order added.
     */
    public Builder interceptor(CallInterceptor interceptor) {
      // Dispatcher.intercepted nests: the last one wrapped runs first, so wrap in reverse.
      interceptors.add(0, Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds a listener for sessions and handshakes. */
    public Builder listener(ServerListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /** The server, not yet started; later changes to this builder do not affect it. */
    public OpendeskServer build() {
      return new OpendeskServer(copy());
    }

    private Builder copy() {
      Builder b = new Builder();
      b.home = home;
      b.identity = identity;
      b.trustedPeers = trustedPeers;
      b.dispatcher = dispatcher;
      b.host = host;
      b.port = port;
      b.webSocketOptions = webSocketOptions;
      b.transport = transport;
      b.handshake = handshake;
      b.maxPendingHandshakes = maxPendingHandshakes;
      b.peerOptions = peerOptions;
      b.helloTimeout = helloTimeout;
      b.drainTimeout = drainTimeout;
      b.controllers = controllers;
      b.name = name;
      b.description = description;
      b.sessionConnection = sessionConnection;
      b.interceptors.addAll(interceptors);
      b.listeners.addAll(listeners);
      return b;
    }

    static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive: " + value);
      }
      return value;
    }
  }
}

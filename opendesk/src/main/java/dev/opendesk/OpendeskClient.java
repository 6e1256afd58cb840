package dev.opendesk;

import dev.opendesk.auth.AuthFailureException;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.PeerRole;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallInterceptor;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An opendesk client in a few lines: pairs with a server once, then opens long-lived {@link
 * ClientSession}s to trusted servers that reconnect on their own.
 *
 * <pre>{@code
 * try (OpendeskClient client = OpendeskClient.builder().build()) {      // keys in ~/.opendesk
 *   // first contact: the code the server shows; the server is recorded in the trust store
 *   client.pair(URI.create("ws://desk.local:8423/"), PairingCode.parse(typed)).close();
 *   // every later run: authenticate with the stored key, reconnecting as needed
 *   ClientSession session = client.connect(URI.create("ws://desk.local:8423/"));
 *   Map<String, Object> echoed = session.callBlocking("echo", Map.of("text", "hi"));
 * }
 * }</pre>
 *
 * <p>{@link #pair} runs pairing v2 unless {@link PairingMode#LEGACY_V1} is asked for. Trust is
 * directional: a client authenticates only servers it paired with as a client ({@link
 * PeerRole#SERVER} entries). After each successful connect the server's {@code last_host}, {@code
 * last_port} and cached {@code description} are written to the trust store, so {@link
 * #connect(byte[])} finds it again.
 *
 * <p>Closing the client closes its sessions and stops its threads. Thread-safe.
 */
public final class OpendeskClient implements AutoCloseable {

  /** How long a call made while disconnected waits for the connection, by default. */
  public static final Duration DEFAULT_CONNECT_WAIT = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(OpendeskClient.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Home home;
  private final boolean ownsTrustStore;
  private final ClientTransport transport;
  private final Handshake handshake;
  private final PeerOptions peerOptions;
  private final Dispatcher dispatcher;
  private final ReconnectPolicy reconnectPolicy;
  private final Duration helloTimeout;
  private final Duration connectWait;
  private final String name;
  private final String description;
  private final List<CallInterceptor> interceptors;
  private final UnaryOperator<Connection> sessionConnection;
  private final List<Consumer<HandshakeEvent>> handshakeListeners;
  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
  private final ScheduledThreadPoolExecutor executor;
  private volatile boolean closed;

  private OpendeskClient(Builder b, Home home) {
    this.home = home;
    this.ownsTrustStore = b.trustedPeers == null;
    WebSocketOptions ws = b.webSocketOptions;
    this.transport = b.transport != null ? b.transport : uri -> WebSocketClient.connect(uri, ws);
    this.handshake = b.handshake;
    this.peerOptions = b.peerOptions;
    this.dispatcher = b.dispatcher;
    this.reconnectPolicy = b.reconnectPolicy;
    this.helloTimeout = b.helloTimeout;
    this.connectWait = b.connectWait;
    this.name = b.name;
    this.description = b.description;
    this.interceptors = List.copyOf(b.interceptors);
    this.sessionConnection = b.sessionConnection;
    this.handshakeListeners = new CopyOnWriteArrayList<>(b.handshakeListeners);
    this.executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "opendesk-client-" + THREADS.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    // Pending reconnect attempts must not keep a thread alive after close().
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  /** A builder with every default. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Pairs with the server at {@code uri} using pairing v2 and the code its user shows; the server
   * is recorded in the trust store once its HELLO has opened. Returns the session, ready; it
   * reconnects with authentication from then on.
   *
   * @throws AuthFailureException if the pairing fails (a wrong code, a server with no code armed,
   *     the approver refused); each code allows one attempt
   * @throws Exception the transport's failure when the server cannot be reached
   */
  public ClientSession pair(URI uri, PairingCode code) throws Exception {
    return pair(uri, code, PairingMode.V2, s -> {});
  }

  /**
   * As {@link #pair(URI, PairingCode)}, in {@code mode} ({@link PairingMode#LEGACY_V1} only for
   * older servers), running {@code setup} on the session before its first connection (e.g. to
   * register push handlers that must see the server's first push).
   */
  public ClientSession pair(
      URI uri, PairingCode code, PairingMode mode, Consumer<? super ClientSession> setup)
      throws Exception {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(mode, "mode");
    ClientSession session = open(uri, null, code, mode, setup);
    return awaitFirst(session);
  }

  /**
   * Connects to the trusted server at {@code uri}: the server entry last seen at this host and
   * port, or else the only server in the trust store. Returns once the session is ready; it
   * reconnects by itself from then on.
   *
   * @throws IOException if no trusted server matches {@code uri}
   * @throws AuthFailureException if authentication fails (e.g. the server does not trust us)
   */
  public ClientSession connect(URI uri) throws Exception {
    return connect(uri, s -> {});
  }

  /** As {@link #connect(URI)}, running {@code setup} on the session before it first connects. */
  public ClientSession connect(URI uri, Consumer<? super ClientSession> setup) throws Exception {
    TrustedPeer server = trustedServer(uri);
    return awaitFirst(open(uri, server.publicKey(), null, null, setup));
  }

  /**
   * Connects to the trusted server with {@code serverKey} at its recorded {@code last_host} and
   * {@code last_port}, over {@code ws://}.
   *
   * @throws IOException if the key is not a trusted server or has no recorded address
   */
  public ClientSession connect(byte[] serverKey) throws Exception {
    TrustedPeer server =
        home.trustedPeers()
            .find(serverKey, PeerRole.SERVER)
            .orElseThrow(
                () ->
                    new IOException(
                        "no trusted server "
                            + Identity.fingerprint(serverKey)
                            + " in "
                            + storeName()
                            + ": pair first"));
    if (server.lastHost() == null || server.lastPort() == null) {
      throw new IOException(
          "server " + server.fingerprint() + " has no recorded address (last_host/last_port)");
    }
    String host =
        server.lastHost().contains(":") ? "[" + server.lastHost() + "]" : server.lastHost();
    URI uri = URI.create("ws://" + host + ":" + server.lastPort() + "/");
    return awaitFirst(open(uri, server.publicKey(), null, null, s -> {}));
  }

  /** This client's identity. */
  public Identity identity() {
    return home.identity();
  }

  /** The trust store of the servers this client paired with. */
  public TrustedPeers trustedPeers() {
    return home.trustedPeers();
  }

  /** Adds a listener for every handshake's result (e.g. for metrics); returns its remover. */
  public AutoCloseable onHandshake(Consumer<HandshakeEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    handshakeListeners.add(listener);
    return () -> handshakeListeners.remove(listener);
  }

  /** Closes every session and stops the client's threads. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (ClientSession s : List.copyOf(sessions)) {
      s.close();
    }
    executor.shutdown();
    if (ownsTrustStore) {
      home.trustedPeers().close();
    }
  }

  // ------------------------------------------------------------------ for ClientSession

  private ClientSession open(
      URI uri,
      byte[] serverKey,
      PairingCode code,
      PairingMode mode,
      Consumer<? super ClientSession> setup) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(setup, "setup");
    if (closed) {
      throw new IllegalStateException("client closed");
    }
    ClientSession session = new ClientSession(this, uri, serverKey, code, mode);
    sessions.add(session);
    setup.accept(session);
    session.start();
    return session;
  }

  private ClientSession awaitFirst(ClientSession session) throws Exception {
    try {
      // Bounded: each step of the handshake and the HELLO have their own timeouts.
      return session.awaitReady(
          handshake.stepTimeout().multipliedBy(4).plus(helloTimeout).plus(connectWait));
    } catch (Exception e) {
      session.close();
      throw e;
    }
  }

  TrustedPeer trustedServer(URI uri) throws IOException {
    List<TrustedPeer> servers = home.trustedPeers().list(PeerRole.SERVER);
    int port = port(uri);
    for (TrustedPeer p : servers) {
      if (uri.getHost() != null
          && uri.getHost().equals(p.lastHost())
          && Integer.valueOf(port).equals(p.lastPort())) {
        return p;
      }
    }
    if (servers.size() == 1) {
      return servers.get(0);
    }
    throw new IOException(
        (servers.isEmpty() ? "no trusted server in " : "no trusted server for " + uri + " in ")
            + storeName()
            + ": pair first");
  }

  private String storeName() {
    return home.trustedPeers().path().map(Path::toString).orElse("the in-memory trust store");
  }

  /** Records where the server was reached and what it says about itself. */
  void recordServer(Session session, Hello hello, URI uri) {
    byte[] key = session.remotePublicKey();
    try {
      home.trustedPeers().updateLastSeen(key, uri.getHost(), port(uri));
      if (hello.capabilities().get("description") instanceof String d) {
        home.trustedPeers().updateDescription(key, d);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "could not record server {} in the trust store: {}",
          session.remoteFingerprint(),
          e.toString());
    }
  }

  void handshakeFinished(Throwable failure, URI uri, long startedNanos) {
    String result =
        failure instanceof AuthFailureException a ? a.reason().wire() : HandshakeEvent.ERROR;
    HandshakeEvent event =
        new HandshakeEvent(
            result,
            "",
            uri.toString(),
            Duration.ofNanos(System.nanoTime() - startedNanos),
            OpendeskServer.describe(failure));
    if (failure instanceof AuthFailureException) {
      LOG.atInfo()
          .setMessage("handshake with {} failed: {}")
          .addArgument(uri)
          .addArgument(failure.getMessage())
          .addKeyValue("event", "handshake.failed")
          .addKeyValue("remote", uri.toString())
          .addKeyValue("reason", result)
          .log();
    }
    for (Consumer<HandshakeEvent> l : handshakeListeners) {
      try {
        l.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("handshake listener failed", e);
      }
    }
  }

  /**
   * A pairing failure in words a user understands. A server with no code armed for this attempt
   * (never armed, expired, or used up by an earlier attempt) closes without answering.
   */
  static AuthFailureException explain(AuthFailureException failure) {
    String message = failure.getMessage();
    if (message != null && message.contains("closed before")) {
      return new AuthFailureException(
          failure.reason(),
          "the server did not take the pairing attempt: it has no pairing code armed for this"
              + " pairing mode (each code allows one attempt, successful or not, and expires);"
              + " ask for a new code and pair again",
          failure);
    }
    return failure;
  }

  void sessionClosed(ClientSession session) {
    sessions.remove(session);
  }

  Hello hello(Role role) {
    Map<String, Object> capabilities = new LinkedHashMap<>(dispatcher.capabilities());
    if (!description.isEmpty()) {
      capabilities.put("description", description);
    }
    return new Hello(role, name, Map.of(), capabilities, null);
  }

  void schedule(Runnable task, Duration delay) {
    if (!executor.isShutdown()) {
      executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  java.util.concurrent.Executor executor() {
    return task -> {
      if (!executor.isShutdown()) {
        executor.execute(task);
      } else {
        task.run();
      }
    };
  }

  ClientTransport transport() {
    return transport;
  }

  Handshake handshake() {
    return handshake;
  }

  Identity identityKey() {
    return home.identity();
  }

  PeerOptions peerOptions() {
    return peerOptions;
  }

  Dispatcher dispatcher() {
    return dispatcher;
  }

  ReconnectPolicy reconnectPolicy() {
    return reconnectPolicy;
  }

  Duration helloTimeout() {
    return helloTimeout;
  }

  Duration connectWait() {
    return connectWait;
  }

  List<CallInterceptor> interceptors() {
    return interceptors;
  }

  Connection sessionConnection(Session session) {
    return sessionConnection.apply(session.connection());
  }

  static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "wss".equals(uri.getScheme()) ? 443 : 80;
  }

  /** Builds an {@link OpendeskClient}; not thread-safe. */
  public static final class Builder {
    private Path home;
    private Identity identity;
    private TrustedPeers trustedPeers;
    private ClientTransport transport;
    private WebSocketOptions webSocketOptions = WebSocketOptions.defaults();
    private Handshake handshake = Handshake.defaults();
    private PeerOptions peerOptions = PeerOptions.defaults();
    private Dispatcher dispatcher = Dispatcher.builder().build();
    private ReconnectPolicy reconnectPolicy = ReconnectPolicy.defaults();
    private Duration helloTimeout = OpendeskServer.DEFAULT_HELLO_TIMEOUT;
    private Duration connectWait = DEFAULT_CONNECT_WAIT;
    private String name = "";
    private String description = "";
    private UnaryOperator<Connection> sessionConnection = UnaryOperator.identity();
    private final List<CallInterceptor> interceptors = new ArrayList<>();
    private final List<Consumer<HandshakeEvent>> handshakeListeners = new ArrayList<>();

    private Builder() {}

    /**
     * Wraps each connection after its handshake (plaintext frames, encrypted below it) before its
     * peer is built on it: e.g. to count bytes or watch frames. Default: none.
     */
    public Builder sessionConnectionDecorator(UnaryOperator<Connection> decorator) {
      this.sessionConnection = Objects.requireNonNull(decorator, "decorator");
      return this;
    }

    /**
     * The directory with {@code identity.key} and {@code trusted-peers.json}; default {@code
     * ~/.opendesk}.
     */
    public Builder home(Path dir) {
      this.home = Objects.requireNonNull(dir, "dir");
      return this;
    }

    /** The client's identity, instead of the home's {@code identity.key}. */
    public Builder identity(Identity identity) {
      this.identity = Objects.requireNonNull(identity, "identity");
      return this;
    }

    /**
     * The trust store instead of the home's (e.g. {@link TrustedPeers#inMemory()}); not closed by
     * the client.
     */
    public Builder trustedPeers(TrustedPeers trustedPeers) {
      this.trustedPeers = Objects.requireNonNull(trustedPeers, "trustedPeers");
      return this;
    }

    /** How connections are opened instead of WebSocket, e.g. a {@link LoopbackTransport}. */
    public Builder transport(ClientTransport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /** WebSocket settings (TLS, sizes, keepalive); default {@code defaults()}. */
    public Builder webSocketOptions(WebSocketOptions options) {
      this.webSocketOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** The handshakes (step timeout, approver); default {@code defaults()}. */
    public Builder handshake(Handshake handshake) {
      this.handshake = Objects.requireNonNull(handshake, "handshake");
      return this;
    }

    /** The options of each connection's {@link dev.opendesk.peer.Peer}. */
    public Builder peerOptions(PeerOptions options) {
      this.peerOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /** What the server may call on this client (both ends are peers); default none. */
    public Builder dispatcher(Dispatcher dispatcher) {
      this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
      return this;
    }

    /** How sessions reconnect; default {@link ReconnectPolicy#defaults()}. */
    public Builder reconnect(ReconnectPolicy policy) {
      this.reconnectPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** How long the server's HELLO may take after the handshake; default 10 s. */
    public Builder helloTimeout(Duration timeout) {
      this.helloTimeout = OpendeskServer.Builder.positive(timeout, "helloTimeout");
      return this;
    }

    /**
     * How long a call without a timeout waits for the connection while disconnected; default 10 s.
     */
    public Builder connectWait(Duration wait) {
      this.connectWait = OpendeskServer.Builder.positive(wait, "connectWait");
      return this;
    }

    /** The name this client announces in its HELLO ({@code principal}); servers show it. */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** The self-description servers cache in their trust store. */
    public Builder description(String description) {
      this.description = Objects.requireNonNull(description, "description");
      return this;
    }

    /** Adds an interceptor every outbound call passes through; they run in the order added. */
    public Builder interceptor(CallInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** Adds a listener for every handshake's result. */
    public Builder onHandshake(Consumer<HandshakeEvent> listener) {
      handshakeListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * The client; opens its identity (created on first use) and trust store.
     *
     * @throws IOException if the home cannot be read or created
     */
    public OpendeskClient build() throws IOException {
      return new OpendeskClient(this, Home.open(home, identity, trustedPeers));
    }
  }
}

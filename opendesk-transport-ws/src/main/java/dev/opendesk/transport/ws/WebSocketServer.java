package dev.opendesk.transport.ws;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A WebSocket server: accepts connections on a host and port, upgrades requests on its path, and
 * calls a handler once per open connection.
 *
 * <pre>{@code
 * WebSocketServer server = WebSocketServer.start("127.0.0.1", 0, connection -> {
 *   connection.receive().thenAccept(message -> connection.send(message)); // echo one message
 * });
 * int port = server.port();
 * ...
 * server.close();
 * server.closeFuture().join();
 * }</pre>
 *
 * <p>The handler runs on {@link WebSocketOptions#handlerExecutor()} (by default a server-owned
 * pool), never on an event loop, so a handler that throws (the connection is then closed) or blocks
 * does not stop the server from accepting others. The connection belongs to the handler: it must
 * close it.
 *
 * <p>An upgrade request that carries an {@code Origin} (a web page) is refused with 403 unless
 * {@link WebSocketOptions#allowedOrigins()} has it; native clients send none.
 *
 * <p>At most {@link WebSocketOptions#maxPendingUpgrades()} accepted connections wait for their
 * upgrade at once; a new one arriving at the cap closes the oldest waiting one, so idle sockets can
 * neither exhaust file descriptors nor lock out a client that connects after them.
 *
 * <p>Thread-safe.
 */
public final class WebSocketServer implements AutoCloseable {

  /** The opendesk default port (PROTOCOL.md §8). */
  public static final int DEFAULT_PORT = 8423;

  private static final Logger log = LoggerFactory.getLogger(WebSocketServer.class);

  private final WebSocketOptions options;
  private final Consumer<? super WebSocketConnection> handler;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Executor handlerExecutor;
  private final ExecutorService ownedExecutor;
  private final SslContext sslContext;
  private final Set<Channel> channels = ConcurrentHashMap.newKeySet();
  private final Set<WebSocketConnection> connections = ConcurrentHashMap.newKeySet();
  // Accepted channels still waiting for their upgrade, oldest first. Children live on different
  // event
  // loops, so this is a lock-free deque; pendingCount mirrors its size
  // (ConcurrentLinkedDeque.size()
  // is O(n)) and is changed only by whoever actually removed a channel from the deque.
  private final ConcurrentLinkedDeque<Channel> pending = new ConcurrentLinkedDeque<>();
  private final AtomicInteger pendingCount = new AtomicInteger();
  private final AtomicLong evictedUpgrades = new AtomicLong();
  private final AtomicBoolean closing = new AtomicBoolean();
  private final CompletableFuture<Void> closeFuture = new CompletableFuture<>();
  private Channel serverChannel;

  private WebSocketServer(WebSocketOptions options, Consumer<? super WebSocketConnection> handler) {
    this.options = options;
    this.handler = handler;
    this.sslContext = options.sslContext().orElse(null);
    if (sslContext != null && !sslContext.isServer()) {
      throw new IllegalArgumentException(
          "sslContext must be a server context (SslContextBuilder.forServer)");
    }
    this.ownsGroup = options.eventLoopGroup().isEmpty();
    this.group =
        options
            .eventLoopGroup()
            .orElseGet(
                () ->
                    EventLoops.newGroup(
                        "opendesk-ws-server", Runtime.getRuntime().availableProcessors(), false));
    if (options.handlerExecutor().isPresent()) {
      this.ownedExecutor = null;
      this.handlerExecutor = options.handlerExecutor().get();
    } else {
      this.ownedExecutor =
          Executors.newCachedThreadPool(new DefaultThreadFactory("opendesk-ws-handler", true));
      this.handlerExecutor = ownedExecutor;
    }
  }

  /**
   * Starts a server with {@link WebSocketOptions#defaults()}; see {@link #start(String, int,
   * WebSocketOptions, Consumer)}.
   */
  public static WebSocketServer start(
      String host, int port, Consumer<? super WebSocketConnection> handler) throws IOException {
    return start(host, port, WebSocketOptions.defaults(), handler);
  }

  /**
   * Binds to {@code host:port} ({@code port} 0 picks a free port, see {@link #port()}) and starts
   * accepting; returns once bound. Must not be called on an event loop.
   *
   * @throws IOException when binding fails (e.g. the port is taken)
   * @throws IllegalArgumentException for a bad port or a client {@code SslContext}
   */
  public static WebSocketServer start(
      String host,
      int port,
      WebSocketOptions options,
      Consumer<? super WebSocketConnection> handler)
      throws IOException {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be in 0..65535: " + port);
    }
    WebSocketServer server = new WebSocketServer(options, handler);
    server.bind(host, port);
    return server;
  }

  private void bind(String host, int port) throws IOException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(EventLoops.serverChannel(group))
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    initChild(ch);
                  }
                });
    ChannelFuture bound = bootstrap.bind(host, port);
    try {
      bound.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      bound.channel().close();
      releaseResources();
      throw new InterruptedIOException("interrupted while binding " + host + ":" + port);
    }
    if (!bound.isSuccess()) {
      releaseResources();
      Throwable cause = bound.cause();
      if (cause instanceof IOException io) {
        throw io;
      }
      throw new IOException("cannot bind " + host + ":" + port + ": " + cause, cause);
    }
    serverChannel = bound.channel();
    log.info(
        "WebSocket server listening on {}{}", localAddress(), sslContext != null ? " (TLS)" : "");
  }

  private void initChild(SocketChannel ch) {
    if (closing.get()) {
      ch.close();
      return;
    }
    channels.add(ch);
    ch.closeFuture()
        .addListener(
            f -> {
              channels.remove(ch);
              upgradeSettled(ch);
            });
    admitPending(ch);
    ChannelPipeline p = ch.pipeline();
    if (sslContext != null) {
      p.addLast("tls", sslContext.newHandler(ch.alloc()));
    }
    p.addLast("http", new HttpServerCodec());
    p.addLast("http-aggregator", new HttpObjectAggregator(8192));
    MessagePipeline tail = new MessagePipeline(options, false);
    tail.addLast(
        p,
        new ServerUpgradeHandler(
            options,
            sslContext != null,
            tail,
            connection -> {
              upgradeSettled(ch);
              opened(connection);
            }));
  }

  /**
   * On the child's event loop, before its pipeline exists: counts {@code ch} as waiting for its
   * upgrade and, over the cap, closes the oldest waiting channels. Evicting the oldest (not
   * refusing the newest) means strangers that connected first cannot keep a later client out.
   * Closing is asynchronous, so this never blocks; an evicted channel's close listener finds it
   * already gone.
   */
  private void admitPending(Channel ch) {
    pending.addLast(ch);
    pendingCount.incrementAndGet();
    while (pendingCount.get() > options.maxPendingUpgrades()) {
      Channel oldest = pending.pollFirst();
      if (oldest == null) {
        break;
      }
      pendingCount.decrementAndGet();
      evictedUpgrades.incrementAndGet();
      log.debug(
          "{}: {} connections waiting for their upgrade, closing the oldest",
          oldest.remoteAddress(),
          options.maxPendingUpgrades());
      oldest.close();
    }
  }

  /** A channel is no longer waiting for its upgrade (upgraded, closed or evicted); idempotent. */
  private void upgradeSettled(Channel ch) {
    if (pending.remove(ch)) {
      pendingCount.decrementAndGet();
    }
  }

  /** Connections accepted and still waiting for their upgrade; for tests and monitoring. */
  int pendingUpgrades() {
    return pendingCount.get();
  }

  /**
   * How many waiting connections have been closed to stay within the cap; for tests and monitoring.
   */
  long evictedUpgrades() {
    return evictedUpgrades.get();
  }

  /** On the event loop: a connection finished its upgrade. */
  private void opened(WebSocketConnection connection) {
    connections.add(connection);
    connection.closeFuture().whenComplete((v, t) -> connections.remove(connection));
    if (closing.get()) {
      connection.closeGoingAway();
      return;
    }
    try {
      handlerExecutor.execute(() -> runHandler(connection));
    } catch (RejectedExecutionException e) {
      log.warn("{}: handler executor rejected the connection; closing it", connection, e);
      connection.closeGoingAway();
    }
  }

  private void runHandler(WebSocketConnection connection) {
    try {
      handler.accept(connection);
    } catch (RuntimeException | Error e) {
      log.warn("{}: connection handler threw; closing the connection", connection, e);
      connection.close();
    }
  }

  /** The port the server listens on (the chosen one when started with port 0). */
  public int port() {
    return localAddress().getPort();
  }

  /** The address the server listens on. */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** The upgrade path. */
  public String path() {
    return options.path();
  }

  /** Whether the server speaks TLS ({@code wss}). */
  public boolean isSecure() {
    return sslContext != null;
  }

  /**
   * Stops accepting and closes every live connection (status 1001), then releases the owned event
   * loop group and handler pool. Returns at once; {@link #closeFuture()} tells when it is done.
   * Idempotent.
   */
  @Override
  public void close() {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    serverChannel
        .close()
        .addListener(
            f -> {
              List<CompletableFuture<Void>> closed = new ArrayList<>();
              for (WebSocketConnection c : List.copyOf(connections)) {
                c.closeGoingAway();
                closed.add(c.closeFuture().exceptionally(t -> null));
              }
              CompletableFuture.allOf(closed.toArray(CompletableFuture[]::new))
                  .whenComplete(
                      (v, t) -> {
                        // Whatever never finished its upgrade goes now.
                        List.copyOf(channels).forEach(Channel::close);
                        finishClose();
                      });
            });
  }

  private void finishClose() {
    if (ownsGroup) {
      group
          .shutdownGracefully(0, options.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)
          .addListener(
              f -> {
                shutdownExecutor();
                log.info("WebSocket server on {} closed", serverChannel.localAddress());
                closeFuture.complete(null);
              });
    } else {
      shutdownExecutor();
      closeFuture.complete(null);
    }
  }

  private void shutdownExecutor() {
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
  }

  private void releaseResources() {
    if (ownsGroup) {
      group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
    }
    shutdownExecutor();
  }

  /** Completes when {@link #close()} has finished: connections closed, owned threads stopped. */
  public CompletableFuture<Void> closeFuture() {
    return closeFuture;
  }

  @Override
  public String toString() {
    return "WebSocketServer["
        + (sslContext != null ? "wss" : "ws")
        + "://"
        + localAddress()
        + options.path()
        + "]";
  }
}

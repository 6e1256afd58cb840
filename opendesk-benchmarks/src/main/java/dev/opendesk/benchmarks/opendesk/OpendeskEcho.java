package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two opendesk peers, in their default configuration unless the transport says direct, connected
 * over a transport: the server serves a unary {@code echo} (returns its params) and the streams
 * {@code stream} and {@code streamAsync} (each sends {@code count} copies of a fixed item, one from
 * a sink and one from an iterator), the client calls them. The opendesk side of every unary and
 * stream scenario.
 *
 * <p>Thread-safe once built; {@link #close()} once.
 */
public final class OpendeskEcho implements AutoCloseable {

  /** The transport between the two peers. */
  public enum Transport {
    /** {@link LoopbackConnection}: in memory, the peer of gRPC in-process and RSocket local. */
    LOOPBACK,
    /**
     * {@link LoopbackConnection} with handlers and results run on the thread that receives them
     * ({@code PeerOptions.handlerExecutor(Runnable::run)}, for handlers that never block): the
     * like-for-like peer of gRPC in-process on {@code directExecutor()}.
     */
    LOOPBACK_DIRECT,
    /**
     * WebSocket on 127.0.0.1, plain: the peer of gRPC over Netty and RSocket over TCP and over
     * WebSocket.
     */
    WEBSOCKET,
    /** {@link #WEBSOCKET} with the options of {@link #LOOPBACK_DIRECT}. */
    WEBSOCKET_DIRECT,
    /** WebSocket on 127.0.0.1, {@code EncryptedConnection} after an auth handshake. */
    WEBSOCKET_ENCRYPTED
  }

  /**
   * How the server registers its unary {@code echo}: the documented way for each kind of handler.
   */
  public enum Handler {
    /**
     * {@code Dispatcher.Builder.unaryAsync}: a handler that never blocks, run on the receive path.
     */
    ASYNC,
    /** {@code Dispatcher.Builder.unary}: a handler that may block, run on the handler executor. */
    BLOCKING
  }

  /** How the server registers its stream: the documented way for each kind of handler. */
  public enum StreamHandler {
    /**
     * {@code Dispatcher.Builder.streamAsync}: returns its items as an iterator and never blocks,
     * pulled on the receive path.
     */
    ASYNC,
    /**
     * {@code Dispatcher.Builder.stream}: writes to its sink, which may block, on the handler
     * executor.
     */
    SINK
  }

  private static final long TIMEOUT_SECONDS = 30;

  private final Peer server;
  private final Peer client;
  private final WebSocketServer webSocketServer;

  /**
   * Connects a client to a server whose echo never blocks ({@link Handler#ASYNC}) and whose streams
   * send {@code streamItem}, HELLOs exchanged.
   */
  public OpendeskEcho(Transport transport, Map<String, Object> streamItem) throws Exception {
    this(transport, Handler.ASYNC, streamItem);
  }

  /**
   * Connects a client to a server whose echo is registered as {@code handler} says and whose
   * streams send {@code streamItem}, HELLOs exchanged.
   */
  public OpendeskEcho(Transport transport, Handler handler, Map<String, Object> streamItem)
      throws Exception {
    Connection clientConnection;
    Connection serverConnection;
    if (transport == Transport.LOOPBACK || transport == Transport.LOOPBACK_DIRECT) {
      LoopbackConnection.Pair pair = LoopbackConnection.pair();
      clientConnection = pair.first();
      serverConnection = pair.second();
      webSocketServer = null;
    } else {
      CompletableFuture<WebSocketConnection> accepted = new CompletableFuture<>();
      webSocketServer = WebSocketServer.start("127.0.0.1", 0, accepted::complete);
      URI uri = URI.create("ws://127.0.0.1:" + webSocketServer.port() + webSocketServer.path());
      clientConnection = WebSocketClient.connect(uri).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      serverConnection = accepted.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (transport == Transport.WEBSOCKET_ENCRYPTED) {
        // A reconnect of an already paired client: what every encrypted session but the first does.
        Identity serverIdentity = Identity.generate();
        Identity clientIdentity = Identity.generate();
        TrustedPeers trust = TrustedPeers.inMemory();
        trust.add(clientIdentity.publicKey(), "bench client", "");
        CompletableFuture<Session> serverSession =
            Handshake.defaults().authServer(serverConnection, serverIdentity, trust);
        Session clientSession =
            Handshake.defaults()
                .authClient(clientConnection, clientIdentity, serverIdentity.publicKey())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        clientConnection = clientSession.connection();
        serverConnection = serverSession.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).connection();
      }
    }
    // The documented registration for each kind of handler (README, "A server").
    Dispatcher.Builder builder = Dispatcher.builder();
    if (handler == Handler.ASYNC) {
      builder.unaryAsync("echo", (context, params) -> CompletableFuture.completedFuture(params));
    } else {
      builder.unary("echo", (context, params) -> params);
    }
    Dispatcher dispatcher =
        builder.stream(
                "stream",
                (context, params, sink) -> {
                  long count = ((Number) params.get("count")).longValue();
                  for (long i = 0; i < count; i++) {
                    sink.next(streamItem);
                  }
                })
            .streamAsync(
                "streamAsync",
                (context, params) ->
                    Collections.nCopies(((Number) params.get("count")).intValue(), streamItem)
                        .iterator())
            .build();
    PeerOptions options =
        transport == Transport.LOOPBACK_DIRECT || transport == Transport.WEBSOCKET_DIRECT
            ? PeerOptions.builder().handlerExecutor(Runnable::run).build()
            : PeerOptions.defaults();
    server =
        Peer.builder(serverConnection, Role.SERVER).dispatcher(dispatcher).options(options).build();
    client = Peer.builder(clientConnection, Role.CLIENT).options(options).build();
    CompletableFuture<?> serverHello = server.hello();
    client.hello().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    serverHello.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    server.start();
    client.start();
  }

  /** The client peer, for scenarios that call it their own way (e.g. through a typed proxy). */
  public Peer client() {
    return client;
  }

  /** One unary call, waiting for its result. */
  public Map<String, Object> call(Map<String, Object> params) {
    return client.callBlocking("echo", params);
  }

  /** Starts one unary call. */
  public CompletableFuture<Map<String, Object>> callAsync(Map<String, Object> params) {
    return client.call("echo", params);
  }

  /**
   * Receives one whole stream of {@code count} items from the handler that writes to its sink
   * ({@code Dispatcher.Builder.stream}); returns how many arrived.
   */
  public long stream(long count) {
    return stream(StreamHandler.SINK, count);
  }

  /** Receives one whole stream of {@code count} items from {@code handler}; returns how many. */
  public long stream(StreamHandler handler, long count) {
    long received = 0;
    String method = handler == StreamHandler.ASYNC ? "streamAsync" : "stream";
    try (CallStream<Map<String, Object>> items = client.stream(method, Map.of("count", count))) {
      while (items.hasNext()) {
        items.next();
        received++;
      }
    }
    return received;
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.closeFuture().handle((v, e) -> null).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    server.close();
    if (webSocketServer != null) {
      webSocketServer.close();
      webSocketServer.closeFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
  }
}

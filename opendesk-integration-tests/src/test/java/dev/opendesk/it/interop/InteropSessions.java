package dev.opendesk.it.interop;

import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A started client and server peer over Loopback or WebSocket on 127.0.0.1, serving the methods the
 * interop tests call: {@code count} ({@code {n}} → items {@code {i: 0..n-1}}, lazily, as the
 * connection takes them), {@code fail} (a stream that fails at once) and {@code echo}. Closing it
 * closes both peers and the server.
 */
final class InteropSessions implements AutoCloseable {

  /** Where the two peers talk. */
  enum Transport {
    LOOPBACK,
    WEBSOCKET
  }

  static final long WAIT_SECONDS = 20;

  final Peer client;
  final Peer server;
  private final WebSocketServer webSocketServer;

  private InteropSessions(Peer client, Peer server, WebSocketServer webSocketServer) {
    this.client = client;
    this.server = server;
    this.webSocketServer = webSocketServer;
  }

  static Dispatcher dispatcher() {
    return served().build();
  }

  /** A builder with the methods above, for tests that serve more. */
  static Dispatcher.Builder served() {
    return Dispatcher.builder().unary("echo", (ctx, params) -> params).stream(
        "count",
        (ctx, params, sink) -> {
          long n = (Long) params.get("n");
          for (long i = 0; i < n; i++) {
            sink.next(Map.of("i", i));
          }
        })
        .stream(
            "fail",
            (ctx, params, sink) -> {
              throw new IllegalStateException("failing on purpose");
            });
  }

  static InteropSessions open(Transport transport) throws Exception {
    return open(transport, dispatcher());
  }

  static InteropSessions open(Transport transport, Dispatcher dispatcher) throws Exception {
    Connection clientEnd;
    Connection serverEnd;
    WebSocketServer webSocketServer = null;
    if (transport == Transport.LOOPBACK) {
      LoopbackConnection.Pair pair = LoopbackConnection.pair();
      clientEnd = pair.first();
      serverEnd = pair.second();
    } else {
      CompletableFuture<WebSocketConnection> accepted = new CompletableFuture<>();
      webSocketServer = WebSocketServer.start("127.0.0.1", 0, accepted::complete);
      URI uri = URI.create("ws://127.0.0.1:" + webSocketServer.port() + webSocketServer.path());
      clientEnd = WebSocketClient.connect(uri).get(WAIT_SECONDS, TimeUnit.SECONDS);
      serverEnd = accepted.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
    Peer server = Peer.server(serverEnd, dispatcher);
    Peer client = Peer.client(clientEnd);
    CompletableFuture<Hello> serverHello = server.hello();
    client.hello().get(WAIT_SECONDS, TimeUnit.SECONDS);
    serverHello.get(WAIT_SECONDS, TimeUnit.SECONDS);
    server.start();
    client.start();
    return new InteropSessions(client, server, webSocketServer);
  }

  @Override
  public void close() throws Exception {
    client.close();
    server.close();
    if (webSocketServer != null) {
      webSocketServer.close();
      webSocketServer.closeFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    }
  }
}

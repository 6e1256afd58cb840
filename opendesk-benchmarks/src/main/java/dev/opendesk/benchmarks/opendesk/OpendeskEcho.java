package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Two opendesk peers in their default configuration, connected over a transport: the server
 * serves a unary {@code echo} (returns its params) and a stream {@code stream} (sends {@code
 * count} copies of a fixed item), the client calls them. The opendesk side of every unary and
 * stream scenario.
 *
 * <p>Thread-safe once built; {@link #close()} once.
 */
public final class OpendeskEcho implements AutoCloseable {

  /** The transport between the two peers. */
  public enum Transport {
    /** {@link LoopbackConnection}: in memory, the peer of gRPC in-process and RSocket local. */
    LOOPBACK
  }

  private static final long TIMEOUT_SECONDS = 30;

  private final Peer server;
  private final Peer client;

  /** Connects a client to a server whose streams send {@code streamItem}, HELLOs exchanged. */
  public OpendeskEcho(Transport transport, Map<String, Object> streamItem) throws Exception {
    Connection clientConnection;
    Connection serverConnection;
    if (transport == Transport.LOOPBACK) {
      LoopbackConnection.Pair pair = LoopbackConnection.pair();
      clientConnection = pair.first();
      serverConnection = pair.second();
    } else {
      throw new IllegalArgumentException("unknown transport " + transport);
    }
    Dispatcher dispatcher =
        Dispatcher.builder()
            .unary("echo", (context, params) -> params)
            .stream(
                "stream",
                (context, params, sink) -> {
                  long count = ((Number) params.get("count")).longValue();
                  for (long i = 0; i < count; i++) {
                    sink.next(streamItem);
                  }
                })
            .build();
    server = Peer.builder(serverConnection, Role.SERVER).dispatcher(dispatcher).build();
    client = Peer.builder(clientConnection, Role.CLIENT).build();
    CompletableFuture<?> serverHello = server.hello();
    client.hello().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    serverHello.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    server.start();
    client.start();
  }

  /** One unary call, waiting for its result. */
  public Map<String, Object> call(Map<String, Object> params) {
    return client.callBlocking("echo", params);
  }

  /** Starts one unary call. */
  public CompletableFuture<Map<String, Object>> callAsync(Map<String, Object> params) {
    return client.call("echo", params);
  }

  /** Receives one whole stream of {@code count} items; returns how many arrived. */
  public long stream(long count) {
    long received = 0;
    try (CallStream<Map<String, Object>> items = client.stream("stream", Map.of("count", count))) {
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
  }
}

package dev.opendesk.benchmarks.rsocket;

import dev.opendesk.benchmarks.MsgpackMaps;
import io.rsocket.Closeable;
import io.rsocket.Payload;
import io.rsocket.RSocket;
import io.rsocket.SocketAcceptor;
import io.rsocket.core.RSocketConnector;
import io.rsocket.core.RSocketServer;
import io.rsocket.frame.decoder.PayloadDecoder;
import io.rsocket.transport.local.LocalClientTransport;
import io.rsocket.transport.local.LocalServerTransport;
import io.rsocket.transport.netty.client.TcpClientTransport;
import io.rsocket.transport.netty.client.WebsocketClientTransport;
import io.rsocket.transport.netty.server.CloseableChannel;
import io.rsocket.transport.netty.server.TcpServerTransport;
import io.rsocket.transport.netty.server.WebsocketServerTransport;
import io.rsocket.util.DefaultPayload;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;
import reactor.netty.tcp.TcpClient;
import reactor.netty.tcp.TcpServer;

/**
 * An RSocket-java echo responder and its requester: request-response echoes the request map;
 * request-stream answers {@code {"count": n}} with n copies of a fixed item map. Every payload is
 * msgpack-encoded and decoded with {@link MsgpackMaps} on both sides, the same serialization work
 * as an opendesk call.
 *
 * <p>RSocket runs in its default configuration ({@link PayloadDecoder#DEFAULT}, which copies each
 * frame to the heap, as opendesk's transports hand over {@code byte[]}), over its local transport
 * (peer of Loopback), or via reactor-netty on 127.0.0.1 over TCP or over WebSocket (one RSocket
 * frame per binary WebSocket message: the same framing as opendesk's; both peers of WebSocket).
 *
 * <p>Thread-safe once built; {@link #close()} once.
 */
public final class RSocketEcho implements AutoCloseable {

  /** Where the responder and requester run. */
  public enum Transport {
    /** RSocket's in-JVM local transport. */
    LOCAL,
    /** TCP through reactor-netty on 127.0.0.1. */
    TCP,
    /** WebSocket through reactor-netty on 127.0.0.1, plain ({@code ws://}). */
    WEBSOCKET
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final LoopResources loops;
  private final Closeable server;
  private final RSocket client;

  /** Starts a responder whose streams send {@code streamItem}, and connects a requester to it. */
  public RSocketEcho(Transport transport, Map<String, Object> streamItem) {
    SocketAcceptor acceptor = SocketAcceptor.with(new Responder(streamItem));
    if (transport == Transport.LOCAL) {
      String name = "bench-" + UUID.randomUUID();
      loops = null;
      server =
          RSocketServer.create(acceptor)
              .payloadDecoder(PayloadDecoder.DEFAULT)
              .bind(LocalServerTransport.create(name))
              .block(TIMEOUT);
      client =
          RSocketConnector.create()
              .payloadDecoder(PayloadDecoder.DEFAULT)
              .connect(LocalClientTransport.create(name))
              .block(TIMEOUT);
    } else {
      loops = LoopResources.create("bench-rsocket");
      CloseableChannel channel =
          RSocketServer.create(acceptor)
              .payloadDecoder(PayloadDecoder.DEFAULT)
              .bind(
                  transport == Transport.TCP
                      ? TcpServerTransport.create(
                          TcpServer.create().host("127.0.0.1").port(0).runOn(loops))
                      : WebsocketServerTransport.create(
                          HttpServer.create().host("127.0.0.1").port(0).runOn(loops)))
              .block(TIMEOUT);
      server = channel;
      int port = channel.address().getPort();
      client =
          RSocketConnector.create()
              .payloadDecoder(PayloadDecoder.DEFAULT)
              .connect(
                  transport == Transport.TCP
                      ? TcpClientTransport.create(
                          TcpClient.create().host("127.0.0.1").port(port).runOn(loops))
                      : WebsocketClientTransport.create(
                          HttpClient.create().host("127.0.0.1").port(port).runOn(loops), "/"))
              .block(TIMEOUT);
    }
  }

  /** One request-response, waiting for the decoded reply. */
  public Map<String, Object> call(Map<String, Object> request) {
    return callAsync(request).block(TIMEOUT);
  }

  /** One request-response; the mono emits the decoded reply. */
  public Mono<Map<String, Object>> callAsync(Map<String, Object> request) {
    return client
        .requestResponse(DefaultPayload.create(MsgpackMaps.encode(request)))
        .map(RSocketEcho::decode);
  }

  /** One request-stream of {@code count} items, each decoded; returns how many arrived. */
  public long stream(long count) {
    Long received =
        client
            .requestStream(DefaultPayload.create(MsgpackMaps.encode(Map.of("count", count))))
            .map(RSocketEcho::decode)
            .count()
            .block(TIMEOUT);
    return received == null ? 0 : received;
  }

  @Override
  public void close() {
    client.dispose();
    client.onClose().block(TIMEOUT);
    server.dispose();
    server.onClose().block(TIMEOUT);
    if (loops != null) {
      // The default quiet period (2 s) would only slow every trial's teardown down.
      loops.disposeLater(Duration.ZERO, TIMEOUT).block(TIMEOUT);
    }
  }

  static Map<String, Object> decode(Payload payload) {
    try {
      ByteBuffer data = payload.getData();
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      return MsgpackMaps.decode(bytes);
    } finally {
      payload.release();
    }
  }

  /** The responder: decode, echo or stream, encode. */
  private static final class Responder implements RSocket {
    private final Map<String, Object> streamItem;

    Responder(Map<String, Object> streamItem) {
      this.streamItem = streamItem;
    }

    @Override
    public Mono<Payload> requestResponse(Payload payload) {
      Map<String, Object> request = decode(payload);
      return Mono.just(DefaultPayload.create(MsgpackMaps.encode(request)));
    }

    @Override
    public Flux<Payload> requestStream(Payload payload) {
      long count = (Long) decode(payload).get("count");
      return Flux.range(0, (int) count)
          .map(i -> DefaultPayload.create(MsgpackMaps.encode(streamItem)));
    }
  }
}

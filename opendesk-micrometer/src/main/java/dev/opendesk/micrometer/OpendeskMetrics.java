package dev.opendesk.micrometer;

import dev.opendesk.ClientTransport;
import dev.opendesk.HandshakeEvent;
import dev.opendesk.ServerListener;
import dev.opendesk.ServerTransport;
import dev.opendesk.peer.CallInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Records an opendesk server's or client's activity in a Micrometer {@link MeterRegistry}. Each
 * method returns the hook to install on {@link dev.opendesk.OpendeskServer.Builder} or {@link
 * dev.opendesk.OpendeskClient.Builder}:
 *
 * <pre>{@code
 * OpendeskMetrics metrics = OpendeskMetrics.of(registry);
 * OpendeskServer server = OpendeskServer.builder()
 *     .dispatcher(dispatcher)
 *     .interceptor(metrics.calls())
 *     .listener(metrics.serverListener())
 *     .transport(metrics.serverTransport(ServerTransport.webSocket("127.0.0.1", 8423, WebSocketOptions.defaults())))
 *     .build().start();
 * OpendeskClient client = OpendeskClient.builder()
 *     .interceptor(metrics.calls())
 *     .onHandshake(metrics.clientHandshakes())
 *     .transport(metrics.clientTransport(uri -> WebSocketClient.connect(uri)))
 *     .build();
 * }</pre>
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>tags</th></tr>
 *   <tr><td>{@value CallMetrics#CALLS}</td><td>timer: count and latency of finished calls</td>
 *       <td>{@code direction} (inbound, outbound), {@code method}, {@code kind} (unary, stream),
 *       {@code outcome} ({@code ok}, an error code, {@code connection_closed})</td></tr>
 *   <tr><td>{@value CallMetrics#ACTIVE_CALLS}</td><td>gauge: calls in flight</td>
 *       <td>{@code direction}, {@code method}</td></tr>
 *   <tr><td>{@value ByteCounters#SENT}, {@value ByteCounters#RECEIVED}</td>
 *       <td>counters, bytes of whole transport messages (after encryption)</td>
 *       <td>{@code side} (server, client)</td></tr>
 *   <tr><td>{@value HandshakeMetrics#HANDSHAKES}</td><td>timer: count and duration of handshakes</td>
 *       <td>{@code side}, {@code result} ({@code authenticated}, {@code paired}, or why it failed)
 *       </td></tr>
 *   <tr><td>{@value ServerSessionMetrics#ACTIVE_SESSIONS}</td><td>gauge: open sessions</td>
 *       <td>{@code side} (server)</td></tr>
 *   <tr><td>{@value ServerSessionMetrics#OPENED}, {@value ServerSessionMetrics#CLOSED}</td>
 *       <td>counters</td><td>{@code side} (server)</td></tr>
 * </table>
 *
 * <p>No tag takes a value the remote peer chooses: inbound methods are the dispatcher's own (an
 * unknown method never reaches an interceptor), and an outbound call's error code that {@link
 * dev.opendesk.protocol.ErrorCode} does not know is recorded as {@code other}. Common tags belong
 * in the registry ({@code registry.config().commonTags(...)}).
 *
 * <p>Meters are registered when their hook is first asked for (a client's registry shows no session
 * meters). Thread-safe; one instance may serve any number of servers and clients, whose meters then
 * add up.
 */
public final class OpendeskMetrics {

  private final MeterRegistry registry;
  private final CallMetrics calls;
  private final HandshakeMetrics handshakes;
  private ServerSessionMetrics sessions; // guarded by this; registered on first use

  private OpendeskMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.calls = new CallMetrics(registry);
    this.handshakes = new HandshakeMetrics(registry);
  }

  /** Metrics recorded in {@code registry}. */
  public static OpendeskMetrics of(MeterRegistry registry) {
    return new OpendeskMetrics(Objects.requireNonNull(registry, "registry"));
  }

  /**
   * The interceptor that times calls and counts them in flight, for {@code
   * OpendeskServer.Builder.interceptor} (inbound calls) and {@code
   * OpendeskClient.Builder.interceptor} (outbound calls).
   */
  public CallInterceptor calls() {
    return calls;
  }

  /**
   * The listener that counts a server's sessions and times its handshakes, for {@code
   * OpendeskServer.Builder.listener}.
   */
  public synchronized ServerListener serverListener() {
    if (sessions == null) {
      sessions = new ServerSessionMetrics(registry, handshakes.server());
    }
    return sessions;
  }

  /** Times a client's handshakes, for {@code OpendeskClient.Builder.onHandshake}. */
  public Consumer<HandshakeEvent> clientHandshakes() {
    return handshakes.client();
  }

  /** {@code transport}, with the bytes of every connection it accepts counted. */
  public ServerTransport serverTransport(ServerTransport transport) {
    Objects.requireNonNull(transport, "transport");
    ByteCounters bytes = new ByteCounters(registry, "server");
    return acceptor ->
        transport.listen(
            (connection, remoteAddress) ->
                acceptor.accept(bytes.counting(connection), remoteAddress));
  }

  /** {@code transport}, with the bytes of every connection it opens counted. */
  public ClientTransport clientTransport(ClientTransport transport) {
    Objects.requireNonNull(transport, "transport");
    ByteCounters bytes = new ByteCounters(registry, "client");
    return uri -> transport.connect(uri).thenApply(bytes::counting);
  }
}

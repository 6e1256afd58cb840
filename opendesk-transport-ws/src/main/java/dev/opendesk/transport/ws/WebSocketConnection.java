package dev.opendesk.transport.ws;

import dev.opendesk.protocol.Connection;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * One WebSocket connection, client or server side, as a {@link Connection} of binary messages.
 *
 * <p>Behaves as the {@link Connection} contract says, with these transport specifics:
 *
 * <ul>
 *   <li>{@link #send} completes at once while at most 1 MiB of sends is queued for the event loop,
 *       otherwise when the event loop hands the message to Netty, which it does only while the
 *       socket is writable: a sender that outruns the socket (or a receiver that does not read)
 *       waits. Messages sent in a burst go out in one flush; those taken before {@link #close()}
 *       are written before the close frame.
 *   <li>The socket is read only as far as {@link #receive()} demand plus a small buffer (32
 *       messages or 1 MiB), so a slow reader slows the sender down through TCP.
 *   <li>A text message, a message over {@link WebSocketOptions#maxMessageSize()} or a protocol
 *       error closes the connection (status 1003, 1009, 1002) and receive then fails with a {@link
 *       dev.opendesk.protocol.ConnectionClosedException} saying why; {@link #closeFuture()}
 *       completes exceptionally, as it does when the peer vanishes (TCP reset, missed keepalive) or
 *       closes with a status other than 1000/1001.
 *   <li>{@link #close()} sends close status 1000 ({@link #close(int, String)} the given one) and
 *       waits up to {@link WebSocketOptions#closeTimeout()} for the peer's close before dropping
 *       the TCP connection.
 * </ul>
 *
 * <p>Thread-safe. Futures complete on the connection's event loop (or the caller's thread when
 * already complete): callbacks must not block.
 */
public final class WebSocketConnection implements Connection {

  private final MessageBridge bridge;
  private final InetSocketAddress remoteAddress;
  private final boolean secure;

  WebSocketConnection(MessageBridge bridge, InetSocketAddress remoteAddress, boolean secure) {
    this.bridge = bridge;
    this.remoteAddress = remoteAddress;
    this.secure = secure;
  }

  @Override
  public CompletableFuture<Void> send(byte[] message) {
    return bridge.send(message);
  }

  @Override
  public CompletableFuture<byte[]> receive() {
    return bridge.receive();
  }

  /** Hands the next message straight to {@code receiver}: no future while it waits. */
  @Override
  public void receive(BiConsumer<? super byte[], ? super Throwable> receiver) {
    bridge.receive(Objects.requireNonNull(receiver, "receiver"));
  }

  @Override
  public void close() {
    bridge.close();
  }

  /**
   * Sends close status {@code status} with {@code reason}, then closes as {@link #close()} does.
   *
   * @throws IllegalArgumentException if {@code status} is not one an endpoint may send
   */
  @Override
  public void close(int status, String reason) {
    bridge.close(new WebSocketCloseStatus(status, reason == null ? "" : reason));
  }

  /** Closes with status 1001 (going away), as a server shutting down does. */
  void closeGoingAway() {
    bridge.close(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE);
  }

  @Override
  public CompletableFuture<Void> closeFuture() {
    return bridge.closeFuture();
  }

  @Override
  public boolean isOpen() {
    return bridge.isOpen();
  }

  /** The peer's socket address (IP and port) as seen by this side. */
  public InetSocketAddress remoteAddress() {
    return remoteAddress;
  }

  /** The peer's IP address as a literal (no DNS lookup), e.g. for recording {@code last_host}. */
  public String remoteHost() {
    return remoteAddress.getAddress() != null
        ? remoteAddress.getAddress().getHostAddress()
        : remoteAddress.getHostString();
  }

  /** The peer's TCP port, e.g. for recording {@code last_port}. */
  public int remotePort() {
    return remoteAddress.getPort();
  }

  /** Whether the connection runs over TLS ({@code wss}). */
  public boolean isSecure() {
    return secure;
  }

  @Override
  public String toString() {
    return "WebSocketConnection["
        + (secure ? "wss " : "ws ")
        + remoteHost()
        + ":"
        + remotePort()
        + (isOpen() ? ", open" : ", closed")
        + "]";
  }
}

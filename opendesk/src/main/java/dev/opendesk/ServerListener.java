package dev.opendesk;

/**
 * Observes an {@link OpendeskServer}: sessions opening and closing, and every handshake's result
 * (for an application's UI, audit logs, or metrics; calls are observed with a {@link
 * dev.opendesk.peer.CallInterceptor}).
 *
 * <p>Implementations must be thread-safe and return quickly: they run on the server's threads.
 * Whatever they throw is logged and ignored.
 */
public interface ServerListener {

  /** A session is ready: authenticated (or paired and trusted), HELLOs exchanged, started. */
  default void sessionOpened(SessionInfo session) {}

  /**
   * A session has closed.
   *
   * @param reason why, in words for a log (e.g. {@code "evicted: server shutting down"}, {@code
   *     "connection closed"})
   */
  default void sessionClosed(SessionInfo session, String reason) {}

  /** A handshake ended, successfully or not. */
  default void handshakeFinished(HandshakeEvent event) {}
}

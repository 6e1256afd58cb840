package dev.opendesk;

/** Where a {@link ClientSession} is in its life. */
public enum ConnectionState {
  /** Opening its first connection. */
  CONNECTING,
  /** Connected, authenticated and started: calls go out at once. */
  READY,
  /** The connection was lost; a new one is being opened (with backoff). */
  RECONNECTING,
  /**
   * Done for good: closed by the application, evicted by the server, refused by authentication, or
   * given up reconnecting ({@link ClientSession#closeReason()} says which). Final.
   */
  CLOSED
}

package dev.opendesk.auth;

import dev.opendesk.protocol.ConnectionClosedException;

/**
 * An inbound message of an {@link EncryptedConnection} did not open under the session key and the
 * expected counter: it was tampered with, truncated, lost, reordered or replayed (PROTOCOL.md §7).
 * There is no recovery short of a new handshake, so the connection has been closed; this is what
 * the pending or next {@code receive()} and the {@code closeFuture()} fail with.
 *
 * <p>Immutable and thread-safe.
 */
public final class IntegrityException extends ConnectionClosedException {

  private static final long serialVersionUID = 1L;

  private final long counter;

  /**
   * @param counter the receive counter the message was expected to carry
   * @param message what went wrong
   */
  public IntegrityException(long counter, String message) {
    super(message);
    this.counter = counter;
  }

  /** The receive counter (an unsigned 64-bit value) of the message that failed to open. */
  public long counter() {
    return counter;
  }
}

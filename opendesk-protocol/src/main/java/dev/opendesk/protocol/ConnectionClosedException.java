package dev.opendesk.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The connection is closed or was lost: what a pending or later {@link Connection#receive()}, a
 * {@link Connection#send} and every call in flight on it fail with. Carries the cause when the
 * close was due to an error.
 */
public class ConnectionClosedException extends OpendeskException {

  /** A close with a reason and no underlying error. */
  public ConnectionClosedException(String message) {
    super(message);
  }

  /** A close caused by {@code cause}. */
  public ConnectionClosedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}

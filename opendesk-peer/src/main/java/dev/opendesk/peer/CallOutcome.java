package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.ErrorInfo;
import java.time.Duration;
import java.util.Objects;

/**
 * How a call ended, as a {@link CallInterceptor} sees it.
 *
 * @param code {@value #OK} for success, the wire error code otherwise (e.g. {@code
 *     permission_denied}, {@code cancelled}, or a code this library does not know), or {@value
 *     #CONNECTION_CLOSED} when the connection was lost before the answer
 * @param message the error's message, or {@code ""} on success
 * @param duration from just before {@link CallInterceptor#before} to the end of the call
 *     <p>Immutable and thread-safe.
 */
public record CallOutcome(String code, String message, Duration duration) {

  /** The code of a successful call. */
  public static final String OK = "ok";

  /** The code of a call whose connection was lost before it was answered. */
  public static final String CONNECTION_CLOSED = "connection_closed";

  /** Checks the fields. */
  public CallOutcome {
    Objects.requireNonNull(code, "code");
    message = message == null ? "" : message;
    Objects.requireNonNull(duration, "duration");
  }

  /** Whether the call succeeded. */
  public boolean ok() {
    return OK.equals(code);
  }

  /** A success that took {@code duration}. */
  public static CallOutcome success(Duration duration) {
    return new CallOutcome(OK, "", duration);
  }

  /**
   * The outcome of a call that failed with {@code failure}: a remote or mapped error keeps its
   * code, a lost connection is {@value #CONNECTION_CLOSED}, anything else maps as {@link
   * Dispatcher} describes.
   */
  public static CallOutcome failure(Throwable failure, Duration duration) {
    Throwable cause = ErrorMapping.unwrap(failure);
    if (cause instanceof ConnectionClosedException) {
      return new CallOutcome(CONNECTION_CLOSED, cause.getMessage(), duration);
    }
    ErrorInfo error = ErrorMapping.toErrorInfo(cause);
    return new CallOutcome(error.code(), error.message(), duration);
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.util.Map;

/**
 * The call timed out (wire code {@code timeout}): its {@link CallOptions#timeout() deadline} passed
 * (CANCEL is then sent), or the callee answered with {@code timeout}.
 *
 * <p>Immutable, thread-safe.
 */
public class CallTimeoutException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  /** An error with this code and a message. */
  public CallTimeoutException(String message) {
    this(message, Map.of());
  }

  /** An error with this code, a message and structured details. */
  public CallTimeoutException(String message, Map<String, Object> details) {
    super(ErrorInfo.of(ErrorCode.TIMEOUT, message, details));
  }

  /**
   * The exception for a wire error with this code.
   *
   * @throws IllegalArgumentException if {@code error}'s code is not {@code timeout}
   */
  public CallTimeoutException(ErrorInfo error) {
    super(requireCode(error, ErrorCode.TIMEOUT));
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.util.Map;

/**
 * The call was cancelled (wire code {@code cancelled}): the callee answered with {@code cancelled},
 * or a blocking wait on the call was interrupted. Handlers see it from {@link StreamSink#next} once
 * their call is cancelled.
 *
 * <p>Immutable, thread-safe.
 */
public class CallCancelledException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  /** An error with this code and a message. */
  public CallCancelledException(String message) {
    this(message, Map.of());
  }

  /** An error with this code, a message and structured details. */
  public CallCancelledException(String message, Map<String, Object> details) {
    super(ErrorInfo.of(ErrorCode.CANCELLED, message, details));
  }

  /**
   * The exception for a wire error with this code.
   *
   * @throws IllegalArgumentException if {@code error}'s code is not {@code cancelled}
   */
  public CallCancelledException(ErrorInfo error) {
    super(requireCode(error, ErrorCode.CANCELLED));
  }
}

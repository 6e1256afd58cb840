package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.util.Map;

/**
 * A policy rejected the call (wire code {@code permission_denied}); also what a handler's {@link
 * SecurityException} is answered with.
 *
 * <p>Immutable, thread-safe.
 */
public class PermissionDeniedException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  /** An error with this code and a message. */
  public PermissionDeniedException(String message) {
    this(message, Map.of());
  }

  /** An error with this code, a message and structured details. */
  public PermissionDeniedException(String message, Map<String, Object> details) {
    super(ErrorInfo.of(ErrorCode.PERMISSION_DENIED, message, details));
  }

  /**
   * The exception for a wire error with this code.
   *
   * @throws IllegalArgumentException if {@code error}'s code is not {@code permission_denied}
   */
  public PermissionDeniedException(ErrorInfo error) {
    super(requireCode(error, ErrorCode.PERMISSION_DENIED));
  }
}

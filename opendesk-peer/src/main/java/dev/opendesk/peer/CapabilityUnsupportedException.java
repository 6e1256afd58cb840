package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import java.util.Map;

/**
 * The method is not supported by the remote peer (wire code {@code capability_unsupported}): it is
 * unknown to the callee, or the remote HELLO's capability manifest does not list it (then the call
 * fails locally without sending anything).
 *
 * <p>Immutable, thread-safe.
 */
public class CapabilityUnsupportedException extends ProtocolException {

  private static final long serialVersionUID = 1L;

  /** An error with this code and a message. */
  public CapabilityUnsupportedException(String message) {
    this(message, Map.of());
  }

  /** An error with this code, a message and structured details. */
  public CapabilityUnsupportedException(String message, Map<String, Object> details) {
    super(ErrorInfo.of(ErrorCode.CAPABILITY_UNSUPPORTED, message, details));
  }

  /**
   * The exception for a wire error with this code.
   *
   * @throws IllegalArgumentException if {@code error}'s code is not {@code capability_unsupported}
   */
  public CapabilityUnsupportedException(ErrorInfo error) {
    super(requireCode(error, ErrorCode.CAPABILITY_UNSUPPORTED));
  }
}

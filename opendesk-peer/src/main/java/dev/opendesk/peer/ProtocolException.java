package dev.opendesk.peer;

import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.OpendeskException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An error carried on the wire as {@link ErrorInfo} {@code {code, message, details}}: what a failed
 * call completes with, and what a handler throws to answer a call with a specific code.
 *
 * <p>Codes with a dedicated subclass ({@link PermissionDeniedException}, {@link
 * CapabilityUnsupportedException}, {@link CallCancelledException}, {@link CallTimeoutException})
 * surface as that subclass; every other code, including codes this library does not know, as a
 * plain {@code ProtocolException} with the code unchanged.
 *
 * <pre>{@code
 * Dispatcher.builder().unary("open", (ctx, params) -> {
 *   throw new ProtocolException("not_found", "no such window", Map.of("window", 7L));
 * });
 * }</pre>
 *
 * <p>Immutable, thread-safe.
 */
public class ProtocolException extends OpendeskException {

  private static final long serialVersionUID = 1L;

  private final transient ErrorInfo error;

  /**
   * An error with any code.
   *
   * @param code the wire code, e.g. {@code "not_found"}
   * @param message human-readable text
   * @param details structured details in the value model of {@link dev.opendesk.protocol.Values},
   *     or {@code null}
   */
  public ProtocolException(String code, String message, @Nullable Map<String, Object> details) {
    this(new ErrorInfo(Objects.requireNonNull(code, "code"), message, details));
  }

  /** An error with a known code and no details. */
  public ProtocolException(ErrorCode code, String message) {
    this(ErrorInfo.of(Objects.requireNonNull(code, "code"), message));
  }

  /** The exception for a wire error; see {@link #from(ErrorInfo)} to get the matching subclass. */
  public ProtocolException(ErrorInfo error) {
    super(describe(Objects.requireNonNull(error, "error")));
    this.error = error;
  }

  /**
   * The exception that matches {@code error}'s code: a subclass for the codes that have one, a
   * plain {@code ProtocolException} otherwise.
   */
  public static ProtocolException from(ErrorInfo error) {
    Objects.requireNonNull(error, "error");
    Optional<ErrorCode> code = error.errorCode();
    if (code.isEmpty()) {
      return new ProtocolException(error);
    }
    switch (code.get()) {
      case PERMISSION_DENIED:
        return new PermissionDeniedException(error);
      case CAPABILITY_UNSUPPORTED:
        return new CapabilityUnsupportedException(error);
      case CANCELLED:
        return new CallCancelledException(error);
      case TIMEOUT:
        return new CallTimeoutException(error);
      default:
        return new ProtocolException(error);
    }
  }

  static ErrorInfo requireCode(ErrorInfo error, ErrorCode expected) {
    Objects.requireNonNull(error, "error");
    if (!expected.wire().equals(error.code())) {
      throw new IllegalArgumentException(
          "error code must be " + expected.wire() + ": " + error.code());
    }
    return error;
  }

  private static String describe(ErrorInfo error) {
    return error.message().isEmpty() ? error.code() : error.code() + ": " + error.message();
  }

  /** The wire error. */
  public ErrorInfo errorInfo() {
    return error;
  }

  /** The wire code, e.g. {@code "not_found"}; unknown codes are kept unchanged. */
  public String code() {
    return error.code();
  }

  /** The known code, or empty for a code this library does not know. */
  public Optional<ErrorCode> errorCode() {
    return error.errorCode();
  }

  /** The message as sent on the wire (without the code prefix of {@link #getMessage()}). */
  public String errorMessage() {
    return error.message();
  }

  /** The structured details, {@code {}} when there are none. */
  public Map<String, Object> details() {
    return error.details();
  }
}

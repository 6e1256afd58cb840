package dev.opendesk.protocol;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The error carried by a RES or a rejecting HELLO: {@code {code, message, details}}.
 *
 * @param code the wire code, kept as a string so unknown codes survive (see {@link ErrorCode})
 * @param message human-readable text, {@code ""} by default
 * @param details structured details in the value model of this package, {@code {}} by default
 */
public record ErrorInfo(String code, String message, Map<String, Object> details) {

  /** Validates and normalises: {@code null} message and details take their defaults. */
  public ErrorInfo {
    Objects.requireNonNull(code, "code");
    message = message == null ? "" : message;
    details = Values.readOnly(details);
  }

  /** An error with a known code, a message and no details. */
  public static ErrorInfo of(ErrorCode code, String message) {
    return new ErrorInfo(code.wire(), message, Map.of());
  }

  /** An error with a known code, a message and details. */
  public static ErrorInfo of(ErrorCode code, String message, Map<String, Object> details) {
    return new ErrorInfo(code.wire(), message, details);
  }

  /** The known code, or empty when the code is one this library does not know. */
  public Optional<ErrorCode> errorCode() {
    return ErrorCode.fromWire(code);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ErrorInfo other
        && code.equals(other.code)
        && message.equals(other.message)
        && Values.deepEquals(details, other.details);
  }

  @Override
  public int hashCode() {
    return Objects.hash(code, message, Values.deepHashCode(details));
  }

  @Override
  public String toString() {
    return "ErrorInfo[code="
        + code
        + ", message="
        + message
        + ", details="
        + Values.toString(details)
        + "]";
  }
}

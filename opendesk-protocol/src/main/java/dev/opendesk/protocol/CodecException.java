package dev.opendesk.protocol;

/**
 * A message that is not a valid opendesk frame or handshake map: a protocol violation (error code
 * {@code protocol}). The connection it came on should be closed.
 */
public class CodecException extends RuntimeException {

  private final String field;

  /** A violation not tied to one field (not a map, truncated input, …). */
  public CodecException(String message) {
    this(null, message, null);
  }

  /**
   * A violation, optionally tied to a field.
   *
   * @param field the offending field as {@code type.name} (e.g. {@code req.id}), or {@code null}
   * @param message what is wrong
   * @param cause the underlying decoder failure, or {@code null}
   */
  public CodecException(String field, String message, Throwable cause) {
    super(field == null ? message : field + ": " + message, cause);
    this.field = field;
  }

  /**
   * The offending field (e.g. {@code req.id}), or {@code null} when the violation is not about one
   * field.
   */
  public String field() {
    return field;
  }

  /** The wire error this violation is reported as. */
  public ErrorInfo toErrorInfo() {
    return ErrorInfo.of(ErrorCode.PROTOCOL, getMessage());
  }
}

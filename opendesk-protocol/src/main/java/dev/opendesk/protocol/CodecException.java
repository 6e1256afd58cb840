package dev.opendesk.protocol;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A message that is not a valid opendesk frame or handshake map: a protocol violation (error code
 * {@code protocol}). The connection it came on should be closed.
 */
public class CodecException extends OpendeskException {

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
  public CodecException(@Nullable String field, String message, @Nullable Throwable cause) {
    super(field == null ? message : field + ": " + message, cause);
    this.field = field;
  }

  /** The offending field (e.g. {@code req.id}); empty when the violation is not about one field. */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /** The wire error this violation is reported as. */
  public ErrorInfo toErrorInfo() {
    return ErrorInfo.of(ErrorCode.PROTOCOL, getMessage());
  }
}

package dev.opendesk.protocol;

import java.util.Optional;

/**
 * The error codes of PROTOCOL.md §4, with their stable wire strings.
 *
 * <p>{@link ErrorInfo#code()} stays a {@code String} so that codes this library does not know
 * survive unchanged; {@link #fromWire(String)} maps the known ones.
 */
public enum ErrorCode {
  /** The method is not supported by this peer (also: a method the callee does not know). */
  CAPABILITY_UNSUPPORTED("capability_unsupported"),
  /** A policy rejected the call. */
  PERMISSION_DENIED("permission_denied"),
  /** Malformed or out-of-range parameter. */
  INVALID_ARGUMENT("invalid_argument"),
  /** The target resource does not exist. */
  NOT_FOUND("not_found"),
  /** The operation timed out. */
  TIMEOUT("timeout"),
  /** The call was cancelled (either side). */
  CANCELLED("cancelled"),
  /** Unclassified failure of the handler. */
  INTERNAL("internal"),
  /** Wire-level violation. */
  PROTOCOL("protocol"),
  /** The server already has an active controller (HELLO rejection). */
  BUSY("busy");

  private final String wire;

  ErrorCode(String wire) {
    this.wire = wire;
  }

  /** The string carried on the wire, e.g. {@code "not_found"}. */
  public String wire() {
    return wire;
  }

  /** The code whose wire string is {@code wire}, or empty for a code this library does not know. */
  public static Optional<ErrorCode> fromWire(String wire) {
    for (ErrorCode code : values()) {
      if (code.wire.equals(wire)) {
        return Optional.of(code);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wire;
  }
}

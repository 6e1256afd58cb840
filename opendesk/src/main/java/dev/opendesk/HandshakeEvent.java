package dev.opendesk;

import java.time.Duration;
import java.util.Objects;

/**
 * How one handshake on an {@link OpendeskServer} or {@link OpendeskClient} ended, for logs and
 * metrics (e.g. a counter by {@link #result()}).
 *
 * @param result {@value #AUTHENTICATED}, {@value #PAIRED}, or why it failed: an {@link
 *     dev.opendesk.auth.AuthFailureException.Reason} wire string ({@code wrong_code}, {@code
 *     untrusted_peer}, {@code unexpected_peer}, {@code protocol}, {@code timeout}, {@code
 *     unsupported}) or {@value #ERROR} for anything else (e.g. an unreadable trust store)
 * @param fingerprint the peer's fingerprint when the handshake got as far as learning it, else
 *     {@code ""}
 * @param remoteAddress where the other side is
 * @param duration from the connection's arrival (or the client's connect) to the result
 * @param detail what went wrong, in words for a log ({@code ""} on success); never key material
 *     <p>Immutable and thread-safe.
 */
public record HandshakeEvent(
    String result, String fingerprint, String remoteAddress, Duration duration, String detail) {

  /** The result of a successful authentication. */
  public static final String AUTHENTICATED = "authenticated";

  /** The result of a successful pairing. */
  public static final String PAIRED = "paired";

  /** The result of a failure that is not an {@code AuthFailureException}. */
  public static final String ERROR = "error";

  /** Checks the fields. */
  public HandshakeEvent {
    Objects.requireNonNull(result, "result");
    fingerprint = fingerprint == null ? "" : fingerprint;
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(duration, "duration");
    detail = detail == null ? "" : detail;
  }

  /** Whether the handshake succeeded. */
  public boolean succeeded() {
    return AUTHENTICATED.equals(result) || PAIRED.equals(result);
  }
}

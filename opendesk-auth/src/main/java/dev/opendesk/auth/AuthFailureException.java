package dev.opendesk.auth;

import dev.opendesk.protocol.OpendeskException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A handshake failed. {@link #reason()} says why, as one of the stable wire reasons of PROTOCOL.md
 * §6 (plus {@code timeout}). The connection the handshake ran on has been closed.
 *
 * <p>Immutable and thread-safe.
 */
public final class AuthFailureException extends OpendeskException {

  private static final long serialVersionUID = 1L;

  /** Why a handshake failed. */
  public enum Reason {
    /** The pairing code did not match on the two sides. */
    WRONG_CODE("wrong_code"),
    /**
     * The server does not trust the client's static key (or, on the server, a local {@link
     * PairingApprover} refused a newly paired peer).
     */
    UNTRUSTED_PEER("untrusted_peer"),
    /** The server does not hold the static key the client expected. */
    UNEXPECTED_PEER("unexpected_peer"),
    /** A handshake message was malformed or out of place, or the peer closed mid-handshake. */
    PROTOCOL("protocol"),
    /** A handshake step did not arrive within the step timeout. */
    TIMEOUT("timeout"),
    /**
     * The peer asked for a pairing flavour this side does not offer for the armed code (pairing
     * flavour negotiation, see PAIRING-V2.md).
     */
    UNSUPPORTED("unsupported");

    private final String wire;

    Reason(String wire) {
      this.wire = wire;
    }

    /** The stable string form, e.g. {@code wrong_code}. */
    public String wire() {
      return wire;
    }

    @Override
    public String toString() {
      return wire;
    }
  }

  private final Reason reason;

  /**
   * A failure for {@code reason}.
   *
   * @param reason why the handshake failed
   * @param message a human-readable explanation (never key material)
   */
  public AuthFailureException(Reason reason, String message) {
    this(reason, message, null);
  }

  /**
   * A failure for {@code reason} caused by {@code cause}.
   *
   * @param reason why the handshake failed
   * @param message a human-readable explanation (never key material)
   * @param cause the underlying error, or {@code null}
   */
  public AuthFailureException(Reason reason, String message, @Nullable Throwable cause) {
    super(Objects.requireNonNull(reason, "reason").wire() + ": " + message, cause);
    this.reason = reason;
  }

  /** Why the handshake failed. */
  public Reason reason() {
    return reason;
  }
}

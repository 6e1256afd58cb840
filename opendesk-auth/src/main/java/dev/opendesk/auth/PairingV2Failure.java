package dev.opendesk.auth;

/**
 * A pairing v2 step failed for one of the reasons of PAIRING-V2.md ("Failures").
 *
 * <p>The {@link #reason()} is one of {@link #PROTOCOL}, {@link #UNSUPPORTED} or {@link
 * #WRONG_CODE}; the handshake maps it to the public authentication failure and closes the link
 * (1008) without sending an error message. The message names the offending field or check and never
 * contains key material, codes or other secrets.
 *
 * <p>Unchecked so that the handshake's asynchronous stages can throw it directly; the handshake
 * must translate it at its boundary. Immutable, thread-safe.
 */
final class PairingV2Failure extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A malformed, mistyped, wrongly sized or cryptographically invalid message or value. */
  static final String PROTOCOL = "protocol";

  /** The peer speaks another pairing flavour or suite. */
  static final String UNSUPPORTED = "unsupported";

  /** A SPAKE2 key confirmation MAC did not verify: the two sides hold different codes. */
  static final String WRONG_CODE = "wrong_code";

  private final String reason;
  private final String detail;

  private PairingV2Failure(String reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
    this.detail = message;
  }

  /** A {@link #PROTOCOL} failure. */
  static PairingV2Failure protocol(String message) {
    return new PairingV2Failure(PROTOCOL, message);
  }

  /** An {@link #UNSUPPORTED} failure. */
  static PairingV2Failure unsupported(String message) {
    return new PairingV2Failure(UNSUPPORTED, message);
  }

  /** A {@link #WRONG_CODE} failure. */
  static PairingV2Failure wrongCode(String message) {
    return new PairingV2Failure(WRONG_CODE, message);
  }

  /** The local failure reason: {@code protocol}, {@code unsupported} or {@code wrong_code}. */
  String reason() {
    return reason;
  }

  /**
   * The public failure with the same reason and explanation, as the handshake surfaces it; this
   * failure is its cause.
   */
  AuthFailureException toAuthFailure() {
    AuthFailureException.Reason mapped;
    switch (reason) {
      case WRONG_CODE:
        mapped = AuthFailureException.Reason.WRONG_CODE;
        break;
      case UNSUPPORTED:
        mapped = AuthFailureException.Reason.UNSUPPORTED;
        break;
      default:
        mapped = AuthFailureException.Reason.PROTOCOL;
        break;
    }
    return new AuthFailureException(mapped, detail, this);
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.ConnectionClosedException;
import java.util.Objects;

/**
 * The remote peer evicted this session (a {@code session.evicted} PUSH, typically because another
 * controller took over): every call or stream started afterwards fails with this exception. It is a
 * {@link ConnectionClosedException} because the session is over even if the transport is still
 * open.
 *
 * <p>Immutable, thread-safe.
 */
public class SessionEvictedException extends ConnectionClosedException {

  private static final long serialVersionUID = 1L;

  private final String reason;

  /** An eviction with the reason the remote gave ({@code ""} when it gave none). */
  public SessionEvictedException(String reason) {
    super(
        "session evicted by the remote peer"
            + (reason == null || reason.isEmpty() ? "" : ": " + reason));
    this.reason = Objects.requireNonNullElse(reason, "");
  }

  /** The reason from the {@code session.evicted} payload, {@code ""} when there was none. */
  public String reason() {
    return reason;
  }
}

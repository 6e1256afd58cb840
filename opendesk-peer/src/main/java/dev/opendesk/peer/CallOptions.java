package dev.opendesk.peer;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Per-call options.
 *
 * <pre>{@code
 * peer.call("screenshot", Map.of(), CallOptions.timeout(Duration.ofSeconds(5)));
 * }</pre>
 *
 * <p>Immutable, thread-safe.
 *
 * @param timeout how long the call (for a stream: the whole stream) may take; when it passes,
 *     CANCEL is sent and the call fails with {@link CallTimeoutException}. {@code null} takes the
 *     peer's {@link PeerOptions#defaultCallTimeout() default} (none unless configured).
 */
public record CallOptions(@Nullable Duration timeout) {

  private static final CallOptions DEFAULTS = new CallOptions(null);

  /** Validates: the timeout, when given, must be positive. */
  public CallOptions {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** No per-call settings: the peer's defaults apply. */
  public static CallOptions defaults() {
    return DEFAULTS;
  }

  /** A call that times out after {@code timeout}. */
  public static CallOptions timeout(Duration timeout) {
    if (timeout == null) {
      throw new NullPointerException("timeout");
    }
    return new CallOptions(timeout);
  }
}

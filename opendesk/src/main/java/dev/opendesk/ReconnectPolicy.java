package dev.opendesk;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link ClientSession} reconnects after losing its connection: exponential backoff with
 * jitter. The n-th attempt after a loss waits {@code min(maxDelay, initialDelay ×
 * multiplier^(n-1))} scaled by a random factor in {@code [1 - jitter, 1 + jitter]}; the first
 * attempt waits nothing when the session was ready before (a lost link is retried at once). With a
 * give-up deadline the session closes when it has been disconnected for that long.
 *
 * <p>Defaults ({@link #defaults()}): initial delay 200 ms, multiplier 2, maximum delay 10 s, jitter
 * 0.2, no give-up deadline (retry until closed).
 *
 * @param initialDelay the wait before the second attempt
 * @param maxDelay the longest wait between attempts
 * @param multiplier how much each wait grows, at least 1
 * @param jitter the random spread of each wait, in {@code [0, 1]}
 * @param giveUpAfter how long to keep trying after a loss, or {@code null} for ever
 * @param enabled whether to reconnect at all ({@link #never()} does not)
 *     <p>Immutable and thread-safe.
 */
public record ReconnectPolicy(
    Duration initialDelay,
    Duration maxDelay,
    double multiplier,
    double jitter,
    @Nullable Duration giveUpAfter,
    boolean enabled) {

  private static final ReconnectPolicy DEFAULTS =
      new ReconnectPolicy(Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0.2, null, true);

  /** Checks the fields. */
  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "expected 0 <= initialDelay <= maxDelay, got " + initialDelay + ", " + maxDelay);
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("multiplier must be at least 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("jitter must be in [0, 1]: " + jitter);
    }
    if (giveUpAfter != null && (giveUpAfter.isNegative() || giveUpAfter.isZero())) {
      throw new IllegalArgumentException("giveUpAfter must be positive: " + giveUpAfter);
    }
  }

  /** The defaults (see the class documentation). */
  public static ReconnectPolicy defaults() {
    return DEFAULTS;
  }

  /** No reconnecting: the session closes when its first connection ends or cannot be opened. */
  public static ReconnectPolicy never() {
    return new ReconnectPolicy(Duration.ZERO, Duration.ZERO, 1.0, 0.0, null, false);
  }

  /** This policy with another initial and maximum delay. */
  public ReconnectPolicy withDelays(Duration initial, Duration max) {
    return new ReconnectPolicy(initial, max, multiplier, jitter, giveUpAfter, enabled);
  }

  /** This policy, giving up after {@code deadline} disconnected. */
  public ReconnectPolicy withGiveUpAfter(Duration deadline) {
    return new ReconnectPolicy(
        initialDelay, maxDelay, multiplier, jitter, Objects.requireNonNull(deadline), enabled);
  }

  /** The give-up deadline, if any. */
  public Optional<Duration> giveUp() {
    return Optional.ofNullable(giveUpAfter);
  }

  /** The wait before attempt {@code attempt} (1 = the first retry) of a reconnect. */
  Duration delay(int attempt) {
    if (attempt <= 0) {
      return Duration.ZERO;
    }
    double base = initialDelay.toNanos() * Math.pow(multiplier, attempt - 1);
    double capped = Math.min(base, maxDelay.toNanos());
    double spread =
        jitter == 0 ? 1.0 : 1.0 + jitter * (2 * ThreadLocalRandom.current().nextDouble() - 1);
    return Duration.ofNanos((long) Math.min(capped * spread, maxDelay.toNanos()));
  }
}

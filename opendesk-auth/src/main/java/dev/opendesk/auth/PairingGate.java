package dev.opendesk.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's armed pairing code: at most one at a time, armed for exactly one pairing flavour,
 * short-lived, and consumed by the first pairing attempt whatever its outcome (PROTOCOL.md §6.3).
 * Give it to {@link Handshake#serve}; connections that start with a pairing hello take the code,
 * connections that authenticate leave it alone.
 *
 * <pre>{@code
 * PairingGate pairing = new PairingGate();
 * PairingCode code = PairingCode.random();
 * pairing.armLegacyV1(code, Duration.ofMinutes(2));
 * System.out.println("pairing code: " + code.digits());
 * }</pre>
 *
 * <p>Thread-safe: arming, disarming and the atomic take may race freely; exactly one connection
 * ever gets a given code.
 */
public final class PairingGate {

  /** A code armed for one flavour until a deadline ({@link System#nanoTime()} based). */
  record ArmedCode(PairingCode code, PairingFlavor flavor, long deadlineNanos) {
    boolean expired(long now) {
      return now - deadlineNanos >= 0;
    }
  }

  private final AtomicReference<ArmedCode> armed = new AtomicReference<>();

  /** A gate with no code armed. */
  public PairingGate() {}

  /**
   * Arms {@code code} for v1 pairing (PROTOCOL.md §6.1), replacing any armed code, for at most
   * {@code ttl}. v1 pairing lets an attacker who connects while the code is armed guess it offline
   * (see the package documentation): keep {@code ttl} short and use a {@link PairingApprover}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public void armLegacyV1(PairingCode code, Duration ttl) {
    arm(code, PairingFlavor.V1, ttl);
  }

  /** Arms {@code code} for {@code flavor}; the flavours' public arming methods delegate here. */
  void arm(PairingCode code, PairingFlavor flavor, Duration ttl) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(flavor, "flavor");
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    long nanos;
    try {
      nanos = ttl.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE / 2; // about 146 years: effectively unbounded
    }
    armed.set(new ArmedCode(code, flavor, System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2)));
  }

  /** Drops the armed code, if any. */
  public void disarm() {
    armed.set(null);
  }

  /** Whether a code is armed and has not expired. */
  public boolean isArmed() {
    ArmedCode current = armed.get();
    return current != null && !current.expired(System.nanoTime());
  }

  /**
   * Takes the armed code, atomically: the caller is the only one who ever gets it.
   *
   * @return the code, or {@code null} if none is armed or it has expired (an expired code is
   *     dropped)
   */
  ArmedCode take() {
    ArmedCode taken = armed.getAndSet(null);
    if (taken == null || taken.expired(System.nanoTime())) {
      return null;
    }
    return taken;
  }

  @Override
  public String toString() {
    ArmedCode current = armed.get();
    return current == null ? "PairingGate[disarmed]" : "PairingGate[armed for " + current.flavor() + "]";
  }
}

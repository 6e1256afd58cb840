package dev.opendesk.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The server's armed pairing code: at most one at a time, armed for exactly one {@link PairingMode}
 * (v2 unless asked otherwise), short-lived, and consumed by the first pairing attempt whatever its
 * outcome (PROTOCOL.md §6.3, PAIRING-V2.md "Arming"). Give it to {@link Handshake#serve};
 * connections that start with a pairing hello take the code, connections that authenticate leave it
 * alone. A hello of the other mode still consumes the code, and fails with {@code unsupported}: an
 * attacker cannot downgrade a v2 code to v1.
 *
 * <pre>{@code
 * PairingGate pairing = new PairingGate();
 * PairingCode code = PairingCode.random();
 * pairing.arm(code, Duration.ofMinutes(2)); // pairing v2
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
   * Arms {@code code} for pairing v2 ({@link PairingMode#V2}), replacing any armed code, for at
   * most {@code ttl}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public void arm(PairingCode code, Duration ttl) {
    arm(code, PairingMode.V2, ttl);
  }

  /**
   * Arms {@code code} for exactly one pairing mode, replacing any armed code, for at most {@code
   * ttl}. A {@link PairingMode#LEGACY_V1} code can be guessed offline by whoever connects while it
   * is armed (see {@link PairingMode#LEGACY_V1}): keep {@code ttl} short and use a {@link
   * PairingApprover}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public void arm(PairingCode code, PairingMode mode, Duration ttl) {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(mode, "mode");
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
    armed.set(
        new ArmedCode(
            code, PairingFlavor.of(mode), System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2)));
  }

  /**
   * Arms {@code code} for legacy v1 pairing; the same as {@code arm(code, PairingMode.LEGACY_V1,
   * ttl)}.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive
   */
  public void armLegacyV1(PairingCode code, Duration ttl) {
    arm(code, PairingMode.LEGACY_V1, ttl);
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
    return current == null
        ? "PairingGate[disarmed]"
        : "PairingGate[armed for " + current.flavor().mode() + "]";
  }
}

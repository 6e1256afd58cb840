package dev.opendesk.protocol.testing;

import java.util.stream.LongStream;

/**
 * How many seeded tries a fuzz property runs: the test's own bounded default in {@code mvn verify},
 * or the system property {@code opendesk.fuzz.tries} when set (the {@code -Pfuzz} profile sets it,
 * and {@code -Dopendesk.fuzz.tries=N} overrides it on the command line). Each try is one seed, and
 * the seed is the JUnit invocation name, so a failure reproduces. Shipped in the test-jar.
 * Thread-safe (stateless).
 */
public final class FuzzBudget {

  /** The system property that overrides every fuzz property's number of seeds. */
  public static final String TRIES_PROPERTY = "opendesk.fuzz.tries";

  private FuzzBudget() {}

  /**
   * The number of seeds to run: {@code opendesk.fuzz.tries} if set to a positive integer, else
   * {@code bounded}.
   */
  public static int tries(int bounded) {
    String value = System.getProperty(TRIES_PROPERTY, "").trim();
    if (value.isEmpty()) {
      return bounded;
    }
    try {
      int tries = Integer.parseInt(value);
      return tries > 0 ? tries : bounded;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          TRIES_PROPERTY + " must be a positive integer, got \"" + value + "\"", e);
    }
  }

  /** Seeds {@code 0 .. tries(bounded) - 1}, for a {@code @MethodSource}. */
  public static LongStream seeds(int bounded) {
    return LongStream.range(0, tries(bounded));
  }

  /** Whether this run is the long one ({@code opendesk.fuzz.tries} set). */
  public static boolean isLongRun() {
    return !System.getProperty(TRIES_PROPERTY, "").isBlank();
  }
}

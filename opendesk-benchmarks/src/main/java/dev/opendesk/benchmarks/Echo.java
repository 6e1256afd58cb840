package dev.opendesk.benchmarks;

import dev.opendesk.protocol.Values;
import java.util.Arrays;
import java.util.Map;

/** Checks, once per trial, that a scenario really echoes what it was sent. */
public final class Echo {

  private Echo() {}

  /**
   * Throws unless {@code actual} equals {@code expected} (maps compared deeply, {@code byte[]} by
   * content).
   */
  public static void check(String scenario, Object expected, Object actual) {
    boolean same;
    if (expected instanceof byte[] e && actual instanceof byte[] a) {
      same = Arrays.equals(e, a);
    } else if (expected instanceof Map<?, ?> e && actual instanceof Map<?, ?> a) {
      same = Values.deepEquals(e, a);
    } else {
      same = expected.equals(actual);
    }
    if (!same) {
      throw new IllegalStateException(scenario + ": the echo differs from the request");
    }
  }
}

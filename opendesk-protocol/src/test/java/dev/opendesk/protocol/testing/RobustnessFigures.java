package dev.opendesk.protocol.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts what fuzz and bad-input tests fed to each layer and how it answered, and writes the totals
 * as Markdown table rows to {@code target/robustness-figures/<name>.md} of the module under test
 * (surefire runs tests in the module's directory). {@code docs/robustness-figures.sh} collects
 * those files into the "Figures" section of {@code docs/robustness.md}.
 *
 * <p>One instance per test class, shared by its parameterized invocations; write it from an
 * {@code @AfterAll}. Thread-safe. Shipped in the test-jar.
 */
public final class RobustnessFigures {

  /** One row: an input family fed to one layer. */
  public static final class Row {
    private final AtomicLong tried = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();

    /** An input was fed. */
    public void tried() {
      tried.incrementAndGet();
    }

    /**
     * The receiver took the input as valid (decoded it, completed the handshake, served the call).
     */
    public void accepted() {
      accepted.incrementAndGet();
    }

    /**
     * The receiver refused the input with a typed error; {@code outcome} names it (e.g. {@code
     * protocol}).
     */
    public void rejected(String outcome) {
      rejected.incrementAndGet();
      outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
    }

    /** The receiver closed the connection after the input. */
    public void closed() {
      closed.incrementAndGet();
    }

    /**
     * Something was lost: a future that never completed, a leaked thread, an untyped error. Must
     * stay 0.
     */
    public void lost() {
      lost.incrementAndGet();
    }
  }

  private final String name;
  private final Map<String, Row> rows = new ConcurrentHashMap<>();

  /** Figures written to {@code target/robustness-figures/<name>.md}. */
  public RobustnessFigures(String name) {
    this.name = name;
  }

  /** The row for {@code layer} and {@code input} (created on first use). */
  public Row row(String layer, String input) {
    return rows.computeIfAbsent(layer + " | " + input, k -> new Row());
  }

  /**
   * Writes the rows (sorted) to {@code target/robustness-figures/<name>.md}, replacing that file.
   */
  public void write() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, Row> e : new TreeMap<>(rows).entrySet()) {
      Row r = e.getValue();
      StringBuilder outcomes = new StringBuilder();
      new TreeMap<>(r.outcomes)
          .forEach(
              (k, v) ->
                  outcomes
                      .append(outcomes.length() == 0 ? "" : ", ")
                      .append(k)
                      .append(' ')
                      .append(v));
      out.append("| ")
          .append(e.getKey())
          .append(" | ")
          .append(r.tried)
          .append(" | ")
          .append(r.accepted)
          .append(" | ")
          .append(r.rejected)
          .append(" | ")
          .append(outcomes.length() == 0 ? "-" : outcomes)
          .append(" | ")
          .append(r.closed)
          .append(" | ")
          .append(r.lost)
          .append(" |\n");
    }
    try {
      Path dir = Path.of("target", "robustness-figures");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(name + ".md"), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

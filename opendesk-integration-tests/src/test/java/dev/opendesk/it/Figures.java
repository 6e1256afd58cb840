package dev.opendesk.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The figures the fault, load and soak tests measure, written to {@code
 * target/robustness-figures/<TestClass>.txt} (one {@code key: value} line each) so {@code
 * docs/robustness.md} can quote them; see "Figures" there for the command that regenerates them.
 * Thread-safe.
 */
final class Figures {

  private static final Path DIRECTORY = Path.of("target", "robustness-figures");
  private static final Map<String, Map<String, String>> BY_CLASS = new LinkedHashMap<>();

  private Figures() {}

  /** Records {@code key: value} for {@code test}'s class, replacing an earlier value of the key. */
  static synchronized void record(Class<?> test, String key, Object value) {
    Map<String, String> figures =
        BY_CLASS.computeIfAbsent(test.getSimpleName(), k -> new LinkedHashMap<>());
    figures.put(key, String.valueOf(value));
    StringBuilder text = new StringBuilder();
    figures.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
    try {
      Files.createDirectories(DIRECTORY);
      Files.writeString(DIRECTORY.resolve(test.getSimpleName() + ".txt"), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

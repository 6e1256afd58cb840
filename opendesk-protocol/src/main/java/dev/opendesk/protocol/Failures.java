package dev.opendesk.protocol;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The real failure behind the wrappers that futures add. Stateless and thread-safe. */
public final class Failures {
  private Failures() {}

  /**
   * Strips {@link CompletionException} and {@link ExecutionException} wrappers (as far as they have
   * a cause) and returns what they wrap; any other throwable is returned as it is.
   */
  public static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}

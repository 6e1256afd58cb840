package dev.opendesk.auth;

import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The trust store file exists but is not a valid trusted-peers document (PROTOCOL.md §5). The file
 * is left exactly as it is, and no write replaces it until it has been fixed or removed by hand.
 *
 * <p>Immutable and thread-safe.
 */
public final class CorruptTrustStoreException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the offending file
   * @param message what is wrong, naming the entry and field where there is one
   * @param cause the parser's error, or {@code null}
   */
  public CorruptTrustStoreException(Path file, String message, @Nullable Throwable cause) {
    super(file + ": " + message, cause);
    this.file = file;
  }

  /** The offending file. */
  public Path file() {
    return file;
  }
}

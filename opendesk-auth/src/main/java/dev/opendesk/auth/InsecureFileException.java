package dev.opendesk.auth;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A key or trust file, or its directory, that another user could change: writable by its group or
 * by everyone, or owned by another user (root excepted). Such a file is refused rather than used,
 * since whoever can write it can replace this peer's identity or trust themselves; the message says
 * what to fix. Nothing is written to it.
 *
 * <p>Immutable and thread-safe.
 */
public final class InsecureFileException extends IOException {

  private static final long serialVersionUID = 1L;

  private final transient Path file;

  /**
   * @param file the offending file or directory
   * @param message what is wrong and how to fix it
   */
  public InsecureFileException(Path file, String message) {
    super(file + ": " + message);
    this.file = file;
  }

  /** The offending file or directory. */
  public Path file() {
    return file;
  }
}

package dev.opendesk.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only files written atomically: each file is created 0600 (directories 0700) from its first
 * byte, so it is never readable by others even briefly, filled, forced to disk, then renamed over
 * the target. A crash at any point leaves either the old or the new content, never a mix. On file
 * systems without POSIX permissions the files are written the same way without modes. Stateless and
 * thread-safe.
 */
final class PrivateFiles {

  private static final Logger log = LoggerFactory.getLogger(PrivateFiles.class);

  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY_MODE =
      PosixFilePermissions.fromString("rwx------");

  /**
   * A step between writing the temporary file and renaming it; tests use it to simulate a crash.
   */
  @FunctionalInterface
  interface BeforeRename {
    void run(Path temporary) throws IOException;
  }

  static final BeforeRename NO_HOOK = temporary -> {};

  private PrivateFiles() {}

  static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?>[] fileMode(Path path) {
    return posix(path)
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
        : new FileAttribute<?>[0];
  }

  /**
   * Creates {@code directory} and any missing parents with mode 0700. An existing directory is left
   * as it is (it may be shared, e.g. a home directory), with a warning if others can access it.
   */
  static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      if (posix(directory)) {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(directory);
        if (mode.stream()
            .anyMatch(p -> p.name().startsWith("GROUP") || p.name().startsWith("OTHERS"))) {
          log.warn(
              "{} is accessible by other users (mode {}); 0700 is recommended",
              directory,
              PosixFilePermissions.toString(mode));
        }
      }
      return;
    }
    if (posix(directory)) {
      Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
    } else {
      Files.createDirectories(directory);
    }
  }

  /**
   * Creates an owner-only file in {@code target}'s directory holding {@code content}, forced to
   * disk.
   */
  static Path writeTemporary(Path target, byte[] content) throws IOException {
    Path directory = target.toAbsolutePath().getParent();
    createPrivateDirectories(directory);
    byte[] suffix = new byte[8];
    Entropy.RANDOM.nextBytes(suffix);
    Path temporary =
        directory.resolve(
            "." + target.getFileName() + "." + HexFormat.of().formatHex(suffix) + ".tmp");
    Files.createFile(temporary, fileMode(temporary));
    try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      throw e;
    }
    return temporary;
  }

  /** Atomically replaces {@code target} with {@code content}. */
  static void replace(Path target, byte[] content, BeforeRename hook) throws IOException {
    Path temporary = writeTemporary(target, content);
    boolean moved = false;
    try {
      hook.run(temporary);
      Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      moved = true;
      syncDirectory(target);
    } finally {
      if (!moved) {
        Files.deleteIfExists(temporary);
      }
    }
  }

  /**
   * Atomically creates {@code target} with {@code content} unless it already exists.
   *
   * @return {@code true} if this call created the file, {@code false} if it already existed (its
   *     content is left untouched)
   */
  static boolean createExclusively(Path target, byte[] content) throws IOException {
    Path temporary = writeTemporary(target, content);
    try {
      try {
        // A hard link publishes the complete file under the target name and fails if the name is
        // taken, so two processes creating it at once cannot overwrite each other.
        Files.createLink(target, temporary);
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (UnsupportedOperationException | IOException e) {
        if (Files.exists(target)) {
          return false;
        }
        // No hard links here: an atomic rename still never exposes a partial file.
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
      }
      syncDirectory(target);
      return true;
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /** Best effort: makes a rename durable; not every platform can open a directory. */
  private static void syncDirectory(Path target) {
    Path directory = target.toAbsolutePath().getParent();
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      log.trace("cannot sync directory {}", directory, e);
    }
  }
}

package dev.opendesk.auth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owner-only files written atomically: each file is created 0600 (directories 0700) from its first
 * byte, so it is never readable by others even briefly, filled through the one channel that created
 * it (opened {@code CREATE_NEW} and {@code NOFOLLOW_LINKS}, never reopened by path), forced to
 * disk, then renamed over the target. A crash at any point leaves either the old or the new
 * content, never a mix; its leftover temporary file is removed by {@link #removeStaleTemporaries}
 * once it is {@link #STALE_AFTER} old.
 *
 * <p>Files and directories another user could change are refused ({@link #requireOwnerOnly}): on
 * POSIX file systems, anything writable by group or others, or owned by a user other than this
 * process's user or root, fails with {@link InsecureFileException}; anything merely readable by
 * others gets a warning. On file systems without POSIX permissions the files are written the same
 * way without modes and without these checks. Stateless and thread-safe.
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

  /** How old a temporary file must be before it counts as left over by a crash. */
  static final Duration STALE_AFTER = Duration.ofMinutes(1);

  private static final Set<OpenOption> CREATE_NEW_NOFOLLOW =
      Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);

  /** This process's user and root, looked up once; empty where the lookup is not possible. */
  private static final class Owners {
    static final Optional<UserPrincipal> SELF = lookup(System.getProperty("user.name"));
    static final Optional<UserPrincipal> ROOT = lookup("root");

    private static Optional<UserPrincipal> lookup(String name) {
      try {
        UserPrincipalLookupService users =
            java.nio.file.FileSystems.getDefault().getUserPrincipalLookupService();
        return Optional.of(users.lookupPrincipalByName(name));
      } catch (IOException | RuntimeException e) {
        log.debug("cannot look up user {}: file owners are not checked", name, e);
        return Optional.empty();
      }
    }
  }

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
   * Refuses {@code path} (a file or directory, following links) if another user could change it;
   * warns if others can read it. Does nothing on file systems without POSIX permissions, or for a
   * path that does not exist.
   *
   * @throws InsecureFileException if it is writable by group or others, or owned by a user other
   *     than this process's user or root
   */
  static void requireOwnerOnly(Path path) throws IOException {
    if (!posix(path)) {
      return;
    }
    PosixFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, PosixFileAttributes.class);
    } catch (NoSuchFileException e) {
      return;
    }
    requireOwnerOnly(
        path, attributes.permissions(), attributes.owner(), attributes.isDirectory(), Owners.SELF);
  }

  /** {@link #requireOwnerOnly(Path)} on the mode and owner of a file already read. */
  static void requireOwnerOnly(Path path, Set<PosixFilePermission> mode, UserPrincipal owner)
      throws InsecureFileException {
    requireOwnerOnly(path, mode, owner, false, Owners.SELF);
  }

  /** {@link #requireOwnerOnly(Path)} on attributes already read, for an expected owner. */
  static void requireOwnerOnly(
      Path path,
      Set<PosixFilePermission> mode,
      UserPrincipal owner,
      boolean directory,
      Optional<UserPrincipal> expectedOwner)
      throws InsecureFileException {
    String modeText = PosixFilePermissions.toString(mode);
    if (mode.contains(PosixFilePermission.GROUP_WRITE)
        || mode.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new InsecureFileException(
          path,
          "other users can write it (mode "
              + modeText
              + "), so they could replace keys or trust themselves; refusing to use it until"
              + " `chmod go-w` is run on it");
    }
    if (expectedOwner.isPresent()
        && !owner.equals(expectedOwner.get())
        && !Owners.ROOT.map(owner::equals).orElse(false)) {
      throw new InsecureFileException(
          path,
          "it is owned by "
              + owner.getName()
              + ", not by "
              + expectedOwner.get().getName()
              + ", who runs this process; refusing to use it");
    }
    boolean readable =
        mode.contains(PosixFilePermission.GROUP_READ)
            || mode.contains(PosixFilePermission.OTHERS_READ);
    if (readable && !directory) {
      log.warn(
          "SECURITY: {} is readable by other users (mode {}); run `chmod 600` on it",
          path,
          modeText);
    }
  }

  /**
   * Creates {@code directory} and any missing parents with mode 0700. An existing directory is left
   * as it is (it may be shared, e.g. a home directory) if only its owner can change it.
   *
   * @throws InsecureFileException if an existing directory is writable by other users or owned by
   *     another user (see {@link #requireOwnerOnly(Path)})
   */
  static void createPrivateDirectories(Path directory) throws IOException {
    if (Files.isDirectory(directory)) {
      requireOwnerOnly(directory);
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
    writeNew(temporary, content);
    return temporary;
  }

  /**
   * Creates {@code file} 0600 and writes {@code content} through the one channel that created it:
   * an existing file or link of that name fails with {@link FileAlreadyExistsException} and is left
   * alone, and no link is ever followed. On any later failure the new file is deleted.
   */
  static void writeNew(Path file, byte[] content) throws IOException {
    FileChannel channel = FileChannel.open(file, CREATE_NEW_NOFOLLOW, fileMode(file));
    try (channel) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  /**
   * Deletes the temporary copies of {@code target} ({@code .<name>.<16 hex>.tmp} beside it) that a
   * crash left behind, those last modified at least {@link #STALE_AFTER} ago: a younger one may
   * belong to a writer still at work. Best effort: a copy that cannot be deleted is logged.
   */
  static void removeStaleTemporaries(Path target) {
    Path directory = target.toAbsolutePath().getParent();
    Pattern name =
        Pattern.compile(
            "\\." + Pattern.quote(target.getFileName().toString()) + "\\.[0-9a-f]{16}\\.tmp");
    FileTime cutoff = FileTime.from(Instant.now().minus(STALE_AFTER));
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(
            directory, p -> name.matcher(p.getFileName().toString()).matches())) {
      for (Path entry : entries) {
        try {
          if (Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).compareTo(cutoff) <= 0) {
            Files.deleteIfExists(entry);
            log.info("removed {}, left over by an interrupted write", entry);
          }
        } catch (IOException e) {
          log.warn("cannot remove the leftover temporary file {}", entry, e);
        }
      }
    } catch (NoSuchFileException e) {
      // No directory, nothing left over.
    } catch (IOException e) {
      log.warn("cannot look for leftover temporary files of {}", target, e);
    }
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

package dev.opendesk.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The trust store in a file ({@link TrustStoreFormat}), cached and locked.
 *
 * <p><b>Reads</b> are served from the last parsed content while the file is unchanged, so a flood
 * of {@code auth_hello}s from strangers costs one {@code stat} each, not a read and a JSON parse.
 * The file counts as unchanged while its identity (inode where the platform has one), size and
 * modification time are those of the cached read. Those three could stay the same across a rewrite
 * that lands in the same timestamp tick as the read, so, as git does for its index, a read whose
 * file was modified less than {@link #RACY_MILLIS} before it is not trusted on the stamp alone:
 * until the file is older than that, every read compares the file's bytes with the cached ones
 * (still no parse when they are equal). The stamp is always taken before the bytes are read, so a
 * cached stamp is never newer than its content. Writes by other processes, other instances and
 * other implementations are therefore seen at the next read.
 *
 * <p><b>Writes</b> are a read-modify-write under two locks: an in-JVM lock shared by every instance
 * on the same file, and an OS file lock on the sidecar {@code <file>.lock} (file locks are per
 * process), so concurrent writers in one JVM or several processes lose nothing. The new content is
 * written to a 0600 temporary file and renamed over the store ({@link PrivateFiles#replace}), so a
 * crash leaves the old or the new file, never a torn one.
 *
 * <p>Thread-safe.
 */
final class TrustStoreFile implements TrustStorage {

  /** How old a file's modification time must be before its stamp alone proves it unchanged. */
  static final long RACY_MILLIS = 2_000;

  /**
   * Monitors shared by every instance on the same file in this JVM (file locks are per process).
   */
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path file;
  private final Path lockFile;
  private final ReentrantLock lock;
  private final boolean posix;
  private final AtomicLong parses = new AtomicLong();
  private volatile Snapshot cached;
  private volatile PrivateFiles.BeforeRename beforeRename = PrivateFiles.NO_HOOK;

  /**
   * What identifies one version of the file without reading it. The mode and owner are part of it
   * so that a {@code chmod} or {@code chown} is checked at the next read.
   */
  private record Stamp(
      Object fileKey,
      long size,
      FileTime modified,
      Set<PosixFilePermission> mode,
      UserPrincipal owner) {}

  /**
   * A parsed read: its stamp (taken before the bytes), bytes, entries and whether it is settled.
   */
  private record Snapshot(Stamp stamp, byte[] bytes, List<TrustedPeer> peers, boolean settled) {}

  /**
   * @param file an absolute, normalised path
   */
  TrustStoreFile(Path file) {
    this.file = Objects.requireNonNull(file, "file");
    this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
    this.lock = LOCKS.computeIfAbsent(file, p -> new ReentrantLock());
    this.posix = PrivateFiles.posix(file);
  }

  Path file() {
    return file;
  }

  @Override
  public List<TrustedPeer> read() throws IOException {
    return read(false);
  }

  @Override
  public boolean modify(Change change) throws IOException {
    lock.lock();
    try {
      PrivateFiles.createPrivateDirectories(file.getParent());
      try (FileChannel channel = openLockFile();
          java.nio.channels.FileLock ignored = channel.lock()) {
        PrivateFiles.removeStaleTemporaries(file);
        List<TrustedPeer> peers = new ArrayList<>(read(true));
        boolean changed = change.apply(peers);
        if (changed) {
          PrivateFiles.replace(file, TrustStoreFormat.serialize(peers), beforeRename);
          // The next read stamps and parses the file as renamed; another process may already have
          // replaced it again, so the stamp cannot be taken here.
          cached = null;
        }
        return changed;
      }
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    cached = null;
  }

  /** Test hook: how many times the file has been parsed. */
  long parses() {
    return parses.get();
  }

  /** Test hook: runs between writing the temporary file and renaming it over the store. */
  void beforeRename(PrivateFiles.BeforeRename hook) {
    this.beforeRename = hook;
  }

  /**
   * @param fresh whether to compare the bytes even if the stamp proves the cache current
   */
  private List<TrustedPeer> read(boolean fresh) throws IOException {
    long now = System.currentTimeMillis();
    Stamp stamp = stamp();
    if (stamp == null) {
      return List.of();
    }
    Snapshot snapshot = cached;
    if (!fresh && snapshot != null && snapshot.settled() && snapshot.stamp().equals(stamp)) {
      return snapshot.peers();
    }
    if (snapshot == null || !snapshot.stamp().equals(stamp)) {
      requireOwnerOnly(stamp);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<TrustedPeer> peers;
    if (snapshot != null && Arrays.equals(snapshot.bytes(), bytes)) {
      peers = snapshot.peers();
    } else {
      parses.incrementAndGet();
      peers = List.copyOf(TrustStoreFormat.parse(bytes, file));
    }
    boolean settled = stamp.modified().toMillis() <= now - RACY_MILLIS;
    cached = new Snapshot(stamp, bytes, peers, settled);
    return peers;
  }

  private Stamp stamp() throws IOException {
    try {
      if (posix) {
        PosixFileAttributes attributes = Files.readAttributes(file, PosixFileAttributes.class);
        return new Stamp(
            attributes.fileKey(),
            attributes.size(),
            attributes.lastModifiedTime(),
            attributes.permissions(),
            attributes.owner());
      }
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(
          attributes.fileKey(), attributes.size(), attributes.lastModifiedTime(), null, null);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Refuses the file or its directory if another user could change them (#14 item 8). */
  private void requireOwnerOnly(Stamp stamp) throws IOException {
    if (stamp.owner() != null) {
      PrivateFiles.requireOwnerOnly(file, stamp.mode(), stamp.owner());
      PrivateFiles.requireOwnerOnly(file.getParent());
    }
  }

  private FileChannel openLockFile() throws IOException {
    if (!Files.exists(lockFile)) {
      try {
        if (PrivateFiles.posix(lockFile)) {
          Files.createFile(lockFile, PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
        } else {
          Files.createFile(lockFile);
        }
      } catch (FileAlreadyExistsException e) {
        // Another writer created it first: fine.
      }
    }
    return FileChannel.open(lockFile, StandardOpenOption.WRITE);
  }

  @Override
  public String toString() {
    return file.toString();
  }
}

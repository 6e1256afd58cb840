package dev.opendesk.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import java.util.Objects;

/**
 * This peer's long-lived X25519 key pair (PROTOCOL.md §5): what the other side of a pairing stores
 * in its {@link TrustedPeers}, and what authenticates every later connection.
 *
 * <p>On disk the identity is exactly the 32 raw private-key bytes ({@code ~/.opendesk/identity.key}
 * by default). {@link #loadOrCreate(Path)} creates the file with mode 0600 from its first byte (its
 * directory 0700 when it has to be created), writes it atomically and never replaces an existing
 * file: a file of the wrong size is an error.
 *
 * <pre>{@code
 * Identity me = Identity.loadOrCreate();
 * System.out.println("my fingerprint: " + me.fingerprint());
 * }</pre>
 *
 * <p>Immutable and thread-safe. The private key never leaves this object except through the
 * handshakes of this package, and {@link #toString()} shows only the fingerprint.
 */
public final class Identity {

  /** Size of the identity file and of both keys, in bytes. */
  public static final int KEY_SIZE = KeySchedule.KEY_SIZE;

  private final X25519KeyPair keys;

  private Identity(X25519KeyPair keys) {
    this.keys = keys;
  }

  /** {@code ~/.opendesk/identity.key}. */
  public static Path defaultPath() {
    return Paths.get(System.getProperty("user.home"), ".opendesk", "identity.key");
  }

  /** A fresh identity from a {@link java.security.SecureRandom}; nothing is written to disk. */
  public static Identity generate() {
    return new Identity(X25519KeyPair.generate(Entropy.RANDOM));
  }

  /** The identity of a known private key (tests and vectors); the array is copied. */
  static Identity fromPrivateKey(byte[] privateKey) {
    return new Identity(X25519KeyPair.fromPrivateKey(privateKey));
  }

  /** {@link #loadOrCreate(Path)} on {@link #defaultPath()}. */
  public static Identity loadOrCreate() throws IOException {
    return loadOrCreate(defaultPath());
  }

  /**
   * Loads the identity stored in {@code file}, or creates one there if the file does not exist.
   *
   * <p>A new file is written to a temporary file created with mode 0600, forced to disk and then
   * published atomically under {@code file}; missing directories are created 0700. If two processes
   * create it at the same moment, both end up with the same identity (the first one written).
   *
   * <p>Temporary copies of the key that a crash left beside the file (at least a minute old) are
   * deleted first.
   *
   * @throws InsecureFileException if the file or its directory could be changed by another user:
   *     writable by group or others, or owned by another user than this process's or root (a file
   *     merely readable by others is used, with a warning)
   * @throws IOException if the file cannot be read or written, is not a regular file, or does not
   *     hold exactly 32 bytes (it is never replaced)
   */
  public static Identity loadOrCreate(Path file) throws IOException {
    Objects.requireNonNull(file, "file");
    PrivateFiles.removeStaleTemporaries(file);
    for (int attempt = 0; attempt < 2; attempt++) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || Files.exists(file)) {
        return load(file);
      }
      Identity created = generate();
      byte[] privateKey = created.keys.privateKeyBytes().clone();
      try {
        if (PrivateFiles.createExclusively(file, privateKey)) {
          return created;
        }
      } finally {
        KeySchedule.wipe(privateKey);
      }
      // Another process created the file between our check and our write: use theirs.
    }
    return load(file);
  }

  private static Identity load(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("identity file " + file + " is not a regular file");
    }
    PrivateFiles.requireOwnerOnly(file);
    PrivateFiles.requireOwnerOnly(file.toAbsolutePath().getParent());
    long size = Files.size(file);
    if (size != KEY_SIZE) {
      throw new IOException(
          "identity file "
              + file
              + " has "
              + size
              + " bytes, expected exactly "
              + KEY_SIZE
              + " (the raw X25519 private key); refusing to use or replace it");
    }
    byte[] privateKey = Files.readAllBytes(file);
    try {
      if (privateKey.length != KEY_SIZE) {
        throw new IOException("identity file " + file + " changed size while being read");
      }
      return fromPrivateKey(privateKey);
    } finally {
      KeySchedule.wipe(privateKey);
    }
  }

  /** The 32-byte public key (a copy). */
  public byte[] publicKey() {
    return keys.publicKeyBytes().clone();
  }

  /** This identity's fingerprint, see {@link #fingerprint(byte[])}. */
  public String fingerprint() {
    return fingerprint(keys.publicKeyBytes());
  }

  /**
   * The fingerprint of a public key (PROTOCOL.md §5): its first 8 bytes as 16 lower-case hex
   * characters in four groups of four joined by {@code :}, e.g. {@code abcd:ef01:2345:6789}.
   *
   * @throws IllegalArgumentException if {@code publicKey} is not 32 bytes
   */
  public static String fingerprint(byte[] publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    if (publicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "publicKey: expected " + KEY_SIZE + " bytes, got " + publicKey.length);
    }
    String hex = HexFormat.of().formatHex(publicKey, 0, 8);
    return hex.substring(0, 4)
        + ':'
        + hex.substring(4, 8)
        + ':'
        + hex.substring(8, 12)
        + ':'
        + hex.substring(12, 16);
  }

  /**
   * X25519 key agreement of this identity's private key with {@code peerPublicKey}.
   *
   * @throws IllegalArgumentException if {@code peerPublicKey} is not 32 bytes, or if the shared
   *     secret is all zero (a low-order point: such a key must never be accepted)
   */
  public byte[] agree(byte[] peerPublicKey) {
    Objects.requireNonNull(peerPublicKey, "peerPublicKey");
    if (peerPublicKey.length != KEY_SIZE) {
      throw new IllegalArgumentException(
          "peerPublicKey: expected " + KEY_SIZE + " bytes, got " + peerPublicKey.length);
    }
    try {
      return keys.agree(peerPublicKey, "shared secret");
    } catch (AuthFailureException e) {
      throw new IllegalArgumentException("peerPublicKey: " + e.getMessage(), e);
    }
  }

  /** The key pair, for the handshakes of this package. */
  X25519KeyPair keyPair() {
    return keys;
  }

  /** The public key without copying, for the handshakes of this package. */
  byte[] publicKeyBytes() {
    return keys.publicKeyBytes();
  }

  @Override
  public String toString() {
    return "Identity[" + fingerprint() + "]";
  }
}

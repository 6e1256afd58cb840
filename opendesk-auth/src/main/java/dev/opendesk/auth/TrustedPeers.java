package dev.opendesk.auth;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The trust store (PROTOCOL.md §5): the peers this peer has paired with, as a JSON array in {@code
 * ~/.opendesk/trusted-peers.json} by default (file mode 0600, directory 0700).
 *
 * <p>Every query sees the file as it is now, so a pairing made by another process takes effect at
 * once; while the file is unchanged (one {@code stat} tells), queries are served from the last
 * parse, so strangers' {@code auth_hello}s cost no read and no parse. Every change is a
 * read-modify-write under two locks, an in-JVM lock and an OS file lock on the sidecar {@code
 * trusted-peers.json.lock}, so concurrent writers in one JVM or in several processes lose nothing;
 * the new content is written to a 0600 temporary file and renamed over the store atomically, so a
 * crash leaves the old or the new file, never a torn one. Entry keys this version does not know are
 * preserved. A file that is not a valid store fails every operation with {@link
 * CorruptTrustStoreException} and is never overwritten; a file or directory another user could
 * change (writable by group or others, or owned by another user than this process's or root) fails
 * every operation with {@link InsecureFileException}.
 *
 * <pre>{@code
 * TrustedPeers trusted = TrustedPeers.openDefault();
 * for (TrustedPeer peer : trusted.list()) {
 *   System.out.println(peer.fingerprint() + "  " + peer.name() + "  " + peer.effectiveDescription());
 * }
 * }</pre>
 *
 * <p><b>Roles.</b> Each entry records the roles its peer paired in ({@link PeerRole}, the extra
 * field {@code "roles": ["client"]}, which other implementations keep as an unknown key): {@link
 * Handshake#serve} admits only {@link PeerRole#CLIENT} entries, and {@link
 * Handshake#authClient(dev.opendesk.protocol.Connection, Identity, TrustedPeers, byte[])}
 * authenticates only {@link PeerRole#SERVER} entries, so pairing to someone's server never lets
 * that server into this side's server. The pairing handshakes record the role themselves. An entry
 * without the field (written by an implementation that does not know roles, or by {@link
 * #add(byte[], String, String)}) is trusted in both roles, as it is by that implementation; pairing
 * with the peer again here records the role and ends that.
 *
 * <p>Thread-safe. {@link #inMemory()} gives a store that lives only in this object (tests,
 * ephemeral servers): no file, no lock file. {@link #close()} ends a store of either kind: every
 * later operation fails with {@link IllegalStateException}.
 */
public final class TrustedPeers implements Closeable {

  private final TrustStorage storage;
  private volatile boolean closed;

  private TrustedPeers(TrustStorage storage) {
    this.storage = storage;
  }

  /** {@code ~/.opendesk/trusted-peers.json}. */
  public static Path defaultPath() {
    return Paths.get(System.getProperty("user.home"), ".opendesk", "trusted-peers.json");
  }

  /** The store at {@link #defaultPath()}. */
  public static TrustedPeers openDefault() {
    return open(defaultPath());
  }

  /**
   * The store in {@code file}. Nothing is read or created until the first operation; a missing file
   * is an empty store, created (with its directory) by the first change.
   */
  public static TrustedPeers open(Path file) {
    Objects.requireNonNull(file, "file");
    return new TrustedPeers(new TrustStoreFile(file.toAbsolutePath().normalize()));
  }

  /** A store held in memory only, starting empty. */
  public static TrustedPeers inMemory() {
    return new TrustedPeers(new TrustStoreMemory());
  }

  /** The file, or empty for an in-memory store. */
  public Optional<Path> path() {
    return storage instanceof TrustStoreFile f ? Optional.of(f.file()) : Optional.empty();
  }

  /**
   * All entries, in file order.
   *
   * @throws IllegalStateException if the store is closed
   */
  public List<TrustedPeer> list() throws IOException {
    checkOpen();
    return storage.read();
  }

  /** The entry for {@code publicKey}, if any (keys compare case-insensitively on read). */
  public Optional<TrustedPeer> find(byte[] publicKey) throws IOException {
    String hex = TrustedPeer.hex(publicKey);
    return list().stream().filter(p -> p.publicKeyHex().equals(hex)).findFirst();
  }

  /**
   * The entries trusted in {@code role} ({@link TrustedPeer#trustedAs(PeerRole)}), in file order.
   */
  public List<TrustedPeer> list(PeerRole role) throws IOException {
    Objects.requireNonNull(role, "role");
    return list().stream().filter(p -> p.trustedAs(role)).toList();
  }

  /** The entry for {@code publicKey} if it is trusted in {@code role}. */
  public Optional<TrustedPeer> find(byte[] publicKey, PeerRole role) throws IOException {
    Objects.requireNonNull(role, "role");
    return find(publicKey).filter(p -> p.trustedAs(role));
  }

  /** Whether {@code publicKey} is trusted in any role. */
  public boolean isTrusted(byte[] publicKey) throws IOException {
    return find(publicKey).isPresent();
  }

  /** Whether {@code publicKey} is trusted in {@code role} ({@link TrustedPeer#trustedAs}). */
  public boolean isTrusted(byte[] publicKey, PeerRole role) throws IOException {
    return find(publicKey, role).isPresent();
  }

  /**
   * Adds {@code peer}, or replaces the entry with the same public key (keeping its position).
   *
   * @return the stored entry
   */
  public TrustedPeer put(TrustedPeer peer) throws IOException {
    Objects.requireNonNull(peer, "peer");
    modify(
        peers -> {
          for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).publicKeyHex().equals(peer.publicKeyHex())) {
              peers.set(i, peer);
              return true;
            }
          }
          peers.add(peer);
          return true;
        });
    return peer;
  }

  /**
   * Records a pairing with {@code publicKey} without recording its role: a new entry paired now,
   * or, if the key is already trusted, the same entry with the new name, description and pairing
   * time (the override, the last address, the roles and unknown keys are kept). A new entry is
   * trusted in both roles, like an entry written by an implementation that does not know roles;
   * prefer {@link #add(byte[], PeerRole, String, String)}.
   *
   * @return the stored entry
   */
  public TrustedPeer add(byte[] publicKey, String name, String description) throws IOException {
    TrustedPeer fresh = TrustedPeer.of(publicKey, name).withDescription(description);
    return record(
        fresh,
        old ->
            old.withName(fresh.name())
                .withDescription(fresh.description())
                .withPairedAt(fresh.pairedAt()));
  }

  /**
   * Records that {@code publicKey} paired in {@code role}, with no name or description; the same as
   * {@link #add(byte[], PeerRole, String, String)} with {@code ""} for both.
   *
   * @return the stored entry
   */
  public TrustedPeer add(byte[] publicKey, PeerRole role) throws IOException {
    return add(publicKey, role, "", "");
  }

  /**
   * Records that {@code publicKey} paired in {@code role}: a new entry paired now, or, if the key
   * is already trusted, the same entry with {@code role} added to its roles (see {@link
   * TrustedPeer#withRole(PeerRole)}), the new pairing time, and the new name and description where
   * they are not empty (the override, the last address and unknown keys are kept).
   *
   * @param name a local name for the peer, {@code ""} or {@code null} if none
   * @param description the peer's self-description, {@code ""} or {@code null} if none
   * @return the stored entry
   */
  public TrustedPeer add(
      byte[] publicKey, PeerRole role, @Nullable String name, @Nullable String description)
      throws IOException {
    Objects.requireNonNull(role, "role");
    TrustedPeer fresh = TrustedPeer.of(publicKey, role, name).withDescription(description);
    return record(
        fresh,
        old -> {
          TrustedPeer next = old.withRole(role).withPairedAt(fresh.pairedAt());
          next = fresh.name().isEmpty() ? next : next.withName(fresh.name());
          return fresh.description().isEmpty() ? next : next.withDescription(fresh.description());
        });
  }

  /** Adds {@code fresh}, or replaces the entry with its key by {@code merge} applied to it. */
  private TrustedPeer record(TrustedPeer fresh, UnaryOperator<TrustedPeer> merge)
      throws IOException {
    TrustedPeer[] stored = {fresh};
    modify(
        peers -> {
          for (int i = 0; i < peers.size(); i++) {
            TrustedPeer old = peers.get(i);
            if (old.publicKeyHex().equals(fresh.publicKeyHex())) {
              stored[0] = merge.apply(old);
              peers.set(i, stored[0]);
              return true;
            }
          }
          peers.add(fresh);
          return true;
        });
    return stored[0];
  }

  /**
   * Removes the entry for {@code publicKey}.
   *
   * @return whether there was one
   */
  public boolean remove(byte[] publicKey) throws IOException {
    String hex = TrustedPeer.hex(publicKey);
    return modify(peers -> peers.removeIf(p -> p.publicKeyHex().equals(hex)));
  }

  /**
   * Replaces the entry for {@code publicKey} with {@code change} applied to it, atomically with
   * respect to every other writer. {@code change} must not change the public key.
   *
   * @return the new entry, or empty if the key is not trusted (nothing is written)
   */
  public Optional<TrustedPeer> update(byte[] publicKey, UnaryOperator<TrustedPeer> change)
      throws IOException {
    String hex = TrustedPeer.hex(publicKey);
    Objects.requireNonNull(change, "change");
    TrustedPeer[] updated = {null};
    modify(
        peers -> {
          for (int i = 0; i < peers.size(); i++) {
            if (peers.get(i).publicKeyHex().equals(hex)) {
              TrustedPeer next =
                  Objects.requireNonNull(change.apply(peers.get(i)), "change returned null");
              if (!next.publicKeyHex().equals(hex)) {
                throw new IllegalArgumentException("change must not alter the public key");
              }
              if (next.equals(peers.get(i))) {
                updated[0] = next;
                return false;
              }
              peers.set(i, next);
              updated[0] = next;
              return true;
            }
          }
          return false;
        });
    return Optional.ofNullable(updated[0]);
  }

  /** Sets where the peer was last reached ({@code last_host}/{@code last_port}). */
  public Optional<TrustedPeer> updateLastSeen(
      byte[] publicKey, @Nullable String host, @Nullable Integer port) throws IOException {
    return update(publicKey, p -> p.withLastSeen(host, port));
  }

  /** Caches the peer's self-description (from its most recent HELLO). */
  public Optional<TrustedPeer> updateDescription(byte[] publicKey, String description)
      throws IOException {
    return update(publicKey, p -> p.withDescription(description));
  }

  /** Sets the local description override ({@code ""} clears it). */
  public Optional<TrustedPeer> updateDescriptionOverride(byte[] publicKey, String override)
      throws IOException {
    return update(publicKey, p -> p.withDescriptionOverride(override));
  }

  /** The description to show for {@code publicKey}: the override if set, else the cached one. */
  public Optional<String> effectiveDescription(byte[] publicKey) throws IOException {
    return find(publicKey).map(TrustedPeer::effectiveDescription);
  }

  /**
   * Closes the store: every later operation fails with {@link IllegalStateException}, and an
   * in-memory store forgets its entries. A file store holds no file open between operations, so
   * nothing is left behind but the store and its {@code .lock} sidecar. Idempotent; an operation
   * already running completes.
   */
  @Override
  public void close() {
    closed = true;
    storage.close();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  /** Test hook: runs between writing the temporary file and renaming it over the store. */
  void beforeRename(PrivateFiles.BeforeRename hook) {
    ((TrustStoreFile) storage).beforeRename(hook);
  }

  /** Test hook: how many times the file has been parsed (0 for an in-memory store). */
  long parses() {
    return storage instanceof TrustStoreFile f ? f.parses() : 0;
  }

  @Override
  public String toString() {
    return "TrustedPeers[" + storage + "]";
  }

  private boolean modify(TrustStorage.Change change) throws IOException {
    checkOpen();
    return storage.modify(change);
  }
}

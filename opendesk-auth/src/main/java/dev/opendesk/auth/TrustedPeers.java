package dev.opendesk.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The trust store (PROTOCOL.md §5): the peers this peer has paired with, as a JSON array in {@code
 * ~/.opendesk/trusted-peers.json} by default (file mode 0600, directory 0700).
 *
 * <p>Every query reads the file afresh, so a pairing made by another process takes effect at once.
 * Every change is a read-modify-write under two locks, an in-JVM lock and an OS file lock on the
 * sidecar {@code trusted-peers.json.lock}, so concurrent writers in one JVM or in several processes
 * lose nothing; the new content is written to a 0600 temporary file and renamed over the store
 * atomically, so a crash leaves the old or the new file, never a torn one. Entry keys this version
 * does not know are preserved. A file that is not a valid store fails every operation with {@link
 * CorruptTrustStoreException} and is never overwritten.
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
 * Handshake#serve} admits only {@link PeerRole#CLIENT} entries, and a client authenticates only
 * {@link PeerRole#SERVER} entries, so pairing to someone's server never lets that server into this
 * side's server. The pairing handshakes record the role themselves. An entry without the field
 * (written by an implementation that does not know roles, or by {@link #add(byte[], String,
 * String)}) is trusted in both roles, as it is by that implementation; pairing with the peer again
 * here records the role and ends that.
 *
 * <p>Thread-safe. {@link #inMemory()} gives a store that lives only in this object (tests,
 * ephemeral servers): no file, no lock file. {@link #close()} ends a store of either kind: every
 * later operation fails with {@link IllegalStateException}.
 */
public final class TrustedPeers implements Closeable {

  /**
   * Monitors shared by every instance on the same file in this JVM (file locks are per process).
   */
  private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final List<String> KNOWN_KEYS =
      List.of(
          "public_key",
          "name",
          "paired_at",
          "description",
          "description_override",
          "last_host",
          "last_port",
          "roles");

  private final Path file;
  private final Path lockFile;
  private final ReentrantLock lock;
  private List<TrustedPeer> memory; // only for in-memory stores, guarded by lock
  private volatile PrivateFiles.BeforeRename beforeRename = PrivateFiles.NO_HOOK;
  private volatile boolean closed;

  private TrustedPeers(Path file) {
    this.file = file;
    if (file == null) {
      this.lockFile = null;
      this.lock = new ReentrantLock();
      this.memory = new ArrayList<>();
    } else {
      this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
      this.lock = LOCKS.computeIfAbsent(file, p -> new ReentrantLock());
    }
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
    return new TrustedPeers(file.toAbsolutePath().normalize());
  }

  /** A store held in memory only, starting empty. */
  public static TrustedPeers inMemory() {
    return new TrustedPeers(null);
  }

  /** The file, or empty for an in-memory store. */
  public Optional<Path> path() {
    return Optional.ofNullable(file);
  }

  /**
   * All entries, in file order.
   *
   * @throws IllegalStateException if the store is closed
   */
  public List<TrustedPeer> list() throws IOException {
    checkOpen();
    if (file == null) {
      lock.lock();
      try {
        return List.copyOf(memory);
      } finally {
        lock.unlock();
      }
    }
    return List.copyOf(read());
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
    lock.lock();
    try {
      closed = true;
      if (file == null) {
        memory = List.of();
      }
    } finally {
      lock.unlock();
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException(this + " is closed");
    }
  }

  /** Test hook: runs between writing the temporary file and renaming it over the store. */
  void beforeRename(PrivateFiles.BeforeRename hook) {
    this.beforeRename = hook;
  }

  @Override
  public String toString() {
    return "TrustedPeers[" + (file == null ? "in memory" : file) + "]";
  }

  // ---------------------------------------------------------------- storage

  @FunctionalInterface
  private interface Change {
    /** Modifies the list in place; returns whether anything changed (and must be written). */
    boolean apply(List<TrustedPeer> peers);
  }

  private boolean modify(Change change) throws IOException {
    lock.lock();
    try {
      checkOpen();
      if (file == null) {
        List<TrustedPeer> copy = new ArrayList<>(memory);
        boolean changed = change.apply(copy);
        if (changed) {
          memory = copy;
        }
        return changed;
      }
      PrivateFiles.createPrivateDirectories(file.getParent());
      try (FileChannel channel = openLockFile();
          FileLock ignored = channel.lock()) {
        List<TrustedPeer> peers = read();
        boolean changed = change.apply(peers);
        if (changed) {
          PrivateFiles.replace(file, serialize(peers), beforeRename);
        }
        return changed;
      }
    } finally {
      lock.unlock();
    }
  }

  private FileChannel openLockFile() throws IOException {
    if (!Files.exists(lockFile)) {
      try {
        if (PrivateFiles.posix(lockFile)) {
          Files.createFile(
              lockFile,
              java.nio.file.attribute.PosixFilePermissions.asFileAttribute(PrivateFiles.FILE_MODE));
        } else {
          Files.createFile(lockFile);
        }
      } catch (java.nio.file.FileAlreadyExistsException e) {
        // Another writer created it first: fine.
      }
    }
    return FileChannel.open(lockFile, StandardOpenOption.WRITE);
  }

  private List<TrustedPeer> read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new ArrayList<>();
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new CorruptTrustStoreException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new CorruptTrustStoreException(file, "empty file (expected a JSON array)", null);
    }
    if (!root.isArray()) {
      throw new CorruptTrustStoreException(
          file, "expected a JSON array, got " + root.getNodeType(), null);
    }
    List<TrustedPeer> peers = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      peers.add(parseEntry(root.get(i), i));
    }
    return peers;
  }

  private TrustedPeer parseEntry(JsonNode node, int index) throws CorruptTrustStoreException {
    String where = "entry " + index;
    if (!node.isObject()) {
      throw new CorruptTrustStoreException(
          file, where + ": expected an object, got " + node.getNodeType(), null);
    }
    JsonNode key = node.get("public_key");
    if (key == null || !key.isTextual()) {
      throw new CorruptTrustStoreException(
          file, where + ".public_key: expected 64 hex characters", null);
    }
    String hex = key.asText();
    Map<String, Object> extra = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!KNOWN_KEYS.contains(field.getKey())) {
        extra.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
      }
    }
    try {
      return new TrustedPeer(
          hex,
          text(node, "name", where, false),
          number(node, "paired_at", where),
          text(node, "description", where, false),
          text(node, "description_override", where, false),
          text(node, "last_host", where, true),
          port(node, where),
          roles(node, where),
          extra);
    } catch (IllegalArgumentException e) {
      throw new CorruptTrustStoreException(file, where + ": " + e.getMessage(), e);
    }
  }

  private String text(JsonNode node, String field, String where, boolean nullable)
      throws CorruptTrustStoreException {
    JsonNode value = node.get(field);
    if (value == null || (value.isNull() && nullable)) {
      return nullable ? null : "";
    }
    if (value.isNull()) {
      return "";
    }
    if (!value.isTextual()) {
      throw new CorruptTrustStoreException(
          file, where + "." + field + ": expected a string, got " + value.getNodeType(), null);
    }
    return value.asText();
  }

  private double number(JsonNode node, String field, String where)
      throws CorruptTrustStoreException {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return 0.0;
    }
    if (!value.isNumber()) {
      throw new CorruptTrustStoreException(
          file, where + "." + field + ": expected a number, got " + value.getNodeType(), null);
    }
    return value.asDouble();
  }

  private Integer port(JsonNode node, String where) throws CorruptTrustStoreException {
    JsonNode value = node.get("last_port");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      throw new CorruptTrustStoreException(
          file, where + ".last_port: expected an integer or null, got " + value, null);
    }
    return value.asInt();
  }

  /**
   * The recorded roles, or {@code null} when the entry has no {@code roles} field. Role names this
   * version does not know grant nothing here (and are not written back).
   */
  private Set<PeerRole> roles(JsonNode node, String where) throws CorruptTrustStoreException {
    JsonNode value = node.get("roles");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isArray()) {
      throw new CorruptTrustStoreException(
          file, where + ".roles: expected an array of strings, got " + value.getNodeType(), null);
    }
    Set<PeerRole> roles = EnumSet.noneOf(PeerRole.class);
    for (JsonNode role : value) {
      if (!role.isTextual()) {
        throw new CorruptTrustStoreException(
            file, where + ".roles: expected strings, got " + role.getNodeType(), null);
      }
      PeerRole.fromWireName(role.asText()).ifPresent(roles::add);
    }
    return roles;
  }

  private static byte[] serialize(List<TrustedPeer> peers) throws IOException {
    ArrayNode array = JSON.createArrayNode();
    for (TrustedPeer p : peers) {
      ObjectNode o = array.addObject();
      o.put("public_key", p.publicKeyHex());
      o.put("name", p.name());
      o.put("paired_at", p.pairedAt());
      o.put("description", p.description());
      o.put("description_override", p.descriptionOverride());
      if (p.lastHost() == null) {
        o.putNull("last_host");
      } else {
        o.put("last_host", p.lastHost());
      }
      if (p.lastPort() == null) {
        o.putNull("last_port");
      } else {
        o.put("last_port", p.lastPort());
      }
      if (p.roles() != null) {
        ArrayNode roles = o.putArray("roles");
        p.roles().forEach(role -> roles.add(role.wireName()));
      }
      for (Map.Entry<String, Object> e : p.extra().entrySet()) {
        if (!KNOWN_KEYS.contains(e.getKey())) {
          o.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
      }
    }
    byte[] json = JSON.writeValueAsBytes(array);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = '\n';
    return withNewline;
  }
}

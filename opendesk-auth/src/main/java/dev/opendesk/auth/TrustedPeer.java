package dev.opendesk.auth;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the {@link TrustedPeers} store (PROTOCOL.md §5).
 *
 * @param publicKeyHex the peer's static public key as 64 lower-case hex characters (upper-case
 *     input is normalised)
 * @param name a local name for the peer ({@code ""} when unknown)
 * @param pairedAt when the pairing happened, in seconds since the epoch
 * @param description the peer's self-description, as cached from its most recent HELLO
 * @param descriptionOverride a label the local user set; wins over {@code description} when
 *     non-empty
 * @param lastHost the host the peer was last reached at, or {@code null}
 * @param lastPort the port the peer was last reached at, or {@code null}
 * @param roles the roles the peer paired in (see {@link PeerRole}), or {@code null} when the entry
 *     records none: entries written by implementations that do not know roles, which are trusted in
 *     both roles for compatibility ({@link #trustedAs(PeerRole)}); an empty set trusts the peer in
 *     neither role
 * @param extra entry keys this version does not know, preserved on every rewrite (JSON values as
 *     maps, lists, strings, numbers, booleans and nulls)
 *     <p>Immutable and thread-safe.
 */
public record TrustedPeer(
    String publicKeyHex,
    String name,
    double pairedAt,
    String description,
    String descriptionOverride,
    @Nullable String lastHost,
    @Nullable Integer lastPort,
    Set<PeerRole> roles,
    Map<String, Object> extra) {

  /** Validates and normalises; {@code null} strings become {@code ""} (except {@code lastHost}). */
  public TrustedPeer {
    Objects.requireNonNull(publicKeyHex, "publicKeyHex");
    if (publicKeyHex.length() != 64 || !isHex(publicKeyHex)) {
      throw new IllegalArgumentException(
          "publicKeyHex: expected 64 hex characters, got \"" + publicKeyHex + "\"");
    }
    publicKeyHex = publicKeyHex.toLowerCase(Locale.ROOT);
    name = name == null ? "" : name;
    description = description == null ? "" : description;
    descriptionOverride = descriptionOverride == null ? "" : descriptionOverride;
    if (lastPort != null && (lastPort < 0 || lastPort > 65535)) {
      throw new IllegalArgumentException("lastPort: expected 0-65535, got " + lastPort);
    }
    roles = roles == null ? null : copyOf(roles);
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /**
   * An entry that records no roles (trusted in both, like entries written by implementations that
   * do not know roles); kept for callers of the constructor from before roles.
   */
  public TrustedPeer(
      String publicKeyHex,
      String name,
      double pairedAt,
      String description,
      String descriptionOverride,
      String lastHost,
      Integer lastPort,
      Map<String, Object> extra) {
    this(
        publicKeyHex,
        name,
        pairedAt,
        description,
        descriptionOverride,
        lastHost,
        lastPort,
        null,
        extra);
  }

  /**
   * A fresh entry for {@code publicKey} paired now, with no description, no address and no recorded
   * role (prefer {@link #of(byte[], PeerRole, String)}).
   */
  public static TrustedPeer of(byte[] publicKey, String name) {
    return new TrustedPeer(
        hex(publicKey),
        name,
        System.currentTimeMillis() / 1000.0,
        "",
        "",
        null,
        null,
        null,
        Map.of());
  }

  /** A fresh entry for {@code publicKey} paired now in {@code role}, with no description. */
  public static TrustedPeer of(byte[] publicKey, PeerRole role, String name) {
    Objects.requireNonNull(role, "role");
    return of(publicKey, name).withRoles(Set.of(role));
  }

  /**
   * Whether the peer is trusted in {@code role}: it paired in that role, or the entry records no
   * roles at all ({@link #roles()} is {@code null}: written by an implementation that does not know
   * them, so trusted in both roles as there).
   */
  public boolean trustedAs(PeerRole role) {
    Objects.requireNonNull(role, "role");
    return roles == null || roles.contains(role);
  }

  /** The 32-byte public key (a new array). */
  public byte[] publicKey() {
    return HexFormat.of().parseHex(publicKeyHex);
  }

  /** The public key's fingerprint ({@link Identity#fingerprint(byte[])}). */
  public String fingerprint() {
    return Identity.fingerprint(publicKey());
  }

  /** {@code descriptionOverride} if non-empty, else {@code description}. */
  public String effectiveDescription() {
    return descriptionOverride.isEmpty() ? description : descriptionOverride;
  }

  /** Whether this entry is for {@code publicKey}. */
  public boolean matches(byte[] publicKey) {
    return publicKey != null
        && publicKey.length == Identity.KEY_SIZE
        && publicKeyHex.equals(hex(publicKey));
  }

  /** A copy with another name. */
  public TrustedPeer withName(String newName) {
    return new TrustedPeer(
        publicKeyHex,
        newName,
        pairedAt,
        description,
        descriptionOverride,
        lastHost,
        lastPort,
        roles,
        extra);
  }

  /** A copy with another cached description. */
  public TrustedPeer withDescription(String newDescription) {
    return new TrustedPeer(
        publicKeyHex,
        name,
        pairedAt,
        newDescription,
        descriptionOverride,
        lastHost,
        lastPort,
        roles,
        extra);
  }

  /** A copy with another description override ({@code ""} clears it). */
  public TrustedPeer withDescriptionOverride(String newOverride) {
    return new TrustedPeer(
        publicKeyHex, name, pairedAt, description, newOverride, lastHost, lastPort, roles, extra);
  }

  /** A copy with another last-seen address ({@code null}s clear it). */
  public TrustedPeer withLastSeen(String host, Integer port) {
    return new TrustedPeer(
        publicKeyHex, name, pairedAt, description, descriptionOverride, host, port, roles, extra);
  }

  /** A copy with another pairing time. */
  public TrustedPeer withPairedAt(double newPairedAt) {
    return new TrustedPeer(
        publicKeyHex,
        name,
        newPairedAt,
        description,
        descriptionOverride,
        lastHost,
        lastPort,
        roles,
        extra);
  }

  /**
   * A copy that also records {@code role}. An entry that recorded no roles records exactly {@code
   * role} afterwards: a pairing made here is the truth about the peer, and the implicit trust in
   * both roles was only for compatibility.
   */
  public TrustedPeer withRole(PeerRole role) {
    Objects.requireNonNull(role, "role");
    EnumSet<PeerRole> next = EnumSet.of(role);
    if (roles != null) {
      next.addAll(roles);
    }
    return withRoles(next);
  }

  /**
   * A copy with exactly {@code newRoles} ({@code null}: records no roles, see {@link #roles()}).
   */
  public TrustedPeer withRoles(Set<PeerRole> newRoles) {
    return new TrustedPeer(
        publicKeyHex,
        name,
        pairedAt,
        description,
        descriptionOverride,
        lastHost,
        lastPort,
        newRoles,
        extra);
  }

  private static Set<PeerRole> copyOf(Collection<PeerRole> roles) {
    for (PeerRole role : roles) {
      Objects.requireNonNull(role, "roles: null element");
    }
    return roles.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(roles));
  }

  static String hex(byte[] publicKey) {
    Objects.requireNonNull(publicKey, "publicKey");
    if (publicKey.length != Identity.KEY_SIZE) {
      throw new IllegalArgumentException(
          "publicKey: expected " + Identity.KEY_SIZE + " bytes, got " + publicKey.length);
    }
    return HexFormat.of().formatHex(publicKey);
  }

  private static boolean isHex(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }
}

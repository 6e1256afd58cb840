package dev.opendesk.auth;

import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
    String lastHost,
    Integer lastPort,
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
    extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  /** A fresh entry for {@code publicKey} paired now, with no description and no address. */
  public static TrustedPeer of(byte[] publicKey, String name) {
    return new TrustedPeer(
        hex(publicKey), name, System.currentTimeMillis() / 1000.0, "", "", null, null, Map.of());
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
        extra);
  }

  /** A copy with another description override ({@code ""} clears it). */
  public TrustedPeer withDescriptionOverride(String newOverride) {
    return new TrustedPeer(
        publicKeyHex, name, pairedAt, description, newOverride, lastHost, lastPort, extra);
  }

  /** A copy with another last-seen address ({@code null}s clear it). */
  public TrustedPeer withLastSeen(String host, Integer port) {
    return new TrustedPeer(
        publicKeyHex, name, pairedAt, description, descriptionOverride, host, port, extra);
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
        extra);
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

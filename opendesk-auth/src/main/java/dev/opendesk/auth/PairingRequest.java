package dev.opendesk.auth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link PairingApprover} is asked about: a peer that has just completed a pairing and whose
 * first encrypted message has opened under the new session keys.
 *
 * @param publicKey the peer's static public key (32 bytes; the accessor returns a copy)
 * @param fingerprint the key's fingerprint, to compare with what the peer's screen shows
 * @param name the name the peer announced (its HELLO {@code principal}), or {@code ""}
 * @param description the peer's self-description (its HELLO {@code capabilities.description}), or
 *     {@code ""}
 *     <p>Immutable and thread-safe.
 */
public record PairingRequest(
    byte[] publicKey, String fingerprint, String name, String description) {

  /** Copies the key and checks the fields. */
  public PairingRequest {
    publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    Objects.requireNonNull(fingerprint, "fingerprint");
    name = name == null ? "" : name;
    description = description == null ? "" : description;
  }

  /** The peer's static public key (a copy). */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PairingRequest r
        && Arrays.equals(publicKey, r.publicKey)
        && fingerprint.equals(r.fingerprint)
        && name.equals(r.name)
        && description.equals(r.description);
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(publicKey), fingerprint, name, description);
  }

  @Override
  public String toString() {
    return "PairingRequest[fingerprint="
        + fingerprint
        + ", name="
        + name
        + ", description="
        + description
        + "]";
  }
}

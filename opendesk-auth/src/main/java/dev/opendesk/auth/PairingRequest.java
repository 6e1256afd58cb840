package dev.opendesk.auth;

import java.util.Arrays;
import java.util.Objects;

/**
 * What a {@link PairingApprover} is asked about: a peer that has just completed a pairing and whose
 * first encrypted message has opened under the new session keys.
 *
 * <p>{@code name} and {@code description} are the peer's own choice: they arrive cleaned (control,
 * format and other invisible characters replaced by {@code ?}, cut to 64 and 256 characters), but a
 * peer can still pick a name that reads like someone else's, or like a fingerprint. Show {@link
 * #fingerprint()} first, as {@link #toString()} does.
 *
 * <p>Immutable and thread-safe.
 *
 * @param publicKey the peer's static public key (32 bytes; the accessor returns a copy)
 * @param fingerprint the key's fingerprint, to compare with what the peer's screen shows
 * @param name the name the peer announced (its HELLO {@code principal}), cleaned, or {@code ""}
 * @param description the peer's self-description (its HELLO {@code capabilities.description}),
 *     cleaned, or {@code ""}
 */
public record PairingRequest(
    byte[] publicKey, String fingerprint, String name, String description) {

  /** Copies the key, checks the fields and cleans the peer's text (see above). */
  public PairingRequest {
    publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    Objects.requireNonNull(fingerprint, "fingerprint");
    name = PeerText.printable(name, PeerText.MAX_NAME);
    description = PeerText.printable(description, PeerText.MAX_DESCRIPTION);
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

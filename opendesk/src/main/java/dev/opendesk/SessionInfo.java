package dev.opendesk;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * One connected, authenticated peer of an {@link OpendeskServer}.
 *
 * @param publicKey the peer's static public key (32 bytes; the accessor returns a copy)
 * @param fingerprint the key's fingerprint, safe to show and log
 * @param name the name the peer announced in its HELLO ({@code principal}), or {@code ""}
 * @param remoteAddress where the connection came from, e.g. {@code 127.0.0.1:50312}
 * @param connectedSince when the session became ready
 * @param paired whether this session began with a pairing (first contact) rather than an
 *     authentication
 *     <p>Immutable and thread-safe.
 */
public record SessionInfo(
    byte[] publicKey,
    String fingerprint,
    String name,
    String remoteAddress,
    Instant connectedSince,
    boolean paired) {

  /** Checks the fields and copies the key. */
  public SessionInfo {
    publicKey = Objects.requireNonNull(publicKey, "publicKey").clone();
    Objects.requireNonNull(fingerprint, "fingerprint");
    name = name == null ? "" : name;
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    Objects.requireNonNull(connectedSince, "connectedSince");
  }

  /** The peer's static public key (a copy). */
  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SessionInfo s
        && Arrays.equals(publicKey, s.publicKey)
        && fingerprint.equals(s.fingerprint)
        && name.equals(s.name)
        && remoteAddress.equals(s.remoteAddress)
        && connectedSince.equals(s.connectedSince)
        && paired == s.paired;
  }

  @Override
  public int hashCode() {
    return Objects.hash(Arrays.hashCode(publicKey), fingerprint, remoteAddress, connectedSince);
  }

  @Override
  public String toString() {
    return "SessionInfo[" + fingerprint + " \"" + name + "\" from " + remoteAddress + "]";
  }
}

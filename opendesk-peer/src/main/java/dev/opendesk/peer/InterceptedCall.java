package dev.opendesk.peer;

import java.util.HexFormat;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The call a {@link CallInterceptor} is shown.
 *
 * @param direction whether this side serves the call or makes it
 * @param method the method called
 * @param stream whether it is a stream call
 * @param remotePublicKey the other side's authenticated static key (32 bytes; the accessor returns
 *     a copy), or {@code null} when the connection is not authenticated
 *     <p>Immutable and thread-safe.
 */
public record InterceptedCall(
    Direction direction, String method, boolean stream, byte @Nullable [] remotePublicKey) {

  /** Which side of the call this is. */
  public enum Direction {
    /** The remote called us: we serve the call. */
    INBOUND,
    /** We call the remote. */
    OUTBOUND
  }

  /** Checks the fields and copies the key. */
  public InterceptedCall {
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(method, "method");
    remotePublicKey = remotePublicKey == null ? null : remotePublicKey.clone();
  }

  /** The remote's static key (a copy), or {@code null}. */
  @Override
  public byte @Nullable [] remotePublicKey() {
    return remotePublicKey == null ? null : remotePublicKey.clone();
  }

  /**
   * The remote key's fingerprint as PROTOCOL.md §5 defines it (its first 8 bytes as lower-case hex,
   * in four groups of four joined by {@code :}), or {@code ""} when the connection is not
   * authenticated.
   */
  public String remoteFingerprint() {
    if (remotePublicKey == null || remotePublicKey.length < 8) {
      return "";
    }
    String hex = HexFormat.of().formatHex(remotePublicKey, 0, 8);
    return String.join(
        ":", hex.substring(0, 4), hex.substring(4, 8), hex.substring(8, 12), hex.substring(12));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InterceptedCall c
        && direction == c.direction
        && method.equals(c.method)
        && stream == c.stream
        && java.util.Arrays.equals(remotePublicKey, c.remotePublicKey);
  }

  @Override
  public int hashCode() {
    return Objects.hash(direction, method, stream, java.util.Arrays.hashCode(remotePublicKey));
  }

  @Override
  public String toString() {
    return "InterceptedCall["
        + direction
        + " "
        + method
        + (stream ? " (stream)" : "")
        + (remotePublicKey == null ? "" : " with " + remoteFingerprint())
        + "]";
  }
}

package dev.opendesk.protocol;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * HELLO: the first frame each side sends on a session. A HELLO whose {@code error} is not {@code
 * null} rejects the session.
 *
 * @param role the sender's role
 * @param principal who the sender acts for, {@code ""} by default
 * @param auth application-defined authentication data, {@code {}} by default
 * @param capabilities the sender's capability manifest, {@code {}} by default; by convention its
 *     {@code "capabilities"} entry lists the method names the sender serves
 * @param error a rejection, or {@code null} (the key is left out on the wire when {@code null})
 */
public record Hello(
    Role role,
    String principal,
    Map<String, Object> auth,
    Map<String, Object> capabilities,
    @Nullable ErrorInfo error)
    implements Frame {

  /**
   * Validates and normalises: {@code null} principal, auth and capabilities take their defaults.
   */
  public Hello {
    Objects.requireNonNull(role, "role");
    principal = principal == null ? "" : principal;
    auth = Values.readOnly(auth);
    capabilities = Values.readOnly(capabilities);
  }

  /** A plain HELLO: no principal, no auth data, no capabilities. */
  public static Hello of(Role role) {
    return new Hello(role, "", Map.of(), Map.of(), null);
  }

  /** A HELLO that rejects the session with {@code error}. */
  public static Hello rejection(Role role, ErrorInfo error) {
    return new Hello(role, "", Map.of(), Map.of(), Objects.requireNonNull(error, "error"));
  }

  /** Whether this HELLO rejects the session. */
  public boolean isRejection() {
    return error != null;
  }

  @Override
  public String type() {
    return "hello";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Hello other
        && role == other.role
        && principal.equals(other.principal)
        && Values.deepEquals(auth, other.auth)
        && Values.deepEquals(capabilities, other.capabilities)
        && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        role, principal, Values.deepHashCode(auth), Values.deepHashCode(capabilities), error);
  }

  @Override
  public String toString() {
    return "Hello[role="
        + role
        + ", principal="
        + principal
        + ", auth="
        + Values.toString(auth)
        + ", capabilities="
        + Values.toString(capabilities)
        + ", error="
        + error
        + "]";
  }
}

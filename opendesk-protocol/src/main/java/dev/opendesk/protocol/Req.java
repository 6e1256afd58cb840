package dev.opendesk.protocol;

import java.util.Map;
import java.util.Objects;

/**
 * REQ: a call. Unary calls get exactly one RES; stream calls ({@code stream = true}) get zero or
 * more items and a final RES.
 *
 * @param id the caller's call id, unique among its own calls, non-negative
 * @param method the method name
 * @param stream whether this is a stream call, {@code false} by default
 * @param params the parameters, {@code {}} by default
 */
public record Req(long id, String method, boolean stream, Map<String, Object> params)
    implements Frame {

  /** Validates and normalises: {@code null} params become {@code {}}. */
  public Req {
    Frames.requireId(id);
    Objects.requireNonNull(method, "method");
    params = Values.readOnly(params);
  }

  /** A unary call. */
  public static Req unary(long id, String method, Map<String, Object> params) {
    return new Req(id, method, false, params);
  }

  /** A stream call. */
  public static Req stream(long id, String method, Map<String, Object> params) {
    return new Req(id, method, true, params);
  }

  @Override
  public String type() {
    return "req";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Req other
        && id == other.id
        && stream == other.stream
        && method.equals(other.method)
        && Values.deepEquals(params, other.params);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, method, stream, Values.deepHashCode(params));
  }

  @Override
  public String toString() {
    return "Req[id="
        + id
        + ", method="
        + method
        + ", stream="
        + stream
        + ", params="
        + Values.toString(params)
        + "]";
  }
}

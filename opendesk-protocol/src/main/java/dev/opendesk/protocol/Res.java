package dev.opendesk.protocol;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * RES: a reply. A unary call gets one RES with {@code end = true} and {@code seq = 0}; a stream
 * gets items ({@code end = false}, {@code seq} 0, 1, …) and a final RES whose {@code seq} continues
 * the count. {@code result} and {@code error} are exclusive; both {@code null} is an empty success.
 *
 * @param id the id of the call this answers
 * @param seq the position in a stream, {@code 0} by default
 * @param end whether this is the call's final RES, {@code true} by default
 * @param result the result, or {@code null}
 * @param error the error, or {@code null}
 */
public record Res(
    long id, long seq, boolean end, @Nullable Map<String, Object> result, @Nullable ErrorInfo error)
    implements Frame {

  /** Validates: non-negative id and seq, and at most one of result and error. */
  public Res {
    Frames.requireId(id);
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be non-negative: " + seq);
    }
    if (result != null && error != null) {
      throw new IllegalArgumentException("result and error are exclusive");
    }
    result = result == null ? null : Values.readOnly(result);
  }

  /** The successful reply to a unary call. */
  public static Res ok(long id, Map<String, Object> result) {
    return new Res(id, 0, true, result, null);
  }

  /** The failed reply to a unary call. */
  public static Res error(long id, ErrorInfo error) {
    return new Res(id, 0, true, null, Objects.requireNonNull(error, "error"));
  }

  /** Item {@code seq} of a stream. */
  public static Res item(long id, long seq, Map<String, Object> result) {
    return new Res(id, seq, false, Objects.requireNonNull(result, "result"), null);
  }

  /** The clean end of a stream after {@code count} items. */
  public static Res end(long id, long count) {
    return new Res(id, count, true, null, null);
  }

  /** The end of a stream after {@code count} items, with an error. */
  public static Res endWithError(long id, long count, ErrorInfo error) {
    return new Res(id, count, true, null, Objects.requireNonNull(error, "error"));
  }

  /** Whether this RES carries an error. */
  public boolean isError() {
    return error != null;
  }

  @Override
  public String type() {
    return "res";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Res other
        && id == other.id
        && seq == other.seq
        && end == other.end
        && Values.deepEquals(result, other.result)
        && Objects.equals(error, other.error);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, seq, end, Values.deepHashCode(result), error);
  }

  @Override
  public String toString() {
    return "Res[id="
        + id
        + ", seq="
        + seq
        + ", end="
        + end
        + ", result="
        + Values.toString(result)
        + ", error="
        + error
        + "]";
  }
}

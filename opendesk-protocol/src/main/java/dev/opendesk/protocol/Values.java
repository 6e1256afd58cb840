package dev.opendesk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Helpers for the value model of this package (see the package documentation): content equality
 * that compares {@code byte[]} by content, and the Jackson bridge between the map form and records
 * or POJOs. Thread-safe.
 *
 * <pre>{@code
 * record Point(long x, long y, byte[] tag) {}
 * Map<String, Object> params = Values.toMap(new Point(1, 2, new byte[] {7}));
 * Point back = Values.fromMap(params, Point.class);
 * }</pre>
 */
public final class Values {

  private static final TypeReference<Map<String, Object>> MAP_TYPE = new TypeReference<>() {};

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_LONG_FOR_INTS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .serializationInclusion(JsonInclude.Include.ALWAYS)
          .build();

  private Values() {}

  /**
   * The Jackson mapper behind {@link #toMap} and {@link #fromMap}. Register modules on a {@link
   * ObjectMapper#copy() copy}, never on this shared instance.
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Converts a record, POJO or map into the map form; {@code byte[]} stays {@code byte[]} and
   * integers become {@code Long}.
   *
   * @throws IllegalArgumentException if {@code value} does not convert to a map
   */
  public static Map<String, Object> toMap(Object value) {
    if (value == null) {
      return Map.of();
    }
    return MAPPER.convertValue(value, MAP_TYPE);
  }

  /**
   * Converts the map form into {@code type}.
   *
   * @throws IllegalArgumentException if the map does not fit {@code type}; the message names the
   *     field
   */
  public static <T> T fromMap(Map<String, ?> map, Class<T> type) {
    Objects.requireNonNull(type, "type");
    return MAPPER.convertValue(map == null ? Map.of() : map, type);
  }

  /**
   * Whether two values of the model are equal, comparing {@code byte[]} by content and recursing
   * into lists and maps. Map order does not matter; list order does.
   */
  public static boolean deepEquals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : x.entrySet()) {
        Object other = y.get(e.getKey());
        if ((other == null && !y.containsKey(e.getKey())) || !deepEquals(e.getValue(), other)) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof List<?> x && b instanceof List<?> y) {
      if (x.size() != y.size()) {
        return false;
      }
      Iterator<?> i = x.iterator();
      Iterator<?> j = y.iterator();
      while (i.hasNext()) {
        if (!deepEquals(i.next(), j.next())) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** A hash code consistent with {@link #deepEquals}. */
  public static int deepHashCode(Object value) {
    if (value == null) {
      return 0;
    }
    if (value instanceof byte[] bytes) {
      return Arrays.hashCode(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      int h = 0;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        h += Objects.hashCode(e.getKey()) ^ deepHashCode(e.getValue());
      }
      return h;
    }
    if (value instanceof List<?> list) {
      int h = 1;
      for (Object element : list) {
        h = 31 * h + deepHashCode(element);
      }
      return h;
    }
    return value.hashCode();
  }

  /**
   * A readable rendering in which {@code byte[]} shows as {@code bin(hex)}, long ones abbreviated.
   */
  public static String toString(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value);
    return out.toString();
  }

  private static void append(StringBuilder out, Object value) {
    if (value instanceof byte[] bytes) {
      int shown = Math.min(bytes.length, 32);
      out.append("bin(").append(HexFormat.of().formatHex(bytes, 0, shown));
      if (shown < bytes.length) {
        out.append("…, ").append(bytes.length).append(" bytes");
      }
      out.append(')');
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      String sep = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(sep).append(e.getKey()).append('=');
        append(out, e.getValue());
        sep = ", ";
      }
      out.append('}');
    } else if (value instanceof List<?> list) {
      out.append('[');
      String sep = "";
      for (Object element : list) {
        out.append(sep);
        append(out, element);
        sep = ", ";
      }
      out.append(']');
    } else if (value instanceof String s) {
      out.append('"').append(s).append('"');
    } else {
      out.append(value);
    }
  }

  /**
   * {@code null} becomes an empty map; a decoded map is immutable already; anything else is wrapped
   * read-only (not copied).
   */
  static Map<String, Object> readOnly(Map<String, Object> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (map instanceof DecodedMap) {
      return map;
    }
    return Collections.unmodifiableMap(map);
  }
}

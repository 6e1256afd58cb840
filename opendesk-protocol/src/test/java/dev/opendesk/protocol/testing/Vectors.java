package dev.opendesk.protocol.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the byte-exact vectors of the original implementation (copied from {@code shared/vectors}
 * into the test resources, shipped in the test-jar) and converts their JSON conventions into the
 * value model: {@code {"$bin": hex}} is {@code byte[]}, numbers with a fraction are {@code Double},
 * other numbers {@code Long} or {@code BigInteger}, key order kept.
 */
public final class Vectors {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Vectors() {}

  /** The parsed file {@code vectors/<name>}, e.g. {@code frames.json}. */
  public static JsonNode load(String name) {
    try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no vector file " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Lower-case hex to bytes. */
  public static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  /** A JSON string node holding lower-case hex, to bytes. */
  public static byte[] hex(JsonNode node) {
    return hex(node.asText());
  }

  /** Bytes to lower-case hex. */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** A vector's JSON value in the value model. */
  public static Object value(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isObject()) {
      if (node.size() == 1 && node.has("$bin")) {
        return hex(node.get("$bin").asText());
      }
      Map<String, Object> map = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> e = fields.next();
        map.put(e.getKey(), value(e.getValue()));
      }
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(element -> list.add(value(element)));
      return list;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isFloatingPointNumber()) {
      return node.doubleValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    return node.asText();
  }

  /** A vector's JSON value as a map. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(JsonNode node) {
    return (Map<String, Object>) value(node);
  }
}

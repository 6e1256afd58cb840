package dev.opendesk.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON for the command-line tools: parses JSON arguments into the protocol's value model and
 * renders values as JSON, showing {@code byte[]} as base64 strings. An input object of the single
 * form {@code {"$base64": "..."}} stands for bytes, so bytes can be sent from the command line too.
 */
final class JsonValues {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper OUTPUT =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .registerModule(new SimpleModule().addSerializer(byte[].class, new Base64Serializer()));

  private JsonValues() {}

  /**
   * Parses a JSON object into a map of the value model.
   *
   * @throws IllegalArgumentException if the text is not a JSON object
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parseObject(String json) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected a JSON object, got: " + json);
    }
    return (Map<String, Object>) value(node);
  }

  /** Renders a value of the model as one line of JSON, bytes as base64. */
  static String render(Object value) {
    try {
      return OUTPUT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot render " + value, e);
    }
  }

  private static Object value(JsonNode node) {
    if (node.isObject()) {
      if (node.size() == 1 && node.has("$base64") && node.get("$base64").isTextual()) {
        return Base64.getDecoder().decode(node.get("$base64").asText());
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
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    return node.asText();
  }

  private static final class Base64Serializer extends StdSerializer<byte[]> {
    Base64Serializer() {
      super(byte[].class);
    }

    @Override
    public void serialize(
        byte[] value,
        com.fasterxml.jackson.core.JsonGenerator gen,
        com.fasterxml.jackson.databind.SerializerProvider provider)
        throws IOException {
      gen.writeString(Base64.getEncoder().encodeToString(value));
    }
  }
}

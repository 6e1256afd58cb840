package dev.opendesk.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code trusted-peers.json} document (PROTOCOL.md §5, plus the {@code roles} field of {@link
 * PeerRole}): parses it strictly, naming the entry and field of every error, and writes it with
 * every known field and every unknown key preserved. Stateless and thread-safe.
 */
final class TrustStoreFormat {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private static final List<String> KNOWN_KEYS =
      List.of(
          "public_key",
          "name",
          "paired_at",
          "description",
          "description_override",
          "last_host",
          "last_port",
          "roles");

  private TrustStoreFormat() {}

  /**
   * The entries of {@code bytes}, in document order.
   *
   * @param file named in errors
   * @throws CorruptTrustStoreException if {@code bytes} is not a valid document
   */
  static List<TrustedPeer> parse(byte[] bytes, Path file) throws CorruptTrustStoreException {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw new CorruptTrustStoreException(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new CorruptTrustStoreException(file, "unreadable: " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new CorruptTrustStoreException(file, "empty file (expected a JSON array)", null);
    }
    if (!root.isArray()) {
      throw new CorruptTrustStoreException(
          file, "expected a JSON array, got " + root.getNodeType(), null);
    }
    List<TrustedPeer> peers = new ArrayList<>(root.size());
    for (int i = 0; i < root.size(); i++) {
      peers.add(new Entry(file, "entry " + i).parse(root.get(i)));
    }
    return peers;
  }

  /** The document holding {@code peers}, ending in a newline. */
  static byte[] serialize(List<TrustedPeer> peers) throws IOException {
    ArrayNode array = JSON.createArrayNode();
    for (TrustedPeer p : peers) {
      ObjectNode o = array.addObject();
      o.put("public_key", p.publicKeyHex());
      o.put("name", p.name());
      o.put("paired_at", p.pairedAt());
      o.put("description", p.description());
      o.put("description_override", p.descriptionOverride());
      if (p.lastHost() == null) {
        o.putNull("last_host");
      } else {
        o.put("last_host", p.lastHost());
      }
      if (p.lastPort() == null) {
        o.putNull("last_port");
      } else {
        o.put("last_port", p.lastPort());
      }
      if (p.roles() != null) {
        ArrayNode roles = o.putArray("roles");
        p.roles().forEach(role -> roles.add(role.wireName()));
      }
      for (Map.Entry<String, Object> e : p.extra().entrySet()) {
        if (!KNOWN_KEYS.contains(e.getKey())) {
          o.set(e.getKey(), JSON.valueToTree(e.getValue()));
        }
      }
    }
    byte[] json = JSON.writeValueAsBytes(array);
    byte[] withNewline = new byte[json.length + 1];
    System.arraycopy(json, 0, withNewline, 0, json.length);
    withNewline[json.length] = '\n';
    return withNewline;
  }

  /** One entry being parsed: where it is, for the errors. */
  private record Entry(Path file, String where) {

    TrustedPeer parse(JsonNode node) throws CorruptTrustStoreException {
      if (!node.isObject()) {
        throw corrupt(": expected an object, got " + node.getNodeType());
      }
      JsonNode key = node.get("public_key");
      if (key == null || !key.isTextual()) {
        throw corrupt(".public_key: expected 64 hex characters");
      }
      Map<String, Object> extra = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (!KNOWN_KEYS.contains(field.getKey())) {
          extra.put(field.getKey(), JSON.convertValue(field.getValue(), Object.class));
        }
      }
      try {
        return new TrustedPeer(
            key.asText(),
            text(node, "name", false),
            number(node, "paired_at"),
            text(node, "description", false),
            text(node, "description_override", false),
            text(node, "last_host", true),
            port(node),
            roles(node),
            extra);
      } catch (IllegalArgumentException e) {
        throw new CorruptTrustStoreException(file, where + ": " + e.getMessage(), e);
      }
    }

    private String text(JsonNode node, String field, boolean nullable)
        throws CorruptTrustStoreException {
      JsonNode value = node.get(field);
      if (value == null || (value.isNull() && nullable)) {
        return nullable ? null : "";
      }
      if (value.isNull()) {
        return "";
      }
      if (!value.isTextual()) {
        throw corrupt("." + field + ": expected a string, got " + value.getNodeType());
      }
      return value.asText();
    }

    private double number(JsonNode node, String field) throws CorruptTrustStoreException {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        return 0.0;
      }
      if (!value.isNumber()) {
        throw corrupt("." + field + ": expected a number, got " + value.getNodeType());
      }
      return value.asDouble();
    }

    private Integer port(JsonNode node) throws CorruptTrustStoreException {
      JsonNode value = node.get("last_port");
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isIntegralNumber() || !value.canConvertToInt()) {
        throw corrupt(".last_port: expected an integer or null, got " + value);
      }
      return value.asInt();
    }

    /**
     * The recorded roles, or {@code null} when the entry has no {@code roles} field. Role names
     * this version does not know grant nothing here (and are not written back).
     */
    private Set<PeerRole> roles(JsonNode node) throws CorruptTrustStoreException {
      JsonNode value = node.get("roles");
      if (value == null || value.isNull()) {
        return null;
      }
      if (!value.isArray()) {
        throw corrupt(".roles: expected an array of strings, got " + value.getNodeType());
      }
      Set<PeerRole> roles = EnumSet.noneOf(PeerRole.class);
      for (JsonNode role : value) {
        if (!role.isTextual()) {
          throw corrupt(".roles: expected strings, got " + role.getNodeType());
        }
        PeerRole.fromWireName(role.asText()).ifPresent(roles::add);
      }
      return roles;
    }

    private CorruptTrustStoreException corrupt(String detail) {
      return new CorruptTrustStoreException(file, where + detail, null);
    }
  }
}

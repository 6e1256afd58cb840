package dev.opendesk.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import org.bouncycastle.util.encoders.Hex;

/** Read access to {@code shared/vectors/pair2.json}, copied to {@code pair2/pair2.json}. */
final class Pair2Vectors {

  static final JsonNode ROOT = load();

  private Pair2Vectors() {}

  private static JsonNode load() {
    try (InputStream in = Pair2Vectors.class.getResourceAsStream("/pair2/pair2.json")) {
      if (in == null) {
        throw new IllegalStateException("pair2/pair2.json missing from the test resources");
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The node at a JSON pointer, which must exist. */
  static JsonNode at(String pointer) {
    JsonNode node = ROOT.at(pointer);
    if (node.isMissingNode()) {
      throw new IllegalArgumentException("no " + pointer + " in pair2.json");
    }
    return node;
  }

  /** The text at a JSON pointer. */
  static String text(String pointer) {
    return at(pointer).asText();
  }

  /** The hex string at a JSON pointer, decoded. */
  static byte[] hex(String pointer) {
    return Hex.decode(text(pointer));
  }

  /** The big-endian scalar at a JSON pointer. */
  static BigInteger scalar(String pointer) {
    return new BigInteger(1, hex(pointer));
  }

  static String toHex(byte[] bytes) {
    return Hex.toHexString(bytes);
  }
}

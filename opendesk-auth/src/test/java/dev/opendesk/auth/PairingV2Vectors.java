package dev.opendesk.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.testing.Vectors;
import java.math.BigInteger;
import org.bouncycastle.util.encoders.Hex;

/** Read access to {@code vectors/pair2.json} by JSON pointer. */
final class PairingV2Vectors {

  static final JsonNode ROOT = Vectors.load("pair2.json");

  private PairingV2Vectors() {}

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

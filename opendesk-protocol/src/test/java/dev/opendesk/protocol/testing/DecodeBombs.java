package dev.opendesk.protocol.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Messages that are small on the wire and huge once decoded (issue #14, High 1): a map whose last
 * field is an array of empty maps, one byte each. Written byte by byte, since the codec itself
 * refuses to produce them.
 */
public final class DecodeBombs {
  private DecodeBombs() {}

  /**
   * {@code {v:1, type:"req", id:1, method:"echo", stream:false, params:{x:[k × {}]}}} of about
   * {@code size} bytes.
   */
  public static byte[] reqWithEmptyMaps(int size) {
    byte[] head =
        concat(
            header(6, "type", "req"),
            key("id"),
            new byte[] {0x01},
            key("method"),
            str("echo"),
            key("stream"),
            new byte[] {(byte) 0xc2},
            key("params"),
            new byte[] {(byte) 0x81},
            key("x"));
    return withEmptyMaps(head, size);
  }

  /** {@code {v:1, kind:<kind>, x:[k × {}]}} of about {@code size} bytes. */
  public static byte[] handshakeWithEmptyMaps(String kind, int size) {
    return withEmptyMaps(concat(header(3, "kind", kind), key("x")), size);
  }

  /**
   * {@code head} followed by an array32 of empty maps (0x80) that brings the message to {@code
   * size} bytes.
   */
  private static byte[] withEmptyMaps(byte[] head, int size) {
    int count = size - head.length - 5;
    byte[] message = Arrays.copyOf(head, size);
    int at = head.length;
    message[at++] = (byte) 0xdd;
    message[at++] = (byte) (count >>> 24);
    message[at++] = (byte) (count >>> 16);
    message[at++] = (byte) (count >>> 8);
    message[at++] = (byte) count;
    Arrays.fill(message, at, size, (byte) 0x80);
    return message;
  }

  /** A fixmap header of {@code entries}, then {@code v: 1} and {@code <field>: <value>}. */
  private static byte[] header(int entries, String field, String value) {
    return concat(
        new byte[] {(byte) (0x80 | entries)}, key("v"), new byte[] {0x01}, key(field), str(value));
  }

  private static byte[] key(String key) {
    return str(key);
  }

  private static byte[] str(String s) {
    byte[] ascii = s.getBytes(StandardCharsets.US_ASCII);
    return concat(new byte[] {(byte) (0xa0 | ascii.length)}, ascii);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

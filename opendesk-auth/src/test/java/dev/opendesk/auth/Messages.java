package dev.opendesk.auth;

import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Role;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builders for raw handshake messages and frames in tests. */
final class Messages {

  private Messages() {}

  /** A msgpack map with the given keys and values, in order. */
  static byte[] map(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return FrameCodec.standard().encodeMap(map);
  }

  /** {@code {v: 1, kind: "auth_hello", e, s}}, as a client (or an impostor) sends it. */
  static byte[] authHello(byte[] e, byte[] s) {
    return map("v", 1, "kind", "auth_hello", "e", e, "s", s);
  }

  static byte[] bytes(int length, int fill) {
    byte[] b = new byte[length];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }

  /** A HELLO frame with a principal and a description, as a peer sends first after a handshake. */
  static byte[] hello(Role role, String principal, String description) {
    return FrameCodec.standard()
        .encode(new Hello(role, principal, Map.of(), Map.of("description", description), null));
  }
}

package dev.opendesk.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The request payloads every unary scenario sends, the same for opendesk and its peers.
 *
 * <p>Immutable and thread-safe.
 */
public enum Payloads {
  /** A small request: {@code {"x": 1, "y": 2}}. */
  SMALL(small()),
  /** A 4 KiB bin payload: {@code {"data": <4096 bytes>}}. */
  BIN_4K(bin(4096));

  private final Map<String, Object> map;

  Payloads(Map<String, Object> map) {
    this.map = map;
  }

  /** The payload as a map in the opendesk value model; do not modify it. */
  public Map<String, Object> map() {
    return map;
  }

  /** {@code {"data": <size bytes>}}, bytes from a fixed seed so every run sends the same frame. */
  public static Map<String, Object> bin(int size) {
    byte[] data = new byte[size];
    new SplittableRandom(size).nextBytes(data);
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("data", data);
    return java.util.Collections.unmodifiableMap(map);
  }

  private static Map<String, Object> small() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("x", 1L);
    map.put("y", 2L);
    return java.util.Collections.unmodifiableMap(map);
  }
}

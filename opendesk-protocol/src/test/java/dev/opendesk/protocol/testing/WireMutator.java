package dev.opendesk.protocol.testing;

import dev.opendesk.protocol.CodecException;
import dev.opendesk.protocol.FrameCodec;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded mutations of valid wire messages (frames and handshake messages), for fuzzing every layer
 * with inputs close enough to valid traffic to get past the first check. Two families:
 *
 * <ul>
 *   <li>byte-level: flips, random bytes, truncation, inserted msgpack headers (favouring huge
 *       length headers), deletions, runs of {@code 0xff}, invalid UTF-8 inside a str;
 *   <li>structural (on the decoded map, re-encoded): a field removed, set to another type, set to
 *       nil, a bin resized or bit-flipped, an integer made negative or beyond 2^63, {@code v}
 *       changed, {@code type}/{@code kind} swapped, an unknown key added, deep nesting, a non-map
 *       message.
 * </ul>
 *
 * <p>Each call draws from the caller's {@link Random}, so a sequence of mutations is reproducible
 * from its seed. Not thread-safe (the {@code Random} is the caller's). Shipped in the test-jar.
 */
public final class WireMutator {

  private static final FrameCodec CODEC = FrameCodec.standard();
  // Encodes what the standard codec refuses to (nesting beyond its limit), so receivers see it.
  private static final FrameCodec LENIENT_ENCODER =
      FrameCodec.withLimits(FrameCodec.DEFAULT_MAX_MESSAGE_SIZE, 1024);
  private static final List<String> TYPES =
      List.of("hello", "req", "res", "cancel", "push", "HELLO", "", "reqx");
  private static final List<String> KINDS =
      List.of(
          "pair_hello",
          "pair_offer",
          "pair_finish",
          "auth_hello",
          "auth_offer",
          "pair2_hello",
          "",
          "auth_hellO");

  private final Random random;

  /** A mutator drawing from {@code random}. */
  public WireMutator(Random random) {
    this.random = random;
  }

  /** One to four mutations of either family. The input is not modified. */
  public byte[] mutate(byte[] message) {
    return random.nextInt(3) == 0 ? mutateBytes(message) : mutateStructure(message);
  }

  /** One to four byte-level mutations. The input is not modified. */
  public byte[] mutateBytes(byte[] message) {
    byte[] out = message.clone();
    int mutations = 1 + random.nextInt(4);
    for (int m = 0; m < mutations && out.length > 0; m++) {
      int at = random.nextInt(out.length);
      switch (random.nextInt(7)) {
        case 0 -> out[at] ^= (byte) (1 << random.nextInt(8));
        case 1 -> out[at] = (byte) random.nextInt(256);
        case 2 -> out = Arrays.copyOf(out, at);
        case 3 -> out = insert(out, at, hugeHeader());
        case 4 -> {
          for (int k = at; k < Math.min(out.length, at + 4); k++) {
            out[k] = (byte) 0xff;
          }
        }
        case 5 ->
            out =
                insert(
                    out,
                    at,
                    new byte[] {(byte) 0xa2, (byte) 0xc3, (byte) 0x28}); // str with invalid UTF-8
        default -> {
          byte[] shorter = new byte[out.length - 1];
          System.arraycopy(out, 0, shorter, 0, at);
          System.arraycopy(out, at + 1, shorter, at, out.length - at - 1);
          out = shorter;
        }
      }
    }
    return out;
  }

  /**
   * One to three structural mutations of the decoded map, re-encoded; falls back to byte-level
   * mutation when the message is not a map (or a mutation produced an unencodable value).
   */
  public byte[] mutateStructure(byte[] message) {
    Map<String, Object> map;
    try {
      map = new LinkedHashMap<>(CODEC.decodeMap(message));
    } catch (CodecException e) {
      return mutateBytes(message);
    }
    int mutations = 1 + random.nextInt(3);
    for (int m = 0; m < mutations; m++) {
      if (random.nextInt(20) == 0) {
        return notAMap();
      }
      mutateMap(map);
    }
    try {
      return LENIENT_ENCODER.encodeMap(map);
    } catch (IllegalArgumentException e) {
      return mutateBytes(message);
    }
  }

  private void mutateMap(Map<String, Object> map) {
    List<String> keys = new ArrayList<>(map.keySet());
    String key = keys.isEmpty() ? "v" : keys.get(random.nextInt(keys.size()));
    switch (random.nextInt(9)) {
      case 0 -> map.remove(key);
      case 1 -> map.put(key, otherValue());
      case 2 -> map.put(key, null);
      case 3 -> map.put(key, mutateValue(map.get(key)));
      case 4 -> map.put("v", random.nextBoolean() ? (Object) (long) (random.nextInt(5) - 1) : "1");
      case 5 -> {
        if (map.containsKey("kind")) {
          map.put("kind", KINDS.get(random.nextInt(KINDS.size())));
        } else {
          map.put("type", TYPES.get(random.nextInt(TYPES.size())));
        }
      }
      case 6 -> map.put("x-unknown-" + random.nextInt(4), otherValue());
      case 7 -> map.put(key, deep(1 + random.nextInt(80)));
      default -> map.put(key, mutateValue(map.get(key)));
    }
  }

  /**
   * A value of the same kind, slightly wrong: resized or flipped bin, negative or huge integer,
   * etc.
   */
  private Object mutateValue(Object value) {
    if (value instanceof byte[] bytes) {
      return switch (random.nextInt(4)) {
        case 0 -> Arrays.copyOf(bytes, random.nextInt(bytes.length + 2));
        case 1 -> Arrays.copyOf(bytes, bytes.length + 1 + random.nextInt(40));
        case 2 -> new byte[0];
        default -> {
          byte[] flipped = bytes.clone();
          if (flipped.length > 0) {
            flipped[random.nextInt(flipped.length)] ^= (byte) (1 << random.nextInt(8));
          }
          yield flipped;
        }
      };
    }
    if (value instanceof Long n) {
      return switch (random.nextInt(5)) {
        case 0 -> -1L - random.nextInt(3);
        case 1 -> Long.MIN_VALUE;
        case 2 -> BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(random.nextInt(3)));
        case 3 -> n + 1;
        default -> Long.MAX_VALUE;
      };
    }
    if (value instanceof String s) {
      return switch (random.nextInt(3)) {
        case 0 -> "";
        case 1 -> s + "\u0000";
        default -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8); // str as bin
      };
    }
    if (value instanceof Boolean b) {
      return random.nextBoolean() ? (Object) (b ? 1L : 0L) : String.valueOf(b);
    }
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> copy = new LinkedHashMap<>();
      m.forEach((k, v) -> copy.put((String) k, v));
      mutateMap(copy);
      return copy;
    }
    return otherValue();
  }

  private Object otherValue() {
    return switch (random.nextInt(9)) {
      case 0 -> (long) random.nextInt(1000);
      case 1 -> -7L;
      case 2 -> "9";
      case 3 -> new byte[random.nextInt(40)];
      case 4 -> random.nextDouble();
      case 5 -> List.of(1L, "a");
      case 6 -> Map.of("k", 1L);
      case 7 -> random.nextBoolean();
      default -> BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    };
  }

  private Object deep(int levels) {
    Object value = 1L;
    for (int i = 0; i < levels; i++) {
      value = random.nextBoolean() ? List.of(value) : Map.of("d", value);
    }
    return value;
  }

  private byte[] notAMap() {
    return switch (random.nextInt(4)) {
      case 0 -> new byte[] {(byte) 0x93, 1, 2, 3};
      case 1 -> new byte[] {(byte) 0xa3, 'r', 'e', 'q'};
      case 2 -> new byte[] {(byte) 0xc0};
      default -> new byte[] {(byte) 0xc4, 0x01, 0x00};
    };
  }

  private byte[] hugeHeader() {
    return switch (random.nextInt(6)) {
      case 0 ->
          new byte[] {(byte) 0xdd, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe}; // array32
      case 1 -> new byte[] {(byte) 0xdf, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // map32
      case 2 ->
          new byte[] {(byte) 0xc6, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}; // bin32
      case 3 ->
          new byte[] {(byte) 0xdb, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}; // str32
      case 4 ->
          new byte[] {
            (byte) 0xcf,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff,
            (byte) 0xff
          }; // uint64 max
      default -> new byte[] {(byte) (0xc4 + random.nextInt(0x1c))}; // any header byte
    };
  }

  private static byte[] insert(byte[] into, int at, byte[] what) {
    byte[] out = new byte[into.length + what.length];
    System.arraycopy(into, 0, out, 0, at);
    System.arraycopy(what, 0, out, at, what.length);
    System.arraycopy(into, at, out, at + what.length, into.length - at);
    return out;
  }
}

package dev.opendesk.protocol.testing;

import dev.opendesk.protocol.Cancel;
import dev.opendesk.protocol.ErrorCode;
import dev.opendesk.protocol.ErrorInfo;
import dev.opendesk.protocol.Frame;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Push;
import dev.opendesk.protocol.Req;
import dev.opendesk.protocol.Res;
import dev.opendesk.protocol.Role;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Seeded generators of frames and values in the model, for property tests. Shipped in the test-jar.
 */
public final class RandomFrames {
  private final Random random;

  /** A generator whose output is fully determined by {@code seed}. */
  public RandomFrames(long seed) {
    this.random = new Random(seed);
  }

  /** A random frame of a random type. */
  public Frame frame() {
    return switch (random.nextInt(5)) {
      case 0 ->
          new Hello(
              random.nextBoolean() ? Role.CLIENT : Role.SERVER,
              string(),
              map(2),
              map(2),
              random.nextInt(4) == 0 ? error() : null);
      case 1 -> new Req(id(), string(), random.nextBoolean(), map(3));
      case 2 -> {
        boolean failed = random.nextInt(3) == 0;
        yield new Res(
            id(),
            id(),
            random.nextBoolean(),
            failed || random.nextInt(4) == 0 ? null : map(3),
            failed ? error() : null);
      }
      case 3 -> new Cancel(id(), string());
      default -> new Push(string(), map(3));
    };
  }

  /** A random error with a known or unknown code. */
  public ErrorInfo error() {
    String code =
        random.nextInt(4) == 0
            ? "custom_" + random.nextInt(100)
            : ErrorCode.values()[random.nextInt(ErrorCode.values().length)].wire();
    return new ErrorInfo(code, string(), map(2));
  }

  private long id() {
    return switch (random.nextInt(4)) {
      case 0 -> random.nextInt(128);
      case 1 -> random.nextInt(70_000);
      case 2 -> Long.MAX_VALUE;
      default -> random.nextLong() & Long.MAX_VALUE;
    };
  }

  /** A random map nested at most {@code depth} more levels. */
  public Map<String, Object> map(int depth) {
    int size = random.nextInt(6);
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < size; i++) {
      map.put(string(), value(depth));
    }
    return map;
  }

  private Object value(int depth) {
    int kind = random.nextInt(depth > 0 ? 11 : 9);
    return switch (kind) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> (long) random.nextInt();
      case 3 -> random.nextLong();
      case 4 -> new BigInteger(64, random).setBit(63);
      case 5 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 6 -> string();
      case 7, 8 -> bytes();
      case 9 -> map(depth - 1);
      default -> {
        List<Object> list = new ArrayList<>();
        int size = random.nextInt(5);
        for (int i = 0; i < size; i++) {
          list.add(value(depth - 1));
        }
        yield list;
      }
    };
  }

  private byte[] bytes() {
    int size =
        switch (random.nextInt(4)) {
          case 0 -> 0;
          case 1 -> random.nextInt(32);
          case 2 -> 200 + random.nextInt(100);
          default -> 65_530 + random.nextInt(12);
        };
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  private String string() {
    int size = random.nextInt(random.nextInt(10) == 0 ? 300 : 12);
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < size; i++) {
      s.appendCodePoint(
          switch (random.nextInt(4)) {
            case 0 -> 0xe9;
            case 1 -> 0x1F600;
            default -> 'a' + random.nextInt(26);
          });
    }
    return s.toString();
  }
}

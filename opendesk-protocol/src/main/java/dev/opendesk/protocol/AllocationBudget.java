package dev.opendesk.protocol;

/**
 * How many maps and arrays one message may build, checked before anything is built.
 *
 * <p>A container is the one thing whose decoded size is out of proportion to its encoding: an empty
 * map is one byte on the wire and about a hundred bytes of heap, so 15 MiB of them used to cost 1.5
 * GiB to decode. A message of {@code n} bytes may therefore hold at most {@link #ALLOWANCE} plus
 * {@code n /} {@link #BYTES_PER_CONTAINER} maps and arrays (its own map included); that keeps the
 * heap a decoded message takes within a small multiple of its size, like that of ordinary values. A
 * message of up to {@link #ALLOWANCE} bytes cannot exceed it (every container takes at least one
 * byte) and is not scanned.
 *
 * <p>{@link #check} walks the msgpack headers iteratively, skipping str and bin payloads, with no
 * recursion and no allocation (the caller lends the stack of open containers), and stops as soon as
 * the budget is exceeded, so a hostile message is refused after reading a fraction of it. Anything
 * else wrong with the message (truncation, a reserved byte, a length header beyond the message,
 * nesting beyond the limit) ends the walk silently: the decoder reports it, with its own error.
 * Stateless and thread-safe.
 */
final class AllocationBudget {

  /** Maps and arrays any message may hold, whatever its size. */
  static final int ALLOWANCE = 256;

  /** One more map or array is allowed for every this many bytes of message. */
  static final int BYTES_PER_CONTAINER = 4;

  private AllocationBudget() {}

  /** The number of maps and arrays a message of {@code size} bytes may hold. */
  static long containersAllowed(int size) {
    return ALLOWANCE + (long) size / BYTES_PER_CONTAINER;
  }

  /**
   * Throws if the message holds more maps and arrays than {@link #containersAllowed} its size.
   * Nesting beyond {@code maxDepth} ends the walk (the decoder reports it).
   *
   * @param levels scratch space of at least {@code maxDepth + 1} entries, reused by the caller
   * @throws CodecException naming the message size and the budget
   */
  static void check(byte[] message, int maxDepth, long[] levels) {
    int length = message.length;
    if (length <= ALLOWANCE) {
      return;
    }
    long allowed = containersAllowed(length);
    long containers = 0;
    // levels[d]: values still to read in the innermost open container at nesting d (0: the message)
    int level = 0;
    levels[0] = 1;
    int pos = 0;
    while (pos < length) {
      while (levels[level] == 0) {
        if (level == 0) {
          return;
        }
        level--;
      }
      levels[level]--;
      int b = message[pos++] & 0xff;
      long elements;
      if (b <= 0x7f || b >= 0xe0) { // positive and negative fixint
        continue;
      } else if (b <= 0x8f) {
        elements = 2L * (b & 0x0f);
      } else if (b <= 0x9f) {
        elements = b & 0x0f;
      } else if (b <= 0xbf) {
        pos += b & 0x1f;
        continue;
      } else if (b == 0xdc || b == 0xde) {
        if (pos + 2 > length) {
          return;
        }
        elements = uint(message, pos, 2) * (b == 0xde ? 2 : 1);
        pos += 2;
      } else if (b == 0xdd || b == 0xdf) {
        if (pos + 4 > length) {
          return;
        }
        elements = uint(message, pos, 4) * (b == 0xdf ? 2 : 1);
        pos += 4;
      } else {
        pos = skipScalar(message, pos, b);
        if (pos < 0) {
          return;
        }
        continue;
      }
      if (level + 1 > maxDepth || elements > length - pos) {
        return; // too deep, or claims more than the message holds: the decoder says which
      }
      if (++containers > allowed) {
        throw overBudget(length, allowed);
      }
      if (elements > 0) {
        levels[++level] = elements;
      }
    }
  }

  /**
   * The position after the scalar whose first byte {@code b} was just read (clamped to the end of
   * the message), or -1 for the reserved byte 0xc1.
   */
  private static int skipScalar(byte[] message, int pos, int b) {
    return switch (b) {
      case 0xc0, 0xc2, 0xc3 -> pos;
      case 0xcc, 0xd0 -> pos + 1;
      case 0xcd, 0xd1, 0xd4 -> pos + 2;
      case 0xd5 -> pos + 3;
      case 0xca, 0xce, 0xd2 -> pos + 4;
      case 0xd6 -> pos + 5;
      case 0xcb, 0xcf, 0xd3 -> pos + 8;
      case 0xd7 -> pos + 9;
      case 0xd8 -> pos + 17;
      case 0xc4, 0xd9 -> skip(message, pos, 1, 0);
      case 0xc5, 0xda -> skip(message, pos, 2, 0);
      case 0xc6, 0xdb -> skip(message, pos, 4, 0);
      case 0xc7 -> skip(message, pos, 1, 1);
      case 0xc8 -> skip(message, pos, 2, 1);
      case 0xc9 -> skip(message, pos, 4, 1);
      default -> -1;
    };
  }

  /**
   * The position after a str, bin or ext whose length header of {@code lengthBytes} starts at
   * {@code pos}, followed by {@code typeBytes} of ext type; beyond the message if it is truncated.
   */
  private static int skip(byte[] message, int pos, int lengthBytes, int typeBytes) {
    if (pos + lengthBytes > message.length) {
      return message.length;
    }
    long end = pos + lengthBytes + typeBytes + uint(message, pos, lengthBytes);
    return (int) Math.min(end, message.length);
  }

  private static long uint(byte[] message, int pos, int bytes) {
    long value = 0;
    for (int i = 0; i < bytes; i++) {
      value = (value << 8) | (message[pos + i] & 0xff);
    }
    return value;
  }

  private static CodecException overBudget(int length, long allowed) {
    // Built without string concatenation: its first use bootstraps an invokedynamic call site,
    // allocating megabytes on a path that hostile input reaches.
    return new CodecException(
        new StringBuilder("a message of ")
            .append(length)
            .append(" bytes holds more than ")
            .append(allowed)
            .append(" maps and arrays (allowed: ")
            .append(ALLOWANCE)
            .append(" plus one per ")
            .append(BYTES_PER_CONTAINER)
            .append(" bytes)")
            .toString());
  }
}

package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.testing.DecodeBombs;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget of maps and arrays per message (issue #14, High 1): a message of empty maps is refused
 * before anything is built, while ordinary messages, however large, decode as before.
 */
class FrameCodecBudgetTest {
  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static final int BOMB_SIZE = 15 * 1024 * 1024;

  @Test
  void aReqWhoseParamsAre15MiBOfEmptyMapsIsRefusedAllocatingAlmostNothing() {
    byte[] bomb = DecodeBombs.reqWithEmptyMaps(BOMB_SIZE);

    assertThatThrownBy(() -> CODEC.decode(bomb))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("a message of " + BOMB_SIZE + " bytes holds more than")
        .hasMessageContaining("maps and arrays");
    assertThat(allocatedRefusing(() -> CODEC.decode(bomb))).isLessThan(16 * 1024);
  }

  @Test
  void aHandshakeMapOf15MiBOfEmptyMapsIsRefusedByDecodeMapAllocatingAlmostNothing() {
    byte[] bomb = DecodeBombs.handshakeWithEmptyMaps("auth_hello", BOMB_SIZE);

    assertThatThrownBy(() -> CODEC.decodeMap(bomb))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("maps and arrays");
    assertThat(allocatedRefusing(() -> CODEC.decodeMap(bomb))).isLessThan(16 * 1024);
  }

  @Test
  void aMessageWithExactlyTheAllowedMapsAndArraysDecodes() {
    byte[] message = atBudget(0);

    Req req = (Req) CODEC.decode(message);

    assertThat((List<?>) req.params().get("x")).hasSize(CONTAINERS_AT_BUDGET - 3);
  }

  @Test
  void oneMapMoreThanAllowedIsRefused() {
    byte[] message = atBudget(1);

    assertThatThrownBy(() -> CODEC.decode(message))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("holds more than " + CONTAINERS_AT_BUDGET + " maps and arrays");
  }

  @Test
  void theLargestMessageTheBudgetAcceptsCostsAtMost32BytesOfHeapPerByte() {
    byte[] message = atBudget(0);
    CODEC.decode(message); // class loading and the thread's reader do not count

    long before = THREADS.getCurrentThreadAllocatedBytes();
    Frame frame = CODEC.decode(message);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

    assertThat(frame).isInstanceOf(Req.class);
    assertThat(allocated).isLessThan(32L * message.length);
  }

  @Test
  void aLargeListOfSmallRecordsIsWithinTheBudget() {
    List<Object> records = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      records.add(Map.of("id", (long) (i % 100)));
    }
    Req req = Req.unary(1, "put", Map.of("records", records));

    assertThat(CODEC.decode(CODEC.encode(req))).isEqualTo(req);
  }

  /** Containers in {@link #atBudget}{@code (0)}: its size allows exactly this many. */
  private static final int CONTAINERS_AT_BUDGET = 2256;

  /**
   * A REQ of 8000 + {@code extra} bytes whose params hold a bin (padding) and an array of empty
   * maps, {@code extra} more than the budget of an 8000-byte message allows: the frame, params, the
   * array and {@code CONTAINERS_AT_BUDGET - 3 + extra} maps.
   */
  private static byte[] atBudget(int extra) {
    int maps = CONTAINERS_AT_BUDGET - 3;
    int pad = 8000 - withPadding(300, maps).length + 300;
    byte[] message = withPadding(pad, maps + extra);
    assertThat(message.length).isEqualTo(8000 + extra);
    assertThat(AllocationBudget.containersAllowed(8000)).isEqualTo(CONTAINERS_AT_BUDGET);
    return message;
  }

  private static byte[] withPadding(int pad, int maps) {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("pad", new byte[pad]);
    params.put("x", Collections.nCopies(maps, Map.of()));
    return CODEC.encode(Req.unary(1, "echo", params));
  }

  /**
   * Bytes allocated by a second refusal (the first one's class loading does not count); the refusal
   * must be a {@link CodecException}.
   */
  private static long allocatedRefusing(Runnable decode) {
    boolean refused = false;
    long before = THREADS.getCurrentThreadAllocatedBytes();
    try {
      decode.run();
    } catch (CodecException expected) {
      refused = true;
    }
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(refused).as("refused with a CodecException").isTrue();
    return allocated;
  }
}

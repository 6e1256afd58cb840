package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.testing.FuzzBudget;
import dev.opendesk.protocol.testing.RandomFrames;
import dev.opendesk.protocol.testing.RobustnessFigures;
import dev.opendesk.protocol.testing.Vectors;
import dev.opendesk.protocol.testing.WireMutator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of the codec over seeded random frames and byte strings; the seed is in each test's
 * name.
 */
@Timeout(120)
class FrameCodecPropertyTest {
  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private static byte[] junk(Random random) {
    byte[] junk = new byte[random.nextInt(64)];
    random.nextBytes(junk);
    if (junk.length > 0 && random.nextBoolean()) {
      junk[0] =
          (byte) (0x80 | random.nextInt(16)); // a fixmap start, to get deeper into the decoder
    }
    return junk;
  }

  private static final RobustnessFigures FIGURES = new RobustnessFigures("codec");
  private static final RobustnessFigures.Row RANDOM = FIGURES.row("codec", "random bytes");
  private static final RobustnessFigures.Row MUTATED =
      FIGURES.row("codec", "byte-mutated valid frames");
  private static final RobustnessFigures.Row STRUCTURAL =
      FIGURES.row("codec", "structurally mutated valid frames");

  /**
   * 40 seeds in {@code mvn verify}; {@code -Pfuzz} or {@code -Dopendesk.fuzz.tries=N} runs more.
   */
  static LongStream seeds() {
    return FuzzBudget.seeds(40);
  }

  @AfterAll
  static void writeFigures() {
    FIGURES.write();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void decodeOfEncodeIsTheSameFrame(long seed) {
    RandomFrames random = new RandomFrames(seed);
    for (int i = 0; i < 50; i++) {
      Frame frame = random.frame();
      byte[] encoded = CODEC.encode(frame);
      Frame decoded = CODEC.decode(encoded);
      assertThat(decoded).isEqualTo(frame);
      assertThat(decoded.hashCode()).isEqualTo(frame.hashCode());
      assertThat(CODEC.encode(decoded)).isEqualTo(encoded);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void randomBytesYieldAFrameOrACodecException(long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < 500; i++) {
      assertDecodeIsSafe(junk(random), RANDOM);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void mutatedValidFramesYieldAFrameOrACodecException(long seed) {
    WireMutator mutator = new WireMutator(new Random(seed));
    RandomFrames frames = new RandomFrames(seed);
    for (int i = 0; i < 100; i++) {
      assertDecodeIsSafe(mutator.mutateBytes(CODEC.encode(frames.frame())), MUTATED);
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void structurallyMutatedValidFramesYieldAFrameOrACodecException(long seed) {
    WireMutator mutator = new WireMutator(new Random(seed));
    RandomFrames frames = new RandomFrames(seed);
    for (int i = 0; i < 100; i++) {
      assertDecodeIsSafe(mutator.mutateStructure(CODEC.encode(frames.frame())), STRUCTURAL);
    }
  }

  private static void assertDecodeIsSafe(byte[] input, RobustnessFigures.Row row) {
    row.tried();
    if (decodeOrReject(input)) {
      row.accepted();
    } else {
      row.rejected("CodecException");
    }
    // Measured on the second run so one-time class loading on a new failure path does not count.
    long before = THREADS.getCurrentThreadAllocatedBytes();
    decodeOrReject(input);
    long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated)
        .as("bytes allocated decoding %s", Vectors.hex(input))
        .isLessThan(64 * 1024 + 64L * input.length);
  }

  /**
   * Whether {@code input} decoded; any exception other than {@link CodecException} fails the test.
   */
  private static boolean decodeOrReject(byte[] input) {
    try {
      Frame frame = CODEC.decode(input);
      assertThat(frame).isNotNull();
      return true;
    } catch (CodecException expected) {
      assertThat(expected.getMessage()).isNotBlank();
      return false;
    }
  }

  @Test
  @Timeout(5)
  void hugeArrayHeaderInATinyMessageFailsWithoutAllocating() {
    // {"v": [array32 of 4 294 967 295 elements ...
    byte[] message = Vectors.hex("81a176ddfffffffe01");
    long before = THREADS.getCurrentThreadAllocatedBytes();
    assertThatThrownBy(() -> CODEC.decode(message)).isInstanceOf(CodecException.class);
    assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).isLessThan(64 * 1024);
  }

  @Test
  void hugeMapBinAndStrHeadersFailFast() {
    for (String hex :
        List.of("df7fffffff01", "81a178c6ffffffff00", "81a178dbfffffff061", "81a178c5ffff00")) {
      long before = THREADS.getCurrentThreadAllocatedBytes();
      assertThatThrownBy(() -> CODEC.decode(Vectors.hex(hex)))
          .as(hex)
          .isInstanceOf(CodecException.class);
      assertThat(THREADS.getCurrentThreadAllocatedBytes() - before).as(hex).isLessThan(64 * 1024);
    }
  }

  @Test
  void lengthHeaderBeyondTheIntRangeSaysSo() {
    // {"v": <array32 of 4 294 967 294 elements>}: msgpack-core reports this size without a message.
    assertThatThrownBy(() -> CODEC.decode(Vectors.hex("81a176ddfffffffe01")))
        .isInstanceOf(CodecException.class)
        .hasMessage("a length header claims 4294967294 elements or bytes, beyond the message");
  }

  @Test
  void nestingUpToTheLimitIsAcceptedAndBeyondRejected() {
    FrameCodec codec = FrameCodec.withLimits(1 << 20, 8);
    // push frame is depth 1, payload depth 2; add maps down to depth 8 (accepted) and 9 (rejected).
    assertThat(codec.decode(CODEC.encode(new Push("t", nested(6)))))
        .isEqualTo(new Push("t", nested(6)));
    assertThatThrownBy(() -> codec.decode(CODEC.encode(new Push("t", nested(7)))))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("nesting deeper than 8");
  }

  @Test
  void deeplyNestedArraysAreRejectedWithoutStackOverflow() {
    byte[] message = new byte[100_000];
    message[0] = (byte) 0x81;
    message[1] = (byte) 0xa1;
    message[2] = 'v';
    java.util.Arrays.fill(message, 3, message.length, (byte) 0x91);
    assertThatThrownBy(() -> CODEC.decode(message))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("nesting deeper than 64");
  }

  @Test
  void encodingBeyondTheDepthLimitNamesTheField() {
    FrameCodec codec = FrameCodec.withLimits(1 << 20, 4);
    assertThatThrownBy(() -> codec.encode(new Push("t", nested(4))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("push.payload.k");
  }

  @Test
  void messagesOverTheSizeLimitAreRejectedBothWays() {
    FrameCodec codec = FrameCodec.withLimits(100, 64);
    Push big = new Push("t", java.util.Map.of("b", new byte[200]));
    assertThatThrownBy(() -> codec.encode(big))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exceeds the limit of 100");
    assertThatThrownBy(() -> codec.decode(CODEC.encode(big)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("exceeds the limit of 100");
  }

  @Test
  void unsupportedValueTypesAreRejectedNamingTheField() {
    Req req = Req.unary(1, "m", java.util.Map.of("when", new Object()));
    assertThatThrownBy(() -> CODEC.encode(req))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("req.params.when: unsupported value type java.lang.Object");
  }

  @Test
  void strNeverDecodesToBytesNorBinToString() {
    Push push =
        new Push(
            "t",
            java.util.Map.of(
                "s", "abc", "b", "abc".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Push back = (Push) CODEC.decode(CODEC.encode(push));
    assertThat(back.payload().get("s")).isInstanceOf(String.class);
    assertThat(back.payload().get("b")).isInstanceOf(byte[].class);
  }

  @Test
  void codecIsSafeUnderConcurrentUse() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      long seed = 1000 + t;
      threads.add(
          new Thread(
              () -> {
                try {
                  decodeOfEncodeIsTheSameFrame(seed);
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    assertThat(failures).isEmpty();
  }

  private static java.util.Map<String, Object> nested(int levels) {
    java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
    map.put("leaf", 1L);
    for (int i = 0; i < levels; i++) {
      java.util.Map<String, Object> outer = new java.util.LinkedHashMap<>();
      outer.put("k" + i, map);
      map = outer;
    }
    return map;
  }
}

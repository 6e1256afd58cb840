package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Map;

/**
 * Coverage-guided fuzzing of the codec with Jazzer. In {@code mvn verify} each target runs once per
 * input committed under {@code src/test/resources/dev/opendesk/protocol/FrameCodecFuzzTestInputs/}
 * (seeds and every crash reproducer: regression mode); {@code -Pjazzer} fuzzes for real (see
 * docs/robustness.md).
 *
 * <p>Properties: any input decodes or is refused with a {@link CodecException}, nothing else; what
 * decodes is re-encoded and decodes to the same value (the codec is its own oracle).
 */
class FrameCodecFuzzTest {
  private static final FrameCodec CODEC = FrameCodec.standard();

  @FuzzTest(maxDuration = "3m")
  void decode(byte[] input) {
    Frame frame;
    try {
      frame = CODEC.decode(input);
    } catch (CodecException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(CODEC.decode(CODEC.encode(frame))).isEqualTo(frame);
  }

  @FuzzTest(maxDuration = "3m")
  void decodeMap(byte[] input) {
    Map<String, Object> map;
    try {
      map = CODEC.decodeMap(input);
    } catch (CodecException refused) {
      assertThat(refused.getMessage()).isNotBlank();
      return;
    }
    assertThat(Values.deepEquals(CODEC.decodeMap(CODEC.encodeMap(map)), map)).isTrue();
  }
}

package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.testing.Vectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The maps and arrays the decoder builds behave as the value model says: ordered, immutable. */
class DecodedValuesTest {
  private static final FrameCodec CODEC = FrameCodec.standard();

  @Test
  void aRepeatedKeyKeepsItsFirstPlaceAndTakesTheLastValue() {
    // {"a":1,"b":2,"a":3}
    Map<String, Object> map = CODEC.decodeMap(Vectors.hex("83a16101a16202a16103"));

    assertThat(map).containsExactly(Map.entry("a", 3L), Map.entry("b", 2L));
  }

  @Test
  void smallAndLargeMapsKeepTheWireOrder() {
    for (int size : new int[] {1, 8, 9, 40}) {
      Map<String, Object> sent = new LinkedHashMap<>();
      for (int i = size; i > 0; i--) {
        sent.put("k" + i, (long) i);
      }

      Map<String, Object> decoded = CODEC.decodeMap(CODEC.encodeMap(sent));

      assertThat(decoded.keySet()).as("size %d", size).containsExactlyElementsOf(sent.keySet());
      assertThat(decoded).isEqualTo(sent).hasSameHashCodeAs(sent);
    }
  }

  @Test
  void decodedMapsAndArraysAreImmutable() {
    Req req = Req.unary(1, "m", Map.of("list", List.of(1L, 2L), "map", Map.of("x", 1L)));
    Req decoded = (Req) CODEC.decode(CODEC.encode(req));

    assertThatThrownBy(() -> decoded.params().put("y", 2L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<?>) decoded.params().get("list")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> inner = (Map<String, Object>) decoded.params().get("map");
    assertThatThrownBy(() -> inner.remove("x")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aDecodedMapLooksUpAbsentAndNilValuesAsAMapDoes() {
    // {"n":nil}
    Map<String, Object> map = CODEC.decodeMap(Vectors.hex("81a16ec0"));

    assertThat(map.containsKey("n")).isTrue();
    assertThat(map.get("n")).isNull();
    assertThat(map.containsKey("absent")).isFalse();
  }
}

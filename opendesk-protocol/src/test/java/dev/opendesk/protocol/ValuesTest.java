package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  record Blob(String name, long size, byte[] data, List<String> tags) {}

  @Test
  void recordWithBytesRoundTripsThroughTheMapForm() {
    Blob blob = new Blob("a", 3, new byte[] {1, 2, 3}, List.of("x"));
    Map<String, Object> map = Values.toMap(blob);
    assertThat(map.get("data")).isInstanceOf(byte[].class);
    assertThat(map.get("size")).isEqualTo(3L);
    Blob back = Values.fromMap(map, Blob.class);
    assertThat(back.data()).containsExactly(1, 2, 3);
    assertThat(back.name()).isEqualTo("a");
  }

  @Test
  void mapFormOfARecordSurvivesTheWireAndBindsBack() {
    Blob blob = new Blob("b", 1, new byte[] {9}, List.of());
    FrameCodec codec = FrameCodec.standard();
    Req decoded = (Req) codec.decode(codec.encode(Req.unary(1, "put", Values.toMap(blob))));
    assertThat(Values.fromMap(decoded.params(), Blob.class).data()).containsExactly(9);
  }

  @Test
  void bindingAMapThatDoesNotFitNamesTheField() {
    assertThatThrownBy(() -> Values.fromMap(Map.of("size", "many"), Blob.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
  }

  @Test
  void deepEqualsComparesBytesByContentAndIgnoresMapOrder() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("x", new byte[] {1});
    a.put("y", List.of(new byte[] {2}));
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("y", List.of(new byte[] {2}));
    b.put("x", new byte[] {1});
    assertThat(Values.deepEquals(a, b)).isTrue();
    assertThat(Values.deepHashCode(a)).isEqualTo(Values.deepHashCode(b));
    b.put("x", new byte[] {3});
    assertThat(Values.deepEquals(a, b)).isFalse();
  }

  @Test
  void framesWithEqualBytesAreEqual() {
    assertThat(Res.ok(1, Map.of("b", new byte[] {5})))
        .isEqualTo(Res.ok(1, Map.of("b", new byte[] {5})));
    assertThat(Res.ok(1, Map.of("b", new byte[] {5})))
        .isNotEqualTo(Res.ok(1, Map.of("b", new byte[] {6})));
  }

  @Test
  void errorCodesMapFromTheirWireStringsAndUnknownCodesSurvive() {
    for (ErrorCode code : ErrorCode.values()) {
      assertThat(ErrorCode.fromWire(code.wire())).contains(code);
    }
    ErrorInfo unknown = new ErrorInfo("quota_exceeded", "too many", Map.of("limit", 3L));
    assertThat(unknown.errorCode()).isEmpty();
    FrameCodec codec = FrameCodec.standard();
    Res back = (Res) codec.decode(codec.encode(Res.error(4, unknown)));
    assertThat(back.error()).isEqualTo(unknown);
  }

  @Test
  void recordsRejectInvalidArguments() {
    assertThatThrownBy(() -> Req.unary(-1, "m", null)).hasMessageContaining("id");
    assertThatThrownBy(() -> new Res(1, 0, true, Map.of(), ErrorInfo.of(ErrorCode.INTERNAL, "x")))
        .hasMessageContaining("exclusive");
    assertThat(new Cancel(1, null).reason()).isEmpty();
    assertThat(new Push("t", null).payload()).isEmpty();
  }
}

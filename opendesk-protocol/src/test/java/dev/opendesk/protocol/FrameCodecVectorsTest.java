package dev.opendesk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.testing.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The codec against {@code vectors/frames.json} and {@code vectors/verdicts.json}. */
class FrameCodecVectorsTest {
  private static final FrameCodec CODEC = FrameCodec.standard();

  static Stream<Arguments> canonical() {
    List<Arguments> out = new ArrayList<>();
    Vectors.load("frames.json")
        .get("canonical")
        .forEach(v -> out.add(Arguments.of(v.get("name").asText(), v)));
    return out.stream();
  }

  static Stream<Arguments> invalid() {
    JsonNode verdicts = Vectors.load("verdicts.json").get("verdicts");
    List<Arguments> out = new ArrayList<>();
    Vectors.load("frames.json")
        .get("invalid_frames")
        .forEach(
            v -> {
              String name = v.get("name").asText();
              out.add(
                  Arguments.of(
                      name,
                      v.get("msgpack_hex").asText(),
                      verdicts.get(name).get("expected").asText()));
            });
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonical")
  void canonicalFrameEncodesByteExact(String name, JsonNode vector) {
    Frame frame = frameOf(Vectors.map(vector.get("value")));
    assertThat(Vectors.hex(CODEC.encode(frame))).isEqualTo(vector.get("msgpack_hex").asText());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("canonical")
  void canonicalFrameDecodesToTheSameFrame(String name, JsonNode vector) {
    Frame expected = frameOf(Vectors.map(vector.get("value")));
    assertThat(CODEC.decode(Vectors.hex(vector.get("msgpack_hex").asText()))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("invalid")
  void oddInputGetsOurVerdict(String name, String hex, String expected) {
    byte[] message = Vectors.hex(hex);
    if (expected.equals("accept")) {
      assertThat(CODEC.decode(message)).isNotNull();
    } else {
      assertThatThrownBy(() -> CODEC.decode(message)).isInstanceOf(CodecException.class);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void rejectionNamesTheFieldWhereThereIsOne(String name, String hex, String expected) {
    String field =
        switch (name) {
          case "req_missing_id",
              "id_as_string",
              "id_as_float_integral",
              "id_as_float_fraction",
              "id_negative" ->
              "req.id";
          case "version_2", "version_missing", "version_as_string", "res_minimal" -> "frame.v";
          case "method_as_bin", "req_missing_method" -> "req.method";
          case "stream_as_int", "stream_as_string" -> "req.stream";
          case "params_not_a_map", "params_nil" -> "req.params";
          case "hello_bad_role" -> "hello.role";
          case "res_result_not_a_map" -> "res.result";
          case "push_missing_topic" -> "push.topic";
          case "cancel_missing_id" -> "cancel.id";
          case "missing_type", "type_not_a_string", "unknown_type" -> "frame.type";
          default -> null;
        };
    if (field != null) {
      assertThatThrownBy(() -> CODEC.decode(Vectors.hex(hex)))
          .isInstanceOfSatisfying(CodecException.class, e -> assertThat(e.field()).contains(field))
          .hasMessageStartingWith(field + ":");
    }
  }

  @org.junit.jupiter.api.Test
  void float32DecodesAsDouble() {
    Frame frame =
        CODEC.decode(
            Vectors.hex(
                "86a17601a474797065a3726571a2696409a66d6574686f64a46563686fa673747265616dc2a6706172616d7381a178ca3fc00000"));
    assertThat(((Req) frame).params()).containsEntry("x", 1.5d);
  }

  @org.junit.jupiter.api.Test
  void helloWithBusyErrorDecodesAsARejection() {
    JsonNode vector = find("hello_with_error_busy");
    Hello hello = (Hello) CODEC.decode(Vectors.hex(vector.get("msgpack_hex").asText()));
    assertThat(hello.isRejection()).isTrue();
    assertThat(hello.error().errorCode()).contains(ErrorCode.BUSY);
  }

  private static JsonNode find(String name) {
    for (JsonNode v : Vectors.load("frames.json").get("invalid_frames")) {
      if (v.get("name").asText().equals(name)) {
        return v;
      }
    }
    throw new IllegalArgumentException(name);
  }

  /** Builds the record a vector's value describes, without going through the decoder. */
  @SuppressWarnings("unchecked")
  static Frame frameOf(Map<String, Object> v) {
    return switch ((String) v.get("type")) {
      case "hello" ->
          new Hello(
              "client".equals(v.get("role")) ? Role.CLIENT : Role.SERVER,
              (String) v.get("principal"),
              (Map<String, Object>) v.get("auth"),
              (Map<String, Object>) v.get("capabilities"),
              errorOf(v.get("error")));
      case "req" ->
          new Req(
              (Long) v.get("id"),
              (String) v.get("method"),
              (Boolean) v.get("stream"),
              (Map<String, Object>) v.get("params"));
      case "res" ->
          new Res(
              (Long) v.get("id"),
              (Long) v.get("seq"),
              (Boolean) v.get("end"),
              (Map<String, Object>) v.get("result"),
              errorOf(v.get("error")));
      case "cancel" -> new Cancel((Long) v.get("id"), (String) v.get("reason"));
      case "push" -> new Push((String) v.get("topic"), (Map<String, Object>) v.get("payload"));
      default -> throw new IllegalArgumentException("type " + v.get("type"));
    };
  }

  @SuppressWarnings("unchecked")
  private static ErrorInfo errorOf(Object error) {
    if (error == null) {
      return null;
    }
    Map<String, Object> e = (Map<String, Object>) error;
    return new ErrorInfo(
        (String) e.get("code"), (String) e.get("message"), (Map<String, Object>) e.get("details"));
  }
}

package dev.opendesk.auth;

import static dev.opendesk.auth.PairingV2Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.FrameCodec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class PairingV2MessagesTest {

  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final byte[] HELLO = hex("/messages/0/msgpack_hex");
  private static final byte[] OFFER = hex("/messages/1/msgpack_hex");
  private static final byte[] FINISH = hex("/messages/2/msgpack_hex");

  // ------------------------------------------------------------------ writing

  @Test
  void helloIsByteExact() {
    byte[] hello =
        PairingV2Messages.encodeHello(hex("/keys/client_ephemeral/public_hex"), hex("/pA_hex"));
    assertThat(hello).hasSize(162).isEqualTo(HELLO);
  }

  @Test
  void offerIsByteExact() {
    byte[] offer =
        PairingV2Messages.encodeOffer(
            hex("/keys/server_ephemeral/public_hex"),
            hex("/pB_hex"),
            hex("/cB_hex"),
            hex("/ct1_hex"));
    assertThat(offer).hasSize(217).isEqualTo(OFFER);
  }

  @Test
  void finishIsByteExact() {
    byte[] finish = PairingV2Messages.encodeFinish(hex("/cA_hex"), hex("/ct2_hex"));
    assertThat(finish).hasSize(112).isEqualTo(FINISH);
  }

  @Test
  void wrongCodeMessagesAreByteExact() {
    byte[] pA =
        Spake2.client(
                Spake2.passwordScalar("000000"), PairingV2Vectors.scalar("/spake2_scalars/x/hex"))
            .share();
    assertThat(PairingV2Messages.encodeHello(hex("/keys/client_ephemeral/public_hex"), pA))
        .isEqualTo(hex("/wrong_code/messages/0/msgpack_hex"));
  }

  @Test
  void encodingRefusesFieldsOfTheWrongLength() {
    assertThatThrownBy(() -> PairingV2Messages.encodeHello(new byte[31], hex("/pA_hex")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e must be 32");
    assertThatThrownBy(() -> PairingV2Messages.encodeFinish(hex("/cA_hex"), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ct must be 48");
  }

  // ------------------------------------------------------------------ reading the vectors

  @Test
  void helloParses() {
    PairingV2Messages.Hello hello = PairingV2Messages.parseHello(HELLO);
    assertThat(hello.e()).isEqualTo(hex("/keys/client_ephemeral/public_hex"));
    assertThat(hello.pa()).isEqualTo(hex("/pA_hex"));
  }

  @Test
  void offerParses() {
    PairingV2Messages.Offer offer = PairingV2Messages.parseOffer(OFFER);
    assertThat(offer.e()).isEqualTo(hex("/keys/server_ephemeral/public_hex"));
    assertThat(offer.pb()).isEqualTo(hex("/pB_hex"));
    assertThat(offer.cb()).isEqualTo(hex("/cB_hex"));
    assertThat(offer.ct()).isEqualTo(hex("/ct1_hex"));
  }

  @Test
  void finishParses() {
    PairingV2Messages.Finish finish = PairingV2Messages.parseFinish(FINISH);
    assertThat(finish.ca()).isEqualTo(hex("/cA_hex"));
    assertThat(finish.ct()).isEqualTo(hex("/ct2_hex"));
  }

  @Test
  void decodeExposesTheKindForDispatch() {
    assertThat(PairingV2Messages.kind(PairingV2Messages.decode(HELLO)))
        .isEqualTo(PairingV2Messages.HELLO);
    assertThat(
            PairingV2Messages.kind(
                PairingV2Messages.decode(hex("/wrong_code/messages/1/msgpack_hex"))))
        .isEqualTo(PairingV2Messages.OFFER);
  }

  // ------------------------------------------------------------------ lenient where §2 says so

  @Test
  void keyOrderIsFreeAndUnknownKeysAreIgnored() {
    Map<String, Object> map = new LinkedHashMap<>(CODEC.decodeMap(OFFER));
    List<String> keys = new ArrayList<>(map.keySet());
    Collections.reverse(keys);
    Map<String, Object> reordered = new LinkedHashMap<>();
    reordered.put("future", List.of(1, "x"));
    for (String key : keys) {
      reordered.put(key, map.get(key));
    }
    PairingV2Messages.Offer offer = PairingV2Messages.parseOffer(CODEC.encodeMap(reordered));
    assertThat(offer.ct()).isEqualTo(hex("/ct1_hex"));
  }

  @Test
  void vInALargerIntEncodingIsAccepted() {
    // 0xcc 0x01 is uint8 1: still the integer 1.
    String hex = Hex.toHexString(FINISH).replaceFirst("^84a17601", "84a176cc01");
    assertThat(PairingV2Messages.parseFinish(Hex.decode(hex)).ca()).isEqualTo(hex("/cA_hex"));
  }

  // ------------------------------------------------------------------ envelope

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "c0",
        "91a176",
        "a3616263",
        "80",
        "81a17601",
        "82a17602a46b696e64ab70616972325f68656c6c6f",
        "82a176a131a46b696e64ab70616972325f68656c6c6f",
        "82a176cb3ff0000000000000a46b696e64ab70616972325f68656c6c6f",
        "82a17601a46b696e6401",
        "82a17601a46b696e64c40170",
        "82a17601a46b696e64a17000"
      })
  void aBadEnvelopeIsAProtocolFailure(String hex) {
    assertProtocol(() -> PairingV2Messages.decode(Hex.decode(hex)));
  }

  @Test
  void offerOfPairingV1IsUnsupported() {
    byte[] v1Offer =
        Hex.decode(
            "84a17601a46b696e64aa706169725f6f66666572a165c4202d778647e96a52c1679088715bf065545c7b28"
                + "1033821c110ce1ca010697a60ca26374c430e527a59f833764892bece20721a382e2b69efad9d179ca2731"
                + "e017b1f05ad2392a03f0065cd2a0edd1f4b9b6ffccbd06");
    assertThatThrownBy(() -> PairingV2Messages.parseOffer(v1Offer))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.UNSUPPORTED));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(strings = {"pair2_hello", "pair2_finish", "pair_hello", "error", ""})
  void offerOfAnotherKindIsAProtocolFailure(String kind) {
    assertProtocol(() -> PairingV2Messages.parseOffer(withField(OFFER, "kind", kind)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pair2_offer", "pair_hello", "pair2_finish"})
  void helloOfAnotherKindIsAProtocolFailure(String kind) {
    assertProtocol(() -> PairingV2Messages.parseHello(withField(HELLO, "kind", kind)));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pair2_hello", "pair2_offer", "pair_finish"})
  void finishOfAnotherKindIsAProtocolFailure(String kind) {
    assertProtocol(() -> PairingV2Messages.parseFinish(withField(FINISH, "kind", kind)));
  }

  // ------------------------------------------------------------------ suite

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "SPAKE2-P256-SHA512-HKDF-HMAC",
        "spake2-p256-sha256-hkdf-hmac",
        "",
        "SPAKE2-P256-SHA256-HKDF-HMAC "
      })
  void anotherSuiteIsUnsupported(String suite) {
    assertThatThrownBy(() -> PairingV2Messages.parseHello(withField(HELLO, "suite", suite)))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.UNSUPPORTED));
  }

  @Test
  void aMissingSuiteIsAProtocolFailure() {
    assertProtocol(() -> PairingV2Messages.parseHello(withoutField(HELLO, "suite")));
  }

  @Test
  void aSuiteThatIsNotAStrIsAProtocolFailure() {
    assertProtocol(
        () ->
            PairingV2Messages.parseHello(
                withField(
                    HELLO,
                    "suite",
                    Spake2.SUITE.getBytes(java.nio.charset.StandardCharsets.US_ASCII))));
  }

  @Test
  void theSuiteIsCheckedBeforeTheOtherFields() {
    byte[] message = withField(withField(HELLO, "pa", new byte[3]), "suite", "OTHER");
    assertThatThrownBy(() -> PairingV2Messages.parseHello(message))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.UNSUPPORTED));
  }

  // ------------------------------------------------------------------ binary fields

  static Stream<Arguments> binaryFields() {
    return Stream.of(
        Arguments.of("pair2_hello", "e", 32),
        Arguments.of("pair2_hello", "pa", 65),
        Arguments.of("pair2_offer", "e", 32),
        Arguments.of("pair2_offer", "pb", 65),
        Arguments.of("pair2_offer", "cb", 32),
        Arguments.of("pair2_offer", "ct", 48),
        Arguments.of("pair2_finish", "ca", 32),
        Arguments.of("pair2_finish", "ct", 48));
  }

  @ParameterizedTest(name = "{0}.{1} missing")
  @MethodSource("binaryFields")
  void aMissingFieldIsAProtocolFailure(String kind, String field, int length) {
    assertProtocol(() -> parse(kind, withoutField(message(kind), field)), field + ": missing");
  }

  @ParameterizedTest(name = "{0}.{1} nil")
  @MethodSource("binaryFields")
  void aNilFieldIsAProtocolFailure(String kind, String field, int length) {
    assertProtocol(() -> parse(kind, withField(message(kind), field, null)), field + ":");
  }

  @ParameterizedTest(name = "{0}.{1} as str")
  @MethodSource("binaryFields")
  void aFieldAsStrIsAProtocolFailure(String kind, String field, int length) {
    String asStr = "x".repeat(length);
    assertProtocol(
        () -> parse(kind, withField(message(kind), field, asStr)), field + ": not a bin");
  }

  @ParameterizedTest(name = "{0}.{1} as array")
  @MethodSource("binaryFields")
  void aFieldAsArrayIsAProtocolFailure(String kind, String field, int length) {
    assertProtocol(
        () -> parse(kind, withField(message(kind), field, List.of(1, 2))), field + ": not a bin");
  }

  @ParameterizedTest(name = "{0}.{1} one byte short")
  @MethodSource("binaryFields")
  void aShortFieldIsAProtocolFailure(String kind, String field, int length) {
    byte[] value = java.util.Arrays.copyOf(fieldOf(kind, field), length - 1);
    assertProtocol(
        () -> parse(kind, withField(message(kind), field, value)),
        field + ": must be " + length + " bytes");
  }

  @ParameterizedTest(name = "{0}.{1} one byte long")
  @MethodSource("binaryFields")
  void aLongFieldIsAProtocolFailure(String kind, String field, int length) {
    byte[] value = java.util.Arrays.copyOf(fieldOf(kind, field), length + 1);
    assertProtocol(
        () -> parse(kind, withField(message(kind), field, value)),
        field + ": must be " + length + " bytes");
  }

  @ParameterizedTest(name = "{0}.{1} empty")
  @MethodSource("binaryFields")
  void anEmptyFieldIsAProtocolFailure(String kind, String field, int length) {
    assertProtocol(
        () -> parse(kind, withField(message(kind), field, new byte[0])),
        field + ": must be " + length + " bytes");
  }

  // ------------------------------------------------------------------ points

  static Stream<Arguments> invalidPoints() {
    List<Arguments> cases = new ArrayList<>();
    for (String kind : List.of("pair2_hello", "pair2_offer")) {
      String field = kind.equals("pair2_hello") ? "pa" : "pb";
      byte[] valid = kind.equals("pair2_hello") ? hex("/pA_hex") : hex("/pB_hex");
      byte[] prefix = valid.clone();
      prefix[0] = 0x05;
      byte[] offCurve = valid.clone();
      offCurve[64] ^= 0x01;
      byte[] xTooLarge = valid.clone();
      java.util.Arrays.fill(xTooLarge, 1, 33, (byte) 0xff);
      byte[] yTooLarge = valid.clone();
      java.util.Arrays.fill(yTooLarge, 33, 65, (byte) 0xff);
      byte[] zero = new byte[65];
      zero[0] = 0x04;
      cases.add(Arguments.of(kind, field, "prefix 05", prefix));
      cases.add(Arguments.of(kind, field, "off the curve", offCurve));
      cases.add(Arguments.of(kind, field, "X >= p", xTooLarge));
      cases.add(Arguments.of(kind, field, "Y >= p", yTooLarge));
      cases.add(Arguments.of(kind, field, "(0, 0)", zero));
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{1}: {2}")
  @MethodSource("invalidPoints")
  void anInvalidPointIsAProtocolFailure(String kind, String field, String label, byte[] point) {
    assertProtocol(() -> parse(kind, withField(message(kind), field, point)), field + ":");
  }

  // ------------------------------------------------------------------ helpers

  private static byte[] message(String kind) {
    return switch (kind) {
      case "pair2_hello" -> HELLO;
      case "pair2_offer" -> OFFER;
      default -> FINISH;
    };
  }

  private static byte[] fieldOf(String kind, String field) {
    return (byte[]) CODEC.decodeMap(message(kind)).get(field);
  }

  private static Object parse(String kind, byte[] message) {
    Function<byte[], Object> parser =
        switch (kind) {
          case "pair2_hello" -> PairingV2Messages::parseHello;
          case "pair2_offer" -> PairingV2Messages::parseOffer;
          default -> PairingV2Messages::parseFinish;
        };
    return parser.apply(message);
  }

  static byte[] withField(byte[] message, String field, Object value) {
    Map<String, Object> map = new LinkedHashMap<>(CODEC.decodeMap(message));
    map.put(field, value);
    return CODEC.encodeMap(map);
  }

  static byte[] withoutField(byte[] message, String field) {
    Map<String, Object> map = new LinkedHashMap<>(CODEC.decodeMap(message));
    map.remove(field);
    return CODEC.encodeMap(map);
  }

  private static void assertProtocol(ThrowingCallable call) {
    assertProtocol(call, "");
  }

  private static void assertProtocol(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL))
        .hasMessageContaining(message);
  }
}

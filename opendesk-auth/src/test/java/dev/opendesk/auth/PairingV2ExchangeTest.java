package dev.opendesk.auth;

import static dev.opendesk.auth.PairingV2Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.FrameCodec;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The whole pair2 message flow, run in memory by {@link PairingV2Exchange}. */
class PairingV2ExchangeTest {

  private static final FrameCodec CODEC = FrameCodec.standard();
  private static final PairingV2Exchange.Setup VECTORS =
      PairingV2Exchange.Setup.fromVectors("123456", "123456");

  // ------------------------------------------------------------------ vectors

  @Test
  void theVectorRunSendsTheVectorMessages() {
    PairingV2Exchange.Outcome out = PairingV2Exchange.run(VECTORS);
    assertThat(out.delivered).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(PairingV2Vectors.toHex(out.delivered.get(i)))
          .as("message %d", i)
          .isEqualTo(PairingV2Vectors.text("/messages/" + i + "/msgpack_hex"));
      assertThat(out.delivered.get(i))
          .hasSize(PairingV2Vectors.at("/messages/" + i + "/length").asInt());
    }
  }

  @Test
  void theVectorRunDerivesTheVectorSessionKeysOnBothSides() {
    PairingV2Exchange.Outcome out = PairingV2Exchange.run(VECTORS);
    assertThat(out.firstToFail).isNull();
    // The client sends with c2s and receives with s2c; the server the other way round.
    assertThat(out.clientSession.c2s())
        .isEqualTo(hex("/client_outcome/send_key_hex"))
        .isEqualTo(hex("/server_outcome/recv_key_hex"))
        .isEqualTo(hex("/c2s_key_hex"));
    assertThat(out.clientSession.s2c())
        .isEqualTo(hex("/client_outcome/recv_key_hex"))
        .isEqualTo(hex("/server_outcome/send_key_hex"))
        .isEqualTo(hex("/s2c_key_hex"));
    assertThat(out.serverSession.c2s()).isEqualTo(hex("/c2s_key_hex"));
    assertThat(out.serverSession.s2c()).isEqualTo(hex("/s2c_key_hex"));
  }

  @Test
  void theVectorRunTransfersTheStaticKeys() {
    PairingV2Exchange.Outcome out = PairingV2Exchange.run(VECTORS);
    assertThat(out.clientSawServerStatic).isEqualTo(hex("/client_outcome/peer_public_hex"));
    assertThat(out.serverSawClientStatic).isEqualTo(hex("/server_outcome/peer_public_hex"));
  }

  @Test
  void theVectorRunAgreesOnEveryIntermediateValue() {
    PairingV2Exchange.Outcome out = PairingV2Exchange.run(VECTORS);
    for (PairingV2KeySchedule schedule : List.of(out.clientSchedule, out.serverSchedule)) {
      assertThat(schedule.h1()).isEqualTo(hex("/h1/sha256_hex"));
      assertThat(schedule.k1()).isEqualTo(hex("/k1/key_hex"));
      assertThat(schedule.h2()).isEqualTo(hex("/h2/sha256_hex"));
      assertThat(schedule.k2()).isEqualTo(hex("/k2/key_hex"));
      assertThat(schedule.transcript()).isEqualTo(hex("/transcript/sha256_hex"));
    }
    for (Spake2.Keys keys : List.of(out.clientSpake, out.serverSpake)) {
      assertThat(keys.tt()).isEqualTo(hex("/TT_hex"));
      assertThat(keys.ke()).isEqualTo(hex("/Ke_hex"));
      assertThat(keys.cA()).isEqualTo(hex("/cA_hex"));
      assertThat(keys.cB()).isEqualTo(hex("/cB_hex"));
    }
    assertThat(out.ee).isEqualTo(hex("/dh/ee_hex"));
    assertThat(out.se).isEqualTo(hex("/dh/se_hex"));
    assertThat(out.es).isEqualTo(hex("/dh/es_hex"));
  }

  @Test
  void aClientWithTheWrongCodeFailsAtTheOfferAndSendsNothingMore() {
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(PairingV2Exchange.Setup.fromVectors("000000", "123456"));
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.clientFailure.reason()).isEqualTo(PairingV2Failure.WRONG_CODE);
    assertThat(out.serverFailure.reason()).isEqualTo(PairingV2Failure.PROTOCOL);
    assertThat(out.sent).hasSize(2);
    assertThat(PairingV2Vectors.at("/wrong_code/client_sent_after_offer").size()).isZero();
    for (int i = 0; i < 2; i++) {
      assertThat(PairingV2Vectors.toHex(out.sent.get(i)))
          .isEqualTo(PairingV2Vectors.text("/wrong_code/messages/" + i + "/msgpack_hex"));
    }
    assertThat(out.clientSawServerStatic).as("ct1 is never opened").isNull();
  }

  @Test
  void aRogueFinishFromAClientWithTheWrongCodeIsRefusedWithWrongCode() {
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(PairingV2Exchange.Setup.fromVectors("000000", "123456").rogue());
    assertThat(out.sent).hasSize(3);
    assertThat(PairingV2Vectors.toHex(out.sent.get(2)))
        .isEqualTo(PairingV2Vectors.text("/wrong_code_server_side/finish_msgpack_hex"));
    assertThat(out.serverSpake.cA())
        .isEqualTo(hex("/wrong_code_server_side/server_expected_cA_hex"));
    assertThat(out.firstToFail).isEqualTo("server");
    assertThat(out.serverFailure.reason()).isEqualTo(PairingV2Failure.WRONG_CODE);
    assertThat(out.serverSawClientStatic).as("ct2 is never opened").isNull();
  }

  // ------------------------------------------------------------------ random runs

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13})
  void randomRunsWithTheSameCodeAgree(long seed) throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    String code = String.format("%06d", random.nextInt(1_000_000));
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            new PairingV2Exchange.Setup(
                code, code, key(random), key(random), key(random), key(random), null, null, false));
    assertThat(out.bothSucceeded()).isTrue();
    assertThat(out.clientSession.c2s()).isEqualTo(out.serverSession.c2s());
    assertThat(out.clientSession.s2c()).isEqualTo(out.serverSession.s2c());
    assertThat(out.clientSession.c2s()).isNotEqualTo(out.clientSession.s2c());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23})
  void randomRunsWithDifferentCodesFailWithWrongCodeAtTheClient(long seed) throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    int code = random.nextInt(999_999);
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            new PairingV2Exchange.Setup(
                String.format("%06d", code),
                String.format("%06d", code + 1),
                key(random),
                key(random),
                key(random),
                key(random),
                null,
                null,
                false));
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.clientFailure.reason()).isEqualTo(PairingV2Failure.WRONG_CODE);
    assertThat(out.sent).hasSize(2);
  }

  // ------------------------------------------------------------------ tampering, field by field

  /** message index, field, who detects it, reason: for a bit flipped in each byte of the value. */
  @ParameterizedTest(name = "message {0}, {1}: {2} fails {3}")
  @CsvSource({
    "0, v,     server, protocol",
    "0, kind,  server, protocol",
    "0, suite, server, unsupported",
    "0, e,     client, wrong_code",
    "0, pa,    server, protocol",
    "1, v,     client, protocol",
    "1, kind,  client, protocol",
    "1, e,     client, wrong_code",
    "1, pb,    client, protocol",
    "1, cb,    client, wrong_code",
    "1, ct,    client, protocol",
    "2, v,     server, protocol",
    "2, kind,  server, protocol",
    "2, ca,    server, wrong_code",
    "2, ct,    server, protocol"
  })
  void aFlipInAnyByteOfAFieldFailsForTheRightReason(
      int index, String field, String side, String reason) {
    Object original = CODEC.decodeMap(PairingV2Exchange.run(VECTORS).sent.get(index)).get(field);
    int length =
        original instanceof byte[] b ? b.length : original instanceof String s ? s.length() : 1;
    for (int position = 0; position < length; position++) {
      int at = position;
      PairingV2Exchange.Outcome out =
          PairingV2Exchange.run(
              VECTORS, at(index, message -> withField(message, field, flipped(original, at))));
      assertThat(out.firstToFail).as("%s byte %d", field, at).isEqualTo(side);
      assertThat(out.firstReason()).as("%s byte %d", field, at).isEqualTo(reason);
      assertThat(out.bothSucceeded()).isFalse();
    }
  }

  @Test
  void ecWithOnlyTheMaskedHighBitFlippedStillFailsTheConfirmation() {
    // X25519 ignores bit 255 of a public key, so ee is unchanged; the AAD and H1 are not.
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            VECTORS,
            at(
                0,
                message -> {
                  byte[] e = ((byte[]) CODEC.decodeMap(message).get("e")).clone();
                  e[31] ^= (byte) 0x80;
                  return withField(message, "e", e);
                }));
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.WRONG_CODE);
  }

  static Stream<Arguments> keysOfEveryMessage() {
    List<Arguments> cases = new ArrayList<>();
    String[][] keys = {
      {"v", "kind", "suite", "e", "pa"},
      {"v", "kind", "e", "pb", "cb", "ct"},
      {"v", "kind", "ca", "ct"}
    };
    String[] receiver = {"server", "client", "server"};
    for (int i = 0; i < 3; i++) {
      for (String key : keys[i]) {
        cases.add(Arguments.of(i, key, receiver[i]));
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "message {0}, key {1} renamed: {2} fails protocol")
  @MethodSource("keysOfEveryMessage")
  void aFlipInAKeyNameIsAProtocolFailure(int index, String key, String side) {
    String renamed = key.substring(0, key.length() - 1) + (char) (key.charAt(key.length() - 1) ^ 1);
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            VECTORS,
            at(
                index,
                message -> {
                  Map<String, Object> map = new LinkedHashMap<>();
                  CODEC
                      .decodeMap(message)
                      .forEach((k, v) -> map.put(k.equals(key) ? renamed : k, v));
                  return CODEC.encodeMap(map);
                }));
    assertThat(out.firstToFail).isEqualTo(side);
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.PROTOCOL);
  }

  @ParameterizedTest(name = "message {0}")
  @ValueSource(ints = {0, 1, 2})
  void aFlipInAnyByteOfAMessageNeverPairs(int index) {
    int length = PairingV2Exchange.run(VECTORS).sent.get(index).length;
    for (int position = 0; position < length; position++) {
      int at = position;
      PairingV2Exchange.Outcome out =
          PairingV2Exchange.run(
              VECTORS,
              at(
                  index,
                  message -> {
                    message[at] ^= 0x01;
                    return message;
                  }));
      assertThat(out.bothSucceeded()).as("byte %d", at).isFalse();
      assertThat(out.firstReason())
          .as("byte %d", at)
          .isIn(
              PairingV2Failure.PROTOCOL, PairingV2Failure.UNSUPPORTED, PairingV2Failure.WRONG_CODE);
    }
  }

  // ------------------------------------------------------------------ active attacks

  @Test
  void paReflectedAsPbFailsWithWrongCodeAtTheClient() {
    byte[][] hello = new byte[1][];
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            VECTORS,
            (i, message) -> {
              if (i == 0) {
                hello[0] = message;
                return message;
              }
              if (i == 1) {
                return withField(message, "pb", CODEC.decodeMap(hello[0]).get("pa"));
              }
              return message;
            });
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.WRONG_CODE);
    assertThat(out.sent).hasSize(2);
  }

  @Test
  void cbReflectedAsCaFailsWithWrongCodeAtTheServer() {
    byte[][] offer = new byte[1][];
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            VECTORS,
            (i, message) -> {
              if (i == 1) {
                offer[0] = message;
              }
              if (i == 2) {
                return withField(message, "ca", CODEC.decodeMap(offer[0]).get("cb"));
              }
              return message;
            });
    assertThat(out.firstToFail).isEqualTo("server");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.WRONG_CODE);
    assertThat(out.serverSawClientStatic).isNull();
  }

  @Test
  void aPbThatUnmasksToTheIdentityFailsProtocolAtTheClient() {
    byte[] pB = Spake2.N.multiply(Spake2.passwordScalar("123456")).getEncoded(false);
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(VECTORS, at(1, message -> withField(message, "pb", pB)));
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.PROTOCOL);
    assertThat(out.clientFailure).hasMessageContaining("identity");
  }

  @Test
  void aPaThatUnmasksToTheIdentityFailsProtocolAtTheServerBeforeItSendsAnything() {
    byte[] pA = Spake2.M.multiply(Spake2.passwordScalar("123456")).getEncoded(false);
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(VECTORS, at(0, message -> withField(message, "pa", pA)));
    assertThat(out.firstToFail).isEqualTo("server");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.PROTOCOL);
    assertThat(out.sent).hasSize(1);
  }

  @ParameterizedTest(name = "message {0}")
  @ValueSource(ints = {0, 1})
  void aLowOrderEphemeralKeyFailsProtocolAtItsReceiver(int index) {
    byte[] lowOrder = new byte[32];
    lowOrder[0] = 1;
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(VECTORS, at(index, message -> withField(message, "e", lowOrder)));
    assertThat(out.firstToFail).isEqualTo(index == 0 ? "server" : "client");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.PROTOCOL);
    assertThat(out.sent).hasSize(index + 1);
  }

  @Test
  void aServerThatOnlySpeaksV1IsUnsupported() {
    byte[] v1Offer = hex("/keys/server_ephemeral/public_hex");
    PairingV2Exchange.Outcome out =
        PairingV2Exchange.run(
            VECTORS,
            at(
                1,
                message -> {
                  Map<String, Object> map = new LinkedHashMap<>();
                  map.put("v", 1);
                  map.put("kind", "pair_offer");
                  map.put("e", v1Offer);
                  map.put("ct", hex("/ct1_hex"));
                  return CODEC.encodeMap(map);
                }));
    assertThat(out.firstToFail).isEqualTo("client");
    assertThat(out.firstReason()).isEqualTo(PairingV2Failure.UNSUPPORTED);
    assertThat(out.sent).hasSize(2);
  }

  // ------------------------------------------------------------------ helpers

  private static BiFunction<Integer, byte[], byte[]> at(
      int index, java.util.function.UnaryOperator<byte[]> change) {
    return (i, message) -> i == index ? change.apply(message) : message;
  }

  private static Object flipped(Object value, int position) {
    if (value instanceof byte[] bytes) {
      byte[] copy = bytes.clone();
      copy[position] ^= 0x01;
      return copy;
    }
    if (value instanceof String s) {
      char[] chars = s.toCharArray();
      chars[position] ^= 0x01;
      return new String(chars);
    }
    return ((Long) value) ^ 1L;
  }

  private static byte[] withField(byte[] message, String field, Object value) {
    return PairingV2MessagesTest.withField(message, field, value);
  }

  private static byte[] key(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    return key;
  }
}

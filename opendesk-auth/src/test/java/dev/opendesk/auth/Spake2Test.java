package dev.opendesk.auth;

import static dev.opendesk.auth.PairingV2Vectors.hex;
import static dev.opendesk.auth.PairingV2Vectors.scalar;
import static dev.opendesk.auth.PairingV2Vectors.toHex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class Spake2Test {

  private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
  private static final ECCurve CURVE = P256.getCurve();
  private static final BigInteger P = CURVE.getField().getCharacteristic();
  private static final byte[] NO_AAD = new byte[0];

  private static final BigInteger W = scalar("/w/hex");
  private static final BigInteger X = scalar("/spake2_scalars/x/hex");
  private static final BigInteger Y = scalar("/spake2_scalars/y/hex");

  // ------------------------------------------------------------------ w

  @ParameterizedTest(name = "w({0})")
  @ValueSource(strings = {"000000", "123456", "999999"})
  void passwordScalarMatchesTheVectorAnchors(String code) {
    assertThat(toHex(BigIntegers.asUnsignedByteArray(32, Spake2.passwordScalar(code))))
        .isEqualTo(PairingV2Vectors.text("/w/anchors/" + code));
  }

  @Test
  void passwordScalarIsTheReducedHkdfOutput() {
    byte[] okm =
        KeySchedule.hkdf(ascii("opendesk-pair2-w"), ascii("123456"), ascii("SPAKE2-P256"), 40);
    assertThat(okm).isEqualTo(hex("/w/hkdf_okm_hex"));
    assertThat(Spake2.passwordScalar("123456")).isEqualTo(new BigInteger(1, okm).mod(Spake2.ORDER));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @ValueSource(
      strings = {
        "",
        "12345",
        "1234567",
        "12345a",
        " 12345",
        "12345 ",
        "-12345",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "\u0661\u0662\u0663\u0664\u0665\u0666"
      })
  void passwordScalarRefusesAnythingButSixAsciiDigits(String code) {
    assertThatThrownBy(() -> Spake2.passwordScalar(code))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("six ASCII digits");
  }

  // ------------------------------------------------------------------ M and N

  @Test
  void mAndNDecompressToTheUncompressedVectorValues() {
    assertThat(Spake2.M.getEncoded(false)).isEqualTo(hex("/p256/M_uncompressed_hex"));
    assertThat(Spake2.N.getEncoded(false)).isEqualTo(hex("/p256/N_uncompressed_hex"));
    assertThat(Spake2.M_COMPRESSED_HEX).isEqualTo(PairingV2Vectors.text("/p256/M_compressed_hex"));
    assertThat(Spake2.N_COMPRESSED_HEX).isEqualTo(PairingV2Vectors.text("/p256/N_compressed_hex"));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "M, 1.2.840.10045.3.1.7 point generation seed (M)",
    "N, 1.2.840.10045.3.1.7 point generation seed (N)"
  })
  void maskPointsRederiveFromTheRfcSeeds(String name, String seed) {
    assertThat(seed).isEqualTo(PairingV2Vectors.text("/p256/" + name + "_seed_ascii"));
    ECPoint expected = name.equals("M") ? Spake2.M : Spake2.N;
    assertThat(toHex(pointFromSeed(seed))).isEqualTo(toHex(expected.getEncoded(true)));
  }

  /**
   * RFC 9382 §6 (and the draft's appendix): block i is SHA-256 iterated i times over the seed;
   * attempt i (from 1) takes blocks i, i+1, ... truncated to a compressed point's 33 bytes, keeps
   * the low bit of the first byte as the sign and sets the prefix to 02/03, and succeeds when that
   * decodes to a non-identity point of order n.
   */
  private static byte[] pointFromSeed(String seed) {
    int size = 33;
    for (int i = 1; i < 1000; i++) {
      byte[] candidate = new byte[0];
      for (int block = i; candidate.length < size; block++) {
        candidate = KeySchedule.concat(candidate, iteratedSha256(ascii(seed), block));
      }
      candidate = Arrays.copyOf(candidate, size);
      candidate[0] = (byte) ((candidate[0] & 1) | 2);
      try {
        ECPoint point = CURVE.decodePoint(candidate);
        if (!point.isInfinity() && point.multiply(P256.getN()).isInfinity()) {
          return candidate;
        }
      } catch (IllegalArgumentException notAPoint) {
        // X is not on the curve: move on to the next block, as the RFC does.
      }
    }
    throw new AssertionError("no point found");
  }

  private static byte[] iteratedSha256(byte[] seed, int times) {
    byte[] h = seed;
    for (int i = 0; i < times; i++) {
      h = KeySchedule.sha256(h);
    }
    return h;
  }

  // ------------------------------------------------------------------ RFC 9382 vectors

  @ParameterizedTest(name = "RFC 9382 P-256 vector {0}")
  @ValueSource(ints = {0, 1, 2, 3})
  void rfc9382VectorsReproduceOnBothSides(int index) {
    JsonNode v = PairingV2Vectors.at("/rfc9382_p256/" + index);
    byte[] a = ascii(v.get("A").asText());
    byte[] b = ascii(v.get("B").asText());
    BigInteger w = new BigInteger(v.get("w").asText(), 16);
    Spake2 alice = Spake2.create(Spake2.Role.A, a, b, w, new BigInteger(v.get("x").asText(), 16));
    Spake2 bob = Spake2.create(Spake2.Role.B, a, b, w, new BigInteger(v.get("y").asText(), 16));

    assertThat(toHex(alice.share())).isEqualTo(v.get("pA").asText());
    assertThat(toHex(bob.share())).isEqualTo(v.get("pB").asText());

    Spake2.Keys ka = alice.finish(bob.share(), NO_AAD);
    Spake2.Keys kb = bob.finish(alice.share(), NO_AAD);
    for (Spake2.Keys keys : new Spake2.Keys[] {ka, kb}) {
      assertThat(toHex(keys.k())).isEqualTo(v.get("K").asText());
      assertThat(toHex(keys.tt())).isEqualTo(v.get("TT").asText());
      assertThat(toHex(keys.ke())).isEqualTo(v.get("Ke").asText());
      assertThat(toHex(keys.ka())).isEqualTo(v.get("Ka").asText());
      assertThat(toHex(keys.kcA())).isEqualTo(v.get("KcA").asText());
      assertThat(toHex(keys.kcB())).isEqualTo(v.get("KcB").asText());
      assertThat(toHex(keys.cA())).isEqualTo(v.get("cA").asText());
      assertThat(toHex(keys.cB())).isEqualTo(v.get("cB").asText());
    }
    assertThatCode(() -> ka.verifyPeerConfirmation(kb.ownConfirmation()))
        .doesNotThrowAnyException();
    assertThatCode(() -> kb.verifyPeerConfirmation(ka.ownConfirmation()))
        .doesNotThrowAnyException();
  }

  // ------------------------------------------------------------------ pair2 vectors

  @Test
  void sharesMatchThePair2Vectors() {
    assertThat(Spake2.client(W, X).share()).isEqualTo(hex("/pA_hex"));
    assertThat(Spake2.server(W, Y).share()).isEqualTo(hex("/pB_hex"));
  }

  @Test
  void bothSidesDeriveThePair2VectorKeys() {
    byte[] aad = hex("/AAD_hex");
    Spake2.Keys client = Spake2.client(W, X).finish(hex("/pB_hex"), aad);
    Spake2.Keys server = Spake2.server(W, Y).finish(hex("/pA_hex"), aad);
    for (Spake2.Keys keys : new Spake2.Keys[] {client, server}) {
      assertThat(keys.k()).isEqualTo(hex("/K_hex"));
      assertThat(keys.tt()).hasSize(317).isEqualTo(hex("/TT_hex"));
      assertThat(keys.ke()).isEqualTo(hex("/Ke_hex"));
      assertThat(keys.ka()).isEqualTo(hex("/Ka_hex"));
      assertThat(keys.kcA()).isEqualTo(hex("/KcA_hex"));
      assertThat(keys.kcB()).isEqualTo(hex("/KcB_hex"));
      assertThat(keys.cA()).isEqualTo(hex("/cA_hex"));
      assertThat(keys.cB()).isEqualTo(hex("/cB_hex"));
    }
    assertThat(client.ownConfirmation()).isEqualTo(hex("/cA_hex"));
    assertThat(server.ownConfirmation()).isEqualTo(hex("/cB_hex"));
  }

  @Test
  void confirmationKeysUseTheDocumentedHkdfInfo() {
    byte[] info = KeySchedule.concat(ascii("ConfirmationKeys"), hex("/AAD_hex"));
    assertThat(info).isEqualTo(hex("/confirmation_hkdf/info_hex"));
    assertThat(KeySchedule.hkdf(new byte[0], hex("/Ka_hex"), info, 32))
        .isEqualTo(hex("/confirmation_hkdf/okm_hex"));
    assertThat(KeySchedule.sha256(hex("/TT_hex"))).isEqualTo(hex("/hash_TT_hex"));
  }

  @Test
  void wrongCodeVectorGivesTheClientViewAndAMismatchingCb() {
    BigInteger wrongW = Spake2.passwordScalar("000000");
    assertThat(toHex(BigIntegers.asUnsignedByteArray(32, wrongW)))
        .isEqualTo(PairingV2Vectors.text("/wrong_code/client_w_hex"));
    Spake2 client = Spake2.client(wrongW, X);
    byte[] aad = hex("/AAD_hex");
    Spake2.Keys keys = client.finish(hex("/pB_hex"), aad);
    assertThat(keys.k()).isEqualTo(hex("/wrong_code/client_view/K_hex"));
    assertThat(keys.tt()).isEqualTo(hex("/wrong_code/client_view/TT_hex"));
    assertThat(keys.ke()).isEqualTo(hex("/wrong_code/client_view/Ke_hex"));
    assertThat(keys.cB()).isEqualTo(hex("/wrong_code/client_view/expected_cB_hex"));

    Spake2.Keys server = Spake2.server(W, Y).finish(client.share(), aad);
    assertThat(server.k()).isEqualTo(hex("/wrong_code/server_view/K_hex"));
    assertThat(server.cB())
        .isEqualTo(hex("/wrong_code/server_view/cB_hex"))
        .isEqualTo(hex("/wrong_code/client_view/received_cB_hex"));

    assertThatThrownBy(() -> keys.verifyPeerConfirmation(server.cB()))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.WRONG_CODE));
  }

  @Test
  void rogueClientConfirmationIsRejectedByTheServer() {
    byte[] aad = hex("/AAD_hex");
    Spake2 rogue = Spake2.client(Spake2.passwordScalar("000000"), X);
    Spake2.Keys server = Spake2.server(W, Y).finish(rogue.share(), aad);
    Spake2.Keys rogueKeys = rogue.finish(Spake2.server(W, Y).share(), aad);
    assertThat(rogueKeys.cA()).isEqualTo(hex("/wrong_code_server_side/rogue_client_values/cA_hex"));
    assertThat(server.cA()).isEqualTo(hex("/wrong_code_server_side/server_expected_cA_hex"));
    assertThatThrownBy(() -> server.verifyPeerConfirmation(rogueKeys.cA()))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.WRONG_CODE));
  }

  // ------------------------------------------------------------------ production path

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3})
  void randomPartiesWithTheSameCodeConfirmEachOther(long seed) throws Exception {
    SecureRandom random = seeded(seed);
    BigInteger w = Spake2.passwordScalar(String.format("%06d", seed * 104729 % 1_000_000));
    Spake2 client = Spake2.client(w, random);
    Spake2 server = Spake2.server(w, random);
    Spake2.Keys c = client.finish(server.share(), NO_AAD);
    Spake2.Keys s = server.finish(client.share(), NO_AAD);
    assertThat(c.ke()).isEqualTo(s.ke());
    c.verifyPeerConfirmation(s.ownConfirmation());
    s.verifyPeerConfirmation(c.ownConfirmation());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {4, 5, 6})
  void randomPartiesWithDifferentCodesFailWithWrongCode(long seed) throws Exception {
    SecureRandom random = seeded(seed);
    Spake2 client = Spake2.client(Spake2.passwordScalar("111111"), random);
    Spake2 server = Spake2.server(Spake2.passwordScalar("111112"), random);
    Spake2.Keys c = client.finish(server.share(), NO_AAD);
    Spake2.Keys s = server.finish(client.share(), NO_AAD);
    assertThat(c.ke()).isNotEqualTo(s.ke());
    assertThatThrownBy(() -> c.verifyPeerConfirmation(s.ownConfirmation()))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.WRONG_CODE));
    assertThatThrownBy(() -> s.verifyPeerConfirmation(c.ownConfirmation()))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.WRONG_CODE));
  }

  @Test
  void freshPartiesPickFreshScalars() {
    SecureRandom random = new SecureRandom();
    assertThat(Spake2.client(W, random).share()).isNotEqualTo(Spake2.client(W, random).share());
  }

  @Test
  void injectedScalarsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> Spake2.client(W, BigInteger.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spake2.client(W, Spake2.ORDER))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spake2.server(Spake2.ORDER, Y))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Spake2.server(BigInteger.ONE.negate(), Y))
        .isInstanceOf(IllegalArgumentException.class);
  }

  // ------------------------------------------------------------------ peer point validation

  @Test
  void aValidPointDecodes() {
    assertThat(Spake2.decodePoint(hex("/pA_hex"), "pa").getEncoded(false))
        .isEqualTo(hex("/pA_hex"));
  }

  @ParameterizedTest(name = "{0} bytes")
  @ValueSource(ints = {0, 1, 33, 64, 66, 129})
  void pointsOfTheWrongLengthAreRefused(int length) {
    byte[] valid = hex("/pB_hex");
    byte[] encoded = length == 33 ? Spake2.N.getEncoded(true) : Arrays.copyOf(valid, length);
    assertProtocol(() -> Spake2.decodePoint(encoded, "pb"), "pb: a point must be 65 bytes");
  }

  @ParameterizedTest(name = "prefix {0}")
  @ValueSource(ints = {0x00, 0x02, 0x03, 0x05, 0x06, 0x07, 0x84, 0xff})
  void pointsWithAnotherPrefixAreRefused(int prefix) {
    byte[] encoded = hex("/pB_hex");
    encoded[0] = (byte) prefix;
    assertProtocol(() -> Spake2.decodePoint(encoded, "pb"), "pb: a point must be uncompressed");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"X = p, x, 0", "X = 2^256-1, x, 1", "Y = p, y, 0", "Y = 2^256-1, y, 1"})
  void pointsWithACoordinateNotBelowPAreRefused(String label, String coordinate, int variant) {
    byte[] encoded = Spake2.GENERATOR.getEncoded(false);
    BigInteger value = variant == 0 ? P : BigInteger.ONE.shiftLeft(256).subtract(BigInteger.ONE);
    System.arraycopy(
        BigIntegers.asUnsignedByteArray(32, value),
        0,
        encoded,
        coordinate.equals("x") ? 1 : 33,
        32);
    assertProtocol(
        () -> Spake2.decodePoint(encoded, "pa"), "pa: a point coordinate is not below p");
  }

  @Test
  void anXAliasedModPIsRefused() {
    // X and X + p denote the same field element; only the canonical encoding is accepted. A point
    // with a small X (found by decompressing 02‖X for X = 0, 1, 2, ...) leaves room for X + p.
    ECPoint point = null;
    for (int x = 0; point == null; x++) {
      byte[] compressed = new byte[33];
      compressed[0] = 0x02;
      compressed[32] = (byte) x;
      try {
        point = CURVE.decodePoint(compressed);
      } catch (IllegalArgumentException notOnCurve) {
        // try the next X
      }
    }
    byte[] encoded = point.getEncoded(false);
    assertThat(Spake2.decodePoint(encoded, "pa")).isEqualTo(point);
    BigInteger aliased = point.getAffineXCoord().toBigInteger().add(P);
    System.arraycopy(BigIntegers.asUnsignedByteArray(32, aliased), 0, encoded, 1, 32);
    assertProtocol(
        () -> Spake2.decodePoint(encoded, "pa"), "pa: a point coordinate is not below p");
  }

  @ParameterizedTest(name = "byte {0} of Y flipped")
  @ValueSource(ints = {33, 50, 64})
  void pointsOffTheCurveAreRefused(int index) {
    byte[] encoded = hex("/pA_hex");
    encoded[index] ^= 0x01;
    assertProtocol(() -> Spake2.decodePoint(encoded, "pa"), "pa: not a point on P-256");
  }

  @Test
  void theOriginIsNotAPoint() {
    byte[] encoded = new byte[65];
    encoded[0] = 0x04;
    assertProtocol(() -> Spake2.decodePoint(encoded, "pa"), "pa: not a point on P-256");
  }

  @Test
  void finishRefusesAnInvalidPeerShare() {
    byte[] offCurve = hex("/pB_hex");
    offCurve[64] ^= 0x01;
    assertProtocol(() -> Spake2.client(W, X).finish(offCurve, NO_AAD), "pb: not a point");
  }

  @Test
  void clientRefusesAShareThatMakesKTheIdentity() {
    // pB = w·N unmasks to the identity: K = x·O whatever x is.
    byte[] pB = Spake2.N.multiply(W).getEncoded(false);
    assertProtocol(() -> Spake2.client(W, X).finish(pB, NO_AAD), "K is the identity");
  }

  @Test
  void serverRefusesAShareThatMakesKTheIdentity() {
    byte[] pA = Spake2.M.multiply(W).getEncoded(false);
    assertProtocol(() -> Spake2.server(W, Y).finish(pA, NO_AAD), "K is the identity");
  }

  // ------------------------------------------------------------------ reflection

  @Test
  void aClientsOwnShareReflectedAsPbDoesNotConfirm() {
    Spake2 client = Spake2.client(W, X);
    Spake2.Keys keys = client.finish(client.share(), hex("/AAD_hex"));
    // The only MACs a reflector could hand back are the client's own; neither passes as cB.
    assertWrongCode(() -> keys.verifyPeerConfirmation(keys.cA()));
    assertWrongCode(() -> keys.verifyPeerConfirmation(hex("/cB_hex")));
  }

  @Test
  void aServersOwnShareReflectedAsPaDoesNotConfirm() {
    Spake2 server = Spake2.server(W, Y);
    Spake2.Keys keys = server.finish(server.share(), hex("/AAD_hex"));
    assertWrongCode(() -> keys.verifyPeerConfirmation(keys.cB()));
    assertWrongCode(() -> keys.verifyPeerConfirmation(hex("/cA_hex")));
  }

  @Test
  void aServersCbReflectedAsCaDoesNotConfirm() {
    Spake2.Keys server = Spake2.server(W, Y).finish(hex("/pA_hex"), hex("/AAD_hex"));
    assertWrongCode(() -> server.verifyPeerConfirmation(server.cB()));
  }

  @Test
  void aClientsCaReflectedAsCbDoesNotConfirm() {
    Spake2.Keys client = Spake2.client(W, X).finish(hex("/pB_hex"), hex("/AAD_hex"));
    assertWrongCode(() -> client.verifyPeerConfirmation(client.cA()));
  }

  @Test
  void aConfirmationUnderAnotherAadDoesNotVerify() {
    byte[] otherAad = hex("/AAD_hex");
    otherAad[otherAad.length - 1] ^= 0x01;
    Spake2.Keys client = Spake2.client(W, X).finish(hex("/pB_hex"), hex("/AAD_hex"));
    Spake2.Keys server = Spake2.server(W, Y).finish(hex("/pA_hex"), otherAad);
    assertThat(server.ke()).isEqualTo(client.ke());
    assertWrongCode(() -> client.verifyPeerConfirmation(server.cB()));
  }

  @Test
  void aTruncatedConfirmationDoesNotVerify() {
    Spake2.Keys client = Spake2.client(W, X).finish(hex("/pB_hex"), hex("/AAD_hex"));
    assertWrongCode(() -> client.verifyPeerConfirmation(Arrays.copyOf(hex("/cB_hex"), 16)));
  }

  // ------------------------------------------------------------------ helpers

  private static void assertProtocol(
      org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL))
        .hasMessageContaining(message);
  }

  private static void assertWrongCode(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.WRONG_CODE));
  }

  private static SecureRandom seeded(long seed) throws Exception {
    SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
    random.setSeed(seed);
    return random;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}

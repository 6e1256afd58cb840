package dev.opendesk.auth;

import static dev.opendesk.auth.PairingV2Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PairingV2KeyScheduleTest {

  private static final byte[] EC = hex("/keys/client_ephemeral/public_hex");
  private static final byte[] ES = hex("/keys/server_ephemeral/public_hex");
  private static final byte[] SC = hex("/keys/client_static/public_hex");
  private static final byte[] SS = hex("/keys/server_static/public_hex");
  private static final byte[] EC_PRIVATE = hex("/keys/client_ephemeral/private_hex");
  private static final byte[] ES_PRIVATE = hex("/keys/server_ephemeral/private_hex");
  private static final byte[] SC_PRIVATE = hex("/keys/client_static/private_hex");
  private static final byte[] SS_PRIVATE = hex("/keys/server_static/private_hex");

  private static PairingV2KeySchedule vectorSchedule() {
    return new PairingV2KeySchedule(
        EC, hex("/pA_hex"), ES, hex("/pB_hex"), hex("/dh/ee_hex"), hex("/Ke_hex"));
  }

  private static PairingV2KeySchedule afterOffer() {
    PairingV2KeySchedule schedule = vectorSchedule();
    schedule.absorbOffer(hex("/cB_hex"), hex("/ct1_hex"));
    return schedule;
  }

  private static PairingV2KeySchedule afterFinish() {
    PairingV2KeySchedule schedule = afterOffer();
    schedule.absorbFinish(hex("/cA_hex"), hex("/ct2_hex"));
    return schedule;
  }

  @Test
  void fixedKeysArePairJsonsKeys() {
    assertThat(KeySchedule.publicKey(EC_PRIVATE)).isEqualTo(EC);
    assertThat(KeySchedule.publicKey(ES_PRIVATE)).isEqualTo(ES);
    assertThat(KeySchedule.publicKey(SC_PRIVATE)).isEqualTo(SC);
    assertThat(KeySchedule.publicKey(SS_PRIVATE)).isEqualTo(SS);
  }

  @Test
  void labelAndAadMatchTheVectors() {
    assertThat(PairingV2KeySchedule.label()).hasSize(43).isEqualTo(hex("/labels/LBL_hex"));
    assertThat(new String(PairingV2KeySchedule.label(), StandardCharsets.US_ASCII))
        .isEqualTo(PairingV2Vectors.text("/labels/LBL_ascii"));
    assertThat(PairingV2KeySchedule.aad(EC, ES)).hasSize(107).isEqualTo(hex("/AAD_hex"));
  }

  @Test
  void eachDhAgreesOnBothSidesWithTheVectors() {
    assertThat(PairingV2KeySchedule.dh(ES_PRIVATE, EC, "ee")).isEqualTo(hex("/dh/ee_hex"));
    assertThat(PairingV2KeySchedule.dh(EC_PRIVATE, ES, "ee")).isEqualTo(hex("/dh/ee_hex"));
    assertThat(PairingV2KeySchedule.dh(SS_PRIVATE, EC, "se")).isEqualTo(hex("/dh/se_hex"));
    assertThat(PairingV2KeySchedule.dh(EC_PRIVATE, SS, "se")).isEqualTo(hex("/dh/se_hex"));
    assertThat(PairingV2KeySchedule.dh(ES_PRIVATE, SC, "es")).isEqualTo(hex("/dh/es_hex"));
    assertThat(PairingV2KeySchedule.dh(SC_PRIVATE, ES, "es")).isEqualTo(hex("/dh/es_hex"));
  }

  /** Low-order points of Curve25519 (and non-canonical encodings of them): X25519 gives 0. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0100000000000000000000000000000000000000000000000000000000000000",
        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"
      })
  void lowOrderPublicKeysAreRefused(String publicKey) {
    assertThatThrownBy(() -> PairingV2KeySchedule.dh(ES_PRIVATE, Hex.decode(publicKey), "ee"))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL))
        .hasMessageContaining("ee: X25519 result is all zero");
  }

  @Test
  void h1AndK1MatchTheVectors() {
    PairingV2KeySchedule schedule = vectorSchedule();
    assertThat(KeySchedule.sha256(hex("/h1/input_hex"))).isEqualTo(hex("/h1/sha256_hex"));
    assertThat(schedule.h1()).isEqualTo(hex("/h1/sha256_hex"));
    assertThat(schedule.k1()).isEqualTo(hex("/k1/key_hex"));
    assertThat(KeySchedule.concat(hex("/dh/ee_hex"), hex("/Ke_hex")))
        .isEqualTo(hex("/k1/hkdf_ikm_hex"));
  }

  @Test
  void ct1SealsAndOpensTheServerStaticKey() {
    PairingV2KeySchedule schedule = vectorSchedule();
    assertThat(schedule.sealCt1(SS)).hasSize(48).isEqualTo(hex("/ct1_hex"));
    assertThat(schedule.openCt1(hex("/ct1_hex"))).isEqualTo(SS);
  }

  @Test
  void h2AndK2MatchTheVectors() {
    PairingV2KeySchedule schedule = afterOffer();
    assertThat(KeySchedule.sha256(hex("/h2/input_hex"))).isEqualTo(hex("/h2/sha256_hex"));
    assertThat(schedule.h2()).isEqualTo(hex("/h2/sha256_hex"));
    assertThat(schedule.k2()).isEqualTo(hex("/k2/key_hex"));
  }

  @Test
  void ct2SealsAndOpensTheClientStaticKey() {
    PairingV2KeySchedule schedule = afterOffer();
    assertThat(schedule.sealCt2(SC)).hasSize(48).isEqualTo(hex("/ct2_hex"));
    assertThat(schedule.openCt2(hex("/ct2_hex"))).isEqualTo(SC);
  }

  @Test
  void transcriptMatchesTheVector() {
    assertThat(KeySchedule.sha256(hex("/transcript/input_hex")))
        .isEqualTo(hex("/transcript/sha256_hex"));
    assertThat(afterFinish().transcript()).isEqualTo(hex("/transcript/sha256_hex"));
  }

  @Test
  void sessionKeysMatchTheVectors() {
    KeySchedule.SessionKeys keys = afterFinish().sessionKeys(hex("/dh/se_hex"), hex("/dh/es_hex"));
    assertThat(keys.c2s()).isEqualTo(hex("/c2s_key_hex"));
    assertThat(keys.s2c()).isEqualTo(hex("/s2c_key_hex"));
    assertThat(KeySchedule.concat(keys.c2s(), keys.s2c())).isEqualTo(hex("/session_hkdf/okm_hex"));
    assertThat(
            KeySchedule.concat(
                hex("/dh/ee_hex"), hex("/dh/se_hex"), hex("/dh/es_hex"), hex("/Ke_hex")))
        .isEqualTo(hex("/session_hkdf/ikm_hex"));
  }

  @Test
  void rogueClientsK2MatchesTheVector() {
    // The rogue (code 000000) derives k2 from its own Ke over the same H2 as the server.
    Spake2 rogue =
        Spake2.client(
            Spake2.passwordScalar("000000"), PairingV2Vectors.scalar("/spake2_scalars/x/hex"));
    Spake2.Keys keys = rogue.finish(hex("/pB_hex"), hex("/AAD_hex"));
    PairingV2KeySchedule schedule =
        new PairingV2KeySchedule(
            EC, rogue.share(), ES, hex("/pB_hex"), hex("/dh/ee_hex"), keys.ke());
    PairingV2Messages.Offer offer =
        PairingV2Messages.parseOffer(hex("/wrong_code/messages/1/msgpack_hex"));
    schedule.absorbOffer(offer.cb(), offer.ct());
    assertThat(schedule.k2()).isEqualTo(hex("/wrong_code_server_side/rogue_client_values/k2_hex"));
  }

  @Test
  void aFlippedCt1DoesNotOpen() {
    byte[] ct1 = hex("/ct1_hex");
    for (int i = 0; i < ct1.length; i++) {
      byte[] tampered = ct1.clone();
      tampered[i] ^= 0x01;
      assertThatThrownBy(() -> vectorSchedule().openCt1(tampered))
          .as("byte %d", i)
          .isInstanceOfSatisfying(
              PairingV2Failure.class,
              f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL))
          .hasMessageContaining("does not open");
    }
  }

  @Test
  void ct1UnderAnotherKeDoesNotOpen() {
    byte[] otherKe = hex("/Ke_hex");
    otherKe[0] ^= 0x01;
    PairingV2KeySchedule other =
        new PairingV2KeySchedule(
            EC, hex("/pA_hex"), ES, hex("/pB_hex"), hex("/dh/ee_hex"), otherKe);
    assertThatThrownBy(() -> other.openCt1(hex("/ct1_hex")))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL));
  }

  @Test
  void aFlippedCt2DoesNotOpen() {
    byte[] ct2 = hex("/ct2_hex");
    ct2[47] ^= 0x80;
    assertThatThrownBy(() -> afterOffer().openCt2(ct2))
        .isInstanceOfSatisfying(
            PairingV2Failure.class,
            f -> assertThat(f.reason()).isEqualTo(PairingV2Failure.PROTOCOL));
  }

  @Test
  void k2DependsOnWhatTheOfferCarried() {
    PairingV2KeySchedule schedule = vectorSchedule();
    byte[] cB = hex("/cB_hex");
    cB[0] ^= 0x01;
    schedule.absorbOffer(cB, hex("/ct1_hex"));
    assertThat(schedule.k2()).isNotEqualTo(hex("/k2/key_hex"));
  }

  @Test
  void stepsOutOfOrderAreRefused() {
    PairingV2KeySchedule fresh = vectorSchedule();
    assertThatThrownBy(fresh::k2).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> fresh.sealCt2(SC)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> fresh.absorbFinish(hex("/cA_hex"), hex("/ct2_hex")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(fresh::transcript).isInstanceOf(IllegalStateException.class);
    PairingV2KeySchedule offered = afterOffer();
    assertThatThrownBy(() -> offered.absorbOffer(hex("/cB_hex"), hex("/ct1_hex")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> offered.sessionKeys(hex("/dh/se_hex"), hex("/dh/es_hex")))
        .isInstanceOf(IllegalStateException.class);
    PairingV2KeySchedule finished = afterFinish();
    assertThatThrownBy(() -> finished.absorbFinish(hex("/cA_hex"), hex("/ct2_hex")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void valuesOfTheWrongLengthAreRefused() {
    assertThatThrownBy(
            () ->
                new PairingV2KeySchedule(
                    new byte[31],
                    hex("/pA_hex"),
                    ES,
                    hex("/pB_hex"),
                    hex("/dh/ee_hex"),
                    hex("/Ke_hex")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ec");
    assertThatThrownBy(
            () ->
                new PairingV2KeySchedule(
                    EC, hex("/pA_hex"), ES, hex("/pB_hex"), hex("/dh/ee_hex"), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Ke");
    assertThatThrownBy(() -> vectorSchedule().openCt1(new byte[47]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ct1");
    assertThatThrownBy(() -> PairingV2KeySchedule.dh(ES_PRIVATE, new byte[33], "ee"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}

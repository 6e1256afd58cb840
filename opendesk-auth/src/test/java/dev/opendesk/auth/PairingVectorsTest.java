package dev.opendesk.auth;

import static dev.opendesk.protocol.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.Vectors;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * PROTOCOL.md §6.1 (legacy v1 pairing) against vectors/psk.json and vectors/pair.json, byte for
 * byte.
 */
class PairingVectorsTest {

  private static final JsonNode PAIR = Vectors.load("pair.json");
  private static final JsonNode ENCRYPTED = Vectors.load("encrypted.json");
  private static final PairingCode CODE = PairingCode.parse(PAIR.get("code").asText());

  private static byte[] key(String name) {
    return hex(PAIR.get("keys").get(name).get("private_hex"));
  }

  private static Identity client() {
    return Identity.fromPrivateKey(key("client_static"));
  }

  private static Identity server() {
    return Identity.fromPrivateKey(key("server_static"));
  }

  private static Handshake clientHandshake() {
    return TestKeys.fast().keySource(TestKeys.fixed(key("client_ephemeral"))).build();
  }

  private static Handshake serverHandshake() {
    return TestKeys.fast().keySource(TestKeys.fixed(key("server_ephemeral"))).build();
  }

  private static String message(JsonNode messages, int index) {
    return messages.get(index).get("msgpack_hex").asText();
  }

  @Test
  void pskOfEveryVectorCodeMatches() {
    for (JsonNode v : Vectors.load("psk.json").get("vectors")) {
      assertThat(hex(KeySchedule.psk(PairingCode.parse(v.get("code").asText()))))
          .as("PSK of %s", v.get("code").asText())
          .isEqualTo(v.get("psk_hex").asText());
    }
  }

  @Test
  void keyPairsDeriveTheVectorPublicKeys() {
    for (String name :
        new String[] {"client_static", "client_ephemeral", "server_static", "server_ephemeral"}) {
      assertThat(hex(KeySchedule.publicKey(key(name))))
          .as(name)
          .isEqualTo(PAIR.get("keys").get(name).get("public_hex").asText());
    }
  }

  @Test
  void keyScheduleReproducesEveryIntermediateValue() {
    byte[] psk = hex(PAIR.get("psk_hex"));
    byte[] ee =
        KeySchedule.dh(
            key("server_ephemeral"), hex(PAIR.at("/keys/client_ephemeral/public_hex")), "ee");
    assertThat(hex(ee)).isEqualTo(PAIR.get("dh_ee_hex").asText());
    byte[] k1 = KeySchedule.hkdf(psk, ee, "opendesk-pair-k1", 32);
    assertThat(hex(k1)).isEqualTo(PAIR.at("/k1/key_hex").asText());
    byte[] ct1 = KeySchedule.seal(k1, server().publicKey());
    assertThat(hex(ct1)).isEqualTo(PAIR.get("ct1_hex").asText());
    byte[] k2 = KeySchedule.hkdf(KeySchedule.concat(psk, ct1), ee, "opendesk-pair-k2", 32);
    assertThat(hex(k2)).isEqualTo(PAIR.at("/k2/key_hex").asText());
    byte[] ct2 = KeySchedule.seal(k2, client().publicKey());
    assertThat(hex(ct2)).isEqualTo(PAIR.get("ct2_hex").asText());
    byte[] transcript =
        KeySchedule.sha256(
            hex(PAIR.at("/keys/server_ephemeral/public_hex")),
            hex(PAIR.at("/keys/client_ephemeral/public_hex")),
            ct1,
            ct2);
    assertThat(hex(transcript)).isEqualTo(PAIR.get("transcript_sha256_hex").asText());
    byte[] ikm = hex(PAIR.at("/session_hkdf/ikm_hex"));
    byte[] se =
        KeySchedule.dh(
            key("server_static"), hex(PAIR.at("/keys/client_ephemeral/public_hex")), "se");
    byte[] es = KeySchedule.dh(key("server_ephemeral"), client().publicKey(), "es");
    assertThat(KeySchedule.concat(ee, se, es, psk)).isEqualTo(ikm);
    assertThat(hex(KeySchedule.hkdf(transcript, ikm, "opendesk-session-keys", 64)))
        .isEqualTo(PAIR.at("/session_hkdf/okm_hex").asText());
    KeySchedule.SessionKeys keys = KeySchedule.sessionKeys(transcript, ikm);
    assertThat(hex(keys.c2s())).isEqualTo(PAIR.get("c2s_key_hex").asText());
    assertThat(hex(keys.s2c())).isEqualTo(PAIR.get("s2c_key_hex").asText());
  }

  @Test
  void pairingMessagesAndOutcomesAreByteExact() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());

    CompletableFuture<Session> serverSession =
        serverHandshake()
            .pairServer(serverEnd, server(), null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
    CompletableFuture<Session> clientSession =
        clientHandshake().pairClient(clientEnd, client(), CODE, null, PairingMode.LEGACY_V1);
    Session s = Await.result(serverSession);
    Session c = Await.result(clientSession);

    JsonNode messages = PAIR.get("messages");
    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message(messages, 0), message(messages, 2));
    assertThat(serverEnd.sent()).extracting(Vectors::hex).containsExactly(message(messages, 1));
    assertThat(hex(s.remotePublicKey()))
        .isEqualTo(PAIR.at("/server_outcome/peer_public_hex").asText());
    assertThat(hex(c.remotePublicKey()))
        .isEqualTo(PAIR.at("/client_outcome/peer_public_hex").asText());
    assertThat(s.isPairing()).isTrue();
    assertThat(c.isPairing()).isTrue();
  }

  @Test
  void firstEncryptedFramesUnderThePairingKeysAreByteExact() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> serverSession =
        serverHandshake()
            .pairServer(serverEnd, server(), null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
    Session c =
        Await.result(
            clientHandshake().pairClient(clientEnd, client(), CODE, null, PairingMode.LEGACY_V1));
    Session s = Await.result(serverSession);

    JsonNode session = ENCRYPTED.get("pair_session");
    for (JsonNode frame : session.get("client_to_server")) {
      Await.result(c.connection().send(hex(frame.get("plaintext_msgpack_hex"))));
      assertThat(hex(Await.result(s.connection().receive())))
          .isEqualTo(frame.get("plaintext_msgpack_hex").asText());
    }
    for (JsonNode frame : session.get("server_to_client")) {
      Await.result(s.connection().send(hex(frame.get("plaintext_msgpack_hex"))));
      assertThat(hex(Await.result(c.connection().receive())))
          .isEqualTo(frame.get("plaintext_msgpack_hex").asText());
    }
    assertThat(clientEnd.sent().subList(2, 5))
        .extracting(Vectors::hex)
        .containsExactlyElementsOf(
            session.get("client_to_server").findValuesAsText("websocket_binary_message_hex"));
    assertThat(serverEnd.sent().subList(1, 4))
        .extracting(Vectors::hex)
        .containsExactlyElementsOf(
            session.get("server_to_client").findValuesAsText("websocket_binary_message_hex"));
  }

  @Test
  void clientWithWrongCodeFailsWrongCodeAndServerSeesTheClose() {
    JsonNode wrong = PAIR.get("wrong_code");
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());

    CompletableFuture<Session> serverSession =
        serverHandshake()
            .pairServer(serverEnd, server(), null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
    CompletableFuture<Session> clientSession =
        clientHandshake()
            .pairClient(
                clientEnd,
                client(),
                PairingCode.parse(wrong.get("client_code").asText()),
                null,
                PairingMode.LEGACY_V1);

    assertThat(Await.reason(clientSession)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(Await.reason(serverSession)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(serverSession)).hasMessageContaining("peer closed before pair_finish");
    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message(wrong.get("messages"), 0));
    assertThat(serverEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message(wrong.get("messages"), 1));
  }

  @Test
  void serverRejectsARoguePairFinishWithWrongCode() {
    JsonNode messages = PAIR.at("/wrong_code_server_side/messages");
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> serverSession =
        serverHandshake()
            .pairServer(link.second(), server(), null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));

    Await.result(link.first().send(hex(messages.get(0).get("msgpack_hex"))));
    assertThat(hex(Await.result(link.first().receive()))).isEqualTo(message(messages, 1));
    Await.result(link.first().send(hex(messages.get(2).get("msgpack_hex"))));

    assertThat(Await.reason(serverSession)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(link.second().isOpen()).isFalse();
  }
}

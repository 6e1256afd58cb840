package dev.opendesk.auth;

import static dev.opendesk.protocol.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.Vectors;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PROTOCOL.md §7 against vectors/encrypted.json, with the session keys given directly. */
class EncryptedVectorsTest {

  private static final JsonNode ENCRYPTED = Vectors.load("encrypted.json");

  @ParameterizedTest
  @ValueSource(strings = {"pair_session", "auth_session"})
  void everyFrameSealsAndOpensByteExactInBothDirections(String name) {
    JsonNode session = ENCRYPTED.get(name);
    byte[] c2s = hex(session.get("c2s_key_hex"));
    byte[] s2c = hex(session.get("s2c_key_hex"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    EncryptedConnection client = new EncryptedConnection(clientEnd, c2s, s2c, null);
    EncryptedConnection server = new EncryptedConnection(serverEnd, s2c, c2s, null);

    for (JsonNode frame : session.get("client_to_server")) {
      Await.result(client.send(hex(frame.get("plaintext_msgpack_hex"))));
      assertThat(hex(Await.result(server.receive())))
          .isEqualTo(frame.get("plaintext_msgpack_hex").asText());
    }
    for (JsonNode frame : session.get("server_to_client")) {
      Await.result(server.send(hex(frame.get("plaintext_msgpack_hex"))));
      assertThat(hex(Await.result(client.receive())))
          .isEqualTo(frame.get("plaintext_msgpack_hex").asText());
    }
    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactlyElementsOf(
            session.get("client_to_server").findValuesAsText("websocket_binary_message_hex"));
    assertThat(serverEnd.sent())
        .extracting(Vectors::hex)
        .containsExactlyElementsOf(
            session.get("server_to_client").findValuesAsText("websocket_binary_message_hex"));
  }

  @Test
  void rustInteropVectorSealsByteExact() {
    JsonNode v = ENCRYPTED.get("rust_crypto_rs_interop_vector");
    byte[] key = v.get("key_ascii").asText().getBytes(StandardCharsets.US_ASCII);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection end = new RecordingConnection(link.first());
    EncryptedConnection sender = new EncryptedConnection(end, key, new byte[32], null);

    Await.result(
        sender.send(v.get("plaintext_ascii").asText().getBytes(StandardCharsets.US_ASCII)));

    assertThat(hex(end.sent().get(0))).isEqualTo(v.get("ciphertext_hex").asText());
  }
}

package dev.opendesk.auth;

import static dev.opendesk.protocol.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.Vectors;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** PROTOCOL.md §6.2 against vectors/auth.json and the auth session of vectors/encrypted.json. */
class AuthVectorsTest {

  private static final JsonNode AUTH = Vectors.load("auth.json");
  private static final JsonNode ENCRYPTED = Vectors.load("encrypted.json");

  private static byte[] key(String name) {
    return hex(AUTH.get("keys").get(name).get("private_hex"));
  }

  private static byte[] publicKey(String name) {
    return hex(AUTH.get("keys").get(name).get("public_hex"));
  }

  private static Handshake withEphemeral(String name) {
    return Handshake.builder().keySource(TestKeys.fixed(key(name))).build();
  }

  private static TrustedPeers trustingClient() throws IOException {
    TrustedPeers trusted = TrustedPeers.inMemory();
    trusted.put(TrustedPeer.of(publicKey("client_static"), "vector-client"));
    return trusted;
  }

  private static String message(JsonNode scenario, int index) {
    return scenario.get("messages").get(index).get("msgpack_hex").asText();
  }

  private record Run(
      RecordingConnection clientEnd,
      RecordingConnection serverEnd,
      CompletableFuture<Session> client,
      CompletableFuture<Session> server) {}

  private static Run run(String clientStatic, String expectedServer) throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> server =
        withEphemeral("server_ephemeral")
            .authServer(serverEnd, Identity.fromPrivateKey(key("server_static")), trustingClient());
    CompletableFuture<Session> client =
        withEphemeral("client_ephemeral")
            .authClient(
                clientEnd, Identity.fromPrivateKey(key(clientStatic)), publicKey(expectedServer));
    return new Run(clientEnd, serverEnd, client, server);
  }

  @Test
  void keyScheduleReproducesTranscriptAndKeys() {
    JsonNode trusted = AUTH.get("trusted");
    byte[] es = publicKey("server_ephemeral");
    byte[] ec = publicKey("client_ephemeral");
    byte[] sc = publicKey("client_static");
    byte[] transcript = KeySchedule.sha256(es, ec, sc);
    assertThat(hex(transcript)).isEqualTo(trusted.get("transcript_sha256_hex").asText());
    byte[] kIkm =
        KeySchedule.concat(
            KeySchedule.dh(key("server_ephemeral"), ec, "ee"),
            KeySchedule.dh(key("server_static"), ec, "se"));
    assertThat(hex(kIkm)).isEqualTo(trusted.at("/k/hkdf_ikm_hex").asText());
    byte[] k = KeySchedule.hkdf(transcript, kIkm, "opendesk-auth-k", 32);
    assertThat(hex(k)).isEqualTo(trusted.at("/k/key_hex").asText());
    assertThat(hex(KeySchedule.seal(k, "ok".getBytes()))).isEqualTo(trusted.get("ct_hex").asText());
    KeySchedule.SessionKeys keys =
        KeySchedule.sessionKeys(transcript, hex(trusted.at("/session_hkdf/ikm_hex")));
    assertThat(hex(keys.c2s())).isEqualTo(trusted.get("c2s_key_hex").asText());
    assertThat(hex(keys.s2c())).isEqualTo(trusted.get("s2c_key_hex").asText());
  }

  @Test
  void trustedClientMessagesAreByteExact() throws IOException {
    Run run = run("client_static", "server_static");
    Session server = Await.result(run.server);
    Session client = Await.result(run.client);
    JsonNode trusted = AUTH.get("trusted");
    assertThat(run.clientEnd.sent()).extracting(Vectors::hex).containsExactly(message(trusted, 0));
    assertThat(run.serverEnd.sent()).extracting(Vectors::hex).containsExactly(message(trusted, 1));
    assertThat(hex(server.remotePublicKey()))
        .isEqualTo(trusted.at("/server_outcome/peer_public_hex").asText());
    assertThat(server.isPairing()).isFalse();
    assertThat(client.isPairing()).isFalse();
    assertThat(client.trusted()).isCompleted();
    // The server trusts the client only once the client's first frame has opened (#14 item 3).
    assertThat(server.trusted()).isNotDone();
  }

  @Test
  void firstEncryptedFramesUnderTheAuthKeysAreByteExact() throws IOException {
    Run run = run("client_static", "server_static");
    Session server = Await.result(run.server);
    Session client = Await.result(run.client);
    JsonNode session = ENCRYPTED.get("auth_session");
    JsonNode up = session.get("client_to_server").get(0);
    JsonNode down = session.get("server_to_client").get(0);

    Await.result(client.connection().send(hex(up.get("plaintext_msgpack_hex"))));
    Await.result(server.connection().send(hex(down.get("plaintext_msgpack_hex"))));

    assertThat(hex(Await.result(server.connection().receive())))
        .isEqualTo(up.get("plaintext_msgpack_hex").asText());
    assertThat(hex(Await.result(client.connection().receive())))
        .isEqualTo(down.get("plaintext_msgpack_hex").asText());
    assertThat(hex(run.clientEnd.sent().get(1)))
        .isEqualTo(up.get("websocket_binary_message_hex").asText());
    assertThat(hex(run.serverEnd.sent().get(1)))
        .isEqualTo(down.get("websocket_binary_message_hex").asText());
  }

  @Test
  void untrustedClientGetsTheExactEmptyOfferAndBothSidesFailUntrusted() throws IOException {
    Run run = run("untrusted_client_static", "server_static");
    JsonNode untrusted = AUTH.get("untrusted");

    assertThat(Await.reason(run.server)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    // The reference client reports unexpected_peer here; PROTOCOL.md §6.2 asks for untrusted_peer.
    assertThat(Await.reason(run.client)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(run.clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message(untrusted, 0));
    assertThat(run.serverEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(untrusted.get("auth_offer_msgpack_hex").asText());
    assertThat(run.serverEnd.isOpen()).isFalse();
  }

  @Test
  void clientExpectingAnotherServerKeyFailsUnexpectedPeerWhileTheServerCompletes()
      throws IOException {
    Run run = run("client_static", "other_server_static");
    JsonNode wrong = AUTH.get("wrong_server_key");

    assertThat(Await.reason(run.client)).isEqualTo(AuthFailureException.Reason.UNEXPECTED_PEER);
    Session server = Await.result(run.server);
    assertThat(hex(server.remotePublicKey()))
        .isEqualTo(wrong.at("/server_outcome/peer_public_hex").asText());
    assertThat(run.clientEnd.sent()).extracting(Vectors::hex).containsExactly(message(wrong, 0));
    assertThat(run.serverEnd.sent()).extracting(Vectors::hex).containsExactly(message(wrong, 1));
  }
}

package dev.opendesk.auth;

import static dev.opendesk.protocol.testing.Vectors.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.Vectors;
import java.security.GeneralSecurityException;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both ChaCha20-Poly1305 implementations (issue #13's run-time choice) against the same vectors and
 * against each other, and what destroying a cipher leaves.
 */
class MessageCipherTest {

  private static final JsonNode ENCRYPTED = Vectors.load("encrypted.json");

  enum Engine {
    BOUNCY_CASTLE,
    JDK;

    MessageCipher cipher(byte[] key, boolean forSealing) {
      try {
        return this == JDK
            ? new JdkMessageCipher(key, forSealing)
            : new BouncyCastleMessageCipher(key, forSealing);
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
  }

  static Stream<Arguments> vectorSessions() {
    return Stream.of(Engine.values())
        .flatMap(
            engine ->
                Stream.of("pair_session", "auth_session")
                    .map(session -> Arguments.of(engine, session)));
  }

  @ParameterizedTest
  @MethodSource("vectorSessions")
  void eachEngineSealsAndOpensTheVectorsByteExact(Engine engine, String name) {
    JsonNode session = ENCRYPTED.get(name);
    byte[] c2s = hex(session.get("c2s_key_hex"));
    MessageCipher sealer = engine.cipher(c2s, true);
    MessageCipher opener = engine.cipher(c2s, false);
    long counter = 0;
    for (JsonNode frame : session.get("client_to_server")) {
      byte[] plaintext = hex(frame.get("plaintext_msgpack_hex"));
      byte[] wire = sealer.seal(counter, plaintext);

      assertThat(Vectors.hex(wire)).isEqualTo(frame.get("websocket_binary_message_hex").asText());
      assertThat(opener.open(counter, wire)).isEqualTo(plaintext);
      counter++;
    }
  }

  @ParameterizedTest
  @EnumSource(AeadImplementation.class)
  void everyImplementationOfTheConnectionMatchesTheVectors(AeadImplementation aead) {
    JsonNode session = ENCRYPTED.get("auth_session");
    byte[] c2s = hex(session.get("c2s_key_hex"));
    byte[] s2c = hex(session.get("s2c_key_hex"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    EncryptedConnection client = new EncryptedConnection(clientEnd, c2s, s2c, null, 0, 0, aead);
    EncryptedConnection server = new EncryptedConnection(link.second(), s2c, c2s, null, 0, 0, aead);

    for (JsonNode frame : session.get("client_to_server")) {
      Await.result(client.send(hex(frame.get("plaintext_msgpack_hex"))));
      assertThat(Vectors.hex(Await.result(server.receive())))
          .isEqualTo(frame.get("plaintext_msgpack_hex").asText());
    }
    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactlyElementsOf(
            session.get("client_to_server").findValuesAsText("websocket_binary_message_hex"));
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 257, 4096, 65_539})
  void bothEnginesProduceTheSameBytesAndOpenEachOthers(int size) {
    byte[] key = new byte[32];
    byte[] plaintext = new byte[size];
    SplittableRandom random = new SplittableRandom(size);
    random.nextBytes(key);
    random.nextBytes(plaintext);
    long counter = random.nextLong();

    byte[] bc = Engine.BOUNCY_CASTLE.cipher(key, true).seal(counter, plaintext);
    byte[] jdk = Engine.JDK.cipher(key, true).seal(counter, plaintext);

    assertThat(jdk).isEqualTo(bc).hasSize(size + KeySchedule.TAG_SIZE);
    assertThat(Engine.JDK.cipher(key, false).open(counter, bc)).isEqualTo(plaintext);
    assertThat(Engine.BOUNCY_CASTLE.cipher(key, false).open(counter, jdk)).isEqualTo(plaintext);
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aTamperedMessageOrAnotherCounterDoesNotOpen(Engine engine) {
    byte[] key = new byte[32];
    key[0] = 7;
    byte[] sealed = engine.cipher(key, true).seal(5, new byte[300]);
    MessageCipher opener = engine.cipher(key, false);

    assertThat(opener.open(6, sealed)).isNull();
    sealed[3] ^= 1;
    assertThat(opener.open(5, sealed)).isNull();
    assertThat(opener.open(5, new byte[KeySchedule.TAG_SIZE - 1])).isNull();
  }

  @ParameterizedTest
  @EnumSource(Engine.class)
  void aSealerKeepsSealingWithFreshCountersAfterTheFirstMessage(Engine engine) {
    byte[] key = new byte[32];
    MessageCipher sealer = engine.cipher(key, true);
    MessageCipher opener = engine.cipher(key, false);

    for (long counter = 0; counter < 50; counter++) {
      byte[] plaintext = new byte[(int) counter * 7];
      assertThat(opener.open(counter, sealer.seal(counter, plaintext))).isEqualTo(plaintext);
    }
  }

  @ParameterizedTest
  @EnumSource(AeadImplementation.class)
  void aDestroyedCipherRefusesToWorkAndHoldsNoKey(AeadImplementation aead) {
    byte[] key = new byte[32];
    key[1] = 9;
    SessionCipher cipher = aead.newCipher(key, true);
    cipher.seal(0, new byte[10]);
    cipher.seal(1, new byte[1000]);

    cipher.destroy();
    cipher.destroy();

    assertThat(cipher.holdsKey()).isFalse();
    assertThatThrownBy(() -> cipher.seal(2, new byte[10]))
        .isInstanceOf(IllegalStateException.class);
  }

  @ParameterizedTest
  @EnumSource(AeadImplementation.class)
  void theForcedImplementationIsUsedForEverySize(AeadImplementation aead) {
    int threshold = aead.jdkFromBytes();

    switch (aead) {
      case BOUNCY_CASTLE -> assertThat(threshold).isEqualTo(Integer.MAX_VALUE);
      case JDK -> assertThat(threshold).isZero();
      case AUTO ->
          assertThat(threshold)
              .isIn(AeadImplementation.JDK_FROM_BYTES, Integer.MAX_VALUE)
              .isEqualTo(
                  Runtime.version().feature() >= 20
                          && java.util.Set.of("amd64", "x86_64", "aarch64")
                              .contains(System.getProperty("os.arch"))
                      ? AeadImplementation.JDK_FROM_BYTES
                      : Integer.MAX_VALUE);
    }
  }
}

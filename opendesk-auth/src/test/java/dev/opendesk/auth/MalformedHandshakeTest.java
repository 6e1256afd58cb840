package dev.opendesk.auth;

import static dev.opendesk.auth.Messages.bytes;
import static dev.opendesk.auth.Messages.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.DecodeBombs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed handshake message fails with reason {@code protocol} and closes the connection.
 */
class MalformedHandshakeTest {

  private static final PairingCode CODE = PairingCode.parse("123456");
  private static final byte[] KEY = Identity.generate().publicKey();

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();

  private static byte[] concat(byte[] a, byte[] b) {
    return KeySchedule.concat(a, b);
  }

  /** Broken first messages: the server must refuse each one without answering. */
  static Stream<Arguments> brokenHellos() {
    byte[] valid = map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY);
    return Stream.of(
        Arguments.of("empty message", new byte[0]),
        Arguments.of("not a map", new byte[] {(byte) 0x92, 0x01, 0x02}),
        Arguments.of("bin instead of a map", new byte[] {(byte) 0xc4, 0x01, 0x00}),
        Arguments.of("extra trailing bytes", concat(valid, new byte[] {(byte) 0xc0})),
        Arguments.of("truncated map", java.util.Arrays.copyOf(valid, valid.length - 3)),
        Arguments.of("v missing", map("kind", "auth_hello", "e", KEY, "s", KEY)),
        Arguments.of("v is 2", map("v", 2, "kind", "auth_hello", "e", KEY, "s", KEY)),
        Arguments.of("v is a str", map("v", "1", "kind", "auth_hello", "e", KEY, "s", KEY)),
        Arguments.of("v is a float", map("v", 1.0, "kind", "auth_hello", "e", KEY, "s", KEY)),
        Arguments.of("kind missing", map("v", 1, "e", KEY, "s", KEY)),
        Arguments.of(
            "kind is bin",
            map("v", 1, "kind", "auth_hello".getBytes(StandardCharsets.UTF_8), "e", KEY, "s", KEY)),
        Arguments.of("kind unknown", map("v", 1, "kind", "auth_offer", "e", KEY, "s", KEY)),
        Arguments.of("e missing", map("v", 1, "kind", "auth_hello", "s", KEY)),
        Arguments.of("e is nil", map("v", 1, "kind", "auth_hello", "e", null, "s", KEY)),
        Arguments.of("e is a str", map("v", 1, "kind", "auth_hello", "e", "key", "s", KEY)),
        Arguments.of(
            "e is 31 bytes", map("v", 1, "kind", "auth_hello", "e", bytes(31, 9), "s", KEY)),
        Arguments.of(
            "e is 33 bytes", map("v", 1, "kind", "auth_hello", "e", bytes(33, 9), "s", KEY)),
        Arguments.of("s missing", map("v", 1, "kind", "auth_hello", "e", KEY)),
        Arguments.of("s is an int", map("v", 1, "kind", "auth_hello", "e", KEY, "s", 7)),
        Arguments.of("s is empty", map("v", 1, "kind", "auth_hello", "e", KEY, "s", new byte[0])),
        Arguments.of("pair_hello e missing", map("v", 1, "kind", "pair_hello")),
        Arguments.of(
            "pair_hello e is 16 bytes", map("v", 1, "kind", "pair_hello", "e", bytes(16, 9))),
        Arguments.of(
            "pair_hello e is an array",
            map("v", 1, "kind", "pair_hello", "e", java.util.List.of(1, 2))),
        Arguments.of(
            "15 MiB of empty maps",
            DecodeBombs.handshakeWithEmptyMaps("auth_hello", 15 * 1024 * 1024)),
        Arguments.of(
            "over the size bound",
            map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "pad", bytes(1024, 0))),
        Arguments.of(
            "nested two levels deep",
            map("v", 1, "kind", "auth_hello", "e", KEY, "s", KEY, "x", List.of(List.of(1)))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenHellos")
  void serverRefusesABrokenFirstMessageWithoutAnswering(String name, byte[] message)
      throws IOException {
    PairingGate pairing = new PairingGate();
    pairing.armLegacyV1(CODE, java.time.Duration.ofMinutes(1));
    TrustedPeers trusted = TrustedPeers.inMemory();
    trusted.put(TrustedPeer.of(KEY, "known"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, trusted, pairing);

    Await.result(link.first().send(message));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(link.first().receive())).isInstanceOf(ConnectionClosedException.class);
  }

  /** Broken third messages after a valid pair_hello. */
  static Stream<Arguments> brokenPairFinishes() {
    byte[] ct = bytes(48, 5);
    return Stream.of(
        Arguments.of("not a map", new byte[] {0x01}),
        Arguments.of("wrong kind", map("v", 1, "kind", "pair_hello", "ct", ct)),
        Arguments.of("wrong v", map("v", 0, "kind", "pair_finish", "ct", ct)),
        Arguments.of("ct missing", map("v", 1, "kind", "pair_finish")),
        Arguments.of("ct is a str", map("v", 1, "kind", "pair_finish", "ct", "ct")),
        Arguments.of("ct is 47 bytes", map("v", 1, "kind", "pair_finish", "ct", bytes(47, 5))),
        Arguments.of("ct is 49 bytes", map("v", 1, "kind", "pair_finish", "ct", bytes(49, 5))),
        Arguments.of(
            "trailing bytes",
            concat(map("v", 1, "kind", "pair_finish", "ct", ct), new byte[] {0})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPairFinishes")
  void serverRefusesABrokenPairFinish(String name, byte[] message) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
    Await.result(link.first().send(map("v", 1, "kind", "pair_hello", "e", KEY)));
    Await.result(link.first().receive());

    Await.result(link.first().send(message));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(link.second().isOpen()).isFalse();
  }

  /** Broken second messages of a pairing, as the client sees them. */
  static Stream<Arguments> brokenPairOffers() {
    byte[] ct = bytes(48, 5);
    return Stream.of(
        Arguments.of("not a map", new byte[] {(byte) 0xc0}),
        Arguments.of("wrong kind", map("v", 1, "kind", "auth_offer", "e", KEY, "ct", ct)),
        Arguments.of("wrong v", map("v", 3, "kind", "pair_offer", "e", KEY, "ct", ct)),
        Arguments.of("e missing", map("v", 1, "kind", "pair_offer", "ct", ct)),
        Arguments.of(
            "e is 31 bytes", map("v", 1, "kind", "pair_offer", "e", bytes(31, 1), "ct", ct)),
        Arguments.of("ct missing", map("v", 1, "kind", "pair_offer", "e", KEY)),
        Arguments.of("ct is a map", map("v", 1, "kind", "pair_offer", "e", KEY, "ct", Map.of())),
        Arguments.of(
            "ct is 16 bytes", map("v", 1, "kind", "pair_offer", "e", KEY, "ct", bytes(16, 1))),
        Arguments.of(
            "trailing bytes",
            concat(map("v", 1, "kind", "pair_offer", "e", KEY, "ct", ct), new byte[] {1})));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenPairOffers")
  void clientRefusesABrokenPairOffer(String name, byte[] message) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        handshake.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1);
    Await.result(link.second().receive());

    Await.result(link.second().send(message));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(link.second().receive()))
        .isInstanceOf(ConnectionClosedException.class);
  }

  /** Broken second messages of an authentication, as the client sees them. */
  static Stream<Arguments> brokenAuthOffers() {
    return Stream.of(
        Arguments.of("not a map", new byte[] {0x7f}),
        Arguments.of("wrong kind", map("v", 1, "kind", "pair_offer", "e", KEY, "ct", bytes(18, 1))),
        Arguments.of("v missing", map("kind", "auth_offer", "e", KEY, "ct", bytes(18, 1))),
        Arguments.of("e missing", map("v", 1, "kind", "auth_offer", "ct", bytes(18, 1))),
        Arguments.of(
            "e is 64 bytes",
            map("v", 1, "kind", "auth_offer", "e", bytes(64, 1), "ct", bytes(18, 1))),
        Arguments.of("ct missing", map("v", 1, "kind", "auth_offer", "e", KEY)),
        Arguments.of("ct is a str", map("v", 1, "kind", "auth_offer", "e", KEY, "ct", "ok")),
        Arguments.of(
            "ct shorter than a tag",
            map("v", 1, "kind", "auth_offer", "e", KEY, "ct", bytes(5, 1))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenAuthOffers")
  void clientRefusesABrokenAuthOffer(String name, byte[] message) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey());
    Await.result(link.second().receive());

    Await.result(link.second().send(message));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
  }

  @Test
  void clientRefusesAnAuthOfferWhosePayloadIsNotOk() {
    X25519KeyPair serverEphemeral = X25519KeyPair.generate(new java.security.SecureRandom());
    X25519KeyPair clientEphemeral = X25519KeyPair.generate(new java.security.SecureRandom());
    Handshake fixedClient = TestKeys.fast().keySource(() -> clientEphemeral).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        fixedClient.authClient(link.first(), clientIdentity, serverIdentity.publicKey());
    Await.result(link.second().receive());

    // A server holding the right key, but sealing something other than "ok".
    byte[] transcript =
        KeySchedule.sha256(
            serverEphemeral.publicKeyBytes(),
            clientEphemeral.publicKeyBytes(),
            clientIdentity.publicKey());
    byte[] ikm =
        KeySchedule.concat(
            serverEphemeral.agree(clientEphemeral.publicKeyBytes(), "ee"),
            serverIdentity.keyPair().agree(clientEphemeral.publicKeyBytes(), "se"));
    byte[] k = KeySchedule.hkdf(transcript, ikm, "opendesk-auth-k", 32);
    byte[] ct = KeySchedule.seal(k, "no".getBytes(StandardCharsets.US_ASCII));
    Await.result(
        link.second()
            .send(
                map(
                    "v",
                    1,
                    "kind",
                    "auth_offer",
                    "e",
                    serverEphemeral.publicKeyBytes(),
                    "ct",
                    ct)));

    assertThat(Await.failure(client))
        .isInstanceOf(AuthFailureException.class)
        .hasMessageContaining("not \"ok\"");
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
  }

  @Test
  void unknownKeysInHandshakeMessagesAreIgnored() throws IOException {
    TrustedPeers trusted = TrustedPeers.inMemory();
    trusted.put(TrustedPeer.of(clientIdentity.publicKey(), "laptop"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.authServer(link.second(), serverIdentity, trusted);

    Await.result(
        link.first()
            .send(
                map(
                    "s",
                    clientIdentity.publicKey(),
                    "future",
                    Map.of("x", 1),
                    "e",
                    KEY,
                    "kind",
                    "auth_hello",
                    "v",
                    1)));

    assertThat(Await.result(served).remotePublicKey()).isEqualTo(clientIdentity.publicKey());
  }
}

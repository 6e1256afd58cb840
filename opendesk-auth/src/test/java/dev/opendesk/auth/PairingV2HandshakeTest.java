package dev.opendesk.auth;

import static dev.opendesk.auth.Messages.bytes;
import static dev.opendesk.auth.Messages.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import dev.opendesk.protocol.testing.Vectors;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pairing v2 (PAIRING-V2.md) through the real {@link Handshake} over {@link LoopbackConnection}:
 * vectors/pair2.json byte for byte with injected scalars and ephemerals, negotiation and downgrade,
 * strict input checks, wrong codes, reflected messages, low-order keys, forwarded static keys and
 * timeouts. The SPAKE2 arithmetic itself is tested in {@link Spake2Test} and {@link
 * PairingV2ExchangeTest}.
 */
class PairingV2HandshakeTest {

  private static final PairingCode CODE = PairingCode.parse(PairingV2Vectors.text("/code"));
  private static final PairingCode WRONG =
      PairingCode.parse(PairingV2Vectors.text("/wrong_code/client_code"));
  private static final FrameCodec CODEC = FrameCodec.standard();

  /** A valid P-256 point that is nobody's share (the generator). */
  private static final byte[] SOME_POINT = Spake2.GENERATOR.getEncoded(false);

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();

  // ---------------------------------------------------------------- helpers

  private static Identity vectorIdentity(String side) {
    return Identity.fromPrivateKey(PairingV2Vectors.hex("/keys/" + side + "_static/private_hex"));
  }

  private static Handshake vectorHandshake(String side, String scalar) {
    BigInteger fixed = PairingV2Vectors.scalar("/spake2_scalars/" + scalar + "/hex");
    return TestKeys.fast()
        .keySource(TestKeys.fixed(PairingV2Vectors.hex("/keys/" + side + "_ephemeral/private_hex")))
        .spakeScalars(() -> fixed)
        .build();
  }

  private static Handshake vectorClient() {
    return vectorHandshake("client", "x");
  }

  private static Handshake vectorServer() {
    return vectorHandshake("server", "y");
  }

  private static String message(String pointer) {
    return PairingV2Vectors.text(pointer + "/msgpack_hex");
  }

  private static byte[] vectorHello(String direction) {
    JsonNode value = PairingV2Vectors.at("/first_frames/" + direction + "/plaintext_value");
    Hello hello =
        new Hello(
            "client".equals(value.get("role").asText()) ? Role.CLIENT : Role.SERVER,
            value.get("principal").asText(),
            Vectors.map(value.get("auth")),
            Vectors.map(value.get("capabilities")),
            null);
    return CODEC.encode(hello);
  }

  /** Nothing more arrives on {@code end}: the next receive sees the close. */
  private static void assertNothingMoreArrives(Connection end) {
    assertThat(Await.failure(end.receive())).isInstanceOf(ConnectionClosedException.class);
  }

  private PairingGate armed(PairingMode mode) {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, mode, Duration.ofMinutes(1));
    return gate;
  }

  private static byte[] hello2(Object... overrides) {
    Object[] base = {
      "v",
      1,
      "kind",
      "pair2_hello",
      "suite",
      Spake2.SUITE,
      "e",
      Identity.generate().publicKey(),
      "pa",
      SOME_POINT
    };
    Map<String, Object> fields = new java.util.LinkedHashMap<>();
    for (int i = 0; i < base.length; i += 2) {
      fields.put((String) base[i], base[i + 1]);
    }
    for (int i = 0; i < overrides.length; i += 2) {
      if (overrides[i + 1] == REMOVE) {
        fields.remove((String) overrides[i]);
      } else {
        fields.put((String) overrides[i], overrides[i + 1]);
      }
    }
    return CODEC.encodeMap(fields);
  }

  private static final Object REMOVE = new Object();

  // ---------------------------------------------------------------- vectors

  @Test
  void everyMessageIsTheVectorsByteForByte() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());

    CompletableFuture<Session> served =
        vectorServer()
            .pairServer(
                serverEnd, vectorIdentity("server"), null, TestKeys.armed(CODE, PairingMode.V2));
    Session client =
        Await.result(vectorClient().pairClient(clientEnd, vectorIdentity("client"), CODE));
    Session server = Await.result(served);

    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message("/messages/0"), message("/messages/2"));
    assertThat(serverEnd.sent()).extracting(Vectors::hex).containsExactly(message("/messages/1"));
    assertThat(clientEnd.sent().get(0)).hasSize(162);
    assertThat(serverEnd.sent().get(0)).hasSize(217);
    assertThat(clientEnd.sent().get(1)).hasSize(112);
    assertThat(client.remotePublicKey())
        .isEqualTo(PairingV2Vectors.hex("/client_outcome/peer_public_hex"));
    assertThat(server.remotePublicKey())
        .isEqualTo(PairingV2Vectors.hex("/server_outcome/peer_public_hex"));
    assertThat(client.isPairing()).isTrue();
    assertThat(server.isPairing()).isTrue();
  }

  @Test
  void theFirstHelloEachWayIsTheVectorsUnderC2sAndS2c() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> served =
        vectorServer()
            .pairServer(
                serverEnd, vectorIdentity("server"), null, TestKeys.armed(CODE, PairingMode.V2));
    Session client =
        Await.result(vectorClient().pairClient(clientEnd, vectorIdentity("client"), CODE));
    Session server = Await.result(served);
    byte[] clientHello = vectorHello("client_to_server");
    byte[] serverHello = vectorHello("server_to_client");
    assertThat(Vectors.hex(clientHello))
        .isEqualTo(PairingV2Vectors.text("/first_frames/client_to_server/plaintext_msgpack_hex"));
    assertThat(Vectors.hex(serverHello))
        .isEqualTo(PairingV2Vectors.text("/first_frames/server_to_client/plaintext_msgpack_hex"));

    Await.result(client.connection().send(clientHello));
    Await.result(server.connection().send(serverHello));

    assertThat(Await.result(server.connection().receive())).isEqualTo(clientHello);
    assertThat(Await.result(client.connection().receive())).isEqualTo(serverHello);
    assertThat(Vectors.hex(clientEnd.sent().get(2)))
        .isEqualTo(
            PairingV2Vectors.text("/first_frames/client_to_server/websocket_binary_message_hex"));
    assertThat(Vectors.hex(serverEnd.sent().get(1)))
        .isEqualTo(
            PairingV2Vectors.text("/first_frames/server_to_client/websocket_binary_message_hex"));
  }

  @Test
  void theVectorFramesAreSealedWithTheVectorSessionKeys() throws IOException {
    // The same frames through an EncryptedConnection keyed directly with c2s/s2c of pair2.json:
    // ties the handshake's output above to the named keys, not just to "some" shared keys.
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    byte[] c2s = PairingV2Vectors.hex("/c2s_key_hex");
    byte[] s2c = PairingV2Vectors.hex("/s2c_key_hex");
    Await.result(
        new EncryptedConnection(clientEnd, c2s, s2c, null).send(vectorHello("client_to_server")));
    Await.result(
        new EncryptedConnection(serverEnd, s2c, c2s, null).send(vectorHello("server_to_client")));

    assertThat(Vectors.hex(clientEnd.sent().get(0)))
        .isEqualTo(
            PairingV2Vectors.text("/first_frames/client_to_server/websocket_binary_message_hex"));
    assertThat(Vectors.hex(serverEnd.sent().get(0)))
        .isEqualTo(
            PairingV2Vectors.text("/first_frames/server_to_client/websocket_binary_message_hex"));
  }

  @Test
  void aClientWithTheWrongCodeFailsWrongCodeAndSendsNothingMore() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    TrustedPeers clientTrust = TrustedPeers.inMemory();
    TrustedPeers serverTrust = TrustedPeers.inMemory();

    CompletableFuture<Session> served =
        vectorServer()
            .pairServer(
                serverEnd,
                vectorIdentity("server"),
                serverTrust,
                TestKeys.armed(CODE, PairingMode.V2));
    CompletableFuture<Session> client =
        vectorClient().pairClient(clientEnd, vectorIdentity("client"), WRONG, clientTrust);

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(served)).hasMessageContaining("peer closed before pair2_finish");
    assertThat(clientEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message("/wrong_code/messages/0"));
    assertThat(serverEnd.sent())
        .extracting(Vectors::hex)
        .containsExactly(message("/wrong_code/messages/1"));
    assertThat(clientTrust.list()).isEmpty();
    assertThat(serverTrust.list()).isEmpty();
  }

  @Test
  void theServerRefusesARogueFinishWithWrongCode() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    CompletableFuture<Session> served =
        vectorServer()
            .pairServer(
                link.second(),
                vectorIdentity("server"),
                serverTrust,
                TestKeys.armed(CODE, PairingMode.V2));

    Await.result(link.first().send(Vectors.hex(message("/wrong_code/messages/0"))));
    assertThat(Vectors.hex(Await.result(link.first().receive())))
        .isEqualTo(message("/wrong_code/messages/1"));
    Await.result(
        link.first().send(PairingV2Vectors.hex("/wrong_code_server_side/finish_msgpack_hex")));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(Await.failure(served)).hasMessageContaining("ca does not verify");
    assertNothingMoreArrives(link.first());
    assertThat(serverTrust.list()).isEmpty();
  }

  // ---------------------------------------------------------------- negotiation and downgrade

  @Test
  void aV2ArmedServerRefusesPairHelloWithoutAnsweringAndConsumesTheCode() throws IOException {
    PairingGate gate = armed(PairingMode.V2);
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, serverTrust, gate);

    Await.result(
        link.first().send(map("v", 1, "kind", "pair_hello", "e", Identity.generate().publicKey())));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertNothingMoreArrives(link.first());
    assertThat(gate.isArmed()).isFalse();
    assertThat(serverTrust.list()).isEmpty();
  }

  @Test
  void aLegacyClientAgainstAV2ArmedServerGetsNoOffer() throws IOException {
    PairingGate gate = armed(PairingMode.V2);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> served =
        handshake.serve(serverEnd, serverIdentity, TrustedPeers.inMemory(), gate);

    CompletableFuture<Session> client =
        handshake.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1);

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(serverEnd.sent()).isEmpty();
    assertThat(gate.isArmed()).isFalse();
  }

  @Test
  void aLegacyArmedServerRefusesPair2HelloWithoutAnsweringAndConsumesTheCode() throws IOException {
    PairingGate gate = armed(PairingMode.LEGACY_V1);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> served =
        handshake.serve(serverEnd, serverIdentity, TrustedPeers.inMemory(), gate);

    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(serverEnd.sent()).isEmpty();
    assertThat(clientEnd.sent()).hasSize(1);
    assertThat(gate.isArmed()).isFalse();
  }

  @Test
  void aV2ClientAgainstAV1OnlyServerFailsUnsupportedAndSendsNothingFurther() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);

    // An older opendesk server answers whatever pairing hello it gets with a v1 pair_offer.
    Await.result(link.second().receive());
    Await.result(
        link.second()
            .send(
                map(
                    "v",
                    1,
                    "kind",
                    "pair_offer",
                    "e",
                    Identity.generate().publicKey(),
                    "ct",
                    bytes(48, 7))));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(clientEnd.sent()).hasSize(1);
    assertNothingMoreArrives(link.second());
  }

  @Test
  void aV2ClientReadsACloseInReplyToItsHelloAsUnsupported() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);

    Await.result(link.second().receive());
    link.second().close();

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(clientEnd.sent()).hasSize(1);
  }

  @Test
  void anUnknownSuiteIsUnsupportedWithNothingSentAndTheCodeConsumed() throws IOException {
    PairingGate gate = armed(PairingMode.V2);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), gate);

    Await.result(link.first().send(hello2("suite", "SPAKE2-P384-SHA256-HKDF-HMAC")));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertNothingMoreArrives(link.first());
    assertThat(gate.isArmed()).isFalse();
  }

  @Test
  void pair2HelloWithNoCodeArmedIsAProtocolFailureWithNothingSent() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), new PairingGate());

    Await.result(link.first().send(hello2()));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(served)).hasMessageContaining("no pairing code is armed");
    assertNothingMoreArrives(link.first());
  }

  @Test
  void pairThenReconnectWithV1AuthenticationAndTheStoredKeys() throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    TrustedPeers clientTrust = TrustedPeers.inMemory();
    PairingGate gate = new PairingGate();
    gate.arm(CODE, Duration.ofMinutes(1));
    LoopbackConnection.Pair first = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(first.second(), serverIdentity, serverTrust, gate);
    Session client =
        Await.result(handshake.pairClient(first.first(), clientIdentity, CODE, clientTrust));
    Session server = Await.result(served);
    Await.result(client.connection().send(Messages.hello(Role.CLIENT, "laptop", "")));
    Await.result(server.connection().send(Messages.hello(Role.SERVER, "desk", "")));
    Await.result(server.connection().receive());
    Await.result(client.connection().receive());
    Await.result(client.trusted());
    Await.result(server.trusted());
    client.connection().close();

    LoopbackConnection.Pair second = LoopbackConnection.pair();
    CompletableFuture<Session> servedAgain =
        handshake.serve(second.second(), serverIdentity, serverTrust, gate);
    byte[] serverKey = clientTrust.find(serverIdentity.publicKey()).orElseThrow().publicKey();
    Session again = Await.result(handshake.authClient(second.first(), clientIdentity, serverKey));

    assertThat(again.isPairing()).isFalse();
    assertThat(Await.result(servedAgain).remotePublicKey()).isEqualTo(clientIdentity.publicKey());
  }

  // ---------------------------------------------------------------- strict input checks

  private static byte[] withByte(byte[] point, int index, int value) {
    byte[] copy = point.clone();
    copy[index] = (byte) value;
    return copy;
  }

  /** A point encoding whose X is p (not below p) and Y anything. */
  private static byte[] coordinateAtP(boolean x) {
    byte[] p =
        org.bouncycastle.util.BigIntegers.asUnsignedByteArray(
            32, Spake2.GENERATOR.getCurve().getField().getCharacteristic());
    byte[] point = SOME_POINT.clone();
    System.arraycopy(p, 0, point, x ? 1 : 33, 32);
    return point;
  }

  static Stream<Arguments> brokenHellos() {
    return Stream.of(
        Arguments.of("suite missing", hello2("suite", REMOVE)),
        Arguments.of("suite is bin", hello2("suite", new byte[] {1})),
        Arguments.of("e missing", hello2("e", REMOVE)),
        Arguments.of("e is 31 bytes", hello2("e", bytes(31, 9))),
        Arguments.of("e is a str", hello2("e", "key")),
        Arguments.of("pa missing", hello2("pa", REMOVE)),
        Arguments.of("pa is 64 bytes", hello2("pa", java.util.Arrays.copyOf(SOME_POINT, 64))),
        Arguments.of("pa is 66 bytes", hello2("pa", java.util.Arrays.copyOf(SOME_POINT, 66))),
        Arguments.of("pa is compressed", hello2("pa", Spake2.GENERATOR.getEncoded(true))),
        Arguments.of("pa has prefix 03", hello2("pa", withByte(SOME_POINT, 0, 3))),
        Arguments.of("pa has X = p", hello2("pa", coordinateAtP(true))),
        Arguments.of("pa has Y = p", hello2("pa", coordinateAtP(false))),
        Arguments.of(
            "pa is off the curve", hello2("pa", withByte(SOME_POINT, 64, SOME_POINT[64] ^ 1))),
        Arguments.of("pa is all zero", hello2("pa", withByte(new byte[65], 0, 4))),
        Arguments.of("v is 2", hello2("v", 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenHellos")
  void theServerRefusesABrokenPair2HelloWithProtocolAndSendsNothing(String name, byte[] message)
      throws IOException {
    PairingGate gate = armed(PairingMode.V2);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), gate);

    Await.result(link.first().send(message));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertNothingMoreArrives(link.first());
  }

  static Stream<Arguments> brokenOffers() {
    byte[] e = Identity.generate().publicKey();
    byte[] cb = bytes(32, 3);
    byte[] ct = bytes(48, 5);
    return Stream.of(
        Arguments.of("not a map", new byte[] {(byte) 0xc0}),
        Arguments.of(
            "kind is auth_offer", map("v", 1, "kind", "auth_offer", "e", e, "ct", bytes(18, 1))),
        Arguments.of("its own hello reflected", null),
        Arguments.of(
            "e missing", map("v", 1, "kind", "pair2_offer", "pb", SOME_POINT, "cb", cb, "ct", ct)),
        Arguments.of(
            "e is 33 bytes",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                bytes(33, 1),
                "pb",
                SOME_POINT,
                "cb",
                cb,
                "ct",
                ct)),
        Arguments.of(
            "pb off the curve",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                e,
                "pb",
                withByte(SOME_POINT, 64, SOME_POINT[64] ^ 1),
                "cb",
                cb,
                "ct",
                ct)),
        Arguments.of(
            "pb has X = p",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                e,
                "pb",
                coordinateAtP(true),
                "cb",
                cb,
                "ct",
                ct)),
        Arguments.of(
            "pb has prefix 02",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                e,
                "pb",
                withByte(SOME_POINT, 0, 2),
                "cb",
                cb,
                "ct",
                ct)),
        Arguments.of(
            "cb is 31 bytes",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                e,
                "pb",
                SOME_POINT,
                "cb",
                bytes(31, 3),
                "ct",
                ct)),
        Arguments.of(
            "cb is a str",
            map("v", 1, "kind", "pair2_offer", "e", e, "pb", SOME_POINT, "cb", "mac", "ct", ct)),
        Arguments.of(
            "ct is 47 bytes",
            map(
                "v",
                1,
                "kind",
                "pair2_offer",
                "e",
                e,
                "pb",
                SOME_POINT,
                "cb",
                cb,
                "ct",
                bytes(47, 5))),
        Arguments.of(
            "ct missing", map("v", 1, "kind", "pair2_offer", "e", e, "pb", SOME_POINT, "cb", cb)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenOffers")
  void theClientRefusesABrokenPair2OfferWithProtocolAndSendsNothingMore(String name, byte[] message)
      throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);
    byte[] hello = Await.result(link.second().receive());

    Await.result(link.second().send(message == null ? hello : message));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(clientEnd.sent()).hasSize(1);
    assertNothingMoreArrives(link.second());
  }

  static Stream<Arguments> brokenFinishes() {
    return Stream.of(
        Arguments.of("not a map", new byte[] {0x01}),
        Arguments.of("kind is pair_finish", map("v", 1, "kind", "pair_finish", "ct", bytes(48, 5))),
        Arguments.of("ca missing", map("v", 1, "kind", "pair2_finish", "ct", bytes(48, 5))),
        Arguments.of(
            "ca is 33 bytes",
            map("v", 1, "kind", "pair2_finish", "ca", bytes(33, 1), "ct", bytes(48, 5))),
        Arguments.of(
            "ct is 49 bytes",
            map("v", 1, "kind", "pair2_finish", "ca", bytes(32, 1), "ct", bytes(49, 5))),
        Arguments.of(
            "ct is a map",
            map("v", 1, "kind", "pair2_finish", "ca", bytes(32, 1), "ct", Map.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenFinishes")
  void theServerRefusesABrokenPair2FinishWithProtocol(String name, byte[] message)
      throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, PairingMode.V2));
    Await.result(link.first().send(hello2()));
    Await.result(link.first().receive());

    Await.result(link.first().send(message));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertNothingMoreArrives(link.first());
    assertThat(serverTrust.list()).isEmpty();
  }

  @Test
  void theServerRefusesItsOwnOfferReflectedAsTheFinish() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));
    Await.result(link.first().send(hello2()));
    byte[] offer = Await.result(link.first().receive());

    Await.result(link.first().send(offer));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
  }

  // ---------------------------------------------------------------- wrong codes and reflections

  @Test
  void aServerWithAnotherCodeMakesTheClientFailWrongCode() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(WRONG, PairingMode.V2));
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(clientEnd.sent()).hasSize(1);
  }

  @Test
  void theClientRefusesItsOwnPaReflectedAsPbWithWrongCode() throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);
    PairingV2Messages.Hello hello =
        PairingV2Messages.parseHello(Await.result(link.second().receive()));

    Await.result(
        link.second()
            .send(
                PairingV2Messages.encodeOffer(
                    Identity.generate().publicKey(), hello.pa(), bytes(32, 1), bytes(48, 2))));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(clientEnd.sent()).hasSize(1);
  }

  @Test
  void theServerRefusesItsOwnCbReflectedAsCaWithWrongCode() throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, PairingMode.V2));
    Spake2 spake =
        Spake2.client(Spake2.passwordScalar(CODE.digits()), new java.security.SecureRandom());
    Await.result(
        link.first()
            .send(PairingV2Messages.encodeHello(Identity.generate().publicKey(), spake.share())));
    PairingV2Messages.Offer offer =
        PairingV2Messages.parseOffer(Await.result(link.first().receive()));

    Await.result(link.first().send(PairingV2Messages.encodeFinish(offer.cb(), offer.ct())));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(serverTrust.list()).isEmpty();
  }

  // ---------------------------------------------------------------- low-order X25519 keys

  static List<String> lowOrderPoints() {
    return LowOrderPointTest.lowOrderPoints();
  }

  private static byte[] point(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void theServerRefusesALowOrderEcWithoutAnswering(String hex) throws IOException {
    PairingGate gate = armed(PairingMode.V2);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), gate);

    Await.result(link.first().send(hello2("e", point(hex))));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertNothingMoreArrives(link.first());
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void theClientRefusesALowOrderEsAndSendsNothingMore(String hex) throws IOException {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client = handshake.pairClient(clientEnd, clientIdentity, CODE);
    Await.result(link.second().receive());

    Await.result(
        link.second()
            .send(
                PairingV2Messages.encodeOffer(point(hex), SOME_POINT, bytes(32, 1), bytes(48, 2))));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(clientEnd.sent()).hasSize(1);
  }

  @Test
  void theClientRefusesALowOrderServerStaticKeyAndSendsNoFinish() throws IOException {
    byte[] lowOrder = point(lowOrderPoints().get(0));
    TrustedPeers clientTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    CompletableFuture<Session> client =
        handshake.pairClient(clientEnd, clientIdentity, CODE, clientTrust);
    CompletableFuture<KeySchedule.SessionKeys> rogue =
        CompletableFuture.supplyAsync(
            () ->
                PairingV2Driver.server(
                    link.second(),
                    CODE.digits(),
                    lowOrder,
                    serverIdentity.keyPair().privateKeyBytes()));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(client)).hasMessageContaining("se");
    // The driver's wait for pair2_finish ends with the close, not with a message.
    assertThat(Await.failure(rogue)).hasRootCauseInstanceOf(ConnectionClosedException.class);
    assertThat(clientEnd.sent()).hasSize(1);
    assertThat(clientTrust.list()).isEmpty();
  }

  @Test
  void theServerRefusesALowOrderClientStaticKey() throws IOException {
    byte[] lowOrder = point(lowOrderPoints().get(0));
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, PairingMode.V2));
    CompletableFuture.runAsync(
        () ->
            PairingV2Driver.client(
                link.first(), CODE.digits(), lowOrder, clientIdentity.keyPair().privateKeyBytes()));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(served)).hasMessageContaining("es");
    assertThat(serverTrust.list()).isEmpty();
  }

  // ---------------------------------------------------------------- forwarded static keys

  @Test
  void anHonestHandDrivenClientIsTrusted() throws IOException {
    // Calibrates the forwarding test below: the driver itself pairs correctly.
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, PairingMode.V2));
    KeySchedule.SessionKeys keys =
        PairingV2Driver.client(
            link.first(),
            CODE.digits(),
            clientIdentity.publicKey(),
            clientIdentity.keyPair().privateKeyBytes());
    Session server = Await.result(served);

    Await.result(
        new EncryptedConnection(link.first(), keys.c2s(), keys.s2c(), null)
            .send(Messages.hello(Role.CLIENT, "honest", "")));
    Await.result(server.connection().receive());

    Await.result(server.trusted());
    assertThat(serverTrust.isTrusted(clientIdentity.publicKey())).isTrue();
  }

  @Test
  void aClientThatForwardsSomeoneElsesStaticKeyIsNeverTrusted() throws IOException {
    Identity victim = Identity.generate();
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, PairingMode.V2));
    KeySchedule.SessionKeys keys =
        PairingV2Driver.client(
            link.first(),
            CODE.digits(),
            victim.publicKey(),
            clientIdentity.keyPair().privateKeyBytes());
    Session server = Await.result(served);
    assertThat(server.remotePublicKey()).isEqualTo(victim.publicKey());

    Await.result(
        new EncryptedConnection(link.first(), keys.c2s(), keys.s2c(), null)
            .send(Messages.hello(Role.CLIENT, "victim", "")));

    assertThat(Await.failure(server.connection().receive()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(Await.failure(server.trusted())).isNotNull();
    assertThat(serverTrust.list()).isEmpty();
  }

  @Test
  void aServerThatForwardsSomeoneElsesStaticKeyIsNeverTrusted() throws IOException {
    Identity victim = Identity.generate();
    TrustedPeers clientTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<KeySchedule.SessionKeys> rogue =
        CompletableFuture.supplyAsync(
            () ->
                PairingV2Driver.server(
                    link.second(),
                    CODE.digits(),
                    victim.publicKey(),
                    serverIdentity.keyPair().privateKeyBytes()));
    Session client =
        Await.result(handshake.pairClient(link.first(), clientIdentity, CODE, clientTrust));
    KeySchedule.SessionKeys keys = Await.result(rogue);
    assertThat(client.remotePublicKey()).isEqualTo(victim.publicKey());

    Await.result(
        new EncryptedConnection(link.second(), keys.s2c(), keys.c2s(), null)
            .send(Messages.hello(Role.SERVER, "victim", "")));

    assertThat(Await.failure(client.connection().receive()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(Await.failure(client.trusted())).isNotNull();
    assertThat(clientTrust.list()).isEmpty();
  }

  // ---------------------------------------------------------------- timeouts and threads

  @Test
  void theServerTimesOutWaitingForPair2Finish() throws IOException {
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofMillis(300)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        quick.pairServer(link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));

    Await.result(link.first().send(hello2()));
    Await.result(link.first().receive());

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.TIMEOUT);
    assertThat(Await.failure(served)).hasMessageContaining("no pair2_finish");
    assertThat(link.second().isOpen()).isFalse();
  }

  @Test
  void theClientTimesOutWaitingForPair2Offer() throws IOException {
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofMillis(300)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client = quick.pairClient(link.first(), clientIdentity, CODE);

    Await.result(link.second().receive());

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.TIMEOUT);
    assertThat(Await.failure(client)).hasMessageContaining("no pair2_offer");
    assertThat(link.first().isOpen()).isFalse();
  }

  @Test
  void ellipticCurveWorkRunsOnTheHandshakeExecutor() throws IOException {
    List<String> threads = new CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(2, task -> new Thread(task, "test-handshake-pool"));
    try {
      Handshake onPool =
          Handshake.builder()
              .executor(pool)
              .spakeScalars(
                  () -> {
                    threads.add(Thread.currentThread().getName());
                    return Spake2.randomScalar(new java.security.SecureRandom());
                  })
              .keySource(
                  () -> {
                    threads.add(Thread.currentThread().getName());
                    return X25519KeyPair.generate(new java.security.SecureRandom());
                  })
              .build();
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      CompletableFuture<Session> served =
          onPool.pairServer(
              link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));
      Await.result(onPool.pairClient(link.first(), clientIdentity, CODE));
      Await.result(served);

      assertThat(threads).hasSize(4).containsOnly("test-handshake-pool");
    } finally {
      pool.shutdownNow();
    }
  }
}

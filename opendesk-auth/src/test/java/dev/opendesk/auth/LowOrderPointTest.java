package dev.opendesk.auth;

import static dev.opendesk.auth.Messages.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.LoopbackConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Public keys of small order make X25519 output all zero (RFC 7748 §6.1): every agreement refuses
 * them, and a handshake that meets one fails with {@code protocol} before it sends anything that
 * depends on it.
 */
class LowOrderPointTest {

  private static final PairingCode CODE = PairingCode.parse("123456");

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();

  static List<String> lowOrderPoints() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                LowOrderPointTest.class.getResourceAsStream("/x25519-low-order.txt"),
                StandardCharsets.US_ASCII))) {
      return in.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] point(String hex) {
    return HexFormat.of().parseHex(hex);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void identityAgreementRefusesTheKey(String hex) {
    assertThatThrownBy(() -> Identity.generate().agree(point(hex)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all zero");
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void serverRefusesItAsTheClientEphemeralWithoutAnswering(String hex) throws IOException {
    TrustedPeers trusted = TrustedPeers.inMemory();
    trusted.put(TrustedPeer.of(clientIdentity.publicKey(), "laptop"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.authServer(link.second(), serverIdentity, trusted);

    Await.result(
        link.first()
            .send(
                map(
                    "v",
                    1,
                    "kind",
                    "auth_hello",
                    "e",
                    point(hex),
                    "s",
                    clientIdentity.publicKey())));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(link.first().receive())).isInstanceOf(ConnectionClosedException.class);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void serverRefusesItAsATrustedClientsStaticKey(String hex) throws IOException {
    TrustedPeers trusted = TrustedPeers.inMemory();
    trusted.put(TrustedPeer.of(point(hex), "degenerate"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.authServer(link.second(), serverIdentity, trusted);

    Await.result(
        link.first().send(Messages.authHello(Identity.generate().publicKey(), point(hex))));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(link.first().receive())).isInstanceOf(ConnectionClosedException.class);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void pairingServerRefusesItWithoutSendingAnOffer(String hex) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));

    Await.result(link.first().send(map("v", 1, "kind", "pair_hello", "e", point(hex))));

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.failure(link.first().receive())).isInstanceOf(ConnectionClosedException.class);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void pairingClientRefusesItAsTheServerEphemeral(String hex) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        handshake.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1);
    Await.result(link.second().receive());

    Await.result(
        link.second().send(map("v", 1, "kind", "pair_offer", "e", point(hex), "ct", new byte[48])));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
  }

  @ParameterizedTest
  @MethodSource("lowOrderPoints")
  void authClientRefusesItAsTheExpectedServerKey(String hex) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> client =
        handshake.authClient(link.first(), clientIdentity, point(hex));
    Await.result(link.second().receive());

    Await.result(
        link.second()
            .send(
                map(
                    "v",
                    1,
                    "kind",
                    "auth_offer",
                    "e",
                    Identity.generate().publicKey(),
                    "ct",
                    new byte[18])));

    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
  }
}

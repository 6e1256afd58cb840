package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue #14, key material: once a handshake has ended, well or badly, the ephemeral private keys
 * and the v1 PSK it used are zero in memory. (The SPAKE2 scalars and w are {@code BigInteger}s and
 * cannot be wiped; see the package documentation.)
 */
class HandshakeSecretsWipedTest {

  private static final PairingCode CODE = PairingCode.parse("424242");

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final List<X25519KeyPair> ephemerals = new CopyOnWriteArrayList<>();
  private final List<byte[]> psks = new CopyOnWriteArrayList<>();
  private final Handshake handshake =
      TestKeys.fast()
          .keySource(
              () -> {
                X25519KeyPair pair = EphemeralKeySource.secure().next();
                ephemerals.add(pair);
                return pair;
              })
          .psk(
              code -> {
                byte[] psk = TestKeys.cachedPsk(code);
                psks.add(psk);
                return psk;
              })
          .build();

  private static boolean allZero(byte[] bytes) {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  private void assertEverySecretIsZero(int expectedEphemerals) {
    assertThat(ephemerals).hasSize(expectedEphemerals);
    assertThat(ephemerals).allSatisfy(e -> assertThat(allZero(e.privateKeyBytes())).isTrue());
    assertThat(psks).allSatisfy(psk -> assertThat(allZero(psk)).isTrue());
  }

  @Test
  void anAuthenticationLeavesNoEphemeralPrivateKeyBehind() throws Exception {
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(clientIdentity.publicKey(), "laptop", "");
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.authServer(link.second(), serverIdentity, trust);
    Await.result(handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey()));
    Await.result(served);

    assertEverySecretIsZero(2);
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void aPairingLeavesNoEphemeralPrivateKeyOrPskBehind(PairingMode mode) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(link.second(), serverIdentity, null, TestKeys.armed(CODE, mode));
    Await.result(handshake.pairClient(link.first(), clientIdentity, CODE, null, mode));
    Await.result(served);

    assertEverySecretIsZero(2);
    assertThat(psks).hasSize(mode == PairingMode.LEGACY_V1 ? 2 : 0);
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void aPairingWithTheWrongCodeLeavesNoEphemeralPrivateKeyOrPskBehind(PairingMode mode) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(link.second(), serverIdentity, null, TestKeys.armed(CODE, mode));
    Await.failure(
        handshake.pairClient(
            link.first(), clientIdentity, PairingCode.parse("000000"), null, mode));
    Await.failure(served);

    assertEverySecretIsZero(2);
  }
}

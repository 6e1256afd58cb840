package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The layers together, in-process: pairing, trust, reconnect with auth, and calls that see the
 * peer's key.
 */
@Timeout(60)
class FullStackLoopbackTest {
  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final TrustedPeers serverTrust = TrustedPeers.inMemory();
  private final TrustedPeers clientTrust = TrustedPeers.inMemory();
  private final Handshake handshake = Handshake.defaults();
  // As a user comparing fingerprints would: a server pairs legacy v1 only with a real approver.
  private final Handshake serverHandshake =
      Handshake.builder()
          .approver(
              request ->
                  CompletableFuture.completedFuture(
                      request.fingerprint().equals(clientIdentity.fingerprint())))
          .build();
  private final Dispatcher whoAmI =
      Dispatcher.builder()
          .unary(
              "whoami",
              (ctx, params) -> Map.of("key", ctx.remotePublicKey(), "echo", params.get("data")))
          .build();

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void pairThenReconnectAndCallWithTheAuthenticatedKey(PairingMode mode) throws Exception {
    PairingCode code = PairingCode.random();
    PairingGate gate = new PairingGate();
    gate.arm(code, mode, Duration.ofMinutes(1));

    byte[] serverKey;
    try (Connected paired =
        connect(
            gate,
            server -> handshake.pairClient(server, clientIdentity, code, clientTrust, mode))) {
      assertThat(paired.clientSession.isPairing()).isTrue();
      assertWhoAmI(paired.client);
      paired.clientSession.trusted().get(10, TimeUnit.SECONDS);
      serverKey = paired.clientSession.remotePublicKey();
    }
    assertThat(clientTrust.isTrusted(serverKey)).isTrue();
    assertThat(serverTrust.isTrusted(clientIdentity.publicKey())).isTrue();

    try (Connected again =
        connect(
            new PairingGate(), server -> handshake.authClient(server, clientIdentity, serverKey))) {
      assertThat(again.clientSession.isPairing()).isFalse();
      assertWhoAmI(again.client);
    }
  }

  private void assertWhoAmI(Peer client) throws Exception {
    Map<String, Object> result =
        client.call("whoami", Map.of("data", new byte[] {1, 2, 3})).get(10, TimeUnit.SECONDS);
    assertThat((byte[]) result.get("key")).isEqualTo(clientIdentity.publicKey());
    assertThat((byte[]) result.get("echo")).containsExactly(1, 2, 3);
  }

  private Connected connect(
      PairingGate gate,
      java.util.function.Function<LoopbackConnection, CompletableFuture<Session>> clientHandshake)
      throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    CompletableFuture<Session> serverSession =
        serverHandshake.serve(pair.second(), serverIdentity, serverTrust, gate);
    Session clientSession = clientHandshake.apply(pair.first()).get(10, TimeUnit.SECONDS);
    Session server = serverSession.get(10, TimeUnit.SECONDS);

    Peer serverPeer =
        Peer.builder(server.connection(), dev.opendesk.protocol.Role.SERVER)
            .dispatcher(whoAmI)
            .remotePublicKey(server.remotePublicKey())
            .build();
    Peer clientPeer =
        Peer.builder(clientSession.connection(), dev.opendesk.protocol.Role.CLIENT)
            .remotePublicKey(clientSession.remotePublicKey())
            .build();
    CompletableFuture<?> serverHello = serverPeer.hello();
    clientPeer.hello().get(10, TimeUnit.SECONDS);
    serverHello.get(10, TimeUnit.SECONDS);
    serverPeer.start();
    clientPeer.start();
    return new Connected(clientSession, clientPeer, serverPeer);
  }

  private record Connected(Session clientSession, Peer client, Peer server)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      client.close();
      server.closeFuture().handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    }
  }
}

package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue #14 item 11: the side whose handshake fails closes with WebSocket status 1008 (policy
 * violation), as PROTOCOL.md and PAIRING-V2.md ask, not 1000.
 */
class HandshakeCloseStatusTest {

  private static final PairingCode CODE = PairingCode.parse("424242");

  private final Handshake handshake = TestKeys.fast().build();
  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();

  @Test
  void aServerRefusingItsFirstMessageClosesWith1008() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    var served = handshake.serve(serverEnd, serverIdentity, TrustedPeers.inMemory(), null);

    Await.result(link.first().send(Messages.map("v", 1, "kind", "nonsense")));

    Await.failure(served);
    assertThat(serverEnd.closeStatuses()).first().isEqualTo(1008);
  }

  @Test
  void aClientWithTheWrongCodeClosesWith1008() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection clientEnd = new RecordingConnection(link.first());
    handshake.pairServer(link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));

    Await.failure(handshake.pairClient(clientEnd, clientIdentity, PairingCode.parse("000000")));

    assertThat(clientEnd.closeStatuses()).first().isEqualTo(1008);
  }

  @Test
  void aServerWhoseApproverRefusesThePairingClosesWith1008() {
    Handshake refusing =
        TestKeys.fast().approver(request -> CompletableFuture.completedFuture(false)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> served =
        refusing.pairServer(
            serverEnd,
            serverIdentity,
            TrustedPeers.inMemory(),
            TestKeys.armed(CODE, PairingMode.V2));
    Session client = Await.result(refusing.pairClient(link.first(), clientIdentity, CODE));
    Session server = Await.result(served);

    Await.result(client.connection().send(new byte[] {1})); // the first frame meets the approver

    assertThat(Await.failure(server.connection().receive()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(serverEnd.closeStatuses()).first().isEqualTo(1008);
  }
}

package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A flood of idle unauthenticated connections never keeps the owner out: the handshake cap evicts
 * the oldest stranger to admit each newcomer, and the step and upgrade timeouts close the idle
 * ones.
 */
@Timeout(120)
class UnauthenticatedFloodLimitTest {

  private static final int SILENT = 200;
  private static final int UPGRADED = 200;
  private static final int MAX_PENDING = 32;

  private final Identity serverIdentity = Identity.generate();
  private final Identity owner = Identity.generate();

  private SecureStack stack(Duration stepTimeout, Duration upgradeTimeout) throws Exception {
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(owner.publicKey(), "owner", "");
    return SecureStack.start(
        serverIdentity,
        trust,
        Handshake.builder().stepTimeout(stepTimeout).build(),
        MAX_PENDING,
        WebSocketOptions.builder().upgradeTimeout(upgradeTimeout).build(),
        SecureStack.echo().build(),
        PeerOptions.defaults());
  }

  @Test
  void theOwnerConnectsAndIsServedWhileHundredsOfIdleStrangersHoldSockets() throws Exception {
    // Timeouts far longer than the owner may take: getting in must not depend on strangers timing
    // out.
    try (SecureStack stack = stack(Handshake.DEFAULT_STEP_TIMEOUT, Duration.ofSeconds(30));
        Strangers strangers = Strangers.open(stack.server.port(), SILENT, UPGRADED)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> stack.admission.evictedCount() >= UPGRADED - MAX_PENDING);
      assertThat(stack.admission.pending()).isEqualTo(MAX_PENDING);

      long start = System.nanoTime();
      Peer peer =
          SecureStack.connect(
                  stack.uri(), owner, serverIdentity.publicKey(), PeerOptions.defaults())
              .get(5, TimeUnit.SECONDS);
      assertThat(peer.call("echo", Map.of("owner", true)).get(5, TimeUnit.SECONDS))
          .containsEntry("owner", true);
      long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      peer.close();

      assertThat(stack.admission.pending()).isLessThanOrEqualTo(MAX_PENDING);
      Figures.record(
          getClass(),
          "idle strangers held open (silent TCP + upgraded WebSocket, cap " + MAX_PENDING + ")",
          strangers.size());
      Figures.record(
          getClass(),
          "owner connect + authenticate + first call during the flood (ms)",
          tookMillis);
    }
  }

  @Test
  void idleStrangersAreClosedByTheUpgradeAndHandshakeStepTimeouts() throws Exception {
    try (SecureStack stack = stack(Duration.ofMillis(500), Duration.ofMillis(500));
        Strangers strangers = Strangers.open(stack.server.port(), SILENT / 4, MAX_PENDING)) {
      for (Socket socket : strangers.silent) {
        assertThat(Strangers.closedByServer(socket, 10_000)).as("silent socket closed").isTrue();
      }
      for (Socket socket : strangers.upgraded) {
        assertThat(Strangers.closedByServer(socket, 10_000)).as("upgraded socket closed").isTrue();
      }
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stack.admission.pending() == 0);
      assertThat(stack.admission.evictedCount()).isZero();
      assertThat(stack.handshakesFailed).hasValue(MAX_PENDING);
    }
  }
}

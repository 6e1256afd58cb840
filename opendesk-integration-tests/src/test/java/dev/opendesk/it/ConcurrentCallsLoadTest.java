package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.transport.ws.WebSocketOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 10 000 calls in flight at once over 100 authenticated, encrypted WebSocket connections. */
@Timeout(180)
class ConcurrentCallsLoadTest {

  private static final int CONNECTIONS = 100;
  private static final int CALLS_PER_CONNECTION = 100;

  @Test
  void tenThousandConcurrentCallsAcrossHundredConnectionsAllSucceedWithTheirOwnResult()
      throws Exception {
    Identity serverIdentity = Identity.generate();
    Identity client = Identity.generate();
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(client.publicKey(), "load", "");
    // One small pool for all peers: a per-peer pool would start a thread per in-flight call.
    ExecutorService handlers = Executors.newFixedThreadPool(4);
    PeerOptions options = PeerOptions.builder().handlerExecutor(handlers).build();
    List<Peer> peers = new ArrayList<>();
    // The cap on pending handshakes is above the burst: at the cap, the oldest handshake makes
    // room.
    try (SecureStack stack =
        SecureStack.start(
            serverIdentity,
            trust,
            Handshake.defaults(),
            2 * CONNECTIONS,
            WebSocketOptions.defaults(),
            SecureStack.echo().build(),
            options)) {
      List<CompletableFuture<Peer>> connecting = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        connecting.add(
            SecureStack.connect(stack.uri(), client, serverIdentity.publicKey(), options));
      }
      for (CompletableFuture<Peer> peer : connecting) {
        peers.add(peer.get(60, TimeUnit.SECONDS));
      }

      long start = System.nanoTime();
      List<CompletableFuture<Map<String, Object>>> calls =
          new ArrayList<>(CONNECTIONS * CALLS_PER_CONNECTION);
      for (int i = 0; i < CALLS_PER_CONNECTION; i++) {
        for (int c = 0; c < CONNECTIONS; c++) {
          calls.add(
              peers.get(c).call("echo", Map.of("c", (long) c, "i", (long) i, "pad", new byte[64])));
        }
      }
      AtomicInteger wrong = new AtomicInteger();
      for (int n = 0; n < calls.size(); n++) {
        Map<String, Object> result = calls.get(n).get(60, TimeUnit.SECONDS);
        if (!result.get("c").equals((long) (n % CONNECTIONS))
            || !result.get("i").equals((long) (n / CONNECTIONS))) {
          wrong.incrementAndGet();
        }
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(wrong).hasValue(0);
      assertThat(stack.serverPeers).hasSize(CONNECTIONS);
      Figures.record(
          getClass(),
          "concurrent calls over "
              + CONNECTIONS
              + " encrypted WebSocket connections, all answered correctly",
          calls.size());
      Figures.record(
          getClass(), "wall time for all of them on this machine (ms, not asserted)", millis);
    } finally {
      peers.forEach(Peer::close);
      handlers.shutdownNow();
    }
  }
}

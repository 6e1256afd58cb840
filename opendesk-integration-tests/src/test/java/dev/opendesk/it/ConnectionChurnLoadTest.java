package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1 000 connections opened, authenticated, used and closed, four at a time: afterwards threads,
 * heap retained after GC and file descriptors are back to what they were before.
 */
@Timeout(240)
class ConnectionChurnLoadTest {

  private static final int CYCLES = 1000;
  private static final int PARALLEL = 4;
  private static final long HEAP_SLACK = 16L * 1024 * 1024;

  @Test
  void aThousandConnectionsOpenedAndClosedLeaveThreadsHeapAndFileDescriptorsAtBaseline()
      throws Exception {
    Identity serverIdentity = Identity.generate();
    Identity client = Identity.generate();
    TrustedPeers trust = TrustedPeers.inMemory();
    trust.add(client.publicKey(), "churn", "");
    try (SecureStack stack = SecureStack.start(serverIdentity, trust, SecureStack.echo().build())) {
      // Warm up with the same parallelism, so pools and caches that live on are in the baseline.
      churn(stack, client, 40);
      Resources baseline = Resources.measure();

      churn(stack, client, CYCLES);

      AtomicReference<Resources> after = new AtomicReference<>();
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () -> {
                  after.set(Resources.measure());
                  // Shared pools (the server's cached handler pool keeps idle threads for 60 s) may
                  // have grown
                  // to the parallelism; every per-connection thread must be gone.
                  return after.get().within(baseline, PARALLEL, HEAP_SLACK, 4)
                      && !threadNames().contains("opendesk-peer-");
                });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError(
            "before: " + baseline + "; after: " + after.get() + "\n" + threadNames(), e);
      }
      assertThat(stack.serverPeers).isEmpty();
      Figures.record(getClass(), "connections opened, authenticated, called and closed", CYCLES);
      Figures.record(getClass(), "before", baseline);
      Figures.record(getClass(), "after", after.get());
    }
  }

  private static String threadNames() {
    return Thread.getAllStackTraces().keySet().stream()
        .map(Thread::getName)
        .sorted()
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static void churn(SecureStack stack, Identity client, int cycles) throws Exception {
    List<CompletableFuture<Void>> workers = new ArrayList<>();
    for (int w = 0; w < PARALLEL; w++) {
      int worker = w;
      workers.add(
          CompletableFuture.runAsync(
              () -> {
                for (int n = worker; n < cycles; n += PARALLEL) {
                  try {
                    Peer peer =
                        SecureStack.connect(
                                stack.uri(),
                                client,
                                stack.serverIdentity.publicKey(),
                                PeerOptions.defaults())
                            .get(20, TimeUnit.SECONDS);
                    assertThat(peer.call("echo", Map.of("n", (long) n)).get(20, TimeUnit.SECONDS))
                        .containsEntry("n", (long) n);
                    peer.close();
                    peer.closeFuture().handle((v, e) -> null).get(20, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new AssertionError("cycle " + n, e);
                  }
                }
              },
              java.util.concurrent.Executors.newSingleThreadExecutor()));
    }
    for (CompletableFuture<Void> worker : workers) {
      worker.get(200, TimeUnit.SECONDS);
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(stack.serverPeers::isEmpty);
  }
}

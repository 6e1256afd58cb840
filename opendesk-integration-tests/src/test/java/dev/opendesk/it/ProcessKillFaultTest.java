package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.CallStream;
import dev.opendesk.peer.Peer;
import dev.opendesk.peer.PeerOptions;
import dev.opendesk.protocol.ConnectionClosedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes killed with SIGKILL ({@link Process#destroyForcibly()}): a WebSocket server in a
 * child JVM, and a child JVM writing identity files and the trust store in a loop.
 */
@Timeout(120)
class ProcessKillFaultTest {

  private static final long SEED = 0x0de5c0deL;

  @TempDir Path home;

  @Test
  void aKilledServerProcessIsNoticedByTheClientLongBeforeTheKeepalive() throws Exception {
    Identity client = Identity.generate();
    Path trustFile = home.resolve("server/trusted-peers.json");
    TrustedPeers.open(trustFile).add(client.publicKey(), "owner", "");

    try (ChildJvm server =
        ChildJvm.start(
            KillableServer.class,
            home.resolve("server/identity.key").toString(),
            trustFile.toString())) {
      String[] banner = server.nextLine(60).split(" ");
      Peer peer =
          SecureStack.connect(
                  SecureStack.uri(Integer.parseInt(banner[0])),
                  client,
                  HexFormat.of().parseHex(banner[1]),
                  PeerOptions.defaults())
              .get(30, TimeUnit.SECONDS);
      assertThat(peer.call("echo", Map.of("n", 1L)).get(10, TimeUnit.SECONDS))
          .containsEntry("n", 1L);
      List<CompletableFuture<?>> inFlight = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        inFlight.add(peer.call("block", Map.of()));
      }
      CallStream<Map<String, Object>> stream = peer.stream("firstThenWait", Map.of());
      assertThat(stream.next()).containsEntry("first", true);
      inFlight.add(
          CompletableFuture.runAsync(
              () -> {
                while (stream.hasNext()) {
                  stream.next();
                }
              }));
      List<CompletableFuture<Long>> failedAt =
          inFlight.stream()
              .map(f -> f.handle((v, e) -> System.nanoTime()))
              .collect(Collectors.toList());

      server.kill();
      long killed = System.nanoTime();

      long worst = 0;
      for (int i = 0; i < inFlight.size(); i++) {
        worst = Math.max(worst, failedAt.get(i).get(10, TimeUnit.SECONDS) - killed);
        assertThat(inFlight.get(i))
            .failsWithin(Duration.ZERO)
            .withThrowableOfType(ExecutionException.class)
            .havingRootCause()
            .isInstanceOf(ConnectionClosedException.class);
      }
      assertThat(peer.closeFuture()).failsWithin(Duration.ofSeconds(10));
      // The kernel resets the dead process's sockets, so the loss is visible at once (typically
      // in milliseconds); without the reset only the keepalive would notice, after ping interval
      // plus pong timeout (40 s by default). The bound leaves room for a loaded machine.
      assertThat(Duration.ofNanos(worst)).isLessThan(Duration.ofSeconds(5));
      Figures.record(
          getClass(),
          "server JVM killed under 20 calls + 1 stream: slowest in-flight failure after waitFor (ms)",
          TimeUnit.NANOSECONDS.toMillis(Math.max(0, worst)));
    }
  }

  @Test
  void trustStoreAndIdentitySurviveAWriterKilledAtRandomPointsSeed0de5c0de() throws Exception {
    Random random = new Random(SEED);
    Path identities = home.resolve("identities");
    Path trustFile = home.resolve("trust/trusted-peers.json");
    Map<Integer, String> identitiesReported = new HashMap<>();
    int trustedReported = 0;
    int rounds = Integer.getInteger("opendesk.kill.rounds", 4);
    for (int round = 0; round < rounds; round++) {
      int next = trustedReported;
      try (ChildJvm writer =
          ChildJvm.start(
              StoreWriterLoop.class,
              identities.toString(),
              trustFile.toString(),
              Integer.toString(next))) {
        int killAfter = next + 1 + random.nextInt(12);
        String line;
        do {
          line = writer.nextLine(60);
          assertThat(line).as("writer output").isNotNull();
        } while (!line.equals("trusted " + (killAfter - 1)));
        // Land the kill anywhere in the next write: temp file, fsync, rename, or between files.
        LockSupport.parkNanos(random.nextInt(3_000_000));
        writer.kill();
        for (line = writer.nextLine(10); line != null; line = writer.nextLine(10)) {
          String[] parts = line.split(" ");
          if (parts[0].equals("identity")) {
            identitiesReported.put(Integer.parseInt(parts[1]), parts[2]);
          } else {
            trustedReported = Math.max(trustedReported, Integer.parseInt(parts[1]) + 1);
          }
        }
        trustedReported = Math.max(trustedReported, killAfter);
        for (int i = next; i < killAfter; i++) {
          identitiesReported.computeIfAbsent(i, k -> null);
        }
      }
      assertStoresIntact(identities, trustFile, identitiesReported, trustedReported);
    }
    Figures.record(
        getClass(),
        "writer JVMs killed mid-write (rounds, seed " + Long.toHexString(SEED) + ")",
        rounds);
    Figures.record(
        getClass(),
        "trust entries and identity files verified intact after the kills",
        trustedReported + identitiesReported.size());
  }

  private static void assertStoresIntact(
      Path identities, Path trustFile, Map<Integer, String> identitiesReported, int trustedReported)
      throws Exception {
    // Trust store: parses, holds every write that returned, and at most the one in flight besides.
    List<TrustedPeer> peers = TrustedPeers.open(trustFile).list();
    assertThat(peers).hasSizeBetween(trustedReported, trustedReported + 1);
    for (int i = 0; i < trustedReported; i++) {
      assertThat(TrustedPeers.open(trustFile).isTrusted(StoreWriterLoop.key(i)))
          .as("key %d", i)
          .isTrue();
    }
    // Identities: every file present is exactly a whole key; every reported one is the reported
    // key.
    try (Stream<Path> files = Files.list(identities)) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().startsWith("identity-"))
              .collect(Collectors.toList())) {
        assertThat(Files.size(file)).as("%s", file).isEqualTo(Identity.KEY_SIZE);
      }
    }
    for (Map.Entry<Integer, String> reported : identitiesReported.entrySet()) {
      if (reported.getValue() == null) {
        continue;
      }
      Path file = identities.resolve("identity-" + reported.getKey() + ".key");
      assertThat(HexFormat.of().formatHex(Identity.loadOrCreate(file).publicKey()))
          .isEqualTo(reported.getValue());
    }
  }
}

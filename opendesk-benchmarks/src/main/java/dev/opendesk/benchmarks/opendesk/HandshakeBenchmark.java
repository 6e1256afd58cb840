package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingApprover;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.PairingGate;
import dev.opendesk.auth.PairingMode;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.protocol.LoopbackConnection;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Handshakes, both sides in this JVM over a fresh {@link LoopbackConnection} pair each time, with
 * {@link Handshake#defaults()} and long-lived identities (as a real client and server have):
 *
 * <ul>
 *   <li>{@code auth}: a reconnect (PROTOCOL.md §6.2), handshakes/s;
 *   <li>{@code pairing}: a pairing with a 6-digit code, ms per pairing: {@code V2} (the default,
 *       PAIRING-V2.md, SPAKE2) and {@code LEGACY_V1} (§6.1, dominated by PBKDF2-HMAC-SHA256 with
 *       200 000 iterations on each side).
 * </ul>
 *
 * Each ends with both sessions' encrypted connections open, then closes them.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HandshakeBenchmark {

  private static final long TIMEOUT_SECONDS = 30;

  // Legacy v1 pairing on a server needs an approver; nobody is there to confirm in a benchmark.
  private final Handshake handshake =
      Handshake.builder().approver(PairingApprover.insecureApproveAllIncludingLegacyV1()).build();
  private Identity server;
  private Identity client;
  private TrustedPeers serverTrust;

  /** Makes both identities; the server trusts the client, as after a pairing. */
  @Setup
  public void setUp() throws Exception {
    server = Identity.generate();
    client = Identity.generate();
    serverTrust = TrustedPeers.inMemory();
    serverTrust.add(client.publicKey(), "bench client", "");
    check(auth());
    for (PairingMode mode : PairingMode.values()) {
      Pairing pairing = new Pairing();
      pairing.mode = mode;
      check(pairing(pairing));
    }
  }

  /** Which pairing; a separate state so that only {@code pairing} runs once per mode. */
  @State(Scope.Benchmark)
  public static class Pairing {
    /** The pairing flavour. */
    @Param({"V2", "LEGACY_V1"})
    public PairingMode mode;
  }

  /** One authentication handshake. */
  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.SECONDS)
  public Session auth() throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    CompletableFuture<Session> serverSide =
        handshake.authServer(pair.second(), server, serverTrust);
    CompletableFuture<Session> clientSide =
        handshake.authClient(pair.first(), client, server.publicKey());
    return finish(clientSide, serverSide);
  }

  /** One pairing. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Session pairing(Pairing pairing) throws Exception {
    PairingCode code = PairingCode.random();
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    PairingGate gate = new PairingGate();
    gate.arm(code, pairing.mode, Duration.ofMinutes(1));
    CompletableFuture<Session> serverSide = handshake.pairServer(pair.second(), server, null, gate);
    CompletableFuture<Session> clientSide =
        handshake.pairClient(pair.first(), client, code, null, pairing.mode);
    return finish(clientSide, serverSide);
  }

  private static Session finish(
      CompletableFuture<Session> clientSide, CompletableFuture<Session> serverSide)
      throws Exception {
    Session clientSession = clientSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    Session serverSession = serverSide.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    clientSession.connection().close();
    serverSession.connection().close();
    return clientSession;
  }

  private void check(Session clientSession) {
    if (!Arrays.equals(clientSession.remotePublicKey(), server.publicKey())) {
      throw new IllegalStateException("the handshake authenticated the wrong server key");
    }
  }
}

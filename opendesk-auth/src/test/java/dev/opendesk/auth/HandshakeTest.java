package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.ConnectionClosedException;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Pairing (both modes) and authentication end to end over {@link LoopbackConnection}, and their
 * failure modes. Pairing v2's own downgrade, vector and attack tests are in {@link
 * PairingV2HandshakeTest}.
 */
class HandshakeTest {

  private static final PairingCode CODE = PairingCode.parse("424242");
  private static final PairingCode OTHER_CODE = PairingCode.parse("999999");

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();

  @TempDir Path home;

  private static void exchangeHellos(Session client, Session server) {
    Await.result(client.connection().send(Messages.hello(Role.CLIENT, "laptop", "Alice's laptop")));
    Await.result(server.connection().send(Messages.hello(Role.SERVER, "desk", "office desktop")));
    assertThat(Await.result(server.connection().receive())).isNotEmpty();
    assertThat(Await.result(client.connection().receive())).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void pairThenReconnectWithTheStoredKeys(PairingMode mode) throws IOException {
    TrustedPeers serverTrust = TrustedPeers.open(home.resolve("server/trusted-peers.json"));
    TrustedPeers clientTrust = TrustedPeers.open(home.resolve("client/trusted-peers.json"));
    PairingGate pairing = new PairingGate();
    pairing.arm(CODE, mode, Duration.ofMinutes(1));

    LoopbackConnection.Pair first = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(first.second(), serverIdentity, serverTrust, pairing);
    Session client =
        Await.result(handshake.pairClient(first.first(), clientIdentity, CODE, clientTrust, mode));
    Session server = Await.result(served);
    exchangeHellos(client, server);
    Await.result(client.trusted());
    Await.result(server.trusted());
    client.connection().close();

    TrustedPeer serverEntry = clientTrust.find(serverIdentity.publicKey()).orElseThrow();
    assertThat(serverEntry.name()).isEqualTo("desk");
    assertThat(serverEntry.description()).isEqualTo("office desktop");
    assertThat(serverTrust.find(clientIdentity.publicKey()).orElseThrow().name())
        .isEqualTo("laptop");
    assertThat(pairing.isArmed()).isFalse();

    LoopbackConnection.Pair second = LoopbackConnection.pair();
    CompletableFuture<Session> servedAgain =
        handshake.serve(second.second(), serverIdentity, serverTrust, pairing);
    Session clientAgain =
        Await.result(handshake.authClient(second.first(), clientIdentity, serverEntry.publicKey()));
    Session serverAgain = Await.result(servedAgain);
    assertThat(clientAgain.isPairing()).isFalse();
    assertThat(serverAgain.remotePublicKey()).isEqualTo(clientIdentity.publicKey());
    exchangeHellos(clientAgain, serverAgain);
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void trustIsWrittenOnlyAfterThePeersFirstFrameHasOpened(PairingMode mode) throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, mode));
    Session client =
        Await.result(handshake.pairClient(link.first(), clientIdentity, CODE, null, mode));
    Session server = Await.result(served);

    assertThat(serverTrust.list()).isEmpty();
    assertThat(server.trusted()).isNotDone();

    Await.result(client.connection().send(Messages.hello(Role.CLIENT, "laptop", "")));
    Await.result(server.connection().receive());

    assertThat(server.trusted()).isCompleted();
    assertThat(serverTrust.isTrusted(clientIdentity.publicKey())).isTrue();
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void approverSeesTheFingerprintAndNameBeforeTheFirstFrameIsDelivered(PairingMode mode) {
    AtomicReference<PairingRequest> seen = new AtomicReference<>();
    CompletableFuture<Boolean> answer = new CompletableFuture<>();
    Handshake approving =
        TestKeys.fast()
            .approver(
                request -> {
                  seen.set(request);
                  return answer;
                })
            .build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        approving.pairServer(link.second(), serverIdentity, null, TestKeys.armed(CODE, mode));
    Session client =
        Await.result(handshake.pairClient(link.first(), clientIdentity, CODE, null, mode));
    Session server = Await.result(served);

    Await.result(client.connection().send(Messages.hello(Role.CLIENT, "laptop", "Alice's laptop")));
    CompletableFuture<byte[]> firstFrame = server.connection().receive();
    Await.until(() -> seen.get() != null);

    assertThat(seen.get().fingerprint()).isEqualTo(clientIdentity.fingerprint());
    assertThat(seen.get().publicKey()).isEqualTo(clientIdentity.publicKey());
    assertThat(seen.get().name()).isEqualTo("laptop");
    assertThat(seen.get().description()).isEqualTo("Alice's laptop");
    assertThat(firstFrame).isNotDone();
    answer.complete(true);
    assertThat(Await.result(firstFrame)).isNotEmpty();
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void refusedPairingClosesTheConnectionAndStoresNothing(PairingMode mode) throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    Handshake refusing =
        TestKeys.fast().approver(request -> CompletableFuture.completedFuture(false)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        refusing.pairServer(link.second(), serverIdentity, serverTrust, TestKeys.armed(CODE, mode));
    Session client =
        Await.result(handshake.pairClient(link.first(), clientIdentity, CODE, null, mode));
    Session server = Await.result(served);

    Await.result(client.connection().send(Messages.hello(Role.CLIENT, "mallory", "")));

    assertThat(Await.failure(server.connection().receive()))
        .isInstanceOf(ConnectionClosedException.class)
        .hasCauseInstanceOf(AuthFailureException.class);
    assertThat(Await.reason(server.trusted()))
        .isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(Await.failure(client.connection().receive()))
        .isInstanceOf(ConnectionClosedException.class);
    assertThat(Await.failure(client.trusted())).isInstanceOf(ConnectionClosedException.class);
    assertThat(serverTrust.list()).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void aFailedAttemptConsumesTheCode(PairingMode mode) {
    PairingGate pairing = new PairingGate();
    pairing.arm(CODE, mode, Duration.ofMinutes(1));

    LoopbackConnection.Pair first = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(first.second(), serverIdentity, TrustedPeers.inMemory(), pairing);
    assertThat(
            Await.reason(
                handshake.pairClient(first.first(), clientIdentity, OTHER_CODE, null, mode)))
        .isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);

    LoopbackConnection.Pair second = LoopbackConnection.pair();
    CompletableFuture<Session> servedAgain =
        handshake.serve(second.second(), serverIdentity, TrustedPeers.inMemory(), pairing);
    CompletableFuture<Session> retry =
        handshake.pairClient(second.first(), clientIdentity, CODE, null, mode);

    assertThat(Await.failure(servedAgain)).hasMessageContaining("no pairing code is armed");
    // The server just closes; a v2 client reads that as "no v2 here" (PAIRING-V2.md, client step
    // 2).
    assertThat(Await.reason(retry))
        .isEqualTo(
            mode == PairingMode.V2
                ? AuthFailureException.Reason.UNSUPPORTED
                : AuthFailureException.Reason.PROTOCOL);
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void pairServerCallsSharingAGateGetOneGuessBetweenThem(PairingMode mode) {
    PairingGate pairing = TestKeys.armed(CODE, mode);
    LoopbackConnection.Pair first = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(first.second(), serverIdentity, null, pairing);
    assertThat(
            Await.reason(
                handshake.pairClient(first.first(), clientIdentity, OTHER_CODE, null, mode)))
        .isEqualTo(AuthFailureException.Reason.WRONG_CODE);
    Await.failure(served);

    LoopbackConnection.Pair second = LoopbackConnection.pair();
    CompletableFuture<Session> servedAgain =
        handshake.pairServer(second.second(), serverIdentity, null, pairing);
    handshake.pairClient(second.first(), clientIdentity, CODE, null, mode);

    assertThat(Await.failure(servedAgain)).hasMessageContaining("no pairing code is armed");
  }

  /** Handshakes whose approver was left at the default or set to approveAll(). */
  static List<Handshake> unconfirmedServers() {
    return List.of(
        Handshake.builder().psk(TestKeys::cachedPsk).build(),
        Handshake.builder()
            .psk(TestKeys::cachedPsk)
            .approver(PairingApprover.approveAll())
            .build());
  }

  @ParameterizedTest
  @org.junit.jupiter.params.provider.MethodSource("unconfirmedServers")
  void aServerWithoutAnApproverRefusesLegacyPairingBeforeSendingAnOffer(Handshake server) {
    PairingGate pairing = TestKeys.armed(CODE, PairingMode.LEGACY_V1);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    RecordingConnection serverEnd = new RecordingConnection(link.second());
    CompletableFuture<Session> served =
        server.serve(serverEnd, serverIdentity, TrustedPeers.inMemory(), pairing);
    CompletableFuture<Session> client =
        handshake.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1);

    assertThat(Await.failure(served))
        .isInstanceOf(AuthFailureException.class)
        .hasMessageContaining("needs a PairingApprover");
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(serverEnd.sent()).isEmpty();
    assertThat(pairing.isArmed()).isFalse();
  }

  @Test
  void aLegacyClientNeedsNoApprover() {
    Handshake defaults = Handshake.builder().psk(TestKeys::cachedPsk).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
    Session client =
        Await.result(
            defaults.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1));

    assertThat(client.remotePublicKey()).isEqualTo(serverIdentity.publicKey());
    Await.result(served);
  }

  @Test
  void anExpiredCodeRefusesPairing() {
    PairingGate pairing = new PairingGate();
    pairing.arm(CODE, Duration.ofMillis(1));
    Await.until(() -> !pairing.isArmed());

    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), pairing);
    handshake.pairClient(link.first(), clientIdentity, CODE);

    assertThat(Await.failure(served)).hasMessageContaining("no pairing code is armed");
  }

  @Test
  void authenticationLeavesAnArmedCodeInPlace() throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    serverTrust.put(TrustedPeer.of(clientIdentity.publicKey(), "laptop"));
    PairingGate pairing = new PairingGate();
    pairing.arm(CODE, Duration.ofMinutes(1));
    LoopbackConnection.Pair link = LoopbackConnection.pair();

    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, serverTrust, pairing);
    Await.result(handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey()));
    Await.result(served);

    assertThat(pairing.isArmed()).isTrue();
  }

  @Test
  void authServerRefusesAPairingHello() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.authServer(link.second(), serverIdentity, TrustedPeers.inMemory());
    CompletableFuture<Session> client = handshake.pairClient(link.first(), clientIdentity, CODE);

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.PROTOCOL);
    assertThat(Await.reason(client)).isEqualTo(AuthFailureException.Reason.UNSUPPORTED);
  }

  @Test
  void pairServerRefusesAnAuthHello() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.V2));
    handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey());

    assertThat(Await.failure(served))
        .isInstanceOf(AuthFailureException.class)
        .hasMessageContaining("got auth_hello");
  }

  @Test
  void untrustedClientIsRefusedEvenWhileACodeIsArmed() {
    PairingGate pairing = new PairingGate();
    pairing.arm(CODE, Duration.ofMinutes(1));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), pairing);

    assertThat(
            Await.reason(
                handshake.authClient(link.first(), clientIdentity, serverIdentity.publicKey())))
        .isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
  }

  @Test
  void aServerWithADifferentKeyIsAnUnexpectedPeer() throws IOException {
    TrustedPeers serverTrust = TrustedPeers.inMemory();
    serverTrust.put(TrustedPeer.of(clientIdentity.publicKey(), "laptop"));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    handshake.authServer(link.second(), serverIdentity, serverTrust);

    assertThat(
            Await.reason(
                handshake.authClient(
                    link.first(), clientIdentity, Identity.generate().publicKey())))
        .isEqualTo(AuthFailureException.Reason.UNEXPECTED_PEER);
    assertThat(link.first().isOpen()).isFalse();
  }

  @Test
  void aStalledClientTimesOutOnTheServer() {
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofMillis(200)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();

    CompletableFuture<Session> served =
        quick.serve(link.second(), serverIdentity, TrustedPeers.inMemory(), null);

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.TIMEOUT);
    assertThat(link.second().isOpen()).isFalse();
  }

  @Test
  void theServerGivesUpOnAClientThatNeverSendsPairFinish() {
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofMillis(300)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        quick.pairServer(
            link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));

    Await.result(
        link.first()
            .send(
                Messages.map("v", 1, "kind", "pair_hello", "e", Identity.generate().publicKey())));
    assertThat(Await.result(link.first().receive()))
        .isNotEmpty(); // pair_offer: an attacker could now guess offline

    assertThat(Await.failure(served))
        .isInstanceOf(AuthFailureException.class)
        .hasMessageContaining("no pair_finish");
    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.TIMEOUT);
  }

  @Test
  void aClientTimesOutWhenTheServerNeverAnswers() {
    Handshake quick = TestKeys.fast().stepTimeout(Duration.ofMillis(200)).build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();

    assertThat(
            Await.reason(
                quick.authClient(link.first(), clientIdentity, serverIdentity.publicKey())))
        .isEqualTo(AuthFailureException.Reason.TIMEOUT);
    assertThat(
            Await.reason(quick.pairClient(LoopbackConnection.pair().first(), clientIdentity, CODE)))
        .isEqualTo(AuthFailureException.Reason.TIMEOUT);
  }

  @Test
  void pbkdf2RunsOnTheConfiguredExecutor() {
    List<String> pskThreads = new CopyOnWriteArrayList<>();
    ExecutorService pool =
        Executors.newFixedThreadPool(2, task -> new Thread(task, "test-handshake-pool"));
    try {
      Handshake onPool =
          Handshake.builder()
              .executor(pool)
              .approver(PairingApprover.insecureApproveAllIncludingLegacyV1())
              .psk(
                  code -> {
                    pskThreads.add(Thread.currentThread().getName());
                    return TestKeys.cachedPsk(code);
                  })
              .build();
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      CompletableFuture<Session> served =
          onPool.pairServer(
              link.second(), serverIdentity, null, TestKeys.armed(CODE, PairingMode.LEGACY_V1));
      Await.result(
          onPool.pairClient(link.first(), clientIdentity, CODE, null, PairingMode.LEGACY_V1));
      Await.result(served);

      assertThat(pskThreads).hasSize(2).containsOnly("test-handshake-pool");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void argumentsAreCheckedAtTheBoundary() {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    assertThatThrownBy(() -> handshake.authClient(link.first(), clientIdentity, new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedServerKey");
    assertThatThrownBy(() -> Handshake.builder().stepTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stepTimeout");
  }
}

package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Trust has roles (issue #12, #14 item 6): a server admits only peers that paired with it as
 * clients, a client authenticates only servers it paired to, and entries without roles (other
 * implementations) stay trusted in both.
 */
class TrustRolesTest {

  private static final PairingCode CODE = PairingCode.parse("424242");

  private final Identity alice = Identity.generate();
  private final Identity bob = Identity.generate();
  private final Handshake handshake = TestKeys.fast().build();

  @TempDir Path home;

  /** {@code client} pairs with {@code server}'s server; each side writes its own store. */
  private void pair(
      Identity client,
      TrustedPeers clientTrust,
      Identity server,
      TrustedPeers serverTrust,
      PairingMode mode) {
    PairingGate gate = new PairingGate();
    gate.arm(CODE, mode, Duration.ofMinutes(1));
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.serve(link.second(), server, serverTrust, gate);
    Session c = Await.result(handshake.pairClient(link.first(), client, CODE, clientTrust, mode));
    Session s = Await.result(served);
    Await.result(c.connection().send(Messages.hello(Role.CLIENT, "client", "")));
    Await.result(s.connection().send(Messages.hello(Role.SERVER, "server", "")));
    Await.result(s.connection().receive());
    Await.result(c.connection().receive());
    Await.result(c.trusted());
    Await.result(s.trusted());
    c.connection().close();
  }

  /** Authenticates {@code client} to {@code server}, checking the client's trust for the server. */
  private CompletableFuture<Session>[] authenticate(
      Identity client, TrustedPeers clientTrust, Identity server, TrustedPeers serverTrust) {
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.authServer(link.second(), server, serverTrust);
    CompletableFuture<Session> connected =
        handshake.authClient(link.first(), client, clientTrust, server.publicKey());
    @SuppressWarnings("unchecked")
    CompletableFuture<Session>[] both = new CompletableFuture[] {connected, served};
    return both;
  }

  @ParameterizedTest
  @EnumSource(PairingMode.class)
  void pairingRecordsThePeersRoleOnBothSides(PairingMode mode) throws IOException {
    TrustedPeers aliceTrust = TrustedPeers.inMemory();
    TrustedPeers bobTrust = TrustedPeers.inMemory();

    pair(alice, aliceTrust, bob, bobTrust, mode);

    assertThat(aliceTrust.find(bob.publicKey()).orElseThrow().roles())
        .containsExactly(PeerRole.SERVER);
    assertThat(bobTrust.find(alice.publicKey()).orElseThrow().roles())
        .containsExactly(PeerRole.CLIENT);
  }

  @Test
  void aPairedClientReconnectsToTheServerItPairedWith() throws IOException {
    TrustedPeers aliceTrust = TrustedPeers.inMemory();
    TrustedPeers bobTrust = TrustedPeers.inMemory();
    pair(alice, aliceTrust, bob, bobTrust, PairingMode.V2);

    CompletableFuture<Session>[] auth = authenticate(alice, aliceTrust, bob, bobTrust);

    assertThat(Await.result(auth[0]).remotePublicKey()).isEqualTo(bob.publicKey());
    assertThat(Await.result(auth[1]).remotePublicKey()).isEqualTo(alice.publicKey());
  }

  @Test
  void aServerThisSidePairedToCannotAuthenticateToThisSidesServer() throws IOException {
    TrustedPeers aliceTrust = TrustedPeers.inMemory();
    TrustedPeers bobTrust = TrustedPeers.inMemory();
    pair(alice, aliceTrust, bob, bobTrust, PairingMode.V2);

    // Bob (the server Alice paired to) connects to Alice's own server, presenting his real key.
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    CompletableFuture<Session> served = handshake.authServer(link.second(), alice, aliceTrust);
    CompletableFuture<Session> bobConnects =
        handshake.authClient(link.first(), bob, alice.publicKey());

    assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(Await.reason(bobConnects)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
  }

  @Test
  void aClientRefusesToAuthenticateAPeerThatPairedWithItAsAClient() throws IOException {
    TrustedPeers aliceTrust = TrustedPeers.inMemory();
    TrustedPeers bobTrust = TrustedPeers.inMemory();
    pair(alice, aliceTrust, bob, bobTrust, PairingMode.V2);
    RecordingConnection towardAlice = new RecordingConnection(LoopbackConnection.pair().first());

    // Bob's store trusts Alice only as a client of Bob's server: Bob must not connect to her.
    CompletableFuture<Session> bobConnects =
        handshake.authClient(towardAlice, bob, bobTrust, alice.publicKey());

    assertThat(Await.reason(bobConnects)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    assertThat(Await.failure(bobConnects)).hasMessageContaining("is not a trusted server");
    assertThat(towardAlice.sent()).isEmpty();
  }

  @Test
  void pairingInBothDirectionsTrustsThePeerInBothRoles() throws IOException {
    TrustedPeers aliceTrust = TrustedPeers.inMemory();
    TrustedPeers bobTrust = TrustedPeers.inMemory();
    pair(alice, aliceTrust, bob, bobTrust, PairingMode.V2);
    pair(bob, bobTrust, alice, aliceTrust, PairingMode.V2);

    assertThat(aliceTrust.find(bob.publicKey()).orElseThrow().roles())
        .containsExactlyInAnyOrder(PeerRole.CLIENT, PeerRole.SERVER);
    Await.result(authenticate(bob, bobTrust, alice, aliceTrust)[1]);
    Await.result(authenticate(alice, aliceTrust, bob, bobTrust)[1]);
  }

  @Test
  void anEntryWithoutRolesIsTrustedInBothRolesForCompatibility() throws IOException {
    // As another implementation writes it: no "roles" field.
    Path aliceFile = home.resolve("alice/trusted-peers.json");
    Path bobFile = home.resolve("bob/trusted-peers.json");
    writeLegacyEntry(aliceFile, bob);
    writeLegacyEntry(bobFile, alice);
    TrustedPeers aliceTrust = TrustedPeers.open(aliceFile);
    TrustedPeers bobTrust = TrustedPeers.open(bobFile);

    assertThat(aliceTrust.find(bob.publicKey()).orElseThrow().roles()).isNull();
    CompletableFuture<Session>[] aliceToBob = authenticate(alice, aliceTrust, bob, bobTrust);
    Await.result(aliceToBob[0]);
    Await.result(aliceToBob[1]);
    CompletableFuture<Session>[] bobToAlice = authenticate(bob, bobTrust, alice, aliceTrust);
    Await.result(bobToAlice[0]);
    Await.result(bobToAlice[1]);
  }

  @Test
  void pairingAgainWithALegacyEntryRecordsOnlyTheNewRole() throws IOException {
    Path aliceFile = home.resolve("alice/trusted-peers.json");
    writeLegacyEntry(aliceFile, bob);
    TrustedPeers aliceTrust = TrustedPeers.open(aliceFile);

    pair(alice, aliceTrust, bob, TrustedPeers.inMemory(), PairingMode.V2);

    assertThat(aliceTrust.isTrusted(bob.publicKey(), PeerRole.SERVER)).isTrue();
    assertThat(aliceTrust.isTrusted(bob.publicKey(), PeerRole.CLIENT)).isFalse();
    assertThat(new ObjectMapper().readTree(aliceFile.toFile()).get(0).get("roles").toString())
        .isEqualTo("[\"server\"]");
  }

  @Test
  void rolesAreStoredAsAnArrayOfNamesAndReadBack() throws IOException {
    Path file = home.resolve("trusted-peers.json");
    TrustedPeers.open(file).add(bob.publicKey(), PeerRole.CLIENT);

    assertThat(new ObjectMapper().readTree(file.toFile()).get(0).get("roles").toString())
        .isEqualTo("[\"client\"]");
    assertThat(TrustedPeers.open(file).list(PeerRole.CLIENT)).hasSize(1);
    assertThat(TrustedPeers.open(file).list(PeerRole.SERVER)).isEmpty();
  }

  @Test
  void anEntryListingOnlyUnknownRolesIsTrustedInNeither() throws IOException {
    TrustedPeers store = TrustedPeers.open(bobWithRoles("[\"relay\"]"));

    assertThat(store.find(bob.publicKey()).orElseThrow().roles()).isEmpty();
    assertThat(store.isTrusted(bob.publicKey(), PeerRole.CLIENT)).isFalse();
    assertThat(store.isTrusted(bob.publicKey(), PeerRole.SERVER)).isFalse();
  }

  @Test
  void rolesThatAreNotAnArrayOfStringsAreACorruptStore() throws IOException {
    Path file = bobWithRoles("\"client\"");

    assertThatThrownBy(() -> TrustedPeers.open(file).list())
        .isInstanceOf(CorruptTrustStoreException.class)
        .hasMessageContaining("entry 0.roles");
  }

  @Test
  void addingWithoutANameKeepsTheNameAlreadyStored() throws IOException {
    TrustedPeers store = TrustedPeers.inMemory();
    store.add(bob.publicKey(), PeerRole.CLIENT, "bob's laptop", "");

    TrustedPeer again = store.add(bob.publicKey(), PeerRole.SERVER);

    assertThat(again.name()).isEqualTo("bob's laptop");
    assertThat(again.roles()).containsExactlyInAnyOrder(PeerRole.CLIENT, PeerRole.SERVER);
    assertThat(store.list()).containsExactly(again);
  }

  @Test
  void theRecordsRolesAreACopyAndUnmodifiable() {
    Set<PeerRole> roles = new java.util.HashSet<>(Set.of(PeerRole.CLIENT));
    TrustedPeer peer = TrustedPeer.of(bob.publicKey(), "b").withRoles(roles);
    roles.add(PeerRole.SERVER);

    assertThat(peer.roles()).containsExactly(PeerRole.CLIENT);
    assertThatThrownBy(() -> peer.roles().add(PeerRole.SERVER))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  /** A store holding one entry for Bob whose {@code roles} field is the JSON {@code roles}. */
  private Path bobWithRoles(String roles) throws IOException {
    return Files.writeString(
        home.resolve("trusted-peers.json"),
        "[{\"public_key\": \""
            + TrustedPeer.hex(bob.publicKey())
            + "\", \"roles\": "
            + roles
            + "}]");
  }

  private static void writeLegacyEntry(Path file, Identity peer) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "[{\"public_key\": \""
            + TrustedPeer.hex(peer.publicKey())
            + "\", \"name\": \"legacy\", \"paired_at\": 1.5, \"description\": \"\","
            + " \"description_override\": \"\", \"last_host\": null, \"last_port\": null}]");
  }
}

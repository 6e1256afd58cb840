package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.Role;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Pairing and trust" flow, verbatim where it can be, so its snippets stay correct.
 */
class ReadmeExampleTest {

  @TempDir Path home;

  private static boolean confirm(String question) {
    return question.startsWith("Pair with ");
  }

  @Test
  void pairThenReconnectAsTheReadmeShows() throws IOException {
    Identity serverIdentity = Identity.loadOrCreate(home.resolve("server/identity.key"));
    TrustedPeers serverTrusted = TrustedPeers.open(home.resolve("server/trusted-peers.json"));
    Identity identity = Identity.loadOrCreate(home.resolve("client/identity.key"));
    TrustedPeers trusted = TrustedPeers.open(home.resolve("client/trusted-peers.json"));
    Handshake handshake =
        Handshake.builder()
            .approver(
                request ->
                    CompletableFuture.supplyAsync(
                        () ->
                            confirm(
                                "Pair with "
                                    + request.name()
                                    + "? Fingerprint "
                                    + request.fingerprint())))
            .build();

    PairingGate pairing = new PairingGate();
    PairingCode code = PairingCode.random();
    pairing.arm(code, Duration.ofMinutes(2));
    String typedCode = code.digits();

    LoopbackConnection.Pair first = LoopbackConnection.pair();
    CompletableFuture<Session> served =
        handshake.serve(first.second(), serverIdentity, serverTrusted, pairing);
    Connection connection = first.first();
    Session paired =
        handshake.pairClient(connection, identity, PairingCode.parse(typedCode), trusted).join();
    Session session = served.join();
    EncryptedConnection encrypted = session.connection();
    Await.result(paired.connection().send(Messages.hello(Role.CLIENT, "laptop", "")));
    Await.result(encrypted.send(Messages.hello(Role.SERVER, "desk", "")));
    Await.result(encrypted.receive());
    Await.result(paired.connection().receive());
    paired.trusted().join();
    byte[] serverKey = paired.remotePublicKey();

    LoopbackConnection.Pair second = LoopbackConnection.pair();
    CompletableFuture<Session> servedAgain =
        handshake.serve(second.second(), serverIdentity, serverTrusted, pairing);
    connection = second.first();
    TrustedPeer server = trusted.list(PeerRole.SERVER).get(0);
    Session again = handshake.authClient(connection, identity, trusted, server.publicKey()).join();

    assertThat(server.publicKey()).isEqualTo(serverKey);
    assertThat(again.remoteFingerprint()).isEqualTo(serverIdentity.fingerprint());
    assertThat(Await.result(servedAgain).remotePublicKey()).isEqualTo(identity.publicKey());
  }

  /** docs/readme/pairing-v2.md, "Pairing with older opendesk peers": both sides in legacy mode. */
  @Test
  void legacyPairingAsTheReadmeShows() throws IOException {
    Identity identity = Identity.loadOrCreate(home.resolve("server/identity.key"));
    TrustedPeers trusted = TrustedPeers.open(home.resolve("server/trusted-peers.json"));
    Identity clientIdentity = Identity.loadOrCreate(home.resolve("client/identity.key"));
    TrustedPeers clientTrusted = TrustedPeers.open(home.resolve("client/trusted-peers.json"));
    Handshake handshake = TestKeys.fast().build();
    LoopbackConnection.Pair link = LoopbackConnection.pair();

    PairingGate pairing = new PairingGate();
    PairingCode code = PairingCode.random();
    pairing.arm(code, PairingMode.LEGACY_V1, Duration.ofMinutes(2)); // older clients only
    String typedCode = code.digits();
    CompletableFuture<Session> served = handshake.serve(link.second(), identity, trusted, pairing);
    Connection connection = link.first();
    Session paired =
        handshake
            .pairClient(
                connection,
                clientIdentity,
                PairingCode.parse(typedCode),
                clientTrusted,
                PairingMode.LEGACY_V1)
            .join();
    Session session = served.join();

    assertThat(paired.remotePublicKey()).isEqualTo(identity.publicKey());
    assertThat(session.remotePublicKey()).isEqualTo(clientIdentity.publicKey());
  }
}

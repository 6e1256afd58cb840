package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.LoopbackConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 7: the trust store is parsed once while it is unchanged, not on every {@code
 * auth_hello}, and every change (this JVM, another instance, another process, a rewrite inside one
 * timestamp tick) is seen at the next read.
 */
class TrustStoreCacheTest {

  private static final byte[] KEY = TrustStoreWriter.key(7, 1);

  @TempDir Path home;

  private Path file() {
    return home.resolve("trusted-peers.json");
  }

  /** Writes one entry named {@code name} and dates the file {@code age} seconds back. */
  private void writeEntry(String name, long ageSeconds) throws IOException {
    Files.writeString(
        file(), "[{\"public_key\": \"" + TrustedPeer.hex(KEY) + "\", \"name\": \"" + name + "\"}]");
    Files.setLastModifiedTime(file(), FileTime.from(Instant.now().minusSeconds(ageSeconds)));
  }

  @Test
  void strangersAuthHellosDoNotParseAnUnchangedStoreAgain() throws IOException {
    writeEntry("owner", 3600);
    TrustedPeers trust = TrustedPeers.open(file());
    Identity server = Identity.generate();
    Handshake handshake = Handshake.defaults();

    for (int i = 0; i < 20; i++) {
      LoopbackConnection.Pair link = LoopbackConnection.pair();
      CompletableFuture<Session> served = handshake.authServer(link.second(), server, trust);
      handshake.authClient(link.first(), Identity.generate(), server.publicKey());
      assertThat(Await.reason(served)).isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
    }

    assertThat(trust.parses()).isEqualTo(1);
  }

  @Test
  void aChangeByAnotherInstanceIsSeenAtTheNextRead() throws IOException {
    writeEntry("owner", 3600);
    TrustedPeers reader = TrustedPeers.open(file());
    assertThat(reader.isTrusted(KEY)).isTrue();

    TrustedPeers.open(file()).remove(KEY);

    assertThat(reader.isTrusted(KEY)).isFalse();
  }

  @Test
  void anInPlaceRewriteWithTheSameSizeAndTimestampIsSeen() throws IOException {
    writeEntry("alice", 0);
    FileTime stamp = Files.getLastModifiedTime(file());
    TrustedPeers reader = TrustedPeers.open(file());
    assertThat(reader.find(KEY).orElseThrow().name()).isEqualTo("alice");

    // Same inode, same size, same modification time: only the bytes tell.
    Files.writeString(
        file(), "[{\"public_key\": \"" + TrustedPeer.hex(KEY) + "\", \"name\": \"bobby\"}]");
    Files.setLastModifiedTime(file(), stamp);

    assertThat(reader.find(KEY).orElseThrow().name()).isEqualTo("bobby");
  }

  @Test
  void aRecentlyChangedStoreIsComparedButNotParsedAgainWhileItsBytesAreEqual() throws IOException {
    writeEntry("alice", 0);
    TrustedPeers reader = TrustedPeers.open(file());

    for (int i = 0; i < 10; i++) {
      assertThat(reader.isTrusted(KEY)).isTrue();
    }

    assertThat(reader.parses()).isEqualTo(1);
  }

  @Test
  void anEntryAddedByAnotherProcessIsSeenAtTheNextRead() throws Exception {
    writeEntry("owner", 3600);
    TrustedPeers reader = TrustedPeers.open(file());
    byte[] childKey = TrustStoreWriter.key(3, 0);
    assertThat(reader.isTrusted(childKey)).isFalse();

    TrustStoreWriter.runChild(file(), 1, 3, () -> {});

    assertThat(reader.isTrusted(childKey)).isTrue();
    assertThat(reader.isTrusted(KEY)).isTrue();
  }
}

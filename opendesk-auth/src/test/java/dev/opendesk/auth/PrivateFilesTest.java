package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.LoopbackConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #14 item 8: temporary files are written through the one channel that created them, never
 * through a link; key and trust files another user could change are refused; leftover temporary
 * copies of the key are removed. POSIX only, like the checks themselves.
 */
class PrivateFilesTest {

  private static final byte[] KEY = TrustStoreWriter.key(5, 1);

  @TempDir Path home;

  private static void chmod(Path path, String mode) throws IOException {
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
  }

  private Path trustFile() throws IOException {
    Path file = home.resolve("trusted-peers.json");
    TrustedPeers.open(file).add(KEY, PeerRole.CLIENT);
    return file;
  }

  @Test
  void aLinkAtTheTemporaryNameIsNeverFollowed() throws IOException {
    Path victim = Files.writeString(home.resolve("victim"), "precious");
    Path temporary = home.resolve(".identity.key.0123456789abcdef.tmp");
    Files.createSymbolicLink(temporary, victim);

    assertThatThrownBy(() -> PrivateFiles.writeNew(temporary, new byte[32]))
        .isInstanceOf(FileAlreadyExistsException.class);

    assertThat(Files.readString(victim)).isEqualTo("precious");
    assertThat(Files.isSymbolicLink(temporary)).isTrue();
  }

  @Test
  void aNewFileIsOwnerOnlyAndHoldsExactlyTheContent() throws IOException {
    Path file = home.resolve("new");

    PrivateFiles.writeNew(file, "abc".getBytes(StandardCharsets.US_ASCII));

    assertThat(Files.readString(file)).isEqualTo("abc");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void aGroupWritableTrustStoreIsRefused() throws IOException {
    Path file = trustFile();
    chmod(file, "rw--w----");

    assertThatThrownBy(() -> TrustedPeers.open(file).list())
        .isInstanceOf(InsecureFileException.class)
        .hasMessageContaining("other users can write it")
        .hasMessageContaining("chmod go-w");
  }

  @Test
  void aTrustStoreMadeWorldWritableAfterItWasCachedIsRefusedAtTheNextRead() throws IOException {
    Path file = trustFile();
    TrustedPeers store = TrustedPeers.open(file);
    assertThat(store.isTrusted(KEY)).isTrue();

    chmod(file, "rw-rw-rw-");

    assertThatThrownBy(() -> store.isTrusted(KEY)).isInstanceOf(InsecureFileException.class);
  }

  @Test
  void aServerWithAnInsecureTrustStoreAdmitsNoOne() throws IOException {
    Identity client = Identity.generate();
    Identity server = Identity.generate();
    Path file = home.resolve("trusted-peers.json");
    TrustedPeers trust = TrustedPeers.open(file);
    trust.add(client.publicKey(), PeerRole.CLIENT);
    chmod(file, "rw-rw-rw-");
    LoopbackConnection.Pair link = LoopbackConnection.pair();

    CompletableFuture<Session> served =
        Handshake.defaults().authServer(link.second(), server, trust);
    Handshake.defaults().authClient(link.first(), client, server.publicKey());

    assertThat(Await.failure(served)).hasRootCauseInstanceOf(InsecureFileException.class);
  }

  @Test
  void aTrustStoreInAGroupWritableDirectoryIsRefused() throws IOException {
    Path file = trustFile();
    chmod(home, "rwxrwx---");

    assertThatThrownBy(() -> TrustedPeers.open(file).list())
        .isInstanceOf(InsecureFileException.class)
        .hasMessageContaining(home.toString());
  }

  @Test
  void anIdentityKeyWritableByOthersIsRefused() throws IOException {
    Path file = home.resolve("identity.key");
    Identity.loadOrCreate(file);
    chmod(file, "rw-rw-rw-");

    assertThatThrownBy(() -> Identity.loadOrCreate(file)).isInstanceOf(InsecureFileException.class);
  }

  @Test
  void noIdentityIsCreatedInAWorldWritableDirectory() throws IOException {
    Path directory = Files.createDirectory(home.resolve("shared"));
    chmod(directory, "rwxrwxrwx");

    assertThatThrownBy(() -> Identity.loadOrCreate(directory.resolve("identity.key")))
        .isInstanceOf(InsecureFileException.class);
    assertThat(Files.list(directory)).isEmpty();
  }

  @Test
  void anIdentityKeyReadableByOthersIsStillUsed() throws IOException {
    Path file = home.resolve("identity.key");
    Identity created = Identity.loadOrCreate(file);
    chmod(file, "rw-r--r--");

    assertThat(Identity.loadOrCreate(file).publicKey()).isEqualTo(created.publicKey());
  }

  @Test
  void aFileOwnedByAnotherUserIsRefused() throws IOException {
    Path file = home.resolve("identity.key");
    Identity.loadOrCreate(file);
    UserPrincipal nobody =
        FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    UserPrincipal me = Files.getOwner(file);
    boolean root = me.getName().equals("root");
    if (root) {
      // Root owns whatever it creates, and root-owned files are accepted: give it to nobody.
      Files.setOwner(file, nobody);
    }

    assertThatThrownBy(
            () ->
                PrivateFiles.requireOwnerOnly(
                    file,
                    Files.getPosixFilePermissions(file),
                    Files.getOwner(file),
                    false,
                    Optional.of(root ? me : nobody)))
        .isInstanceOf(InsecureFileException.class)
        .hasMessageContaining("is owned by");
  }

  @Test
  void staleTemporaryCopiesOfTheKeyAreRemovedAndFreshOnesKept() throws IOException {
    Path stale = Files.write(home.resolve(".identity.key.00112233445566aa.tmp"), new byte[32]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minusSeconds(3600)));
    Path fresh = Files.write(home.resolve(".identity.key.77112233445566aa.tmp"), new byte[32]);
    Path unrelated = Files.write(home.resolve(".other.00112233445566aa.tmp"), new byte[32]);
    Files.setLastModifiedTime(unrelated, FileTime.from(Instant.now().minusSeconds(3600)));

    Identity.loadOrCreate(home.resolve("identity.key"));

    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();
    assertThat(unrelated).exists();
  }
}

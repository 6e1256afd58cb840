package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.opendesk.protocol.testing.Vectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityTest {

  @TempDir Path home;

  @Test
  void fingerprintIsTheFirstEightBytesInFourGroups() {
    byte[] key = Vectors.hex("752b74c9f394cba650e9a0af3f21ba3e1d74aeaff1480487ebef5c49fd2fd866");
    assertThat(Identity.fingerprint(key)).isEqualTo("752b:74c9:f394:cba6");
  }

  @Test
  void fingerprintRefusesAKeyOfTheWrongSize() {
    assertThatThrownBy(() -> Identity.fingerprint(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("publicKey");
  }

  @Test
  void generatedIdentitiesAreDistinctAnd32Bytes() {
    Identity a = Identity.generate();
    Identity b = Identity.generate();
    assertThat(a.publicKey()).hasSize(32).isNotEqualTo(b.publicKey());
  }

  @Test
  void agreementIsSymmetric() {
    Identity a = Identity.generate();
    Identity b = Identity.generate();
    assertThat(a.agree(b.publicKey())).isEqualTo(b.agree(a.publicKey()));
  }

  @Test
  void toStringShowsOnlyTheFingerprint() {
    Identity identity = Identity.generate();
    assertThat(identity.toString()).isEqualTo("Identity[" + identity.fingerprint() + "]");
  }

  @Test
  void createdFileIsTheRawPrivateKeyWithOwnerOnlyModes() throws IOException {
    Path file = home.resolve("new-dir/nested/identity.key");

    Identity created = Identity.loadOrCreate(file);

    assertThat(Files.size(file)).isEqualTo(32);
    assertThat(KeySchedule.publicKey(Files.readAllBytes(file))).isEqualTo(created.publicKey());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("new-dir"))))
        .isEqualTo("rwx------");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file); // no temporary file left behind
    }
  }

  @Test
  void loadingAgainGivesTheSameIdentity() throws IOException {
    Path file = home.resolve("identity.key");
    Identity first = Identity.loadOrCreate(file);
    Identity again = Identity.loadOrCreate(file);
    assertThat(again.publicKey()).isEqualTo(first.publicKey());
  }

  @Test
  void aFileOfTheWrongSizeIsAnErrorAndIsKept() throws IOException {
    Path file = home.resolve("identity.key");
    Files.write(file, new byte[33]);

    assertThatThrownBy(() -> Identity.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("33 bytes");
    assertThat(Files.readAllBytes(file)).hasSize(33);
  }

  @Test
  void anEmptyFileIsAnErrorAndIsKept() throws IOException {
    Path file = home.resolve("identity.key");
    Files.createFile(file);

    assertThatThrownBy(() -> Identity.loadOrCreate(file)).isInstanceOf(IOException.class);
    assertThat(Files.size(file)).isZero();
  }

  @Test
  void aDirectoryInPlaceOfTheFileIsAnError() throws IOException {
    Path file = Files.createDirectory(home.resolve("identity.key"));
    assertThatThrownBy(() -> Identity.loadOrCreate(file))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
  }

  @Test
  void concurrentCreatorsAllGetTheSameIdentity() throws Exception {
    Path file = home.resolve("race/identity.key");
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<byte[]>> keys = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        Callable<byte[]> create =
            () -> {
              start.await();
              return Identity.loadOrCreate(file).publicKey();
            };
        keys.add(pool.submit(create));
      }
      start.countDown();
      byte[] expected = keys.get(0).get(10, TimeUnit.SECONDS);
      for (Future<byte[]> key : keys) {
        assertThat(key.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
      }
      assertThat(KeySchedule.publicKey(Files.readAllBytes(file))).isEqualTo(expected);
    } finally {
      pool.shutdownNow();
    }
  }
}

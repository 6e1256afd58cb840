package dev.opendesk.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrustedPeersTest {

  private static final byte[] KEY = TrustStoreWriter.key(9, 1);
  private static final String KEY_HEX = TrustedPeer.hex(KEY);

  @TempDir Path home;

  private Path file() {
    return home.resolve("store/trusted-peers.json");
  }

  private TrustedPeers store() {
    return TrustedPeers.open(file());
  }

  private void write(String json) throws IOException {
    Files.createDirectories(file().getParent());
    Files.writeString(file(), json);
  }

  @Test
  void aMissingFileIsAnEmptyStoreAndIsNotCreatedByReading() throws IOException {
    assertThat(store().list()).isEmpty();
    assertThat(store().find(KEY)).isEmpty();
    assertThat(Files.exists(file())).isFalse();
  }

  @Test
  void addedPeersAreFoundListedAndRemoved() throws IOException {
    TrustedPeers store = store();
    store.add(KEY, "laptop", "Alice's laptop");
    store.add(TrustStoreWriter.key(9, 2), "phone", "");

    assertThat(store.list()).extracting(TrustedPeer::name).containsExactly("laptop", "phone");
    TrustedPeer found = store.find(KEY).orElseThrow();
    assertThat(found.description()).isEqualTo("Alice's laptop");
    assertThat(found.publicKey()).isEqualTo(KEY);
    assertThat(found.pairedAt()).isGreaterThan(1.7e9);

    assertThat(store.remove(KEY)).isTrue();
    assertThat(store.remove(KEY)).isFalse();
    assertThat(store.isTrusted(KEY)).isFalse();
  }

  @Test
  void theFileAndItsDirectoryAreOwnerOnly() throws IOException {
    store().add(KEY, "laptop", "");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file().getParent())))
        .isEqualTo("rwx------");
    Path lock = file().resolveSibling("trusted-peers.json.lock");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)))
        .isEqualTo("rw-------");
  }

  @Test
  void theFileHasTheSpecifiedShape() throws IOException {
    store().add(KEY, "laptop", "desc");
    JsonNode entry = new ObjectMapper().readTree(file().toFile()).get(0);

    assertThat(entry.get("public_key").asText()).isEqualTo(KEY_HEX);
    assertThat(entry.get("name").asText()).isEqualTo("laptop");
    assertThat(entry.get("paired_at").isDouble()).isTrue();
    assertThat(entry.get("description").asText()).isEqualTo("desc");
    assertThat(entry.get("description_override").asText()).isEmpty();
    assertThat(entry.get("last_host").isNull()).isTrue();
    assertThat(entry.get("last_port").isNull()).isTrue();
  }

  @Test
  void keysCompareCaseInsensitivelyOnReadAndAreWrittenLowerCase() throws IOException {
    write("[{\"public_key\": \"" + KEY_HEX.toUpperCase() + "\", \"name\": \"old\"}]");

    assertThat(store().find(KEY)).isPresent();
    store().updateDescription(KEY, "new");

    assertThat(Files.readString(file())).contains(KEY_HEX).doesNotContain(KEY_HEX.toUpperCase());
  }

  @Test
  void unknownKeysInEntriesSurviveARewrite() throws IOException {
    write(
        "[{\"public_key\": \""
            + KEY_HEX
            + "\", \"name\": \"laptop\", \"paired_at\": 1.5,"
            + " \"color\": \"blue\", \"tags\": [1, \"two\", {\"three\": null}], \"n\": 12345678901234}]");

    store().updateLastSeen(KEY, "192.168.1.20", 8423);
    store().add(TrustStoreWriter.key(9, 2), "phone", "");

    JsonNode entry = new ObjectMapper().readTree(file().toFile()).get(0);
    assertThat(entry.get("color").asText()).isEqualTo("blue");
    assertThat(entry.get("tags").toString()).isEqualTo("[1,\"two\",{\"three\":null}]");
    assertThat(entry.get("n").asLong()).isEqualTo(12345678901234L);
    assertThat(entry.get("last_host").asText()).isEqualTo("192.168.1.20");
    assertThat(entry.get("last_port").asInt()).isEqualTo(8423);
    assertThat(entry.get("paired_at").asDouble()).isEqualTo(1.5);
  }

  @Test
  void theOverrideWinsOverTheDescriptionWhenSet() throws IOException {
    TrustedPeers store = store();
    store.add(KEY, "laptop", "from hello");
    assertThat(store.effectiveDescription(KEY)).contains("from hello");

    store.updateDescriptionOverride(KEY, "my label");
    assertThat(store.effectiveDescription(KEY)).contains("my label");

    store.updateDescriptionOverride(KEY, "");
    assertThat(store.effectiveDescription(KEY)).contains("from hello");
  }

  @Test
  void pairingAgainKeepsTheOverrideAndAddress() throws IOException {
    TrustedPeers store = store();
    store.add(KEY, "laptop", "v1");
    store.updateDescriptionOverride(KEY, "label");
    store.updateLastSeen(KEY, "host", 1);

    TrustedPeer again = store.add(KEY, "laptop-2", "v2");

    assertThat(again.name()).isEqualTo("laptop-2");
    assertThat(again.description()).isEqualTo("v2");
    assertThat(again.descriptionOverride()).isEqualTo("label");
    assertThat(again.lastHost()).isEqualTo("host");
    assertThat(store.list()).hasSize(1);
  }

  @Test
  void updatingAnUnknownKeyWritesNothing() throws IOException {
    assertThat(store().updateDescription(KEY, "x")).isEmpty();
    assertThat(Files.exists(file())).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "not json",
        "{\"public_key\": \"00\"}",
        "[1, 2]",
        "[{\"name\": \"no key\"}]",
        "[{\"public_key\": \"zz\"}]",
        "[{\"public_key\": \"%s\", \"name\": 5}]",
        "[{\"public_key\": \"%s\", \"paired_at\": \"yesterday\"}]",
        "[{\"public_key\": \"%s\", \"last_port\": \"8423\"}]",
        "[{\"public_key\": \"%s\", \"last_port\": 70000}]",
        "[{\"public_key\": \"%s\"}"
      })
  void aCorruptFileIsAClearErrorAndIsNeverOverwritten(String json) throws IOException {
    String content = json.replace("%s", KEY_HEX);
    write(content);

    assertThatThrownBy(() -> store().list())
        .isInstanceOf(CorruptTrustStoreException.class)
        .hasMessageContaining(file().toString());
    assertThatThrownBy(() -> store().add(TrustStoreWriter.key(9, 2), "phone", ""))
        .isInstanceOf(CorruptTrustStoreException.class);
    assertThat(Files.readString(file())).isEqualTo(content);
  }

  @Test
  void aCorruptEntryIsNamedInTheError() throws IOException {
    write(
        "[{\"public_key\": \""
            + KEY_HEX
            + "\"}, {\"public_key\": \""
            + KEY_HEX
            + "\", \"name\": []}]");
    assertThatThrownBy(() -> store().list()).hasMessageContaining("entry 1.name");
  }

  @Test
  void aCrashBetweenWriteAndRenameLeavesTheOldFileIntact() throws IOException {
    TrustedPeers store = store();
    store.add(KEY, "laptop", "");
    String before = Files.readString(file());
    store.beforeRename(
        temporary -> {
          assertThat(Files.readString(temporary)).contains("phone");
          throw new IOException("simulated crash");
        });

    assertThatThrownBy(() -> store.add(TrustStoreWriter.key(9, 2), "phone", ""))
        .hasMessage("simulated crash");

    assertThat(Files.readString(file())).isEqualTo(before);
    assertThat(store().list()).extracting(TrustedPeer::name).containsExactly("laptop");
  }

  @Test
  void aLeftoverTemporaryFileFromACrashIsIgnored() throws IOException {
    store().add(KEY, "laptop", "");
    Files.writeString(
        file().resolveSibling(".trusted-peers.json.0123456789abcdef.tmp"), "[{\"garbage\"");

    store().add(TrustStoreWriter.key(9, 2), "phone", "");

    assertThat(store().list()).extracting(TrustedPeer::name).containsExactly("laptop", "phone");
  }

  @Test
  void concurrentWritersInOneJvmLoseNothing() throws Exception {
    int threads = 6;
    int perThread = 15;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        TrustedPeers own = store(); // separate instances share the in-JVM lock by path
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < perThread; i++) {
                    own.add(TrustStoreWriter.key(thread, i), "t" + thread + "-" + i, "");
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(store().list()).hasSize(threads * perThread);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentWritersInTwoProcessesLoseNothing() throws Exception {
    int count = 40;
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                TrustStoreWriter.class.getName(),
                file().toString(),
                Integer.toString(count),
                "1")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = child.getOutputStream()) {
      CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readLine(out));
      assertThat(ready.get(30, TimeUnit.SECONDS)).isEqualTo("ready");
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();

      TrustedPeers store = store();
      for (int i = 0; i < count; i++) {
        store.add(TrustStoreWriter.key(2, i), "parent-" + i, "");
      }

      assertThat(CompletableFuture.supplyAsync(() -> readLine(out)).get(30, TimeUnit.SECONDS))
          .isEqualTo("done");
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isZero();
    } finally {
      child.destroyForcibly();
    }

    Set<String> expected = new HashSet<>();
    for (int i = 0; i < count; i++) {
      expected.add(TrustedPeer.hex(TrustStoreWriter.key(1, i)));
      expected.add(TrustedPeer.hex(TrustStoreWriter.key(2, i)));
    }
    assertThat(store().list())
        .extracting(TrustedPeer::publicKeyHex)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void inMemoryStoreWorksWithoutAFile() throws IOException {
    TrustedPeers memory = TrustedPeers.inMemory();
    memory.put(new TrustedPeer(KEY_HEX, "n", 1.0, "d", "o", null, null, Map.of()));
    assertThat(memory.effectiveDescription(KEY)).contains("o");
    assertThat(memory.path()).isEmpty();
  }

  @Test
  void aClosedStoreRefusesEveryOperation() throws IOException {
    TrustedPeers memory = TrustedPeers.inMemory();
    memory.add(KEY, PeerRole.CLIENT);

    memory.close();
    memory.close();

    assertThatThrownBy(memory::list)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> memory.isTrusted(KEY)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> memory.add(KEY, PeerRole.SERVER))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingAFileStoreKeepsItsContentForTheNextOpen() throws IOException {
    try (TrustedPeers store = store()) {
      store.add(KEY, PeerRole.CLIENT, "laptop", "");
    }

    assertThat(store().find(KEY, PeerRole.CLIENT)).isPresent();
  }

  @Test
  void anInMemoryStoreCreatesNoFile() throws IOException {
    Path cwd = Paths.get("").toAbsolutePath();
    try (TrustedPeers memory = TrustedPeers.inMemory()) {
      memory.add(KEY, PeerRole.CLIENT);
      assertThat(memory.isTrusted(KEY, PeerRole.CLIENT)).isTrue();
    }

    assertThat(Files.list(home)).isEmpty();
    assertThat(Files.exists(cwd.resolve("trusted-peers.json.lock"))).isFalse();
  }
}

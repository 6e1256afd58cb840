package dev.opendesk.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The child process of {@link TrustedPeersTest}'s two-JVM test: opens the store, prints {@code
 * ready}, waits for a line on stdin, adds {@code count} keys derived from {@code seed}, prints
 * {@code done}.
 */
public final class TrustStoreWriter {

  private TrustStoreWriter() {}

  /**
   * Starts this class in a child JVM on {@code file}, waits for its {@code ready}, runs {@code
   * whileWriting} while it adds its keys, and waits for its {@code done} and its exit (30 s each).
   */
  static void runChild(Path file, int count, int seed, Runnable whileWriting) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                TrustStoreWriter.class.getName(),
                file.toString(),
                Integer.toString(count),
                Integer.toString(seed))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try (BufferedReader out =
            new BufferedReader(
                new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        OutputStream in = child.getOutputStream()) {
      expectLine(out, "ready");
      in.write("go\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      whileWriting.run();
      expectLine(out, "done");
      if (!child.waitFor(30, TimeUnit.SECONDS) || child.exitValue() != 0) {
        throw new AssertionError("the writer process did not exit cleanly");
      }
    } finally {
      child.destroyForcibly();
    }
  }

  private static void expectLine(BufferedReader out, String expected) throws Exception {
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .get(30, TimeUnit.SECONDS);
    if (!expected.equals(line)) {
      throw new AssertionError("expected \"" + expected + "\" from the writer, got " + line);
    }
  }

  static byte[] key(int seed, int index) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    key[1] = (byte) (index >>> 8);
    key[2] = (byte) index;
    key[3] = (byte) 0xab; // hex letters, so case matters
    key[31] = 0x42;
    return key;
  }

  public static void main(String[] args) throws Exception {
    TrustedPeers store = TrustedPeers.open(Path.of(args[0]));
    int count = Integer.parseInt(args[1]);
    int seed = Integer.parseInt(args[2]);
    System.out.println("ready");
    System.out.flush();
    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    for (int i = 0; i < count; i++) {
      store.add(key(seed, i), "child-" + i, "");
    }
    System.out.println("done");
    System.out.flush();
  }
}

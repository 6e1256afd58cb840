package dev.opendesk.auth;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The child process of {@link TrustedPeersTest}'s two-JVM test: opens the store, prints {@code
 * ready}, waits for a line on stdin, adds {@code count} keys derived from {@code seed}, prints
 * {@code done}.
 */
public final class TrustStoreWriter {

  private TrustStoreWriter() {}

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

package dev.opendesk.it;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import java.nio.file.Path;
import java.util.HexFormat;

/**
 * Child-process main of {@link ProcessKillFaultTest}: from index {@code args[2]} on, forever,
 * creates identity file {@code <args[0]>/identity-<i>.key} and adds key {@code i} to the trust
 * store {@code args[1]}, printing {@code identity <i> <public key hex>} and {@code trusted <i>}
 * after each write has returned. The parent kills it at a random point.
 */
public final class StoreWriterLoop {

  private StoreWriterLoop() {}

  /** The trusted key written for index {@code i}. */
  static byte[] key(int i) {
    byte[] key = new byte[32];
    key[0] = 0x5a;
    key[1] = (byte) (i >>> 16);
    key[2] = (byte) (i >>> 8);
    key[3] = (byte) i;
    return key;
  }

  public static void main(String[] args) throws Exception {
    Path identities = Path.of(args[0]);
    TrustedPeers trust = TrustedPeers.open(Path.of(args[1]));
    for (int i = Integer.parseInt(args[2]); ; i++) {
      Identity identity = Identity.loadOrCreate(identities.resolve("identity-" + i + ".key"));
      System.out.println("identity " + i + " " + HexFormat.of().formatHex(identity.publicKey()));
      trust.add(key(i), "peer-" + i, "written before a kill");
      System.out.println("trusted " + i);
      System.out.flush();
    }
  }
}

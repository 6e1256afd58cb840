package dev.opendesk.auth;

import dev.opendesk.protocol.LoopbackConnection;
import dev.opendesk.protocol.testing.ConnectionContract;
import java.util.Random;

/**
 * {@link EncryptedConnection} over a {@link LoopbackConnection} honours the whole Connection
 * contract.
 */
class EncryptedConnectionContractTest extends ConnectionContract {

  private final Random random = new Random(42);

  /** With its 16-byte tag the largest plaintext fills the 16 MiB transport limit (#14 item 12). */
  @Override
  protected int largeMessageSize() {
    return EncryptedConnection.MAX_PLAINTEXT_SIZE;
  }

  @Override
  protected Ends connect() {
    byte[] c2s = new byte[32];
    byte[] s2c = new byte[32];
    random.nextBytes(c2s);
    random.nextBytes(s2c);
    LoopbackConnection.Pair link = LoopbackConnection.pair();
    return new Ends(
        new EncryptedConnection(link.first(), c2s, s2c, null),
        new EncryptedConnection(link.second(), s2c, c2s, null));
  }
}

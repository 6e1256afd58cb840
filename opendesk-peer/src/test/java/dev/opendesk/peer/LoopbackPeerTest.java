package dev.opendesk.peer;

import dev.opendesk.peer.testing.PeerContract;
import dev.opendesk.protocol.LoopbackConnection;

/** The {@link PeerContract} suite over {@link LoopbackConnection}. */
class LoopbackPeerTest extends PeerContract {

  @Override
  protected Ends connect() {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    return new Ends(pair.first(), pair.second());
  }

  @Override
  protected int transportBufferedMessages() {
    return LoopbackConnection.DEFAULT_CAPACITY;
  }
}

package dev.opendesk.peer;

import dev.opendesk.peer.testing.PeerContract;
import dev.opendesk.protocol.LoopbackConnection;

/**
 * The {@link PeerContract} suite over a {@link LoopbackConnection} that buffers nothing: every send
 * waits for the other end to receive it, so every path that must honour pending sends (and must not
 * block while doing so) is exercised.
 */
class UnbufferedLoopbackPeerTest extends PeerContract {

  @Override
  protected Ends connect() {
    LoopbackConnection.Pair pair = LoopbackConnection.pair(0);
    return new Ends(pair.first(), pair.second());
  }

  @Override
  protected int transportBufferedMessages() {
    return 0;
  }
}

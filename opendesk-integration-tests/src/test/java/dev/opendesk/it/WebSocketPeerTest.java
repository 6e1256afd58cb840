package dev.opendesk.it;

import dev.opendesk.peer.testing.PeerContract;

/** The {@link PeerContract} suite over plain WebSocket on 127.0.0.1. */
class WebSocketPeerTest extends WebSocketPeerContract {

  @Override
  Ends over(AcceptingWebSocketServer.Pair connection) {
    return new Ends(connection.client(), connection.server());
  }
}

package dev.opendesk.it;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.testing.PeerContract;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@link PeerContract} suite over encrypted WebSocket on 127.0.0.1: each connection is
 * authenticated first (the client's key in the server's trust store, the server's key pinned by the
 * client), and the peers run over the sessions' encrypted connections.
 */
class EncryptedWebSocketPeerTest extends WebSocketPeerContract {

  private final Identity serverIdentity = Identity.generate();
  private final Identity clientIdentity = Identity.generate();
  private final TrustedPeers trust = TrustedPeers.inMemory();

  @Override
  Ends over(AcceptingWebSocketServer.Pair connection) throws Exception {
    if (!trust.isTrusted(clientIdentity.publicKey())) {
      trust.add(clientIdentity.publicKey(), "contract client", "");
    }
    // PeerContract has a Session of its own (two peers): this one is the handshake's outcome.
    CompletableFuture<dev.opendesk.auth.Session> serverSide =
        Handshake.defaults().authServer(connection.server(), serverIdentity, trust);
    dev.opendesk.auth.Session client =
        Handshake.defaults()
            .authClient(connection.client(), clientIdentity, serverIdentity.publicKey())
            .get(10, TimeUnit.SECONDS);
    dev.opendesk.auth.Session accepted = serverSide.get(10, TimeUnit.SECONDS);
    return new Ends(client.connection(), accepted.connection());
  }
}

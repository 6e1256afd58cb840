package dev.opendesk.it;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.testing.PeerContract;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The {@link PeerContract} suite over encrypted WebSocket on 127.0.0.1: each connection is
 * authenticated first (the client's key in the server's trust store, the server's key pinned by the
 * client), and the peers run over the sessions' encrypted connections.
 */
class EncryptedWebSocketPeerTest extends PeerContract {

  private static final Identity SERVER = Identity.generate();
  private static final Identity CLIENT = Identity.generate();

  private static AcceptingWebSocketServer server;
  private static TrustedPeers trust;

  @BeforeAll
  static void startServer() throws Exception {
    server = new AcceptingWebSocketServer();
    trust = TrustedPeers.inMemory();
    trust.add(CLIENT.publicKey(), "contract client", "");
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected Ends connect() throws Exception {
    AcceptingWebSocketServer.Pair pair = server.connect();
    // PeerContract has a Session of its own (two peers): this one is the handshake's outcome.
    CompletableFuture<dev.opendesk.auth.Session> serverSide =
        Handshake.defaults().authServer(pair.server(), SERVER, trust);
    CompletableFuture<dev.opendesk.auth.Session> clientSide =
        Handshake.defaults().authClient(pair.client(), CLIENT, SERVER.publicKey());
    dev.opendesk.auth.Session client = clientSide.get(10, TimeUnit.SECONDS);
    dev.opendesk.auth.Session accepted = serverSide.get(10, TimeUnit.SECONDS);
    return new Ends(client.connection(), accepted.connection());
  }

  /** As over plain WebSocket: the socket buffers bytes (encryption adds a few per message). */
  @Override
  protected int transportBufferedMessages() {
    return (int) (AcceptingWebSocketServer.maxBytesInFlight() / 256);
  }
}

package dev.opendesk.peer;

import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.LoopbackConnection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A started client and server over Loopback, HELLOs exchanged; closing closes both. */
record PeerPair(Peer client, Peer server) implements AutoCloseable {

  static PeerPair serving(Dispatcher dispatcher) throws Exception {
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    Peer server = Peer.server(pair.second(), dispatcher);
    Peer client = Peer.client(pair.first());
    CompletableFuture<Hello> serverHello = server.hello();
    client.hello().get(10, TimeUnit.SECONDS);
    serverHello.get(10, TimeUnit.SECONDS);
    server.start();
    client.start();
    return new PeerPair(client, server);
  }

  @Override
  public void close() {
    client.close();
    server.close();
  }
}

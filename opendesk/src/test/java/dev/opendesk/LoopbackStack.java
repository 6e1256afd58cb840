package dev.opendesk;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A server and a client over one {@link LoopbackTransport}, each with its own identity and
 * in-memory trust store, closed together. Not thread-safe.
 */
final class LoopbackStack implements AutoCloseable {

  final LoopbackTransport network = new LoopbackTransport();
  final Identity serverIdentity = Identity.generate();
  final TrustedPeers serverTrust = TrustedPeers.inMemory();
  final Identity clientIdentity = Identity.generate();
  final TrustedPeers clientTrust = TrustedPeers.inMemory();
  private final List<AutoCloseable> open = new ArrayList<>();

  OpendeskServer server(Dispatcher dispatcher) throws Exception {
    return server(dispatcher, b -> b);
  }

  OpendeskServer server(Dispatcher dispatcher, UnaryOperator<OpendeskServer.Builder> config)
      throws Exception {
    OpendeskServer server =
        config
            .apply(
                OpendeskServer.builder()
                    .transport(network)
                    .identity(serverIdentity)
                    .trustedPeers(serverTrust)
                    .dispatcher(dispatcher))
            .build()
            .start();
    open.add(0, server);
    return server;
  }

  OpendeskClient client() throws Exception {
    return client(b -> b);
  }

  OpendeskClient client(UnaryOperator<OpendeskClient.Builder> config) throws Exception {
    OpendeskClient client =
        config
            .apply(
                OpendeskClient.builder()
                    .transport(network)
                    .identity(clientIdentity)
                    .trustedPeers(clientTrust)
                    .reconnect(
                        ReconnectPolicy.defaults()
                            .withDelays(Duration.ofMillis(10), Duration.ofMillis(100))))
            .build();
    open.add(0, client);
    return client;
  }

  /**
   * Pairs a fresh client with {@code server} and closes that session: both now trust each other.
   */
  void pair(OpendeskServer server, OpendeskClient client) throws Exception {
    client.pair(LoopbackTransport.URI, server.armPairing(Duration.ofMinutes(1))).close();
  }

  /** Pairs {@code client} with {@code server}, then opens an authenticated session. */
  ClientSession pairAndConnect(OpendeskServer server, OpendeskClient client) throws Exception {
    pair(server, client);
    return client.connect(LoopbackTransport.URI);
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }
}

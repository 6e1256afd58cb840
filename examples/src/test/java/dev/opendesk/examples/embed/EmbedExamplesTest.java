package dev.opendesk.examples.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbedExamplesTest {

  @TempDir Path serverHome;
  @TempDir Path clientHome;

  private WebSocketServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
      server.closeFuture().orTimeout(10, TimeUnit.SECONDS).join();
    }
  }

  private URI url() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void minimalClientPairsWithMinimalServerAndEchoes() throws Exception {
    PairingCode code = PairingCode.random();
    server = MinimalServer.start(serverHome, 0, code);

    Map<String, Object> echoed = MinimalClient.echo(url(), code, "hi");

    assertThat(echoed).isEqualTo(Map.of("text", "hi"));
  }

  @Test
  void pairThenReconnectLeavesEachSideTrustingTheOther() throws Exception {
    PairingCode code = PairingCode.random();
    server = MinimalServer.start(serverHome, 0, code);

    PairThenReconnect.run(url(), code, clientHome);

    assertThat(TrustedPeers.open(clientHome.resolve("trusted-peers.json")).list()).hasSize(1);
    assertThat(TrustedPeers.open(serverHome.resolve("trusted-peers.json")).list()).hasSize(1);
  }
}

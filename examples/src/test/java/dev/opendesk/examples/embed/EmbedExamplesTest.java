package dev.opendesk.examples.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.TrustedPeers;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class EmbedExamplesTest {

  @TempDir Path serverHome;
  @TempDir Path clientHome;

  private OpendeskServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private URI url() {
    return server.uri();
  }

  @Test
  void minimalClientPairsWithMinimalServerAndEchoes() throws Exception {
    server = MinimalServer.start(serverHome, 0);
    PairingCode code = server.armPairing(Duration.ofMinutes(1));

    Map<String, Object> echoed = MinimalClient.echo(url(), code, "hi");

    assertThat(echoed).isEqualTo(Map.of("text", "hi"));
  }

  @Test
  void pairThenReconnectLeavesEachSideTrustingTheOther() throws Exception {
    server = MinimalServer.start(serverHome, 0);
    PairingCode code = server.armPairing(Duration.ofMinutes(1));

    PairThenReconnect.run(url(), code, clientHome);

    assertThat(TrustedPeers.open(clientHome.resolve("trusted-peers.json")).list()).hasSize(1);
    assertThat(TrustedPeers.open(serverHome.resolve("trusted-peers.json")).list()).hasSize(1);
  }
}

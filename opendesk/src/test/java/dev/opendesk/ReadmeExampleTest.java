package dev.opendesk;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Embedding" snippets, as written apart from homes in temporary directories and a
 * free port instead of 8423.
 */
@Timeout(60)
class ReadmeExampleTest {

  @TempDir Path serverHome;
  @TempDir Path clientHome;

  @Test
  void theServerAndClientSnippetsPairThenConnectAndCall() throws Exception {
    OpendeskServer server =
        OpendeskServer.builder()
            .home(serverHome)
            .port(0)
            .dispatcher(Dispatcher.builder().unary("echo", (ctx, params) -> params).build())
            .build()
            .start();
    PairingCode code = server.armPairing(Duration.ofMinutes(2));
    String typed = code.digits();
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");

    try (server;
        OpendeskClient client = OpendeskClient.builder().home(clientHome).build()) {
      client.pair(uri, PairingCode.parse(typed)).close();

      ClientSession session = client.connect(uri);
      Map<String, Object> echoed = session.callBlocking("echo", Map.of("text", "hi"));

      assertThat(echoed).containsEntry("text", "hi");
    }
  }

  @Test
  void theLoopbackSnippetRunsTheWholeStackWithoutSockets() throws Exception {
    Dispatcher myDispatcher = Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

    LoopbackTransport network = new LoopbackTransport();
    OpendeskServer server =
        OpendeskServer.builder()
            .transport(network)
            .identity(Identity.generate())
            .trustedPeers(TrustedPeers.inMemory())
            .dispatcher(myDispatcher)
            .build()
            .start();
    OpendeskClient client =
        OpendeskClient.builder()
            .transport(network)
            .identity(Identity.generate())
            .trustedPeers(TrustedPeers.inMemory())
            .build();
    ClientSession session =
        client.pair(LoopbackTransport.URI, server.armPairing(Duration.ofMinutes(1)));

    try (server;
        client) {
      assertThat(session.callBlocking("echo", Map.of("a", 1L))).containsEntry("a", 1L);
    }
  }
}

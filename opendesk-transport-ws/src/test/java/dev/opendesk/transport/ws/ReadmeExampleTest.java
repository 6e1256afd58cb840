package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.LoopbackConnection;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The README "Transports" snippets, compiled and run (keep them in sync with
 * docs/readme/opendesk-transport-ws.md).
 */
class ReadmeExampleTest {

  @Test
  void loopbackSnippetRuns() {
    // --- README: loopback ---
    LoopbackConnection.Pair pair = LoopbackConnection.pair();
    Connection a = pair.first();
    Connection b = pair.second();
    a.send(new byte[] {1, 2, 3});
    byte[] got = b.receive().join();
    // --- end ---
    assertThat(got).containsExactly(1, 2, 3);
  }

  @Test
  void webSocketSnippetRuns() throws Exception {
    // --- README: websocket ---
    // Server: the handler runs once per connection, off the event loop; it owns the connection.
    WebSocketServer server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            connection ->
                connection
                    .receive()
                    .thenCompose(connection::send) // echo one message
                    .whenComplete((ok, error) -> connection.close()));

    // Client: ws:// (or wss:// with WebSocketOptions.builder().sslContext(...)).
    URI uri = URI.create("ws://127.0.0.1:" + server.port() + "/");
    WebSocketConnection client = WebSocketClient.connect(uri).join();
    client.send("hi".getBytes()).join();
    byte[] echoed = client.receive().join();
    String lastHost = client.remoteHost(); // e.g. for last_host / last_port
    int lastPort = client.remotePort();
    client.close();

    server.close();
    server.closeFuture().join();
    // --- end ---
    assertThat(echoed).isEqualTo("hi".getBytes());
    assertThat(lastHost).isEqualTo("127.0.0.1");
    assertThat(lastPort).isEqualTo(uri.getPort());
  }

  /** The wss snippet: compiled only (it binds the default port and dials a made-up host). */
  static void wssSnippet(
      KeyManagerFactory keyManagerFactory,
      X509Certificate serverCertificate,
      Consumer<WebSocketConnection> handler)
      throws Exception {
    // --- README: wss ---
    SslContext serverTls =
        SslContextBuilder.forServer(keyManagerFactory).sslProvider(SslProvider.JDK).build();
    WebSocketServer tlsServer =
        WebSocketServer.start(
            "0.0.0.0",
            WebSocketServer.DEFAULT_PORT,
            WebSocketOptions.builder().sslContext(serverTls).build(),
            handler);

    SslContext clientTls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(serverCertificate)
            .build(); // e.g. a self-signed certificate
    WebSocketConnection secure =
        WebSocketClient.connect(
                URI.create("wss://desk.local:8423/"),
                WebSocketOptions.builder().sslContext(clientTls).build())
            .join();
    // --- end ---
    secure.close();
    tlsServer.close();
  }
}

package dev.opendesk.transport.ws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * wss: a server with a self-signed certificate generated for the test (JDK keytool, JDK TLS
 * provider).
 */
class TlsTest {

  private static final char[] PASSWORD = "test-only".toCharArray();
  @TempDir static Path dir;
  private static X509Certificate certificate;
  private static AcceptingServer server;

  @BeforeAll
  static void start() throws Exception {
    Path keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair",
                    "-alias",
                    "server",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-dname",
                    "CN=localhost",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-validity",
                    "2",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keystore.toString(),
                    "-storepass",
                    new String(PASSWORD),
                    "-keypass",
                    new String(PASSWORD)))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();

    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD);
    }
    certificate = (X509Certificate) store.getCertificate("server");
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, PASSWORD);
    SslContext serverTls = SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build();
    server = new AcceptingServer(WebSocketOptions.builder().sslContext(serverTls).build());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void messagesRoundTripOverTlsWithTrustedSelfSignedCertificate() throws Exception {
    SslContext clientTls =
        SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .trustManager(certificate)
            .build();
    assertThat(server.uri().getScheme()).isEqualTo("wss");
    WebSocketConnection client =
        WebSocketClient.connect(
                server.uri(), WebSocketOptions.builder().sslContext(clientTls).build())
            .get(10, TimeUnit.SECONDS);
    WebSocketConnection accepted = server.accepted();
    try {
      assertThat(client.isSecure()).isTrue();
      assertThat(accepted.isSecure()).isTrue();
      client.send(new byte[] {1, 2, 3});
      assertThat(accepted.receive().get(10, TimeUnit.SECONDS)).containsExactly(1, 2, 3);
      accepted.send(new byte[70_000]);
      assertThat(client.receive().get(10, TimeUnit.SECONDS)).hasSize(70_000);
    } finally {
      client.close();
      accepted.close();
    }
    client.closeFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void untrustedCertificateFailsTheConnect() {
    // Default client context: the JVM's CAs, which do not include the test certificate.
    assertThatThrownBy(() -> WebSocketClient.connect(server.uri()).get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SSLException.class);
  }
}

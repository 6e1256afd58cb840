package dev.opendesk.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.opendesk.auth.AuthFailureException;
import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Connection;
import dev.opendesk.protocol.FrameCodec;
import dev.opendesk.protocol.Hello;
import dev.opendesk.protocol.Role;
import dev.opendesk.protocol.testing.RobustnessFigures;
import dev.opendesk.transport.ws.WebSocketClient;
import dev.opendesk.transport.ws.WebSocketConnection;
import dev.opendesk.transport.ws.WebSocketOptions;
import dev.opendesk.transport.ws.WebSocketServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server goes on serving others while bad clients are thrown out: a real {@link
 * WebSocketServer} running {@link Handshake#serve} and a {@link Peer} per connection, one good
 * trusted client calling all the while, and a series of bad clients, one per layer (text frame,
 * oversize message, garbage handshake, untrusted key, tampered ciphertext, a frame that is not a
 * map, REQ before HELLO, a second HELLO). Each bad client's connection is closed by the server;
 * every call of the good client succeeds; the good client's server-side peer is the only one left
 * open.
 */
@Timeout(120)
class BadClientIsolationTest {

  private static final int MAX_MESSAGE = 64 * 1024;
  private static final long WAIT_MS = 10_000;
  private static final RobustnessFigures FIGURES = new RobustnessFigures("stack");

  private final Identity serverIdentity = Identity.generate();
  private final Identity good = Identity.generate();
  private final Identity mallory =
      Identity.generate(); // trusted, then misbehaves after the handshake
  private final TrustedPeers trust = TrustedPeers.inMemory();
  private final Handshake handshake =
      Handshake.builder().stepTimeout(Duration.ofSeconds(5)).build();
  private final List<Peer> serverPeers = new CopyOnWriteArrayListOfPeers();
  private final AtomicInteger handshakeFailures = new AtomicInteger();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private WebSocketServer server;
  private URI uri;

  /** A list of peers, thread-safe. */
  private static final class CopyOnWriteArrayListOfPeers
      extends java.util.concurrent.CopyOnWriteArrayList<Peer> {}

  @BeforeEach
  void startServer() throws Exception {
    trust.put(TrustedPeer.of(good.publicKey(), "good"));
    trust.put(TrustedPeer.of(mallory.publicKey(), "mallory"));
    Dispatcher echo = Dispatcher.builder().unary("echo", (ctx, params) -> params).build();
    WebSocketOptions options = WebSocketOptions.builder().maxMessageSize(MAX_MESSAGE).build();
    server =
        WebSocketServer.start(
            "127.0.0.1",
            0,
            options,
            connection ->
                handshake
                    .serve(connection, serverIdentity, trust, null)
                    .whenComplete(
                        (session, failure) -> {
                          if (failure != null) {
                            handshakeFailures.incrementAndGet();
                            return;
                          }
                          Peer peer =
                              Peer.builder(session.connection(), Role.SERVER)
                                  .dispatcher(echo)
                                  .remotePublicKey(session.remotePublicKey())
                                  .build();
                          serverPeers.add(peer);
                          peer.hello()
                              .orTimeout(5, TimeUnit.SECONDS)
                              .whenComplete(
                                  (hello, e) -> {
                                    if (e != null) {
                                      peer.close();
                                    } else {
                                      peer.start();
                                    }
                                  });
                        }));
    uri = URI.create("ws://127.0.0.1:" + server.port() + server.path());
  }

  @AfterEach
  void stopServer() throws Exception {
    for (AutoCloseable r : resources) {
      r.close();
    }
    serverPeers.forEach(Peer::close);
    server.close();
    server.closeFuture().get(20, TimeUnit.SECONDS);
    FIGURES.write();
  }

  // ------------------------------------------------------------------ clients

  private WebSocketConnection connect() throws Exception {
    WebSocketConnection connection =
        WebSocketClient.connect(uri).get(WAIT_MS, TimeUnit.MILLISECONDS);
    resources.add(connection);
    return connection;
  }

  private Session authenticate(Identity identity) throws Exception {
    return handshake
        .authClient(connect(), identity, serverIdentity.publicKey())
        .get(WAIT_MS, TimeUnit.MILLISECONDS);
  }

  private Peer goodClient() throws Exception {
    Session session = authenticate(good);
    Peer peer = Peer.builder(session.connection(), Role.CLIENT).build();
    resources.add(peer);
    peer.hello().get(WAIT_MS, TimeUnit.MILLISECONDS);
    return peer.start();
  }

  /**
   * Waits until the server closed {@code connection}, which the client sees as a failing receive.
   */
  private static void assertClosedByServer(Connection connection) throws Exception {
    CompletableFuture<byte[]> next = connection.receive();
    try {
      next.get(WAIT_MS, TimeUnit.MILLISECONDS);
      // A message arrived first (e.g. the server's HELLO): the close must follow.
      connection.receive().get(WAIT_MS, TimeUnit.MILLISECONDS);
      throw new AssertionError("the server did not close the connection");
    } catch (ExecutionException expected) {
      // Closed, normally or with the transport's reason (e.g. status 1009 for an oversize message).
      connection.closeFuture().handle((v, e) -> null).get(WAIT_MS, TimeUnit.MILLISECONDS);
      assertThat(connection.isOpen()).isFalse();
    } catch (java.util.concurrent.CancellationException unexpected) {
      throw new AssertionError(unexpected);
    }
  }

  /** The bad clients, each a name and what it does; each returns once the server has closed it. */
  private List<Map.Entry<String, Function<Random, Void>>> badClients() {
    List<Map.Entry<String, Function<Random, Void>>> bad = new ArrayList<>();
    bad.add(
        Map.entry(
            "WebSocket text frame",
            r ->
                run(
                    () -> {
                      CompletableFuture<Integer> status = new CompletableFuture<>();
                      WebSocket ws =
                          HttpClient.newHttpClient()
                              .newWebSocketBuilder()
                              .buildAsync(
                                  uri,
                                  new WebSocket.Listener() {
                                    @Override
                                    public CompletionStage<?> onClose(
                                        WebSocket webSocket, int statusCode, String reason) {
                                      status.complete(statusCode);
                                      return null;
                                    }

                                    @Override
                                    public void onError(WebSocket webSocket, Throwable error) {
                                      status.completeExceptionally(error);
                                    }
                                  })
                              .get(WAIT_MS, TimeUnit.MILLISECONDS);
                      resources.add(ws::abort);
                      ws.sendText("{\"v\":1}", true).get(WAIT_MS, TimeUnit.MILLISECONDS);
                      assertThat(status.get(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(1003);
                    })));
    bad.add(
        Map.entry(
            "oversize message",
            r ->
                run(
                    () -> {
                      WebSocketConnection c = connect();
                      c.send(new byte[MAX_MESSAGE + 1]);
                      assertClosedByServer(c);
                    })));
    bad.add(
        Map.entry(
            "garbage handshake message",
            r ->
                run(
                    () -> {
                      WebSocketConnection c = connect();
                      byte[] garbage = new byte[1 + r.nextInt(200)];
                      r.nextBytes(garbage);
                      c.send(garbage);
                      assertClosedByServer(c);
                    })));
    bad.add(
        Map.entry(
            "untrusted static key",
            r ->
                run(
                    () -> {
                      try {
                        authenticate(Identity.generate());
                        throw new AssertionError("an untrusted client authenticated");
                      } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(AuthFailureException.class);
                        assertThat(((AuthFailureException) e.getCause()).reason())
                            .isEqualTo(AuthFailureException.Reason.UNTRUSTED_PEER);
                      }
                    })));
    bad.add(
        Map.entry(
            "tampered ciphertext",
            r ->
                run(
                    () -> {
                      WebSocketConnection wire = connect();
                      Session session =
                          handshake
                              .authClient(wire, mallory, serverIdentity.publicKey())
                              .get(WAIT_MS, TimeUnit.MILLISECONDS);
                      byte[] forged = new byte[40];
                      r.nextBytes(forged);
                      wire.send(
                          forged); // under the EncryptedConnection: does not open with the session
                      // key
                      assertClosedByServer(session.connection());
                    })));
    bad.add(
        Map.entry(
            "frame that is not a map",
            r ->
                run(
                    () -> {
                      Session session = authenticate(mallory);
                      session.connection().send(new byte[] {(byte) 0x93, 1, 2, 3});
                      assertClosedByServer(session.connection());
                    })));
    bad.add(
        Map.entry(
            "REQ before HELLO",
            r ->
                run(
                    () -> {
                      Session session = authenticate(mallory);
                      session
                          .connection()
                          .send(
                              FrameCodec.standard()
                                  .encode(dev.opendesk.protocol.Req.unary(1, "echo", Map.of())));
                      assertClosedByServer(session.connection());
                    })));
    bad.add(
        Map.entry(
            "second HELLO",
            r ->
                run(
                    () -> {
                      Session session = authenticate(mallory);
                      byte[] hello = FrameCodec.standard().encode(Hello.of(Role.CLIENT));
                      session.connection().send(hello);
                      assertThat(
                              FrameCodec.standard()
                                  .decode(
                                      session
                                          .connection()
                                          .receive()
                                          .get(WAIT_MS, TimeUnit.MILLISECONDS)))
                          .isInstanceOf(Hello.class);
                      session.connection().send(hello.clone());
                      assertClosedByServer(session.connection());
                    })));
    return bad;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static Void run(Step step) {
    try {
      step.run();
      return null;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  // ------------------------------------------------------------------ the test

  @Test
  void badClientsAreClosedWhileAGoodClientsCallsAllSucceed() throws Exception {
    Peer client = goodClient();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    resources.add(caller::shutdownNow);
    AtomicBoolean badDone = new AtomicBoolean();
    // Calls run without pause until every bad client is out, then 100 more.
    Future<Integer> calls =
        caller.submit(
            () -> {
              int n = 0;
              int after = 0;
              while (after < 100) {
                Map<String, Object> result =
                    client.call("echo", Map.of("n", (long) n)).get(WAIT_MS, TimeUnit.MILLISECONDS);
                assertThat(result).containsEntry("n", (long) n);
                n++;
                if (badDone.get()) {
                  after++;
                }
              }
              return n;
            });

    RobustnessFigures.Row badRow =
        FIGURES.row("stack (WebSocket + handshake + peer)", "bad clients, one per layer");
    Random random = new Random(8);
    for (Map.Entry<String, Function<Random, Void>> bad : badClients()) {
      badRow.tried();
      try {
        bad.getValue().apply(random);
      } catch (AssertionError e) {
        throw new AssertionError("bad client '" + bad.getKey() + "'", e);
      }
      badRow.rejected(bad.getKey());
      badRow.closed();
    }
    badDone.set(true);

    int served = calls.get(60, TimeUnit.SECONDS);
    RobustnessFigures.Row goodRow =
        FIGURES.row("stack (WebSocket + handshake + peer)", "good client's calls meanwhile");
    for (int i = 0; i < served; i++) {
      goodRow.tried();
      goodRow.accepted();
    }
    assertThat(served).isGreaterThanOrEqualTo(100);
    assertThat(client.isOpen()).isTrue();
    // Of the peers the server built (the good client's and mallory's four sessions), only the good
    // one is open.
    assertThat(serverPeers).hasSize(5);
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> serverPeers.stream().filter(Peer::isOpen).count() == 1);
    // Text frame, oversize, garbage and the untrusted key never got past the handshake.
    assertThat(handshakeFailures.get()).as("handshakes the server refused").isEqualTo(4);
  }
}

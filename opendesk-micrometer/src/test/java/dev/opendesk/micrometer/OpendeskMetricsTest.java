package dev.opendesk.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.opendesk.ClientSession;
import dev.opendesk.ClientTransport;
import dev.opendesk.LoopbackTransport;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.ReconnectPolicy;
import dev.opendesk.ServerTransport;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.PairingCode;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import dev.opendesk.peer.ProtocolException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The meters of {@link OpendeskMetrics} against a {@link SimpleMeterRegistry}, for a server and a
 * client over one {@link LoopbackTransport}, each with its own registry.
 */
@Timeout(60)
class OpendeskMetricsTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  private final SimpleMeterRegistry serverRegistry = new SimpleMeterRegistry();
  private final SimpleMeterRegistry clientRegistry = new SimpleMeterRegistry();
  private final OpendeskMetrics serverMetrics = OpendeskMetrics.of(serverRegistry);
  private final OpendeskMetrics clientMetrics = OpendeskMetrics.of(clientRegistry);
  private final LoopbackTransport network = new LoopbackTransport();
  private final Identity clientIdentity = Identity.generate();
  private final TrustedPeers clientTrust = TrustedPeers.inMemory();
  private final CountDownLatch release = new CountDownLatch(1);
  private final CountDownLatch slowStarted = new CountDownLatch(1);
  private final List<AutoCloseable> open = new ArrayList<>();

  private final Dispatcher dispatcher =
      Dispatcher.builder()
          .unary("echo", (ctx, params) -> params)
          .unary(
              "quota",
              (ctx, params) -> {
                throw new ProtocolException("quota_exceeded", "no more today", null);
              })
          .unary(
              "slow",
              (ctx, params) -> {
                slowStarted.countDown();
                return CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return Map.of();
                    });
              })
          .build();

  @AfterEach
  void closeEverything() throws Exception {
    release.countDown();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private OpendeskServer server() throws Exception {
    OpendeskServer server =
        OpendeskServer.builder()
            .transport(serverMetrics.serverTransport((ServerTransport) network))
            .identity(Identity.generate())
            .trustedPeers(TrustedPeers.inMemory())
            .dispatcher(dispatcher)
            .interceptor(serverMetrics.calls())
            .listener(serverMetrics.serverListener())
            .build()
            .start();
    open.add(0, server);
    return server;
  }

  private OpendeskClient client() throws Exception {
    OpendeskClient client =
        OpendeskClient.builder()
            .transport(clientMetrics.clientTransport((ClientTransport) network))
            .identity(clientIdentity)
            .trustedPeers(clientTrust)
            .reconnect(
                ReconnectPolicy.defaults()
                    .withDelays(Duration.ofMillis(10), Duration.ofMillis(100)))
            .interceptor(clientMetrics.calls())
            .onHandshake(clientMetrics.clientHandshakes())
            .build();
    open.add(0, client);
    return client;
  }

  /** A paired, then authenticated session of a new client with {@code server}. */
  private ClientSession session(OpendeskServer server) throws Exception {
    OpendeskClient client = client();
    client.pair(LoopbackTransport.URI, server.armPairing(Duration.ofMinutes(1))).close();
    ClientSession session = client.connect(LoopbackTransport.URI);
    open.add(0, session);
    return session;
  }

  private static Timer calls(
      SimpleMeterRegistry registry, String direction, String method, String outcome) {
    return registry
        .get("opendesk.calls")
        .tags("direction", direction, "method", method, "kind", "unary", "outcome", outcome)
        .timer();
  }

  private static double counter(SimpleMeterRegistry registry, String name, String side) {
    Counter counter = registry.find(name).tag("side", side).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void callsAreTimedByDirectionMethodAndOutcome() throws Exception {
    ClientSession session = session(server());

    session.callBlocking("echo", Map.of("text", "a"));
    session.callBlocking("echo", Map.of("text", "b"));
    assertThatThrownBy(() -> session.callBlocking("quota", Map.of()))
        .isInstanceOf(ProtocolException.class);

    // Both sides record an outcome as the call completes, possibly just after the caller saw it.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(calls(clientRegistry, "outbound", "echo", "ok").count()).isEqualTo(2);
              assertThat(
                      calls(clientRegistry, "outbound", "echo", "ok")
                          .totalTime(TimeUnit.NANOSECONDS))
                  .isPositive();
              assertThat(calls(serverRegistry, "inbound", "echo", "ok").count()).isEqualTo(2);
              assertThat(calls(serverRegistry, "inbound", "quota", "quota_exceeded").count())
                  .isEqualTo(1);
            });
  }

  @Test
  void anOutboundErrorCodeTheProtocolDoesNotDefineIsRecordedAsOther() throws Exception {
    ClientSession session = session(server());

    assertThatThrownBy(() -> session.callBlocking("quota", Map.of()))
        .isInstanceOf(ProtocolException.class);

    // Recorded as the call completes, possibly just after the caller saw the error.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(clientRegistry.find("opendesk.calls").tag("outcome", "other").timer())
                    .isNotNull());
    assertThat(calls(clientRegistry, "outbound", "quota", "other").count()).isEqualTo(1);
    assertThat(clientRegistry.find("opendesk.calls").tag("outcome", "quota_exceeded").timer())
        .isNull();
  }

  @Test
  void callsInFlightAreGaugedUntilTheyFinish() throws Exception {
    ClientSession session = session(server());

    CompletableFuture<Map<String, Object>> slow = session.call("slow", Map.of());
    assertThat(slowStarted.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    Gauge inbound =
        serverRegistry
            .get("opendesk.calls.active")
            .tags("direction", "inbound", "method", "slow")
            .gauge();
    Gauge outbound =
        clientRegistry
            .get("opendesk.calls.active")
            .tags("direction", "outbound", "method", "slow")
            .gauge();
    assertThat(inbound.value()).isEqualTo(1);
    assertThat(outbound.value()).isEqualTo(1);

    release.countDown();
    slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    await().atMost(WAIT).untilAsserted(() -> assertThat(inbound.value()).isZero());
    assertThat(outbound.value()).isZero();
  }

  @Test
  void bytesSentByOneSideAreTheBytesTheOtherReceived() throws Exception {
    ClientSession session = session(server());

    session.callBlocking("echo", Map.of("text", "x".repeat(1000)));

    assertThat(counter(clientRegistry, "opendesk.bytes.sent", "client")).isGreaterThan(1000);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(counter(serverRegistry, "opendesk.bytes.received", "server"))
                  .isEqualTo(counter(clientRegistry, "opendesk.bytes.sent", "client"));
              assertThat(counter(clientRegistry, "opendesk.bytes.received", "client"))
                  .isEqualTo(counter(serverRegistry, "opendesk.bytes.sent", "server"));
            });
  }

  private static long handshakes(SimpleMeterRegistry registry, String side, String result) {
    Timer timer = registry.find("opendesk.handshakes").tags("side", side, "result", result).timer();
    return timer == null ? 0 : timer.count();
  }

  @Test
  void aServersHandshakesAreTimedByResult() throws Exception {
    session(server());

    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(handshakes(serverRegistry, "server", "paired")).isEqualTo(1);
              assertThat(handshakes(serverRegistry, "server", "authenticated")).isEqualTo(1);
            });
    assertThat(
            serverRegistry
                .get("opendesk.handshakes")
                .tags("side", "server", "result", "paired")
                .timer()
                .totalTime(TimeUnit.NANOSECONDS))
        .isPositive();
  }

  @Test
  void aFailedHandshakeIsTimedByItsReason() throws Exception {
    OpendeskServer server = server();
    PairingCode armed = server.armPairing(Duration.ofMinutes(1));
    PairingCode wrong = PairingCode.parse(armed.digits().equals("123456") ? "654321" : "123456");

    assertThatThrownBy(() -> client().pair(LoopbackTransport.URI, wrong))
        .isInstanceOf(Exception.class);

    // The client learns the code was wrong; the server only sees it give up (as the protocol has
    // it), but counts a failure all the same.
    assertThat(handshakes(clientRegistry, "client", "wrong_code")).isEqualTo(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(
                        serverRegistry.find("opendesk.handshakes").tag("side", "server").timers())
                    .singleElement()
                    .satisfies(
                        t -> {
                          assertThat(t.getId().getTag("result")).isNotIn("paired", "authenticated");
                          assertThat(t.count()).isEqualTo(1);
                        }));
  }

  @Test
  void sessionsAreGaugedWhileOpenAndCountedWhenOpenedAndClosed() throws Exception {
    OpendeskServer server = server();
    ClientSession session = session(server);
    Gauge active = serverRegistry.get("opendesk.sessions.active").tags("side", "server").gauge();

    // The pairing's session came and went; the authenticated one is open.
    await().atMost(WAIT).untilAsserted(() -> assertThat(active.value()).isEqualTo(1));
    assertThat(counter(serverRegistry, "opendesk.sessions.opened", "server")).isEqualTo(2);

    session.close();

    await().atMost(WAIT).untilAsserted(() -> assertThat(active.value()).isZero());
    assertThat(counter(serverRegistry, "opendesk.sessions.closed", "server")).isEqualTo(2);
  }
}

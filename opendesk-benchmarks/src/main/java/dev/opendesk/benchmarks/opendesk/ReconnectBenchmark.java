package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.ClientSession;
import dev.opendesk.ConnectionState;
import dev.opendesk.OpendeskClient;
import dev.opendesk.OpendeskServer;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Dispatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The {@code opendesk} module over WebSocket on 127.0.0.1, with default options (so the default
 * {@link dev.opendesk.ReconnectPolicy} backoff is part of the figure), sampled for p50/p99:
 *
 * <ul>
 *   <li>{@code connectAndAuthenticate}: {@link OpendeskClient#connect} to a trusted server until
 *       the session is ready (TCP, WebSocket upgrade, authentication handshake, HELLO exchange);
 *   <li>{@code reconnectAfterRestart}: a server closed (gracefully) and started again on the same
 *       port and home, from the restart to the first successful call of a session that was
 *       connected before (its backoff, the new connection, authentication, HELLO, the call).
 * </ul>
 */
@State(Scope.Benchmark)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ReconnectBenchmark {

  private static final Dispatcher ECHO =
      Dispatcher.builder().unary("echo", (ctx, params) -> params).build();

  private Path serverHome;
  private int port;
  private OpendeskServer server;
  private OpendeskClient client;
  private ClientSession session;

  /** Starts the server, pairs the client with it and opens the long-lived session. */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    serverHome = Files.createTempDirectory("opendesk-bench-server");
    server = startServer(0);
    port = server.port();
    client =
        OpendeskClient.builder()
            .identity(Identity.generate())
            .trustedPeers(TrustedPeers.inMemory())
            .build();
    client.pair(server.uri(), server.armPairing(Duration.ofMinutes(1))).close();
    session = client.connect(server.uri());
    check(session.callBlocking("echo", Map.of("n", 1L)));
  }

  private OpendeskServer startServer(int onPort) throws IOException {
    return OpendeskServer.builder().home(serverHome).port(onPort).dispatcher(ECHO).build().start();
  }

  /** Closes everything and removes the server's home. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    client.close();
    server.close();
    try (Stream<Path> files = Files.walk(serverHome)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }

  /** Before each restart: the server goes away and the session notices. */
  @State(Scope.Benchmark)
  public static class ServerDown {
    /** Closes the server and waits until the session is no longer ready. */
    @Setup(Level.Invocation)
    public void stop(ReconnectBenchmark bench) throws Exception {
      bench.server.close();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (bench.session.state() == ConnectionState.READY) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the session did not notice the server closing");
        }
        Thread.onSpinWait();
      }
    }
  }

  /** Connect plus authenticate plus HELLO, to a ready session. */
  @Benchmark
  public ClientSession connectAndAuthenticate() throws Exception {
    ClientSession fresh = client.connect(server.uri());
    fresh.close();
    return fresh;
  }

  /** Restart to the first successful call. */
  @Benchmark
  public Map<String, Object> reconnectAfterRestart(ServerDown down) {
    try {
      server = startServer(port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return check(session.callBlocking("echo", Map.of("n", 1L)));
  }

  private static Map<String, Object> check(Map<String, Object> echoed) {
    if (!Long.valueOf(1L).equals(echoed.get("n"))) {
      throw new IllegalStateException("echo returned " + echoed);
    }
    return echoed;
  }
}

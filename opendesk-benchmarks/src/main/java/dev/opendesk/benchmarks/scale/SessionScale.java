package dev.opendesk.benchmarks.scale;

import dev.opendesk.auth.Handshake;
import dev.opendesk.auth.Identity;
import dev.opendesk.auth.Session;
import dev.opendesk.auth.TrustedPeer;
import dev.opendesk.auth.TrustedPeers;
import dev.opendesk.peer.Peer;
import dev.opendesk.protocol.Role;
import dev.opendesk.transport.ws.WebSocketClient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The #13 scale measurement, client side: against a running {@code serve} process (another JVM on
 * loopback) it authenticates N sessions with one paired identity, {@code c} handshakes at a time
 * for each given {@code c}, then calls {@code echo} once on every session, then connects a burst of
 * extra clients at once, and reports the handshake rate, the server's threads, heap after GC and
 * RSS (from {@code /proc} and {@code jcmd}) and the burst's outcome. Not a unit test: run it
 * through {@code opendesk-benchmarks/scale.sh}, which starts the server and pairs the identity.
 *
 * <p>Usage: {@code SessionScale URL CLIENT_HOME SERVER_PID SESSIONS BURST CONCURRENCY[,...]}.
 *
 * <p>Not thread-safe (a program).
 */
public final class SessionScale {

  private static final Duration STEP = Duration.ofSeconds(60);
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  private final URI url;
  private final Identity identity;
  private final byte[] serverKey;
  private final long serverPid;
  private final Handshake handshake = Handshake.builder().stepTimeout(STEP).build();

  private SessionScale(URI url, Identity identity, byte[] serverKey, long serverPid) {
    this.url = url;
    this.identity = identity;
    this.serverKey = serverKey;
    this.serverPid = serverPid;
  }

  /** Runs the measurement; see the class comment for the arguments. */
  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: SessionScale URL CLIENT_HOME SERVER_PID SESSIONS BURST CONCURRENCY[,...]");
      System.exit(2);
    }
    Path home = Path.of(args[1]);
    List<TrustedPeer> servers = TrustedPeers.open(home.resolve("trusted-peers.json")).list();
    if (servers.size() != 1) {
      throw new IOException("expected one paired server in " + home + ", found " + servers.size());
    }
    SessionScale scale =
        new SessionScale(
            URI.create(args[0]),
            Identity.loadOrCreate(home.resolve("identity.key")),
            servers.get(0).publicKey(),
            Long.parseLong(args[2]));
    int sessions = Integer.parseInt(args[3]);
    int burst = Integer.parseInt(args[4]);
    List<String> rows = new ArrayList<>();
    // Measured once: a later round starts while the server may still be closing the last one's.
    Server baseline = scale.server();
    for (String c : args[5].split(",")) {
      rows.add(scale.round(baseline, sessions, Integer.parseInt(c.trim()), burst));
    }
    System.out.println();
    System.out.println(
        "| sessions | handshakes at a time | up | sessions/s | server threads idle / after"
            + " echo round / after burst | heap after GC | heap / session | RSS | RSS / session"
            + " | one echo on each session | burst served |");
    System.out.println("|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|");
    rows.forEach(System.out::println);
    System.exit(0);
  }

  private String round(Server before, int n, int concurrency, int burst) throws Exception {
    log("round: %d sessions, %d handshakes at a time; server now: %s", n, concurrency, server());
    List<Peer> peers = new ArrayList<>(n);
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(concurrency);
    List<CompletableFuture<Peer>> opening = new ArrayList<>(n);
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      inFlight.acquire();
      opening.add(open().whenComplete((p, e) -> inFlight.release()));
    }
    for (CompletableFuture<Peer> f : opening) {
      Peer p = settle(f, failures);
      if (p != null) {
        peers.add(p);
      }
    }
    double upSeconds = (System.nanoTime() - start) / 1e9;
    log(
        "%d up in %.2f s (%.0f/s), failures %s",
        peers.size(), upSeconds, peers.size() / upSeconds, failures);
    Server up = server();
    log("server with %d sessions: %s", peers.size(), up);

    double echoSeconds = echoOnEach(peers);
    double serverCpu = cpuSeconds(Long.toString(serverPid));
    double clientCpu = cpuSeconds("self");
    double echoAgain = echoOnEach(peers);
    // CPU the two processes got during the second round: far below 2 × wall time on 2 cores means
    // the machine's other load, not our code, held the round up.
    log(
        "one echo on each of %d sessions: %.3f s, again %.3f s (CPU in it: server %.2f s, client"
            + " %.2f s)",
        peers.size(),
        echoSeconds,
        echoAgain,
        cpuSeconds(Long.toString(serverPid)) - serverCpu,
        cpuSeconds("self") - clientCpu);
    int threadsAfterEcho = server().threads;

    String burstResult = burst(burst);
    int threadsAfterBurst = server().threads;

    peers.forEach(Peer::close);
    long heapPerSession = (up.heapKib - before.heapKib) * 1024 / Math.max(1, peers.size());
    long rssPerSession = (up.rssKib - before.rssKib) * 1024 / Math.max(1, peers.size());
    return String.format(
        "| %d | %d | %d%s | %.0f | %d / %d / %d | %d MiB | %.1f KiB | %d MiB | %.1f KiB |"
            + " %.3f s (again %.3f s) | %s |",
        n,
        concurrency,
        peers.size(),
        failures.isEmpty() ? "" : " (failed: " + failures + ")",
        peers.size() / upSeconds,
        up.threads,
        threadsAfterEcho,
        threadsAfterBurst,
        up.heapKib / 1024,
        heapPerSession / 1024.0,
        up.rssKib / 1024,
        rssPerSession / 1024.0,
        echoSeconds,
        echoAgain,
        burstResult);
  }

  /** One {@code echo} on every session at once; the seconds until every answer is in. */
  private static double echoOnEach(List<Peer> peers) throws Exception {
    List<CompletableFuture<Map<String, Object>>> calls = new ArrayList<>(peers.size());
    long start = System.nanoTime();
    for (int i = 0; i < peers.size(); i++) {
      calls.add(peers.get(i).call("echo", Map.of("i", (long) i)));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
        .get(STEP.toSeconds(), TimeUnit.SECONDS);
    double seconds = (System.nanoTime() - start) / 1e9;
    for (int i = 0; i < calls.size(); i++) {
      if (!Long.valueOf(i).equals(((Number) calls.get(i).join().get("i")).longValue())) {
        throw new IllegalStateException("session " + i + " echoed " + calls.get(i).join());
      }
    }
    return seconds;
  }

  /** {@code count} clients connecting at once, each served when its echo is answered. */
  private String burst(int count) {
    Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    List<CompletableFuture<Peer>> all = new ArrayList<>(count);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      all.add(
          open()
              .thenCompose(
                  p ->
                      p.call("echo", Map.of())
                          .thenApply(r -> p)
                          .whenComplete(
                              (r, e) -> {
                                if (e != null) {
                                  p.close();
                                }
                              })));
    }
    int served = 0;
    for (CompletableFuture<Peer> f : all) {
      Peer p = settle(f, failures);
      if (p != null) {
        served++;
        p.close();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    log("burst: %d of %d served in %.2f s, failures %s", served, count, seconds, failures);
    return String.format(
        "%d of %d in %.1f s%s", served, count, seconds, failures.isEmpty() ? "" : " " + failures);
  }

  private CompletableFuture<Peer> open() {
    return WebSocketClient.connect(url)
        .thenCompose(c -> handshake.authClient(c, identity, serverKey))
        .thenCompose(
            (Session s) -> {
              Peer p =
                  Peer.builder(s.connection(), Role.CLIENT)
                      .remotePublicKey(s.remotePublicKey())
                      .build();
              return p.hello("scale client", Map.of())
                  .thenApply(h -> p.start())
                  .whenComplete(
                      (r, e) -> {
                        if (e != null) {
                          p.close();
                        }
                      });
            });
  }

  private static Peer settle(CompletableFuture<Peer> f, Map<String, LongAdder> failures) {
    try {
      return f.get(STEP.toSeconds() * 2, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      failures.computeIfAbsent(reason, r -> new LongAdder()).increment();
      return null;
    }
  }

  private record Server(int threads, long heapKib, long rssKib) {
    @Override
    public String toString() {
      return threads
          + " threads, heap after GC "
          + heapKib / 1024
          + " MiB, RSS "
          + rssKib / 1024
          + " MiB";
    }
  }

  /** The server's threads and RSS ({@code /proc}), and its heap right after a full GC. */
  private Server server() throws IOException, InterruptedException {
    jcmd("GC.run");
    Matcher used = HEAP_USED.matcher(jcmd("GC.heap_info"));
    long heap = used.find() ? Long.parseLong(used.group(1)) : -1;
    Map<String, String> status = new TreeMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + serverPid + "/status"))) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        status.put(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    return new Server(
        Integer.parseInt(status.get("Threads")),
        heap,
        Long.parseLong(status.get("VmRSS").replace("kB", "").trim()));
  }

  /** User plus system CPU seconds of a process so far ({@code /proc/PID/stat}, 100 ticks/s). */
  private static double cpuSeconds(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // Fields after the command name, which is in parentheses and may contain spaces.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("jcmd", Long.toString(serverPid), command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("jcmd " + command + " failed: " + out);
    }
    return out;
  }

  private static void log(String format, Object... args) {
    System.out.printf("[scale] " + format + "%n", args);
  }
}

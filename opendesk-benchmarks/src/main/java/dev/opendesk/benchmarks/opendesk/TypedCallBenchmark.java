package dev.opendesk.benchmarks.opendesk;

import dev.opendesk.benchmarks.Echo;
import dev.opendesk.benchmarks.Payloads;
import dev.opendesk.peer.Caller;
import dev.opendesk.peer.ServicePrefix;
import dev.opendesk.peer.WireName;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a typed service proxy ({@code peer.service(Echo.class)}) costs over the same untyped {@code
 * Peer.callBlocking}: the same {@code echo} round trip of the {@link Payloads#SMALL} payload {@code
 * {"x": 1, "y": 2}}, as a map, as a record and as two named parameters. Each {@code proxy*} row is
 * compared with the {@code peer*} row that sends the same frame; the target is at most 10 % more.
 */
@State(Scope.Benchmark)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TypedCallBenchmark {

  /** The small payload as a record. */
  public record Point(long x, long y) {}

  /** {@code echo} with a map in and out. */
  @ServicePrefix("")
  public interface MapEcho {
    /** The wire method {@code echo}. */
    Map<String, Object> echo(Map<String, Object> params);
  }

  /** {@code echo} with a record in and out. */
  @ServicePrefix("")
  public interface RecordEcho {
    /** The wire method {@code echo}. */
    Point echo(Point point);
  }

  /** {@code echo} with named parameters. */
  @ServicePrefix("")
  public interface NamedEcho {
    /** The wire method {@code echo}, params {@code {"x": x, "y": y}}. */
    @WireName("echo")
    Point echoXy(@dev.opendesk.peer.Param("x") long x, @dev.opendesk.peer.Param("y") long y);
  }

  /** The transport between the peers: in memory, so the proxy's own cost is not drowned. */
  @Param({"INSTANT", "LOOPBACK", "LOOPBACK_DIRECT"})
  public String transport;

  private static final Map<String, Object> SMALL = Payloads.SMALL.map();
  private static final Point POINT = new Point(1, 2);

  private OpendeskEcho echo;
  private Caller peer;
  private MapEcho maps;
  private RecordEcho records;
  private NamedEcho named;

  /** Connects, makes the proxies and checks one echo of each. */
  @Setup
  public void setUp() throws Exception {
    if (transport.equals("INSTANT")) {
      peer = new InstantEchoCaller();
    } else {
      echo = new OpendeskEcho(OpendeskEcho.Transport.valueOf(transport), SMALL);
      peer = echo.client();
    }
    maps = peer.service(MapEcho.class);
    records = peer.service(RecordEcho.class);
    named = peer.service(NamedEcho.class);
    Echo.check("typed map echo", SMALL, maps.echo(SMALL));
    Echo.check("typed record echo", POINT, records.echo(POINT));
    Echo.check("typed named echo", POINT, named.echoXy(1, 2));
  }

  /** Closes both peers. */
  @TearDown
  public void tearDown() throws Exception {
    if (echo != null) {
      echo.close();
    }
  }

  /** {@code callBlocking("echo", map)} on the peer (or the instant caller). */
  @Benchmark
  public Object peerMap() {
    return peer.callBlocking("echo", SMALL);
  }

  /** The same frame through {@code MapEcho.echo(map)}. */
  @Benchmark
  public Object proxyMap() {
    return maps.echo(SMALL);
  }

  /** {@code peer.callBlocking("echo", point, Point.class)}. */
  @Benchmark
  public Object peerRecord() {
    return peer.callBlocking("echo", POINT, Point.class);
  }

  /** The same frame through {@code RecordEcho.echo(point)}. */
  @Benchmark
  public Object proxyRecord() {
    return records.echo(POINT);
  }

  /** The same frame as {@link #peerMap()} through {@code NamedEcho.echoXy(1, 2)}. */
  @Benchmark
  public Object proxyNamed() {
    return named.echoXy(1, 2);
  }
}

package dev.opendesk.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Turns JMH JSON result files into the comparison table of {@code docs/benchmarks.md}: each
 * opendesk figure next to its peers' figures measured in the same run, with their ratio.
 *
 * <p>The ratio is always "how much better opendesk is": opendesk ÷ peer for rates (calls/s, MB/s),
 * peer ÷ opendesk for costs (latency, bytes allocated), so a ratio above 1 favours opendesk. Rows
 * whose figures are both missing from the results are left out; a missing side prints as {@code —}.
 * A second table lists the figures that have no peer (codec, handshakes).
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.opendesk.benchmarks.report.ComparisonTable
 * results/*.json}. Later files win when two hold the same benchmark and parameters.
 */
public final class ComparisonTable {

  private static final String NONE = "—";

  private final List<JmhResult> results;

  ComparisonTable(List<JmhResult> results) {
    this.results = results;
  }

  /** Reads the given JMH JSON files and prints both tables as Markdown to standard output. */
  public static void main(String[] args) throws IOException {
    if (args.length == 0) {
      System.err.println("usage: ComparisonTable <jmh-result.json>...");
      System.exit(2);
    }
    List<JmhResult> results = new ArrayList<>();
    for (String arg : args) {
      results.addAll(JmhResult.read(Path.of(arg)));
    }
    new ComparisonTable(results).print(System.out);
  }

  /** Prints the comparison table and the opendesk-only table. */
  void print(PrintStream out) {
    out.println("| scenario | unit | opendesk | peer | peer value | ratio |");
    out.println("|---|---|---:|---|---:|---:|");
    for (Row row : comparisons()) {
      OptionalDouble ours = value(row.metric, row.bytes, row.opendesk);
      OptionalDouble theirs = value(row.metric, row.bytes, row.peer);
      if (ours.isEmpty() && theirs.isEmpty()) {
        continue;
      }
      String ratio = NONE;
      if (ours.isPresent() && theirs.isPresent()) {
        double r =
            row.metric.higherIsBetter
                ? ours.getAsDouble() / theirs.getAsDouble()
                : theirs.getAsDouble() / ours.getAsDouble();
        ratio = String.format(Locale.ROOT, "%.2f", r);
      }
      out.printf(
          "| %s | %s | %s | %s | %s | %s |%n",
          row.scenario, row.metric.unit, format(ours), row.peerName, format(theirs), ratio);
    }
    out.println();
    out.println("| opendesk only | unit | value |");
    out.println("|---|---|---:|");
    for (Row row : opendeskOnly()) {
      OptionalDouble ours = value(row.metric, row.bytes, row.opendesk);
      if (ours.isPresent()) {
        out.printf("| %s | %s | %s |%n", row.scenario, row.metric.unit, format(ours));
      }
    }
  }

  // ------------------------------------------------------------------ the rows

  private static final Map<String, String> PAYLOADS =
      Map.of("SMALL", "{x:1,y:2}", "BIN_4K", "4 KiB bin");

  static List<Row> comparisons() {
    List<Row> rows = new ArrayList<>();
    Select grpcMsgpackInProcess = new Select("", "transport", "INPROCESS", "marshaller", "msgpack");
    Select grpcBytesInProcess = new Select("", "transport", "INPROCESS", "marshaller", "bytes");
    Select grpcMsgpackNetty = new Select("", "transport", "NETTY", "marshaller", "msgpack");
    Select grpcBytesNetty = new Select("", "transport", "NETTY", "marshaller", "bytes");
    Select rsocketLocal = new Select("", "transport", "LOCAL");
    Select rsocketTcp = new Select("", "transport", "TCP");
    Select odLoopback = new Select("", "transport", "LOOPBACK");
    Select odLoopbackDirect = new Select("", "transport", "LOOPBACK_DIRECT");
    Select odWs = new Select("", "transport", "WEBSOCKET");
    Select odWsEncrypted = new Select("", "transport", "WEBSOCKET_ENCRYPTED");

    List<Transport> transports =
        List.of(
            new Transport(
                "Loopback",
                odLoopback,
                List.of(
                    new Peer("gRPC in-process, msgpack", "grpc", grpcMsgpackInProcess),
                    new Peer("gRPC in-process, byte[] (floor)", "grpc", grpcBytesInProcess),
                    new Peer("RSocket local", "rsocket", rsocketLocal))),
            // Handlers and results on the receiving thread, as gRPC's benchmark runs on
            // directExecutor().
            new Transport(
                "Loopback, direct executor",
                odLoopbackDirect,
                List.of(
                    new Peer("gRPC in-process, msgpack", "grpc", grpcMsgpackInProcess),
                    new Peer("RSocket local", "rsocket", rsocketLocal))),
            new Transport(
                "WebSocket",
                odWs,
                List.of(
                    new Peer("gRPC Netty, msgpack", "grpc", grpcMsgpackNetty),
                    new Peer("gRPC Netty, byte[] (floor)", "grpc", grpcBytesNetty),
                    new Peer("RSocket TCP", "rsocket", rsocketTcp))),
            new Transport(
                "WebSocket encrypted",
                odWsEncrypted,
                // Encryption's own cost (against plain opendesk) and the distance to the plaintext
                // peer.
                List.of(
                    new Peer("opendesk WebSocket plain", "opendesk", odWs),
                    new Peer("gRPC Netty (plaintext), msgpack", "grpc", grpcMsgpackNetty))));

    for (Transport t : transports) {
      for (String payload : List.of("SMALL", "BIN_4K")) {
        String name = "unary " + t.name + " " + PAYLOADS.get(payload);
        for (Peer p : t.peers) {
          boolean floor = p.name.contains("floor");
          Select peerOne = unary(p, "unary", payload);
          Select odOne = t.opendesk.with("OpendeskUnaryBenchmark.unary", "payload", payload);
          rows.add(new Row(name + ", 1 in flight", Metric.CALLS_PER_S, 0, odOne, p.name, peerOne));
          if (!floor) {
            rows.add(new Row(name + ", 1 in flight", Metric.P50_US, 0, odOne, p.name, peerOne));
            rows.add(new Row(name + ", 1 in flight", Metric.P99_US, 0, odOne, p.name, peerOne));
          }
        }
        for (Peer p : t.peers) {
          Select odMany =
              t.opendesk.with("OpendeskUnaryBenchmark.unaryInFlight64", "payload", payload);
          rows.add(
              new Row(
                  name + ", 64 in flight",
                  Metric.CALLS_PER_S,
                  0,
                  odMany,
                  p.name,
                  unary(p, "unaryInFlight64", payload)));
        }
        for (Peer p : t.peers) {
          if (!p.name.contains("floor")) {
            Select odMany =
                t.opendesk.with("OpendeskUnaryBenchmark.unaryInFlight64", "payload", payload);
            rows.add(
                new Row(
                    name + ", 64 in flight, allocated per call",
                    Metric.BYTES_PER_OP,
                    0,
                    odMany,
                    p.name,
                    unary(p, "unaryInFlight64", payload)));
          }
        }
      }
    }

    for (Transport t : transports) {
      if (t.opendesk == odLoopbackDirect) {
        continue; // the stream benchmark has no direct-executor variant
      }
      for (int size : List.of(64, 65536)) {
        String name = "stream " + t.name + ", " + (size == 64 ? "64 B" : "64 KiB") + " frames";
        Metric metric = size == 64 ? Metric.FRAMES_PER_S : Metric.MB_PER_S;
        Select od =
            t.opendesk.with("OpendeskStreamBenchmark.stream", "frameSize", Integer.toString(size));
        for (Peer p : t.peers) {
          if (p.name.contains("floor")) {
            continue;
          }
          String bench = p.benchmarkClass("Stream") + ".stream";
          rows.add(
              new Row(
                  name,
                  metric,
                  size,
                  od,
                  p.name,
                  p.select.with(bench, "frameSize", Integer.toString(size))));
        }
        if (t.opendesk == odWsEncrypted) {
          for (String impl : List.of("BC", "JDK")) {
            Select raw =
                new Select(
                    "ChaChaBenchmark.sealOpen", "impl", impl, "size", Integer.toString(size));
            rows.add(
                new Row(
                    name, metric, size, od, "raw ChaCha20-Poly1305 seal+open (" + impl + ")", raw));
          }
        }
      }
    }
    return rows;
  }

  private static Select unary(Peer peer, String method, String payload) {
    return peer.select.with(peer.benchmarkClass("Unary") + "." + method, "payload", payload);
  }

  static List<Row> opendeskOnly() {
    List<Row> rows = new ArrayList<>();
    for (String frame :
        List.of(
            "hello",
            "req_small",
            "req_bin4k",
            "res_small",
            "res_bin4k",
            "res_item_bin64k",
            "res_error",
            "cancel",
            "push")) {
      for (String op : List.of("encode", "decode")) {
        Select select = new Select("CodecBenchmark." + op, "frame", frame);
        rows.add(new Row("codec " + op + " " + frame, Metric.NS_PER_OP, 0, select, null, null));
        rows.add(new Row("codec " + op + " " + frame, Metric.BYTES_PER_OP, 0, select, null, null));
      }
    }
    rows.add(
        new Row(
            "auth handshake (both sides, in memory)",
            Metric.OPS_PER_S,
            0,
            new Select("HandshakeBenchmark.auth"),
            null,
            null));
    for (String mode : List.of("V2", "LEGACY_V1")) {
      rows.add(
          new Row(
              "pairing " + mode + " (both sides, in memory)",
              Metric.MS_PER_OP,
              0,
              new Select("HandshakeBenchmark.pairing", "mode", mode),
              null,
              null));
    }
    return rows;
  }

  // ------------------------------------------------------------------ lookup

  private OptionalDouble value(Metric metric, long bytes, Select select) {
    if (select == null) {
      return OptionalDouble.empty();
    }
    JmhResult match = null;
    for (JmhResult r : results) {
      if (select.matches(r)) {
        match = r;
      }
    }
    if (match == null) {
      return OptionalDouble.empty();
    }
    switch (metric) {
      case CALLS_PER_S:
      case FRAMES_PER_S:
      case OPS_PER_S:
        return match.opsPerSecond();
      case MB_PER_S:
        OptionalDouble ops = match.opsPerSecond();
        return ops.isPresent() ? OptionalDouble.of(ops.getAsDouble() * bytes / 1e6) : ops;
      case P50_US:
        return match.percentileMicros("50.0");
      case P99_US:
        return match.percentileMicros("99.0");
      case NS_PER_OP:
        return match.nanosPerOp();
      case MS_PER_OP:
        OptionalDouble ns = match.nanosPerOp();
        return ns.isPresent() ? OptionalDouble.of(ns.getAsDouble() / 1e6) : ns;
      case BYTES_PER_OP:
        return match.bytesPerOp();
      default:
        throw new IllegalStateException("unhandled metric " + metric);
    }
  }

  static String format(OptionalDouble value) {
    if (value.isEmpty() || Double.isNaN(value.getAsDouble())) {
      return NONE;
    }
    double v = value.getAsDouble();
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (Math.abs(v) >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.2f", v);
  }

  /** What a row reports, and which way is better. */
  enum Metric {
    CALLS_PER_S("calls/s", true),
    FRAMES_PER_S("frames/s", true),
    MB_PER_S("MB/s", true),
    OPS_PER_S("ops/s", true),
    P50_US("p50 µs", false),
    P99_US("p99 µs", false),
    NS_PER_OP("ns/op", false),
    MS_PER_OP("ms/op", false),
    BYTES_PER_OP("B/op", false);

    final String unit;
    final boolean higherIsBetter;

    Metric(String unit, boolean higherIsBetter) {
      this.unit = unit;
      this.higherIsBetter = higherIsBetter;
    }
  }

  /** A peer of one transport: its display name, which benchmarks measure it, and its parameters. */
  private record Peer(String name, String kind, Select select) {
    String benchmarkClass(String shape) {
      switch (kind) {
        case "grpc":
          return "Grpc" + shape + "Benchmark";
        case "rsocket":
          return "RSocket" + shape + "Benchmark";
        case "opendesk":
          return "Opendesk" + shape + "Benchmark";
        default:
          throw new IllegalStateException("unknown peer kind " + kind);
      }
    }
  }

  /** An opendesk transport and its peers. */
  private record Transport(String name, Select opendesk, List<Peer> peers) {}

  /** One line of a table; {@code bytes} is the payload size per operation for MB/s. */
  record Row(
      String scenario, Metric metric, long bytes, Select opendesk, String peerName, Select peer) {}

  /** A benchmark ({@code Class.method}) and the parameter values a result must have. */
  record Select(String benchmark, Map<String, String> params) {
    Select(String benchmark, String... keyValues) {
      this(benchmark, pairs(keyValues));
    }

    Select with(String benchmark, String... keyValues) {
      Map<String, String> merged = new LinkedHashMap<>(params);
      merged.putAll(pairs(keyValues));
      return new Select(benchmark, merged);
    }

    boolean matches(JmhResult result) {
      if (!result.benchmark().equals(benchmark)) {
        return false;
      }
      for (Map.Entry<String, String> e : params.entrySet()) {
        if (!e.getValue().equals(result.params().get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }

    private static Map<String, String> pairs(String... keyValues) {
      Map<String, String> map = new LinkedHashMap<>();
      for (int i = 0; i < keyValues.length; i += 2) {
        map.put(keyValues[i], keyValues[i + 1]);
      }
      return map;
    }
  }
}

package dev.opendesk.benchmarks.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Turns JMH JSON result files into the comparison table of {@code docs/benchmarks.md}: each
 * opendesk figure next to its peers' figures measured in the same run, with their ratio.
 *
 * <p>The ratio is always "how much better opendesk is": opendesk ÷ peer for rates (calls/s, MB/s),
 * peer ÷ opendesk for costs (latency, bytes allocated), so a ratio above 1 favours opendesk. Rows
 * whose figures are both missing from the results are left out; a missing side prints as {@code —}.
 * A second table lists the figures that have no peer (codec, handshakes).
 *
 * <p>A first table checks the targets of issue 13 (opendesk against the best peer of each row); a
 * last one lists the results no row reads, so that a benchmark added later shows up before it has a
 * row of its own.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.opendesk.benchmarks.report.ComparisonTable
 * results/*.json}. Later files win when two hold the same benchmark and parameters.
 */
public final class ComparisonTable {

  private static final String NONE = "—";

  private final List<JmhResult> results;
  // Results some row has read, so that printOthers lists the rest.
  private final Set<JmhResult> read = Collections.newSetFromMap(new IdentityHashMap<>());

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

  /**
   * Prints the targets table, the comparison table, the opendesk-only table, and every result no
   * row asked for (so a benchmark added without a row still shows up).
   */
  void print(PrintStream out) {
    printTargets(out);
    out.println();
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
    printOthers(out);
  }

  private void printTargets(PrintStream out) {
    out.println(
        "| target (issue 13) | unit | opendesk | best peer | peer value | ratio | needed | status |");
    out.println("|---|---|---:|---|---:|---:|---:|---|");
    for (Target t : targets()) {
      OptionalDouble ours = value(t.metric, t.bytes, t.opendesk);
      String bestName = NONE;
      OptionalDouble best = OptionalDouble.empty();
      for (Peer p : t.peers) {
        OptionalDouble v = value(t.metric, t.bytes, p.select);
        if (v.isPresent()
            && (best.isEmpty()
                || (t.metric.higherIsBetter
                    ? v.getAsDouble() > best.getAsDouble()
                    : v.getAsDouble() < best.getAsDouble()))) {
          best = v;
          bestName = p.name;
        }
      }
      if (ours.isEmpty() && best.isEmpty()) {
        continue;
      }
      String ratio = NONE;
      String needed;
      String status;
      if (t.peers.isEmpty()) {
        // An absolute limit on a cost.
        needed = "≤ " + format(OptionalDouble.of(t.needed));
        status =
            ours.isEmpty() ? "not measured" : ours.getAsDouble() <= t.needed ? "met" : "missed";
      } else {
        needed = "≥ " + String.format(Locale.ROOT, "%.2f", t.needed);
        if (ours.isPresent() && best.isPresent()) {
          double r =
              t.metric.higherIsBetter
                  ? ours.getAsDouble() / best.getAsDouble()
                  : best.getAsDouble() / ours.getAsDouble();
          ratio = String.format(Locale.ROOT, "%.2f", r);
          status = r >= t.needed ? "met" : "missed";
        } else {
          status = "not measured";
        }
      }
      if (t.tuned) {
        status = "(tuned, for reference) " + status;
      }
      out.printf(
          "| %s | %s | %s | %s | %s | %s | %s | %s |%n",
          t.name, t.metric.unit, format(ours), bestName, format(best), ratio, needed, status);
    }
  }

  /** Results that no row above reads: listed raw, so new benchmarks are never silently dropped. */
  private void printOthers(PrintStream out) {
    for (Row row : comparisons()) {
      value(row.metric, row.bytes, row.opendesk);
      value(row.metric, row.bytes, row.peer);
    }
    for (Row row : opendeskOnly()) {
      value(row.metric, row.bytes, row.opendesk);
    }
    List<JmhResult> others = new ArrayList<>();
    for (JmhResult r : results) {
      if (!read.contains(r)) {
        others.add(r);
      }
    }
    if (others.isEmpty()) {
      return;
    }
    out.println();
    out.println("| other results (no row reads them yet) | parameters | score | B/op |");
    out.println("|---|---|---:|---:|");
    for (JmhResult r : others) {
      out.printf(
          "| %s | %s | %s %s | %s |%n",
          r.benchmark(),
          r.params(),
          format(OptionalDouble.of(r.score())),
          r.unit(),
          format(r.bytesPerOp()));
    }
  }

  // ------------------------------------------------------------------ the rows

  private static final Map<String, String> PAYLOADS =
      Map.of("SMALL", "{x:1,y:2}", "BIN_4K", "4 KiB bin");

  private static final Select GRPC_MSGPACK_INPROCESS =
      new Select("", "transport", "INPROCESS", "marshaller", "msgpack", "executor", "direct");
  private static final Select GRPC_BYTES_INPROCESS =
      new Select("", "transport", "INPROCESS", "marshaller", "bytes", "executor", "direct");
  private static final Select GRPC_DEFAULT_EXECUTOR_INPROCESS =
      new Select("", "transport", "INPROCESS", "marshaller", "msgpack", "executor", "default");
  private static final Select GRPC_MSGPACK_NETTY =
      new Select("", "transport", "NETTY", "marshaller", "msgpack", "executor", "direct");
  private static final Select GRPC_BYTES_NETTY =
      new Select("", "transport", "NETTY", "marshaller", "bytes", "executor", "direct");
  private static final Select GRPC_DEFAULT_EXECUTOR_NETTY =
      new Select("", "transport", "NETTY", "marshaller", "msgpack", "executor", "default");
  // The gRPC stream benchmark has no executor parameter: it always runs on directExecutor().
  private static final Select GRPC_STREAM_INPROCESS =
      new Select("", "transport", "INPROCESS", "marshaller", "msgpack");
  private static final Select GRPC_STREAM_NETTY =
      new Select("", "transport", "NETTY", "marshaller", "msgpack");
  private static final Select RSOCKET_LOCAL = new Select("", "transport", "LOCAL");
  private static final Select RSOCKET_TCP = new Select("", "transport", "TCP");
  private static final Select RSOCKET_WS = new Select("", "transport", "WEBSOCKET");
  private static final Select OD_LOOPBACK = new Select("", "transport", "LOOPBACK");
  private static final Select OD_LOOPBACK_DIRECT = new Select("", "transport", "LOOPBACK_DIRECT");
  private static final Select OD_WS = new Select("", "transport", "WEBSOCKET");
  private static final Select OD_WS_DIRECT = new Select("", "transport", "WEBSOCKET_DIRECT");
  private static final Select OD_WS_ENCRYPTED = new Select("", "transport", "WEBSOCKET_ENCRYPTED");
  // The echo registered with Dispatcher.Builder.unary, the documented way for a handler that may
  // block (every other opendesk unary row registers it with unaryAsync, as it never blocks).
  private static final Select OD_LOOPBACK_BLOCKING = OD_LOOPBACK.with("", "handler", "BLOCKING");
  private static final Select OD_WS_BLOCKING = OD_WS.with("", "handler", "BLOCKING");

  private static final List<Peer> LOOPBACK_PEERS =
      List.of(
          new Peer("gRPC in-process, msgpack", "grpc", GRPC_MSGPACK_INPROCESS),
          new Peer("RSocket local", "rsocket", RSOCKET_LOCAL));
  private static final List<Peer> WEBSOCKET_PEERS =
      List.of(
          new Peer("gRPC Netty, msgpack", "grpc", GRPC_MSGPACK_NETTY),
          new Peer("RSocket TCP", "rsocket", RSOCKET_TCP),
          new Peer("RSocket WebSocket", "rsocket", RSOCKET_WS));

  /** The transports of the comparison table, each with its peers. */
  private static List<Transport> transports() {
    List<Peer> loopback = new ArrayList<>(LOOPBACK_PEERS);
    loopback.add(1, new Peer("gRPC in-process, byte[] (floor)", "grpc", GRPC_BYTES_INPROCESS));
    loopback.add(
        new Peer(
            "gRPC in-process, default executor (handlers may block)",
            "grpc",
            GRPC_DEFAULT_EXECUTOR_INPROCESS));
    List<Peer> webSocket = new ArrayList<>(WEBSOCKET_PEERS);
    webSocket.add(1, new Peer("gRPC Netty, byte[] (floor)", "grpc", GRPC_BYTES_NETTY));
    webSocket.add(
        new Peer(
            "gRPC Netty, default executor (handlers may block)",
            "grpc",
            GRPC_DEFAULT_EXECUTOR_NETTY));
    return List.of(
        new Transport("Loopback, default", OD_LOOPBACK, loopback),
        // Handlers and results on the receiving thread
        // (PeerOptions.handlerExecutor(Runnable::run)),
        // as gRPC's fastest configuration runs on directExecutor().
        new Transport("Loopback, direct executor (tuned)", OD_LOOPBACK_DIRECT, LOOPBACK_PEERS),
        new Transport("WebSocket, default", OD_WS, webSocket),
        new Transport("WebSocket, direct executor (tuned)", OD_WS_DIRECT, WEBSOCKET_PEERS),
        new Transport(
            "Loopback, handler that may block",
            OD_LOOPBACK_BLOCKING,
            List.of(
                new Peer(
                    "gRPC in-process, default executor", "grpc", GRPC_DEFAULT_EXECUTOR_INPROCESS))),
        new Transport(
            "WebSocket, handler that may block",
            OD_WS_BLOCKING,
            List.of(new Peer("gRPC Netty, default executor", "grpc", GRPC_DEFAULT_EXECUTOR_NETTY))),
        new Transport(
            "WebSocket encrypted, default",
            OD_WS_ENCRYPTED,
            // Encryption's own cost (against plain opendesk) and the distance to the plaintext
            // peers.
            List.of(
                new Peer("opendesk WebSocket plain", "opendesk", OD_WS),
                new Peer("gRPC Netty (plaintext), msgpack", "grpc", GRPC_MSGPACK_NETTY),
                new Peer("RSocket WebSocket (plaintext)", "rsocket", RSOCKET_WS))));
  }

  static List<Row> comparisons() {
    List<Row> rows = new ArrayList<>();
    List<Transport> transports = transports();
    for (Transport t : transports) {
      for (String payload : List.of("SMALL", "BIN_4K")) {
        String name = "unary " + t.name + " " + PAYLOADS.get(payload);
        for (Peer p : t.peers) {
          boolean floor = p.name.contains("floor");
          Select peerOne = unary(p, "unary", payload);
          Select odOne = odUnary(t.opendesk, "unary", payload);
          rows.add(new Row(name + ", 1 in flight", Metric.CALLS_PER_S, 0, odOne, p.name, peerOne));
          if (!floor) {
            rows.add(new Row(name + ", 1 in flight", Metric.P50_US, 0, odOne, p.name, peerOne));
            rows.add(new Row(name + ", 1 in flight", Metric.P99_US, 0, odOne, p.name, peerOne));
          }
        }
        for (Peer p : t.peers) {
          Select odMany = odUnary(t.opendesk, "unaryInFlight64", payload);
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
            Select odMany = odUnary(t.opendesk, "unaryInFlight64", payload);
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

    List<Transport> streamTransports =
        List.of(
            new Transport(
                "Loopback",
                OD_LOOPBACK,
                List.of(
                    new Peer("gRPC in-process, msgpack", "grpc", GRPC_STREAM_INPROCESS),
                    new Peer("RSocket local", "rsocket", RSOCKET_LOCAL))),
            new Transport(
                "WebSocket",
                OD_WS,
                List.of(
                    new Peer("gRPC Netty, msgpack", "grpc", GRPC_STREAM_NETTY),
                    new Peer("RSocket TCP", "rsocket", RSOCKET_TCP),
                    new Peer("RSocket WebSocket", "rsocket", RSOCKET_WS))),
            new Transport(
                "WebSocket encrypted",
                OD_WS_ENCRYPTED,
                List.of(
                    new Peer("opendesk WebSocket plain", "opendesk", OD_WS),
                    new Peer("RSocket WebSocket (plaintext)", "rsocket", RSOCKET_WS))));
    for (Transport t : streamTransports) {
      for (int size : List.of(64, 65536)) {
        for (String handler : List.of("ASYNC", "SINK")) {
          String name =
              "stream "
                  + t.name
                  + ", "
                  + (size == 64 ? "64 B" : "64 KiB")
                  + " frames"
                  + (handler.equals("SINK") ? ", handler that may block (sink)" : "");
          Metric metric = size == 64 ? Metric.FRAMES_PER_S : Metric.MB_PER_S;
          Select od = odStream(t.opendesk, size, handler);
          for (Peer p : t.peers) {
            Select peer =
                p.name.startsWith("opendesk")
                    ? odStream(p.select, size, handler)
                    : stream(p.select, p.benchmarkClass(""), size);
            rows.add(new Row(name, metric, size, od, p.name, peer));
          }
          if (t.opendesk == OD_WS_ENCRYPTED) {
            for (String impl : List.of("BC", "JDK")) {
              rows.add(new Row(name, metric, size, od, aeadName(impl), aead(impl, size)));
            }
          }
        }
      }
    }
    return rows;
  }

  // ------------------------------------------------------------------ the targets (issue 13)

  /**
   * The targets of issue 13, each measured against the best of its peers in this run: opendesk with
   * default options and handlers registered the documented way, unless the row says tuned.
   */
  static List<Target> targets() {
    List<Target> targets = new ArrayList<>();
    List<Side> unarySides =
        List.of(
            new Side("Loopback", OD_LOOPBACK, LOOPBACK_PEERS),
            new Side("WebSocket", OD_WS, WEBSOCKET_PEERS),
            new Side("Loopback, tuned (direct executor)", OD_LOOPBACK_DIRECT, LOOPBACK_PEERS),
            new Side("WebSocket, tuned (direct executor)", OD_WS_DIRECT, WEBSOCKET_PEERS));
    for (Side side : unarySides) {
      boolean tuned = side.name.contains("tuned");
      for (String payload : List.of("SMALL", "BIN_4K")) {
        String name = "unary " + side.name + " " + PAYLOADS.get(payload) + ", ";
        targets.add(unaryTarget(name, "unary", Metric.CALLS_PER_S, side, payload, 1.5, tuned));
        targets.add(unaryTarget(name, "unary", Metric.P50_US, side, payload, 1.5, tuned));
        targets.add(unaryTarget(name, "unary", Metric.P99_US, side, payload, 1.0, tuned));
        targets.add(
            unaryTarget(name, "unaryInFlight64", Metric.CALLS_PER_S, side, payload, 1.5, tuned));
      }
    }
    // Handlers that may block (registered with unary): opendesk runs them off the receive path, as
    // gRPC does with its default executor.
    List<Side> blockingSides =
        List.of(
            new Side(
                "Loopback",
                OD_LOOPBACK_BLOCKING,
                List.of(
                    new Peer("gRPC, default executor", "grpc", GRPC_DEFAULT_EXECUTOR_INPROCESS))),
            new Side(
                "WebSocket",
                OD_WS_BLOCKING,
                List.of(new Peer("gRPC, default executor", "grpc", GRPC_DEFAULT_EXECUTOR_NETTY))));
    for (Side side : blockingSides) {
      for (String payload : List.of("SMALL", "BIN_4K")) {
        String name = "handlers that may block, " + side.name + " " + PAYLOADS.get(payload) + ", ";
        targets.add(unaryTarget(name, "unary", Metric.P50_US, side, payload, 1.5, false));
        targets.add(
            unaryTarget(name, "unaryInFlight64", Metric.CALLS_PER_S, side, payload, 1.5, false));
      }
    }
    targets.add(
        new Target(
            "stream Loopback, 256 × 64 B items",
            Metric.FRAMES_PER_S,
            64,
            odStream(OD_LOOPBACK, 64, "ASYNC"),
            List.of(
                new Peer("gRPC in-process", "grpc", stream(GRPC_STREAM_INPROCESS, "Grpc", 64)),
                new Peer("RSocket local", "rsocket", stream(RSOCKET_LOCAL, "RSocket", 64))),
            1.5,
            false));
    targets.add(
        new Target(
            "stream WebSocket, 256 × 64 B items",
            Metric.FRAMES_PER_S,
            64,
            odStream(OD_WS, 64, "ASYNC"),
            List.of(
                new Peer("gRPC Netty", "grpc", stream(GRPC_STREAM_NETTY, "Grpc", 64)),
                new Peer("RSocket TCP", "rsocket", stream(RSOCKET_TCP, "RSocket", 64)),
                new Peer("RSocket WebSocket", "rsocket", stream(RSOCKET_WS, "RSocket", 64))),
            1.5,
            false));
    for (String payload : List.of("SMALL", "BIN_4K")) {
      targets.add(
          new Target(
              "encrypted vs plain WebSocket " + PAYLOADS.get(payload) + ", 64 in flight",
              Metric.CALLS_PER_S,
              0,
              odUnary(OD_WS_ENCRYPTED, "unaryInFlight64", payload),
              List.of(
                  new Peer(
                      "opendesk WebSocket plain",
                      "opendesk",
                      odUnary(OD_WS, "unaryInFlight64", payload))),
              payload.equals("SMALL") ? 0.85 : 0.65,
              false));
    }
    targets.add(
        new Target(
            "encrypted WebSocket stream, 64 KiB items, vs the fastest AEAD seal+open",
            Metric.MB_PER_S,
            65536,
            odStream(OD_WS_ENCRYPTED, 65536, "ASYNC"),
            List.of(
                new Peer(aeadName("BC"), "aead", aead("BC", 65536)),
                new Peer(aeadName("JDK"), "aead", aead("JDK", 65536))),
            0.70,
            false));
    for (Select side : List.of(OD_LOOPBACK, OD_WS)) {
      targets.add(
          new Target(
              "allocated per small unary call, end to end, "
                  + (side == OD_LOOPBACK ? "Loopback" : "WebSocket")
                  + " (at most 1 KiB)",
              Metric.BYTES_PER_OP,
              0,
              odUnary(side, "unaryInFlight64", "SMALL"),
              List.of(),
              1024,
              false));
    }
    return targets;
  }

  /** An opendesk transport (or configuration) and the peers its targets compare against. */
  private record Side(String name, Select opendesk, List<Peer> peers) {}

  /** A unary target: {@code method} ({@code unary} is 1 in flight) of opendesk and its peers. */
  private static Target unaryTarget(
      String namePrefix,
      String method,
      Metric metric,
      Side side,
      String payload,
      double needed,
      boolean tuned) {
    return new Target(
        namePrefix + (method.equals("unary") ? "1 in flight" : "64 in flight"),
        metric,
        0,
        odUnary(side.opendesk, method, payload),
        withMethod(side.peers, "Unary", method, payload),
        needed,
        tuned);
  }

  private static List<Peer> withMethod(
      List<Peer> peers, String shape, String method, String payload) {
    List<Peer> selected = new ArrayList<>();
    for (Peer p : peers) {
      selected.add(
          new Peer(
              p.name,
              p.kind,
              p.select.with(p.benchmarkClass(shape) + "." + method, "payload", payload)));
    }
    return selected;
  }

  /**
   * {@code OpendeskUnaryBenchmark.method} on {@code side}, with the echo registered the way {@code
   * side} says, else with {@code unaryAsync}.
   */
  private static Select odUnary(Select side, String method, String payload) {
    Select select = side.with("OpendeskUnaryBenchmark." + method, "payload", payload);
    return side.params().containsKey("handler")
        ? select
        : select.with(select.benchmark(), "handler", "ASYNC");
  }

  /**
   * {@code OpendeskStreamBenchmark.stream} on {@code side}, its stream registered as {@code
   * handler} says: {@code ASYNC} ({@code streamAsync}, the documented kind for a producer that
   * never blocks, as the benchmark's is) or {@code SINK} ({@code stream}, for one that may block).
   */
  private static Select odStream(Select side, int size, String handler) {
    Select select = stream(side, "Opendesk", size);
    return select.with(select.benchmark(), "handler", handler);
  }

  private static Select stream(Select transport, String prefix, int size) {
    return transport.with(prefix + "StreamBenchmark.stream", "frameSize", Integer.toString(size));
  }

  private static String aeadName(String impl) {
    return "raw ChaCha20-Poly1305 seal+open (" + impl + ")";
  }

  private static Select aead(String impl, int size) {
    return new Select("ChaChaBenchmark.sealOpen", "impl", impl, "size", Integer.toString(size));
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
    read.add(match);
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
  record Peer(String name, String kind, Select select) {
    /** {@code Grpc<shape>Benchmark} and so on; an empty shape gives the bare prefix. */
    String benchmarkClass(String shape) {
      String prefix =
          switch (kind) {
            case "grpc" -> "Grpc";
            case "rsocket" -> "RSocket";
            case "opendesk" -> "Opendesk";
            default -> throw new IllegalStateException("unknown peer kind " + kind);
          };
      return shape.isEmpty() ? prefix : prefix + shape + "Benchmark";
    }
  }

  /** An opendesk transport and its peers. */
  private record Transport(String name, Select opendesk, List<Peer> peers) {}

  /**
   * One target: opendesk's figure against the best of {@code peers}, needing a ratio of at least
   * {@code needed}; with no peers, {@code needed} is an upper limit on the figure itself. A tuned
   * target is shown for reference (the targets are for the default configuration).
   */
  record Target(
      String name,
      Metric metric,
      long bytes,
      Select opendesk,
      List<Peer> peers,
      double needed,
      boolean tuned) {}

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

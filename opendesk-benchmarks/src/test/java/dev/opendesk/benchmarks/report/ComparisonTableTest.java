package dev.opendesk.benchmarks.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComparisonTableTest {

  private static final String RESULTS =
      """
      [
        {"benchmark": "dev.opendesk.benchmarks.grpc.GrpcUnaryBenchmark.unary", "mode": "sample",
         "params": {"executor": "direct", "marshaller": "msgpack", "payload": "SMALL", "transport": "INPROCESS"},
         "primaryMetric": {"score": 5.0, "scoreUnit": "us/op",
                           "scorePercentiles": {"50.0": 4.0, "99.0": 20.0}},
         "secondaryMetrics": {}},
        {"benchmark": "dev.opendesk.benchmarks.opendesk.OpendeskUnaryBenchmark.unary", "mode": "sample",
         "params": {"handler": "ASYNC", "payload": "SMALL", "transport": "LOOPBACK"},
         "primaryMetric": {"score": 2500.0, "scoreUnit": "ns/op",
                           "scorePercentiles": {"50.0": 2000.0, "99.0": 10000.0}},
         "secondaryMetrics": {}},
        {"benchmark": "dev.opendesk.benchmarks.grpc.GrpcUnaryBenchmark.unaryInFlight64", "mode": "thrpt",
         "params": {"executor": "direct", "marshaller": "msgpack", "payload": "SMALL", "transport": "INPROCESS"},
         "primaryMetric": {"score": 200000.0, "scoreUnit": "ops/s"},
         "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 3600.0, "scoreUnit": "B/op"}}},
        {"benchmark": "dev.opendesk.benchmarks.grpc.GrpcStreamBenchmark.stream", "mode": "thrpt",
         "params": {"frameSize": "65536", "marshaller": "msgpack", "transport": "INPROCESS"},
         "primaryMetric": {"score": 2000.0, "scoreUnit": "ops/s"},
         "secondaryMetrics": {}},
        {"benchmark": "dev.opendesk.benchmarks.FutureBenchmark.connect", "mode": "avgt",
         "params": {"transport": "WEBSOCKET"},
         "primaryMetric": {"score": 1234.0, "scoreUnit": "ms/op"},
         "secondaryMetrics": {}},
        {"benchmark": "dev.opendesk.benchmarks.codec.CodecBenchmark.encode", "mode": "avgt",
         "params": {"frame": "req_small"},
         "primaryMetric": {"score": 150.0, "scoreUnit": "ns/op"},
         "secondaryMetrics": {"gc.alloc.rate.norm": {"score": 96.0, "scoreUnit": "B/op"}}}
      ]
      """;

  @TempDir Path dir;

  private List<String> table() throws IOException {
    return table(RESULTS);
  }

  private List<String> table(String json) throws IOException {
    Path file = dir.resolve("results.json");
    Files.writeString(file, json);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    new ComparisonTable(JmhResult.read(file))
        .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    return bytes.toString(StandardCharsets.UTF_8).lines().collect(Collectors.toList());
  }

  private static String row(List<String> table, String start) {
    List<String> rows =
        table.stream().filter(l -> l.startsWith(start)).collect(Collectors.toList());
    assertThat(rows).as("rows starting with %s", start).hasSize(1);
    return rows.get(0);
  }

  @Test
  void rateRatioIsOpendeskOverPeerWithCallsPerSecondFromTheSampleMean() throws IOException {
    assertThat(
            row(
                table(),
                "| unary Loopback, default {x:1,y:2}, 1 in flight | calls/s | 400,000 | gRPC in-process, msgpack |"))
        .endsWith("| 200,000 | 2.00 |");
  }

  @Test
  void latencyRatioIsPeerOverOpendeskInMicroseconds() throws IOException {
    assertThat(
            row(
                table(),
                "| unary Loopback, default {x:1,y:2}, 1 in flight | p99 µs | 10.0 | gRPC in-process, msgpack |"))
        .endsWith("| 20.0 | 2.00 |");
  }

  @Test
  void missingOpendeskSidePrintsADashAndNoRatio() throws IOException {
    assertThat(
            row(
                table(),
                "| unary Loopback, default {x:1,y:2}, 64 in flight | calls/s | — | gRPC in-process, msgpack |"))
        .endsWith("| 200,000 | — |");
  }

  @Test
  void allocationComesFromTheGcProfiler() throws IOException {
    assertThat(
            row(
                table(),
                "| unary Loopback, default {x:1,y:2}, 64 in flight, allocated per call | B/op | — | gRPC in-process, msgpack |"))
        .endsWith("| 3,600 | — |");
  }

  @Test
  void streamMegabytesPerSecondAreFramesPerSecondTimesFrameSize() throws IOException {
    assertThat(
            row(
                table(),
                "| stream Loopback, 64 KiB frames | MB/s | — | gRPC in-process, msgpack |"))
        .endsWith("| 131 | — |");
  }

  @Test
  void streamRowsTakeTheAsyncHandlerAndListTheSinkOneBeside() throws IOException {
    List<String> table =
        table(
            """
            [
              {"benchmark": "dev.opendesk.benchmarks.opendesk.OpendeskStreamBenchmark.stream", "mode": "thrpt",
               "params": {"frameSize": "64", "handler": "ASYNC", "transport": "LOOPBACK"},
               "primaryMetric": {"score": 3000000.0, "scoreUnit": "ops/s"}, "secondaryMetrics": {}},
              {"benchmark": "dev.opendesk.benchmarks.opendesk.OpendeskStreamBenchmark.stream", "mode": "thrpt",
               "params": {"frameSize": "64", "handler": "SINK", "transport": "LOOPBACK"},
               "primaryMetric": {"score": 1000000.0, "scoreUnit": "ops/s"}, "secondaryMetrics": {}},
              {"benchmark": "dev.opendesk.benchmarks.grpc.GrpcStreamBenchmark.stream", "mode": "thrpt",
               "params": {"frameSize": "64", "marshaller": "msgpack", "transport": "INPROCESS"},
               "primaryMetric": {"score": 2000000.0, "scoreUnit": "ops/s"}, "secondaryMetrics": {}}
            ]
            """);
    assertThat(
            row(
                table,
                "| stream Loopback, 64 B frames | frames/s | 3,000,000 | gRPC in-process, msgpack |"))
        .endsWith("| 2,000,000 | 1.50 |");
    assertThat(
            row(
                table,
                "| stream Loopback, 64 B frames, handler that may block (sink) | frames/s | 1,000,000 | gRPC in-process, msgpack |"))
        .endsWith("| 2,000,000 | 0.50 |");
    assertThat(row(table, "| stream Loopback, 256 × 64 B items | frames/s | 3,000,000 |"))
        .endsWith("| ≥ 1.50 | met |");
  }

  @Test
  void rowsWithNeitherSideMeasuredAreLeftOut() throws IOException {
    assertThat(table())
        .noneMatch(l -> l.contains("WebSocket"))
        .noneMatch(l -> l.startsWith("| stream Loopback, 64 B frames |"))
        .noneMatch(
            l -> l.startsWith("| stream Loopback, 64 KiB frames | MB/s | — | RSocket local |"));
  }

  @Test
  void targetRowComparesWithTheBestPeerAndSaysWhetherItIsMet() throws IOException {
    assertThat(
            row(
                table(),
                "| unary Loopback {x:1,y:2}, 1 in flight | p99 µs | 10.0 | gRPC in-process, msgpack |"))
        .endsWith("| 20.0 | 2.00 | ≥ 1.00 | met |");
    assertThat(
            row(
                table(),
                "| unary Loopback {x:1,y:2}, 1 in flight | p50 µs | 2.00 | gRPC in-process, msgpack |"))
        .endsWith("| 4.00 | 2.00 | ≥ 1.50 | met |");
  }

  @Test
  void resultsNoRowReadsAreListedAtTheEnd() throws IOException {
    List<String> table = table();
    assertThat(table)
        .anyMatch(
            l -> l.startsWith("| FutureBenchmark.connect | {transport=WEBSOCKET} | 1,234 ms/op |"));
    assertThat(table).noneMatch(l -> l.startsWith("| CodecBenchmark.encode |"));
  }

  @Test
  void figuresWithoutPeerGoToTheOpendeskOnlyTable() throws IOException {
    List<String> table = table();
    assertThat(table)
        .contains(
            "| codec encode req_small | ns/op | 150 |", "| codec encode req_small | B/op | 96.0 |");
    assertThat(table.indexOf("| codec encode req_small | ns/op | 150 |"))
        .isGreaterThan(table.indexOf("| opendesk only | unit | value |"));
  }
}

package dev.opendesk.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One result row of a JMH JSON result file ({@code -rf json}): a benchmark with one parameter
 * combination.
 *
 * @param benchmark the benchmark's simple name, {@code Class.method}
 * @param mode JMH's mode: {@code thrpt}, {@code avgt}, {@code sample} or {@code ss}
 * @param params the parameter values
 * @param score the primary score
 * @param unit the primary score's unit, such as {@code ops/s} or {@code us/op}
 * @param percentiles the sample-mode percentiles by their JMH key ({@code "50.0"}, {@code "99.0"})
 * @param secondary secondary scores by name, such as {@code gc.alloc.rate.norm} (B/op)
 */
record JmhResult(
    String benchmark,
    String mode,
    Map<String, String> params,
    double score,
    String unit,
    Map<String, Double> percentiles,
    Map<String, Double> secondary) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Reads every result of one JMH JSON file. */
  static List<JmhResult> read(Path file) throws IOException {
    List<JmhResult> results = new ArrayList<>();
    for (JsonNode node : JSON.readTree(file.toFile())) {
      String full = node.path("benchmark").asText();
      int method = full.lastIndexOf('.');
      int type = full.lastIndexOf('.', method - 1);
      Map<String, String> params = new LinkedHashMap<>();
      node.path("params")
          .fields()
          .forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
      JsonNode primary = node.path("primaryMetric");
      results.add(
          new JmhResult(
              full.substring(type + 1),
              node.path("mode").asText(),
              params,
              primary.path("score").asDouble(Double.NaN),
              primary.path("scoreUnit").asText(),
              doubles(primary.path("scorePercentiles")),
              secondaryScores(node.path("secondaryMetrics"))));
    }
    return results;
  }

  /** Operations per second, from a throughput score or from the mean of a time score. */
  OptionalDouble opsPerSecond() {
    String[] parts = unit.split("/");
    if (parts.length != 2) {
      return OptionalDouble.empty();
    }
    if (parts[0].equals("ops")) {
      return OptionalDouble.of(score / seconds(parts[1]));
    }
    if (parts[1].equals("op")) {
      return OptionalDouble.of(1 / (score * seconds(parts[0])));
    }
    return OptionalDouble.empty();
  }

  /** A percentile of a sample-mode score, in microseconds. */
  OptionalDouble percentileMicros(String key) {
    Double value = percentiles.get(key);
    String[] parts = unit.split("/");
    if (value == null || parts.length != 2 || !parts[1].equals("op")) {
      return OptionalDouble.empty();
    }
    return OptionalDouble.of(value * seconds(parts[0]) * 1e6);
  }

  /** A time score, in nanoseconds per operation. */
  OptionalDouble nanosPerOp() {
    String[] parts = unit.split("/");
    if (parts.length == 2 && parts[1].equals("op")) {
      return OptionalDouble.of(score * seconds(parts[0]) * 1e9);
    }
    OptionalDouble ops = opsPerSecond();
    return ops.isPresent() ? OptionalDouble.of(1e9 / ops.getAsDouble()) : OptionalDouble.empty();
  }

  /** Bytes allocated per operation, when the run had {@code -prof gc}. */
  OptionalDouble bytesPerOp() {
    Double value = secondary.get("gc.alloc.rate.norm");
    return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
  }

  private static double seconds(String timeUnit) {
    switch (timeUnit) {
      case "ns":
        return 1e-9;
      case "us":
        return 1e-6;
      case "ms":
        return 1e-3;
      case "s":
        return 1;
      case "min":
        return 60;
      default:
        throw new IllegalArgumentException("unknown JMH time unit: " + timeUnit);
    }
  }

  private static Map<String, Double> doubles(JsonNode object) {
    Map<String, Double> map = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asDouble()));
    return map;
  }

  private static Map<String, Double> secondaryScores(JsonNode object) {
    Map<String, Double> map = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().path("score").asDouble(Double.NaN));
    }
    return map;
  }
}

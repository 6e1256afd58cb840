package dev.opendesk.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark method once, with every parameter combination, in this JVM: a check that
 * each scenario sets up, works (each setup checks one echo or round trip) and tears down, not a
 * measurement. The real runs are {@code opendesk-benchmarks/run.sh} or {@code java -jar
 * target/benchmarks.jar}.
 */
class BenchmarksSmokeTest {

  static List<String> benchmarkClasses() {
    return benchmarks().stream()
        .map(BenchmarkListEntry::getUserClassQName)
        .distinct()
        .sorted()
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("benchmarkClasses")
  void everyBenchmarkMethodRunsOnce(String benchmarkClass) throws Exception {
    Options options =
        new OptionsBuilder()
            .include("^" + Pattern.quote(benchmarkClass) + "\\.")
            .forks(0)
            .mode(Mode.SingleShotTime)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementBatchSize(1)
            .shouldFailOnError(true)
            .verbosity(VerboseMode.SILENT)
            .build();

    Collection<RunResult> results = new Runner(options).run();

    Set<String> expected =
        benchmarks().stream()
            .filter(b -> b.getUserClassQName().equals(benchmarkClass))
            .map(BenchmarkListEntry::getUsername)
            .collect(Collectors.toSet());
    Set<String> ran =
        results.stream().map(r -> r.getParams().getBenchmark()).collect(Collectors.toSet());
    assertThat(ran).isEqualTo(expected);
    assertThat(results)
        .allSatisfy(r -> assertThat(r.getPrimaryResult().getSampleCount()).isPositive());
  }

  private static Set<BenchmarkListEntry> benchmarks() {
    return BenchmarkList.defaultList()
        .getAll(
            OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of());
  }
}

#!/usr/bin/env bash
# Builds opendesk-benchmarks, runs a short JMH profile of every scenario that has an opendesk side
# or a peer, and prints one comparison table (scenario, opendesk, peer, ratio) as Markdown.
#
#   benchmarks/run.sh                 # short profile: ~8 minutes on 2 cores
#   PROFILE=full benchmarks/run.sh    # every parameter, the benchmarks' own warmup/measurement
#   JMH_ARGS='-f 1 -wi 1 -i 1' benchmarks/run.sh   # override the iteration settings
#
# Results (JMH JSON and logs, the machine description, table.md) go to
# opendesk-benchmarks/target/results/<UTC timestamp>/ or $OUT.
set -euo pipefail

cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-short}
OUT=${OUT:-opendesk-benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)}
JAR=opendesk-benchmarks/target/benchmarks.jar
JAVA=${JAVA:-java}

echo "building $JAR ..." >&2
mvn -B -q -pl opendesk-benchmarks -am package -DskipTests
mkdir -p "$OUT"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "profile: $PROFILE"
  echo "nproc: $(nproc)"
  echo "memory (free -g):"
  free -g
  echo "java:"
  "$JAVA" -version 2>&1
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

case "$PROFILE" in
  # Four warmup seconds: on a busy 2-core machine gRPC over Netty needs about that much JIT time
  # before its score settles (it ramps ~450 -> ~6,700 calls/s over its first 4 s).
  short) DEFAULT_ARGS='-f 1 -wi 4 -w 1s -i 2 -r 1s' ;;
  full) DEFAULT_ARGS='' ;;
  *) echo "PROFILE must be short or full, not $PROFILE" >&2; exit 2 ;;
esac
read -r -a ITERATIONS <<< "${JMH_ARGS:-$DEFAULT_ARGS}"

BENCHMARKS=$("$JAVA" -jar "$JAR" -l)
has() { grep -q "\.$1\." <<< "$BENCHMARKS"; }

# run NAME REGEX [JMH options...]: one JMH invocation, its JSON in $OUT/NAME.json.
run() {
  local name=$1 regex=$2
  shift 2
  echo "running $name ..." >&2
  "$JAVA" -jar "$JAR" "^[a-z.]*\.$regex\." "${ITERATIONS[@]}" -prof gc \
    -rf json -rff "$OUT/$name.json" "$@" > "$OUT/$name.log" 2>&1 \
    || { echo "$name failed, see $OUT/$name.log" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
}

start=$(date +%s)
if [ "$PROFILE" = full ]; then
  run all '[A-Za-z]*Benchmark'
else
  # The peers. The byte[] floor only in-process; streams only with msgpack.
  run grpc-unary-inprocess GrpcUnaryBenchmark -p transport=INPROCESS
  run grpc-unary-netty GrpcUnaryBenchmark -p transport=NETTY -p marshaller=msgpack
  run rsocket-unary RSocketUnaryBenchmark
  run grpc-stream GrpcStreamBenchmark -p marshaller=msgpack
  run rsocket-stream RSocketStreamBenchmark
  run chacha ChaChaBenchmark
  run codec CodecBenchmark -p frame=hello,req_small,req_bin4k,res_small,res_item_bin64k
  # The opendesk side, for what this build has.
  if has OpendeskUnaryBenchmark; then run opendesk-unary OpendeskUnaryBenchmark; fi
  if has OpendeskStreamBenchmark; then run opendesk-stream OpendeskStreamBenchmark; fi
  if has HandshakeBenchmark; then run handshake HandshakeBenchmark; fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "finished in $(( $(date +%s) - start )) s; results in $OUT" >&2

"$JAVA" -cp "$JAR" dev.opendesk.benchmarks.report.ComparisonTable "$OUT"/*.json | tee "$OUT/table.md"

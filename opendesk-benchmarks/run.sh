#!/usr/bin/env bash
# Builds opendesk-benchmarks, runs a JMH profile of every scenario that has an opendesk side or a
# peer, all in one run, and prints the targets table and the comparison table as Markdown.
#
#   opendesk-benchmarks/run.sh                 # short profile: ~10-12 minutes on 2 cores
#   PROFILE=full opendesk-benchmarks/run.sh    # the same, 2 forks, 5x3 s warmup, 5x2 s measurement (~80 min)
#   PROFILE=all opendesk-benchmarks/run.sh     # every benchmark and parameter, full iterations (hours)
#   JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 opendesk-benchmarks/run.sh   # on another JDK
#   JMH_ARGS='-f 1 -wi 1 -i 1' opendesk-benchmarks/run.sh   # override the iteration settings
#   ROWS=websocket-unary,streams PROFILE=full opendesk-benchmarks/run.sh   # only these groups of
#     the targets' rows, with the peers they compare with (minutes each in the full profile):
#     websocket-unary  opendesk, RSocket over TCP and WebSocket, gRPC over Netty (~15)
#     loopback-unary   opendesk, RSocket local, gRPC in-process (~11)
#     encrypted        opendesk over WebSocket, plain and encrypted (~7)
#     streams          every stream row and the 64 KiB seal+open ceiling (~16)
#
# JMH refuses to start while another JMH run holds /tmp/jmh.lock; on a shared machine,
# JMH_JAVA_OPTS=-Djmh.ignoreLock=true runs anyway (and the load average in machine.txt says so).
# The JDK is $JAVA_HOME's (else the java on PATH); it builds (release 17) and runs everything.
# Results (JMH JSON and logs, the machine description, table.md) go to
# opendesk-benchmarks/target/results/<UTC timestamp>-jdk<N>/ or $OUT.
set -euo pipefail

cd "$(dirname "$0")/.."
PROFILE=${PROFILE:-short}
ROWS=${ROWS:-all}
for group in ${ROWS//,/ }; do
  case "$group" in
    all | websocket-unary | loopback-unary | encrypted | streams) ;;
    *)
      echo "ROWS must be all or a comma list of websocket-unary, loopback-unary, encrypted and streams, not $ROWS" >&2
      exit 2
      ;;
  esac
done
if [ -n "${JAVA_HOME:-}" ]; then
  JAVA=${JAVA:-$JAVA_HOME/bin/java}
else
  JAVA=${JAVA:-java}
fi
JDK_MAJOR=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
OUT=${OUT:-opendesk-benchmarks/target/results/$(date -u +%Y%m%dT%H%M%SZ)-jdk$JDK_MAJOR}
JAR=opendesk-benchmarks/target/benchmarks.jar

echo "building $JAR ..." >&2
mvn -B -q -pl opendesk-benchmarks -am package -DskipTests
mkdir -p "$OUT"
# Run from a copy: a build during the run (it takes a while) must not swap the jar under it.
cp "$JAR" "$OUT/benchmarks.jar"
JAR=$OUT/benchmarks.jar

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "profile: $PROFILE"
  echo "rows: $ROWS"
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
  # What issue 13 measured with: 2 forks, 5 x 3 s warmup, 5 x 2 s measurement.
  full | all) DEFAULT_ARGS='-f 2 -wi 5 -w 3s -i 5 -r 2s' ;;
  *) echo "PROFILE must be short, full or all, not $PROFILE" >&2; exit 2 ;;
esac
read -r -a ITERATIONS <<< "${JMH_ARGS:-$DEFAULT_ARGS}"

BENCHMARKS=$("$JAVA" -jar "$JAR" -l)
has() { grep -q "\.$1\." <<< "$BENCHMARKS"; }

# run NAME REGEX [JMH options...]: one JMH invocation, its JSON in $OUT/NAME.json.
run() {
  local name=$1 regex=$2
  shift 2
  echo "running $name ..." >&2
  "$JAVA" ${JMH_JAVA_OPTS:-} -jar "$JAR" "^[a-z.]*\.$regex\." "${ITERATIONS[@]}" -prof gc \
    -rf json -rff "$OUT/$name.json" "$@" > "$OUT/$name.log" 2>&1 \
    || { echo "$name failed, see $OUT/$name.log" >&2; tail -20 "$OUT/$name.log" >&2; exit 1; }
}

start=$(date +%s)
if [ "$PROFILE" = all ]; then
  run all '[A-Za-z]*Benchmark'
elif [ "$ROWS" != all ]; then
  # The same invocations as below, restricted to the transports (and sizes) of each group's rows.
  for group in ${ROWS//,/ }; do
    case "$group" in
      websocket-unary)
        run grpc-unary-netty GrpcUnaryBenchmark -p transport=NETTY -p marshaller=msgpack -p executor=direct
        run rsocket-unary-network RSocketUnaryBenchmark -p transport=TCP,WEBSOCKET
        run opendesk-unary-websocket OpendeskUnaryBenchmark -p handler=ASYNC -p transport=WEBSOCKET
        ;;
      loopback-unary)
        run grpc-unary-inprocess GrpcUnaryBenchmark -p transport=INPROCESS -p marshaller=msgpack -p executor=direct
        run rsocket-unary-local RSocketUnaryBenchmark -p transport=LOCAL
        run opendesk-unary-loopback OpendeskUnaryBenchmark -p handler=ASYNC -p transport=LOOPBACK
        ;;
      encrypted)
        # The plain WebSocket row is the reference; websocket-unary runs it already if listed.
        if [[ ",$ROWS," == *,websocket-unary,* ]]; then transports=WEBSOCKET_ENCRYPTED; else transports=WEBSOCKET,WEBSOCKET_ENCRYPTED; fi
        run opendesk-unary-encrypted OpendeskUnaryBenchmark -p handler=ASYNC -p transport=$transports
        ;;
      streams)
        run grpc-stream GrpcStreamBenchmark -p marshaller=msgpack
        run rsocket-stream RSocketStreamBenchmark
        run chacha ChaChaBenchmark -p size=65536
        run opendesk-stream OpendeskStreamBenchmark
        ;;
    esac
  done
else
  # The peers. The byte[] floor only in-process, the default executor only with msgpack, streams
  # only with msgpack.
  run grpc-unary-inprocess GrpcUnaryBenchmark -p transport=INPROCESS -p executor=direct
  run grpc-unary-default-executor GrpcUnaryBenchmark -p executor=default -p marshaller=msgpack
  run grpc-unary-netty GrpcUnaryBenchmark -p transport=NETTY -p marshaller=msgpack -p executor=direct
  run rsocket-unary RSocketUnaryBenchmark
  run grpc-stream GrpcStreamBenchmark -p marshaller=msgpack
  run rsocket-stream RSocketStreamBenchmark
  run chacha ChaChaBenchmark
  run codec CodecBenchmark -p frame=req_small,res_small,res_item_bin64k
  # The opendesk side, for what this build has.
  if has OpendeskUnaryBenchmark; then
    run opendesk-unary OpendeskUnaryBenchmark -p handler=ASYNC
    # A handler that may block: the default executor's rows, beside gRPC's default executor.
    run opendesk-unary-blocking OpendeskUnaryBenchmark -p handler=BLOCKING -p transport=LOOPBACK,WEBSOCKET
  fi
  if has OpendeskStreamBenchmark; then run opendesk-stream OpendeskStreamBenchmark; fi
  if has HandshakeBenchmark; then run handshake HandshakeBenchmark; fi
  # Whatever else the jar holds (benchmarks added after this script): one pass each, so the table's
  # last section shows them.
  for other in $(grep '^dev\.' <<< "$BENCHMARKS" | sed 's/\.[A-Za-z0-9_]*$//; s/.*\.//' | sort -u); do
    case "$other" in
      GrpcUnaryBenchmark | GrpcStreamBenchmark | RSocketUnaryBenchmark | RSocketStreamBenchmark | \
        ChaChaBenchmark | CodecBenchmark | OpendeskUnaryBenchmark | OpendeskStreamBenchmark | \
        HandshakeBenchmark) ;;
      *) run "$other" "$other" ;;
    esac
  done
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "finished in $(( $(date +%s) - start )) s; results in $OUT" >&2

"$JAVA" -cp "$JAR" dev.opendesk.benchmarks.report.ComparisonTable "$OUT"/*.json | tee "$OUT/table.md"

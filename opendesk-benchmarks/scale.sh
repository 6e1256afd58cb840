#!/usr/bin/env bash
# The #13 scale measurement (docs/scale.md): the `serve` jar on -Xmx1g in one JVM, SessionScale's
# clients in another, on loopback only. Pairs one client identity through the CLI, then brings up
# SESSIONS authenticated sessions CONCURRENCY handshakes at a time (each value in turn), calls echo
# once on each, and connects a burst of BURST clients at once. Stops everything it started.
#
# Usage: opendesk-benchmarks/scale.sh [SESSIONS] [BURST] [CONCURRENCY,...]   (default 10000 1000 50,200)
# Env:   JAVA_HOME (the JDK for both JVMs), PORT (default 18423), CLIENT_XMX (default 2g),
#        SERVER_JAVA_OPTS, CLIENT_JAVA_OPTS (extra flags, e.g. a JFR recording).
# Build first, from the repository root: mvn -B -q package -DskipTests
set -euo pipefail

SESSIONS=${1:-10000}
BURST=${2:-1000}
CONCURRENCY=${3:-50,200}
PORT=${PORT:-18423}
CLIENT_XMX=${CLIENT_XMX:-2g}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JCMD_DIR=${JAVA_HOME:+$JAVA_HOME/bin}
DEMO=$ROOT/examples/target/opendesk-demo.jar
BENCH=$ROOT/opendesk-benchmarks/target/benchmarks.jar
for jar in "$DEMO" "$BENCH"; do
  [[ -f $jar ]] || { echo "missing $jar: run mvn -B -q package -DskipTests" >&2; exit 1; }
done

# Each session is one socket on each side; the burst adds BURST more, and the JVMs need a few
# hundred of their own. Both processes run under this shell's limit.
NEED_FDS=$((SESSIONS + BURST + 1024))
HARD=$(ulimit -Hn)
if [[ $HARD != unlimited && $HARD -lt $NEED_FDS ]]; then
  echo "ulimit -Hn is $HARD; $NEED_FDS file descriptors needed per process" >&2; exit 1
fi
ulimit -n "$NEED_FDS"
# Every client socket takes one ephemeral port of 127.0.0.1 toward the one server port.
read -r LOW HIGH < /proc/sys/net/ipv4/ip_local_port_range
if (( HIGH - LOW + 1 < SESSIONS + BURST )); then
  echo "ip_local_port_range $LOW-$HIGH has fewer than $((SESSIONS + BURST)) ports" >&2; exit 1
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

CODE=$(printf '%06d' $((RANDOM % 1000000)))
# shellcheck disable=SC2086
"$JAVA" -Xmx1g ${SERVER_JAVA_OPTS:-} -jar "$DEMO" serve --host 127.0.0.1 --port "$PORT" \
  --home "$WORK/server" --pair-code "$CODE" > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  grep -q '^listening on' "$WORK/server.log" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.log" >&2; exit 1; }
  sleep 0.5
done
grep -q '^listening on' "$WORK/server.log" || { echo "server did not start in 60 s" >&2; exit 1; }
URL="ws://127.0.0.1:$PORT/"

timeout 120 "$JAVA" -jar "$DEMO" pair --url "$URL" --code "$CODE" --home "$WORK/client" > /dev/null

# shellcheck disable=SC2086
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $("$JAVA" -version 2>&1 | head -1)"
echo "ulimit -n $(ulimit -n), ip_local_port_range $LOW-$HIGH, server pid $SERVER_PID"
PATH=${JCMD_DIR:+$JCMD_DIR:}$PATH timeout 1800 "$JAVA" -Xmx"$CLIENT_XMX" ${CLIENT_JAVA_OPTS:-} -cp "$BENCH" \
  dev.opendesk.benchmarks.scale.SessionScale "$URL" "$WORK/client" "$SERVER_PID" \
  "$SESSIONS" "$BURST" "$CONCURRENCY"

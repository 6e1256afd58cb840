#!/usr/bin/env bash
# Coverage-guided fuzzing with Jazzer: runs every @FuzzTest target in turn for its maxDuration
# (3 minutes each), with -Pjazzer (JAZZER_FUZZ=1). New interesting inputs go to each module's
# .cifuzz-corpus/<class>/<method>/; a failing input is written as crash-<sha1> into the target's
# committed inputs directory (src/test/resources/<package>/<Class>Inputs/<method>/), where
# `mvn verify` replays it from then on. Logs go to target/jazzer/<target>.log in each module.
#
#   docs/jazzer-fuzz.sh                          # every target
#   docs/jazzer-fuzz.sh FrameCodecFuzzTest#decode  # one target
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(
  opendesk-protocol:FrameCodecFuzzTest#decode
  opendesk-protocol:FrameCodecFuzzTest#decodeMap
  opendesk-auth:HandshakeMessageFuzzTest#authServer
  opendesk-auth:HandshakeMessageFuzzTest#authClient
  opendesk-auth:HandshakeMessageFuzzTest#pairV1Server
  opendesk-auth:HandshakeMessageFuzzTest#pairV1Client
  opendesk-auth:HandshakeMessageFuzzTest#pairV2Server
  opendesk-auth:HandshakeMessageFuzzTest#pairV2Client
  opendesk-auth:EncryptedConnectionFuzzTest#receive
)

for entry in "${TARGETS[@]}"; do
  module=${entry%%:*}
  target=${entry#*:}
  if [[ $# -gt 0 && " $* " != *" $target "* ]]; then
    continue
  fi
  mkdir -p "$module/target/jazzer"
  log="$module/target/jazzer/${target//#/.}.log"
  echo "fuzzing $target ($module) -> $log" >&2
  mvn -B -pl "$module" -am verify -Pjazzer -DskipITs -Dtest="$target" \
    -Dsurefire.failIfNoSpecifiedTests=false > "$log" 2>&1 || echo "  FAILED: see $log" >&2
  grep -a -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -1 >&2 || true
done

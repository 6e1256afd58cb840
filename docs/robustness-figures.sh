#!/usr/bin/env sh
# Regenerates the "Figures" of docs/robustness.md: runs the bad-input and fuzz tests, then prints
# the Markdown table their counters wrote to <module>/target/robustness-figures/*.md.
#
#   docs/robustness-figures.sh            # the bounded run of `mvn verify`
#   docs/robustness-figures.sh -Pfuzz     # the long fuzz run (1000 seeds per property)
#   docs/robustness-figures.sh -Dopendesk.fuzz.tries=200
#
# Any tests that write figures the same way (e.g. fault and load tests) are collected too.
set -eu
cd "$(dirname "$0")/.."
rm -rf ./*/target/robustness-figures
mvn -B -q verify -pl opendesk-protocol,opendesk-auth,opendesk-peer,opendesk-integration-tests -am \
  -Dtest='FrameCodecPropertyTest,HandshakeFuzzTest,PeerFrameFuzzTest,PeerBadInputTest,BadClientIsolationTest' \
  -Dsurefire.failIfNoSpecifiedTests=false "$@" >&2
echo "| layer | input | tried | accepted | rejected | rejected as | closed | lost |"
echo "|---|---|---|---|---|---|---|---|"
# Layer order first, then anything else that wrote figures.
for module in opendesk-protocol opendesk-auth opendesk-peer opendesk-transport-ws opendesk-integration-tests; do
  if [ -d "$module/target/robustness-figures" ]; then
    cat "$module"/target/robustness-figures/*.md
  fi
done

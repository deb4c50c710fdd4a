#!/usr/bin/env bash
# The CLI's peak memory for an hour of the heaviest client load:
#   cluster 3 / run until leader / client load every 1ms / run 3600s
# run by the release binary under /usr/bin/time -v (peak resident set
# size), with its output streamed to a counter rather than held. The target
# is 1 GiB. Where that memory goes: `cargo bench --bench memory`.
#   bash scripts/bench-cli-memory.sh      (./build.sh bench runs it)
# Not part of the test run: figures belong in benchmarks, not in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/time ]; then
  echo "bench-cli-memory: /usr/bin/time is missing (Debian package 'time')" >&2
  exit 1
fi
cargo build --release --bin raftlab >/dev/null 2>&1 || cargo build --release --bin raftlab
scenario=$(mktemp --suffix=.txt)
report=$(mktemp)
trap 'rm -f "$scenario" "$report"' EXIT
printf 'cluster 3\nrun until leader\nclient load every 1ms\nrun 3600s\n' >"$scenario"

lines=$(/usr/bin/time -v -o "$report" ./target/release/raftlab run "$scenario" | tee >(tail -n 1 >&2) | wc -l)
peak_kib=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$report")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { print $2 }' "$report")
awk -v kib="$peak_kib" -v lines="$lines" -v wall="$wall" 'BEGIN {
  printf "CLI, cluster 3 / client load every 1ms / run 3600s: peak RSS %.0f MiB (%.2f GiB; target 1 GiB), %d output lines streamed, %s wall\n",
    kib / 1024, kib / 1048576, lines, wall
}'

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per decision inside vl2_switch_process(), counted by
# valgrind's callgrind (repeatable on a noisy machine, unlike seconds).
# Each case runs twice, with N and 2N frames; the difference over N leaves
# out the set-up (learning the table goes through the same function).
#   tests/bench/core/insns.sh BUILD_DIR [N]
# CASES="unicast-1k ..." limits the cases (e.g. to compare with a build
# that lacks the newer ones).
set -euo pipefail
bin=${1:?usage: insns.sh BUILD_DIR [N]}/tests/bench/core/vl2_bench_switch
n=${2:-64000}
command -v valgrind >/dev/null || { echo "insns.sh: valgrind not found"; exit 1; }
count() {
  local out; out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    --toggle-collect=vl2_switch_process "$bin" --case "$1" --frames "$2" \
    >/dev/null 2>&1
  awk '/^summary:/ {print $2}' "$out"
  rm -f "$out"
}
cases=${CASES:-"unicast-1k unicast-100k unicast-1M unicast-100k-train8
  unicast-100k-storm broadcast-8 broadcast-64 broadcast-64-storm mcast-64
  mcast-64-storm mcast-64-snoop mcast-64-snoop-storm"}
printf '%-20s %16s\n' case instr/decision
for c in $cases; do
  a=$(count "$c" "$n"); b=$(count "$c" $((2 * n)))
  printf '%-20s %16.1f\n' "$c" "$(echo "($b - $a) / $n" | bc -l)"
done

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Instructions per decision inside vl2_switch_process(), counted by
# valgrind's callgrind (repeatable on a noisy machine, unlike seconds).
# Each case runs twice, with N and 2N frames; the difference over N leaves
# out the set-up (learning the table goes through the same function).
#   tests/bench/core/insns.sh BUILD_DIR [N]
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
printf '%-14s %16s\n' case instr/decision
for c in unicast-1k unicast-100k unicast-1M unicast-100k-train8 broadcast-8 \
  broadcast-64; do
  a=$(count "$c" "$n"); b=$(count "$c" $((2 * n)))
  printf '%-14s %16.1f\n' "$c" "$(echo "($b - $a) / $n" | bc -l)"
done

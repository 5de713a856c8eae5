#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# vl2-replay --trace over every capture given that is present: each frame
# gets its steps and one verdict line, and vl2-replay exits 0 (it exits 1
# when a trace differs from the decision vl2_switch_process() then takes,
# so this runs the core's trace-equals-decision check over real traffic).
# Usage: check_trace.sh VL2_REPLAY CAPTURE_DIR CAPTURE...
set -u
bin=$1
dir=$2
shift 2
out=$(mktemp)
trap 'rm -f "$out"' EXIT
ran=0
for c in "$@"; do
  [ -f "$dir/$c" ] || continue
  if ! "$bin" --trace -q "$dir/$c" >"$out" 2>&1; then
    echo "FAIL: vl2-replay --trace $c:"
    tail -3 "$out"
    exit 1
  fi
  frames=$(grep -c '^frame ' "$out")
  verdicts=$(grep -c '^  verdict: ' "$out")
  if [ "$frames" -ne "$verdicts" ]; then
    echo "FAIL: $c: $frames frames, $verdicts verdict lines"
    exit 1
  fi
  ran=$((ran + 1))
done
if [ "$ran" -eq 0 ]; then
  echo "no capture present: skipped"
  exit 77
fi
echo "traced $ran captures"

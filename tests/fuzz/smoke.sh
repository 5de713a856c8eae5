#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Fuzz smoke run: build the libFuzzer harnesses with clang in their own
# build directory and run each for a bounded time (the total split evenly),
# starting from its committed seed corpus. Fails when a harness finds a
# crash, a leak or a broken invariant (the reproducer is kept and named).
#
# Usage: tests/fuzz/smoke.sh [TOTAL_SECONDS] [BUILD_DIR]
#   TOTAL_SECONDS  default 60 (or $VL2_FUZZ_SECONDS)
#   BUILD_DIR      default build-fuzz-smoke in the source tree
#                  (or $VL2_FUZZ_BUILD_DIR)
# Exit status: 0 clean, 1 a harness failed, 77 clang/libFuzzer unavailable.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
total=${1:-${VL2_FUZZ_SECONDS:-60}}
bdir=${2:-${VL2_FUZZ_BUILD_DIR:-$root/build-fuzz-smoke}}
cc=${VL2_FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "fuzz smoke: $cc not found; skipped"
  exit 77
fi
# libFuzzer itself (libclang-rt-*-dev on Debian).
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
  > "$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address,undefined "$probe/p.c" -o "$probe/p" \
    >/dev/null 2>&1; then
  echo "fuzz smoke: $cc cannot link -fsanitize=fuzzer; skipped"
  exit 77
fi

targets=""
for f in "$here"/fuzz_*.c; do
  t=$(basename "$f" .c)
  t=${t#fuzz_}
  [ -d "$here/corpus/$t" ] && targets="$targets $t"
done
n=$(echo $targets | wc -w)
per=$((total / n))
[ "$per" -ge 1 ] || per=1

echo "fuzz smoke: building$targets in $bdir"
cmake -S "$root" -B "$bdir" -DCMAKE_C_COMPILER="$cc" -DVL2_BUILD_FUZZ=ON \
  -DVL2_BUILD_EXAMPLES=OFF -DVL2_BUILD_BENCH=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$bdir.cmake.log" 2>&1 ||
  { cat "$bdir.cmake.log"; exit 1; }
bins=""
for t in $targets; do bins="$bins fuzz_$t"; done
# shellcheck disable=SC2086
cmake --build "$bdir" --target $bins -j "${VL2_FUZZ_JOBS:-2}" >"$bdir.build.log" 2>&1 ||
  { tail -n 50 "$bdir.build.log"; exit 1; }

out="$bdir/fuzz-smoke"
rc=0
for t in $targets; do
  work="$out/$t"
  rm -rf "$work"
  mkdir -p "$work" "$out/artifacts"
  bin=$(find "$bdir" -type f -name "fuzz_$t" -perm -u+x | head -n 1)
  dict=""
  [ -f "$here/fuzz_$t.dict" ] && dict="-dict=$here/fuzz_$t.dict"
  echo "fuzz smoke: fuzz_$t for ${per}s"
  # New inputs go to $work; the committed corpus is only read.
  # shellcheck disable=SC2086
  if "$bin" -max_total_time="$per" -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 $dict -artifact_prefix="$out/artifacts/$t-" \
      "$work" "$here/corpus/$t" >"$out/$t.log" 2>&1; then
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log")
    echo "fuzz smoke: fuzz_$t ok, ${runs:-?} executions"
  else
    rc=1
    echo "fuzz smoke: fuzz_$t FAILED; log $out/$t.log; reproducer:"
    ls "$out/artifacts/$t-"* 2>/dev/null || true
    grep -E "invariant failed|ERROR:|SUMMARY" "$out/$t.log" | head -n 5
  fi
done
exit $rc

#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# A build that cannot find the third-party captures still registers one
# test per capture and reports each as skipped, and configure says so.
# Configures SRC in a scratch directory with VL2_TESTDATA_PCAPS pointing
# at an empty directory, then at one holding a single capture, and runs
# the capture tests there (nothing is built: a missing capture skips
# before the program is needed).
#   check_absent.sh SRC CMAKE CTEST C_COMPILER PCAPS_DIR
set -u
src=$1 cmake=$2 ctest=$3 cc=$4 pcaps=$5
list=$src/tests/captures.sha256
tmp=$(mktemp -d /tmp/vl2-absent.XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

ncap=$(grep -cE '^[0-9a-f]+  .*\.(pcap|pcapng)$' "$list")
nout=$(grep -cE '^[0-9a-f]+  .*\.out$' "$list")
[ "$ncap" -gt 0 ] && [ "$nout" -gt 0 ] || fail "no entries in $list"

configure() { # DATA_DIR
  "$cmake" -S "$src" -B "$tmp/b" -DCMAKE_C_COMPILER="$cc" \
    -DVL2_TESTDATA_PCAPS="$1" -DVL2_BUILD_BENCH=OFF -DVL2_BUILD_FUZZ=OFF \
    >"$tmp/cfg.log" 2>&1 || { cat "$tmp/cfg.log"; fail "configure failed"; }
  grep -A2 'test captures:' "$tmp/cfg.log"
}

# 1. No captures at all.
mkdir "$tmp/none"
configure "$tmp/none"
grep -q "test captures: 0 of $ncap captures and 0 of $nout tcpdump decodes found" \
  "$tmp/cfg.log" || fail "configure did not report 0 of $ncap / 0 of $nout"
grep -q "will be reported as skipped" "$tmp/cfg.log" ||
  fail "configure did not say the tests will be skipped"
# One test per listed file, plus the Geneve underlay replays; all skip.
re='^replay\.(capture\.|decode\..*\.out$|geneve\.)'
n=$("$ctest" --test-dir "$tmp/b" -N -R '^replay\.(capture\.|decode\..*\.out$)' |
  sed -n 's/^Total Tests: //p')
[ "$n" = $((ncap + nout)) ] || fail "$n capture tests registered, want $((ncap + nout))"
all=$("$ctest" --test-dir "$tmp/b" -N -R "$re" | sed -n 's/^Total Tests: //p')
"$ctest" --test-dir "$tmp/b" -j2 -R "$re" >"$tmp/run.log" 2>&1
skipped=$(grep -c '(Skipped)$' "$tmp/run.log")
tail -1 "$tmp/run.log"
grep -q '^100% tests passed' "$tmp/run.log" || { cat "$tmp/run.log"; fail "a capture test failed"; }
[ "$skipped" = "$all" ] || fail "$skipped skipped, want $all"
echo "no captures: $n tests for the listed files, $all in all, $skipped skipped"

# 2. One capture present: counted as found, the others still skip.
first=$(grep -m1 -E '^[0-9a-f]+  .*\.(pcap|pcapng)$' "$list" | sed 's/^[0-9a-f]*  //')
[ -f "$pcaps/$first" ] || { echo "SKIP: $pcaps/$first not here"; exit 77; }
mkdir -p "$tmp/one/$(dirname "$first")"
cp "$pcaps/$first" "$tmp/one/$first"
configure "$tmp/one"
grep -q "test captures: 1 of $ncap captures and 0 of $nout tcpdump decodes found" \
  "$tmp/cfg.log" || fail "configure did not report 1 of $ncap"
echo "one capture: reported as found"

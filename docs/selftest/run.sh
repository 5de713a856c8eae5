#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# docs.doxygen.selftest: the project's Doxyfile, pointed at undocumented.h,
# must make doxygen fail and name both undocumented things.
# Usage: run.sh DOXYGEN DOXYFILE HEADER OUTDIR
doxygen=$1 doxyfile=$2 header=$3 outdir=$4
mkdir -p "$outdir"
out=$({ cat "$doxyfile"; echo "INPUT = $header"; echo "OUTPUT_DIRECTORY = $outdir"; } |
      "$doxygen" - 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -eq 0 ]; then
  echo "selftest: FAIL: doxygen accepted an undocumented header"
  exit 1
fi
for name in vl2_selftest_undocumented vl2_selftest_missing_param; do
  if ! printf '%s\n' "$out" | grep -q "$name"; then
    echo "selftest: FAIL: doxygen failed but did not name $name"
    exit 1
  fi
done
echo "selftest: OK: doxygen fails on an undocumented function and parameter"

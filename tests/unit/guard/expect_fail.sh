#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# expect_fail.sh PATTERN CMD [ARG...]: pass when CMD exits with status 1
# (a clean failure, not a crash) and its output contains PATTERN (grep -E).
pattern=$1
shift
out=$("$@" 2>&1)
rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne 1 ]; then
  echo "expect_fail: '$*' exited $rc, expected 1"
  exit 1
fi
if ! printf '%s\n' "$out" | grep -Eq -- "$pattern"; then
  echo "expect_fail: output lacks /$pattern/"
  exit 1
fi
echo "expect_fail: failed as it should"

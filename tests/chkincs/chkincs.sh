#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# chkincs: every public header compiles on its own (included twice, so the
# include guard is tested too), as C11 or as C++11. The headers are globbed
# now, at test time, so a new header is covered without editing anything:
#   SRC/include/vl2/*.h, BIN/include/vl2/*.h (generated: version.h) and
#   SRC/backends/*/include/vl2/*.h (backend headers, when a backend keeps
#   its public header there).
# Usage: chkincs.sh c|c++ COMPILER SRC BIN
set -u
lang=$1 cc=$2 src=$3 bin=$4

case "$lang" in
  c)   flags=(-x c -std=c11 -Wall -Wextra -Werror -pedantic
              -Wstrict-prototypes -Wmissing-prototypes -c -o /dev/null) ;;
  c++) flags=(-x c++ -std=c++11 -Wall -Wextra -Werror -pedantic
              -fsyntax-only) ;;
  *) echo "usage: chkincs.sh c|c++ COMPILER SRC BIN" >&2; exit 2 ;;
esac

incs=(-I"$src/include" -I"$bin/include")
for d in "$src"/backends/*/include; do
  [ -d "$d" ] && incs+=(-I"$d")
done

shopt -s nullglob
headers=("$src"/include/vl2/*.h "$bin"/include/vl2/*.h
         "$src"/backends/*/include/vl2/*.h)
if [ ${#headers[@]} -eq 0 ]; then
  echo "chkincs: no headers found under $src/include/vl2" >&2
  exit 1
fi

fail=0
for h in "${headers[@]}"; do
  name=vl2/$(basename "$h")
  if out=$(printf '#include <%s>\n#include <%s>\n' "$name" "$name" |
           "$cc" "${flags[@]}" "${incs[@]}" - 2>&1); then
    echo "ok   $lang  $name"
  else
    echo "FAIL $lang  $name"
    printf '%s\n' "$out" | sed 's/^/     /'
    fail=$((fail + 1))
  fi
done
echo "chkincs ($lang, $cc): ${#headers[@]} headers, $fail failed"
[ "$fail" -eq 0 ]

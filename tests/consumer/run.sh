#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The consumer tests: use libvl2 the way a program outside the project does,
# from an installed tree. One mode per CTest (see CMakeLists.txt):
#   install      cmake --install BUILD --prefix PREFIX (the fixture)
#   pkgconfig    build consumer.c with `pkg-config --cflags --libs`, once
#                per installed libvl2*.pc (backends add theirs), and run it
#   static       build consumer.c against libvl2.a (-l:libvl2.a), run it
#   cmake        find_package(vl2) + vl2::vl2 in a separate CMake project
#   cmake-static the same with vl2::vl2_static
#   exports      check_exports.py: the .so exports = the headers' VL2_EXTERNs
# Environment (set by CMakeLists.txt): VL2_BUILD, VL2_PREFIX, VL2_WORK,
# VL2_INSTALL_PREFIX (the configured one), VL2_SRC, VL2_CC, VL2_CMAKE, VL2_GENERATOR, VL2_NM, VL2_PYTHON,
# VL2_SANITIZE (may be empty).
set -euo pipefail
mode=$1
prefix=$VL2_PREFIX
san=()
[ -n "${VL2_SANITIZE:-}" ] && san=(-fsanitize="$VL2_SANITIZE")

fail() { echo "consumer $mode: FAIL: $*"; exit 1; }

# The installed library directory: lib, lib64 or lib/<multiarch>
# (GNUInstallDirs picks it from the configured prefix).
libdir() {
  local so
  so=$(find "$prefix" -name 'libvl2.so' -print -quit)
  [ -n "$so" ] || fail "no libvl2.so under $prefix (did consumer.install run?)"
  dirname "$so"
}

# run_consumer EXE shared|static: run it, check its output and its linkage.
run_consumer() {
  local exe=$1 kind=$2 out dyn
  out=$(LD_LIBRARY_PATH=$(libdir) "$exe" 2>&1) || { echo "$out"; fail "$exe exited non-zero"; }
  echo "$out"
  grep -q '^libvl2 consumer OK$' <<<"$out" || fail "$exe did not report OK"
  dyn=$(readelf -d "$exe")
  if [ "$kind" = static ]; then
    if grep -q 'NEEDED.*libvl2' <<<"$dyn"; then
      fail "$exe was meant to be static but needs a libvl2 shared object"
    fi
  else
    grep -q 'NEEDED.*\[libvl2\.so\.' <<<"$dyn" || fail "$exe does not need libvl2.so.N"
    # (not `ldd | grep -q`: with pipefail, grep's early exit fails ldd)
    dyn=$(LD_LIBRARY_PATH=$(libdir) ldd "$exe")
    grep -q "libvl2\.so.* => $prefix/" <<<"$dyn" ||
      fail "$exe does not load libvl2 from $prefix"
  fi
}

# use_installed_pc: point pkg-config at the installed libvl2*.pc files
# (sets pc_names). They record the prefix chosen at configure time, and
# this tree was installed elsewhere (cmake --install --prefix), so they are
# used through copies whose `prefix=` line names the scratch prefix, as if
# it had been configured. Everything else in them must follow ${prefix}.
# The original line must name the configured prefix (or be relocatable).
use_installed_pc() {
  local f name line pcdir=$VL2_WORK/pkgconfig-$mode
  mapfile -t pcs < <(find "$prefix" -path '*/pkgconfig/libvl2*.pc' | sort)
  [ ${#pcs[@]} -gt 0 ] || fail "no libvl2*.pc under $prefix"
  rm -rf "$pcdir" && mkdir -p "$pcdir"
  pc_names=()
  for f in "${pcs[@]}"; do
    name=$(basename "$f" .pc)
    pc_names+=("$name")
    line=$(grep -m1 '^prefix=' "$f") || fail "$name.pc has no prefix= line"
    case "$line" in
      *'${pcfiledir}'*) cp "$f" "$pcdir/" ;;
      "prefix=$VL2_INSTALL_PREFIX")
        sed "s|^prefix=.*|prefix=$prefix|" "$f" >"$pcdir/$name.pc" ;;
      *) fail "$name.pc has '$line', expected prefix=$VL2_INSTALL_PREFIX" ;;
    esac
  done
  export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
}

mkdir -p "$VL2_WORK"
case "$mode" in
install)
  rm -rf "$prefix"
  "$VL2_CMAKE" --install "$VL2_BUILD" --prefix "$prefix"
  ;;

pkgconfig)
  use_installed_pc
  ver=$(pkg-config --modversion libvl2)
  [ "$ver" = "$VL2_VERSION" ] || fail "libvl2.pc says version $ver, expected $VL2_VERSION"
  for name in "${pc_names[@]}"; do
    flags=$(pkg-config --cflags --libs libvl2 "$name") ||
      fail "pkg-config cannot resolve $name"
    echo "== $name: $flags"
    # shellcheck disable=SC2086 # pkg-config output is a word list
    "$VL2_CC" "${san[@]}" -std=c11 -Wall -Wextra -Werror "$VL2_SRC/consumer.c" \
      -o "$VL2_WORK/consumer-$name" $flags
    run_consumer "$VL2_WORK/consumer-$name" shared
  done
  ;;

static)
  use_installed_pc
  cflags=$(pkg-config --cflags libvl2)
  # shellcheck disable=SC2086
  "$VL2_CC" "${san[@]}" -std=c11 -Wall -Wextra -Werror $cflags \
    "$VL2_SRC/consumer.c" -o "$VL2_WORK/consumer-static" \
    -L"$(libdir)" -l:libvl2.a
  run_consumer "$VL2_WORK/consumer-static" static
  ;;

cmake|cmake-static)
  static=OFF kind=shared
  [ "$mode" = cmake-static ] && static=ON kind=static
  b=$VL2_WORK/$mode
  rm -rf "$b"
  "$VL2_CMAKE" -S "$VL2_SRC/cmake" -B "$b" -G "$VL2_GENERATOR" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$VL2_CC" \
    -DCMAKE_C_FLAGS="${san[*]}" -DCMAKE_EXE_LINKER_FLAGS="${san[*]}" \
    -DVL2_CONSUMER_STATIC=$static
  grep -q "^vl2_DIR:PATH=$prefix/" "$b/CMakeCache.txt" ||
    fail "find_package(vl2) did not find the package under $prefix"
  "$VL2_CMAKE" --build "$b"
  run_consumer "$b/consumer" "$kind"
  ;;

exports)
  mapfile -t sos < <(find "$(libdir)" -maxdepth 1 -name 'libvl2*.so' | sort)
  "$VL2_PYTHON" "$VL2_SRC/check_exports.py" --nm "$VL2_NM" \
    "$prefix/include/vl2" "${sos[@]}"
  ;;

*)
  echo "usage: run.sh install|pkgconfig|static|cmake|cmake-static|exports" >&2
  exit 2
  ;;
esac
echo "consumer $mode: OK"

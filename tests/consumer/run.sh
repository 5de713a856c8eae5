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
#   cmake-components  find_package(vl2 REQUIRED COMPONENTS <backend>) with
#                only vl2::<backend> linked, for each installed backend; a
#                missing component fails naming it; the 0.x version rule
#   relocate     install to X, move to Y: programs run, pkg-config and
#                find_package work from Y (skipped when configured for /usr)
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
# (sets pc_names). Outside /usr they are relocatable (prefix from
# ${pcfiledir}) and are used where they lie, although this tree was
# installed elsewhere than configured (cmake --install --prefix). Configured
# for /usr they name it, and are used through copies whose `prefix=` line
# names the scratch prefix; everything else in them must follow ${prefix}.
use_installed_pc() {
  local f name line pcdir=$VL2_WORK/pkgconfig-$mode reloc=yes
  mapfile -t pcs < <(find "$prefix" -path '*/pkgconfig/libvl2*.pc' | sort)
  [ ${#pcs[@]} -gt 0 ] || fail "no libvl2*.pc under $prefix"
  rm -rf "$pcdir" && mkdir -p "$pcdir"
  pc_names=()
  for f in "${pcs[@]}"; do
    name=$(basename "$f" .pc)
    pc_names+=("$name")
    line=$(grep -m1 '^prefix=' "$f") || fail "$name.pc has no prefix= line"
    ! grep -q 'example\.invalid' "$f" || fail "$name.pc names example.invalid"
    case "$line" in
      'prefix=${pcfiledir}/'*) ;;
      "prefix=/usr")
        [ "$VL2_INSTALL_PREFIX" = /usr ] || fail "$name.pc: '$line'"
        reloc=no
        sed "s|^prefix=.*|prefix=$prefix|" "$f" >"$pcdir/$name.pc" ;;
      *) fail "$name.pc has '$line', expected a relocatable prefix=\${pcfiledir}/..." ;;
    esac
  done
  [ $reloc = yes ] && pcdir=$(dirname "${pcs[0]}")
  export PKG_CONFIG_PATH=$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
}

# backend_defs NAME: the -D flags that make consumer.c use backend NAME
# (its installed header and its ops table); empty for libvl2 itself.
backend_defs() {
  local be=${1#libvl2-} h ops
  [ "$1" = libvl2 ] && return 0
  h=$prefix/include/vl2/$be.h
  # The mem backend's header is mem_backend.h ("mem" alone is the
  # allocator's word).
  [ -f "$h" ] || h=$prefix/include/vl2/${be}_backend.h
  [ -f "$h" ] || fail "backend $be: no header $h installed"
  ops=$(grep -m1 -o 'extern const vl2_backend_ops [a-z0-9_]*' "$h" | awk '{print $4}' || true)
  if [ -z "$ops" ]; then
    # A library without an ops table (the EVPN adapter): its
    # vl2_<name>_config_default_versioned() proves the linkage.
    ops=$(grep -m1 -oE 'vl2_[a-z0-9_]+_config_default_versioned' "$h")
    [ -n "$ops" ] || fail "backend $be: no ops table declared in $h"
    printf '%s\n' "-DVL2_CONSUMER_BACKEND_HEADER=<vl2/${h##*/}>" \
      "-DVL2_CONSUMER_ADAPTER_CHECK=$ops"
    return 0
  fi
  printf '%s\n' "-DVL2_CONSUMER_BACKEND_HEADER=<vl2/${h##*/}>" \
    "-DVL2_CONSUMER_BACKEND_OPS=$ops"
}

# cmake_consumer DIR [-D...]: configure and build tests/consumer/cmake.
cmake_consumer() {
  local b=$1
  shift
  rm -rf "$b"
  "$VL2_CMAKE" -S "$VL2_SRC/cmake" -B "$b" -G "$VL2_GENERATOR" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$VL2_CC" \
    -DCMAKE_C_FLAGS="${san[*]}" -DCMAKE_EXE_LINKER_FLAGS="${san[*]}" "$@" &&
    "$VL2_CMAKE" --build "$b"
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
  # Each .pc alone: a backend's must bring the core (Requires: libvl2),
  # since consumer.c calls the core and the backend's header needs it.
  for name in "${pc_names[@]}"; do
    flags=$(pkg-config --cflags --libs "$name") ||
      fail "pkg-config cannot resolve $name"
    mapfile -t defs < <(backend_defs "$name")
    echo "== $name: $flags"
    # shellcheck disable=SC2086 # pkg-config output is a word list
    "$VL2_CC" "${san[@]}" -std=c11 -Wall -Wextra -Werror "${defs[@]}" \
      "$VL2_SRC/consumer.c" -o "$VL2_WORK/consumer-$name" $flags ||
      fail "consumer.c does not build with pkg-config --cflags --libs $name alone"
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
  cmake_consumer "$b" -DVL2_CONSUMER_STATIC=$static || fail "CMake consumer"
  grep -q "^vl2_DIR:PATH=$prefix/" "$b/CMakeCache.txt" ||
    fail "find_package(vl2) did not find the package under $prefix"
  run_consumer "$b/consumer" "$kind"
  ;;

cmake-components)
  # find_package(vl2 REQUIRED COMPONENTS <backend>) and only vl2::<backend>
  # linked, for every installed backend.
  mapfile -t bes < <(find "$prefix" -path '*/pkgconfig/libvl2-*.pc' \
    -printf '%f\n' | sed 's/^libvl2-//; s/\.pc$//' | sort)
  [ ${#bes[@]} -gt 0 ] || fail "no backend installed"
  for be in "${bes[@]}"; do
    mapfile -t defs < <(backend_defs "libvl2-$be")
    b=$VL2_WORK/$mode-$be
    def=${defs[1]#-D}
    cmake_consumer "$b" -DVL2_CONSUMER_BACKEND="$be" \
      -D"${defs[0]#-D}" -D"${def%%=*}=${def#*=}" ||
      fail "find_package(vl2 COMPONENTS $be) + vl2::$be"
    run_consumer "$b/consumer" shared
    echo "== vl2::$be OK"
  done
  # A component that is not installed: fails, and the message names it.
  b=$VL2_WORK/$mode-missing
  if out=$(cmake_consumer "$b" -DVL2_CONSUMER_BACKEND=nosuchbackend \
           -DVL2_CONSUMER_BACKEND_OPS=x 2>&1); then
    fail "find_package(vl2 REQUIRED COMPONENTS nosuchbackend) succeeded"
  fi
  out=$(tr -s ' \n' ' ' <<<"$out")  # CMake wraps the message
  grep -q 'has no component nosuchbackend' <<<"$out" ||
    { echo "$out"; fail "the missing-component message does not name it"; }
  echo "== missing component: $(grep -o 'has no component [a-z]*' <<<"$out")"
  # Version rule: same minor while 0.x (SameMinorVersion).
  IFS=. read -r vmaj vmin _ <<<"$VL2_VERSION"
  b=$VL2_WORK/$mode-version
  cmake_consumer "$b" -DVL2_CONSUMER_VERSION="$vmaj.$vmin" >/dev/null ||
    fail "find_package(vl2 $vmaj.$vmin) failed"
  if [ "$vmaj" = 0 ]; then
    for v in "0.$((vmin + 1))" "0.$((vmin + 1)).0"; do
      if cmake_consumer "$b" -DVL2_CONSUMER_VERSION="$v" >/dev/null 2>&1; then
        fail "find_package(vl2 $v) accepted $VL2_VERSION (0.x: same minor)"
      fi
    done
    if [ "$vmin" -gt 0 ] &&
      cmake_consumer "$b" -DVL2_CONSUMER_VERSION="0.$((vmin - 1))" >/dev/null 2>&1; then
      fail "find_package(vl2 0.$((vmin - 1))) accepted $VL2_VERSION (0.x: same minor)"
    fi
  fi
  echo "== version rule OK"
  ;;

relocate)
  # Install, then move the tree: programs run (relative RUNPATH), the .pc
  # files (relative prefix) and the CMake package still work from there.
  if [ "$VL2_INSTALL_PREFIX" = /usr ]; then
    echo "configured for /usr (no RPATH, absolute .pc): nothing to relocate"
    exit 77
  fi
  x=$VL2_WORK/reloc-x y=$VL2_WORK/reloc-y
  rm -rf "$x" "$y"
  "$VL2_CMAKE" --install "$VL2_BUILD" --prefix "$x" >/dev/null
  mv "$x" "$y"
  prefix=$y
  nprog=0
  for p in "$y"/bin/* "$y"/sbin/*; do
    [ -f "$p" ] && [ -x "$p" ] && head -c4 "$p" | grep -q 'ELF' || continue
    readelf -d "$p" | grep -q 'R.*PATH.*\$ORIGIN/\.\./lib' ||
      fail "$p has no \$ORIGIN-relative RUNPATH"
    case "$(basename "$p")" in
      vl2-scenario) args=(--quiet) ;;
      *) args=(--version) ;;
    esac
    out=$(env -u LD_LIBRARY_PATH "$p" "${args[@]}" 2>&1) ||
      { echo "$out"; fail "moved $(basename "$p") ${args[*]} failed"; }
    echo "== $(basename "$p") ${args[*]}: ${out%%$'\n'*}"
    nprog=$((nprog + 1))
  done
  echo "== $nprog programs ran from the moved tree"
  use_installed_pc
  be=pcap
  [ -f "$(dirname "${pcs[0]}")/libvl2-pcap.pc" ] || be=${pc_names[1]#libvl2-}
  flags=$(pkg-config --cflags --libs "libvl2-$be")
  grep -q -- "-L$y/" <<<"$flags" || fail "pkg-config libvl2-$be: '$flags' does not name $y"
  mapfile -t defs < <(backend_defs "libvl2-$be")
  # shellcheck disable=SC2086
  "$VL2_CC" "${san[@]}" -std=c11 "${defs[@]}" "$VL2_SRC/consumer.c" \
    -o "$VL2_WORK/consumer-reloc" $flags || fail "build with libvl2-$be.pc"
  run_consumer "$VL2_WORK/consumer-reloc" shared
  b=$VL2_WORK/$mode-cmake
  cmake_consumer "$b" -DVL2_CONSUMER_BACKEND="$be" \
    -DVL2_CONSUMER_BACKEND_OPS="${defs[1]#*=}" || fail "find_package from $y"
  grep -q "^vl2_DIR:PATH=$y/" "$b/CMakeCache.txt" || fail "vl2_DIR not under $y"
  run_consumer "$b/consumer" shared
  # The Python package finds the moved libraries relative to itself.
  w=$(find "$y" -path '*/vl2/_where.py' -print -quit)
  if [ -n "$w" ] && [ -x /usr/bin/python3 ] && [ -z "${VL2_SANITIZE:-}" ]; then
    out=$(cd "$VL2_WORK" && env -u VL2_LIBRARY -u LD_LIBRARY_PATH \
      PYTHONPATH="$(dirname "$(dirname "$w")")" /usr/bin/python3 -c \
      'import vl2; print(vl2.lib_path); vl2.PcapWriter("/dev/null").close()') ||
      fail "import vl2 from the moved tree: $out"
    grep -q "^$y/" <<<"$out" || fail "vl2 loaded $out, not from $y"
    echo "== python: $(head -1 <<<"$out")"
  fi
  rm -rf "$y"
  ;;

exports)
  mapfile -t sos < <(find "$(libdir)" -maxdepth 1 -name 'libvl2*.so' | sort)
  "$VL2_PYTHON" "$VL2_SRC/check_exports.py" --nm "$VL2_NM" \
    "$prefix/include/vl2" "${sos[@]}"
  ;;

*)
  echo "usage: run.sh install|pkgconfig|static|cmake|cmake-static|cmake-components|relocate|exports" >&2
  exit 2
  ;;
esac
echo "consumer $mode: OK"

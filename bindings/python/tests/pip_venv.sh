#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# bindings.pip: `pip install` of the bindings into a fresh venv
# (python3 -m venv --system-site-packages, offline: the system's setuptools
# and pycparser, no index), then the 3-port scenario with the venv's
# interpreter, from another directory and without VL2_LIBRARY or
# LD_LIBRARY_PATH: the library must be found automatically.
#   pip_venv.sh PYTHON PACKAGE_DIR WORK_DIR
set -eu
py=$1 pkg=$2 work=$3
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
"$py" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/pip" install -q --no-index --no-build-isolation "$pkg"
cd "$work"
unset VL2_LIBRARY LD_LIBRARY_PATH PYTHONPATH
where=$("$work/venv/bin/python" -c 'import vl2; print(vl2.__file__)')
case "$where" in
  "$work"/venv/*) echo "vl2 imported from $where" ;;
  *) echo "FAIL: vl2 imported from $where, not the venv"; exit 1 ;;
esac
"$work/venv/bin/python" "$pkg/examples/scenario3.py"

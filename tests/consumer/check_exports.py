#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The exported-symbols check: what the installed libvl2 shared libraries
export is exactly what the installed public headers declare VL2_EXTERN.

- every exported symbol starts with vl2_ and is declared in a header;
- every VL2_EXTERN function (or object) is exported by one of the
  libraries (libvl2.so, and the backends' libvl2-*.so).

Usage: check_exports.py [--nm NM] INCLUDE_DIR LIB.so [LIB.so ...]
Standard library only.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

# Defined by the linker in every shared object, not by libvl2's code.
LINKER_SYMBOLS = {"_init", "_fini", "_edata", "_end", "__bss_start"}
# Added by instrumentation: ASan's ODR indicators for exported objects.
INSTRUMENTATION_PREFIXES = ("__odr_asan.", "__odr_asan_gen_")
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip_c(text):
    """Remove comments, string literals and preprocessor lines."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"\\\n", " ", text)          # line continuations
    text = re.sub(r"^\s*#[^\n]*", " ", text, flags=re.M)
    return re.sub(r'"(\\.|[^"\\])*"', '""', text)


def declared(include_dir):
    """{name: header} for every VL2_EXTERN declaration."""
    out = {}
    for path in sorted(glob.glob(os.path.join(include_dir, "*.h"))):
        with open(path, encoding="utf-8") as f:
            text = strip_c(f.read())
        for m in re.finditer(r"\bVL2_EXTERN\b([^;{]*)", text):
            decl = m.group(1)
            fp = re.search(r"\(\s*\*\s*(" + IDENT + r")", decl)
            fn = re.search(r"(" + IDENT + r")\s*\(", decl)
            if fp and (not fn or fp.start() < fn.start()):
                name = fp.group(1)          # returns a function pointer
            elif fn:
                name = fn.group(1)          # a function
            else:
                ids = re.findall(IDENT, re.sub(r"\[[^\]]*\]", "", decl))
                if not ids:
                    continue
                name = ids[-1]              # an object
            out[name] = os.path.basename(path)
    return out


def exported(nm, lib):
    res = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True)
    syms = set()
    for line in res.stdout.splitlines():
        fields = line.split()
        if len(fields) >= 3 and fields[1] not in ("A",):
            syms.add(fields[2].split("@")[0])
    return {s for s in syms - LINKER_SYMBOLS
            if not s.startswith(INSTRUMENTATION_PREFIXES)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nm", default="nm")
    ap.add_argument("include_dir")
    ap.add_argument("libs", nargs="+")
    a = ap.parse_args()

    decl = declared(a.include_dir)
    if not decl:
        print(f"exports: no VL2_EXTERN declarations under {a.include_dir}")
        return 1
    errors = []
    by_lib = {}
    for lib in a.libs:
        by_lib[lib] = exported(a.nm, lib)
        for sym in sorted(by_lib[lib]):
            if not sym.startswith("vl2_"):
                errors.append(f"{os.path.basename(lib)} exports '{sym}', "
                              "which lacks the vl2_ prefix")
            elif sym not in decl:
                errors.append(f"{os.path.basename(lib)} exports '{sym}', "
                              "which no public header declares VL2_EXTERN")
    all_exported = set().union(*by_lib.values())
    for name, header in sorted(decl.items()):
        if name not in all_exported:
            errors.append(f"vl2/{header} declares '{name}' VL2_EXTERN, but "
                          "no installed libvl2 library exports it (not "
                          "implemented yet, or its definition is hidden)")

    for lib, syms in by_lib.items():
        print(f"exports: {os.path.basename(lib)}: {len(syms)} symbols")
    print(f"exports: headers declare {len(decl)} VL2_EXTERN symbols")
    for e in errors:
        print("exports: " + e)
    if errors:
        print(f"exports: FAIL: {len(errors)} problem(s)")
        return 1
    print("exports: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())

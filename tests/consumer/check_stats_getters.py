#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Every counter getter of the public headers takes the caller's struct
size (the `_versioned` scheme of lib/vl2_stats.h):

- a VL2_EXTERN function with an out parameter of a `vl2_*stats` struct
  (a non-const pointer) is named NAME_versioned, takes `size_t st_size`
  just before that parameter, and its header defines the NAME(...) macro
  that passes sizeof;
- the only exception is a 0.1 symbol kept for old binaries: its comment
  says @deprecated and NAME_versioned is declared too.

Usage: check_stats_getters.py INCLUDE_DIR    (include/vl2)
       check_stats_getters.py --selftest     (proves it can fail)
Standard library only.
"""
import glob
import os
import re
import sys
import tempfile

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
DECL = re.compile(r"(/\*\*(?:(?!\*/).)*\*/)?\s*VL2_EXTERN\b([^;{]*);", re.S)
STATS_OUT = re.compile(r"^(?!const\b)(vl2_" + IDENT + r"stats)\s*\*\s*"
                       + IDENT + r"$")


def params(decl):
    """The function name and its parameters, or (None, None)."""
    m = re.search(r"(" + IDENT + r")\s*\((.*)\)\s*$", decl.strip(), re.S)
    if not m:
        return None, None
    return m.group(1), [" ".join(p.split()) for p in m.group(2).split(",")]


def check_header(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    errors, seen = [], 0
    for m in DECL.finditer(text):
        doc, decl = m.group(1) or "", m.group(2)
        name, ps = params(decl)
        if name is None:
            continue
        for i, p in enumerate(ps):
            sm = STATS_OUT.match(p)
            if not sm:
                continue
            seen += 1
            where = f"{os.path.basename(path)}: {name}()"
            if "@deprecated" in doc:
                if not re.search(r"\b" + name + r"_versioned\s*\(", text):
                    errors.append(f"{where}: deprecated, but no "
                                  f"{name}_versioned() beside it")
                continue
            if not name.endswith("_versioned"):
                errors.append(f"{where}: writes a {sm.group(1)} without "
                              "taking its size; make it "
                              f"{name}_versioned(..., size_t st_size, ...) "
                              "and a macro")
                continue
            if i == 0 or not re.fullmatch(r"size_t " + IDENT, ps[i - 1]):
                errors.append(f"{where}: the parameter before the "
                              f"{sm.group(1)} is not a size_t size")
            macro = name[: -len("_versioned")]
            if not re.search(r"#\s*define\s+" + macro + r"\(", text):
                errors.append(f"{where}: no {macro}() macro passing sizeof")
    return errors, seen


def check_dir(include_dir):
    errors, seen = [], 0
    for path in sorted(glob.glob(os.path.join(include_dir, "*.h"))):
        e, n = check_header(path)
        errors += e
        seen += n
    return errors, seen


def selftest():
    """A fixed-size getter, one without its macro and one without a size
    must each be reported; the good shapes must not."""
    bad = """
/** Doc. */
VL2_EXTERN int vl2_a_get_stats(const vl2_a *a, vl2_a_stats *st);
/** Doc. */
VL2_EXTERN int vl2_b_get_stats_versioned(const vl2_b *b, size_t st_size,
                                         vl2_b_stats *st);
/** Doc. */
VL2_EXTERN int vl2_c_get_stats_versioned(const vl2_c *c, vl2_c_stats *st);
#define vl2_c_get_stats(c, st) vl2_c_get_stats_versioned((c), (st))
"""
    good = """
/** Doc. */
VL2_EXTERN int vl2_d_get_stats_versioned(const vl2_d *d, size_t st_size,
                                         vl2_d_stats *st);
/** Old. @deprecated Since 0.2.0. */
VL2_EXTERN int vl2_d_get_stats(const vl2_d *d, vl2_d_stats *st);
#define vl2_d_get_stats(d, st)                                                 \\
  vl2_d_get_stats_versioned((d), sizeof(vl2_d_stats), (st))
/** Reads a config, not counters. */
VL2_EXTERN int vl2_d_set(vl2_d *d, const vl2_d_stats *st);
"""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "bad.h"), "w", encoding="utf-8") as f:
            f.write(bad)
        errors, seen = check_dir(d)
        os.remove(os.path.join(d, "bad.h"))
        with open(os.path.join(d, "good.h"), "w", encoding="utf-8") as f:
            f.write(good)
        gerrors, gseen = check_dir(d)
    ok = (seen == 3 and len(errors) == 3 and gseen == 2 and not gerrors)
    for e in errors + gerrors:
        print(f"selftest: {e}")
    print(f"selftest: bad {seen} getters, {len(errors)} reported; "
          f"good {gseen} getters, {len(gerrors)} reported: "
          f"{'OK' if ok else 'FAIL'}")
    return 0 if ok else 1


def main():
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    if sys.argv[1] == "--selftest":
        return selftest()
    errors, seen = check_dir(sys.argv[1])
    for e in errors:
        print(f"stats getters: {e}")
    if seen == 0:
        print(f"stats getters: no counter getter under {sys.argv[1]}")
        return 1
    print(f"stats getters: {seen} checked, {len(errors)} not versioned")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The purity check: the core's static library may leave undefined only
the symbols on an allowlist (tests/purity/allowlist.txt).

A symbol is "left undefined" when some archive member references it and no
member defines it. Each allowlist line is `SYMBOL [MEMBER-GLOB]`; the glob
limits which members may reference it (malloc only from vl2_mem.c.o).

Usage:
  check_purity.py [--nm NM] ALLOWLIST ARCHIVE
      exit 0 when clean, 1 listing every violation.
  check_purity.py [--nm NM] --expect-reject SYM[,SYM...] ALLOWLIST ARCHIVE
      the self-test: exit 0 only when the check rejects ARCHIVE and names
      every SYM among the violations.
Standard library only.
"""
import argparse
import fnmatch
import re
import subprocess
import sys

MEMBER_RE = re.compile(r"^(?P<archive>.*?)\[(?P<member>[^\]]+)\]: (?P<rest>.*)$")


def nm_lines(nm, archive, which):
    out = subprocess.run([nm, "-A", "-P", which, archive], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    for line in out.splitlines():
        m = MEMBER_RE.match(line)
        if m:
            member, rest = m.group("member"), m.group("rest")
        else:  # a plain object file, not an archive: "file.o: sym T ..."
            member, _, rest = line.partition(": ")
        fields = rest.split()
        if len(fields) >= 2:
            yield member, fields[0], fields[1]


def load_allowlist(path):
    rules = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            fields = line.split("#", 1)[0].split()
            if not fields:
                continue
            if len(fields) > 2:
                sys.exit(f"{path}:{n}: expected SYMBOL [MEMBER-GLOB]")
            rules.append((fields[0], fields[1] if len(fields) == 2 else "*"))
    return rules


def violations(nm, archive, rules):
    defined = {sym for _, sym, t in nm_lines(nm, archive, "--defined-only")
               if t.isupper() or t in "vw"}
    bad = []
    for member, sym, _ in nm_lines(nm, archive, "--undefined-only"):
        if sym in defined:
            continue
        if not any(sym == s and fnmatch.fnmatchcase(member, g)
                   for s, g in rules):
            bad.append((member, sym))
    return sorted(set(bad))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nm", default="nm")
    ap.add_argument("--expect-reject", metavar="SYMS")
    ap.add_argument("allowlist")
    ap.add_argument("archive")
    a = ap.parse_args()

    bad = violations(a.nm, a.archive, load_allowlist(a.allowlist))
    for member, sym in bad:
        print(f"purity: {a.archive}[{member}] references '{sym}', "
              f"which is not on {a.allowlist}")

    if a.expect_reject is None:
        if bad:
            print(f"purity: FAIL: {len(bad)} reference(s) the pure core may "
                  "not make (lib/ must not call the OS or libc; see "
                  "docs/architecture.md). Remove the call, or add the symbol to the "
                  "allowlist on purpose.")
            return 1
        print(f"purity: OK: {a.archive} leaves only allowlisted symbols "
              "undefined")
        return 0

    want = {s for s in a.expect_reject.split(",") if s}
    missed = want - {sym for _, sym in bad}
    if missed:
        print(f"purity self-test: FAIL: the check did not reject "
              f"{', '.join(sorted(missed))}")
        return 1
    print(f"purity self-test: OK: the check rejects {', '.join(sorted(want))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

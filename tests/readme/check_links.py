#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Every relative link in the repository's Markdown files names a file or
directory inside the repository.

Usage: check_links.py ROOT            check ROOT/*.md and ROOT/docs/*.md
       check_links.py --self-test     prove the check rejects a link to a
                                      missing file and one that leaves the
                                      tree (../shared/DESIGN.md)
Exit 0 when every link resolves, 1 otherwise.
"""
import glob
import os
import re
import sys
import tempfile

# [text](target) and [text](target "title"); images too.
LINK = re.compile(r"\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^\s*```")


def links(path):
    """(line number, target) of each link outside code blocks."""
    out = []
    in_code = False
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if FENCE.match(line):
                in_code = not in_code
                continue
            if in_code:
                continue
            for m in LINK.finditer(re.sub(r"`[^`]*`", "", line)):
                out.append((n, m.group(1)))
    return out


def check(root):
    root = os.path.realpath(root)
    files = sorted(glob.glob(os.path.join(root, "*.md")) +
                   glob.glob(os.path.join(root, "docs", "*.md")))
    bad = 0
    count = 0
    for md in files:
        for n, target in links(md):
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or \
                    target.startswith("#"):
                continue  # http:, mailto:, in-page anchors
            count += 1
            rel = target.split("#", 1)[0]
            dest = os.path.realpath(os.path.join(os.path.dirname(md), rel))
            where = "%s:%d: %s" % (os.path.relpath(md, root), n, target)
            if os.path.commonpath([root, dest]) != root:
                print("FAIL %s: outside the repository" % where)
                bad += 1
            elif not os.path.exists(dest):
                print("FAIL %s: no such file" % where)
                bad += 1
    print("%d relative links in %d files, %d bad" % (count, len(files), bad))
    return 1 if bad or not files else 0


def self_test():
    with tempfile.TemporaryDirectory() as d:
        repo = os.path.join(d, "repo")
        os.makedirs(os.path.join(repo, "docs"))
        os.makedirs(os.path.join(d, "shared"))
        open(os.path.join(d, "shared", "DESIGN.md"), "w").close()
        open(os.path.join(repo, "docs", "a.md"), "w").close()
        good = "[a](docs/a.md) [w](https://example.org) [x](#top)\n" \
               "```\n[not a link](../nowhere.md)\n```\n"
        cases = [(good, 0),
                 (good + "[d](../shared/DESIGN.md)\n", 1),
                 (good + "[m](docs/missing.md)\n", 1)]
        for text, want in cases:
            with open(os.path.join(repo, "README.md"), "w") as f:
                f.write(text)
            got = check(repo)
            if got != want:
                print("self-test: FAIL: exit %d, want %d for:\n%s" %
                      (got, want, text))
                return 1
    print("self-test: ok")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 2 and sys.argv[1] == "--self-test":
        sys.exit(self_test())
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    sys.exit(check(sys.argv[1]))

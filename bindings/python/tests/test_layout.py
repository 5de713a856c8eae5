# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""The generated ctypes structures have the C structures' sizes and field
offsets, and the generated constants the C values.

vl2/_structs.py is generated from the headers at build time (vl2gen.py);
here a C program compiled against the headers the library was built from
prints sizeof/offsetof of every generated structure and field and the value
of every generated constant, and the two sides must agree. Headers:
VL2_INCLUDE_DIRS (os.pathsep-separated; CTest sets it), else the source
tree's include/ plus the build's include/. The compiler is $CC or cc;
without one the test is skipped.

test_detects_a_struct_changed_on_one_side proves the check can fail: a
copy of the headers with a field added to vl2_verdict (the C side changed,
the Python side not regenerated) must be reported.
"""
import ctypes
import os
import shutil
import subprocess
import tempfile
import unittest

import vl2
from vl2 import _lib as L
from vl2 import _structs as S

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def include_dirs():
    env = os.environ.get("VL2_INCLUDE_DIRS")
    if env:
        return [d for d in env.split(os.pathsep) if d]
    dirs = [os.path.join(ROOT, "include")]
    libdir = os.path.dirname(os.path.realpath(L.lib_path))
    dirs.append(os.path.join(os.path.dirname(libdir), "include"))
    return dirs


def compiler():
    cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
    if not cc or not shutil.which(cc.split()[0]):
        return None
    return cc


def layout_mismatches(structs, dirs, cc):
    """Compare a generated module with what the C compiler makes of the
    headers in `dirs`; return the differences as strings."""
    lines = ["#include <stddef.h>", "#include <stdio.h>"]
    lines += ["#include <vl2/%s>" % h for h in structs.HEADERS]
    lines.append("int main(void) {")
    want = {}
    for cname, cls in structs.STRUCTS.items():
        lines.append('printf("%s %%zu\\n", sizeof(%s));' % (cname, cname))
        want[cname] = ctypes.sizeof(cls)
        for fname, _ in cls._fields_:
            key = "%s.%s" % (cname, fname)
            lines.append('printf("%s %%zu\\n", offsetof(%s, %s));' %
                         (key, cname, fname))
            want[key] = getattr(cls, fname).offset
    for name, value in structs.CONSTANTS.items():
        lines.append('printf("%s %%lld\\n", (long long)(%s));' % (name, name))
        want[name] = value if value < 2**63 else value - 2**64
    lines += ["return 0;", "}"]
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "layout.c")
        exe = os.path.join(d, "layout")
        with open(src, "w") as f:
            f.write("\n".join(lines) + "\n")
        cmd = cc.split() + ["-std=c11", "-o", exe, src]
        for inc in dirs:
            cmd += ["-I", inc]
        # Not under the sanitizer runtime the ASan build preloads.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if r.returncode != 0:
            return ["the layout program does not compile: " + r.stderr]
        out = subprocess.run([exe], capture_output=True, text=True,
                             check=True, env=env).stdout
    got = dict(line.rsplit(" ", 1) for line in out.splitlines())
    return ["%s: C %s, Python %d" % (k, got.get(k), v)
            for k, v in sorted(want.items()) if int(got.get(k, -1)) != v]


class LayoutTest(unittest.TestCase):
    def setUp(self):
        self.cc = compiler()
        if not self.cc:
            self.skipTest("no C compiler to read the headers' layouts")

    def test_struct_layouts_match_c(self):
        self.assertGreater(len(S.STRUCTS), 10)
        for c in ("vl2_verdict", "vl2_dest", "vl2_event", "vl2_neigh_entry",
                  "vl2_vxlan_config", "vl2_switch_stats"):
            self.assertIn(c, S.STRUCTS)
        bad = layout_mismatches(S, include_dirs(), self.cc)
        self.assertEqual(bad, [], "generated structures differ from C")

    def test_detects_a_struct_changed_on_one_side(self):
        with tempfile.TemporaryDirectory() as d:
            dirs = []
            for i, inc in enumerate(include_dirs()):
                dst = os.path.join(d, str(i))
                if os.path.isdir(inc):
                    shutil.copytree(inc, dst)
                    dirs.append(dst)
            h = os.path.join(dirs[0], "vl2", "switch.h")
            with open(h) as f:
                text = f.read()
            tag = "typedef struct vl2_verdict {"
            self.assertIn(tag, text)
            with open(h, "w") as f:
                f.write(text.replace(tag, tag + " uint32_t added_in_c;", 1))
            bad = layout_mismatches(S, dirs, self.cc)
        self.assertTrue(any(b.startswith("vl2_verdict") for b in bad), bad)

    def test_every_function_is_typed(self):
        self.assertIn("vl2_switch_process", S.FUNCTIONS)
        self.assertIsNotNone(L.lib.vl2_switch_process.argtypes)

    def test_drop_reasons_named(self):
        self.assertEqual(vl2.DROP_REASONS[0], "none")
        self.assertEqual(vl2.drop_reason_name(5), "tagged_on_access")
        self.assertEqual(vl2.drop_reason_name(1000), "unknown")
        self.assertEqual(str(vl2.DropReason(5)), "tagged_on_access")
        self.assertLessEqual(len(vl2.DROP_REASONS), len(L.SwitchStats().drops))

    def test_errors_map_codes(self):
        for code, cls in [(-201, vl2.InvalidArgument), (-202, vl2.NoMemory),
                          (-203, vl2.NoBuffer), (-204, vl2.AlreadyExists),
                          (-205, vl2.NotFound), (-206, vl2.LimitReached),
                          (-207, vl2.VersionMismatch), (-208, vl2.Busy),
                          (-209, vl2.Malformed), (-210, vl2.Unsupported),
                          (-211, vl2.Again), (-212, vl2.Closed)]:
            e = vl2.error_for(code, vl2.strerror(code))
            self.assertIsInstance(e, cls)
            self.assertIsInstance(e, vl2.Vl2Error)
            self.assertEqual(e.code, code)
            self.assertNotEqual(vl2.strerror(code), "unknown error")
        e = vl2.error_for(-2)
        self.assertIsInstance(e, OSError)
        self.assertEqual(e.errno, 2)
        self.assertTrue(issubclass(vl2.NotFound, LookupError))
        self.assertTrue(issubclass(vl2.InvalidArgument, ValueError))

    def test_version(self):
        self.assertRegex(vl2.version(), r"^\d+\.\d+\.\d+")

    def test_version_rule(self):
        # Bindings generated from 0.1.0 headers: 0.1.x only; from 1.2.0
        # headers: 1.y with y >= 2.
        self.assertTrue(L.compatible(0x000100, 0x000100))
        self.assertTrue(L.compatible(0x000103, 0x000100))
        self.assertFalse(L.compatible(0x000200, 0x000100))
        self.assertFalse(L.compatible(0x000100, 0x000101))
        self.assertTrue(L.compatible(0x010300, 0x010200))
        self.assertFalse(L.compatible(0x020000, 0x010200))


if __name__ == "__main__":
    unittest.main()

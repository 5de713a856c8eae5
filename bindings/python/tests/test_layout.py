# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""The ctypes mirrors have the C structures' sizes and field offsets.

A C program generated from the ctypes definitions prints sizeof/offsetof for
every mirrored structure and field, compiled against the headers the library
was built from: VL2_INCLUDE_DIRS (os.pathsep-separated; CTest sets it), or
the source tree's include/ plus the build's include/ next to VL2_LIBRARY.
The compiler is $CC or cc; without one the test is skipped.
"""
import ctypes
import os
import shutil
import subprocess
import tempfile
import unittest

import vl2
from vl2 import _lib as L

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))

# ctypes class -> (C type, compare the size too)
MIRRORS = {
    L.Mac: ("vl2_mac", True),
    L.IpAddr: ("vl2_ipaddr", True),
    L.SwitchConfigPrefix: ("vl2_switch_config", False),
    L.PortConfig: ("vl2_port_config", True),
    L.SegmentConfig: ("vl2_segment_config", True),
    L.Frame: ("vl2_frame", True),
    L.Dest: ("vl2_dest", True),
    L.Verdict: ("vl2_verdict", True),
    L.Event: ("vl2_event", True),
    L.PortStats: ("vl2_port_stats", True),
    L.SegmentStats: ("vl2_segment_stats", True),
    L.SwitchStats: ("vl2_switch_stats", True),
    L.FdbEntry: ("vl2_fdb_entry", True),
    L.EthInfo: ("vl2_eth_info", True),
    L.Info: ("vl2_info", True),
}


def include_dirs():
    env = os.environ.get("VL2_INCLUDE_DIRS")
    if env:
        return [d for d in env.split(os.pathsep) if d]
    dirs = [os.path.join(ROOT, "include")]
    libdir = os.path.dirname(os.path.realpath(L.lib_path))
    dirs.append(os.path.join(os.path.dirname(libdir), "include"))
    return dirs


class LayoutTest(unittest.TestCase):
    def test_struct_layouts_match_c(self):
        cc = os.environ.get("CC") or shutil.which("cc") or shutil.which("gcc")
        if not cc or not shutil.which(cc.split()[0]):
            self.skipTest("no C compiler to read the headers' layouts")
        lines = ["#include <stddef.h>", "#include <stdio.h>",
                 "#include <vl2/vl2.h>", "int main(void) {"]
        want = {}
        for cls, (cname, sized) in MIRRORS.items():
            if sized:
                lines.append('printf("%s %%zu\\n", sizeof(%s));' %
                             (cname, cname))
                want[cname] = ctypes.sizeof(cls)
            for fname, _ in cls._fields_:
                key = "%s.%s" % (cname, fname)
                lines.append('printf("%s %%zu\\n", offsetof(%s, %s));' %
                             (key, cname, fname))
                want[key] = getattr(cls, fname).offset
        lines += ["return 0;", "}"]
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "layout.c")
            exe = os.path.join(d, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines) + "\n")
            cmd = cc.split() + ["-std=c11", "-o", exe, src]
            for inc in include_dirs():
                cmd += ["-I", inc]
            # Not under the sanitizer runtime the ASan build preloads.
            env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
            r = subprocess.run(cmd, capture_output=True, text=True, env=env)
            self.assertEqual(r.returncode, 0, r.stderr)
            out = subprocess.run([exe], capture_output=True, text=True,
                                 check=True, env=env).stdout
        got = dict(line.rsplit(" ", 1) for line in out.splitlines())
        bad = ["%s: C %s, ctypes %d" % (k, got.get(k), v)
               for k, v in sorted(want.items()) if int(got.get(k, -1)) != v]
        self.assertEqual(bad, [], "ctypes mirrors differ from the headers")

    def test_drop_reasons_named(self):
        self.assertEqual(vl2.DROP_REASONS[0], "none")
        self.assertEqual(vl2.drop_reason_name(5), "tagged_on_access")
        self.assertEqual(vl2.drop_reason_name(1000), "unknown")
        self.assertLessEqual(len(vl2.DROP_REASONS), L.DROP_REASON_MAX)

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


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""pip install support: generate vl2/_structs.py from the installed headers.

A package staged or installed by CMake already has vl2/_structs.py. Built
by pip from the source tree it has none, so it is generated here
(vl2gen.py) from libvl2's headers: $VL2_INCLUDE_DIRS (os.pathsep list),
else `pkg-config --variable=includedir libvl2` (libvl2-dev, or a prefix on
PKG_CONFIG_PATH), else ../../include of the source tree. Needs a C
compiler's preprocessor ($CC or cc) and pycparser.
"""
import os
import subprocess
import sys

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))


def include_dirs():
    env = os.environ.get("VL2_INCLUDE_DIRS")
    if env:
        return [d for d in env.split(os.pathsep) if d]
    try:
        d = subprocess.run(["pkg-config", "--variable=includedir", "libvl2"],
                           check=True, stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True).stdout.strip()
        if d and os.path.exists(os.path.join(d, "vl2", "common.h")):
            return [d]
    except (OSError, subprocess.CalledProcessError):
        pass
    return [os.path.join(HERE, "..", "..", "include")]


class BuildPy(build_py):
    def run(self):
        super().run()
        out = os.path.join(self.build_lib, "vl2", "_structs.py")
        if os.path.exists(out):
            return
        sys.path.insert(0, HERE)
        import vl2gen
        vl2gen.main(["-o", out] + [a for d in include_dirs()
                                   for a in ("-I", d)])


setup(cmdclass={"build_py": BuildPy})

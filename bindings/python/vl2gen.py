#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Generate vl2/_structs.py from libvl2's public headers.

The Python bindings never copy a C layout by hand: every ``typedef struct``
of ``include/vl2/*.h`` becomes a ctypes Structure with the same fields in
the same order, every ``VL2_EXTERN`` function a (restype, argtypes) entry,
every integer ``VL2_*`` macro and enumerator a constant. The C compiler's
preprocessor reads the headers (with stand-in <stdint.h>, <stddef.h>,
<stdbool.h>: the public headers include nothing else), pycparser parses
them. ctypes then lays the structures out by the platform's C rules;
tests/test_layout.py checks every size and offset against the compiler.

    vl2gen.py [--cc CC] -I INCLUDE_DIR [-I DIR]... -o vl2/_structs.py|-

Run by the build (CMake stages and installs the result) and by setup.py
(pip install), never by hand; the output is not kept in the source tree.
"""
import argparse
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

from pycparser import c_ast, c_parser

_FAKE = {
    "stdint.h": """
typedef int int8_t; typedef int int16_t; typedef int int32_t;
typedef int int64_t; typedef int uint8_t; typedef int uint16_t;
typedef int uint32_t; typedef int uint64_t; typedef int uintptr_t;
typedef int intptr_t;
#define UINT8_MAX 0xff
#define UINT16_MAX 0xffff
#define UINT32_MAX 0xffffffffu
#define UINT64_MAX 0xffffffffffffffffull
#define INT32_MAX 0x7fffffff
""",
    "stddef.h": """
typedef int size_t; typedef int ptrdiff_t;
#define NULL ((void *)0)
#define offsetof(t, m) 0
""",
    "stdbool.h": """
typedef int bool;
#define true 1
#define false 0
""",
}

# Stand-in typedef name -> ctypes type name.
_BASE = {
    "int8_t": "C.c_int8", "int16_t": "C.c_int16", "int32_t": "C.c_int32",
    "int64_t": "C.c_int64", "uint8_t": "C.c_uint8", "uint16_t": "C.c_uint16",
    "uint32_t": "C.c_uint32", "uint64_t": "C.c_uint64",
    "uintptr_t": "C.c_size_t", "intptr_t": "C.c_ssize_t",
    "size_t": "C.c_size_t", "ptrdiff_t": "C.c_ssize_t", "bool": "C.c_bool",
    "_Bool": "C.c_bool", "char": "C.c_char", "signed char": "C.c_byte",
    "unsigned char": "C.c_ubyte", "short": "C.c_short",
    "unsigned short": "C.c_ushort", "int": "C.c_int", "signed": "C.c_int",
    "signed int": "C.c_int", "unsigned": "C.c_uint",
    "unsigned int": "C.c_uint", "long": "C.c_long",
    "unsigned long": "C.c_ulong", "long long": "C.c_longlong",
    "unsigned long long": "C.c_ulonglong", "double": "C.c_double",
    "float": "C.c_float",
}


def headers(dirs):
    """Every public header once, vl2.h (the umbrella) excluded."""
    seen, out = set(), []
    for d in dirs:
        for h in sorted(glob.glob(os.path.join(d, "vl2", "*.h"))):
            name = os.path.basename(h)
            if name != "vl2.h" and name not in seen:
                seen.add(name)
                out.append(name)
    return out


def preprocess(cc, dirs, names, extra):
    with tempfile.TemporaryDirectory() as tmp:
        for n, text in _FAKE.items():
            with open(os.path.join(tmp, n), "w") as f:
                f.write(text)
        src = os.path.join(tmp, "all.c")
        with open(src, "w") as f:
            f.writelines("#include <vl2/%s>\n" % n for n in names)
        cmd = shlex.split(cc) + ["-E", "-nostdinc", "-I", tmp,
                                 "-DVL2_STATICLIB", "-D__attribute__(x)="]
        for d in dirs:
            cmd += ["-I", d]
        code = subprocess.run(cmd + ["-P", src], check=True,
                              stdout=subprocess.PIPE, text=True).stdout
        macros = subprocess.run(cmd + ["-dM", src], check=True,
                                stdout=subprocess.PIPE, text=True).stdout
    return code, macros


class Gen:
    def __init__(self):
        self.typedefs = {}    # typedef name -> AST type
        self.structs = []     # (name, [(field, ctype expr)])
        self.struct_names = set()
        self.opaque = set()
        self.enums = {}
        self.functions = []   # (name, restype, [argtypes])

    def const(self, node):
        if isinstance(node, c_ast.Constant):
            return int(node.value.rstrip("uUlL"), 0)
        if isinstance(node, c_ast.UnaryOp) and node.op == "-":
            return -self.const(node.expr)
        if isinstance(node, c_ast.BinaryOp):
            a, b = self.const(node.left), self.const(node.right)
            return {"+": a + b, "-": a - b, "*": a * b, "/": a // b,
                    "<<": a << b, ">>": a >> b, "|": a | b, "&": a & b}[node.op]
        if isinstance(node, c_ast.ID) and node.name in self.enums:
            return self.enums[node.name]
        if isinstance(node, c_ast.Cast):
            return self.const(node.expr)
        raise ValueError("not a constant: %r" % node)

    def ident(self, names):
        n = " ".join(names)
        if n in _BASE:
            return _BASE[n]
        if n in self.struct_names:
            return n
        if n in self.typedefs:
            return self.ctype(self.typedefs[n])
        raise ValueError("unknown type %s" % n)

    def ctype(self, t, ptr_ok=True):
        if isinstance(t, c_ast.TypeDecl):
            inner = t.type
            if isinstance(inner, c_ast.IdentifierType):
                return self.ident(inner.names)
            if isinstance(inner, c_ast.Struct):
                if inner.decls is not None:
                    raise ValueError("nested struct definition %s" % inner.name)
                return inner.name if inner.name in self.struct_names else "C.c_void_p"
            if isinstance(inner, c_ast.Enum):
                return "C.c_int"
            raise ValueError("type %r" % inner)
        if isinstance(t, c_ast.ArrayDecl):
            return "(%s * %d)" % (self.ctype(t.type), self.const(t.dim))
        if isinstance(t, c_ast.PtrDecl):
            target = t.type
            if isinstance(target, c_ast.FuncDecl):
                return "C.c_void_p"
            if isinstance(target, c_ast.TypeDecl) and \
                    isinstance(target.type, c_ast.IdentifierType):
                n = " ".join(target.type.names)
                if n == "char":
                    return "C.c_char_p"
                if n in ("void", "uint8_t", "unsigned char", "int8_t"):
                    return "C.c_void_p"
                if n in self.typedefs and n not in self.struct_names:
                    base = self.ctype(self.typedefs[n])
                    return "C.POINTER(%s)" % base
                if n in self.opaque:
                    return "C.c_void_p"
                return "C.POINTER(%s)" % self.ident(target.type.names)
            if isinstance(target, c_ast.TypeDecl) and \
                    isinstance(target.type, c_ast.Struct):
                n = target.type.name
                return "C.POINTER(%s)" % n if n in self.struct_names else "C.c_void_p"
            if isinstance(target, c_ast.PtrDecl):
                return "C.POINTER(C.c_void_p)"
            raise ValueError("pointer to %r" % target)
        raise ValueError("type %r" % t)

    def struct(self, name, s):
        fields = []
        for d in s.decls:
            if d.bitsize is not None:
                raise ValueError("bit-field %s.%s" % (name, d.name))
            fields.append((d.name, self.ctype(d.type)))
        self.struct_names.add(name)
        if s.name:
            self.struct_names.add(s.name)
        self.structs.append((name, s.name, fields))

    def visit(self, ast):
        for ext in ast.ext:
            if isinstance(ext, c_ast.FuncDef):
                continue
            t = ext.type
            if isinstance(ext, c_ast.Typedef) and ext.name in _BASE:
                continue    # the stand-in <stdint.h>/<stddef.h> types
            if isinstance(ext, c_ast.Typedef):
                inner = t.type if isinstance(t, c_ast.TypeDecl) else None
                if isinstance(inner, c_ast.Struct):
                    if inner.decls is not None:
                        self.struct(ext.name, inner)
                    elif inner.name not in self.struct_names:
                        self.opaque.add(ext.name)
                    continue
                if isinstance(inner, c_ast.Enum):
                    self.enum(inner)
                    self.typedefs[ext.name] = c_ast.TypeDecl(
                        ext.name, [], None, c_ast.IdentifierType(["int"]))
                    continue
                self.typedefs[ext.name] = t
                continue
            if isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.Struct) \
                    and t.type.decls is not None and ext.name is None:
                self.struct(t.type.name, t.type)
            elif isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.Enum):
                self.enum(t.type)
            elif isinstance(t, c_ast.FuncDecl) and ext.name.startswith("vl2_"):
                self.function(ext.name, t)

    def enum(self, e):
        val = -1
        for en in (e.values.enumerators if e.values else []):
            val = self.const(en.value) if en.value is not None else val + 1
            self.enums[en.name] = val

    def function(self, name, f):
        res = f.type
        if isinstance(res, c_ast.TypeDecl) and \
                isinstance(res.type, c_ast.IdentifierType) and \
                res.type.names == ["void"]:
            rt = "None"
        else:
            rt = self.ctype(res)
        args = []
        for p in (f.args.params if f.args else []):
            if isinstance(p, c_ast.EllipsisParam):
                raise ValueError("variadic %s" % name)
            if isinstance(p.type, c_ast.TypeDecl) and \
                    isinstance(p.type.type, c_ast.IdentifierType) and \
                    p.type.type.names == ["void"]:
                continue
            if isinstance(p.type, c_ast.ArrayDecl):   # T a[] is T *a
                p = c_ast.Decl(p.name, [], [], [], [], c_ast.PtrDecl(
                    [], p.type.type), None, None)
            args.append(self.ctype(p.type))
        self.functions.append((name, rt, args))


_SUFFIX = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b")
_CAST = re.compile(r"\(\s*(?:const\s+)?[a-z_][a-z0-9_ ]*\)(?=\s*[\w(])")


def macros(text, enums):
    """VL2_* macros with integer values (others are skipped)."""
    raw = {}
    for line in text.splitlines():
        m = re.match(r"#define (VL2_\w+) (.+)$", line)
        if m:
            raw[m.group(1)] = m.group(2).strip()
    out = {}

    def value(name, depth=0):
        if name in out:
            return out[name]
        if depth > 20 or name not in raw:
            raise ValueError(name)
        expr = _CAST.sub("", raw[name])
        expr = _SUFFIX.sub(r"\1", expr)
        expr = re.sub(r"\bUINT64_MAX\b", str(2**64 - 1), expr)
        expr = re.sub(r"\bUINT32_MAX\b", str(2**32 - 1), expr)
        expr = re.sub(r"\bUINT16_MAX\b", str(2**16 - 1), expr)

        def sub(m):
            n = m.group(0)
            if n in enums:
                return str(enums[n])
            return str(value(n, depth + 1))
        expr = re.sub(r"\bVL2_\w+\b", sub, expr)
        if not re.fullmatch(r"[\s0-9a-fA-FxX()+\-*/<>|&~]+", expr):
            raise ValueError(name)
        v = eval(expr.replace("/", "//"), {"__builtins__": {}})  # noqa: S307
        out[name] = v
        return v

    raw.pop("VL2_STATICLIB", None)   # ours, set to read the headers
    for name in sorted(raw):
        try:
            value(name)
        except (ValueError, SyntaxError, ZeroDivisionError):
            pass
    return out


def generate(dirs, cc="cc"):
    names = headers(dirs)
    if "common.h" not in names:
        raise SystemExit("vl2gen: no vl2/common.h in %s" % ", ".join(dirs))
    code, mtext = preprocess(cc, dirs, names, [])
    g = Gen()
    g.visit(c_parser.CParser().parse(code, "vl2-headers"))
    consts = dict(g.enums)
    consts.update(macros(mtext, g.enums))
    out = ['# Generated by bindings/python/vl2gen.py from the libvl2 headers',
           '# %s. Do not edit: regenerated at every build.' % ", ".join(names),
           '"""ctypes mirrors of libvl2\'s public structures, prototypes of',
           'its functions and its integer constants (generated)."""',
           "import ctypes as C", "",
           "HEADERS = %r" % names, ""]
    for name, tag, fields in g.structs:
        out.append("class %s(C.Structure):" % name)
        out.append('    """``%s``"""' % name)
        out.append("    _fields_ = [")
        for f, t in fields:
            out.append("        (%r, %s)," % (f, t))
        out.append("    ]")
        out.append("")
        if tag and tag != name:
            out.append("%s = %s" % (tag, name))
    out.append("")
    out.append("STRUCTS = {")
    for name, _, _ in g.structs:
        out.append("    %r: %s," % (name, name))
    out.append("}")
    out.append("")
    out.append("# name: (restype, [argtypes])")
    out.append("FUNCTIONS = {")
    for name, rt, args in g.functions:
        out.append("    %r: (%s, [%s])," % (name, rt, ", ".join(args)))
    out.append("}")
    out.append("")
    out.append("CONSTANTS = {")
    for k in sorted(consts):
        out.append("    %r: %d," % (k, consts[k]))
    out.append("}")
    return "\n".join(out) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-I", dest="dirs", action="append", required=True)
    ap.add_argument("-o", dest="out", required=True)
    ap.add_argument("--cc", default=os.environ.get("CC") or "cc")
    a = ap.parse_args(argv)
    text = generate(a.dirs, a.cc)
    if a.out == "-":
        sys.stdout.write(text)
        return 0
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, a.out)


if __name__ == "__main__":
    sys.exit(main())

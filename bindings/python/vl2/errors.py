# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Exceptions raised by the vl2 bindings, one class per ``VL2_ERR_*`` code.

Every class derives from :class:`Vl2Error`, which carries the numeric
``code`` and the library's message (``vl2_strerror``). Where a built-in
exception means the same thing the class derives from it too, so callers may
catch either (``NotFound`` is also a ``LookupError``, ``InvalidArgument`` a
``ValueError``, ``NoMemory`` a ``MemoryError``). Backend ``-errno`` values
(in (-200, 0)) become :class:`Vl2OSError`, an ``OSError``.
"""

import errno as _errno
import os as _os

__all__ = [
    "Vl2Error", "InvalidArgument", "NoMemory", "NoBuffer", "AlreadyExists",
    "NotFound", "LimitReached", "VersionMismatch", "Busy", "Malformed",
    "Unsupported", "Again", "Closed", "Vl2OSError", "error_for",
]


class Vl2Error(Exception):
    """Base class: a libvl2 call returned a negative error code.

    Attributes:
        code: the negative ``VL2_ERR_*`` (or ``-errno``) value.
        name: the C constant's name, e.g. ``"VL2_ERR_NOTFOUND"``.
    """

    code = None
    name = "VL2_ERR_UNKNOWN"

    def __init__(self, message=None, code=None, call=None):
        if code is not None:
            self.code = code
        self.call = call
        if message is None:
            message = "error %s" % self.code
        if call:
            message = "%s: %s" % (call, message)
        super().__init__(message)


class InvalidArgument(Vl2Error, ValueError):
    """``VL2_ERR_INVALID``: an argument is out of range or NULL."""
    code, name = -201, "VL2_ERR_INVALID"


class NoMemory(Vl2Error, MemoryError):
    """``VL2_ERR_NOMEM``: the allocator returned NULL."""
    code, name = -202, "VL2_ERR_NOMEM"


class NoBuffer(Vl2Error):
    """``VL2_ERR_NOBUF``: a caller-supplied buffer is too small."""
    code, name = -203, "VL2_ERR_NOBUF"


class AlreadyExists(Vl2Error):
    """``VL2_ERR_EXISTS``: the object to add exists already."""
    code, name = -204, "VL2_ERR_EXISTS"


class NotFound(Vl2Error, LookupError):
    """``VL2_ERR_NOTFOUND``: the object named does not exist."""
    code, name = -205, "VL2_ERR_NOTFOUND"


class LimitReached(Vl2Error):
    """``VL2_ERR_LIMIT``: a limit set at creation was reached."""
    code, name = -206, "VL2_ERR_LIMIT"


class VersionMismatch(Vl2Error):
    """``VL2_ERR_VERSION``: unknown config struct version."""
    code, name = -207, "VL2_ERR_VERSION"


class Busy(Vl2Error):
    """``VL2_ERR_BUSY``: the object is still in use."""
    code, name = -208, "VL2_ERR_BUSY"


class Malformed(Vl2Error, ValueError):
    """``VL2_ERR_MALFORMED``: input bytes are not a valid packet."""
    code, name = -209, "VL2_ERR_MALFORMED"


class Unsupported(Vl2Error):
    """``VL2_ERR_UNSUPPORTED``: valid, but not supported by libvl2."""
    code, name = -210, "VL2_ERR_UNSUPPORTED"


class Again(Vl2Error):
    """``VL2_ERR_AGAIN``: nothing available now; try later."""
    code, name = -211, "VL2_ERR_AGAIN"


class Closed(Vl2Error):
    """``VL2_ERR_CLOSED``: the device or object is gone (also raised when a
    closed :class:`vl2.Switch` is used)."""
    code, name = -212, "VL2_ERR_CLOSED"


class Vl2OSError(Vl2Error, OSError):
    """A backend's ``-errno`` value; ``errno`` is set."""
    name = "errno"


_BY_CODE = {c.code: c for c in (
    InvalidArgument, NoMemory, NoBuffer, AlreadyExists, NotFound,
    LimitReached, VersionMismatch, Busy, Malformed, Unsupported, Again,
    Closed)}


def error_for(code, message=None, call=None):
    """Return the exception instance for a negative return value ``code``."""
    cls = _BY_CODE.get(code)
    if cls is not None:
        return cls(message, code, call)
    if -200 < code < 0:
        e = Vl2OSError(message or _os.strerror(-code), code, call)
        e.errno = -code
        e.strerror = _os.strerror(-code)
        return e
    return Vl2Error(message, code, call)


del _errno

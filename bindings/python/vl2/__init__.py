# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Python bindings for libvl2, the embeddable virtual Layer-2 switch.

Pure ctypes over the shared library (``libvl2.so.0``): no compiled
extension. The structures, prototypes and constants are generated from the
C headers (``vl2/_structs.py``). The library is found where it was
installed (``_where.py``), else by its soname (see ``vl2._lib``).

A tour::

    import vl2
    with vl2.Switch(max_ports=8, ageing_ns=300 * vl2.SEC) as sw:
        sw.add_segment(100)
        sw.add_port(1)                      # access port, PVID 1
        sw.add_port(2, vl2.TRUNK)           # trunk, no native VLAN
        sw.map_vlan(1, 1, 100)
        sw.map_vlan(2, 10, 100)             # VLAN 10 on port 2 is VNI 100
        sw.add_remote(100, "192.0.2.7")     # a VTEP in the flood list
        v = sw.process_one(1, frame_bytes, now=0)
        for d in v.dests:                   # port 2 (push VID 10), remote
            wire = d.apply(frame_bytes)
        for ev in sw.events(): ...
        sw.stats().drops["tagged_on_access"]

Enums (:class:`Action`, :class:`DropReason`, :class:`EventType`,
:class:`NeighState`, :class:`VxlanReason`, ...) print as names. The
neighbour table is on :class:`Switch` (``neigh_*``); :class:`Vxlan`
encapsulates and decapsulates (RFC 7348); :class:`PcapReader` and
:class:`PcapWriter` read and write capture files through the pcap backend
(``examples/replay.py`` replays a capture through a switch).

Errors raise subclasses of :class:`Vl2Error` (``NotFound``,
``AlreadyExists``, ``InvalidArgument``, ...), one per ``VL2_ERR_*``.
"""

from ._core import *  # noqa: F401,F403
from ._core import (Switch, Frame, Verdict, Dest, FdbEntry, Event,  # noqa
                    NeighEntry, SwitchStats, EthInfo, eth_parse, strerror,
                    version, drop_reason_name, DROP_REASONS, mac_str, Action,
                    DropReason, EventType, Edit, DestType, NeighState, TxKind,
                    VxlanReason, VxlanLayer, LimitKind, Trace, TraceStep,
                    TraceKind, TraceResult)
from ._io import (Egress, Vxlan, VxlanError, Decapsulated,  # noqa
                  PcapReader, PcapWriter, VXLAN_PORT)
from .errors import *  # noqa: F401,F403
from ._lib import lib_path  # noqa: F401

__version__ = version()

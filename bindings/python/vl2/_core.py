# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""The Pythonic layer over libvl2's switch API (see ``vl2`` for the tour)."""

import ctypes as C
import enum
import ipaddress
from collections import namedtuple
from typing import (Any, Dict, Iterable, Iterator, List, Optional, Tuple,
                    Union)

from . import _lib as L
from .errors import Closed, InvalidArgument, NotFound, error_for

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
#: An address argument: a string ("192.0.2.7", "2001:db8::1") or an object.
Address = Union[str, IPAddress]
#: A MAC argument: "aa:bb:cc:dd:ee:ff" (or with '-') or 6 bytes.
MacLike = Union[str, bytes]

# ---- constants and enums (generated from the C headers: L.K) ---------------

K = L.K


def _k(name):
    return K["VL2_" + name]


class _Named(enum.IntEnum):
    """An IntEnum that prints as its name (``forward``, ``tagged_on_access``)
    and compares equal to the C value."""

    def __str__(self):
        return self.name.lower()

    def __repr__(self):
        return "%s.%s" % (type(self).__name__, self.name)

    @classmethod
    def _missing_(cls, value):
        # A value a newer library added: a pseudo-member named by its number.
        if isinstance(value, int):
            m = int.__new__(cls, value)
            m._name_ = "UNKNOWN_%d" % value
            m._value_ = value
            return m
        return None


def _enum(name, prefix, skip=(), only=None, doc=""):
    members = {k[len(prefix):]: v for k, v in sorted(K.items(), key=lambda x: x[1])
               if k.startswith(prefix) and k[len(prefix):] not in skip
               and (only is None or k[len(prefix):] in only)}
    e = _Named(name, members, module=__name__)
    e.__doc__ = doc
    return e


Action = _enum("Action", "VL2_ACT_", doc="A verdict's action (``VL2_ACT_*``).")
DropReason = _enum("DropReason", "VL2_DROP_",
                   skip=("REASON_COUNT", "REASON_MAX"),
                   doc="Why a frame was dropped (``VL2_DROP_*``).")
EventType = _enum("EventType", "VL2_EV_",
                  doc="A control-plane event's type (``VL2_EV_*``).")
Edit = _enum("Edit", "VL2_EDIT_", doc="A destination's egress edit.")
DestType = _enum("DestType", "VL2_DEST_", doc="A destination's kind.")
LimitKind = _enum("LimitKind", "VL2_LIMIT_", doc="Which limit was hit.")
NeighState = _enum("NeighState", "VL2_NEIGH_",
                   only=("INCOMPLETE", "REACHABLE", "STALE", "DELAY",
                         "PROBE", "FAILED"),
                   doc="A neighbour entry's state (RFC 4861 model).")
TxKind = _enum("TxKind", "VL2_TX_", skip=("F_FLOOD",),
               doc="What a frame the switch originated is.")
VxlanReason = _enum("VxlanReason", "VL2_VXLAN_R_", skip=("COUNT",),
                    doc="Why a VXLAN packet was refused (``VL2_VXLAN_R_*``).")
VxlanLayer = _enum("VxlanLayer", "VL2_VXLAN_LAYER_",
                   doc="Where a VXLAN packet starts: ETH, IP or UDP.")
TraceKind = _Named("TraceKind", {
    k[len("VL2_TRACE_"):]: v for k, v in sorted(K.items(), key=lambda x: x[1])
    if k.startswith("VL2_TRACE_") and not k.startswith("VL2_TRACE_R_")
    and not k.startswith("VL2_TRACE_BIND_") and not k.endswith("_COUNT")},
    module=__name__)
TraceKind.__doc__ = "What a trace step looked at (``VL2_TRACE_*``)."
TraceResult = _enum("TraceResult", "VL2_TRACE_R_",
                    doc="What a trace step found (``VL2_TRACE_R_*``).")

SWITCH_CONFIG_V1 = _k("SWITCH_CONFIG_VERSION")
PORT_REMOTE = _k("PORT_REMOTE")
TSTAMP_NONE = _k("TSTAMP_NONE")
VID_MAX = _k("VID_MAX")
VNI_MAX = _k("VNI_MAX")

ACCESS, TRUNK = _k("PORT_ACCESS"), _k("PORT_TRUNK")
PORT_LEARN = _k("PORT_F_LEARN")
PORT_FLOOD_UNKNOWN = _k("PORT_F_FLOOD_UNKNOWN")
PORT_FLOOD_BCAST = _k("PORT_F_FLOOD_BCAST")
PORT_FLOOD_MCAST = _k("PORT_F_FLOOD_MCAST")
PORT_QINQ = _k("PORT_F_QINQ")
PORT_SPOOF_GUARD = _k("PORT_F_SPOOF_GUARD")
PORT_DEFAULT = _k("PORT_F_DEFAULT")

SEG_LEARN_REMOTE = _k("SEG_F_LEARN_REMOTE")
SEG_STRICT_REMOTES = _k("SEG_F_STRICT_REMOTES")
SEG_ARP_SUPPRESS = _k("SEG_F_ARP_SUPPRESS")
SEG_DIRECTORY = _k("SEG_F_DIRECTORY")

DEST_PORT, DEST_REMOTE = DestType.PORT, DestType.REMOTE
EDIT_KEEP, EDIT_PUSH, EDIT_POP, EDIT_REWRITE = (Edit.KEEP, Edit.PUSH,
                                                Edit.POP, Edit.REWRITE)
EDIT_NAMES = {e: str(e) for e in Edit}

ACT_DROP, ACT_FORWARD, ACT_CONSUMED = (Action.DROP, Action.FORWARD,
                                       Action.CONSUMED)
ACTION_NAMES = {a: str(a) for a in Action}

VFLAG_FLOOD = _k("VFLAG_FLOOD")
VFLAG_LEARNED = _k("VFLAG_LEARNED")
VFLAG_MOVED = _k("VFLAG_MOVED")
VFLAG_LIMIT = _k("VFLAG_LIMIT")

EV_FDB_LEARNED, EV_FDB_MOVED, EV_FDB_AGED, EV_FDB_LIMIT = (
    EventType.FDB_LEARNED, EventType.FDB_MOVED, EventType.FDB_AGED,
    EventType.FDB_LIMIT)
EVENT_NAMES = {e: str(e) for e in EventType}
LIMIT_PORT, LIMIT_SEGMENT, LIMIT_TABLE = (LimitKind.PORT, LimitKind.SEGMENT,
                                          LimitKind.TABLE)

FDB_F_STATIC, FDB_F_REMOTE = _k("FDB_F_STATIC"), _k("FDB_F_REMOTE")
FLUSH_DYNAMIC, FLUSH_STATIC = _k("FDB_FLUSH_DYNAMIC"), _k("FDB_FLUSH_STATIC")
FLUSH_ALL = _k("FDB_FLUSH_ALL")
NEIGH_F_STATIC, NEIGH_F_ROUTER = _k("NEIGH_F_STATIC"), _k("NEIGH_F_ROUTER")
NEIGH_PORT_ANY = _k("NEIGH_PORT_ANY")

TPID_8021Q, TPID_8021AD = _k("TPID_8021Q"), _k("TPID_8021AD")

SEC = _k("SEC")
MS = _k("MS")


def _check(rv, call):
    if rv < 0:
        raise error_for(rv, strerror(rv), call)
    return rv


def strerror(rv: int) -> str:
    """The library's description of an error code (``vl2_strerror``)."""
    return L.lib.vl2_strerror(int(rv)).decode()


def version() -> str:
    """The linked library's version string, e.g. ``"0.1.0"``."""
    return L.lib.vl2_version(0).contents.version.decode()


def drop_reason_name(reason: int) -> str:
    """The name of a ``VL2_DROP_*`` value, e.g. ``"tagged_on_access"``, or
    ``"unknown"``."""
    return L.lib.vl2_drop_reason_name(int(reason)).decode()


def _drop_reasons():
    names = {}
    for r in range(len(L.SwitchStats().drops)):
        n = drop_reason_name(r)
        if n == "unknown":
            break
        names[r] = n
    return names


#: ``{code: name}`` of every drop reason this library build knows.
DROP_REASONS = _drop_reasons()


# ---- value conversion -------------------------------------------------------

def _mac(m):
    """bytes(6), a "aa:bb:cc:dd:ee:ff" / "aa-bb-..." string -> Mac."""
    if isinstance(m, str):
        b = bytes(int(x, 16) for x in m.replace("-", ":").split(":"))
    else:
        b = bytes(m)
    if len(b) != 6:
        raise InvalidArgument("a MAC address has 6 octets: %r" % (m,))
    out = L.Mac()
    C.memmove(out.b, b, 6)
    return out


def mac_str(m: Union[bytes, "L.Mac"]) -> str:
    """A ``vl2_mac`` (or 6 bytes) as ``"aa:bb:cc:dd:ee:ff"``."""
    b = bytes(m.b) if isinstance(m, L.Mac) else bytes(m)
    return ":".join("%02x" % x for x in b)


def _ip(a):
    """str / ipaddress object / None -> IpAddr."""
    out = L.IpAddr()
    if a is None:
        return out
    if not isinstance(a, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        a = ipaddress.ip_address(a)
    out.family = 4 if a.version == 4 else 6
    C.memmove(out.addr, a.packed, len(a.packed))
    return out


def ip_obj(a: "L.IpAddr") -> Optional[IPAddress]:
    """An ``IpAddr`` as an ``ipaddress`` object, or None for no address."""
    if a.family == 4:
        return ipaddress.IPv4Address(bytes(a.addr[:4]))
    if a.family == 6:
        return ipaddress.IPv6Address(bytes(a.addr))
    return None


def _ts(now):
    return 0 if now is None else int(now)


# ---- records ---------------------------------------------------------------

class Dest(namedtuple("Dest", "type port vni edit vid tpid udp_sport "
                              "remote_id remote")):
    """One destination of a verdict.

    ``type`` is ``DEST_PORT`` (``port`` set) or ``DEST_REMOTE`` (``remote``,
    an ``ipaddress`` object, and ``remote_id`` set; encapsulate with
    ``vni``). ``edit`` is one of ``EDIT_*`` with ``vid``/``tpid`` for push and
    rewrite; :meth:`apply` performs it.
    """
    __slots__ = ()

    def __repr__(self):
        where = ("port=%d" % self.port if self.port is not None
                 else "remote=%s" % self.remote)
        return "Dest(%s, vni=%d, edit=%s%s)" % (
            where, self.vni, self.edit,
            ", vid=%d" % self.vid if self.edit in (Edit.PUSH, Edit.REWRITE)
            else "")

    @property
    def edit_name(self) -> str:
        """``"keep"``, ``"push"``, ``"pop"`` or ``"rewrite"``."""
        return str(Edit(self.edit))

    @property
    def is_remote(self) -> bool:
        return self.type == DEST_REMOTE

    def apply(self, frame: bytes) -> bytes:
        """Return ``frame`` (bytes) as it leaves for this destination: the
        egress edit applied with ``vl2_vlan_apply_edit``."""
        frame = bytes(frame)
        head = 4
        buf = C.create_string_buffer(head + len(frame))
        C.memmove(C.byref(buf, head), frame, len(frame))
        off = C.c_size_t(head)
        d = self._c()
        n = _check(L.lib.vl2_vlan_apply_edit(buf, C.byref(off), len(frame),
                                             C.byref(d)),
                   "vl2_vlan_apply_edit")
        return buf.raw[off.value:off.value + n]

    def _c(self):
        d = L.Dest()
        d.type, d.edit, d.vid, d.tpid = self.type, self.edit, self.vid, \
            self.tpid
        d.udp_sport, d.vni = self.udp_sport, self.vni
        d.port = PORT_REMOTE if self.port is None else self.port
        d.remote_id = self.remote_id or 0
        d.remote = _ip(self.remote)
        return d

    @classmethod
    def _from_c(cls, d):
        return cls(DestType(d.type),
                   d.port if d.type == DEST_PORT else None, d.vni,
                   Edit(d.edit), d.vid, d.tpid, d.udp_sport,
                   d.remote_id if d.type == DEST_REMOTE else None,
                   ip_obj(d.remote) if d.type == DEST_REMOTE else None)


class Verdict(namedtuple("Verdict", "action reason vni flags dests")):
    """What the switch decided for one frame.

    ``action`` is ``ACT_DROP``, ``ACT_FORWARD`` or ``ACT_CONSUMED``;
    ``reason`` a ``VL2_DROP_*`` code when dropped (``reason_name`` names
    it); ``dests`` a tuple of :class:`Dest`; ``flags`` the ``VFLAG_*`` bits.
    """
    __slots__ = ()

    def __repr__(self):
        return ("Verdict(action=%s, reason=%s, vni=%d, flags=%#x, dests=%r)"
                % (self.action, self.reason, self.vni, self.flags,
                   list(self.dests)))

    @property
    def action_name(self) -> str:
        return str(Action(self.action))

    @property
    def reason_name(self) -> Optional[str]:
        return drop_reason_name(self.reason) if self.reason else None

    @property
    def dropped(self) -> bool:
        return self.action == ACT_DROP

    @property
    def flooded(self) -> bool:
        return bool(self.flags & VFLAG_FLOOD)

    @property
    def learned(self) -> bool:
        return bool(self.flags & VFLAG_LEARNED)

    @property
    def moved(self) -> bool:
        return bool(self.flags & VFLAG_MOVED)

    @property
    def ports(self) -> List[int]:
        """The destination port ids, in order."""
        return [d.port for d in self.dests if d.type == DEST_PORT]

    @property
    def remotes(self) -> List[IPAddress]:
        """The destination remote endpoints (``ipaddress`` objects)."""
        return [d.remote for d in self.dests if d.type == DEST_REMOTE]


class TraceStep(namedtuple("TraceStep", "kind result reason vid vni port "
                                        "remote aux ip mac value")):
    """One step of :meth:`Switch.trace`: ``kind`` a :class:`TraceKind`,
    ``result`` a :class:`TraceResult`, ``reason`` a :class:`DropReason`
    (``drop`` results only, else None); ``port`` a port id, or None with
    ``remote`` (an ``ipaddress`` object) for a remote endpoint; ``ip`` an
    ``ipaddress`` object or None; ``mac`` a string; ``vid``, ``vni``,
    ``aux`` and ``value`` as ``vl2_trace_step`` documents them per kind.
    ``str()`` of kinds and results are the library's stable names
    (``vl2_trace_kind_name``, ``vl2_trace_result_name``)."""
    __slots__ = ()

    def __repr__(self):
        where = ("port=%d" % self.port if self.port is not None
                 else "remote=%s" % self.remote)
        return "TraceStep(%s, %s%s, %s)" % (
            self.kind, self.result,
            ", reason=%s" % self.reason if self.reason is not None else "",
            where)

    @property
    def kind_name(self) -> str:
        return L.lib.vl2_trace_kind_name(self.kind).decode()

    @property
    def result_name(self) -> str:
        return L.lib.vl2_trace_result_name(self.result).decode()

    @classmethod
    def _from_c(cls, s):
        remote = s.port == PORT_REMOTE
        return cls(TraceKind(s.kind), TraceResult(s.result),
                   DropReason(s.reason) if s.result == TraceResult.DROP
                   else None, s.vid, s.vni,
                   None if remote else s.port,
                   ip_obj(s.remote) if remote else None, s.aux,
                   ip_obj(s.ip), mac_str(s.mac), s.value)


class Trace(namedtuple("Trace", "verdict steps")):
    """What :meth:`Switch.trace` found: the :class:`Verdict`
    :meth:`Switch.process` would take, and the :class:`TraceStep` list
    that led to it."""
    __slots__ = ()

    def __repr__(self):
        return "Trace(%r, %d steps)" % (self.verdict, len(self.steps))

    def names(self) -> List[Tuple[str, str]]:
        """``(kind, result)`` name pairs of the steps, in order."""
        return [(str(s.kind), str(s.result)) for s in self.steps]


class FdbEntry(namedtuple("FdbEntry", "vni mac port remote static "
                                      "expires_at")):
    """An FDB entry: ``mac`` as a string; ``port`` an id or None when the
    entry points at ``remote`` (an ``ipaddress`` object); ``expires_at`` in
    ns or None (static entries, ageing off)."""
    __slots__ = ()

    @classmethod
    def _from_c(cls, e):
        remote = bool(e.flags & FDB_F_REMOTE)
        return cls(e.vni, mac_str(e.mac), None if remote else e.port,
                   ip_obj(e.remote) if remote else None,
                   bool(e.flags & FDB_F_STATIC),
                   None if e.expires_at == TSTAMP_NONE else e.expires_at)


class Event(namedtuple("Event", "type vni mac port remote old_port "
                                "old_remote reason at ip")):
    """A control-plane event. ``type`` is an ``EV_*`` code (``name`` names
    it); ``port``/``old_port`` are None when the location is a remote
    endpoint (``remote``/``old_remote``)."""
    __slots__ = ()

    @property
    def name(self) -> str:
        return str(EventType(self.type))

    @classmethod
    def _from_c(cls, ev):
        def loc(port, addr):
            if port == PORT_REMOTE:
                return None, ip_obj(addr)
            return port, None
        p, r = loc(ev.port, ev.remote)
        op, orr = (loc(ev.old_port, ev.old_remote)
                   if ev.type == EV_FDB_MOVED else (None, None))
        return cls(EventType(ev.type), ev.vni, mac_str(ev.mac), p, r, op,
                   orr, ev.reason, ev.at, ip_obj(ev.ip))


class NeighEntry(namedtuple("NeighEntry", "vni ip mac state port static "
                                          "router expires_at")):
    """A neighbour-table entry: ``ip`` an ``ipaddress`` object, ``mac`` a
    string, ``state`` a :class:`NeighState`; ``port`` None for any port or
    a host behind a remote endpoint."""
    __slots__ = ()

    @classmethod
    def _from_c(cls, e):
        port = None if e.port in (NEIGH_PORT_ANY, PORT_REMOTE) else e.port
        return cls(e.vni, ip_obj(e.ip), mac_str(e.mac), NeighState(e.state),
                   port, bool(e.flags & NEIGH_F_STATIC),
                   bool(e.flags & NEIGH_F_ROUTER),
                   None if e.expires_at == TSTAMP_NONE else e.expires_at)


def _struct_dict(s):
    return {n: getattr(s, n) for n, _ in s._fields_}


class SwitchStats(dict):
    """Switch-wide counters as a dict (``stats["rx_frames"]``, also as
    attributes); ``drops`` maps drop-reason names to counts (all reasons the
    library knows, zero included)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class EthInfo(namedtuple("EthInfo", "dst src ethertype l3_off tags")):
    """A decoded Ethernet header: ``tags`` is a tuple of ``(tpid, pcp, dei,
    vid)``, outermost first."""
    __slots__ = ()


def eth_parse(frame: bytes) -> "EthInfo":
    """Decode an Ethernet header and its 802.1Q/802.1ad tags
    (``vl2_eth_parse``). Raises :class:`vl2.Malformed` for a short frame
    and :class:`vl2.Unsupported` for more than four tags."""
    frame = bytes(frame)
    info = L.EthInfo()
    _check(L.lib.vl2_eth_parse(frame, len(frame), C.byref(info)),
           "vl2_eth_parse")
    tags = tuple((info.tpid[i], info.tci[i] >> 13, (info.tci[i] >> 12) & 1,
                  info.tci[i] & 0xFFF) for i in range(info.tag_cnt))
    return EthInfo(mac_str(info.dst), mac_str(info.src), info.ethertype,
                   info.l3_off, tags)


class Frame(namedtuple("Frame", "port data vni remote")):
    """A frame for :meth:`Switch.process`: ``data`` (bytes) in on ``port``,
    or, with ``port=PORT_REMOTE``, decapsulated from ``remote`` in segment
    ``vni``. Build the latter with :meth:`from_remote`."""
    __slots__ = ()

    def __new__(cls, port, data, vni=0, remote=None):
        return super().__new__(cls, port, data, vni, remote)

    @classmethod
    def from_remote(cls, remote: Address, vni: int, data: bytes) -> "Frame":
        return cls(PORT_REMOTE, data, vni, remote)


# ---- the switch -------------------------------------------------------------

class Switch:
    """A libvl2 switch (``vl2_switch``): ports, segments, remote endpoints,
    the FDB, burst processing, timers, events and counters.

    Keyword arguments set ``vl2_switch_config`` fields (``max_ports``,
    ``max_segments``, ``max_remotes``, ``max_fdb``, ``max_macs_per_port``,
    ``max_macs_per_segment``, ``event_queue_cap``, ``ageing_ns``,
    ``hash_seed``); the rest keep the library's defaults. Use it as a
    context manager, or call :meth:`close`. Not thread-safe (one switch per
    thread), like the C object.

    Times (``now``) are integers in nanoseconds from any origin; ``None``
    means "no time has passed" (the library treats an older time as the
    newest it has seen).
    """

    def __init__(self, **config: int) -> None:
        cfg = L.SwitchConfig()
        _check(L.lib.vl2_switch_config_default_versioned(SWITCH_CONFIG_V1,
                                                         C.byref(cfg)),
               "vl2_switch_config_default")
        names = {n for n, _ in L.SwitchConfig._fields_}
        for k, v in config.items():
            if k not in names or k.startswith("reserved"):
                raise TypeError("unknown switch config field %r" % k)
            setattr(cfg, k, int(v))
        self._config = {n: getattr(cfg, n) for n in names
                        if not n.startswith("reserved")}
        h = C.c_void_p()
        _check(L.lib.vl2_switch_new_versioned(C.byref(h), SWITCH_CONFIG_V1,
                                              C.byref(cfg), None),
               "vl2_switch_new")
        self._h = h

    # -- lifetime --
    def close(self) -> None:
        """Free the switch (``vl2_switch_del``); further use raises
        :class:`vl2.Closed`. Idempotent."""
        h, self._h = getattr(self, "_h", None), None
        if h:
            L.lib.vl2_switch_del(h)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        self.close()

    @property
    def _sw(self):
        if not self._h:
            raise Closed("the switch is closed", Closed.code)
        return self._h

    @property
    def config(self) -> Dict[str, int]:
        """The configuration the switch was created with (a dict)."""
        return dict(self._config)

    # -- ports --
    def add_port(self, port: int, mode: int = ACCESS,
                 pvid: Optional[int] = None, flags: int = PORT_DEFAULT,
                 max_macs: int = 0) -> None:
        """Add port ``port`` (``ACCESS`` or ``TRUNK``). ``pvid`` defaults to
        1 for access ports and none (0) for trunks (the native VLAN)."""
        c = self._port_config(mode, pvid, flags, max_macs)
        _check(L.lib.vl2_switch_port_add(self._sw, port, C.byref(c)),
               "vl2_switch_port_add")

    def set_port(self, port: int, mode: int = ACCESS,
                 pvid: Optional[int] = None, flags: int = PORT_DEFAULT,
                 max_macs: int = 0) -> None:
        """Change a port's flags and MAC limit (mode and PVID must stay)."""
        c = self._port_config(mode, pvid, flags, max_macs)
        _check(L.lib.vl2_switch_port_set(self._sw, port, C.byref(c)),
               "vl2_switch_port_set")

    @staticmethod
    def _port_config(mode, pvid, flags, max_macs):
        c = L.PortConfig()
        L.lib.vl2_port_config_default(C.byref(c), mode)
        if pvid is not None:
            c.pvid = pvid
        c.flags = flags
        c.max_macs = max_macs
        return c

    def del_port(self, port: int) -> None:
        """Remove a port, its VLAN maps and the FDB entries pointing at it."""
        _check(L.lib.vl2_switch_port_del(self._sw, port),
               "vl2_switch_port_del")

    def map_vlan(self, port: int, vid: int, vni: int) -> None:
        """Map VLAN ``vid`` on ``port`` to segment ``vni``."""
        _check(L.lib.vl2_switch_port_vlan_add(self._sw, port, vid, vni),
               "vl2_switch_port_vlan_add")

    def unmap_vlan(self, port: int, vid: int) -> None:
        """Remove VLAN ``vid`` from ``port``."""
        _check(L.lib.vl2_switch_port_vlan_del(self._sw, port, vid),
               "vl2_switch_port_vlan_del")

    # -- segments and remotes --
    def add_segment(self, vni: int, flags: int = SEG_LEARN_REMOTE,
                    max_macs: int = 0) -> None:
        """Add segment ``vni`` (0..0xFFFFFF)."""
        c = L.SegmentConfig(flags, max_macs)
        _check(L.lib.vl2_switch_segment_add(self._sw, vni, C.byref(c)),
               "vl2_switch_segment_add")

    def set_segment(self, vni: int, flags: int = SEG_LEARN_REMOTE,
                    max_macs: int = 0) -> None:
        """Change a segment's flags and MAC limit."""
        c = L.SegmentConfig(flags, max_macs)
        _check(L.lib.vl2_switch_segment_set(self._sw, vni, C.byref(c)),
               "vl2_switch_segment_set")

    def del_segment(self, vni: int) -> None:
        """Remove a segment (raises :class:`vl2.Busy` while a port maps
        it)."""
        _check(L.lib.vl2_switch_segment_del(self._sw, vni),
               "vl2_switch_segment_del")

    def add_remote(self, vni: int, remote: Address) -> None:
        """Add remote endpoint ``remote`` (an IPv4/IPv6 address string or
        ``ipaddress`` object) to segment ``vni``'s flood list."""
        a = _ip(remote)
        _check(L.lib.vl2_switch_remote_add(self._sw, vni, C.byref(a)),
               "vl2_switch_remote_add")

    def del_remote(self, vni: int, remote: Address) -> None:
        """Remove a remote endpoint from segment ``vni``'s flood list."""
        a = _ip(remote)
        _check(L.lib.vl2_switch_remote_del(self._sw, vni, C.byref(a)),
               "vl2_switch_remote_del")

    # -- FDB --
    def fdb_add_static(self, vni: int, mac: MacLike,
                       port: Optional[int] = None,
                       remote: Optional[Address] = None) -> None:
        """Add or replace a static entry for ``mac`` in ``vni`` pointing at
        ``port`` or (exclusively) ``remote``."""
        if (port is None) == (remote is None):
            raise InvalidArgument("give exactly one of port and remote",
                                  InvalidArgument.code)
        e = L.FdbEntry()
        e.mac = _mac(mac)
        e.vni = vni
        if remote is not None:
            e.flags = FDB_F_REMOTE
            e.port = PORT_REMOTE
            e.remote = _ip(remote)
        else:
            e.port = port
        _check(L.lib.vl2_fdb_add_static(self._sw, C.byref(e)),
               "vl2_fdb_add_static")

    def fdb_del(self, vni: int, mac: MacLike) -> None:
        """Remove the entry for ``mac`` in ``vni``."""
        m = _mac(mac)
        _check(L.lib.vl2_fdb_del(self._sw, vni, C.byref(m)), "vl2_fdb_del")

    def fdb_lookup(self, vni: int, mac: MacLike,
                   now: Optional[int] = None) -> Optional["FdbEntry"]:
        """The live entry for ``mac`` in ``vni`` as :class:`FdbEntry`, or
        None."""
        m = _mac(mac)
        e = L.FdbEntry()
        rv = L.lib.vl2_fdb_lookup(self._sw, vni, C.byref(m), C.byref(e),
                                  _ts(now))
        if rv == NotFound.code:
            return None
        _check(rv, "vl2_fdb_lookup")
        return FdbEntry._from_c(e)

    def fdb_entries(self, now: Optional[int] = None) -> Iterator["FdbEntry"]:
        """Iterate over the live entries (``vl2_fdb_next``), in no order."""
        cur = C.c_uint64(0)
        e = L.FdbEntry()
        while L.lib.vl2_fdb_next(self._sw, C.byref(cur), C.byref(e),
                                 _ts(now)) == 1:
            yield FdbEntry._from_c(e)

    def fdb_count(self) -> int:
        """Entries in the table, live or expired but not yet reclaimed."""
        return L.lib.vl2_fdb_count(self._sw)

    def fdb_flush_port(self, port: int, which: int = FLUSH_ALL) -> int:
        """Remove the entries pointing at ``port``; returns how many."""
        return _check(L.lib.vl2_fdb_flush_port(self._sw, port, which),
                      "vl2_fdb_flush_port")

    def fdb_flush_segment(self, vni: int, which: int = FLUSH_ALL) -> int:
        """Remove the entries of segment ``vni``; returns how many."""
        return _check(L.lib.vl2_fdb_flush_segment(self._sw, vni, which),
                      "vl2_fdb_flush_segment")

    def fdb_flush_all(self, which: int = FLUSH_ALL) -> int:
        """Remove every selected entry; returns how many."""
        return _check(L.lib.vl2_fdb_flush_all(self._sw, which),
                      "vl2_fdb_flush_all")

    # -- data path --
    def process(self, frames: Iterable[Union["Frame", Tuple[int, bytes]]],
                now: Optional[int] = None) -> List["Verdict"]:
        """Decide a burst: ``frames`` is an iterable of :class:`Frame` or
        ``(port, data)`` pairs; returns one :class:`Verdict` per frame, in
        order. The destination array is sized from the switch's largest
        fan-out, and the burst is resubmitted until every frame is
        decided."""
        frames = [f if isinstance(f, Frame) else Frame(*f) for f in frames]
        n = len(frames)
        if n == 0:
            return []
        keep = []
        cf = (L.Frame * n)()
        for i, f in enumerate(frames):
            data = bytes(f.data)
            b = C.create_string_buffer(data, len(data) or 1)
            keep.append(b)
            cf[i].data = C.cast(b, C.c_void_p)
            cf[i].len = len(data)
            cf[i].port = f.port
            cf[i].vni = f.vni or 0
            cf[i].remote = _ip(f.remote)
        out = []
        first = 0
        ts = _ts(now)
        while first < n:
            cap = max(1, L.lib.vl2_switch_max_fanout(self._sw)) * (n - first)
            verdicts = (L.Verdict * (n - first))()
            dests = (L.Dest * cap)()
            r = _check(L.lib.vl2_switch_process(
                self._sw, C.cast(C.byref(cf, first * C.sizeof(L.Frame)),
                                 C.POINTER(L.Frame)),
                n - first, verdicts, dests, cap, ts), "vl2_switch_process")
            for v in verdicts[:r]:
                ds = tuple(Dest._from_c(dests[v.dest_off + k])
                           for k in range(v.dest_cnt))
                out.append(Verdict(Action(v.action), DropReason(v.reason),
                                   v.vni, v.flags, ds))
            first += r
        return out

    def process_one(self, port: int, data: bytes,
                    now: Optional[int] = None) -> "Verdict":
        """Decide one frame from ``port`` (a convenience over
        :meth:`process`)."""
        return self.process([Frame(port, data)], now)[0]

    def trace(self, frame: Union[bytes, "Frame"], port: Optional[int] = None,
              vni: int = 0, remote: Optional[Address] = None,
              now: Optional[int] = None) -> "Trace":
        """Trace one frame through the switch's decision without changing
        any state (``vl2_switch_trace``): ``frame`` is bytes in on ``port``,
        or, with ``remote`` (and ``vni``), decapsulated from that endpoint;
        or a :class:`Frame`. Returns a :class:`Trace`: the
        :class:`Verdict` :meth:`process` would take for it now as the
        first frame of a burst, and every step."""
        if isinstance(frame, Frame):
            f = frame
        elif remote is not None:
            f = Frame.from_remote(remote, vni, frame)
        else:
            if port is None:
                raise TypeError("trace() needs a port or a remote")
            f = Frame(port, frame, vni)
        data = bytes(f.data)
        b = C.create_string_buffer(data, len(data) or 1)
        cf = L.Frame()
        cf.data = C.cast(b, C.c_void_p)
        cf.len = len(data)
        cf.port = f.port
        cf.vni = f.vni or 0
        cf.remote = _ip(f.remote)
        cap = max(1, L.lib.vl2_switch_max_fanout(self._sw))
        dests = (L.Dest * cap)()
        v = L.Verdict()
        n = C.c_size_t(0)
        steps_cap = 64
        while True:
            steps = (L.TraceStep * steps_cap)()
            _check(L.lib.vl2_switch_trace(self._sw, C.byref(cf), _ts(now),
                                          C.byref(v), dests, cap, steps,
                                          steps_cap, C.byref(n)),
                   "vl2_switch_trace")
            if n.value <= steps_cap:
                break
            steps_cap = n.value
        ds = tuple(Dest._from_c(dests[v.dest_off + k])
                   for k in range(v.dest_cnt))
        verdict = Verdict(Action(v.action), DropReason(v.reason), v.vni,
                          v.flags, ds)
        return Trace(verdict,
                     [TraceStep._from_c(steps[i]) for i in range(n.value)])

    @property
    def max_fanout(self) -> int:
        """The most destinations one frame can get now."""
        return L.lib.vl2_switch_max_fanout(self._sw)

    # -- timers and events --
    def next_deadline(self) -> Optional[int]:
        """When :meth:`run_timers` should next run (ns), or None."""
        t = L.lib.vl2_switch_next_deadline(self._sw)
        return None if t == TSTAMP_NONE else t

    def run_timers(self, now: Optional[int]) -> None:
        """Run what is due at ``now`` (FDB ageing)."""
        _check(L.lib.vl2_switch_run_timers(self._sw, _ts(now)),
               "vl2_switch_run_timers")

    def events(self) -> Iterator["Event"]:
        """Drain the event queue: yields :class:`Event` until it is empty."""
        ev = L.Event()
        while L.lib.vl2_switch_poll_event(self._sw, C.byref(ev)) == 1:
            yield Event._from_c(ev)

    # -- neighbour table (ARP/ND) --
    def neigh_add_static(self, vni: int, ip: Address, mac: MacLike,
                         port: Optional[int] = None,
                         router: bool = False) -> None:
        """Bind ``ip`` to ``mac`` in segment ``vni`` (``vl2_neigh_add_static``):
        answered from by ARP suppression, never aged. ``port``: the port the
        IP is bound to (spoof guard), None for any."""
        e = L.NeighEntry()
        e.vni, e.ip, e.mac = vni, _ip(ip), _mac(mac)
        e.port = NEIGH_PORT_ANY if port is None else port
        e.flags = NEIGH_F_ROUTER if router else 0
        _check(L.lib.vl2_neigh_add_static(self._sw, C.byref(e)),
               "vl2_neigh_add_static")

    def neigh_del(self, vni: int, ip: Address) -> None:
        """Remove the binding of ``ip`` in ``vni`` (``vl2_neigh_del``)."""
        a = _ip(ip)
        _check(L.lib.vl2_neigh_del(self._sw, vni, C.byref(a)), "vl2_neigh_del")

    def neigh_lookup(self, vni: int, ip: Address,
                     now: Optional[int] = None) -> Optional["NeighEntry"]:
        """The :class:`NeighEntry` of ``ip`` in ``vni``, or None."""
        a, e = _ip(ip), L.NeighEntry()
        rv = L.lib.vl2_neigh_lookup(self._sw, vni, C.byref(a), C.byref(e),
                                    _ts(now))
        if rv == NotFound.code:
            return None
        _check(rv, "vl2_neigh_lookup")
        return NeighEntry._from_c(e)

    def neigh_entries(self, now: Optional[int] = None) -> Iterator["NeighEntry"]:
        """Yield every live :class:`NeighEntry`."""
        cur, e = C.c_uint64(0), L.NeighEntry()
        while L.lib.vl2_neigh_next(self._sw, C.byref(cur), C.byref(e),
                                   _ts(now)) == 1:
            yield NeighEntry._from_c(e)

    def neigh_count(self) -> int:
        """Number of neighbour entries."""
        return L.lib.vl2_neigh_count(self._sw)

    def poll_tx(self, now: Optional[int] = None) -> Iterator[Tuple[bytes, "TxKind", "Dest"]]:
        """Drain the frames the switch originated (ARP replies, requests,
        released packets): yields ``(bytes, TxKind, Dest)``."""
        buf = C.create_string_buffer(65536)
        meta = L.S.vl2_tx_meta()
        while True:
            n = _check(L.lib.vl2_switch_poll_tx(self._sw, buf, len(buf),
                                                C.byref(meta), _ts(now)),
                       "vl2_switch_poll_tx")
            if n == 0:
                return
            yield buf.raw[:n], TxKind(meta.kind), Dest._from_c(meta.dest)

    def set_overlay(self, overlay: Any) -> None:
        """Give the switch its VXLAN settings (a :class:`vl2.Vxlan`): remote
        destinations then carry the flow's UDP source port and frames too
        big for the underlay MTU are dropped and counted. None removes
        them."""
        cfg = None if overlay is None else C.byref(overlay._cfg)
        _check(L.lib.vl2_switch_set_overlay(self._sw, cfg),
               "vl2_switch_set_overlay")

    # -- counters --
    def stats(self) -> "SwitchStats":
        """Switch-wide counters (:class:`SwitchStats`)."""
        st = L.SwitchStats()
        _check(L.lib.vl2_switch_get_stats_versioned(
            self._sw, C.sizeof(st), C.byref(st)), "vl2_switch_get_stats")
        d = SwitchStats(_struct_dict(st))
        d["drops"] = {name: st.drops[r] for r, name in DROP_REASONS.items()
                      if r != 0}
        return d

    def port_stats(self, port: int) -> Dict[str, int]:
        """A port's counters as a dict."""
        st = L.PortStats()
        _check(L.lib.vl2_switch_port_get_stats_versioned(
            self._sw, port, C.sizeof(st), C.byref(st)),
            "vl2_switch_port_get_stats")
        return _struct_dict(st)

    def segment_stats(self, vni: int) -> Dict[str, int]:
        """A segment's counters as a dict."""
        st = L.SegmentStats()
        _check(L.lib.vl2_switch_segment_get_stats_versioned(
            self._sw, vni, C.sizeof(st), C.byref(st)),
            "vl2_switch_segment_get_stats")
        return _struct_dict(st)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "C", "L", "ipaddress", "namedtuple", "error_for", "Closed",
    "InvalidArgument", "NotFound", "enum", "Any", "Dict", "Iterable",
    "Iterator", "List", "Optional", "Tuple", "Union", "K")]

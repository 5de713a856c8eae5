# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""The Pythonic layer over libvl2's switch API (see ``vl2`` for the tour)."""

import ctypes as C
import ipaddress
from collections import namedtuple

from . import _lib as L
from .errors import Closed, InvalidArgument, NotFound, error_for

# ---- constants (mirroring the C headers) -----------------------------------

SWITCH_CONFIG_V1 = 1
PORT_REMOTE = 0xFFFFFFFF
TSTAMP_NONE = 0xFFFFFFFFFFFFFFFF
VID_MAX = 4094
VNI_MAX = 0xFFFFFF

ACCESS, TRUNK = 0, 1
PORT_LEARN = 0x01
PORT_FLOOD_UNKNOWN = 0x02
PORT_FLOOD_BCAST = 0x04
PORT_FLOOD_MCAST = 0x08
PORT_QINQ = 0x10
PORT_SPOOF_GUARD = 0x20
PORT_DEFAULT = PORT_LEARN | PORT_FLOOD_UNKNOWN | PORT_FLOOD_BCAST | \
    PORT_FLOOD_MCAST

SEG_LEARN_REMOTE = 0x01
SEG_STRICT_REMOTES = 0x02
SEG_ARP_SUPPRESS = 0x04
SEG_DIRECTORY = 0x08

DEST_PORT, DEST_REMOTE = 0, 1
EDIT_KEEP, EDIT_PUSH, EDIT_POP, EDIT_REWRITE = 0, 1, 2, 3
EDIT_NAMES = {EDIT_KEEP: "keep", EDIT_PUSH: "push", EDIT_POP: "pop",
              EDIT_REWRITE: "rewrite"}

ACT_DROP, ACT_FORWARD, ACT_CONSUMED = 0, 1, 2
ACTION_NAMES = {ACT_DROP: "drop", ACT_FORWARD: "forward",
                ACT_CONSUMED: "consumed"}

VFLAG_FLOOD = 0x01
VFLAG_LEARNED = 0x02
VFLAG_MOVED = 0x04
VFLAG_LIMIT = 0x08

EV_FDB_LEARNED, EV_FDB_MOVED, EV_FDB_AGED, EV_FDB_LIMIT = 1, 2, 3, 4
EVENT_NAMES = {EV_FDB_LEARNED: "fdb_learned", EV_FDB_MOVED: "fdb_moved",
               EV_FDB_AGED: "fdb_aged", EV_FDB_LIMIT: "fdb_limit",
               16: "neigh_added", 17: "neigh_moved", 18: "neigh_aged",
               19: "neigh_failed", 20: "neigh_frozen", 21: "neigh_thawed",
               22: "neigh_lookup", 23: "neigh_lookup_timeout"}
LIMIT_PORT, LIMIT_SEGMENT, LIMIT_TABLE = 1, 2, 3

FDB_F_STATIC, FDB_F_REMOTE = 0x01, 0x02
FLUSH_DYNAMIC, FLUSH_STATIC = 0x01, 0x02
FLUSH_ALL = FLUSH_DYNAMIC | FLUSH_STATIC

TPID_8021Q, TPID_8021AD = 0x8100, 0x88A8

SEC = 1_000_000_000
MS = 1_000_000


def _check(rv, call):
    if rv < 0:
        raise error_for(rv, strerror(rv), call)
    return rv


def strerror(rv):
    """The library's description of an error code (``vl2_strerror``)."""
    return L.lib.vl2_strerror(int(rv)).decode()


def version():
    """The linked library's version string, e.g. ``"0.1.0"``."""
    return L.lib.vl2_version(0).contents.version.decode()


def drop_reason_name(reason):
    """The name of a ``VL2_DROP_*`` value, e.g. ``"tagged_on_access"``, or
    ``"unknown"``."""
    return L.lib.vl2_drop_reason_name(int(reason)).decode()


def _drop_reasons():
    names = {}
    for r in range(L.DROP_REASON_MAX):
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


def mac_str(m):
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


def ip_obj(a):
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

    @property
    def edit_name(self):
        """``"keep"``, ``"push"``, ``"pop"`` or ``"rewrite"``."""
        return EDIT_NAMES.get(self.edit, str(self.edit))

    @property
    def is_remote(self):
        return self.type == DEST_REMOTE

    def apply(self, frame):
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
        return cls(d.type, d.port if d.type == DEST_PORT else None, d.vni,
                   d.edit, d.vid, d.tpid, d.udp_sport,
                   d.remote_id if d.type == DEST_REMOTE else None,
                   ip_obj(d.remote) if d.type == DEST_REMOTE else None)


class Verdict(namedtuple("Verdict", "action reason vni flags dests")):
    """What the switch decided for one frame.

    ``action`` is ``ACT_DROP``, ``ACT_FORWARD`` or ``ACT_CONSUMED``;
    ``reason`` a ``VL2_DROP_*`` code when dropped (``reason_name`` names
    it); ``dests`` a tuple of :class:`Dest`; ``flags`` the ``VFLAG_*`` bits.
    """
    __slots__ = ()

    @property
    def action_name(self):
        return ACTION_NAMES.get(self.action, str(self.action))

    @property
    def reason_name(self):
        return drop_reason_name(self.reason) if self.reason else None

    @property
    def dropped(self):
        return self.action == ACT_DROP

    @property
    def flooded(self):
        return bool(self.flags & VFLAG_FLOOD)

    @property
    def learned(self):
        return bool(self.flags & VFLAG_LEARNED)

    @property
    def moved(self):
        return bool(self.flags & VFLAG_MOVED)

    @property
    def ports(self):
        """The destination port ids, in order."""
        return [d.port for d in self.dests if d.type == DEST_PORT]

    @property
    def remotes(self):
        """The destination remote endpoints (``ipaddress`` objects)."""
        return [d.remote for d in self.dests if d.type == DEST_REMOTE]


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
    def name(self):
        return EVENT_NAMES.get(self.type, str(self.type))

    @classmethod
    def _from_c(cls, ev):
        def loc(port, addr):
            if port == PORT_REMOTE:
                return None, ip_obj(addr)
            return port, None
        p, r = loc(ev.port, ev.remote)
        op, orr = (loc(ev.old_port, ev.old_remote)
                   if ev.type == EV_FDB_MOVED else (None, None))
        return cls(ev.type, ev.vni, mac_str(ev.mac), p, r, op, orr,
                   ev.reason, ev.at, ip_obj(ev.ip))


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


def eth_parse(frame):
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
    def from_remote(cls, remote, vni, data):
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

    def __init__(self, **config):
        buf = C.create_string_buffer(L.CONFIG_BUF_SIZE)
        _check(L.lib.vl2_switch_config_default_versioned(SWITCH_CONFIG_V1,
                                                         buf),
               "vl2_switch_config_default")
        cfg = L.SwitchConfigPrefix.from_buffer(buf)
        names = {n for n, _ in L.SwitchConfigPrefix._fields_}
        for k, v in config.items():
            if k not in names or k.startswith("reserved"):
                raise TypeError("unknown switch config field %r" % k)
            setattr(cfg, k, int(v))
        self._config = {n: getattr(cfg, n) for n in names
                        if not n.startswith("reserved")}
        h = C.c_void_p()
        _check(L.lib.vl2_switch_new_versioned(C.byref(h), SWITCH_CONFIG_V1,
                                              buf, None),
               "vl2_switch_new")
        self._h = h

    # -- lifetime --
    def close(self):
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
    def config(self):
        """The configuration the switch was created with (a dict)."""
        return dict(self._config)

    # -- ports --
    def add_port(self, port, mode=ACCESS, pvid=None, flags=PORT_DEFAULT,
                 max_macs=0):
        """Add port ``port`` (``ACCESS`` or ``TRUNK``). ``pvid`` defaults to
        1 for access ports and none (0) for trunks (the native VLAN)."""
        c = self._port_config(mode, pvid, flags, max_macs)
        _check(L.lib.vl2_switch_port_add(self._sw, port, C.byref(c)),
               "vl2_switch_port_add")

    def set_port(self, port, mode=ACCESS, pvid=None, flags=PORT_DEFAULT,
                 max_macs=0):
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

    def del_port(self, port):
        """Remove a port, its VLAN maps and the FDB entries pointing at it."""
        _check(L.lib.vl2_switch_port_del(self._sw, port),
               "vl2_switch_port_del")

    def map_vlan(self, port, vid, vni):
        """Map VLAN ``vid`` on ``port`` to segment ``vni``."""
        _check(L.lib.vl2_switch_port_vlan_add(self._sw, port, vid, vni),
               "vl2_switch_port_vlan_add")

    def unmap_vlan(self, port, vid):
        """Remove VLAN ``vid`` from ``port``."""
        _check(L.lib.vl2_switch_port_vlan_del(self._sw, port, vid),
               "vl2_switch_port_vlan_del")

    # -- segments and remotes --
    def add_segment(self, vni, flags=SEG_LEARN_REMOTE, max_macs=0):
        """Add segment ``vni`` (0..0xFFFFFF)."""
        c = L.SegmentConfig(flags, max_macs)
        _check(L.lib.vl2_switch_segment_add(self._sw, vni, C.byref(c)),
               "vl2_switch_segment_add")

    def set_segment(self, vni, flags=SEG_LEARN_REMOTE, max_macs=0):
        """Change a segment's flags and MAC limit."""
        c = L.SegmentConfig(flags, max_macs)
        _check(L.lib.vl2_switch_segment_set(self._sw, vni, C.byref(c)),
               "vl2_switch_segment_set")

    def del_segment(self, vni):
        """Remove a segment (raises :class:`vl2.Busy` while a port maps
        it)."""
        _check(L.lib.vl2_switch_segment_del(self._sw, vni),
               "vl2_switch_segment_del")

    def add_remote(self, vni, remote):
        """Add remote endpoint ``remote`` (an IPv4/IPv6 address string or
        ``ipaddress`` object) to segment ``vni``'s flood list."""
        a = _ip(remote)
        _check(L.lib.vl2_switch_remote_add(self._sw, vni, C.byref(a)),
               "vl2_switch_remote_add")

    def del_remote(self, vni, remote):
        """Remove a remote endpoint from segment ``vni``'s flood list."""
        a = _ip(remote)
        _check(L.lib.vl2_switch_remote_del(self._sw, vni, C.byref(a)),
               "vl2_switch_remote_del")

    # -- FDB --
    def fdb_add_static(self, vni, mac, port=None, remote=None):
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

    def fdb_del(self, vni, mac):
        """Remove the entry for ``mac`` in ``vni``."""
        m = _mac(mac)
        _check(L.lib.vl2_fdb_del(self._sw, vni, C.byref(m)), "vl2_fdb_del")

    def fdb_lookup(self, vni, mac, now=None):
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

    def fdb_entries(self, now=None):
        """Iterate over the live entries (``vl2_fdb_next``), in no order."""
        cur = C.c_uint64(0)
        e = L.FdbEntry()
        while L.lib.vl2_fdb_next(self._sw, C.byref(cur), C.byref(e),
                                 _ts(now)) == 1:
            yield FdbEntry._from_c(e)

    def fdb_count(self):
        """Entries in the table, live or expired but not yet reclaimed."""
        return L.lib.vl2_fdb_count(self._sw)

    def fdb_flush_port(self, port, which=FLUSH_ALL):
        """Remove the entries pointing at ``port``; returns how many."""
        return _check(L.lib.vl2_fdb_flush_port(self._sw, port, which),
                      "vl2_fdb_flush_port")

    def fdb_flush_segment(self, vni, which=FLUSH_ALL):
        """Remove the entries of segment ``vni``; returns how many."""
        return _check(L.lib.vl2_fdb_flush_segment(self._sw, vni, which),
                      "vl2_fdb_flush_segment")

    def fdb_flush_all(self, which=FLUSH_ALL):
        """Remove every selected entry; returns how many."""
        return _check(L.lib.vl2_fdb_flush_all(self._sw, which),
                      "vl2_fdb_flush_all")

    # -- data path --
    def process(self, frames, now=None):
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
                out.append(Verdict(v.action, v.reason, v.vni, v.flags, ds))
            first += r
        return out

    def process_one(self, port, data, now=None):
        """Decide one frame from ``port`` (a convenience over
        :meth:`process`)."""
        return self.process([Frame(port, data)], now)[0]

    @property
    def max_fanout(self):
        """The most destinations one frame can get now."""
        return L.lib.vl2_switch_max_fanout(self._sw)

    # -- timers and events --
    def next_deadline(self):
        """When :meth:`run_timers` should next run (ns), or None."""
        t = L.lib.vl2_switch_next_deadline(self._sw)
        return None if t == TSTAMP_NONE else t

    def run_timers(self, now):
        """Run what is due at ``now`` (FDB ageing)."""
        _check(L.lib.vl2_switch_run_timers(self._sw, _ts(now)),
               "vl2_switch_run_timers")

    def events(self):
        """Drain the event queue: yields :class:`Event` until it is empty."""
        ev = L.Event()
        while L.lib.vl2_switch_poll_event(self._sw, C.byref(ev)) == 1:
            yield Event._from_c(ev)

    # -- counters --
    def stats(self):
        """Switch-wide counters (:class:`SwitchStats`)."""
        st = L.SwitchStats()
        _check(L.lib.vl2_switch_get_stats(self._sw, C.byref(st)),
               "vl2_switch_get_stats")
        d = SwitchStats(_struct_dict(st))
        d["drops"] = {name: st.drops[r] for r, name in DROP_REASONS.items()
                      if r != 0}
        return d

    def port_stats(self, port):
        """A port's counters as a dict."""
        st = L.PortStats()
        _check(L.lib.vl2_switch_port_get_stats(self._sw, port, C.byref(st)),
               "vl2_switch_port_get_stats")
        return _struct_dict(st)

    def segment_stats(self, vni):
        """A segment's counters as a dict."""
        st = L.SegmentStats()
        _check(L.lib.vl2_switch_segment_get_stats(self._sw, vni,
                                                  C.byref(st)),
               "vl2_switch_segment_get_stats")
        return _struct_dict(st)


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "C", "L", "ipaddress", "namedtuple", "error_for", "Closed",
    "InvalidArgument", "NotFound")]

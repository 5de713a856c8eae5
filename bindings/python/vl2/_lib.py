# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Loading libvl2 and mirroring its public C structures with ctypes.

The library is found, in order, through:

1. the ``VL2_LIBRARY`` environment variable (a path to ``libvl2.so*``);
2. a ``libvl2.so*`` next to this package (a bundled copy);
3. ``ctypes.util.find_library("vl2")`` (an installed libvl2);
4. ``lib/libvl2.so`` in a CMake build directory (``build*/``) of the source
   tree this package sits in.

Every structure here mirrors ``include/vl2/*.h`` field by field; the tests
compare each one's size and field offsets with what a C compiler reports
for the headers (``tests/test_layout.py``).
"""

import ctypes as C
import ctypes.util
import glob
import os

__all__ = ["lib", "lib_path", "Mac", "IpAddr", "SwitchConfigPrefix",
           "PortConfig", "SegmentConfig", "Frame", "Dest", "Verdict", "Event",
           "PortStats", "SegmentStats", "SwitchStats", "FdbEntry", "EthInfo",
           "Info", "CONFIG_BUF_SIZE", "HAS_NEIGH"]


def _candidates():
    env = os.environ.get("VL2_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for p in sorted(glob.glob(os.path.join(here, "libvl2.so*"))):
        yield p
    found = ctypes.util.find_library("vl2")
    if found:
        yield found
    root = os.path.dirname(os.path.dirname(os.path.dirname(here)))
    for p in sorted(glob.glob(os.path.join(root, "build*", "lib",
                                           "libvl2.so"))):
        yield p


def _load():
    errors = []
    for path in _candidates():
        try:
            return C.CDLL(path), path
        except OSError as e:
            errors.append("%s: %s" % (path, e))
    raise ImportError("libvl2 not found (set VL2_LIBRARY to libvl2.so): " +
                      ("; ".join(errors) or "no candidate"))


lib, lib_path = _load()

# Built with the neighbour table (neigh.h): its stats layout has `consumed`.
HAS_NEIGH = hasattr(lib, "vl2_neigh_add_static")

u8, u16, u32, u64 = C.c_uint8, C.c_uint16, C.c_uint32, C.c_uint64


class Mac(C.Structure):
    """``vl2_mac``"""
    _fields_ = [("b", u8 * 6)]


class IpAddr(C.Structure):
    """``vl2_ipaddr``"""
    _fields_ = [("family", u8), ("pad", u8 * 3), ("addr", u8 * 16)]


class SwitchConfigPrefix(C.Structure):
    """The first fields of ``vl2_switch_config`` (version 1). Later
    fields are kept opaque: the config is passed in a buffer of
    CONFIG_BUF_SIZE bytes that vl2_switch_config_default() fills, so fields
    added to the end of the struct keep their defaults."""
    _fields_ = [("max_ports", u32), ("max_segments", u32),
                ("max_remotes", u32), ("max_fdb", u32),
                ("max_macs_per_port", u32), ("max_macs_per_segment", u32),
                ("event_queue_cap", u32), ("reserved0", u32),
                ("ageing_ns", u64), ("hash_seed", u64)]


CONFIG_BUF_SIZE = 4096


class PortConfig(C.Structure):
    """``vl2_port_config``"""
    _fields_ = [("mode", u8), ("reserved0", u8), ("pvid", u16),
                ("flags", u32), ("max_macs", u32), ("reserved1", u32)]


class SegmentConfig(C.Structure):
    """``vl2_segment_config``"""
    _fields_ = [("flags", u32), ("max_macs", u32), ("reserved", u32 * 2)]


class Frame(C.Structure):
    """``vl2_frame``"""
    _fields_ = [("data", C.c_void_p), ("len", u32), ("port", u32),
                ("rx_ts", u64), ("vni", u32), ("flags", u32),
                ("remote", IpAddr)]


class Dest(C.Structure):
    """``vl2_dest``"""
    _fields_ = [("type", u8), ("edit", u8), ("vid", u16), ("tpid", u16),
                ("udp_sport", u16), ("port", u32), ("vni", u32),
                ("remote_id", u32), ("remote", IpAddr)]


class Verdict(C.Structure):
    """``vl2_verdict``"""
    _fields_ = [("action", u16), ("reason", u16), ("dest_off", u32),
                ("dest_cnt", u32), ("vni", u32), ("flags", u32),
                ("reserved", u32)]


_EVENT_FIELDS = [("type", u16), ("reason", u16), ("vni", u32), ("mac", Mac),
                 ("reserved", u16), ("port", u32), ("old_port", u32),
                 ("remote", IpAddr), ("old_remote", IpAddr), ("ip", IpAddr),
                 ("at", u64)]
if HAS_NEIGH:
    _EVENT_FIELDS += [("old_mac", Mac), ("reserved1", u16),
                      ("reserved2", u32)]


class Event(C.Structure):
    """``vl2_event``"""
    _fields_ = _EVENT_FIELDS


class PortStats(C.Structure):
    """``vl2_port_stats``"""
    _fields_ = [(n, u64) for n in (
        "rx_frames", "rx_bytes", "rx_drops", "tx_frames", "tx_bytes",
        "rx_flooded", "learned", "moved_in", "limit_hits", "macs")]


class SegmentStats(C.Structure):
    """``vl2_segment_stats``"""
    _fields_ = [(n, u64) for n in (
        "rx_frames", "rx_bytes", "tx_frames", "tx_bytes", "bum_frames",
        "flood_copies", "flood_remote_copies", "unknown_unicast", "learned",
        "moved", "limit_hits", "macs")]


DROP_REASON_MAX = 64
_SW_STATS = ["rx_frames", "rx_bytes", "forwarded", "flooded"]
if HAS_NEIGH:
    _SW_STATS.append("consumed")
_SW_STATS += ["dropped", "learned", "moved", "aged", "limit_hits",
              "static_conflicts", "events_dropped", "fdb_entries",
              "fdb_static"]


class SwitchStats(C.Structure):
    """``vl2_switch_stats``"""
    _fields_ = [(n, u64) for n in _SW_STATS] + [
        ("drops", u64 * DROP_REASON_MAX),
        ("overlay_mtu_skips", u64),
        ("stacked_tag_skips", u64)]


class FdbEntry(C.Structure):
    """``vl2_fdb_entry``"""
    _fields_ = [("mac", Mac), ("flags", u16), ("vni", u32), ("port", u32),
                ("reserved", u32), ("remote", IpAddr), ("expires_at", u64)]


class EthInfo(C.Structure):
    """``vl2_eth_info``"""
    _fields_ = [("dst", Mac), ("src", Mac), ("ethertype", u16),
                ("l3_off", u16), ("tag_cnt", u8), ("reserved", u8 * 3),
                ("tpid", u16 * 4), ("tci", u16 * 4)]


class Info(C.Structure):
    """``vl2_info``"""
    _fields_ = [("version_num", C.c_int), ("version", C.c_char_p)]


P = C.POINTER
_ssize = C.c_ssize_t  # vl2_ssize is ptrdiff_t


def _proto(name, res, *args):
    f = getattr(lib, name)
    f.restype = res
    f.argtypes = list(args)


_proto("vl2_strerror", C.c_char_p, C.c_int)
_proto("vl2_version", P(Info), C.c_int)
_proto("vl2_drop_reason_name", C.c_char_p, C.c_uint)
_proto("vl2_switch_config_default_versioned", C.c_int, C.c_int, C.c_void_p)
_proto("vl2_switch_new_versioned", C.c_int, P(C.c_void_p), C.c_int,
       C.c_void_p, C.c_void_p)
_proto("vl2_switch_del", None, C.c_void_p)
_proto("vl2_port_config_default", None, P(PortConfig), u8)
_proto("vl2_switch_port_add", C.c_int, C.c_void_p, u32, P(PortConfig))
_proto("vl2_switch_port_set", C.c_int, C.c_void_p, u32, P(PortConfig))
_proto("vl2_switch_port_del", C.c_int, C.c_void_p, u32)
_proto("vl2_switch_port_vlan_add", C.c_int, C.c_void_p, u32, u16, u32)
_proto("vl2_switch_port_vlan_del", C.c_int, C.c_void_p, u32, u16)
_proto("vl2_switch_segment_add", C.c_int, C.c_void_p, u32, P(SegmentConfig))
_proto("vl2_switch_segment_set", C.c_int, C.c_void_p, u32, P(SegmentConfig))
_proto("vl2_switch_segment_del", C.c_int, C.c_void_p, u32)
_proto("vl2_switch_remote_add", C.c_int, C.c_void_p, u32, P(IpAddr))
_proto("vl2_switch_remote_del", C.c_int, C.c_void_p, u32, P(IpAddr))
_proto("vl2_switch_process", _ssize, C.c_void_p, P(Frame), C.c_size_t,
       P(Verdict), P(Dest), C.c_size_t, u64)
_proto("vl2_switch_max_fanout", C.c_size_t, C.c_void_p)
_proto("vl2_switch_next_deadline", u64, C.c_void_p)
_proto("vl2_switch_run_timers", C.c_int, C.c_void_p, u64)
_proto("vl2_switch_poll_event", C.c_int, C.c_void_p, P(Event))
_proto("vl2_switch_get_stats", C.c_int, C.c_void_p, P(SwitchStats))
_proto("vl2_switch_port_get_stats", C.c_int, C.c_void_p, u32, P(PortStats))
_proto("vl2_switch_segment_get_stats", C.c_int, C.c_void_p, u32,
       P(SegmentStats))
_proto("vl2_fdb_add_static", C.c_int, C.c_void_p, P(FdbEntry))
_proto("vl2_fdb_del", C.c_int, C.c_void_p, u32, P(Mac))
_proto("vl2_fdb_lookup", C.c_int, C.c_void_p, u32, P(Mac), P(FdbEntry), u64)
_proto("vl2_fdb_flush_port", _ssize, C.c_void_p, u32, C.c_uint)
_proto("vl2_fdb_flush_segment", _ssize, C.c_void_p, u32, C.c_uint)
_proto("vl2_fdb_flush_all", _ssize, C.c_void_p, C.c_uint)
_proto("vl2_fdb_next", C.c_int, C.c_void_p, P(u64), P(FdbEntry), u64)
_proto("vl2_fdb_count", C.c_size_t, C.c_void_p)
_proto("vl2_eth_parse", C.c_int, C.c_char_p, C.c_size_t, P(EthInfo))
_proto("vl2_vlan_apply_edit", _ssize, C.c_void_p, P(C.c_size_t), C.c_size_t,
       P(Dest))

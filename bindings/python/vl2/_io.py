# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""The overlay (VXLAN encapsulation and decapsulation, ``<vl2/vxlan.h>``)
and the pcap backend offline (``<vl2/pcap.h>``: read a capture file, write
one), over the generated structures of ``_structs``."""

import ctypes as C
import ipaddress
from collections import namedtuple
from typing import Any, Iterator, List, Optional, Tuple, Union

from . import _lib as L
from ._core import (VxlanLayer, VxlanReason, _check, _ip, _mac, _ts, ip_obj,
                    mac_str)
from .errors import Malformed, error_for

Address = Union[str, ipaddress.IPv4Address, ipaddress.IPv6Address]

VXLAN_PORT = L.K["VL2_VXLAN_PORT"]


class Decapsulated(namedtuple("Decapsulated", "vni frame src dst sport "
                                              "dport tos ttl")):
    """A VXLAN packet taken apart: ``frame`` the inner Ethernet frame
    (bytes), ``src``/``dst`` the outer addresses (None for the UDP layer)."""
    __slots__ = ()


class VxlanError(Malformed):
    """A VXLAN packet refused by :meth:`Vxlan.decap`; ``reason`` is the
    :class:`vl2.VxlanReason`."""

    def __init__(self, msg, code, reason):
        super().__init__(msg, code)
        self.reason = reason


class Vxlan:
    """A VXLAN tunnel endpoint's settings (``vl2_vxlan_config``, RFC 7348):
    ``local`` address (needed for the IP and Ethernet layers), UDP ``port``
    (4789), ``underlay_mtu`` (1500), flow-hash ``seed``, ``flags``
    (``VL2_VXLAN_F_*``), ``ttl``, ``tos``. Checked when made."""

    def __init__(self, local: Optional[Address] = None,
                 port: int = VXLAN_PORT, underlay_mtu: int = 1500,
                 seed: int = 0, flags: int = 0, ttl: int = 64,
                 tos: int = 0) -> None:
        cfg = L.VxlanConfig()
        _check(L.lib.vl2_vxlan_config_default_versioned(
            L.K["VL2_VXLAN_CONFIG_VERSION"], C.byref(cfg)),
            "vl2_vxlan_config_default")
        cfg.dst_port, cfg.underlay_mtu, cfg.hash_seed = port, underlay_mtu, seed
        cfg.flags, cfg.ttl, cfg.tos = flags, ttl, tos
        cfg.local = _ip(local)
        _check(L.lib.vl2_vxlan_config_check(C.byref(cfg)),
               "vl2_vxlan_config_check")
        self._cfg = cfg

    def overhead(self, layer: int = VxlanLayer.ETH,
                 family: int = 4) -> int:
        """Bytes added in front of an inner frame at ``layer``."""
        return L.lib.vl2_vxlan_overhead(family, int(layer))

    def encap(self, frame: bytes, vni: int, remote: Address,
              sport: int = 0, layer: int = VxlanLayer.ETH,
              eth_dst: str = "00:00:00:00:00:00",
              eth_src: str = "00:00:00:00:00:00") -> bytes:
        """``frame`` encapsulated to ``remote`` in ``vni``
        (``vl2_vxlan_encap``): from the Ethernet header (``layer=ETH``,
        next hop ``eth_dst``), the IP header, or just the VXLAN header
        (``UDP``, for a socket). ``sport`` 0: the flow's hash."""
        frame = bytes(frame)
        p = L.VxlanEncapParams()
        p.vni, p.sport, p.layer = vni, sport, int(layer)
        p.remote = _ip(remote)
        p.eth_dst, p.eth_src = _mac(eth_dst), _mac(eth_src)
        head = L.K["VL2_VXLAN_HEADROOM_MAX"]
        buf = C.create_string_buffer(head + len(frame))
        C.memmove(C.byref(buf, head), frame, len(frame))
        off = C.c_size_t(head)
        n = _check(L.lib.vl2_vxlan_encap(buf, C.byref(off), len(frame),
                                         C.byref(self._cfg), C.byref(p)),
                   "vl2_vxlan_encap")
        return buf.raw[off.value:off.value + n]

    def decap(self, packet: bytes,
              layer: int = VxlanLayer.ETH) -> Decapsulated:
        """Validate and take apart a received packet (``vl2_vxlan_decap``);
        raises :class:`VxlanError` (a :class:`vl2.Malformed`) with the
        reason when it is refused."""
        packet = bytes(packet)
        info = L.VxlanInfo()
        rv = L.lib.vl2_vxlan_decap(C.byref(self._cfg), packet, len(packet),
                                   int(layer), C.byref(info))
        if rv < 0:
            if info.reason:
                reason = VxlanReason(info.reason)
                name = L.lib.vl2_vxlan_reason_name(info.reason).decode()
                raise VxlanError("VXLAN packet refused: %s" % name, rv,
                                 reason)
            raise error_for(rv, None, "vl2_vxlan_decap")
        inner = packet[info.inner_off:info.inner_off + info.inner_len]
        return Decapsulated(info.vni, inner, ip_obj(info.src),
                            ip_obj(info.dst), info.sport, info.dport,
                            info.tos, info.ttl)


class Egress:
    """The last stage (``<vl2/egress.h>``, ``vl2_egress_build``): what
    leaves for one destination of a verdict, as a list of packets. Port
    destinations get the tag edit; remote ones are also encapsulated with
    ``vxlan`` (a :class:`Vxlan`; None: the edited inner frame only) at
    ``layer`` (``ETH`` with ``eth_dst``/``eth_src``, ``IP`` or ``UDP``),
    with the destination's UDP source port."""

    def __init__(self, vxlan: Optional[Vxlan] = None,
                 layer: int = VxlanLayer.ETH,
                 eth_dst: str = "00:00:00:00:00:00",
                 eth_src: str = "00:00:00:00:00:00") -> None:
        p = L.S.vl2_egress_params()
        _check(L.lib.vl2_egress_params_default_versioned(
            L.K["VL2_EGRESS_PARAMS_VERSION"], C.byref(p)),
            "vl2_egress_params_default")
        self._vxlan = vxlan             # kept alive: p points into it
        if vxlan is not None:
            p.vxlan = C.pointer(vxlan._cfg)
        p.layer = int(layer)
        p.eth_dst, p.eth_src = _mac(eth_dst), _mac(eth_src)
        self._p = p

    def build(self, frame: bytes, dest: Any) -> List[bytes]:
        """The packets that leave for ``dest`` (a :class:`vl2.Dest` of the
        verdict ``frame`` got)."""
        frame = bytes(frame)
        src = C.create_string_buffer(frame, len(frame) or 1)
        f = L.Frame()
        f.data, f.len = C.cast(src, C.c_void_p), len(frame)
        d = dest._c()
        cap = len(frame) + 4 + 128
        buf = C.create_string_buffer(cap)
        pkts = (L.S.vl2_egress_pkt * 1)()
        n = _check(L.lib.vl2_egress_build(C.byref(self._p), C.byref(f),
                                          C.byref(d), buf, cap, pkts, 1),
                   "vl2_egress_build")
        return [buf.raw[k.off:k.off + k.len] for k in pkts[:n]]


def _pcap():
    return L.backend_lib("pcap")


class PcapReader:
    """Frames of a pcap or pcapng capture file, through the pcap backend
    offline (``file=PATH``): iterate for ``(ts_ns, bytes)`` in file order.
    ``filter`` is a libpcap expression. Linux cooked captures are
    converted to Ethernet. A context manager; :meth:`close` frees it."""

    def __init__(self, path: str, filter: Optional[str] = None,
                 port: int = 0) -> None:
        lib = _pcap()
        ops = C.addressof(C.c_char.in_dll(lib, "vl2_pcap_ops"))
        args = "file=" + path.replace(",", "\\,")
        if filter:
            args += ",filter=" + filter.replace(",", "\\,")
        h = C.c_void_p()
        err = C.create_string_buffer(256)
        rv = L.lib.vl2_backend_open_err(C.byref(h), ops, args.encode(), port,
                                        None, err, len(err))
        if rv < 0:
            raise error_for(rv, err.value.decode(errors="replace") or None,
                            "vl2_backend_open(pcap)")
        self._h = h
        self.datalink = lib.vl2_pcap_datalink(h)

    def __iter__(self) -> Iterator[Tuple[int, bytes]]:
        frames = (L.Frame * 32)()
        while self._h:
            n = L.lib.vl2_backend_rx_burst(self._h, frames, 32, 0)
            if n == L.K["VL2_ERR_CLOSED"]:   # end of file
                return
            _check(n, "vl2_backend_rx_burst")
            if n == 0:
                return
            for f in frames[:n]:
                yield f.rx_ts, C.string_at(f.data, f.len)

    def close(self) -> None:
        h, self._h = getattr(self, "_h", None), None
        if h:
            L.lib.vl2_backend_close(h)

    def __enter__(self) -> "PcapReader":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def __del__(self) -> None:
        self.close()


class PcapWriter:
    """A classic pcap file of Ethernet frames being written
    (``vl2_pcap_writer``): :meth:`write` ``(bytes, ts_ns)``; ``count`` is
    the number written. A context manager; :meth:`close` flushes it."""

    def __init__(self, path: str, nsec: bool = False,
                 snaplen: int = 0) -> None:
        lib = _pcap()
        h = C.c_void_p()
        flags = L.K["VL2_PCAP_WRITER_NSEC"] if nsec else 0
        _check(lib.vl2_pcap_writer_open(C.byref(h), path.encode(), snaplen,
                                        flags, None), "vl2_pcap_writer_open")
        self._h, self._lib = h, lib

    def write(self, frame: bytes, ts_ns: Optional[int] = None) -> None:
        frame = bytes(frame)
        _check(self._lib.vl2_pcap_writer_write(self._h, frame, len(frame),
                                               _ts(ts_ns)),
               "vl2_pcap_writer_write")

    @property
    def count(self) -> int:
        return self._lib.vl2_pcap_writer_count(self._h)

    def close(self) -> None:
        h, self._h = getattr(self, "_h", None), None
        if h:
            _check(self._lib.vl2_pcap_writer_close(h), "vl2_pcap_writer_close")

    def __enter__(self) -> "PcapWriter":
        return self

    def __exit__(self, *exc) -> bool:
        self.close()
        return False

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutdown)
            pass


__all__ = ["Egress", "Vxlan", "VxlanError", "Decapsulated", "PcapReader",
           "PcapWriter", "VXLAN_PORT"]

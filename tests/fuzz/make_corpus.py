#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Build the fuzz seed corpora from the shared capture files.

Reads every classic pcap (and pcapng) file under the captures directory
(default: ../shared/testdata/pcaps relative to the repository), keeps the
Ethernet (DLT_EN10MB) frames, and writes them wrapped in each harness's input
format into tests/fuzz/corpus/<target>/<sha256 of the file> (existing files
are kept; identical inputs collapse to one file). The captures themselves are
never copied. Only the standard library is used.

    tests/fuzz/make_corpus.py [--pcaps DIR] [--out DIR] [--max-per-file N]

The input formats are documented at the top of each tests/fuzz/fuzz_*.c.
"""
import argparse
import hashlib
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DLT_EN10MB = 1


# ---- capture readers -------------------------------------------------------

def read_pcap(data):
    """Yield (linktype, frame) from a classic pcap file's bytes."""
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        e = ">"
    else:
        raise ValueError("not a classic pcap file")
    linktype = struct.unpack(e + "I", data[20:24])[0] & 0x0FFFFFFF
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, _ = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + caplen > len(data):
            break
        yield linktype, data[off:off + caplen]
        off += caplen


def read_pcapng(data):
    """Yield (linktype, frame) from a pcapng file's bytes (EPB, SPB, PB)."""
    off = 0
    e = "<"
    links = []
    while off + 12 <= len(data):
        btype = struct.unpack(e + "I", data[off:off + 4])[0]
        if btype == 0x0A0D0D0A:  # section header: learn the byte order
            bom = data[off + 8:off + 12]
            e = "<" if bom == b"\x4d\x3c\x2b\x1a" else ">"
            links = []
        blen = struct.unpack(e + "I", data[off + 4:off + 8])[0]
        if blen < 12 or off + blen > len(data):
            break
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # interface description
            links.append(struct.unpack(e + "H", body[0:2])[0])
        elif btype == 6:  # enhanced packet
            ifc, _, _, caplen, _ = struct.unpack(e + "IIIII", body[0:20])
            lt = links[ifc] if ifc < len(links) else DLT_EN10MB
            yield lt, body[20:20 + caplen]
        elif btype == 3:  # simple packet
            lt = links[0] if links else DLT_EN10MB
            origlen = struct.unpack(e + "I", body[0:4])[0]
            yield lt, body[4:4 + min(origlen, len(body) - 4)]
        elif btype == 2:  # obsolete packet block
            ifc, _, _, _, caplen, _ = struct.unpack(e + "HHIIII", body[0:20])
            lt = links[ifc] if ifc < len(links) else DLT_EN10MB
            yield lt, body[20:20 + caplen]
        off += blen


def frames_of(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] == b"\x0a\x0d\x0d\x0a":
        it = read_pcapng(data)
    else:
        it = read_pcap(data)
    return [fr for lt, fr in it if lt == DLT_EN10MB]


# ---- minimal decoders (only to find VXLAN payloads) ------------------------

def l3(frame):
    """(ethertype, offset) after up to four 802.1Q/802.1ad tags."""
    off = 12
    for _ in range(5):
        if len(frame) < off + 2:
            return None, None
        et = struct.unpack(">H", frame[off:off + 2])[0]
        if et not in (0x8100, 0x88A8):
            return et, off + 2
        off += 4
    return None, None


def udp_payload(ip):
    """(dst port, UDP payload) of an IPv4/IPv6 packet, or (None, None)."""
    if len(ip) >= 20 and ip[0] >> 4 == 4:
        ihl = (ip[0] & 15) * 4
        if ip[9] != 17 or len(ip) < ihl + 8:
            return None, None
        u = ip[ihl:]
    elif len(ip) >= 48 and ip[0] >> 4 == 6:
        if ip[6] != 17:
            return None, None
        u = ip[40:]
    else:
        return None, None
    return struct.unpack(">H", u[2:4])[0], u[8:]


# ---- harness input formats --------------------------------------------------

ETH_SCRIPTS = [
    # (edit, vid) x 4; see fuzz_eth.c
    bytes([0x11, 100, 0x02, 0, 0x23, 200, 0x00, 0]),  # push 8100/100, pop, rewrite 88a8/200
    bytes([0x02, 0, 0x21, 5, 0x03, 7, 0x00, 0]),      # pop, push 88a8/5, rewrite 7
    bytes([0x13, 42, 0x00, 0, 0x11, 0xFF, 0x02, 0]),  # rewrite 42, keep, push 4095, pop
    bytes([0x31, 1, 0x31, 2, 0x02, 0, 0xF9, 0]),      # push 9100 twice, pop, bad edit
]


def eth_inputs(frames):
    for i, fr in enumerate(frames):
        yield ETH_SCRIPTS[i % len(ETH_SCRIPTS)] + bytes([0]) + fr


def vxlan_inputs(frames):
    for fr in frames:
        yield bytes([2, 0, 0]) + fr  # layer ETH, default config
        et, off = l3(fr)
        if off is None or et not in (0x0800, 0x86DD) or off != 14:
            continue
        ip = fr[off:]
        dport, pl = udp_payload(ip)
        port_sel = 0x80 if dport == 8472 else 0
        yield bytes([2, 0x20, port_sel]) + fr  # ETH, no checksum verify
        yield bytes([1, 0, port_sel]) + ip     # IP layer
        if pl is not None:
            yield bytes([0, 0, port_sel]) + pl  # UDP layer: VXLAN header on


def geneve_inputs(frames):
    """fuzz_geneve.c: Geneve packets (UDP 6081) at each layer, with and
    without known critical options and checksum verification."""
    for fr in frames:
        et, off = l3(fr)
        if off is None or et not in (0x0800, 0x86DD) or off != 14:
            continue
        ip = fr[off:]
        dport, pl = udp_payload(ip)
        if dport != 6081:
            continue
        yield bytes([2, 0, 0]) + fr          # ETH, default config
        yield bytes([2, 0x20, 0xC0]) + fr    # ETH, no verify, options known
        yield bytes([1, 0, 0]) + ip          # IP layer
        if pl is not None:
            yield bytes([0, 0, 0]) + pl      # UDP layer: Geneve header on
            yield bytes([0, 0, 0x80]) + pl


# fuzz_switch.c: config, then control ops (K = 0xc0 + op, a, b, c).
SW_CONFIG = bytes([7, 7, 7, 63, 0, 15, 4, 0])  # 8 ports/segs/remotes, 64 FDB, 300 s


def op(n, a, b, c=0):
    assert c & 0xE0 != 0xE0  # would inject an allocation failure
    return bytes([0xC0 + n, a, b, c])


def vlan(port, vid_idx, vni_idx):
    return op(3, port, vid_idx | vni_idx << 3, 1)


SW_TOPOLOGY = b"".join([
    # segments: VNI 1 (ARP/ND suppression), 2 (directory mode), 100, 4242,
    # 0x123456 (fz_vnis indices 0, 1, 3, 4, 7); all learn from remotes.
    op(5, 0, 1 | 4), op(5, 1, 1 | 8), op(5, 3, 1), op(5, 4, 1), op(5, 7, 1),
    op(0, 0, 0), op(0, 1, 0),                # ports 0, 1: access, PVID 1
    op(0, 2, 3),                             # port 2: trunk, native VLAN 1
    op(0, 3, 0x81, 0x1F),                    # port 3: 802.1ad trunk, no native
    op(0, 4, 1),                             # port 4: trunk, no native
    vlan(0, 0, 0), vlan(1, 0, 0),            # VLAN 1 -> VNI 1
    vlan(2, 0, 0), vlan(2, 3, 3), vlan(2, 4, 4), vlan(2, 2, 1),
    vlan(3, 5, 7), vlan(3, 3, 3),            # S-VLAN 200 -> 0x123456, 100 -> 100
    vlan(4, 4, 4), vlan(4, 1, 1), vlan(4, 6, 0),
    op(8, 0, 0), op(8, 0, 3), op(8, 3, 1), op(8, 4, 2),  # flood lists
])


def sw_frame(fr, port, last, remote=None):
    k = port & 0x0F
    extra = b""
    if remote is not None:
        k = 0x10
        extra = bytes(remote)
    if last:
        k |= 0x20
    fr = fr[:2048]
    return bytes([k]) + extra + bytes([0x02]) + struct.pack(">H", len(fr)) + fr


VNI_IDX = {1: 0, 2: 1, 3: 2, 100: 3, 4242: 4, 0: 5, 0xFFFFFF: 6, 0x123456: 7}


def vxlan_inner(fr):
    """(vni, inner frame) of a VXLAN-in-UDP frame, or None."""
    et, off = l3(fr)
    if off is None or et not in (0x0800, 0x86DD):
        return None
    dport, pl = udp_payload(fr[off:])
    if pl is None or dport not in (4789, 8472) or len(pl) < 8 + 14:
        return None
    if not pl[0] & 0x08:
        return None
    return int.from_bytes(pl[4:7], "big"), pl[8:]


def switch_inputs(frames, chunk=12):
    for start in range(0, len(frames), chunk):
        part = frames[start:start + chunk]
        recs = []
        for i, fr in enumerate(part):
            recs.append(sw_frame(fr, i % 5, i % 4 == 3))
            inner = vxlan_inner(fr)
            if inner is not None and inner[0] in VNI_IDX:
                recs.append(sw_frame(inner[1], 0, True,
                                     remote=(VNI_IDX[inner[0]], i % 3)))
        body = b"".join(recs)
        yield SW_CONFIG + SW_TOPOLOGY + body
        # The same with a tiny destination array and a timer run in between.
        yield (SW_CONFIG + SW_TOPOLOGY + bytes([0xC0 + 15, 1]) + body +
               bytes([0xC0 + 13, 0x06]) + body[:64] +
               bytes([0xC0 + 14, 64, 0xC0 + 13, 0x04]))


def arp(op_, src, dst, sha, spa, tha, tpa, vid=None):
    """An Ethernet ARP frame (optionally 802.1Q-tagged), padded to 60."""
    eth = bytes.fromhex(dst.replace(":", "")) + \
        bytes.fromhex(src.replace(":", ""))
    if vid is not None:
        eth += struct.pack(">HH", 0x8100, vid)
    body = struct.pack(">HHBBH", 1, 0x0800, 6, 4, op_) + \
        bytes.fromhex(sha.replace(":", "")) + bytes(spa) + \
        bytes.fromhex(tha.replace(":", "")) + bytes(tpa)
    f = eth + b"\x08\x06" + body
    return f + bytes(max(0, 60 - len(f)))


def neigh_inputs():
    """ARP exchanges in the suppressing segment (VNI 1 through ports 0..2)
    and the directory segment (VNI 2 through port 4, VLAN 2)."""
    A, B, C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"
    Z, BC = "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"
    a, b = [10, 0, 0, 1], [10, 0, 0, 2]
    seqs = [
        [(1, arp(2, B, A, B, b, A, a)), (0, arp(1, A, BC, A, a, Z, b)),
         (2, arp(1, C, BC, C, [10, 0, 0, 3], Z, b)),
         (2, arp(2, C, BC, C, b, BC, b)),  # gratuitous reply: b moves
         (0, arp(1, A, BC, A, a, Z, b))],
        [(4, arp(1, A, BC, A, a, Z, b, vid=2)),
         (4, arp(1, A, BC, A, a, Z, b, vid=2)),
         (2, arp(2, B, A, B, b, A, a, vid=10))],
    ]
    for seq in seqs:
        body = b"".join(sw_frame(f, p, True) for p, f in seq)
        yield SW_CONFIG + SW_TOPOLOGY + body + bytes([0xC0 + 14, 64])
        yield SW_CONFIG + SW_TOPOLOGY + body + \
            bytes([0xC0 + 13, 0x04, 0xC0 + 13, 0x07, 0xC0 + 14, 64]) + body


# fuzz_fdb.c: config, fail-new byte, then 4-byte ops.
def fdb_op(n, a=0, b=0, c=0):
    return bytes([n, a, b, c])


def fdb_inputs():
    topo = b"".join([
        fdb_op(5, 0, 1), fdb_op(5, 1, 1), fdb_op(5, 3, 3),
        fdb_op(0, 0, 0), fdb_op(0, 1, 0), fdb_op(0, 2, 3),
        fdb_op(3, 0, 0, 1), fdb_op(3, 1, 0, 1), fdb_op(3, 2, 0, 1),
        fdb_op(3, 2, 3 | 3 << 3, 1),
        fdb_op(8, 0, 0), fdb_op(8, 0, 3), fdb_op(8, 3, 1),
    ])
    learn = b"".join(fdb_op(13, p, (d << 4) | s, 0)
                     for p, s, d in [(0, 0, 1), (1, 1, 0), (2, 2, 13),
                                     (0, 3, 2), (1, 3, 4), (2, 4, 3)])
    learn += b"".join(fdb_op(14, 0, (d << 4) | s, r)
                      for s, d, r in [(5, 0, 0), (6, 5, 3), (5, 1, 1)])
    statics = b"".join([
        fdb_op(10, 0, 7, 0), fdb_op(10, 0, 8, 0x10), fdb_op(10, 3, 9, 0x12),
        fdb_op(10, 0, 13, 0), fdb_op(10, 1, 10, 1),
    ])
    checks = fdb_op(16) + fdb_op(19) + fdb_op(18, 20) + fdb_op(15, 0, 7)
    timers = fdb_op(17, 0x04, 1) + fdb_op(17, 0x06, 1) + fdb_op(17, 0x07, 1)
    dels = b"".join([
        fdb_op(11, 0, 7), fdb_op(12, 0, 0, 1), fdb_op(12, 1, 1, 0),
        fdb_op(12, 2, 3), fdb_op(4, 2, 3), fdb_op(9, 0, 3), fdb_op(1, 1),
        fdb_op(6, 3), fdb_op(6, 1), fdb_op(2, 0, 0x1b, 0x40),
    ])
    cfgs = [
        bytes([7, 7, 7, 63, 0, 15, 0, 0]),  # ageing off: exact checks
        bytes([7, 7, 7, 63, 0, 15, 4, 0]),  # 300 s
        bytes([3, 2, 1, 3, 0x05, 1, 2, 9]),  # tiny limits, 1 ms ageing
    ]
    for cfg in cfgs:
        for fail in (0, 0x83):
            yield cfg + bytes([fail]) + topo + learn + checks
            yield cfg + bytes([fail]) + topo + learn + statics + checks + \
                timers + checks + dels + checks
            yield cfg + bytes([fail]) + topo + statics + learn + dels + \
                learn + checks + timers
    # Allocation failures injected into control-plane ops.
    yield cfgs[0] + bytes([0]) + b"".join(
        fdb_op(o, a, b, 0xE0 | k) for k in range(4)
        for o, a, b in [(5, 0, 1), (0, 0, 0), (3, 0, 0), (8, 0, 0)]) + \
        topo + checks


# fuzz_trace.c: records K [sel] [dcap] [later] step len16 bytes; ops >= 0x80.
def tr_frame(fr, port, step=0x02, remote=None, dcap=None, later=None):
    k = port & 0x0F
    extra = b""
    if remote is not None:
        k |= 0x10
        extra += bytes([remote])
    if dcap is not None:
        k |= 0x20
        extra += bytes([dcap])
    if later is not None:
        k |= 0x40
        extra += bytes([later])
    fr = fr[:2048]
    return bytes([k]) + extra + bytes([step]) + struct.pack(">H", len(fr)) + fr


def tr_mac(n):
    return "02:00:00:00:00:%02x" % n


def eth(dst, src, et=0x0800, tags=(), payload=46):
    f = bytes.fromhex(dst.replace(":", "")) + \
        bytes.fromhex(src.replace(":", ""))
    for tpid, tci in tags:
        f += struct.pack(">HH", tpid, tci)
    return f + struct.pack(">H", et) + bytes(range(256))[:payload] + \
        bytes(max(0, payload - 256))


def csum16(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(">%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def igmp_frame(src, typ, group, tags=()):
    g = bytes(group)
    to = {0x11: bytes([224, 0, 0, 1]), 0x17: bytes([224, 0, 0, 2])}.get(typ, g)
    m = bytearray([typ, 100 if typ == 0x11 else 0, 0, 0]) + g
    m[2:4] = struct.pack(">H", csum16(bytes(m)))
    ip = bytearray(struct.pack(">BBHHHBBH4s4s", 0x45, 0, 28, 0, 0, 1, 2, 0,
                               bytes([10, 0, 0, 11]), to))
    ip[10:12] = struct.pack(">H", csum16(bytes(ip)))
    dst = "01:00:5e:%02x:%02x:%02x" % (to[1] & 0x7F, to[2], to[3])
    f = bytes.fromhex(dst.replace(":", "")) + \
        bytes.fromhex(src.replace(":", ""))
    for tpid, tci in tags:
        f += struct.pack(">HH", tpid, tci)
    return f + b"\x08\x00" + bytes(ip) + bytes(m)


def trace_inputs(frames):
    """Sequences for the trace harness: learning and moves, storms, ARP
    (suppressed, bound, spoofed, directory), IGMP, strict remotes, split
    horizon, VLAN hops, the overlay MTU, small destination arrays; and
    capture frames spread over the ports."""
    BC = "ff:ff:ff:ff:ff:ff"
    Z = "00:00:00:00:00:00"
    A, B, C, M8 = tr_mac(10), tr_mac(11), tr_mac(12), tr_mac(8)
    Q, AD = 0x8100, 0x88A8
    ip = lambda n: [10, 0, 0, n]
    r1_100, r2_100, r1_200, r3_200, r2_300, r3_100 = \
        0 | 0 << 3, 0 | 1 << 3, 1 | 0 << 3, 1 | 2 << 3, 2 | 1 << 3, 0 | 2 << 3
    learn = [
        tr_frame(eth(B, A), 0), tr_frame(eth(A, B, tags=[(Q, 10)]), 2),
        tr_frame(eth(A, C, tags=[(AD, 10)]), 3),
        tr_frame(eth(B, A, tags=[(Q, 10)]), 7),   # A moves 0 -> 7
        tr_frame(eth(B, A), 0), tr_frame(eth(B, A, tags=[(Q, 10)]), 7),
        tr_frame(eth(B, A), 0), tr_frame(eth(B, A, tags=[(Q, 10)]), 7),
        tr_frame(eth(A, A), 0), tr_frame(eth(tr_mac(7), A), 2, step=0x04),
        tr_frame(eth(A, tr_mac(7)), 2), tr_frame(eth(A, B), 1),
        tr_frame(eth(C, tr_mac(13)), 1), tr_frame(eth(C, tr_mac(14)), 1),
        tr_frame(eth(A, B), 0, step=0x06),          # past the ageing time
    ]
    storm = [tr_frame(eth(BC, A), 0, step=0) for _ in range(6)] + \
        [tr_frame(eth(BC, A), 0, step=0x04)] + \
        [tr_frame(eth(tr_mac(40 + i), B, tags=[(AD, 30)]), 3, step=0)
         for i in range(4)] + \
        [tr_frame(eth("01:00:5e:01:01:09", B, tags=[(AD, 30)]), 3)] + \
        [tr_frame(eth(BC, C), 4, step=0) for _ in range(4)]
    arps = [
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0),   # answered
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0, step=0),
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0, step=0),
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0, step=0),
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0, step=0),  # queue full
        0x81,
        tr_frame(arp(1, B, BC, B, ip(5), Z, ip(5)), 2),    # GARP: bind
        tr_frame(arp(2, C, A, C, ip(6), A, ip(11)), 0),    # reply: bind
        tr_frame(arp(1, A, BC, B, ip(1), Z, ip(1)), 1),    # spoofed
        tr_frame(arp(2, tr_mac(1), BC, tr_mac(1), ip(1), BC, ip(1)), 1),
        tr_frame(arp(1, C, BC, C, ip(7), Z, ip(9)), 8),    # directory
        tr_frame(arp(1, C, BC, C, ip(7), Z, ip(9)), 8),
        tr_frame(arp(1, C, BC, C, ip(7), Z, ip(10)), 8),
        tr_frame(arp(1, C, BC, C, ip(7), Z, ip(12)), 8),   # pending full
        tr_frame(arp(1, C, BC, C, ip(7), Z, ip(3)), 8),    # static: answered
        tr_frame(arp(1, A, BC, A, [0, 0, 0, 0], Z, ip(8)), 0),  # probe
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(2), vid=60), 7),  # EVPN
        tr_frame(arp(1, A, BC, A, ip(11), Z, ip(1)), 0, remote=r1_100),
    ]
    g1, g2, ll = [239, 1, 1, 1], [239, 1, 1, 2], [224, 0, 0, 251]
    mcast = [
        tr_frame(igmp_frame(A, 0x16, g1), 4),
        tr_frame(igmp_frame(B, 0x16, g2, tags=[(AD, 30)]), 3),
        tr_frame(eth("01:00:5e:01:01:01", C, tags=[(Q, 40)]), 2),
        tr_frame(eth("01:00:5e:01:01:03", C, tags=[(Q, 40)]), 2),
        tr_frame(eth("01:00:5e:00:00:fb", C), 5),
        tr_frame(igmp_frame(C, 0x11, [0, 0, 0, 0], tags=[(Q, 40)]), 2),
        tr_frame(igmp_frame(A, 0x17, g1), 4),
        tr_frame(igmp_frame(A, 0x16, g1), 0, remote=r2_300),
        tr_frame(eth("01:00:5e:01:01:01", B), 0, remote=r2_300),
        tr_frame(igmp_frame(A, 0x16, ll), 5),
        0x80, tr_frame(eth("01:00:5e:01:01:01", C), 5, step=0x07),
    ]
    remotes = [
        tr_frame(eth(B, A), 0, remote=r1_200),
        tr_frame(eth(B, C), 0, remote=r3_200),
        tr_frame(eth(B, M8), 0, remote=r3_200),
        tr_frame(eth(B, tr_mac(20)), 0, remote=r3_100),
        tr_frame(eth(tr_mac(20), A), 0, remote=r1_100),  # split horizon
        tr_frame(eth(tr_mac(20), A), 0),                  # to a remote
        tr_frame(eth(tr_mac(20), A, payload=1300), 0),    # overlay MTU
        tr_frame(eth(tr_mac(99), A, payload=1300), 0),
        tr_frame(eth(B, A, tags=[(Q, 5)]), 0, remote=r1_100),
        tr_frame(eth(B, tr_mac(9)), 0, remote=4 | 0 << 3),
        tr_frame(eth(tr_mac(9), A, tags=[(Q, 60)]), 7),
        tr_frame(eth(B, A), 0, remote=5 | 0 << 3),
    ] + [tr_frame(eth(B, tr_mac(30 + i)), 0, remote=r2_100)
         for i in range(8)]
    hops = [
        tr_frame(eth(B, A, tags=[(Q, 10), (Q, 20)]), 2),
        tr_frame(eth(B, A, tags=[(AD, 30), (Q, 5)]), 3),
        tr_frame(eth(tr_mac(7), A, tags=[(AD, 10), (Q, 5)]), 3),
        tr_frame(eth(B, A, tags=[(Q, 10)]), 3),
        tr_frame(eth(B, A, tags=[(Q, 10)]), 0),
        tr_frame(eth(B, A, tags=[(Q, 99)]), 2),
        tr_frame(eth(B, A, tags=[(Q, 4095)]), 2),
        tr_frame(eth(B, A), 7), tr_frame(eth(B, A), 9),
        tr_frame(eth("01:80:c2:00:00:00", A), 0),
        tr_frame(eth(B, "01:00:5e:00:00:01"), 0), tr_frame(eth(B, Z), 0),
        tr_frame(eth(B, A)[:13], 0), tr_frame(b"", 0, remote=r1_100),
    ]
    ctl = [0x86, 2, tr_frame(arp(2, A, "02:00:00:00:00:99", A, ip(3),
                                  "02:00:00:00:00:99", [10, 0, 0, 254]), 0),
           0x84, 0x10, 1, tr_frame(arp(1, A, BC, B, ip(1), Z, ip(1)), 0),
           0x85, 10, 0x08, tr_frame(eth(A, B), 0, remote=r1_100),
           0x87, 0x08, tr_frame(eth(B, A, tags=[(Q, 20)]), 0, remote=r3_200),
           0x81]
    small = [tr_frame(eth(B, A), 0, dcap=0), tr_frame(eth(BC, A), 0, dcap=3),
             tr_frame(eth(BC, A), 2, dcap=7, later=30),
             0x83, 50, tr_frame(eth(B, A), 0, later=200),
             tr_frame(eth(tr_mac(21), A), 0, dcap=1)]

    def body(parts):
        return b"".join(bytes([p]) if isinstance(p, int) else p
                        for p in parts)
    for seq in (learn, storm, arps, mcast, remotes, hops, small, ctl):
        yield body(seq)
        yield body(seq + [0x80, 0x04] + seq + [0x82] + seq)
    yield body(learn + storm + arps + mcast + remotes + hops + small + ctl)
    for start in range(0, len(frames), 12):
        part = frames[start:start + 12]
        yield b"".join(tr_frame(fr, i % 10, step=0x0B)
                       for i, fr in enumerate(part))


# ---- main ------------------------------------------------------------------

def write(outdir, target, blob, seen):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha256(blob).hexdigest()
    if h in seen:
        return 0
    seen.add(h)
    p = os.path.join(d, h)
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(blob)
    return 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pcaps", default=os.path.join(
        os.path.dirname(REPO), "shared", "testdata", "pcaps"))
    ap.add_argument("--out", default=os.path.join(HERE, "corpus"))
    ap.add_argument("--max-per-file", type=int, default=24,
                    help="distinct frames taken from one capture")
    args = ap.parse_args()

    captures = []
    for root, _, files in os.walk(args.pcaps):
        for n in files:
            if n.endswith((".pcap", ".pcapng", ".cap")):
                captures.append(os.path.join(root, n))
    captures.sort()
    if not captures:
        sys.exit("no captures under %s" % args.pcaps)

    seen = set()
    counts = {}
    trace_frames = []  # a few frames of every eighth capture
    for i, path in enumerate(captures):
        try:
            frames = frames_of(path)
        except (ValueError, struct.error) as e:
            print("skip %s: %s" % (path, e), file=sys.stderr)
            continue
        uniq = []
        for fr in frames:
            if fr not in uniq:
                uniq.append(fr)
            if len(uniq) == args.max_per_file:
                break
        if i % 8 == 0:
            trace_frames.extend(uniq[:4])
        for target, gen in (("eth", eth_inputs(uniq)),
                            ("vxlan", vxlan_inputs(uniq)),
                            ("geneve", geneve_inputs(uniq)),
                            ("switch", switch_inputs(uniq))):
            for blob in gen:
                counts[target] = counts.get(target, 0) + \
                    write(args.out, target, blob, seen)
    for blob in neigh_inputs():
        counts["switch"] = counts.get("switch", 0) + \
            write(args.out, "switch", blob, seen)
    for blob in trace_inputs(trace_frames):
        counts["trace"] = counts.get("trace", 0) + \
            write(args.out, "trace", blob, seen)
    for blob in fdb_inputs():
        counts["fdb"] = counts.get("fdb", 0) + write(args.out, "fdb", blob, seen)
    for t in sorted(counts):
        print("%-7s %d seeds" % (t, counts[t]))


if __name__ == "__main__":
    main()

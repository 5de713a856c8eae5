#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Generate tests/unit/geneve_vectors.h: Geneve (RFC 8926) golden vectors
built with scapy's GENEVE layer, independently of libvl2's encoder.

Two tables:
- gnv_vectors: an inner Ethernet frame (the same frames as the VXLAN
  vectors), the encapsulation parameters with their options, and the
  packet scapy builds (outer Ethernet / IPv4|IPv6 / UDP / GENEVE, or a
  prefix of that, per layer). test_geneve.c encapsulates with
  vl2_geneve_encap() and compares byte for byte, and decapsulates the
  expected packet back, options included.
- gnv_bad: packets that must be refused, each with the reason
  (VL2_VXLAN_R_*) vl2_geneve_decap() must give: bad version, Opt Len past
  the packet, a truncated option, an unknown critical option (with and
  without the C bit), the O bit, a non-Ethernet protocol, a short header.

scapy 2.5's GENEVE.post_build masks an automatic optionlen with 0x2f
instead of 0x3f, so every packet here sets optionlen explicitly.

Usage: /usr/bin/python3 geneve_vectors_gen.py [OUT]   (default: stdout)
The CTest unit.geneve_vectors_fresh regenerates and compares when scapy
is installed.
"""
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from scapy.contrib.geneve import GENEVE, GeneveOptions  # noqa: E402
from scapy.layers.inet import IP, UDP  # noqa: E402
from scapy.layers.inet6 import IPv6  # noqa: E402
from scapy.layers.l2 import Ether  # noqa: E402
from scapy.packet import Raw  # noqa: E402

from vxlan_vectors_gen import (addr_init, carray, inner_frames,  # noqa: E402
                               mac_init, NH_MAC, LOCAL_MAC)

F_UDP4_CSUM = 0x01
F_UDP6_ZERO_CSUM_TX = 0x02
F_FLOWLABEL = 0x08

LAYER_UDP, LAYER_IP, LAYER_ETH = 0, 1, 2
FLAG_O = 0x80

# Reasons (include/vl2/vxlan.h, enum vl2_vxlan_reason).
R = {n: "VL2_VXLAN_R_" + n for n in (
    "TRUNC_INNER", "TRUNC_GENEVE", "GENEVE_VERSION", "GENEVE_OPT_LEN",
    "GENEVE_OPT_TRUNC", "GENEVE_CRIT_OPT", "GENEVE_OAM", "GENEVE_PROTO")}

# Options: (class, type, data bytes). Type 0x80 bit: critical.
OPT_OVN = (0x0102, 0x80, b"\x00\x01\x00\x02")   # OVN's tunnel key option
OPT_NONCRIT = (0x0103, 0x05, b"abcdefgh")
OPT_EMPTY = (0xffff, 0x01, b"")
OPT_BIG = (0x0104, 0x7f, bytes(range(124)))     # the largest option


def opts_bytes(opts):
    b = b"".join(bytes(GeneveOptions(classid=c, type=t, length=len(d) // 4,
                                        data=d)) for c, t, d in opts)
    assert len(b) <= 252, "Geneve options are at most 252 bytes"
    return b


def geneve(vni, opts, flags=0, proto=0x6558, version=0, optionlen=None,
           raw_opts=None):
    ob = raw_opts if raw_opts is not None else opts_bytes(opts)
    crit = any(t & 0x80 for _, t, _ in opts)
    return GENEVE(version=version,
                  optionlen=len(ob) // 4 if optionlen is None else optionlen,
                  oam=1 if flags & FLAG_O else 0, critical=1 if crit else 0,
                  proto=proto, vni=vni) / Raw(ob)


def outer(v, inner):
    fam6 = v["family"] == 6
    flags = v["flags"]
    g = geneve(v["vni"], v["opts"], v["gflags"]) / Raw(inner)
    if v["layer"] == LAYER_UDP:
        return bytes(g)
    if fam6:
        fl = v["flow_hash"] & 0xFFFFF if flags & F_FLOWLABEL else 0
        ip = IPv6(src=v["local"], dst=v["remote"], tc=v["tos"], fl=fl,
                  hlim=v["ttl"], nh=17)
        csum = 0 if flags & F_UDP6_ZERO_CSUM_TX else None
        ether_type = 0x86DD
    else:
        ip = IP(src=v["local"], dst=v["remote"], tos=v["tos"], ttl=v["ttl"],
                id=0, flags="DF", proto=17)
        csum = None if flags & F_UDP4_CSUM else 0
        ether_type = 0x0800
    pkt = ip / UDP(sport=v["sport"], dport=v["dport"], chksum=csum) / g
    if v["layer"] == LAYER_ETH:
        pkt = Ether(dst=NH_MAC, src=LOCAL_MAC, type=ether_type) / pkt
    return bytes(pkt)


def V(name, inner, layer, family, vni, sport, opts=(), **kw):
    v = dict(name=name, inner=inner, layer=layer, family=family, vni=vni,
             sport=sport, opts=list(opts), gflags=kw.get("gflags", 0),
             flow_hash=kw.get("flow_hash", 0), flags=kw.get("flags", 0),
             ttl=kw.get("ttl", 64), tos=kw.get("tos", 0),
             dport=kw.get("dport", 6081), mtu=kw.get("mtu", 1500))
    v["local"] = kw.get("local", "192.0.2.1" if family == 4 else "2001:db8::1")
    v["remote"] = kw.get("remote",
                         "198.51.100.7" if family == 4 else "2001:db8:1::7")
    return v


VECTORS = [
    V("eth4_arp_noopt", "arp_bcast", LAYER_ETH, 4, 100, 50000),
    V("ip4_tcp_ovn_crit", "tcp4", LAYER_IP, 4, 0xABCDEF, 61234, [OPT_OVN],
      ttl=17, tos=0xb8),
    V("eth4_csum_two_opts", "udp4_odd", LAYER_ETH, 4, 1, 49152,
      [OPT_NONCRIT, OPT_EMPTY], flags=F_UDP4_CSUM),
    V("eth6_flowlabel_opt", "icmp6", LAYER_ETH, 6, 0xFFFFFF, 65535,
      [OPT_NONCRIT], flags=F_FLOWLABEL, flow_hash=0x12345678),
    V("ip6_zerocsum", "tcp4", LAYER_IP, 6, 5001, 55555, tos=0x28,
      flags=F_UDP6_ZERO_CSUM_TX, ttl=255),
    V("ip6_csum_big_opts", "udp4_odd", LAYER_IP, 6, 7, 60000,
      [OPT_BIG, OPT_NONCRIT]),
    V("udp_payload_opt", "arp_bcast", LAYER_UDP, 4, 0x000001, 0, [OPT_OVN]),
    V("eth4_port_6082", "tagged_icmp4", LAYER_ETH, 4, 42, 50001,
      [OPT_EMPTY], dport=6082),
    V("ip4_max_frame_mtu1500", "max_1464", LAYER_IP, 4, 9, 50003),
]

# 252 option bytes: two 128-byte options are too many (256), so the
# largest set is 124+4 and 116+4.
OPT_MAXSET = [OPT_BIG, (0x0105, 0x06, bytes(116))]
VECTORS.append(V("ip4_opts_252", "arp_bcast", LAYER_IP, 4, 77, 50005,
                 OPT_MAXSET))


def bad_vectors(frames):
    """(name, UDP payload bytes, reason); decapsulated at the UDP layer,
    and also wrapped in IPv4/UDP to exercise the outer path."""
    inner = frames["arp_bcast"]
    out = []
    out.append(("version1", bytes(geneve(5, [], version=1) / Raw(inner)),
                R["GENEVE_VERSION"]))
    out.append(("version3_opts",
                bytes(geneve(5, [OPT_NONCRIT], version=3) / Raw(inner)),
                R["GENEVE_VERSION"]))
    # Opt Len 63 words (252 bytes) but only 8 bytes of options and no
    # inner frame behind them: past the packet.
    ob = opts_bytes([OPT_EMPTY, OPT_EMPTY])
    out.append(("optlen_past_packet",
                bytes(GENEVE(optionlen=63, proto=0x6558, vni=5) / Raw(ob)),
                R["GENEVE_OPT_LEN"]))
    # An option claiming 8 data bytes where the options hold 4.
    trunc = bytes(GeneveOptions(classid=0x0103, type=0x05, length=2,
                                data=b"abcd"))
    out.append(("opt_truncated",
                bytes(geneve(5, [], raw_opts=trunc) / Raw(inner)),
                R["GENEVE_OPT_TRUNC"]))
    # The last option's length (4 words) runs past the options' end.
    out.append(("opt_last_past_end",
                bytes(GENEVE(optionlen=2, proto=0x6558, vni=5)
                      / Raw(opts_bytes([OPT_EMPTY]) + b"\x01\x02\x03\x04")
                      / Raw(inner)),
                R["GENEVE_OPT_TRUNC"]))
    out.append(("unknown_crit",
                bytes(geneve(5, [OPT_NONCRIT, (0x0999, 0x81, b"zzzz")])
                      / Raw(inner)),
                R["GENEVE_CRIT_OPT"]))
    # A critical option with the C bit clear: still dropped.
    pkt = bytearray(bytes(geneve(5, [(0x0999, 0x81, b"")]) / Raw(inner)))
    pkt[1] &= ~0x40 & 0xff
    out.append(("unknown_crit_c_clear", bytes(pkt), R["GENEVE_CRIT_OPT"]))
    out.append(("oam", bytes(geneve(5, [], flags=FLAG_O) / Raw(inner)),
                R["GENEVE_OAM"]))
    out.append(("oam_with_opt",
                bytes(geneve(5, [OPT_NONCRIT], flags=FLAG_O) / Raw(inner)),
                R["GENEVE_OAM"]))
    out.append(("proto_ipv4",
                bytes(geneve(5, [], proto=0x0800) / Raw(inner[14:])),
                R["GENEVE_PROTO"]))
    out.append(("short_header", bytes(geneve(5, []))[:7],
                R["TRUNC_GENEVE"]))
    out.append(("no_inner", bytes(geneve(5, [OPT_NONCRIT]) / Raw(inner[:13])),
                R["TRUNC_INNER"]))
    return out


def main():
    frames = inner_frames()
    o = []
    o.append("/* SPDX-License-Identifier: BSD-3-Clause\n"
             " * Copyright (c) 2026 The libvl2 authors\n */\n"
             "/* GENERATED by tests/unit/geneve_vectors_gen.py with scapy; do "
             "not edit.\n * Geneve golden vectors: inner frame, parameters, "
             "options, and the\n * packet scapy built for them; and refused "
             "packets with their reason. */\n"
             "#ifndef VL2_TEST_GENEVE_VECTORS_H\n"
             "#define VL2_TEST_GENEVE_VECTORS_H\n\n"
             "#include <stddef.h>\n#include <stdint.h>\n\n"
             "#include <vl2/geneve.h>\n")
    used = sorted({v["inner"] for v in VECTORS})
    for n in used:
        b = frames[n]
        o.append("static const uint8_t gnv_inner_%s[%d] = {\n%s\n};" %
                 (n, len(b), carray(b)))
    for v in VECTORS:
        pkt = outer(v, frames[v["inner"]])
        o.append("static const uint8_t gnv_pkt_%s[%d] = {\n%s\n};" %
                 (v["name"], len(pkt), carray(pkt)))
        ob = opts_bytes(v["opts"])
        if ob:
            o.append("static const uint8_t gnv_opts_%s[%d] = {\n%s\n};" %
                     (v["name"], len(ob), carray(ob)))
    o.append("\ntypedef struct gnv_vector {\n"
             "  const char *name;\n"
             "  const uint8_t *inner;\n  size_t inner_len;\n"
             "  const uint8_t *pkt;\n  size_t pkt_len;\n"
             "  const uint8_t *opts;\n  size_t opt_len;\n  unsigned opt_cnt;\n"
             "  unsigned crit_cnt;\n"
             "  uint8_t layer;\n  uint8_t ttl;\n  uint8_t tos;\n"
             "  uint8_t gflags;\n"
             "  uint16_t dport;\n  uint16_t sport;\n  uint32_t flags;\n"
             "  uint32_t mtu;\n  uint32_t vni;\n  uint32_t flow_hash;\n"
             "  vl2_ipaddr local;\n  vl2_ipaddr remote;\n"
             "  vl2_mac eth_dst;\n  vl2_mac eth_src;\n} gnv_vector;\n")
    o.append("static const gnv_vector gnv_vectors[] = {")
    for v in VECTORS:
        inner = "gnv_inner_%s" % v["inner"]
        pkt = "gnv_pkt_%s" % v["name"]
        ob = opts_bytes(v["opts"])
        opts = ("gnv_opts_%s, sizeof(gnv_opts_%s)" % (v["name"], v["name"])
                if ob else "NULL, 0")
        crit = sum(1 for _, t, _ in v["opts"] if t & 0x80)
        o.append(
            "    {\"%s\", %s, sizeof(%s), %s, sizeof(%s), %s, %d, %d,"
            " %d, %d, 0x%02x, 0x%02x, %d, %d, 0x%x, %d, 0x%06x, 0x%08x,\n"
            "     %s,\n     %s,\n     %s, %s}," % (
                v["name"], inner, inner, pkt, pkt, opts, len(v["opts"]), crit,
                v["layer"], v["ttl"], v["tos"], v["gflags"], v["dport"],
                v["sport"], v["flags"], v["mtu"], v["vni"], v["flow_hash"],
                addr_init(v["local"], v["family"]),
                addr_init(v["remote"], v["family"]), mac_init(NH_MAC),
                mac_init(LOCAL_MAC)))
    o.append("};\n\n#define GNV_COUNT (sizeof(gnv_vectors) / "
             "sizeof(gnv_vectors[0]))\n")
    bad = bad_vectors(frames)
    for name, b, _ in bad:
        o.append("static const uint8_t gnv_bad_%s[%d] = {\n%s\n};" %
                 (name, len(b), carray(b)))
    o.append("\ntypedef struct gnv_bad_vector {\n  const char *name;\n"
             "  const uint8_t *pkt;\n  size_t len;\n  uint16_t reason;\n"
             "} gnv_bad_vector;\n")
    o.append("static const gnv_bad_vector gnv_bad[] = {")
    for name, _, r in bad:
        o.append("    {\"%s\", gnv_bad_%s, sizeof(gnv_bad_%s), %s}," %
                 (name, name, name, r))
    o.append("};\n\n#define GNV_BAD_COUNT (sizeof(gnv_bad) / "
             "sizeof(gnv_bad[0]))\n\n"
             "#endif /* !defined(VL2_TEST_GENEVE_VECTORS_H) */\n")
    text = "\n".join(o)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as fp:
            fp.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

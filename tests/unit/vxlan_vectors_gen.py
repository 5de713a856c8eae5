#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Generate tests/unit/vxlan_vectors.h: VXLAN golden vectors built with
scapy, independently of libvl2's encoder.

Each vector is an inner Ethernet frame, the encapsulation parameters, and
the packet scapy builds for them (outer Ethernet / IPv4|IPv6 / UDP / VXLAN,
or a prefix of that, per layer). test_vxlan.c encapsulates the inner frame
with vl2_vxlan_encap() and compares byte for byte, and decapsulates the
expected packet back.

Usage: /usr/bin/python3 vxlan_vectors_gen.py [OUT]   (default: stdout)
Debian 12's python3-scapy (2.5.0) is what the checked-in header came from;
the CTest unit.vxlan_vectors_fresh regenerates and compares when scapy is
installed.
"""
import sys

from scapy.layers.inet import IP, TCP, UDP, ICMP
from scapy.layers.inet6 import IPv6, ICMPv6EchoRequest
from scapy.layers.l2 import ARP, Dot1Q, Ether
from scapy.layers.vxlan import VXLAN
from scapy.packet import Raw

# Config flags (include/vl2/vxlan.h).
F_UDP4_CSUM = 0x01
F_UDP6_ZERO_CSUM_TX = 0x02
F_FLOWLABEL = 0x08
F_TOS_INHERIT = 0x10

LAYER_UDP, LAYER_IP, LAYER_ETH = 0, 1, 2

VM_A = "02:00:00:00:00:0a"
VM_B = "02:00:00:00:00:0b"
NH_MAC = "52:54:00:12:34:56"
LOCAL_MAC = "52:54:00:ab:cd:ef"


def inner_frames():
    """Named inner frames (bytes)."""
    f = {}
    f["arp_bcast"] = bytes(
        Ether(dst="ff:ff:ff:ff:ff:ff", src=VM_A)
        / ARP(op=1, hwsrc=VM_A, psrc="10.0.0.1", pdst="10.0.0.2")
        / Raw(b"\x00" * 18))  # padded to 60 bytes
    f["tcp4"] = bytes(
        Ether(dst=VM_B, src=VM_A)
        / IP(src="10.0.0.1", dst="10.0.0.2", tos=0xb9, id=7)
        / TCP(sport=40000, dport=80, flags="PA", seq=1, ack=1)
        / Raw(b"GET / HTTP/1.1\r\n\r\n"))
    f["udp4_odd"] = bytes(
        Ether(dst=VM_B, src=VM_A)
        / IP(src="10.0.0.1", dst="10.0.0.2")
        / UDP(sport=5353, dport=53)
        / Raw(b"odd-length!"))
    f["icmp6"] = bytes(
        Ether(dst=VM_B, src=VM_A)
        / IPv6(src="fd00::a", dst="fd00::b", tc=0x2a, fl=0x12345)
        / ICMPv6EchoRequest(id=1, seq=2, data=b"ping6"))
    f["tagged_icmp4"] = bytes(
        Ether(dst=VM_B, src=VM_A) / Dot1Q(vlan=42, prio=5)
        / IP(src="192.168.1.1", dst="192.168.1.2", tos=0x60)
        / ICMP() / Raw(b"x" * 20))
    # The largest inner frame an IPv4 underlay with MTU 1500 carries.
    big = Ether(dst=VM_B, src=VM_A) / IP(src="10.0.0.1", dst="10.0.0.2") \
        / UDP(sport=1, dport=2)
    f["max_1464"] = bytes(big / Raw(b"\xa5" * (1464 - len(big))))
    return f


def outer(v, inner):
    """scapy's rendering of vector |v| around |inner| (bytes)."""
    fam6 = v["family"] == 6
    flags = v["flags"]
    tos = v["tos"]
    if flags & F_TOS_INHERIT:
        pkt = Ether(inner)
        ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
        if ip is not None:
            tos = ip.tos if ip.name == "IP" else ip.tc
    vx = VXLAN(flags=0x08, vni=v["vni"]) / Raw(inner)
    if v["layer"] == LAYER_UDP:
        return bytes(vx)
    if fam6:
        fl = v["flow_hash"] & 0xFFFFF if flags & F_FLOWLABEL else 0
        ip = IPv6(src=v["local"], dst=v["remote"], tc=tos, fl=fl,
                  hlim=v["ttl"], nh=17)
        csum = 0 if flags & F_UDP6_ZERO_CSUM_TX else None
        ether_type = 0x86DD
    else:
        ip = IP(src=v["local"], dst=v["remote"], tos=tos, ttl=v["ttl"],
                id=0, flags="DF", proto=17)
        csum = None if flags & F_UDP4_CSUM else 0
        ether_type = 0x0800
    pkt = ip / UDP(sport=v["sport"], dport=v["dport"], chksum=csum) / vx
    if v["layer"] == LAYER_ETH:
        pkt = Ether(dst=NH_MAC, src=LOCAL_MAC, type=ether_type) / pkt
    return bytes(pkt)


def V(name, inner, layer, family, vni, sport, **kw):
    v = dict(name=name, inner=inner, layer=layer, family=family, vni=vni,
             sport=sport, flow_hash=kw.get("flow_hash", 0),
             flags=kw.get("flags", 0), ttl=kw.get("ttl", 64),
             tos=kw.get("tos", 0), dport=kw.get("dport", 4789),
             mtu=kw.get("mtu", 1500))
    v["local"] = kw.get("local", "192.0.2.1" if family == 4 else "2001:db8::1")
    v["remote"] = kw.get("remote",
                         "198.51.100.7" if family == 4 else "2001:db8:1::7")
    return v


VECTORS = [
    V("eth4_arp", "arp_bcast", LAYER_ETH, 4, 100, 50000),
    V("ip4_tcp_port8472", "tcp4", LAYER_IP, 4, 0xABCDEF, 61234, ttl=17,
      tos=0xb8, dport=8472),
    V("eth4_udpcsum_odd", "udp4_odd", LAYER_ETH, 4, 1, 49152,
      flags=F_UDP4_CSUM),
    V("eth6_flowlabel", "icmp6", LAYER_ETH, 6, 0xFFFFFF, 65535,
      flags=F_FLOWLABEL, flow_hash=0x12345678),
    V("ip6_zerocsum", "tcp4", LAYER_IP, 6, 5001, 55555, tos=0x28,
      flags=F_UDP6_ZERO_CSUM_TX, ttl=255),
    V("ip6_csum_odd", "udp4_odd", LAYER_IP, 6, 7, 60000),
    V("udp_payload", "arp_bcast", LAYER_UDP, 4, 0x000001, 0),
    V("eth4_tos_inherit_tagged", "tagged_icmp4", LAYER_ETH, 4, 42, 50001,
      flags=F_TOS_INHERIT, tos=0x04),
    V("eth6_tos_inherit", "icmp6", LAYER_ETH, 6, 300, 50002,
      flags=F_TOS_INHERIT | F_UDP6_ZERO_CSUM_TX),
    V("ip4_max_frame_mtu1500", "max_1464", LAYER_IP, 4, 9, 50003),
    V("eth6_ip4inner_vni0", "tcp4", LAYER_ETH, 6, 0, 50004,
      local="fe80::1", remote="ff02::1234"),
]


def carray(b, indent="    "):
    out = []
    for i in range(0, len(b), 12):
        out.append(indent + ", ".join("0x%02x" % x for x in b[i:i + 12]) + ",")
    return "\n".join(out)


def addr_init(a, family):
    import socket
    raw = socket.inet_pton(socket.AF_INET6 if family == 6 else socket.AF_INET, a)
    raw = raw + b"\x00" * (16 - len(raw))
    return "{%d, {0, 0, 0}, {%s}}" % (family, ", ".join("0x%02x" % x for x in raw))


def mac_init(m):
    return "{{%s}}" % ", ".join("0x" + x for x in m.split(":"))


def main():
    frames = inner_frames()
    o = []
    o.append("/* SPDX-License-Identifier: BSD-3-Clause\n"
             " * Copyright (c) 2026 The libvl2 authors\n */\n"
             "/* GENERATED by tests/unit/vxlan_vectors_gen.py with scapy; do not "
             "edit.\n * VXLAN golden vectors: inner frame, parameters, and the "
             "packet scapy\n * built for them. */\n"
             "#ifndef VL2_TEST_VXLAN_VECTORS_H\n#define VL2_TEST_VXLAN_VECTORS_H\n\n"
             "#include <stddef.h>\n#include <stdint.h>\n\n#include <vl2/vxlan.h>\n")
    for n, b in frames.items():
        o.append("static const uint8_t vxv_inner_%s[%d] = {\n%s\n};" %
                 (n, len(b), carray(b)))
    for v in VECTORS:
        pkt = outer(v, frames[v["inner"]])
        o.append("static const uint8_t vxv_pkt_%s[%d] = {\n%s\n};" %
                 (v["name"], len(pkt), carray(pkt)))
    o.append("\ntypedef struct vxv_vector {\n"
             "  const char *name;\n"
             "  const uint8_t *inner;\n  size_t inner_len;\n"
             "  const uint8_t *pkt;\n  size_t pkt_len;\n"
             "  uint8_t layer;\n  uint8_t ttl;\n  uint8_t tos;\n"
             "  uint16_t dport;\n  uint16_t sport;\n  uint32_t flags;\n"
             "  uint32_t mtu;\n  uint32_t vni;\n  uint32_t flow_hash;\n"
             "  vl2_ipaddr local;\n  vl2_ipaddr remote;\n"
             "  vl2_mac eth_dst;\n  vl2_mac eth_src;\n} vxv_vector;\n")
    o.append("static const vxv_vector vxv_vectors[] = {")
    for v in VECTORS:
        inner = "vxv_inner_%s" % v["inner"]
        pkt = "vxv_pkt_%s" % v["name"]
        o.append(
            "    {\"%s\", %s, sizeof(%s), %s, sizeof(%s), %d, %d, 0x%02x, %d, %d,"
            " 0x%x, %d, 0x%06x, 0x%08x,\n     %s,\n     %s,\n     %s, %s}," % (
                v["name"], inner, inner, pkt, pkt, v["layer"], v["ttl"],
                v["tos"], v["dport"], v["sport"], v["flags"], v["mtu"],
                v["vni"], v["flow_hash"], addr_init(v["local"], v["family"]),
                addr_init(v["remote"], v["family"]), mac_init(NH_MAC),
                mac_init(LOCAL_MAC)))
    o.append("};\n\n#define VXV_COUNT (sizeof(vxv_vectors) / sizeof(vxv_vectors[0]))"
             "\n\n#endif /* !defined(VL2_TEST_VXLAN_VECTORS_H) */\n")
    text = "\n".join(o)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as fp:
            fp.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

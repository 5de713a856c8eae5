#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Generate tests/unit/mdb_query_vectors.h: the IGMP/MLD queries of the
snooping querier, built with scapy, independently of libvl2's builder.

Each vector is a querier configuration (version, robustness, query
interval, query response interval, a general query or a leave's
group-specific one) and the frame scapy builds for it: IGMPv3 (RFC 3376
section 4.1), IGMPv2 (RFC 2236 section 2), MLDv2 (RFC 3810 section 5.1),
MLDv1 (RFC 2710 section 3), each with the Router Alert option, TTL / hop
limit 1. test_mdb.c configures a switch the same way, takes the query it
sends and compares byte for byte.

The exponential codes (Max Resp Code, QQIC, Maximum Response Code) are
found here by searching the decoded values the RFCs define (the largest
code whose value does not exceed the interval), and scapy's own
IGMPv3.encode_maxrespcode() is checked against that search.

Usage: /usr/bin/python3 mdb_query_vectors_gen.py [OUT]   (default: stdout)
Debian 12's python3-scapy (2.5.0) is what the checked-in header came from;
the CTest unit.mdb_query_vectors_fresh regenerates and compares.
"""
import sys

from scapy.contrib.igmp import IGMP
from scapy.contrib.igmpv3 import IGMPv3, IGMPv3mq
from scapy.layers.inet import IP, IPOption_Router_Alert
from scapy.layers.inet6 import (IPv6, IPv6ExtHdrHopByHop, ICMPv6MLQuery,
                                ICMPv6MLQuery2, PadN, RouterAlert)
from scapy.layers.l2 import Ether

QMAC = "02:00:00:00:00:f0"
Q4 = "10.0.0.5"
Q6 = "fe80::5"


def exp_decode(code, mant_bits):
    """RFC 3376 4.1.1 (mant_bits 4) / RFC 3810 5.1.3 (mant_bits 12)."""
    top = 1 << (mant_bits + 3)
    if code < top:
        return code
    exp = (code >> mant_bits) & 7
    mant = code & ((1 << mant_bits) - 1)
    return (mant | (1 << mant_bits)) << (exp + 3)


def exp_encode(value, mant_bits):
    """The largest code whose decoded value is at most |value|."""
    best = 0
    for code in range(1 << (mant_bits + 4)):
        if exp_decode(code, mant_bits) <= value and \
                exp_decode(code, mant_bits) >= exp_decode(best, mant_bits):
            best = code
    return best


def igmp_mrc(ds):
    p = IGMPv3(mrcode=ds)
    p.encode_maxrespcode()
    assert p.mrcode == exp_encode(ds, 4), (ds, p.mrcode)
    return p.mrcode


def query(v):
    """scapy's rendering of vector |v|."""
    resp_ms = v["last_member_ms"] if v["group"] else v["response_ms"]
    if v["family"] == 4:
        dst = v["group"] or "224.0.0.1"
        o = dst.split(".")
        emac = "01:00:5e:%02x:%02x:%02x" % (int(o[1]) & 0x7f, int(o[2]),
                                              int(o[3]))
        ip = IP(src=Q4, dst=dst, ttl=1, tos=0xc0, id=0, flags=0,
                options=[IPOption_Router_Alert()])
        ds = resp_ms // 100
        if v["version"] == 3:
            msg = IGMPv3(type=0x11, mrcode=igmp_mrc(ds)) / IGMPv3mq(
                gaddr=v["group"] or "0.0.0.0", s=0, qrv=v["robustness"],
                qqic=exp_encode(v["interval_s"], 4))
        else:
            msg = IGMP(type=0x11, mrcode=min(ds, 255),
                       gaddr=v["group"] or "0.0.0.0")
        return bytes(Ether(dst=emac, src=QMAC) / ip / msg)
    dst = v["group"] or "ff02::1"
    ip = IPv6(src=Q6, dst=dst, hlim=1) / IPv6ExtHdrHopByHop(
        options=[RouterAlert(value=0), PadN(optdata=b"")])
    if v["version"] == 2:
        msg = ICMPv6MLQuery2(mrd=exp_encode(resp_ms, 12),
                             mladdr=v["group"] or "::", S=0,
                             QRV=v["robustness"],
                             QQIC=exp_encode(v["interval_s"], 4))
    else:
        msg = ICMPv6MLQuery(mrd=min(resp_ms, 65535), mladdr=v["group"] or "::")
    pkt = ip / msg
    b6 = bytes(pkt)
    emac = "33:33:" + ":".join("%02x" % x for x in b6[36:40])
    return bytes(Ether(dst=emac, src=QMAC) / pkt)


def V(name, family, version, **kw):
    return dict(name=name, family=family, version=version,
                group=kw.get("group"), robustness=kw.get("robustness", 2),
                interval_s=kw.get("interval_s", 125),
                response_ms=kw.get("response_ms", 10000),
                last_member_ms=kw.get("last_member_ms", 1000))


VECTORS = [
    V("igmp3_general", 4, 3),
    # 20 s = 200 ds: Max Resp Code 0x89; 300 s: QQIC 0x92 (288 s).
    V("igmp3_general_exp", 4, 3, robustness=3, interval_s=300,
      response_ms=20000),
    V("igmp3_group", 4, 3, group="239.1.1.1"),
    V("igmp2_general", 4, 2),
    V("igmp2_group", 4, 2, group="239.1.1.1"),
    V("mld2_general", 6, 2),
    # 40 s = 40000 ms: Maximum Response Code 0x8388.
    V("mld2_general_exp", 6, 2, robustness=3, interval_s=300,
      response_ms=40000),
    V("mld2_group", 6, 2, group="ff05::1234"),
    V("mld1_general", 6, 1),
]


def carray(b, indent="    "):
    out = []
    for i in range(0, len(b), 12):
        out.append(indent + ", ".join("0x%02x" % x for x in b[i:i + 12]) + ",")
    return "\n".join(out)


def addr_init(a, family):
    import socket
    if a is None:
        return "{0}"
    raw = socket.inet_pton(socket.AF_INET if family == 4 else socket.AF_INET6,
                           a)
    return "{" + ", ".join("0x%02x" % x for x in raw) + "}"


def main():
    o = ["/* SPDX-License-Identifier: BSD-3-Clause\n"
         " * Copyright (c) 2026 The libvl2 authors\n */\n"
         "/* GENERATED by tests/unit/mdb_query_vectors_gen.py with scapy; "
         "do not edit.\n"
         " * The snooping querier's IGMP/MLD queries as scapy builds them. "
         "*/\n"
         "#ifndef VL2_TEST_MDB_QUERY_VECTORS_H\n"
         "#define VL2_TEST_MDB_QUERY_VECTORS_H\n\n"
         "#include <stddef.h>\n#include <stdint.h>\n"]
    for v in VECTORS:
        b = query(v)
        o.append("static const uint8_t mqv_%s[%d] = {\n%s\n};"
                 % (v["name"], len(b), carray(b)))
    o.append("\ntypedef struct mqv_vector {\n"
             "  const char *name;\n"
             "  int family;          /* 4 or 6 */\n"
             "  uint8_t version;     /* IGMP 2|3, MLD 1|2 */\n"
             "  uint8_t has_group;   /* a leave's group-specific query */\n"
             "  uint8_t group[16];\n"
             "  uint32_t robustness;\n"
             "  uint32_t interval_s;\n"
             "  uint32_t response_ms;\n"
             "  uint32_t last_member_ms;\n"
             "  const uint8_t *frame;\n"
             "  size_t len;\n"
             "} mqv_vector;\n\n"
             "static const mqv_vector mqv_vectors[] = {")
    for v in VECTORS:
        b = query(v)
        o.append("    {\"%s\", %d, %d, %d, %s, %d, %d, %d, %d, mqv_%s, %d},"
                 % (v["name"], v["family"], v["version"],
                    1 if v["group"] else 0, addr_init(v["group"], v["family"]),
                    v["robustness"], v["interval_s"], v["response_ms"],
                    v["last_member_ms"], v["name"], len(b)))
    o.append("};\n\n#endif /* !defined(VL2_TEST_MDB_QUERY_VECTORS_H) */\n")
    text = "\n".join(o)
    if len(sys.argv) > 1:
        with open(sys.argv[1], "w") as fp:
            fp.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Three access ports in one segment: a broadcast floods to the two others,
the reply goes to the one port that learned the MAC, and the FDB holds both
hosts. Plain bytes, no scapy. Exits non-zero (AssertionError) if the switch
decides otherwise; prints where libvl2 was loaded from.

    /usr/bin/python3 scenario3.py
"""
import vl2


def eth(dst, src, ethertype=0x0800, payload=b"\x45" + b"\x00" * 45):
    mac = lambda s: bytes(int(x, 16) for x in s.split(":"))  # noqa: E731
    return mac(dst) + mac(src) + ethertype.to_bytes(2, "big") + payload


A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
BCAST = "ff:ff:ff:ff:ff:ff"

with vl2.Switch(max_ports=8) as sw:
    sw.add_segment(100)
    for port in (1, 2, 3):
        sw.add_port(port)                 # access, PVID 1
        sw.map_vlan(port, 1, 100)         # VLAN 1 on every port = VNI 100

    v = sw.process_one(1, eth(BCAST, A), now=0)
    assert v.flooded and sorted(v.ports) == [2, 3], v
    v = sw.process_one(2, eth(A, B), now=1000)
    assert not v.flooded and v.ports == [1], v
    v = sw.process_one(3, eth(A, B), now=2000)     # B moved to port 3
    assert v.ports == [1], v
    assert sw.fdb_lookup(100, B).port == 3
    assert sw.fdb_count() == 2
    print("libvl2 %s from %s: 3-port scenario OK (%d events)"
          % (vl2.version(), vl2.lib_path, len(list(sw.events()))))

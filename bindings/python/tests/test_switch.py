# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Drive the core through the bindings with frames built by scapy.

Run with Debian's /usr/bin/python3 (python3-scapy); without scapy every test
here is skipped.
"""
import ipaddress
import os
import unittest

import vl2

try:
    import logging
    logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
    from scapy.layers.inet import ICMP, IP, UDP
    from scapy.layers.l2 import ARP, STP, LLC, Dot1AD, Dot1Q, Ether
    from scapy.utils import rdpcap
    HAVE_SCAPY = True
except ImportError:  # pragma: no cover
    HAVE_SCAPY = False

A = "02:00:00:00:00:0a"
B = "02:00:00:00:00:0b"
C = "02:00:00:00:00:0c"
BCAST = "ff:ff:ff:ff:ff:ff"
PCAPS = os.environ.get("VL2_PCAPS", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..",
    "shared", "testdata", "pcaps"))


def pkt(src, dst, *tags, payload=None):
    """An Ethernet frame from src to dst with 802.1Q tags (vid or
    (tpid, vid)), carrying ICMP by default."""
    p = Ether(src=src, dst=dst)
    for t in tags:
        if isinstance(t, tuple) and t[0] == 0x88a8:
            p = p / Dot1AD(vlan=t[1])
        else:
            p = p / Dot1Q(vlan=t)
    p = p / (payload if payload is not None else
             IP(src="10.0.0.1", dst="10.0.0.2") / ICMP())
    return bytes(p)


def check_counters(tc, sw):
    st = sw.stats()
    tc.assertEqual(st.rx_frames, st.forwarded + st.flooded + st.dropped +
                   st.get("consumed", 0))
    tc.assertEqual(sum(st.drops.values()), st.dropped)


@unittest.skipUnless(HAVE_SCAPY, "scapy not installed (python3-scapy)")
class SwitchTest(unittest.TestCase):
    def setUp(self):
        # ports 1, 2: access VLAN 1; port 3: trunk with VLANs 10 (VNI 100)
        # and 20 (VNI 200); port 4: access in VNI 200.
        self.sw = vl2.Switch(max_ports=16, ageing_ns=300 * vl2.SEC)
        sw = self.sw
        sw.add_segment(100)
        sw.add_segment(200)
        for p in (1, 2):
            sw.add_port(p)
            sw.map_vlan(p, 1, 100)
        sw.add_port(3, vl2.TRUNK)
        sw.map_vlan(3, 10, 100)
        sw.map_vlan(3, 20, 200)
        sw.add_port(4)
        sw.map_vlan(4, 1, 200)

    def tearDown(self):
        check_counters(self, self.sw)
        self.sw.close()

    def test_learn_flood_then_unicast(self):
        sw = self.sw
        v = sw.process_one(1, pkt(A, BCAST), now=1)
        self.assertEqual(v.action_name, "forward")
        self.assertTrue(v.flooded and v.learned)
        self.assertEqual(sorted(v.ports), [2, 3])
        self.assertEqual(v.vni, 100)
        v = sw.process_one(2, pkt(B, A), now=2)
        self.assertFalse(v.flooded)
        self.assertEqual(v.ports, [1])
        self.assertEqual(v.dests[0].edit_name, "keep")
        e = sw.fdb_lookup(100, A)
        self.assertEqual((e.port, e.static), (1, False))
        self.assertEqual(e.expires_at, 1 + 300 * vl2.SEC)
        self.assertEqual({x.mac for x in sw.fdb_entries()}, {A, B})
        evs = list(sw.events())
        self.assertEqual([(e.name, e.mac, e.port) for e in evs],
                         [("fdb_learned", A, 1), ("fdb_learned", B, 2)])
        self.assertEqual(sw.port_stats(1)["learned"], 1)
        self.assertEqual(sw.segment_stats(100)["bum_frames"], 1)

    def test_egress_tagging(self):
        sw = self.sw
        f = pkt(A, BCAST)
        v = sw.process_one(1, f)
        d = [x for x in v.dests if x.port == 3][0]
        self.assertEqual((d.edit_name, d.vid, d.tpid), ("push", 10, 0x8100))
        out = Ether(d.apply(f))
        self.assertEqual(out[Dot1Q].vlan, 10)
        self.assertEqual(bytes(out[Dot1Q].payload), bytes(Ether(f).payload))
        # Tagged from the trunk: popped towards the access ports.
        f = pkt(B, BCAST, 10)
        v = self.sw.process_one(3, f)
        self.assertEqual(sorted(v.ports), [1, 2])
        for d in v.dests:
            self.assertEqual(d.edit_name, "pop")
            self.assertNotIn(Dot1Q, Ether(d.apply(f)))

    def test_isolation(self):
        sw = self.sw
        v = sw.process_one(3, pkt(C, BCAST, 20))
        self.assertEqual((v.vni, v.ports), (200, [4]))
        for port, frame, reason in [
                (1, pkt(A, BCAST, 20), "tagged_on_access"),
                (3, pkt(A, BCAST), "untagged_on_trunk"),
                (3, pkt(A, BCAST, 30), "vlan_not_allowed"),
                (3, pkt(A, BCAST, 10, 20), "stacked_tag"),
                (3, pkt(A, BCAST, (0x88a8, 10)), "qinq"),
                (3, pkt(A, BCAST, 4095), "vid_reserved"),
                (9, pkt(A, BCAST), "port_unknown"),
                (1, pkt("01:00:5e:00:00:01", BCAST), "src_multicast"),
                (1, pkt("00:00:00:00:00:00", BCAST), "src_zero"),
                (1, bytes(Ether(src=A, dst="01:80:c2:00:00:00") / LLC() /
                          STP()), "reserved_group"),
                (1, b"\x01\x02\x03", "runt")]:
            v = sw.process_one(port, frame)
            self.assertTrue(v.dropped, reason)
            self.assertEqual(v.reason_name, reason)
            self.assertEqual(v.dests, ())
        self.assertEqual(sw.stats().drops["tagged_on_access"], 1)
        # Priority-tagged (VID 0) frames belong to the access port's PVID.
        v = sw.process_one(1, pkt(A, BCAST, 0))
        self.assertEqual(sorted(v.ports), [2, 3])

    def test_remote_endpoints(self):
        sw = self.sw
        sw.add_remote(100, "192.0.2.1")
        sw.add_remote(100, "2001:db8::2")
        v = sw.process_one(1, pkt(A, BCAST))
        self.assertEqual(sorted(map(str, v.remotes)),
                         ["192.0.2.1", "2001:db8::2"])
        # From a remote: learned against it, never sent to another remote.
        f = vl2.Frame.from_remote("192.0.2.1", 100, pkt(B, BCAST))
        v = sw.process([f])[0]
        self.assertEqual(v.remotes, [])
        self.assertEqual(sorted(v.ports), [1, 2, 3])
        e = sw.fdb_lookup(100, B)
        self.assertEqual((e.port, str(e.remote)), (None, "192.0.2.1"))
        v = sw.process_one(1, pkt(A, B))
        self.assertEqual([str(r) for r in v.remotes], ["192.0.2.1"])
        f = vl2.Frame.from_remote("2001:db8::2", 100, pkt(C, B))
        v = sw.process([f])[0]
        self.assertEqual(v.reason_name, "split_horizon")
        # Tagged inner frames are refused (RFC 7348 section 6.1).
        f = vl2.Frame.from_remote("192.0.2.1", 100, pkt(C, BCAST, 10))
        self.assertEqual(sw.process([f])[0].reason_name, "remote_tagged")
        sw.del_remote(100, "2001:db8::2")
        with self.assertRaises(vl2.NotFound):
            sw.del_remote(100, "2001:db8::2")

    def test_static_entries_and_errors(self):
        sw = self.sw
        sw.fdb_add_static(100, A, port=2)
        sw.fdb_add_static(100, C, remote=ipaddress.ip_address("192.0.2.9"))
        v = sw.process_one(1, pkt(A, BCAST))  # learning never overrides
        self.assertFalse(v.learned)
        self.assertEqual(sw.stats().static_conflicts, 1)
        self.assertTrue(sw.fdb_lookup(100, A).static)
        self.assertEqual(sw.fdb_count(), 2)
        self.assertEqual(sw.stats().fdb_static, 2)
        with self.assertRaises(vl2.InvalidArgument):
            sw.fdb_add_static(100, BCAST, port=1)
        with self.assertRaises(vl2.NotFound):
            sw.fdb_add_static(100, A, port=4)  # port 4 is not in VNI 100
        with self.assertRaises(vl2.AlreadyExists):
            sw.add_port(1)
        with self.assertRaises(vl2.Busy):
            sw.del_segment(100)
        with self.assertRaises(vl2.InvalidArgument):
            sw.map_vlan(1, 5, 100)  # access ports map only their PVID
        self.assertEqual(sw.fdb_flush_all(vl2.FLUSH_DYNAMIC), 0)
        self.assertEqual(sw.fdb_flush_segment(100, vl2.FLUSH_STATIC), 2)
        self.assertIsNone(sw.fdb_lookup(100, A))
        with self.assertRaises(vl2.NotFound):
            sw.fdb_del(100, A)
        sw.process_one(2, pkt(B, BCAST))
        self.assertEqual(sw.fdb_flush_port(2), 1)

    def test_ageing(self):
        sw = self.sw
        sw.process_one(1, pkt(A, BCAST), now=vl2.SEC)
        self.assertIsNotNone(sw.next_deadline())
        list(sw.events())
        sw.run_timers(400 * vl2.SEC)
        self.assertEqual(sw.fdb_count(), 0)
        self.assertEqual([e.name for e in sw.events()], ["fdb_aged"])
        self.assertEqual(sw.stats().aged, 1)
        self.assertIsNone(sw.next_deadline())

    def test_burst_larger_than_fanout(self):
        frames = [vl2.Frame(1 + i % 2, pkt("02:00:00:00:01:%02x" % i, BCAST))
                  for i in range(64)]
        vs = self.sw.process(frames, now=5)
        self.assertEqual(len(vs), 64)
        self.assertTrue(all(v.flooded for v in vs))
        self.assertEqual(self.sw.stats().rx_frames, 64)

    def test_moves_and_limits(self):
        sw = vl2.Switch(max_fdb=2)
        with sw:
            sw.add_segment(1)
            for p in (1, 2):
                sw.add_port(p)
                sw.map_vlan(p, 1, 1)
            sw.process_one(1, pkt(A, BCAST))
            v = sw.process_one(2, pkt(A, BCAST))
            self.assertTrue(v.moved)
            sw.process_one(2, pkt(B, BCAST))
            v = sw.process_one(2, pkt(C, BCAST))
            self.assertTrue(v.flags & vl2.VFLAG_LIMIT)
            names = [e.name for e in sw.events()]
            self.assertEqual(names, ["fdb_learned", "fdb_moved",
                                     "fdb_learned", "fdb_limit"])
            check_counters(self, sw)

    def test_qinq_and_eth_parse(self):
        sw = self.sw
        sw.add_port(5, vl2.TRUNK, flags=vl2.PORT_DEFAULT | vl2.PORT_QINQ)
        sw.map_vlan(5, 300, 100)
        f = pkt(A, BCAST, (0x88a8, 300), 7)
        info = vl2.eth_parse(f)
        self.assertEqual([(t[0], t[3]) for t in info.tags],
                         [(0x88a8, 300), (0x8100, 7)])
        v = sw.process_one(5, f)
        self.assertEqual(v.vni, 100)
        d = [x for x in v.dests if x.port == 3][0]
        self.assertEqual((d.edit_name, d.vid, d.tpid), ("rewrite", 10,
                                                        0x8100))
        with self.assertRaises(vl2.Malformed):
            vl2.eth_parse(b"\x00" * 10)

    def test_closed_switch(self):
        sw = vl2.Switch()
        with sw:
            pass
        with self.assertRaises(vl2.Closed):
            sw.add_segment(1)
        sw.close()

    @unittest.skipUnless(
        os.path.isfile(os.path.join(PCAPS, "zeek", "icmp_dot1q.pcap")),
        "zeek/icmp_dot1q.pcap not found (tests/captures.sha256)")
    def test_capture_through_trunk(self):
        # zeek/icmp_dot1q.pcap: every frame in VLAN 123.
        path = os.path.join(PCAPS, "zeek", "icmp_dot1q.pcap")
        sw = self.sw
        sw.add_segment(123)
        sw.map_vlan(3, 123, 123)
        sw.add_port(6, vl2.TRUNK)
        sw.map_vlan(6, 123, 123)
        frames = [bytes(p) for p in rdpcap(path)]
        vs = sw.process([vl2.Frame(3, f) for f in frames], now=1)
        self.assertEqual(len(vs), len(frames))
        for f, v in zip(frames, vs):
            self.assertEqual(v.vni, 123)
            for d in v.dests:
                self.assertEqual(d.port, 6)
                out = Ether(d.apply(f))
                self.assertEqual(out[Dot1Q].vlan, 123)
        arp = [v for f, v in zip(frames, vs) if ARP in Ether(f)]
        self.assertTrue(arp)


if __name__ == "__main__":
    unittest.main()

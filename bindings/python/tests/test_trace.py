# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Switch.trace(): the decision vl2_switch_process() takes, step by step,
with no state changed (vl2_switch_trace, <vl2/trace.h>).

Each case traces a frame, checks the steps by name, checks that the FDB,
counters and events are unchanged, then processes the same frame and
compares the verdict. Frames are built by hand (no scapy needed).
"""
import ctypes
import ipaddress
import unittest

import vl2
from vl2 import _lib as L

A = "02:00:00:00:00:0a"
B = "02:00:00:00:00:0b"
X = "02:00:00:00:00:ee"
BCAST = "ff:ff:ff:ff:ff:ff"
SEC = vl2.SEC


def mac(m):
    return bytes(int(x, 16) for x in m.split(":"))


def eth(src, dst, *tags, ethertype=0x0800, payload=b"\x45" + bytes(45)):
    """dst, src, 802.1Q tags (vid or (tpid, vid)), EtherType, payload."""
    f = mac(dst) + mac(src)
    for t in tags:
        tpid, vid = t if isinstance(t, tuple) else (0x8100, t)
        f += tpid.to_bytes(2, "big") + vid.to_bytes(2, "big")
    return f + ethertype.to_bytes(2, "big") + payload


def arp_request(src, sender_ip, target_ip):
    body = (bytes([0, 1, 8, 0, 6, 4, 0, 1]) + mac(src) +
            ipaddress.IPv4Address(sender_ip).packed + bytes(6) +
            ipaddress.IPv4Address(target_ip).packed)
    return eth(src, BCAST, ethertype=0x0806, payload=body + bytes(18))


class TraceTest(unittest.TestCase):
    def setUp(self):
        # VNI 100 (ARP suppression): ports 1, 2 access VLAN 10, port 3 trunk
        # VLAN 10, remote 192.0.2.1. Storm control: 1 broadcast/s from port
        # 2, burst 1.
        self.sw = sw = vl2.Switch(max_ports=8, ageing_ns=300 * SEC)
        sw.add_segment(100, vl2.SEG_LEARN_REMOTE | vl2.SEG_ARP_SUPPRESS)
        for p in (1, 2):
            sw.add_port(p, pvid=10)
            sw.map_vlan(p, 10, 100)
        sw.add_port(3, vl2.TRUNK)
        sw.map_vlan(3, 10, 100)
        sw.add_remote(100, "192.0.2.1")
        cfg = L.S.vl2_storm_port_config()
        cfg.rate[L.K["VL2_STORM_BCAST"]].pps = 1
        cfg.rate[L.K["VL2_STORM_BCAST"]].burst_frames = 1
        self.assertEqual(
            L.lib.vl2_storm_port_set_versioned(
                sw._sw, 2, L.K["VL2_STORM_CONFIG_VERSION"], ctypes.byref(cfg),
                0), 0)

    def tearDown(self):
        self.sw.close()

    def state(self):
        sw = self.sw
        return (list(sw.fdb_entries(now=0)), dict(sw.stats()),
                [sw.port_stats(p) for p in (1, 2, 3)],
                sw.segment_stats(100), list(sw.neigh_entries(now=0)),
                sw.next_deadline())

    def same(self, t, v):
        """Trace `t` equals processed verdict `v`."""
        self.assertEqual(t.verdict, v)

    def trace_then_process(self, frame, now=0, **where):
        sw = self.sw
        list(sw.events())
        list(sw.poll_tx(now))
        before = self.state()
        t = sw.trace(frame, now=now, **where)
        self.assertEqual(self.state(), before)
        self.assertEqual(list(sw.events()), [])
        self.assertEqual(list(sw.poll_tx(now)), [])
        if "remote" in where:
            f = vl2.Frame.from_remote(where["remote"], where.get("vni", 0),
                                      frame)
        else:
            f = vl2.Frame(where["port"], frame)
        v = sw.process([f], now)[0]
        self.same(t, v)
        # Structure: ingress first, the verdict last, each with its name.
        self.assertEqual(str(t.steps[0].kind), "ingress")
        self.assertEqual(t.steps[-1].kind, vl2.TraceKind.VERDICT)
        for s in t.steps:
            self.assertEqual(s.kind_name, str(s.kind))
            self.assertEqual(s.result_name, str(s.result))
        return t

    def test_unknown_unicast_and_known(self):
        t = self.trace_then_process(eth(A, X), port=1)
        self.assertEqual(t.verdict.action_name, "forward")
        self.assertTrue(t.verdict.flooded)
        self.assertEqual(sorted(t.verdict.ports), [2, 3])
        names = t.names()
        self.assertIn(("fdb_lookup", "miss"), names)
        self.assertIn(("learn", "new"), names)
        self.assertIn(("flood_member", "skip_ingress"), names)
        self.assertEqual(names[-1], ("verdict", "flood"))
        members = [s for s in t.steps if s.kind == vl2.TraceKind.FLOOD_MEMBER
                   and s.result == vl2.TraceResult.TAKEN]
        self.assertEqual([s.port for s in members], [2, 3, None])
        self.assertEqual(str(members[-1].remote), "192.0.2.1")
        # A is known now: known unicast from the trunk, tag popped.
        t = self.trace_then_process(eth(B, A, 10), port=3)
        self.assertEqual(t.verdict.ports, [1])
        self.assertEqual(t.verdict.dests[0].edit_name, "pop")
        hit = [s for s in t.steps if s.kind == vl2.TraceKind.FDB_LOOKUP][0]
        self.assertEqual((str(hit.result), hit.port, hit.mac),
                         ("hit", 1, A))
        classify = [s for s in t.steps if s.kind == vl2.TraceKind.CLASSIFY][0]
        self.assertEqual((str(classify.result), classify.vid, classify.vni,
                          classify.aux), ("tagged", 10, 100, 0x8100))

    def test_drops_name_their_reason(self):
        t = self.trace_then_process(eth(A, X, 10), port=1)
        self.assertEqual(t.verdict.reason_name, "tagged_on_access")
        drop = [s for s in t.steps if s.result == vl2.TraceResult.DROP]
        self.assertEqual(str(drop[-1].reason), "tagged_on_access")
        t = self.trace_then_process(eth(A, X, 10, 20), port=3)
        self.assertEqual(t.verdict.reason_name, "stacked_tag")
        t = self.trace_then_process(eth(A, X), port=7)
        self.assertEqual(t.verdict.reason_name, "port_unknown")

    def test_arp_suppressed(self):
        self.sw.neigh_add_static(100, "10.0.0.5", B)
        t = self.trace_then_process(arp_request(A, "10.0.0.1", "10.0.0.5"),
                                    port=1)
        self.assertEqual(t.verdict.action_name, "consumed")
        neigh = [s for s in t.steps if s.kind == vl2.TraceKind.NEIGH]
        self.assertIn(("answered", "10.0.0.5", B),
                      [(str(s.result), str(s.ip), s.mac) for s in neigh])
        # The sender's own binding, as snooping would record it.
        self.assertIn(("bind", "10.0.0.1", A),
                      [(str(s.result), str(s.ip), s.mac) for s in neigh])

    def test_storm_trace_takes_no_token(self):
        f = eth(A, BCAST)
        for _ in range(3):   # traces: the one token stays
            self.assertEqual(self.sw.trace(f, port=2).verdict.action_name,
                             "forward")
        self.trace_then_process(f, port=2)
        t = self.trace_then_process(f, port=2)
        self.assertEqual(t.verdict.reason_name, "storm_control")
        self.assertIn(("storm", "drop"), t.names())

    def test_remote_and_split_horizon(self):
        sw = self.sw
        sw.process([vl2.Frame.from_remote("192.0.2.1", 100, eth(B, X))])
        t = self.trace_then_process(eth(A, X), remote="192.0.2.1", vni=100)
        self.assertEqual(t.names()[0], ("ingress", "remote"))
        self.assertEqual(str(t.steps[0].remote), "192.0.2.1")
        self.assertIsNone(t.steps[0].port)
        self.assertIn(("classify", "vni"), t.names())
        t = self.trace_then_process(eth(A, B), remote="192.0.2.1", vni=100)
        self.assertEqual(t.verdict.reason_name, "same_port")
        t = self.trace_then_process(eth(A, X), remote="192.0.2.9", vni=101)
        self.assertEqual(t.verdict.reason_name, "no_segment")

    def test_frame_object_and_errors(self):
        t = self.sw.trace(vl2.Frame(1, eth(A, X)), now=5 * SEC)
        self.assertTrue(t.verdict.flooded)
        self.assertIn("steps", repr(t))
        with self.assertRaises(TypeError):
            self.sw.trace(eth(A, X))
        # Nothing learned by any of it.
        self.assertEqual(list(self.sw.fdb_entries()), [])
        self.assertEqual(vl2.TraceKind(4), vl2.TraceKind.FDB_LOOKUP)
        self.assertEqual(str(vl2.TraceResult.SKIP_SPLIT_HORIZON),
                         "skip_split_horizon")


if __name__ == "__main__":
    unittest.main()

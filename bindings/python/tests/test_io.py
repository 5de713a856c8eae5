# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Enums, the neighbour table, VXLAN encapsulation/decapsulation, the pcap
backend offline, and the replay example: each as a user would call it,
plus the hostile cases (a truncated or forged VXLAN packet, a missing
capture file)."""
import ipaddress
import os
import subprocess
import sys
import tempfile
import unittest

import vl2

from .test_switch import PCAPS

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")


def eth(dst, src, ethertype=0x0800, payload=b"\x45" + b"\x00" * 45):
    mac = lambda s: bytes(int(x, 16) for x in s.split(":"))  # noqa: E731
    return mac(dst) + mac(src) + ethertype.to_bytes(2, "big") + payload


A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


class EnumTest(unittest.TestCase):
    def test_verdict_prints_names(self):
        with vl2.Switch() as sw:
            sw.add_segment(1)
            for port in (1, 2):
                sw.add_port(port)
                sw.map_vlan(port, 1, 1)
            v = sw.process_one(9, eth(A, B))
            self.assertEqual(v.action, vl2.Action.DROP)
            self.assertEqual(v.reason, vl2.DropReason.PORT_UNKNOWN)
            self.assertEqual(v.action, 0)          # still the C value
            self.assertIn("action=drop", repr(v))
            self.assertIn("reason=port_unknown", repr(v))
            v = sw.process_one(1, eth("ff:ff:ff:ff:ff:ff", A))
            self.assertIn("action=forward", repr(v))
            ev = next(sw.events())
            self.assertEqual(ev.type, vl2.EventType.FDB_LEARNED)
            self.assertEqual(ev.name, "fdb_learned")

    def test_unknown_value_is_not_an_error(self):
        self.assertEqual(int(vl2.DropReason(250)), 250)
        self.assertEqual(str(vl2.DropReason(250)), "unknown_250")


class TypingTest(unittest.TestCase):
    def test_public_api_is_annotated(self):
        import typing
        pkg = os.path.dirname(vl2.__file__)
        self.assertTrue(os.path.exists(os.path.join(pkg, "py.typed")))
        for cls in (vl2.Switch, vl2.Vxlan, vl2.Egress, vl2.PcapReader,
                    vl2.PcapWriter):
            for name, fn in vars(cls).items():
                if name.startswith("_") and name != "__init__":
                    continue
                fn = getattr(fn, "fget", fn)
                if not callable(fn):
                    continue
                hints = typing.get_type_hints(fn)
                self.assertIn("return", hints, "%s.%s" % (cls.__name__, name))


class NeighTest(unittest.TestCase):
    def test_static_binding(self):
        with vl2.Switch() as sw:
            sw.add_segment(100)
            self.assertIsNone(sw.neigh_lookup(100, "10.0.0.1"))
            sw.neigh_add_static(100, "10.0.0.1", A)
            sw.neigh_add_static(100, "2001:db8::1", B, router=True)
            e = sw.neigh_lookup(100, "10.0.0.1")
            self.assertEqual((e.mac, e.static, e.ip),
                             (A, True, ipaddress.ip_address("10.0.0.1")))
            self.assertEqual(sw.neigh_count(), 2)
            self.assertEqual({str(x.ip) for x in sw.neigh_entries()},
                             {"10.0.0.1", "2001:db8::1"})
            # ARP suppression: a request for 10.0.0.1 is answered locally.
            sw.set_segment(100, vl2.SEG_ARP_SUPPRESS)
            sw.add_port(1)
            sw.add_port(2)
            sw.map_vlan(1, 1, 100)
            sw.map_vlan(2, 1, 100)
            mac = lambda m: bytes(int(x, 16) for x in m.split(":"))  # noqa
            arp = (b"\x00\x01\x08\x00\x06\x04\x00\x01" + mac(B) +
                   bytes([10, 0, 0, 2]) + b"\x00" * 6 + bytes([10, 0, 0, 1]))
            v = sw.process_one(1, eth("ff:ff:ff:ff:ff:ff", B, 0x0806,
                                      arp + b"\x00" * 18))
            self.assertEqual(v.action, vl2.Action.CONSUMED, v)
            out = list(sw.poll_tx())
            self.assertEqual(len(out), 1)
            data, kind, dest = out[0]
            self.assertEqual(kind, vl2.TxKind.ARP_REPLY)
            self.assertEqual(dest.port, 1)
            self.assertEqual(data[6:12], mac(A))          # from the owner
            self.assertEqual(data[32:38], mac(B))         # to the asker
            learned = sw.neigh_lookup(100, "10.0.0.2")  # snooped from it
            self.assertEqual((learned.mac, learned.static, learned.port),
                             (B, False, 1))
            sw.neigh_del(100, "10.0.0.1")
            self.assertIsNone(sw.neigh_lookup(100, "10.0.0.1"))
            self.assertEqual(sw.neigh_count(), 2)
            with self.assertRaises(vl2.NotFound):
                sw.neigh_add_static(7, "10.0.0.1", A)   # no segment 7
            with self.assertRaises(vl2.InvalidArgument):
                sw.neigh_add_static(100, "224.0.0.1", A)


class VxlanTest(unittest.TestCase):
    def test_roundtrip_ipv4_and_ipv6(self):
        inner = eth(B, A)
        for local, remote in (("192.0.2.1", "192.0.2.7"),
                              ("2001:db8::1", "2001:db8::7")):
            t = vl2.Vxlan(local=local)
            pkt = t.encap(inner, 4242, remote)
            self.assertEqual(len(pkt), len(inner) + t.overhead(
                family=4 if "." in local else 6))
            with self.assertRaises(vl2.VxlanError):   # not for us
                t.decap(pkt)
            d = vl2.Vxlan(local=remote).decap(pkt)
            self.assertEqual((d.vni, d.frame, str(d.src), d.dport),
                             (4242, inner, local, vl2.VXLAN_PORT))
            self.assertEqual(str(d.dst), remote)

    def test_udp_layer(self):
        t = vl2.Vxlan()
        pkt = t.encap(eth(B, A), 5, "192.0.2.9", layer=vl2.VxlanLayer.UDP)
        self.assertEqual(pkt[0], 0x08)                 # I flag (RFC 7348)
        self.assertEqual(t.decap(pkt, vl2.VxlanLayer.UDP).vni, 5)

    def test_hostile_packets_refused_with_reason(self):
        pkt = bytearray(vl2.Vxlan(local="192.0.2.1").encap(eth(B, A), 7,
                                                           "192.0.2.7"))
        t = vl2.Vxlan(local="192.0.2.7")
        self.assertEqual(t.decap(bytes(pkt)).vni, 7)
        with self.assertRaises(vl2.VxlanError) as cm:
            t.decap(bytes(pkt[:40]))                   # truncated
        self.assertIsInstance(cm.exception, vl2.Malformed)
        self.assertIsInstance(cm.exception.reason, vl2.VxlanReason)
        pkt[14 + 20 + 8] = 0x00                        # I flag cleared
        with self.assertRaises(vl2.VxlanError) as cm:
            t.decap(bytes(pkt))
        self.assertNotEqual(cm.exception.reason, 0)
        with self.assertRaises(vl2.InvalidArgument):
            vl2.Vxlan(port=0)


class EgressTest(unittest.TestCase):
    def test_port_and_remote_copies(self):
        t = vl2.Vxlan(local="192.0.2.1")
        eg = vl2.Egress(t)
        with vl2.Switch() as sw:
            sw.set_overlay(t)
            sw.add_segment(100)
            sw.add_port(1)
            sw.add_port(2, vl2.TRUNK)
            sw.map_vlan(1, 1, 100)
            sw.map_vlan(2, 10, 100)
            sw.add_remote(100, "192.0.2.7")
            frame = eth("ff:ff:ff:ff:ff:ff", A)
            v = sw.process_one(1, frame)
            out = {d.port if d.port is not None else str(d.remote):
                   (d, eg.build(frame, d)) for d in v.dests}
        d2, (tagged,) = out[2]
        self.assertEqual(tagged, d2.apply(frame))     # the same edit
        self.assertEqual(vl2.eth_parse(tagged).tags[0][3], 10)
        dr, (pkt,) = out["192.0.2.7"]
        got = vl2.Vxlan(local="192.0.2.7").decap(pkt)
        self.assertEqual((got.vni, got.frame, got.sport),
                         (100, frame, dr.udp_sport))
        self.assertNotEqual(dr.udp_sport, 0)           # set_overlay
        # Without a tunnel config: the inner frame only.
        self.assertEqual(vl2.Egress().build(frame, dr), [frame])


class PcapTest(unittest.TestCase):
    def test_write_then_read(self):
        frames = [eth(B, A, payload=bytes([i]) * 50) for i in range(5)]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "x.pcap")
            with vl2.PcapWriter(path, nsec=True) as w:
                for i, f in enumerate(frames):
                    w.write(f, 1_000_000_000 + i)
                self.assertEqual(w.count, 5)
            with vl2.PcapReader(path) as r:
                got = list(r)
        self.assertEqual([f for _, f in got], frames)
        self.assertEqual([t for t, _ in got],
                         [1_000_000_000 + i for i in range(5)])

    def test_missing_file(self):
        with self.assertRaises(vl2.Vl2Error):
            vl2.PcapReader("/nonexistent/x.pcap")

    def test_hostile_files(self):
        with tempfile.TemporaryDirectory() as d:
            junk = os.path.join(d, "junk.pcap")
            with open(junk, "wb") as f:
                f.write(b"\x00" * 100)                  # not a capture
            with self.assertRaises(vl2.Vl2Error) as cm:
                vl2.PcapReader(junk)
            self.assertTrue(str(cm.exception))
            good = os.path.join(d, "good.pcap")
            with vl2.PcapWriter(good) as w:
                for i in range(3):
                    w.write(eth(B, A, payload=bytes([i]) * 50), i * 1000)
            with open(good, "rb") as f:
                data = f.read()
            cut = os.path.join(d, "cut.pcap")               # last record cut
            with open(cut, "wb") as f:
                f.write(data[:-20])
            with vl2.PcapReader(cut) as r:               # the whole ones
                got = [fr for _, fr in r]
            self.assertEqual(len(got), 2)


@unittest.skipUnless(os.path.isdir(PCAPS), "shared captures not found")
class ReplayExampleTest(unittest.TestCase):
    def test_replay_writes_each_port(self):
        cap = os.path.join(PCAPS, "zeek", "icmp_dot1q.pcap")
        with tempfile.TemporaryDirectory() as d:
            r = subprocess.run(
                [sys.executable, os.path.join(EXAMPLES, "replay.py"), cap, d,
                 "--trunk-vlans", "123", "--remote", "192.0.2.7"],
                capture_output=True, text=True,
                env=dict(os.environ, PYTHONPATH=os.path.dirname(HERE)))
            self.assertEqual(r.returncode, 0, r.stderr)
            outs = sorted(os.listdir(d))
            self.assertEqual(outs, ["port2.pcap", "port3.pcap",
                                    "remote-192.0.2.7.pcap"], r.stdout)
            with vl2.PcapReader(os.path.join(d, "port3.pcap")) as p3:
                tagged = [f for _, f in p3]
            with vl2.PcapReader(os.path.join(d, "port2.pcap")) as p2:
                untagged = [f for _, f in p2]
            with vl2.PcapReader(os.path.join(d, "remote-192.0.2.7.pcap")) as rr:
                tunnelled = [f for _, f in rr]
        self.assertTrue(tagged)
        for t, u in zip(tagged, untagged):
            self.assertEqual(vl2.eth_parse(t).tags[0][3], 123)  # VID 123
            self.assertEqual(vl2.eth_parse(u).tags, ())
            self.assertEqual(t[:12] + t[16:], u)
        tun = vl2.Vxlan(local="192.0.2.7")
        self.assertEqual([tun.decap(p).frame for p in tunnelled], untagged)


class ScenarioExampleTest(unittest.TestCase):
    def test_scenario3(self):
        r = subprocess.run(
            [sys.executable, os.path.join(EXAMPLES, "scenario3.py")],
            capture_output=True, text=True,
            env=dict(os.environ, PYTHONPATH=os.path.dirname(HERE)))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3-port scenario OK", r.stdout)


if __name__ == "__main__":
    unittest.main()

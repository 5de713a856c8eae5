#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Replay a capture through a libvl2 switch and write what each port sends.

    replay.py CAPTURE OUTDIR [--vlan VID] [--trunk-vlans VID,...]
              [--remote ADDR]...

Every frame of CAPTURE (pcap or pcapng, read by the pcap backend) enters
port 1, an access port in VLAN --vlan (default: untagged frames, VLAN 1),
or a trunk when --trunk-vlans is given. Port 2 is an access port and
port 3 a trunk carrying the same VLANs; each VLAN is segment VNI = VID.
--remote adds a VXLAN endpoint to every segment's flood list (from local
192.0.2.1). The switch learns and decides; each copy is edited for its
destination (tag push/pop) and written to OUTDIR/port<N>.pcap, remote
copies VXLAN-encapsulated (outer Ethernet/IP/UDP) to
OUTDIR/remote-<ADDR>.pcap, with the capture's timestamps. Prints one line
per output file and the drop reasons. Exits 0.
"""
import argparse
import collections
import os
import sys

import vl2


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("outdir")
    ap.add_argument("--vlan", type=int, default=1)
    ap.add_argument("--trunk-vlans", default="")
    ap.add_argument("--remote", action="append", default=[])
    a = ap.parse_args(argv)
    vlans = [int(v) for v in a.trunk_vlans.split(",") if v] or [a.vlan]
    os.makedirs(a.outdir, exist_ok=True)

    tunnel = vl2.Vxlan(local="192.0.2.1")
    egress = vl2.Egress(tunnel)        # tag edits, VXLAN for remotes
    writers = {}

    def writer(name):
        if name not in writers:
            writers[name] = vl2.PcapWriter(os.path.join(a.outdir, name),
                                           nsec=True)
        return writers[name]

    drops = collections.Counter()
    n = 0
    with vl2.Switch(max_ports=8) as sw:
        sw.set_overlay(tunnel)
        for vid in vlans:
            sw.add_segment(vid)
            for r in a.remote:
                sw.add_remote(vid, r)
        if a.trunk_vlans:
            sw.add_port(1, vl2.TRUNK)
        else:
            sw.add_port(1, pvid=a.vlan)
        sw.add_port(2, pvid=vlans[0])
        sw.add_port(3, vl2.TRUNK)
        for vid in vlans:
            sw.map_vlan(1, vid, vid)
            sw.map_vlan(3, vid, vid)
        sw.map_vlan(2, vlans[0], vlans[0])

        with vl2.PcapReader(a.capture) as cap:
            for ts, frame in cap:
                n += 1
                v = sw.process_one(1, frame, now=ts)
                if v.dropped:
                    drops[str(v.reason)] += 1
                    continue
                for d in v.dests:
                    name = ("remote-%s.pcap" % d.remote if d.is_remote
                            else "port%d.pcap" % d.port)
                    for pkt in egress.build(frame, d):
                        writer(name).write(pkt, ts)
        fdb = sw.fdb_count()
    for name in sorted(writers):
        w = writers[name]
        print("%s: %d frames" % (name, w.count))
        w.close()
    print("%d frames in, %d MACs learned, drops: %s"
          % (n, fdb, dict(drops) or "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())

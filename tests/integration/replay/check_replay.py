#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""vl2-replay end to end.

Usage: check_replay.py capture VL2_REPLAY FILE
         replay one capture with the default configuration: exit 0, frames
         in == tcpdump's count, the summary adds up, every written file
         holds what the summary says, --decode gives one line per frame;
       check_replay.py behaviour VL2_REPLAY
         synthetic two-port captures: forwarding, flooding with egress
         edits (tags pushed/popped in the written files), capture-time
         ageing, 802.1ad, VXLAN encapsulation to a remote, option errors.

Exit 0 on success, 1 on failure, 77 (skip) when FILE is absent.
"""
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

FAILS = []


def expect(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: %s" % what)


def run(args, ok=True):
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    if ok and r.returncode != 0:
        raise RuntimeError("%s: exit %d\n%s" % (" ".join(args), r.returncode,
                                                r.stderr.decode()))
    return r


def tcpdump_count(path):
    """Packets in a capture: one line per packet starting with -tt time
    (encapsulations print the inner packet on a second line)."""
    r = run(["tcpdump", "-r", path, "-nn", "-tt"], ok=False)
    n = sum(1 for l in r.stdout.decode(errors="replace").splitlines()
            if re.match(r"^\d+\.\d{6,9} ", l))
    if r.returncode not in (0, 1):
        raise RuntimeError("tcpdump -r %s: exit %d" % (path, r.returncode))
    return n


def summary(replay, args):
    r = run([replay, "--json"] + args)
    return json.loads(r.stdout.decode())


def decode(replay, path):
    r = run([replay, "--decode", "--json", path])
    return [json.loads(l) for l in r.stdout.decode().splitlines()]


def check_capture(replay, path):
    if not os.path.exists(path):
        print("SKIP: %s absent" % path)
        return 77
    if shutil.which("tcpdump") is None:
        print("SKIP: tcpdump not installed")
        return 77
    want = tcpdump_count(path)
    out = tempfile.mkdtemp(prefix="vl2-replay-")
    try:
        s = summary(replay, ["-o", out, path])
        d = s["decisions"]
        expect(s["frames"] == want,
               "frames %d, tcpdump -r | count %d" % (s["frames"], want))
        expect(s["inputs"][0]["frames"] == want, "input frames")
        expect(d["decided"] == s["frames"], "decided == frames")
        expect(d["forwarded"] + d["flooded"] + d["consumed"] + d["dropped"]
               == s["frames"], "decisions add up: %s" % d)
        expect(sum(s["drops"].values()) == d["dropped"],
               "drops by reason add up to dropped: %s" % s["drops"])
        written = 0
        for p in s["ports"]:
            written += p["written"] + p["edit_errors"]
            f = p.get("file")
            expect((f is not None) == (p["written"] > 0),
                   "port %d: file iff written" % p["port"])
            if f:
                fp = os.path.join(out, f)
                n = tcpdump_count(fp)
                expect(n == p["written"], "%s: %d frames, summary says %d" %
                       (f, n, p["written"]))
                expect(len(decode(replay, fp)) == n, "%s: decode count" % f)
            if p["kind"] == "sink":
                expect(p["rx_frames"] == 0, "sink %d received" % p["port"])
            if p["kind"] == "input":
                expect(p["rx_frames"] == s["frames"], "input port rx")
        expect(written == d["copies"],
               "copies %d, written %d" % (d["copies"], written))
        expect(s["learned_macs"] == len(s["fdb"]), "learned_macs")
        for e in s["fdb"]:
            first = int(e["mac"].split(":")[0], 16)
            expect(first & 1 == 0 and e["mac"] != "00:00:00:00:00:00",
                   "learned a group or zero MAC %s" % e["mac"])
        # the learned MACs are source MACs of frames in the capture
        frames = decode(replay, path)
        expect(len(frames) == want, "--decode: %d lines, want %d" %
               (len(frames), want))
        srcs = {f["layers"][0].get("src") for f in frames}
        for e in s["fdb"]:
            expect(e["mac"] in srcs, "FDB MAC %s not a source" % e["mac"])
        for f in frames:
            expect(f["layers"] and f["layers"][0]["layer"] == "eth",
                   "frame %d: first layer" % f["frame"])
        # text summary works too and names every input frame count
        t = run([replay, path]).stdout.decode()
        expect(re.search(r"^frames\s+%d$" % want, t, re.M) is not None,
               "text summary frames line")
    finally:
        shutil.rmtree(out)
    print("%s: %d frames, %s, drops %s, %d MACs" %
          (path, want, s["decisions"], s["drops"], s["learned_macs"]))
    return 1 if FAILS else 0


# --- synthetic captures --------------------------------------------------

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def eth(dst, src, etype, payload, tags=()):
    h = mac(dst) + mac(src)
    for tpid, vid in tags:
        h += struct.pack("!HH", tpid, vid)
    f = h + struct.pack("!H", etype) + payload
    return f + bytes(max(0, 60 - len(f)))


def arp(op, sha, spa, tha, tpa):
    return struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + mac(sha) + \
        bytes(spa) + mac(tha) + bytes(tpa)


def write_pcap(path, frames):
    """frames: [(seconds, bytes)]; classic pcap, microseconds, Ethernet."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for t, b in frames:
            f.write(struct.pack("<IIII", int(t), int(round((t % 1) * 1e6)),
                                len(b), len(b)))
            f.write(b)


A = "02:00:00:00:00:0a"
B = "02:00:00:00:00:0b"
BC = "ff:ff:ff:ff:ff:ff"
T0 = 1700000000


def port_of(s, n):
    return [p for p in s["ports"] if p["port"] == n][0]


def check_behaviour(replay):
    tmp = tempfile.mkdtemp(prefix="vl2-replay-b-")
    try:
        behaviour(replay, tmp)
    finally:
        shutil.rmtree(tmp)
    print("behaviour: %s" % ("FAILED: %d" % len(FAILS) if FAILS else "ok"))
    return 1 if FAILS else 0


def behaviour(replay, tmp):
    a_pcap = os.path.join(tmp, "a.pcap")
    b_pcap = os.path.join(tmp, "b.pcap")
    # A (access port 0, VLAN 10) asks for B; B (trunk port 1, tagged 10)
    # answers; A pings B; 400 s later (past the 300 s ageing) B sends to A
    # again: A has aged out, so that frame is flooded.
    req = eth(BC, A, 0x0806, arp(1, A, [10, 0, 0, 1], "00:00:00:00:00:00",
                                 [10, 0, 0, 2]))
    rep = eth(A, B, 0x0806, arp(2, B, [10, 0, 0, 2], A, [10, 0, 0, 1]),
              tags=[(0x8100, 10)])
    ping = eth(B, A, 0x0800, bytes(40))
    late = eth(A, B, 0x0800, bytes(40), tags=[(0x8100, 10)])
    write_pcap(a_pcap, [(T0 + 0.0, req), (T0 + 0.2, ping)])
    write_pcap(b_pcap, [(T0 + 0.1, rep), (T0 + 400.0, late)])
    out = os.path.join(tmp, "out")
    base = ["--port", "0=" + a_pcap, "--port", "1=" + b_pcap,
            "--access", "0=10", "--trunk", "1=10", "-o", out]
    s = summary(replay, base)
    d = s["decisions"]
    expect(s["frames"] == 4, "4 frames merged: %d" % s["frames"])
    expect(d["flooded"] == 2 and d["forwarded"] == 2 and d["dropped"] == 0,
           "flood req, forward reply and ping, flood after ageing: %s" % d)
    expect(s["events"]["aged"] >= 1 and s["timer_runs"] >= 1,
           "A aged out in capture time: %s, timer runs %d" %
           (s["events"], s["timer_runs"]))
    expect(s["first"].startswith("2023-11-14 22:13:20.000000"),
           "first timestamp %s" % s["first"])
    # verbose: the merge order follows the timestamps (A, B, A, B)
    v = run([replay, "-v"] + base).stdout.decode().splitlines()
    ports = [int(m.group(1)) for l in v
             for m in [re.match(r"^\d+ \S+ \S+ port (\d+) ", l)] if m]
    expect(ports == [0, 1, 0, 1], "merge order by time: %s" % ports)
    # port 1 (trunk) got the request and the ping tagged VLAN 10 (pushed);
    # port 0 (access) got the reply and the late frame untagged (popped).
    p1 = decode(replay, os.path.join(out, "port-1.pcap"))
    p0 = decode(replay, os.path.join(out, "port-0.pcap"))
    expect(len(p1) == 2 and len(p0) == 2, "two frames each way")
    for f in p1:
        tags = f["layers"][0]["tags"]
        expect([(t["tpid"], t["vid"]) for t in tags] == [("0x8100", 10)],
               "port 1 frame tagged VLAN 10: %s" % tags)
    for f in p0:
        expect(f["layers"][0]["tags"] == [], "port 0 frame untagged")
    expect(p0[0]["layers"][1]["layer"] == "arp" and
           p0[0]["layers"][1]["op"] == 2, "reply reached A")
    expect(p1[0]["ts"].startswith("2023-11-14 22:13:20.000000"),
           "written with the capture's timestamp: %s" % p1[0]["ts"])
    expect(port_of(s, 0)["written"] == 2 and port_of(s, 1)["written"] == 2,
           "written counts")
    fdb = {(e["mac"], e.get("port")) for e in s["fdb"]}
    expect((B, 1) in fdb, "B learned on port 1: %s" % fdb)
    # one sink per segment: VLAN 10, and VLAN 1 (trunk 1's native VLAN);
    # the VLAN 10 sink got both floods
    sinks = {p["config"]: p for p in s["ports"] if p["kind"] == "sink"}
    expect(sorted(sinks) == ["access VLAN 1", "access VLAN 10"] and
           sinks["access VLAN 10"]["written"] == 2 and
           sinks["access VLAN 1"]["written"] == 0,
           "sinks for VNI 1 and 10, floods in 10: %s" % sinks)
    # --no-sinks: same decisions, no sink port
    s2 = summary(replay, base + ["--no-sinks"])
    expect(not [p for p in s2["ports"] if p["kind"] == "sink"], "no sinks")
    # --ageing 0: A never ages, the late frame is forwarded
    s3 = summary(replay, base + ["--ageing", "0"])
    expect(s3["decisions"]["forwarded"] == 3 and s3["events"]["aged"] == 0,
           "no ageing: %s" % s3["decisions"])

    # A tagged frame on an access port is dropped with its reason.
    bad_pcap = os.path.join(tmp, "bad.pcap")
    write_pcap(bad_pcap, [(T0, eth(BC, A, 0x0800, bytes(40),
                                   tags=[(0x8100, 20)]))])
    s = summary(replay, ["--access", "0=10", bad_pcap])
    expect(s["drops"] == {"tagged_on_access": 1}, "drops %s" % s["drops"])

    # 802.1ad: dropped (qinq) unless the port is an S-VLAN trunk.
    qq = os.path.join(tmp, "qinq.pcap")
    write_pcap(qq, [(T0, eth(BC, A, 0x0800, bytes(40),
                             tags=[(0x88a8, 200), (0x8100, 2001)]))])
    s = summary(replay, [qq])
    expect(s["drops"] == {"qinq": 1}, "S-tag on a plain trunk: %s" %
           s["drops"])
    # On an S-VLAN trunk an S+C-tagged frame is accepted, but the default
    # sinks are access ports, where the C-tag would become the outer tag:
    # no copy may go there (stacked_tag_skips), so nothing is left to flood.
    s = summary(replay, ["--qinq", "0", qq])
    expect(s["drops"] == {"no_destination": 1},
           "S+C-tag on a QinQ trunk to access sinks: %s" % s["drops"])
    # An S-tag alone is popped for the access sink and flooded.
    qs = os.path.join(tmp, "qinq-s.pcap")
    write_pcap(qs, [(T0, eth(BC, A, 0x0800, bytes(40), tags=[(0x88a8, 200)]))])
    s = summary(replay, ["--qinq", "0", qs])
    expect(s["decisions"]["flooded"] == 1, "S-tag on a QinQ trunk: %s" %
           s["decisions"])

    # Default config: VLANs found in the capture, VNI = VID, --map.
    v = run([replay, "-v", "--map", "1=5001", a_pcap]).stdout.decode()
    expect(len(re.findall(r": flood vni 5001 -> port 1$", v, re.M)) == 2,
           "untagged into native VLAN 1 = VNI 5001, untagged to its sink: %s"
           % v)
    s = summary(replay, [b_pcap])
    cfg = port_of(s, 0)["config"]
    expect("10" in cfg, "auto VLANs include 10: %s" % cfg)

    # A remote VTEP gets VXLAN packets (VNI 10) of the floods.
    out2 = os.path.join(tmp, "out2")
    s = summary(replay, base + ["--remote", "10=198.51.100.7", "-o", out2])
    r = [x for x in s["remotes"] if x["remote"] == "198.51.100.7"]
    expect(len(r) == 1 and r[0]["written"] == 2, "remote got 2: %s" % r)
    rf = decode(replay, os.path.join(out2, "remote-198.51.100.7.pcap"))
    expect(len(rf) == 2, "remote file frames")
    for f in rf:
        vx = [l for l in f["layers"] if l["layer"] == "vxlan"]
        ip = [l for l in f["layers"] if l["layer"] == "ipv4"]
        expect(vx and vx[0]["vni"] == 10 and vx[0]["check"] == "ok",
               "VXLAN VNI 10, valid: %s" % vx)
        expect(ip and ip[0]["src"] == "192.0.2.1" and
               ip[0]["dst"] == "198.51.100.7", "outer IPs: %s" % ip)
        inner = [l for l in f["layers"] if l["layer"] == "eth"][1]
        expect(inner["tags"] == [], "inner frame untagged")
    s = summary(replay, base + ["--remote", "10=198.51.100.7", "--inner",
                                "-o", out2])
    rf = decode(replay, os.path.join(out2, "remote-198.51.100.7.pcap"))
    expect(len(rf) == 2 and rf[0]["layers"][0]["src"] == A,
           "--inner writes the inner frame")
    s = summary(replay, base + ["--remote", "10=198.51.100.7", "--mtu", "68"])
    r = [x for x in s["remotes"] if x["remote"] == "198.51.100.7"][0]
    expect(r["written"] == 0 and r["encap_errors"].get("too_big") == 2,
           "MTU 68: too big counted: %s" % r)

    # Errors: exit 2 on bad options, 1 on bad files, 0 on --help.
    notpcap = os.path.join(tmp, "not.pcap")
    with open(notpcap, "w") as f:
        f.write("this is not a capture\n")
    cases = [
        ([], 2), (["--bogus", a_pcap], 2), (["--access", "0=5000", a_pcap], 2),
        (["--trunk", "0=20-10", a_pcap], 2), (["--port", "x=" + a_pcap], 2),
        (["--remote", "10=not-an-ip", a_pcap], 2), (["--mtu", "10", a_pcap], 2),
        ([a_pcap, b_pcap], 2), (["--port", "0=" + a_pcap, a_pcap], 2),
        ([os.path.join(tmp, "missing.pcap")], 1), ([notpcap], 1), ([tmp], 1),
        (["--decode", notpcap], 1),
        (["-o", os.path.join(notpcap, "sub"), a_pcap], 1),
    ]
    for args, rc in cases:
        r = run([replay] + args, ok=False)
        expect(r.returncode == rc and (rc == 0 or r.stderr),
               "%s: exit %d, want %d (stderr %r)" %
               (args, r.returncode, rc, r.stderr.decode()[:100]))
    r = run([replay, "--help"])
    h = r.stdout.decode()
    expect("--decode" in h and "--port N=FILE" in h and "sink" in h, "--help")
    r = run([replay, "--version"])
    expect(re.match(r"^vl2-replay \(libvl2\) \d+\.\d+\.\d+",
                    r.stdout.decode()) is not None, "--version")


def main(argv):
    if len(argv) == 4 and argv[1] == "capture":
        return check_capture(argv[2], argv[3])
    if len(argv) == 3 and argv[1] == "behaviour":
        return check_behaviour(argv[2])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))

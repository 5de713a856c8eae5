#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Integration tests of the AF_PACKET backend with real veth devices in
network namespaces.

    afp_test.py TOOL CASE        CASE: tagged, tx, burst, txburst, vanish,
                                 tcp
    afp_test.py sniff IFACE COUNT TIMEOUT     (helper, run inside a netns)
    afp_test.py send IFACE HEX [HEX...]       (helper, run inside a netns)

Every namespace and interface is named vl2p_<pid>... so concurrent runs do
not clash, and everything is deleted on the way out, failure or not.
Exit 0 pass, 1 fail, 77 skip (not root, or no netns support).
"""
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time

PY = "/usr/bin/python3"
PID = os.getpid()
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4
TP_STATUS_VLAN_TPID_VALID = 1 << 6
ETH_P_ALL = 3

NAMESPACES = []


def sh(*cmd, check=True, timeout=10):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


def netns(name):
    sh("ip", "netns", "add", name)
    NAMESPACES.append(name)
    # No IPv6: no router solicitations, MLD or DAD frames in the way.
    sh("ip", "netns", "exec", name, "sysctl", "-qw",
       "net.ipv6.conf.all.disable_ipv6=1",
       "net.ipv6.conf.default.disable_ipv6=1")
    sh("ip", "-n", name, "link", "set", "lo", "up")
    return name


def veth(ns1, if1, ns2, if2):
    sh("ip", "link", "add", if1, "netns", ns1, "type", "veth", "peer",
       "name", if2, "netns", ns2)
    sh("ip", "-n", ns1, "link", "set", if1, "up")
    sh("ip", "-n", ns2, "link", "set", if2, "up")


def cleanup():
    for ns in reversed(NAMESPACES):
        r = subprocess.run(["ip", "netns", "pids", ns],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           text=True)
        for p in r.stdout.split():
            try:
                os.kill(int(p), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    NAMESPACES.clear()


def in_ns(ns, *cmd, **kw):
    return subprocess.Popen(("ip", "netns", "exec", ns) + cmd,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kw)


def wait_ready(p, timeout=5.0):
    r, _, _ = select.select([p.stdout], [], [], timeout)
    line = p.stdout.readline() if r else ""
    if line.strip() != "READY":
        p.kill()
        out, err = p.communicate()
        raise AssertionError("helper not ready: %r %s %s" % (line, out, err))


def fail(msg):
    raise AssertionError(msg)


# --- frames ----------------------------------------------------------------

def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


SRC = mac("02:00:00:00:0a:01")
DST = mac("02:00:00:00:0b:01")


def ipv4_udp(payload, sport=1234, dport=5678):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    tot = 20 + len(udp)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot, 1, 0, 64, 17, 0,
                      bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2]))
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xffff) + hdr[12:]
    return hdr + udp


def eth(payload, tags=(), ethertype=0x0800, dst=DST, src=SRC):
    b = dst + src
    for tpid, tci in tags:
        b += struct.pack("!HH", tpid, tci)
    return b + struct.pack("!H", ethertype) + payload


def test_frames(marker):
    """Untagged, 802.1Q with PCP, 802.1ad+802.1Q (QinQ), priority-tagged
    (VID 0), and a full-size tagged frame."""
    p = lambda i, n=40: marker + bytes([i]) * n
    return [
        eth(ipv4_udp(p(1))),
        eth(ipv4_udp(p(2)), tags=[(0x8100, (5 << 13) | 100)]),
        eth(ipv4_udp(p(3)), tags=[(0x88a8, 200), (0x8100, 300)]),
        eth(ipv4_udp(p(4)), tags=[(0x8100, (3 << 13) | 0)]),
        eth(ipv4_udp(p(5, 1500 - 28 - len(marker))),
            tags=[(0x8100, 4094)]),
    ]


# --- helpers run inside a namespace ----------------------------------------

def helper_send(iface, hexes):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    for h in hexes:
        s.send(bytes.fromhex(h))
    return 0


def helper_sniff(iface, count, timeout):
    """Print frames received on iface, with the tag the kernel stripped put
    back from PACKET_AUXDATA, as 'F <hex>' lines."""
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
    s.bind((iface, ETH_P_ALL))
    print("READY", flush=True)
    end = time.time() + timeout
    got = 0
    out = []
    while got < count and time.time() < end:
        r, _, _ = select.select([s], [], [], 0.1)
        if not r:
            continue
        data, anc, _, addr = s.recvmsg(65536, 1024)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        for lvl, typ, val in anc:
            if lvl == SOL_PACKET and typ == PACKET_AUXDATA:
                st, _, _, _, _, tci, tpid = struct.unpack("IIIHHHH",
                                                          val[:20])
                if st & TP_STATUS_VLAN_VALID:
                    if not st & TP_STATUS_VLAN_TPID_VALID:
                        tpid = 0x8100
                    data = data[:12] + struct.pack("!HH", tpid, tci) + \
                        data[12:]
        out.append("F " + data.hex())
        got += 1
    print("\n".join(out), flush=True)
    return 0


# --- cases -----------------------------------------------------------------

def two_ns():
    a = netns("vl2p_%d_a" % PID)
    b = netns("vl2p_%d_b" % PID)
    ia, ib = "vl2p%da" % PID, "vl2p%db" % PID
    veth(a, ia, b, ib)
    return a, b, ia, ib


def frames_of(text):
    return [bytes.fromhex(l[2:]) for l in text.splitlines()
            if l.startswith("F ")]


def case_tagged(tool):
    """Frames sent from a namespace arrive through the backend byte for
    byte, 802.1Q/802.1ad tags included."""
    a, b, ia, ib = two_ns()
    marker = b"VL2P-RX-%d" % PID
    sent = test_frames(marker)
    p = in_ns(b, tool, "rx", "iface=%s,promisc=1" % ib, str(len(sent)),
              "5000")
    wait_ready(p)
    sh("ip", "netns", "exec", a, PY, __file__, "send", ia,
       *[f.hex() for f in sent])
    out, err = p.communicate(timeout=10)
    if p.returncode != 0:
        fail("rx helper failed (%d): %s" % (p.returncode, err))
    got = frames_of(out)
    if len(got) != len(sent):
        fail("got %d frames, sent %d" % (len(got), len(sent)))
    for i, (s, g) in enumerate(zip(sent, got)):
        if s != g:
            fail("frame %d differs:\n sent %s\n got  %s" % (i, s.hex(),
                                                             g.hex()))
    # Explicitly: the tags are in what the backend returned.
    assert got[1][12:16] == bytes.fromhex("8100a064"), got[1][12:16].hex()
    assert got[2][12:20] == bytes.fromhex("88a800c88100012c")
    assert got[3][12:16] == bytes.fromhex("81006000")
    assert len(got[4]) == 1518
    # The same with vnet_hdr off (the tag path without the vnet header).
    p = in_ns(b, tool, "rx", "iface=%s,vnet_hdr=0" % ib, str(len(sent)),
              "5000")
    wait_ready(p)
    sh("ip", "netns", "exec", a, PY, __file__, "send", ia,
       *[f.hex() for f in sent])
    out, err = p.communicate(timeout=10)
    if p.returncode != 0 or frames_of(out) != sent:
        fail("vnet_hdr=0: frames differ or helper failed: %s" % err)
    print("tagged: %d frames byte-exact, tags reinserted" % len(sent))


def case_tx(tool):
    """Frames sent by the backend arrive in the namespace."""
    a, b, ia, ib = two_ns()
    marker = b"VL2P-TX-%d" % PID
    frames = test_frames(marker)
    sn = in_ns(a, PY, __file__, "sniff", ia, str(len(frames)), "5")
    wait_ready(sn)
    for f in frames:
        r = sh("ip", "netns", "exec", b, tool, "tx", "iface=%s" % ib,
               f.hex(), "1", check=False)
        if r.returncode != 0:
            fail("tx helper failed: %s" % r.stderr)
    out, err = sn.communicate(timeout=10)
    got = frames_of(out)
    if got != frames:
        fail("sniffed %d frames, expected %d; first difference: %s" % (
            len(got), len(frames),
            next(((s.hex(), g.hex()) for s, g in zip(frames, got) if s != g),
                 None)))
    print("tx: %d frames arrived byte-exact" % len(frames))


def case_burst(tool):
    """A burst larger than the receive ring: the kernel drops what does not
    fit, the backend reports it, and every frame it hands over is intact and
    in order; the ring keeps working afterwards."""
    a, b, ia, ib = two_ns()
    n = 2000
    marker = b"VL2P-BU-%d" % PID
    frames = [eth(ipv4_udp(marker + struct.pack("!I", i) + bytes(20)))
              for i in range(n)]
    # 4 blocks of 4 KiB: room for roughly 100 small frames.
    p = in_ns(b, tool, "rxhold",
              "iface=%s,block_size=4096,block_count=4,frame_size=2048" % ib,
              "8000")
    wait_ready(p)
    sh("ip", "netns", "exec", a, PY, __file__, "send", ia,
       *[f.hex() for f in frames], timeout=20)
    time.sleep(0.2)
    out, err = p.communicate("GO\n", timeout=15)
    if p.returncode != 0:
        fail("rxhold failed: %s" % err)
    head = out.splitlines()[0].split()
    got_n, dropped = int(head[1]), int(head[3])
    got = frames_of(out)
    assert len(got) == got_n
    if not 0 < got_n < n:
        fail("expected some but not all of %d frames, got %d" % (n, got_n))
    if dropped == 0:
        fail("ring overflowed but rx_dropped is 0")
    if got_n + dropped != n:
        fail("received %d + dropped %d != sent %d" % (got_n, dropped, n))
    seqs = []
    for g in got:
        i = struct.unpack("!I", g[42 + len(marker):46 + len(marker)])[0]
        if g != frames[i]:
            fail("frame %d corrupted" % i)
        seqs.append(i)
    if seqs != sorted(seqs):
        fail("frames out of order")
    print("burst: sent %d, received %d intact and in order, kernel dropped "
          "%d" % (n, got_n, dropped))


def case_txburst(tool):
    """A transmit burst larger than the transmit ring: tx_burst accepts
    part, the caller re-offers the rest, and every frame arrives once."""
    a, b, ia, ib = two_ns()
    n = 3000
    sn = in_ns(a, PY, __file__, "sniff", ia, str(n), "10")
    wait_ready(sn)
    r = sh("ip", "netns", "exec", b, tool, "txburst",
           "iface=%s,tx_frames=64" % ib, str(n), check=False, timeout=15)
    if r.returncode != 0:
        fail("txburst failed: %s" % r.stderr)
    calls = int(r.stdout.split()[3])
    out, err = sn.communicate(timeout=15)
    got = frames_of(out)
    seqs = [struct.unpack("!I", g[14:18])[0] for g in got
            if g[12:14] == b"\x88\xb5"]
    if sorted(seqs) != list(range(n)):
        missing = len(set(range(n)) - set(seqs))
        fail("sniffed %d frames (%d missing, %d duplicates)" % (
            len(seqs), missing, len(seqs) - len(set(seqs))))
    if calls < 2:
        fail("a %d-frame burst was accepted in one call by a 64-slot ring"
             % n)
    print("txburst: %d frames in %d tx_burst calls, all arrived" % (n, calls))


def case_vanish(tool):
    """The interface disappears under the backend: rx_burst and tx_burst
    return VL2_ERR_CLOSED (and keep doing so), no hang, no crash; both
    when deleted while up and when taken down first."""
    a, b, ia, ib = two_ns()
    r = sh("ip", "netns", "exec", b, tool, "open", "iface=vl2p%dnone" % PID,
           check=False)
    if r.returncode != 1 or "OPEN -19" not in r.stdout:
        fail("opening a missing interface: %r %r" % (r.stdout, r.stderr))
    # 1: deleted while up (the peer end is deleted in the other namespace).
    p = in_ns(b, tool, "vanish", "iface=%s" % ib, "5000")
    wait_ready(p)
    time.sleep(0.2)
    sh("ip", "-n", a, "link", "del", ia)
    out, err = p.communicate(timeout=10)
    if p.returncode != 0:
        fail("deleted while up: rc %d\n%s\n%s" % (p.returncode, out, err))
    # 2: taken down, then deleted.
    ia2, ib2 = "vl2p%dc" % PID, "vl2p%dd" % PID
    veth(a, ia2, b, ib2)
    p = in_ns(b, tool, "vanish", "iface=%s" % ib2, "5000")
    wait_ready(p)
    time.sleep(0.2)
    sh("ip", "-n", b, "link", "set", ib2, "down")
    time.sleep(0.3)
    sh("ip", "-n", b, "link", "del", ib2)
    out2, err2 = p.communicate(timeout=10)
    if p.returncode != 0:
        fail("down then deleted: rc %d\n%s\n%s" % (p.returncode, out2, err2))
    print("vanish: VL2_ERR_CLOSED both ways, twice\n" + out + out2)


def case_tcp(tool):
    """TCP through an AF_PACKET forwarder with the veths' offloads on (TSO,
    checksum offload): ns A <-> [fwd in ns M] <-> ns B."""
    a = netns("vl2p_%d_a" % PID)
    m = netns("vl2p_%d_m" % PID)
    b = netns("vl2p_%d_b" % PID)
    va, vma = "vl2p%da" % PID, "vl2p%dma" % PID
    vb, vmb = "vl2p%db" % PID, "vl2p%dmb" % PID
    veth(a, va, m, vma)
    veth(b, vb, m, vmb)
    sh("ip", "-n", a, "addr", "add", "10.77.0.1/24", "dev", va)
    sh("ip", "-n", b, "addr", "add", "10.77.0.2/24", "dev", vb)
    feats = sh("ip", "netns", "exec", a, "ethtool", "-k", va,
               check=False).stdout
    extra = os.environ.get("VL2P_FWD_EXTRA", "")  # e.g. ",vnet_hdr=0"
    fwd = in_ns(m, tool, "fwd", "iface=%s%s" % (vma, extra),
                "iface=%s%s" % (vmb, extra), "25")
    wait_ready(fwd)
    srv = in_ns(b, "iperf3", "-s", "-1", "-B", "10.77.0.2", "-p", "5201")
    time.sleep(0.3)
    cli = sh("ip", "netns", "exec", a, "iperf3", "-c", "10.77.0.2", "-p",
             "5201", "-t", "2", "-J", "--connect-timeout", "3000",
             check=False, timeout=20)
    try:
        srv.wait(timeout=5)
    except subprocess.TimeoutExpired:
        srv.kill()
    fwd.stdin.close()
    fwd.wait(timeout=5)
    fwd_err = fwd.stderr.read()
    try:
        res = json.loads(cli.stdout)
    except ValueError:
        fail("iperf3 gave no JSON: %s %s\n%s" % (cli.stdout, cli.stderr,
                                                  fwd_err))
    if "error" in res:
        fail("iperf3: %s\nforwarder: %s" % (res["error"], fwd_err))
    rx = res["end"]["sum_received"]["bytes"]
    bps = res["end"]["sum_received"]["bits_per_second"]
    if rx < 1 << 20:
        fail("only %d bytes crossed the forwarder\n%s" % (rx, fwd_err))
    print("tcp: %.1f MB in 2 s (%.0f Mbit/s) through the forwarder; %s" % (
        rx / 1e6, bps / 1e6, fwd_err.strip()))
    for l in feats.splitlines():
        if "segmentation-offload" in l or "tx-checksumming" in l:
            print("  " + l.strip())


CASES = {"tagged": case_tagged, "tx": case_tx, "burst": case_burst,
         "txburst": case_txburst, "vanish": case_vanish, "tcp": case_tcp}


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == "send":
        return helper_send(sys.argv[2], sys.argv[3:])
    if len(sys.argv) >= 5 and sys.argv[1] == "sniff":
        return helper_sniff(sys.argv[2], int(sys.argv[3]),
                            float(sys.argv[4]))
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print(__doc__, file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("SKIP: needs root (network namespaces)")
        return 77
    if sh("ip", "netns", "list", check=False).returncode != 0:
        print("SKIP: no ip netns")
        return 77
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        CASES[sys.argv[2]](os.path.abspath(sys.argv[1]))
        return 0
    except (AssertionError, RuntimeError, subprocess.TimeoutExpired) as e:
        import traceback
        traceback.print_exc()
        print("FAIL: %s" % e)
        return 1
    finally:
        cleanup()


if __name__ == "__main__":
    sys.exit(main())

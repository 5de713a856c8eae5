#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""Integration tests of the DPDK backend through net_tap, without
hugepages (--no-huge), in a network namespace named vl2p_<pid>_d.

    dpdk_test.py TOOL rx|tx

rx: frames sent from the namespace into the TAP arrive through the backend
    byte for byte, 802.1Q/802.1ad tags included.
tx: frames sent by the backend arrive in the namespace.
Exit 0 pass, 1 fail, 77 skip (not root).
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
AFP = os.path.join(HERE, "..", "af_packet", "afp_test.py")
sys.path.insert(0, os.path.join(HERE, "..", "af_packet"))
import afp_test as T  # noqa: E402  (namespace helpers, frame builders)

PID = os.getpid()


def eal_args(extra):
    # --no-shconf and a private --file-prefix keep concurrent DPDK
    # processes apart; -l 0: one lcore, no worker threads.
    return ("eal=--no-huge -m 256 --no-pci --no-shconf --file-prefix=vl2p%d "
            "--no-telemetry -l 0 --log-level=*:warning%s" % (PID, extra))


def wait_link(ns, iface, timeout=5.0):
    end = time.time() + timeout
    while time.time() < end:
        if T.sh("ip", "-n", ns, "link", "show", iface,
                check=False).returncode == 0:
            T.sh("ip", "-n", ns, "link", "set", iface, "up")
            return
        time.sleep(0.05)
    T.fail("TAP %s never appeared" % iface)


def case_rx(tool):
    ns = T.netns("vl2p_%d_d" % PID)
    tap = "vl2p%dt" % PID
    sent = T.test_frames(b"VL2P-DPDK-RX-%d" % PID)
    args = eal_args(" --vdev net_tap0\\,iface=%s" % tap) + ",dev=net_tap0"
    p = T.in_ns(ns, tool, "rx", args, str(len(sent)), "8000")
    T.wait_ready(p, 15)
    wait_link(ns, tap)
    T.sh("ip", "netns", "exec", ns, T.PY, AFP, "send", tap,
         *[f.hex() for f in sent])
    out, err = p.communicate(timeout=15)
    got = T.frames_of(out)
    if p.returncode != 0 or got != sent:
        T.fail("rc %d, got %d frames of %d; first difference %s\n%s" % (
            p.returncode, len(got), len(sent),
            next(((s.hex(), g.hex()) for s, g in zip(sent, got) if s != g),
                 None), err[-2000:]))
    assert got[1][12:16] == bytes.fromhex("8100a064")
    assert got[2][12:20] == bytes.fromhex("88a800c88100012c")
    print("dpdk rx: %d frames byte-exact through net_tap (--no-huge)"
          % len(sent))


def case_tx(tool):
    ns = T.netns("vl2p_%d_d" % PID)
    tap = "vl2p%dt" % PID
    frames = T.test_frames(b"VL2P-DPDK-TX-%d" % PID)
    # Hot-plug path: vdev= instead of --vdev.
    args = eal_args("") + ",vdev=net_tap0\\,iface=%s" % tap
    p = T.in_ns(ns, tool, "tx", args, "1", *[f.hex() for f in frames])
    T.wait_ready(p, 15)
    wait_link(ns, tap)
    sn = T.in_ns(ns, T.PY, AFP, "sniff", tap, str(len(frames)), "8")
    T.wait_ready(sn)
    p.stdin.write("GO\n")
    p.stdin.flush()
    out, err = p.communicate(timeout=15)
    if p.returncode != 0:
        T.fail("tx tool rc %d: %s" % (p.returncode, err[-2000:]))
    sout, _ = sn.communicate(timeout=15)
    got = T.frames_of(sout)
    if got != frames:
        T.fail("sniffed %d frames of %d; first difference %s" % (
            len(got), len(frames),
            next(((s.hex(), g.hex()) for s, g in zip(frames, got) if s != g),
                 None)))
    print("dpdk tx: %d frames arrived byte-exact on the TAP" % len(frames))


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("rx", "tx"):
        print(__doc__, file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("SKIP: needs root")
        return 77
    try:
        {"rx": case_rx, "tx": case_tx}[sys.argv[2]](
            os.path.abspath(sys.argv[1]))
        return 0
    except (AssertionError, RuntimeError, subprocess.TimeoutExpired) as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        T.cleanup()


if __name__ == "__main__":
    sys.exit(main())

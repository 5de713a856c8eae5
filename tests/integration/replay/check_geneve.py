#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""vl2-replay --underlay over the shared Geneve captures, against an
independent reading of them (scapy reads the files; the verdicts below are
worked out here from RFC 8926, not from libvl2).

Usage: check_geneve.py VL2_REPLAY PCAP_DIR CAPTURE [--geneve-known C:T]...
                       [--no-csum-verify]
       check_geneve.py VL2_REPLAY PCAP_DIR --egress CAPTURE
         (the capture as local frames, flooded to a Geneve VTEP: every
         packet for it is Geneve around one of the capture's frames)

For CAPTURE (relative to PCAP_DIR, read in place):
- every UDP 6081 packet is classified here: accepted (its inner Ethernet
  frame), or refused with the reason an RFC 8926 receiver gives
  (unknown_crit_opt, oam, not_eth, bad_version, opt_len, opt_trunc,
  trunc_inner, udp_csum), or refused by the outer headers when the capture
  truncated it (ip_len, trunc_ip, ...: counted as outer refusals);
- vl2-replay replays the capture as the underlay, one access port per VNI
  (VID 1.. mapped to each VNI), and its JSON summary must agree: Geneve
  packets seen, decapsulated, refused by reason; every decapsulated frame
  decided by the switch; and every frame written to a VNI's access port is
  byte for byte one of the inner frames accepted for that VNI.

Needs Debian's python3 with scapy (exit 77 without it, or when the capture
is absent: the shared test data is optional).
"""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

try:
    import scapy.layers.l2  # noqa: F401  (Ethernet, so frames read as bytes)
    from scapy.utils import PcapReader
except ImportError:
    print("SKIP: no scapy")
    sys.exit(77)

FAILS = []


def expect(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL: %s" % what)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def classify(b, known, verify):
    """(kind, vni, reason, inner): kind 'geneve', 'outer' (refused before
    the UDP port is read) or None (not a Geneve packet)."""
    if len(b) < 14:
        return ("outer", None, "trunc_eth", None)
    et = struct.unpack("!H", b[12:14])[0]
    ip = b[14:]
    if et == 0x0800:
        if len(ip) < 20:
            return ("outer", None, "trunc_ip", None)
        ihl = (ip[0] & 15) * 4
        tot = struct.unpack("!H", ip[2:4])[0]
        if ihl < 20 or ihl > len(ip):
            return ("outer", None, "ip_ihl", None)
        if tot < ihl or tot > len(ip):
            return ("outer", None, "ip_len", None)
        if csum(ip[:ihl]) != 0xffff:
            return ("outer", None, "ip_csum", None)
        if struct.unpack("!H", ip[6:8])[0] & 0x3fff:
            return ("outer", None, "ip_fragment", None)
        if ip[9] != 17:
            return (None, None, None, None)
        src, dst, l4 = ip[12:16], ip[16:20], ip[ihl:tot]
        pseudo = src + dst + struct.pack("!BBH", 0, 17, len(l4))
        v6 = False
    elif et == 0x86DD:
        if len(ip) < 40:
            return ("outer", None, "trunc_ip", None)
        plen = struct.unpack("!H", ip[4:6])[0]
        if plen == 0 or plen > len(ip) - 40:
            return ("outer", None, "ip_len", None)
        if ip[6] != 17:
            return (None, None, None, None)
        l4 = ip[40:40 + plen]
        pseudo = ip[8:40] + struct.pack("!IxxxB", len(l4), 17)
        v6 = True
    else:
        return (None, None, None, None)
    if len(l4) < 8:
        return ("outer", None, "trunc_udp", None)
    ulen = struct.unpack("!H", l4[4:6])[0]
    if ulen < 8 or ulen > len(l4):
        return ("outer", None, "udp_len", None)
    if struct.unpack("!H", l4[2:4])[0] != 6081:
        return (None, None, None, None)
    u = l4[:ulen]
    ck = struct.unpack("!H", u[6:8])[0]
    # vl2-replay accepts a zero checksum over IPv6 (RFC 6936).
    if verify and ck != 0 and csum(pseudo + u) != 0xffff:
        return ("geneve", None, "udp_csum", None)
    g = u[8:]
    if len(g) < 8:
        return ("geneve", None, "trunc_geneve", None)
    vni = (g[4] << 16) | (g[5] << 8) | g[6]
    if g[0] >> 6 != 0:
        return ("geneve", vni, "bad_version", None)
    olen = (g[0] & 0x3f) * 4
    if olen > len(g) - 8:
        return ("geneve", vni, "opt_len", None)
    opts, pos, crit_unknown = g[8:8 + olen], 0, False
    while pos < olen:
        if olen - pos < 4:
            return ("geneve", vni, "opt_trunc", None)
        cls, typ, ln = struct.unpack("!HBB", opts[pos:pos + 4])
        dlen = (ln & 0x1f) * 4
        if pos + 4 + dlen > olen:
            return ("geneve", vni, "opt_trunc", None)
        if typ & 0x80 and (cls, typ) not in known:
            crit_unknown = True
        pos += 4 + dlen
    if crit_unknown:
        return ("geneve", vni, "unknown_crit_opt", None)
    if g[1] & 0x80:
        return ("geneve", vni, "oam", None)
    if struct.unpack("!H", g[2:4])[0] != 0x6558:
        return ("geneve", vni, "not_eth", None)
    inner = g[8 + olen:]
    if len(inner) < 14:
        return ("geneve", vni, "trunc_inner", None)
    return ("geneve", vni, None, bytes(inner))


def read_frames(path):
    out = []
    with PcapReader(path) as r:
        for p in r:
            out.append(bytes(p))
    return out


def check_egress(replay, path):
    """Replay |path| as plain Ethernet on port 0 (VLAN 1, segment 1) with a
    remote VTEP in segment 1 encapsulated in Geneve (--geneve 1): every
    packet written for the VTEP must be, as scapy reads it, IPv4/UDP to
    6081 carrying Geneve version 0, VNI 1, protocol 0x6558, no options,
    and an inner frame that is one of the capture's untagged frames."""
    from scapy.contrib.geneve import GENEVE
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    frames = set(read_frames(path))
    tmp = tempfile.mkdtemp(prefix="vl2-geneve-egress-")
    try:
        r = subprocess.run([replay, "--json", "-o", tmp, "--remote",
                            "1=198.51.100.9", "--geneve", "1", path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           check=False)
        expect(r.returncode == 0, "egress replay exit %d: %s" %
               (r.returncode, r.stderr.decode()[:300]))
        f = os.path.join(tmp, "remote-198.51.100.9.pcap")
        expect(os.path.exists(f), "nothing written for the Geneve VTEP")
        if not os.path.exists(f):
            return
        n = 0
        for b in read_frames(f):
            n += 1
            p = Ether(b)
            ok = (IP in p and UDP in p and p[UDP].dport == 6081 and
                  p[IP].dst == "198.51.100.9")
            g = GENEVE(bytes(p[UDP].payload)) if ok else None
            ok = ok and g.version == 0 and g.vni == 1 and \
                g.proto == 0x6558 and g.optionlen == 0 and \
                bytes(g.payload) in frames
            expect(ok, "packet %d for the VTEP is not the Geneve of an "
                   "input frame" % n)
        print("egress: %d Geneve packets for the VTEP, all of input frames" %
              n)
        expect(n > 0, "no Geneve packets")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
    if len(argv) == 5 and argv[3] == "--egress":
        path = os.path.join(argv[2], argv[4])
        if not os.path.exists(path):
            print("SKIP: %s absent" % path)
            return 77
        check_egress(argv[1], path)
        return 1 if FAILS else 0
    if len(argv) < 4:
        print(__doc__)
        return 2
    replay, pdir, cap = argv[1], argv[2], argv[3]
    known, extra, verify = set(), [], True
    rest = argv[4:]
    while rest:
        if rest[0] == "--no-csum-verify":
            verify = False
            extra.append(rest.pop(0))
            continue
        if rest[0] != "--geneve-known" or len(rest) < 2:
            print(__doc__)
            return 2
        c, t = rest[1].split(":")
        known.add((int(c, 0), int(t, 0)))
        extra += rest[:2]
        rest = rest[2:]
    path = os.path.join(pdir, cap)
    if not os.path.exists(path):
        print("SKIP: %s absent" % path)
        return 77

    seen = refused_outer = 0
    accepted, reasons, vnis = {}, {}, []
    for b in read_frames(path):
        kind, vni, reason, inner = classify(b, known, verify)
        if kind is None:
            continue
        if kind == "outer":
            refused_outer += 1
        else:
            seen += 1
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        accepted.setdefault(vni, []).append(inner)
        if vni not in vnis:
            vnis.append(vni)

    tmp = tempfile.mkdtemp(prefix="vl2-geneve-replay-")
    try:
        args = [replay, "--json", "--no-sinks", "-o", tmp, "--underlay", "0",
                "--port", "0=" + path] + extra
        for i, vni in enumerate(vnis):
            args += ["--map", "%d=%d" % (i + 1, vni),
                     "--access", "%d=%d" % (i + 1, i + 1)]
        r = subprocess.run(args, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, check=False)
        expect(r.returncode == 0, "exit %d: %s" % (r.returncode,
                                                   r.stderr.decode()[:300]))
        if r.returncode != 0:
            return 1
        s = json.loads(r.stdout.decode())
        tun = s.get("tunnel", {})
        n_acc = sum(len(v) for v in accepted.values())
        print("%s: %d Geneve packets, %d accepted, refused %s, outer "
              "refusals %d; vl2-replay: %s" % (cap, seen, n_acc, reasons,
                                               refused_outer, tun))
        expect(tun.get("geneve", 0) == seen, "Geneve packets seen")
        expect(tun.get("outer_refused", 0) == refused_outer, "outer refusals")
        expect(tun.get("decapsulated", 0) == n_acc, "decapsulated")
        expect(tun.get("drops", {}) == reasons, "refusals by reason")
        expect(s["decisions"]["decided"] == n_acc,
               "every decapsulated frame decided by the switch")
        written = 0
        for i, vni in enumerate(vnis):
            f = os.path.join(tmp, "port-%d.pcap" % (i + 1))
            if not os.path.exists(f):
                continue
            want = accepted[vni]
            for b in read_frames(f):
                written += 1
                expect(b in want, "port %d (VNI %d): a frame that no "
                       "accepted packet carried" % (i + 1, vni))
        dropped = s["decisions"]["dropped"]
        consumed = s["decisions"]["consumed"]
        expect(written + dropped + consumed >= n_acc or written == 0 and
               n_acc == 0, "written %d + dropped %d < accepted %d" %
               (written, dropped, n_acc))
        if n_acc:
            expect(written > 0, "nothing written for accepted frames")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

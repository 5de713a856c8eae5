#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright (c) 2026 The libvl2 authors
"""vl2-replay --decode agrees with tcpdump's own expected output.

Usage: check_decode.py VL2_REPLAY PCAP_DIR OUT_NAME [OUT_NAME...]
       check_decode.py VL2_REPLAY PCAP_DIR --list      (print the .out names)
       check_decode.py --self-test

For each tcpdump/NAME.out (tcpdump's regression baseline, made by tcpdump
master with `-# -n` plus the arguments MANIFEST.md lists), the capture it
was made from is found in MANIFEST.md's tcpdump table, decoded with
`vl2-replay --decode --json`, and the L2 facts are compared packet by
packet:

* timestamps (microseconds, UTC): the decoder reads the same frames at the
  same times (unfiltered outputs: record N is frame N; outputs made with a
  filter expression are matched by timestamp, in order);
* with -e: each Ethernet header tcpdump prints (outer, and inner ones of
  VXLAN/Geneve): source and destination MAC, every 802.1Q/802.1ad tag's
  TPID, VID and PCP, the EtherType (or an 802.3 length);
* ARP/RARP: hardware type and length, protocol type and length, opcode,
  and the addresses tcpdump prints (who-has / tell / is-at / who-is);
  tcpdump's `[|arp]` must be a truncated ARP layer;
* VXLAN: flags byte and VNI; Geneve: VNI, option bytes, and each option's
  class, type and length (with -v).

Exit status 0 when everything agrees, 1 on a disagreement, 77 (skip) when
PCAP_DIR or tcpdump expected files are absent.
"""
import json
import os
import re
import subprocess
import sys

MAC = r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}"
REC_RE = re.compile(
    r"^\s*(\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.(\d+) (.*)$")
ETH_RE = re.compile(r"(?:^|\n)(%s) > (%s), " % (MAC, MAC))
ETH_CHAIN_RE = re.compile(
    r"(?:ethertype [^\n]*?\((0x[0-9a-f]{4})\)|(802\.3)), length \d+: ")
VLAN_RE = re.compile(
    r"vlan (\d+), p (\d+)(?:, DEI)?, ethertype [^\n]*?\((0x[0-9a-f]{4})\)"
    r"(?:, length \d+)?(?:, |: )")
ARP_ANCHOR_RE = re.compile(
    r"(?:(?:^|\s)R?ARP, |ethertype (?:Reverse )?ARP \(0x[0-9a-f]{4}\), "
    r"(?:length \d+: )?)")
ARP_HDR_RE = re.compile(
    r"(Ethernet|Unknown Hardware \((\d+)\)) \(len (\d+)\), "
    r"(IPv4|Unknown Protocol \((0x[0-9a-f]+)\)|[^,()]+) \(len (\d+)\), ")
ADDR = r"(<[^>]*>|\S+?)"
ARP_OPS = [
    (re.compile(r"Request who-has %s(?: \(([0-9a-f:]+)\))? tell %s," %
                (ADDR, ADDR)),
     1, ("tpa", "tha", "spa")),
    (re.compile(r"Reply %s is-at ([0-9a-f:]+)" % ADDR), 2, ("spa", "sha")),
    (re.compile(r"Reverse Request who-is (\S+) tell (\S+?),"), 3,
     ("tha", "sha")),
    (re.compile(r"Reverse Reply (\S+) at (\S+?),"), 4, ("tha", "tpa")),
    (re.compile(r"Inverse Request who-is %s tell %s," % (ADDR, ADDR)), 8,
     ()),
    (re.compile(r"Inverse Reply %s at %s," % (ADDR, ADDR)), 9, ()),
    (re.compile(r"Unknown \((\d+)\)"), None, ()),
]
VXLAN_RE = re.compile(r"VXLAN, flags \[[^\]]*\] \((0x[0-9a-f]+)\), vni (\d+)")
GENEVE_RE = re.compile(
    r"Geneve, Flags \[[^\]]*\], vni (0x[0-9a-f]+)(?:, options \[([^\]]*)\])?")
GENEVE_OPT_RE = re.compile(
    r"class [^(]*\((0x[0-9a-f]+)\) type (0x[0-9a-f]+)(?:\(C\))? len (\d+)")
GENEVE_OPTLEN_RE = re.compile(r"^(\d+) bytes$")
IPV4_RE = re.compile(r"^\d+\.\d+\.\d+\.\d+$")
ATM_HTYPE = 19
KNOWN = []  # known, explained differences (printed, not failures)


def parse_out(path):
    """tcpdump -# output -> [(number, 'YYYY-MM-DD HH:MM:SS.uuuuuu', text)]."""
    recs = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = REC_RE.match(line)
            if m:
                frac = (m.group(3) + "000000")[:6]
                recs.append([int(m.group(1)),
                             "%s.%s" % (m.group(2), frac), m.group(4)])
            elif recs:
                recs[-1][2] += "\n" + line
    return recs


def tcpdump_facts(text):
    """The L2 facts of one tcpdump record."""
    facts = {"eth": None, "arp": [], "vxlan": [], "geneve": []}
    if re.match(r"%s > %s, " % (MAC, MAC), text):
        eths = []
        for m in ETH_RE.finditer(text):
            e = {"src": m.group(1), "dst": m.group(2), "tags": []}
            pos = m.end()
            c = ETH_CHAIN_RE.match(text, pos)
            if not c:
                e["ethertype"] = None  # tcpdump printed something else
                eths.append(e)
                continue
            if c.group(2):
                e["ethertype"] = "802.3"
                eths.append(e)
                continue
            types = [c.group(1)]
            pos = c.end()
            while True:
                v = VLAN_RE.match(text, pos)
                if not v:
                    break
                e["tags"].append({"vid": int(v.group(1)),
                                  "pcp": int(v.group(2))})
                types.append(v.group(3))
                pos = v.end()
            for i, t in enumerate(e["tags"]):
                t["tpid"] = types[i]
            e["ethertype"] = types[-1]
            eths.append(e)
        facts["eth"] = eths
    for m in ARP_ANCHOR_RE.finditer(text):
        body = text[m.end():]
        a = {}
        if body.startswith(" [|arp]") or body.startswith("[|arp]"):
            a["truncated"] = True
            facts["arp"].append(a)
            continue
        h = ARP_HDR_RE.match(body)
        if h:
            a["htype"] = 1 if h.group(1) == "Ethernet" else int(h.group(2))
            a["hlen"] = int(h.group(3))
            # tcpdump names some protocol types ("802.1Q-9200"): those
            # are compared by length only.
            if h.group(4) == "IPv4":
                a["ptype"] = "0x0800"
            elif h.group(5):
                a["ptype"] = h.group(5)
            a["plen"] = int(h.group(6))
            body = body[h.end():]
        for rx, op, names in ARP_OPS:
            o = rx.match(body)
            if not o:
                continue
            if op is None:
                a["op"] = int(o.group(1))
            else:
                a["op"] = op
                for i, n in enumerate(names):
                    a[n] = o.group(i + 1)
            break
        else:
            a["unparsed"] = body[:60]
        facts["arp"].append(a)
    for m in VXLAN_RE.finditer(text):
        facts["vxlan"].append({"flags": m.group(1), "vni": int(m.group(2))})
    for m in GENEVE_RE.finditer(text):
        g = {"vni": int(m.group(1), 16)}
        body = m.group(2)
        if body is not None:
            n = GENEVE_OPTLEN_RE.match(body)
            if n:  # without -v: "options [8 bytes]"
                g["optlen"] = int(n.group(1))
            else:  # -vv: each option; tcpdump's len counts its header
                g["options"] = [
                    {"class": int(o.group(1), 16), "type": int(o.group(2), 16),
                     "len": int(o.group(3)) - 4}
                    for o in GENEVE_OPT_RE.finditer(body)]
        facts["geneve"].append(g)
    return facts


def layers_of(frame, name):
    return [l for l in frame["layers"] if l["layer"] in name]


def norm_hex(s):
    return "0x%04x" % int(s, 16)


def compare(rec, frame):
    """A list of disagreements between a tcpdump record and a decoded
    frame."""
    errs = []
    facts = tcpdump_facts(rec[2])
    if facts["eth"] is not None:
        mine = layers_of(frame, ("eth",))
        if len(mine) < len(facts["eth"]):
            errs.append("tcpdump shows %d Ethernet headers, decoder %d" %
                        (len(facts["eth"]), len(mine)))
        for i, (t, d) in enumerate(zip(facts["eth"], mine)):
            for k in ("src", "dst"):
                if t[k] != d.get(k):
                    errs.append("eth[%d] %s: tcpdump %s, decoder %s" %
                                (i, k, t[k], d.get(k)))
            if t["ethertype"] is None:
                continue
            dt = d.get("tags", [])
            if len(dt) != len(t["tags"]):
                errs.append("eth[%d]: tcpdump %d tags, decoder %d" %
                            (i, len(t["tags"]), len(dt)))
            for j, (tt, x) in enumerate(zip(t["tags"], dt)):
                if (norm_hex(tt["tpid"]), tt["vid"], tt["pcp"]) != \
                        (norm_hex(x["tpid"]), x["vid"], x["pcp"]):
                    errs.append("eth[%d] tag %d: tcpdump %s, decoder %s" %
                                (i, j, tt, x))
            et = d.get("ethertype")
            if t["ethertype"] == "802.3":
                if et is None or int(et, 16) >= 0x600:
                    errs.append("eth[%d]: tcpdump 802.3, decoder %s" % (i, et))
            elif et is None or norm_hex(et) != norm_hex(t["ethertype"]):
                errs.append("eth[%d] ethertype: tcpdump %s, decoder %s" %
                            (i, t["ethertype"], et))
    mine = layers_of(frame, ("arp", "rarp"))
    if len(mine) != len(facts["arp"]):
        errs.append("tcpdump shows %d ARP bodies, decoder %d" %
                    (len(facts["arp"]), len(mine)))
    for i, (t, d) in enumerate(zip(facts["arp"], mine)):
        if "unparsed" in t:
            errs.append("arp[%d]: cannot read tcpdump's '%s'" %
                        (i, t["unparsed"]))
            continue
        if t.get("truncated"):
            if d.get("htype") == ATM_HTYPE and d.get("error") is None:
                # Known difference: tcpdump reads hardware type 19 with the
                # ATMARP layout (RFC 2225: type-and-length octets), which
                # does not fit this frame; the decoder reads the RFC 826
                # layout. Not an Ethernet ARP either way.
                KNOWN.append("arp[%d]: htype 19 (ATMARP) read by tcpdump "
                             "as RFC 2225" % i)
                continue
            if d.get("error") != "truncated":
                errs.append("arp[%d]: tcpdump [|arp], decoder complete" % i)
            continue
        if d.get("error"):
            errs.append("arp[%d]: decoder %s, tcpdump complete" %
                        (i, d["error"]))
            continue
        for k in ("htype", "hlen", "plen", "op"):
            if k in t and t[k] != d.get(k):
                errs.append("arp[%d] %s: tcpdump %s, decoder %s" %
                            (i, k, t[k], d.get(k)))
        if "ptype" in t and norm_hex(t["ptype"]) != norm_hex(d["ptype"]):
            errs.append("arp[%d] ptype: tcpdump %s, decoder %s" %
                        (i, t["ptype"], d["ptype"]))
        for k in ("spa", "tpa"):
            # tcpdump prints <wrong proto type> / <wrong len> for non-IPv4.
            if k in t and IPV4_RE.match(t[k]) and t[k] != d.get(k):
                errs.append("arp[%d] %s: tcpdump %s, decoder %s" %
                            (i, k, t[k], d.get(k)))
        for k in ("sha", "tha"):
            if k in t and t[k] is not None and t[k] != d.get(k):
                errs.append("arp[%d] %s: tcpdump %s, decoder %s" %
                            (i, k, t[k], d.get(k)))
        # "who-has X (tha)": tcpdump shows the target MAC iff non-zero.
        if t.get("op") == 1 and t.get("tha") is None and \
                re.search(r"[1-9a-f]", d.get("tha", "")):
            errs.append("arp[%d]: tcpdump omits tha, decoder has %s" %
                        (i, d.get("tha")))
    for name in ("vxlan", "geneve"):
        mine = layers_of(frame, (name,))
        if len(mine) != len(facts[name]):
            errs.append("tcpdump shows %d %s headers, decoder %d" %
                        (len(facts[name]), name, len(mine)))
        for i, (t, d) in enumerate(zip(facts[name], mine)):
            if t["vni"] != d.get("vni"):
                errs.append("%s[%d] vni: tcpdump %s, decoder %s" %
                            (name, i, t["vni"], d.get("vni")))
            if "flags" in t and int(t["flags"], 16) != int(d["flags"], 16):
                errs.append("%s[%d] flags: tcpdump %s, decoder %s" %
                            (name, i, t["flags"], d["flags"]))
            if "optlen" in t and t["optlen"] != d.get("optlen"):
                errs.append("%s[%d] optlen: tcpdump %s, decoder %s" %
                            (name, i, t["optlen"], d.get("optlen")))
            if "options" in t:
                mine_opts = [{"class": int(o["class"], 16),
                              "type": int(o["type"], 16), "len": o["len"]}
                             for o in d.get("options", [])]
                if t["options"] != mine_opts:
                    errs.append("%s[%d] options: tcpdump %s, decoder %s" %
                                (name, i, t["options"], mine_opts))
    return errs


def manifest_map(pcap_dir):
    """{out name: (capture path, filtered?)} from MANIFEST.md's tcpdump
    table."""
    res = {}
    path = os.path.join(pcap_dir, "MANIFEST.md")
    with open(path, encoding="utf-8") as f:
        section = None
        for line in f:
            if line.startswith("### "):
                section = line.split("`")[1] if "`" in line else None
                continue
            if section != "tcpdump/" or not line.startswith("| "):
                continue
            cols = [c.strip() for c in line.strip().strip("|").split("|")]
            if not cols[0].endswith((".pcap", ".pcapng")):
                continue
            cap = os.path.join(pcap_dir, "tcpdump", cols[0])
            stem = os.path.splitext(cols[0])[0]
            last = cols[-1]
            for m in re.finditer(r"`([^`]+\.out)`(?: \(([^)]*)\))?", last):
                name = m.group(1)
                if name.startswith("-"):  # `-v.out`: short for STEM-v.out
                    name = stem + name
                res[name] = (cap, "filter" in (m.group(2) or ""))
    return res


def decode(replay, cap):
    r = subprocess.run([replay, "--decode", "--json", cap],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       check=False)
    if r.returncode != 0:
        raise RuntimeError("%s --decode %s: exit %d: %s" %
                           (replay, cap, r.returncode, r.stderr.decode()))
    return [json.loads(l) for l in r.stdout.decode().splitlines()]


def check_one(replay, pcap_dir, out_name, mapping):
    out = os.path.join(pcap_dir, "tcpdump", out_name)
    if out_name not in mapping:
        print("%s: not in MANIFEST.md's tcpdump table" % out_name)
        return 1
    cap, filtered = mapping[out_name]
    if not os.path.exists(out) or not os.path.exists(cap):
        print("SKIP %s: %s or %s missing" % (out_name, out, cap))
        return 77
    recs = parse_out(out)
    frames = decode(replay, cap)
    if not recs:
        print("%s: no records parsed" % out_name)
        return 1
    if not filtered and len(recs) != len(frames):
        print("%s: tcpdump %d packets, decoder %d frames" %
              (out_name, len(recs), len(frames)))
        return 1
    bad = 0
    fi = 0
    stats = {"eth": 0, "arp": 0, "vxlan": 0, "geneve": 0}
    for rec in recs:
        if filtered:
            while fi < len(frames) and frames[fi]["ts"][:26] != rec[1]:
                fi += 1
            if fi == len(frames):
                print("%s #%d: no frame at %s" % (out_name, rec[0], rec[1]))
                return 1
            frame = frames[fi]
            fi += 1
        else:
            frame = frames[rec[0] - 1]
            if frame["ts"][:26] != rec[1]:
                print("%s #%d: tcpdump time %s, decoder %s" %
                      (out_name, rec[0], rec[1], frame["ts"]))
                bad += 1
        errs = compare(rec, frame)
        f = tcpdump_facts(rec[2])
        stats["eth"] += len(f["eth"] or [])
        for k in ("arp", "vxlan", "geneve"):
            stats[k] += len(f[k])
        for e in errs:
            bad += 1
            if bad <= 20:
                print("%s #%d: %s\n    tcpdump: %s" %
                      (out_name, rec[0], e, rec[2].split("\n")[0][:200]))
    for k in KNOWN:
        print("%s: known difference: %s" % (out_name, k))
    print("%s: %d packets, compared %d Ethernet headers, %d ARP, %d VXLAN, "
          "%d Geneve; %d known differences; %d disagreements" %
          (out_name, len(recs), stats["eth"], stats["arp"], stats["vxlan"],
           stats["geneve"], len(KNOWN), bad))
    del KNOWN[:]
    return 1 if bad else 0


def self_test():
    """The comparison must be able to fail: feed it wrong decodes."""
    rec = [1, "2019-12-08 21:59:54.599412",
           "00:20:d2:5a:fb:3f > ff:ff:ff:ff:ff:ff, ethertype 802.1Q-QinQ "
           "(0x88a8), length 64: vlan 200, p 0, ethertype 802.1Q (0x8100), "
           "vlan 2001, p 0, ethertype ARP (0x0806), Request who-has "
           "172.21.79.100 tell 172.21.79.97, length 46"]
    good = {"ts": "2019-12-08 21:59:54.599412000", "layers": [
        {"layer": "eth", "dst": "ff:ff:ff:ff:ff:ff",
         "src": "00:20:d2:5a:fb:3f",
         "tags": [{"tpid": "0x88a8", "vid": 200, "pcp": 0, "dei": 0},
                  {"tpid": "0x8100", "vid": 2001, "pcp": 0, "dei": 0}],
         "ethertype": "0x0806"},
        {"layer": "arp", "htype": 1, "ptype": "0x0800", "hlen": 6, "plen": 4,
         "op": 1, "sha": "00:20:d2:5a:fb:3f", "spa": "172.21.79.97",
         "tha": "00:00:00:00:00:00", "tpa": "172.21.79.100"}]}
    assert compare(rec, good) == [], compare(rec, good)
    mutations = [
        lambda f: f["layers"][0].update(src="00:20:d2:5a:fb:3e"),
        lambda f: f["layers"][0]["tags"][1].update(vid=2002),
        lambda f: f["layers"][0]["tags"][0].update(tpid="0x8100"),
        lambda f: f["layers"][0]["tags"].pop(),
        lambda f: f["layers"][0].update(ethertype="0x0800"),
        lambda f: f["layers"][1].update(tpa="172.21.79.101"),
        lambda f: f["layers"][1].update(op=2),
        lambda f: f["layers"][1].update(tha="00:00:00:00:00:01"),
        lambda f: f["layers"].pop(),
    ]
    for i, mut in enumerate(mutations):
        f = json.loads(json.dumps(good))
        mut(f)
        assert compare(rec, f), "mutation %d not detected" % i
    vx = [1, "2013-05-18 20:21:44.837063",
          "36:dc:85:1e:b3:40 > 00:16:3e:08:71:cf, ethertype IPv4 (0x0800), "
          "length 148: 192.168.203.1.45149 > 192.168.202.1.4789: VXLAN, "
          "flags [I] (0x08), vni 100\n00:16:3e:37:f6:04 > 00:30:88:01:00:02,"
          " ethertype IPv4 (0x0800), length 98: 192.168.203.3 > "
          "192.168.203.5: ICMP echo request, id 1292, seq 1, length 64"]
    f = {"layers": [
        {"layer": "eth", "src": "36:dc:85:1e:b3:40",
         "dst": "00:16:3e:08:71:cf", "tags": [], "ethertype": "0x0800"},
        {"layer": "vxlan", "flags": "0x08", "vni": 100},
        {"layer": "eth", "src": "00:16:3e:37:f6:04",
         "dst": "00:30:88:01:00:02", "tags": [], "ethertype": "0x0800"}]}
    assert compare(vx, f) == [], compare(vx, f)
    f["layers"][1]["vni"] = 101
    assert compare(vx, f)
    f["layers"][1]["vni"] = 100
    f["layers"][2]["src"] = "00:16:3e:37:f6:05"
    assert compare(vx, f)
    print("self-test: ok")
    return 0


def main(argv):
    if len(argv) == 2 and argv[1] == "--self-test":
        return self_test()
    if len(argv) < 4:
        print(__doc__)
        return 2
    replay, pcap_dir = argv[1], argv[2]
    for need in ("tcpdump", "MANIFEST.md"):
        if not os.path.exists(os.path.join(pcap_dir, need)):
            print("SKIP: %s/%s not found" % (pcap_dir, need))
            return 77
    mapping = manifest_map(pcap_dir)
    if argv[3] == "--list":
        for k in sorted(mapping):
            print(k)
        return 0
    rc = 0
    for name in argv[3:]:
        r = check_one(replay, pcap_dir, name, mapping)
        if r == 1 or (r == 77 and rc == 0):
            rc = r
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv))

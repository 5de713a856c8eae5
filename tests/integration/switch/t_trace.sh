#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vl2ctl trace (issue 16): for known unicast, unknown unicast, broadcast,
# IPv4 multicast (its MAC derived by vl2ctl), an ARP request answered by suppression, a VLAN-hop attempt (a frame with
# two C-tags on a trunk), a broadcast over its port's storm rate, and
# frames from a remote VTEP (a member of a strict segment's flood list and
# a stranger), the trace shows the verdict, reason and destinations
# expected; the FDB, counters and neighbour table are the same before and
# after it, and a monitor running meanwhile sees no event; then the same
# bytes, sent for real (into the VM's TAP, or as VXLAN from the VTEP's
# address), take the decision the trace showed: the frame shows up on
# exactly the ports (and the VTEP) the trace named, with the tag edit it
# named, or the counter of the drop reason moves. Hostile: odd and
# non-hex frames, a 5000-byte request, an unknown port, an out-of-range
# VNI: clear errors, exit 2, the switch keeps forwarding.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c "import json, socket" 2>/dev/null || skip "no $PY"
H=${P}h
mkns "$H"
MA=02:00:00:00:00:aa MB=02:00:00:00:00:bb MC=02:00:00:00:00:cc MT=02:00:00:00:00:dd
cat >"$TMP/sw.conf" <<CONF
limits = { ageing = 300; };
underlay = { local = "127.0.0.1"; };
segments = (
  { vni = 100; vlan = 10; strict_remotes = true; flood = [ "127.0.0.2" ]; },
  { vni = 200; vlan = 20; arp_suppress = true; }
);
ports = (
  { name = "${P}a"; vlan = 10; mac = "$MA"; },
  { name = "${P}b"; vlan = 10; mac = "$MB"; },
  { name = "${P}c"; vlan = 10; mac = "$MC"; storm = { broadcast = 1; holddown = 60; }; },
  { name = "${P}t"; trunk = [ 10, 20 ]; mac = "$MT"; }
);
neigh = ( { ip = "10.95.2.99"; mac = "02:00:00:00:02:99"; vni = 200; } );
CONF
SOCK=$TMP/ctl.sock
ip -n "$H" link set lo up
start_switch "$H" "$TMP/sw.conf" "$SOCK"
for x in a b c t; do
  n=$(printf '%d' "'$x")
  vm "$H" "${P}$x" "${P}v$x" "10.95.0.$n/24"
done
# static ARP entries: no ARP chatter to blur the counters
for x in a b c; do
  for y in a b c; do
    [ $x = $y ] && continue
    mac=$(eval echo "\$M$(echo $y | tr a-c A-C)")
    ip -n "${P}v$x" neigh replace "10.95.0.$(printf '%d' "'$y")" lladdr "$mac" dev "${P}$x" nud permanent
  done
done
ip netns exec "${P}va" ping -c 1 -W 2 10.95.0.98 >/dev/null || fail "ping a->b"
ip netns exec "${P}vc" ping -c 1 -W 2 10.95.0.97 >/dev/null || fail "ping c->a"
# the trunk VM's MAC, learned in VLAN 10 (a broadcast, tagged)
ip netns exec "${P}vt" $PY -c "
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('${P}t', 0))
s.send(bytes.fromhex('ffffffffffff' + '${MT//:/}' + '8100000a88b5') + bytes(46))"

# what arrives where: every VM's TAP (with its VLAN tag, from the packet
# auxdata or the bytes) and the VTEP 127.0.0.2 (VXLAN, by VNI); one line
# "WHERE LEN HEX" per frame, LEN without the tag
cat >"$TMP/cap.py" <<'PY'
import select, socket, struct, sys
out = open(sys.argv[1], "w", buffering=1)
socks = {}
for spec in sys.argv[2:]:
    key, what = spec.split("=")
    if what.startswith("udp:"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((what[4:], 4789))
    else:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
        s.setsockopt(263, 8, 1)  # SOL_PACKET, PACKET_AUXDATA
        s.bind((what, 0))
    socks[s] = key
print("ready", file=out)
while True:
    for s in select.select(list(socks), [], [])[0]:
        key = socks[s]
        if s.type == socket.SOCK_DGRAM:
            d = s.recv(65536)
            vni = int.from_bytes(d[4:7], "big")
            print("%s:%d %d %s" % (key, vni, len(d) - 8, d[8:72].hex()), file=out)
            continue
        d, anc, _, addr = s.recvmsg(65536, 1024)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        vid = None
        for lvl, typ, data in anc:
            if lvl == 263 and typ == 8 and len(data) >= 20:
                st, _, _, _, _, tci, _ = struct.unpack("IIIHHHH", data[:20])
                if st & 0x10:  # TP_STATUS_VLAN_VALID
                    vid = tci & 0xfff
        if vid is None and d[12:14] == b"\x81\x00":
            vid = int.from_bytes(d[14:16], "big") & 0xfff
            d = d[:12] + d[16:]
        print("%s%s %d %s" % (key, "" if vid is None else ":%d" % vid, len(d), d[:64].hex()), file=out)
PY
CAP=$TMP/cap.txt
for x in a b c t; do
  ip netns exec "${P}v$x" $PY "$TMP/cap.py" "$CAP.$x" "$x=${P}$x" &
  SPIDS+=("$!")
done
ip netns exec "$H" $PY "$TMP/cap.py" "$CAP.r" "r=udp:127.0.0.2" &
SPIDS+=("$!")
for x in a b c t r; do
  for _ in $(seq 50); do grep -q ready "$CAP.$x" 2>/dev/null && break; sleep 0.1; done
  grep -q ready "$CAP.$x" || fail "capture $x did not start"
done

"$CTL" -s "$SOCK" --json monitor >"$TMP/mon.json" 2>&1 &
MON=$!
SPIDS+=("$MON")
sleep 0.3

# snap FILE: the FDB, every counter and the neighbour table; without
# the control server's own counters (each vl2ctl call moves them) and the
# seconds left to live (the clock moves)
snap() {
  { "$CTL" -s "$SOCK" --json fdb && "$CTL" -s "$SOCK" --json stats && "$CTL" -s "$SOCK" --json neigh; } >"$1.raw" || fail "snapshot"
  $PY - "$1.raw" >"$1" <<'PY'
import json, sys
dec, text, docs = json.JSONDecoder(), open(sys.argv[1]).read(), []
i = 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    d, i = dec.raw_decode(text, i)
    docs.append(d)
def strip(o):
    if isinstance(o, dict):
        return {k: strip(v) for k, v in o.items()
                if k not in ("expires_in", "expires_ms") and not k.startswith("control_")}
    if isinstance(o, list):
        return [strip(v) for v in o]
    return o
print(json.dumps([strip(d) for d in docs], indent=1, sort_keys=True))
PY
}

# check.py JSON ACTION REASON DEST...: the trace's verdict, reason and
# destinations ("port:NAME:EDIT[:VID]" or "remote:IP:VNI"); "where"
# JSON: the capture keys the trace predicts ("b", "t:10", "r:100")
cat >"$TMP/check.py" <<'PY'
import json, sys
t = json.load(open(sys.argv[2]))
def dests():
    out = []
    for d in t["destinations"]:
        if d["type"] == "port":
            s = "port:%s:%s" % (d["port"], d["edit"])
            if d["edit"] in ("push", "rewrite"):
                s += ":%d" % d["vid"]
        else:
            s = "remote:%s:%d" % (d["remote"], d["vni"])
        out.append(s)
    return sorted(out)
if sys.argv[1] == "expect":
    act, reason, want = sys.argv[3], sys.argv[4], sorted(sys.argv[5:])
    v = t["verdict"]
    assert v["action"] == act, "action %s, expected %s" % (v["action"], act)
    assert v.get("reason", "-") == reason, "reason %s, expected %s" % (v.get("reason"), reason)
    assert dests() == want, "destinations %s, expected %s" % (dests(), want)
    assert t["steps"] and t["steps"][0]["kind"] == "ingress", t["steps"][:1]
    assert t["steps"][-1]["kind"] == "verdict", t["steps"][-1:]
    if act == "drop":
        assert any(s["result"] == "drop" and s["reason"] == reason for s in t["steps"]), "no step drops with %s" % reason
else:
    keys = []
    for d in t["destinations"]:
        if d["type"] == "port":
            k = d["port"][-1]
            if d["edit"] == "push" or d["edit"] == "rewrite":
                k += ":%d" % d["vid"]
            elif k == "t":
                k += ":%d" % {100: 10, 200: 20}[d["vni"]]  # kept tag
            keys.append(k)
        else:
            keys.append("r:%d" % d["vni"])
    print(" ".join(sorted(keys)))
PY

# trace NAME ACTION REASON DESTS -- VL2CTL-TRACE-ARGS: trace (JSON and
# text), check the verdict, and that nothing changed and no event came
trace() {
  local name=$1 act=$2 reason=$3 dests=$4
  shift 5
  snap "$TMP/$name.before"
  local l0 l1
  l0=$(wc -l <"$TMP/mon.json")
  "$CTL" -s "$SOCK" --json trace "$@" >"$TMP/$name.json" 2>&1 || fail "$name: vl2ctl --json trace $*: $(cat "$TMP/$name.json")"
  "$CTL" -s "$SOCK" trace "$@" >"$TMP/$name.txt" 2>&1 || fail "$name: vl2ctl trace $*: $(cat "$TMP/$name.txt")"
  snap "$TMP/$name.after"
  sed 's/^/  /' "$TMP/$name.txt"
  # shellcheck disable=SC2086
  $PY "$TMP/check.py" expect "$TMP/$name.json" "$act" "$reason" $dests || fail "$name: trace verdict"
  local vline="verdict: $act"
  [ "$act" = drop ] && vline="verdict: drop ($reason)"
  grep -qF "$vline" "$TMP/$name.txt" && head -1 "$TMP/$name.txt" | grep -q "^trace: " ||
    fail "$name: the text does not say '$vline'"
  diff -u "$TMP/$name.before" "$TMP/$name.after" >"$TMP/$name.diff" || { head -40 "$TMP/$name.diff"; fail "$name: the trace changed the FDB, a counter or the neighbour table"; }
  sleep 0.2
  l1=$(wc -l <"$TMP/mon.json")
  [ "$l0" = "$l1" ] || { sed -n "$((l0 + 1)),\$p" "$TMP/mon.json"; fail "$name: events during the trace"; }
}

# frame NAME: the traced frame's bytes (hex)
frame() { $PY -c "import json,sys; print(json.load(open(sys.argv[1]))['frame']['hex'])" "$TMP/$1.json"; }
# send VM HEX: the frame into the VM's TAP
send() {
  ip netns exec "${P}v$1" $PY -c "
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('${P}$1', 0))
for h in sys.argv[1:]:
    s.send(bytes.fromhex(h))" "${@:2}" || fail "send into ${P}$1"
}
# vxsend SRCIP VNI HEX: as VXLAN from SRCIP (a loopback address)
vxsend() {
  ip netns exec "$H" $PY -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind((sys.argv[1], 0))
s.sendto(bytes([8, 0, 0, 0]) + int(sys.argv[2]).to_bytes(3, 'big') + b'\0' + bytes.fromhex(sys.argv[3]), ('127.0.0.1', 4789))" "$@" || fail "vxlan send"
}
# seen LEN: where a frame of LEN bytes arrived ("b t:10 r:100")
seen() { cat "$CAP".? | awk -v l="$1" '$2 == l { print $1 }' | sort | tr '\n' ' ' | sed 's/ $//'; }
# the data path: where the frame went equals where the trace said
same_place() {
  local name=$1 len=$2 want got
  want=$($PY "$TMP/check.py" where "$TMP/$name.json")
  sleep 0.3
  got=$(seen "$len")
  [ "$want" = "$got" ] || fail "$name: the trace said '$want', the data path sent it to '$got'"
  echo "  data path: $name to '$got', as traced"
}
# counter EXPR: from vl2ctl --json stats
counter() { "$CTL" -s "$SOCK" --json stats | json "$1"; }

# 1. known unicast (b learned by the ping)
trace known forward - "port:${P}b:keep" -- in "${P}a" src $MA dst $MB type ipv4 sip 10.95.0.97 dip 10.95.0.222 proto udp len 301
send a "$(frame known)"
same_place known 301
pass "known unicast: forward to ${P}b"

# 2. unknown unicast: flooded to the other access ports, the trunk (tag
# pushed) and the VTEP
trace unknown flood - "port:${P}b:keep port:${P}c:keep port:${P}t:push:10 remote:127.0.0.2:100" -- \
  in "${P}a" src $MA dst 02:00:00:00:00:ee type ipv4 sip 10.95.0.97 dip 10.95.0.223 len 302
send a "$(frame unknown)"
same_place unknown 302
pass "unknown unicast: flooded as traced"

# 3. broadcast
trace bcast flood - "port:${P}b:keep port:${P}c:keep port:${P}t:push:10 remote:127.0.0.2:100" -- \
  in "${P}a" src $MA dst ff:ff:ff:ff:ff:ff len 303
send a "$(frame bcast)"
same_place bcast 303
pass "broadcast: flooded as traced"

# 3b. IPv4 multicast, its MAC derived by vl2ctl (snooping off: flooded)
trace mcast flood - "port:${P}b:keep port:${P}c:keep port:${P}t:push:10 remote:127.0.0.2:100" -- \
  in "${P}a" src $MA sip 10.95.0.97 dip 239.1.2.3 proto udp len 309
grep -q '"dst": "01:00:5e:01:02:03"' "$TMP/mcast.json" || fail "mcast: the group's MAC"
send a "$(frame mcast)"
same_place mcast 309
pass "IPv4 multicast: flooded as traced"

# 4. an ARP request for a bound address in a segment with suppression:
# the switch answers it (consumed); for real, the answer comes back
# tagged and req_answered moves
trace arp consumed - "" -- in "${P}t" vlan 20 src $MT arp request sip 10.95.2.1 dip 10.95.2.99 len 304
grep -q "neigh" "$TMP/arp.txt" || fail "arp: no neigh step in the text"
ans0=$(counter "d['neigh']['req_answered']")
send t "$(frame arp)"
sleep 0.3
ans1=$(counter "d['neigh']['req_answered']")
[ "$ans1" = $((ans0 + 1)) ] || fail "arp: req_answered $ans0 -> $ans1"
[ -z "$(seen 304)" ] || fail "arp: the request went to $(seen 304)"
grep -Eq "^t:20 [0-9]+ ${MT//:/}020000000299080600010800060400020200000002990a5f0263" "$CAP.t" || {
  tail -3 "$CAP.t"
  fail "arp: no ARP reply for 10.95.2.99 on the trunk in VLAN 20"
}
pass "ARP request answered by suppression (req_answered $ans0 -> $ans1)"

# 5. a VLAN-hop attempt: VLAN 20 behind VLAN 10 on the trunk
trace hop drop stacked_tag "" -- in "${P}t" vlan 10 vlan 20 src $MT dst ff:ff:ff:ff:ff:ff len 305
d0=$(counter "d['switch']['drops'].get('stacked_tag', 0)")
send t "$(frame hop)"
sleep 0.3
d1=$(counter "d['switch']['drops'].get('stacked_tag', 0)")
[ "$d1" = $((d0 + 1)) ] || fail "hop: stacked_tag drops $d0 -> $d1"
[ -z "$(seen 305)" ] || fail "hop: the frame went to $(seen 305)"
pass "VLAN hop dropped (stacked_tag $d0 -> $d1)"

# 6. storm control: port c may flood 1 broadcast/s, and a storm shuts
# its flooding for 60 s (err-disable); three broadcasts start one. The
# trace waits for the storm's events (its end comes after a quiet second)
# so that none is due while it runs.
BC=ffffffffffff${MC//:/}88b5$(printf '00%.0s' $(seq 46))
send c "$BC" "$BC" "$BC"
sleep 2
trace storm drop storm_control "" -- in "${P}c" src $MC dst ff:ff:ff:ff:ff:ff len 306
s0=$(counter "d['switch']['drops'].get('storm_control', 0)")
send c "$(frame storm)"
sleep 0.3
s1=$(counter "d['switch']['drops'].get('storm_control', 0)")
[ "$s1" = $((s0 + 1)) ] || fail "storm: storm_control drops $s0 -> $s1"
[ -z "$(seen 306)" ] || fail "storm: the frame went to $(seen 306)"
pass "storm-limited broadcast dropped (storm_control $s0 -> $s1)"
sleep 1.5 # the storm's end (a quiet second after that drop) before the next trace

# 7. from the VTEP in the flood list (strict segment): to b; from one not
# in it: dropped
trace remote forward - "port:${P}b:keep" -- remote 127.0.0.2 vni 100 src 02:00:00:00:00:e1 dst $MB len 307
vxsend 127.0.0.2 100 "$(frame remote)"
same_place remote 307
trace stranger drop remote_not_member "" -- remote 127.0.0.9 vni 100 src 02:00:00:00:00:e2 dst $MB len 308
n0=$(counter "d['switch']['drops'].get('remote_not_member', 0)")
vxsend 127.0.0.9 100 "$(frame stranger)"
sleep 0.3
n1=$(counter "d['switch']['drops'].get('remote_not_member', 0)")
[ "$n1" = $((n0 + 1)) ] || fail "stranger: remote_not_member $n0 -> $n1"
[ -z "$(seen 308)" ] || fail "stranger: the frame went to $(seen 308)"
pass "remote endpoint: member forwarded, stranger dropped (remote_not_member $n0 -> $n1)"

# hostile: bad frames and words get usage errors (exit 2) in words
bad() {
  local want=$1 out rc
  shift
  out=$("$CTL" -s "$SOCK" trace "$@" 2>&1)
  rc=$?
  [ "$rc" = 2 ] || fail "trace $*: exit $rc ($out)"
  echo "$out" | grep -qi -- "$want" || fail "trace $*: '$out' does not say '$want'"
  echo "  $out"
}
bad "not a hex digit" in "${P}a" hex 0011223344556677889900aabbzz
bad "odd number" in "${P}a" hex 001122334455667788990011223
bad "too short" in "${P}a" hex 00112233
bad "no port" in nosuch hex 0011223344556677889900112233
bad "out of range" remote 127.0.0.2 vni 16777216 hex 0011223344556677889900112233
bad "not an IPv4 or IPv6" remote 127.0.0.x vni 100 hex 0011223344556677889900112233
bad "not a MAC" in "${P}a" src 02:00:00:00:00 dst $MB
bad "unknown field" in "${P}a" src $MA dst $MB color red
bad "frame is missing" in "${P}a"
# a 5000-byte request straight to the socket: refused, the connection
# answered
$PY - "$SOCK" <<'PY' || fail "a 5000-byte trace request"
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.settimeout(5)
s.sendall(b"trace in x hex " + b"ab" * 2500 + b"\n")
r = b""
while not r.endswith(b"\n"):
    k = s.recv(4096)
    if not k:
        break
    r += k
d = json.loads(r)
assert "longer than" in d["error"] and d.get("usage"), d
print("  5000 bytes:", d["error"])
PY
kill -0 "$SPID" || fail "the switch died"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.95.0.98 >/dev/null || fail "no ping after the hostile requests"
kill "$MON" 2>/dev/null
pass "bad trace requests refused in words, exit 2; the switch forwards"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vl2-switch's default protections (no 'limits' section) under attack:
#  1. a listed remote VTEP sends 100 000 source MACs over VXLAN: it stays
#     within max_macs_per_remote (4096) while the local VMs keep being
#     learned and reach each other by known unicast;
#  2. a VM's GARP claiming an IP the configuration binds (neigh section,
#     arp_suppress + arp_control_plane_only) changes nothing the switch
#     answers;
#  3. a VM flapping a MAC between two ports is frozen after the threshold
#     (5 moves in 180 s, RFC 7432 section 15.1), counted and logged;
#  4. an IP that GARPs move between two MACs is frozen the same way.
. "$(dirname "$0")/lib.sh"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.253.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.253.2/24 dev u2; ip -n "$H2" link set u2 up
cat >"$TMP/h1.conf" <<CONF
underlay = { local = "192.168.253.1"; };
segments = ( { vni = 7001; vlan = 10; flood = [ "192.168.253.2" ];
               arp_suppress = true; arp_control_plane_only = true; } );
ports = ( { name = "${P}a"; vlan = 10; mac = "02:00:00:00:07:0a"; },
          { name = "${P}b"; vlan = 10; mac = "02:00:00:00:07:0b"; },
          { name = "${P}c"; vlan = 10; mac = "02:00:00:00:07:0c"; },
          { name = "${P}d"; vlan = 10; mac = "02:00:00:00:07:0d"; } );
neigh = ( { ip = "10.91.0.2"; mac = "02:00:00:00:07:0b"; vni = 7001; } );
CONF
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
LOG=$TMP/h1.log
# The VMs' interfaces carry the MACs the configuration names (the TAP's
# own MAC is the switch side's).
vmm() { vm "$H1" "$1" "$2" "$3"; ip -n "$2" link set "$1" address "$4"; }
vmm "${P}a" "${P}va" 10.91.0.1/24 02:00:00:00:07:aa
vmm "${P}b" "${P}vb" 10.91.0.2/24 02:00:00:00:07:0b
vmm "${P}c" "${P}vc" 10.91.0.3/24 02:00:00:00:07:cc
vmm "${P}d" "${P}vd" 10.91.0.4/24 02:00:00:00:07:dd
st() { "$CTL" -s "$TMP/h1.sock" --json stats; }
[ "$(st | json "d['protection']['max_macs_per_remote']")" = 4096 ] || fail "default max_macs_per_remote"
[ "$(st | json "d['protection']['move_threshold']")" = 5 ] || fail "default move_threshold"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.91.0.2 >/dev/null || fail "initial ping"

# --- 1. 100 000 source MACs from one remote VTEP ------------------------------
ip netns exec "$H2" python3 - <<'PY' || fail "flood sender"
import socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.253.2", 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
hdr = bytes([0x08, 0, 0, 0]) + struct.pack("!I", 7001 << 8)
for i in range(100000):
    src = b"\x02\xee" + struct.pack("!I", i)
    frame = b"\xff" * 6 + src + b"\x88\xb5" + b"\x00" * 46
    while True:
        try:
            s.sendto(hdr + frame, ("192.168.253.1", 4789))
            break
        except BlockingIOError:
            pass
PY
sleep 1
RX=$(st | json "d['tunnel']['vxlan_rx']")
HITS=$(st | json "d['protection']['remote_limit_hits']")
REMOTE_MACS=$("$CTL" -s "$TMP/h1.sock" fdb | grep -c "02:ee:")
echo "VXLAN packets received $RX, remote MACs learned $REMOTE_MACS, refused by the per-remote limit $HITS"
[ "$RX" -ge 20000 ] || fail "too few flood packets arrived ($RX)"
[ "$REMOTE_MACS" -le 4096 ] || fail "the remote VTEP owns $REMOTE_MACS MACs, limit 4096"
[ "$REMOTE_MACS" -ge 4000 ] || fail "only $REMOTE_MACS remote MACs learned"
[ "$HITS" -gt 0 ] || fail "no per-remote limit hits counted"
# Local VMs are still learned and reach each other by known unicast.
ip -n "${P}vc" link set "${P}c" address 02:00:00:00:07:ce
ip netns exec "${P}vc" ping -c 2 -i 0.2 -W 2 10.91.0.4 >/dev/null || fail "new VM MAC after the flood"
"$CTL" -s "$TMP/h1.sock" fdb | grep -q "^02:00:00:00:07:ce dev ${P}c" || fail "a new local MAC was not learned after the flood"
UU0=$("$CTL" -s "$TMP/h1.sock" --json segments | json "d['segments'][0]['stats']['unknown_unicast']")
ip netns exec "${P}va" ping -c 5 -i 0.2 -W 2 10.91.0.4 >/dev/null || fail "ping between local VMs"
UU1=$("$CTL" -s "$TMP/h1.sock" --json segments | json "d['segments'][0]['stats']['unknown_unicast']")
[ "$UU1" = "$UU0" ] || fail "local unicast was flooded ($UU0 -> $UU1 unknown unicast)"
pass "one VTEP's 100k MACs stay within its limit; local VMs still learned and switched"

# --- 2. GARP claiming a control-plane-bound IP --------------------------------
garp() { # garp NS DEV MAC IP
  ip netns exec "$1" python3 - "$2" "$3" "$4" <<'PY'
import socket, sys
dev, mac, ip = sys.argv[1], bytes.fromhex(sys.argv[2].replace(":", "")), socket.inet_aton(sys.argv[3])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((dev, 0))
for op in (1, 2):  # request-style and reply-style GARP
    arp = b"\x00\x01\x08\x00\x06\x04" + bytes([0, op]) + mac + ip + (b"\x00" * 6 if op == 1 else b"\xff" * 6) + ip
    s.send(b"\xff" * 6 + mac + b"\x08\x06" + arp + b"\x00" * 18)
PY
}
garp "${P}vc" "${P}c" 02:00:00:00:07:ce 10.91.0.2 || fail "GARP sender"
sleep 0.3
"$CTL" -s "$TMP/h1.sock" neigh | grep "10.91.0.2 " | grep -q "02:00:00:00:07:0b" || fail "the bound IP moved: $("$CTL" -s "$TMP/h1.sock" neigh)"
ip -n "${P}va" neigh flush all
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.91.0.2 >/dev/null || fail "ping the bound IP after the GARP"
ip -n "${P}va" neigh show 10.91.0.2 | grep -q "02:00:00:00:07:0b" || fail "V-a resolved 10.91.0.2 to $(ip -n "${P}va" neigh show 10.91.0.2)"
ANS=$(st | json "d['neigh']['req_answered']")
[ "$ANS" -ge 1 ] || fail "the switch answered no ARP request"
pass "a GARP claiming a bound IP changes nothing the switch answers"

# --- 3. a MAC flapping between two ports --------------------------------------
flap() { # flap NS DEV : one frame with source MAC 02:00:00:00:07:ff
  ip netns exec "$1" python3 - "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
s.send(b"\xff" * 6 + bytes.fromhex("0200000007ff") + b"\x88\xb5" + b"\x00" * 46)
PY
}
for i in $(seq 10); do flap "${P}vc" "${P}c"; flap "${P}vd" "${P}d"; done
sleep 0.3
FROZEN=$(st | json "d['protection']['frozen']")
[ "$FROZEN" -ge 1 ] || fail "the flapping MAC was not frozen"
WHERE=$("$CTL" -s "$TMP/h1.sock" fdb | grep "^02:00:00:00:07:ff" | awk '{print $3}')
for i in $(seq 3); do flap "${P}vc" "${P}c"; flap "${P}vd" "${P}d"; done
[ "$("$CTL" -s "$TMP/h1.sock" fdb | grep "^02:00:00:00:07:ff" | awk '{print $3}')" = "$WHERE" ] \
  || fail "a frozen MAC moved"
MOVED=$(st | json "d['switch']['moved']")
[ "$MOVED" -le 6 ] || fail "$MOVED moves: dampening let the MAC keep moving"
grep -q "frozen" "$LOG" || fail "the freeze was not logged"
pass "a MAC flapping between two ports is frozen after 5 moves (moved $MOVED times)"
# --- 4. an IP moving between MACs by GARP is dampened like a MAC -------------
IPF0=$(st | json "d['neigh']['ip_frozen']")
for i in $(seq 6); do
  garp "${P}vc" "${P}c" 02:00:00:00:07:ce 10.91.0.9
  garp "${P}vd" "${P}d" 02:00:00:00:07:dd 10.91.0.9
done
sleep 0.3
IPF=$(st | json "d['neigh']['ip_frozen']")
[ "$IPF" -gt "$IPF0" ] || fail "an IP flapping between MACs by GARP was not frozen"
pass "an IP flapping between two MACs by GARP is frozen"
stop_switch "$S1"; [ "$RC" = 0 ] || fail "exit status"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (4) A static FDB entry added at run time with vl2ctl is used at once:
# frames to that MAC stop being flooded (unknown unicast) and go to the one
# port. Also: fdb del, and the entry is shown as static.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 7; vlan = 7; } );
ports = (
  { name = "${P}a"; vlan = 7; mac = "02:00:00:00:01:0a"; },
  { name = "${P}b"; vlan = 7; mac = "02:00:00:00:01:0b"; },
  { name = "${P}c"; vlan = 7; mac = "02:00:00:00:01:0c"; }
);
CONF
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.78.0.1/24
vm "$H" "${P}b" "${P}vb" 10.78.0.2/24
vm "$H" "${P}c" "${P}vc" 10.78.0.3/24
# A silent host behind b: its MAC is never learned.
GHOST=02:00:00:00:01:99
ip -n "${P}va" neigh replace 10.78.0.99 lladdr $GHOST dev "${P}a"

uu() { "$CTL" -s "$SOCK" --json segments | json "d['segments'][0]['stats']['unknown_unicast']"; }
txc() { "$CTL" -s "$SOCK" --json ports | json "[p for p in d['ports'] if p['name']=='${P}$1'][0]['stats']['tx_frames']"; }

ip netns exec "${P}va" ping -c 1 -W 1 10.78.0.2 >/dev/null || fail "warm-up ping"
U0=$(uu)
ip netns exec "${P}va" ping -c 3 -i 0.2 -W 1 10.78.0.99 >/dev/null
U1=$(uu)
echo "unknown unicast before the static entry: $U0 -> $U1"
[ $((U1 - U0)) -ge 3 ] || fail "frames to the ghost MAC were not flooded before the static entry"

"$CTL" -s "$SOCK" fdb add $GHOST vni 7 port "${P}b" || fail "vl2ctl fdb add"
"$CTL" -s "$SOCK" fdb | grep -q "^$GHOST dev ${P}b vni 7 master vl2 static$" || fail "static entry not shown"
B0=$(txc b); C0=$(txc c)
ip netns exec "${P}va" ping -c 3 -i 0.2 -W 1 10.78.0.99 >/dev/null
U2=$(uu); B1=$(txc b); C1=$(txc c)
echo "after: unknown unicast $U1 -> $U2, tx to b $B0 -> $B1, tx to c $C0 -> $C1"
[ "$U2" = "$U1" ] || fail "frames to the static MAC were still flooded"
[ $((B1 - B0)) -ge 3 ] || fail "frames did not go to port b"
[ $((C1 - C0)) -le 2 ] || fail "port c still got the frames"
"$CTL" -s "$SOCK" --json stats | json "d['switch']['fdb_static']" | grep -qx 1 || fail "stats fdb_static"

# errors are reported, not applied
"$CTL" -s "$SOCK" fdb add 02:00:00:00:01:98 vni 7 port nosuch 2>&1 | grep -q "no port nosuch" || fail "bad port accepted"
"$CTL" -s "$SOCK" fdb add 02:00:00:00:01:98 vni 9 port "${P}b" >/dev/null 2>&1 && fail "bad vni accepted"
"$CTL" -s "$SOCK" fdb add 01:00:5e:00:00:01 vni 7 port "${P}b" >/dev/null 2>&1 && fail "group MAC accepted"
"$CTL" -s "$SOCK" fdb del $GHOST vni 7 || fail "fdb del"
"$CTL" -s "$SOCK" fdb | grep -q "^$GHOST" && fail "entry still there after del"
pass "run-time static entry used at once"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Neighbour table: with arp_suppress, a static neighbour entry from the
# file is answered by the switch itself (the ARP request never reaches the
# other VMs), learned bindings show in vl2ctl neigh (like ip neigh), and
# --json parses.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 9; vlan = 9; arp_suppress = true; } );
ports = (
  { name = "${P}a"; vlan = 9; mac = "02:00:00:00:04:0a"; spoof_guard = true; },
  { name = "${P}b"; vlan = 9; mac = "02:00:00:00:04:0b"; }
);
neigh = ( { ip = "10.84.0.99"; mac = "02:00:00:00:04:99"; vni = 9; } );
CONF
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.84.0.1/24
vm "$H" "${P}b" "${P}vb" 10.84.0.2/24
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.84.0.2 >/dev/null || fail "ping a -> b"
"$CTL" -s "$SOCK" neigh
"$CTL" -s "$SOCK" neigh | grep -q "^10.84.0.99 vni 9 lladdr 02:00:00:00:04:99 PERMANENT" || fail "static neighbour not shown"
"$CTL" -s "$SOCK" --json neigh | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "neigh --json"
RX0=$("$CTL" -s "$SOCK" --json ports | json "[p for p in d['ports'] if p['name']=='${P}b'][0]['stats']['tx_frames']")
ip netns exec "${P}va" arping -c 2 -w 3 -I "${P}a" 10.84.0.99 >"$TMP/arping.out" 2>&1
cat "$TMP/arping.out"
grep -qi "02:00:00:00:04:99" "$TMP/arping.out" || fail "no ARP reply from the switch for the static neighbour"
RX1=$("$CTL" -s "$SOCK" --json ports | json "[p for p in d['ports'] if p['name']=='${P}b'][0]['stats']['tx_frames']")
echo "frames to b during arping: $((RX1 - RX0))"
[ $((RX1 - RX0)) -le 1 ] || fail "suppressed ARP requests still reached b"
ANS=$("$CTL" -s "$SOCK" --json stats | json "d['neigh']['req_answered']")
echo "neigh.req_answered: $ANS"
[ "$ANS" -ge 2 ] || fail "vl2ctl stats counts $ANS answered requests, expected 2"
"$CTL" -s "$SOCK" neigh | grep -q "^10.84.0.2 dev ${P}b vni 9 lladdr 02:00:00:00:04:0b" || fail "learned neighbour not shown"
pass "ARP suppression from the configured neighbour table"

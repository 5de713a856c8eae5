#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (1) VMs on two TAPs in one segment ping each other through vl2-switch;
# a VM in another segment cannot reach them. (3) vl2ctl fdb then shows the
# learned MACs, and --json parses.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 100; vlan = 10; }, { vni = 200; vlan = 20; } );
ports = (
  { name = "${P}a"; vlan = 10; mac = "02:00:00:00:00:0a"; },
  { name = "${P}b"; vlan = 10; mac = "02:00:00:00:00:0b"; },
  { name = "${P}c"; vlan = 20; mac = "02:00:00:00:00:0c"; }
);
CONF
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.77.0.1/24
vm "$H" "${P}b" "${P}vb" 10.77.0.2/24
vm "$H" "${P}c" "${P}vc" 10.77.0.3/24

ip netns exec "${P}va" ping -c 3 -i 0.2 -W 2 10.77.0.2 || fail "ping a -> b in one segment"
pass "ping a -> b in segment 100"
if ip netns exec "${P}va" ping -c 2 -i 0.2 -W 1 10.77.0.3 >/dev/null; then
  fail "a reached c in another segment"
fi
if ip netns exec "${P}vc" ping -c 2 -i 0.2 -W 1 10.77.0.2 >/dev/null; then
  fail "c reached b in another segment"
fi
pass "no ping across segments"

FDB=$("$CTL" -s "$SOCK" fdb) || fail "vl2ctl fdb"
echo "$FDB"
echo "$FDB" | grep -q "^02:00:00:00:00:0a dev ${P}a vni 100 master vl2 dynamic, expires in [0-9]* s$" || fail "fdb lacks a's MAC"
echo "$FDB" | grep -q "^02:00:00:00:00:0b dev ${P}b vni 100 master vl2 dynamic" || fail "fdb lacks b's MAC"
echo "$FDB" | grep -q "^02:00:00:00:00:0c dev ${P}c vni 200 master vl2 dynamic" || fail "fdb lacks c's MAC"
for c in fdb ports segments stats neigh; do
  "$CTL" -s "$SOCK" --json $c | python3 -c 'import json,sys; json.load(sys.stdin)' || fail "vl2ctl --json $c does not parse"
done
N=$("$CTL" -s "$SOCK" --json fdb | json "len([e for e in d['fdb'] if e['vni']==100 and e['state']=='dynamic'])")
[ "$N" -ge 2 ] || fail "--json fdb: $N entries in vni 100"
"$CTL" -s "$SOCK" ports
"$CTL" -s "$SOCK" segments
pass "vl2ctl fdb shows the learned MACs; --json parses"
stop_switch "$SPID"; [ "$RC" = 0 ] || fail "vl2-switch exit status"

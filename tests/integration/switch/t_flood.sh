#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (6) The switch survives a VM sending garbage frames and 100 000 random
# source MACs: the per-port MAC limit holds (vl2ctl), the counters say so,
# and known MACs keep working (ping afterwards).
. "$(dirname "$0")/lib.sh"
FLOOD=$TOOLS/vl2s-flood
[ -x "$FLOOD" ] || fail "no $FLOOD"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
limits = { max_fdb = 4096; };
segments = ( { vni = 3; vlan = 3; } );
ports = (
  { name = "${P}a"; vlan = 3; mac = "02:00:00:00:03:0a"; max_macs = 64; },
  { name = "${P}b"; vlan = 3; mac = "02:00:00:00:03:0b"; max_macs = 64; }
);
CONF
SOCK=$TMP/ctl.sock
# info level: debug would log every limit event
LOG=$TMP/switch.log
ip netns exec "$H" "$SW" --foreground --control "$SOCK" --config "$TMP/sw.conf" >"$LOG" 2>&1 &
SPID=$!; SPIDS+=("$SPID")
for _ in $(seq 100); do "$CTL" -s "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
vm "$H" "${P}a" "${P}va" 10.81.0.1/24
vm "$H" "${P}b" "${P}vb" 10.81.0.2/24
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.81.0.2 >/dev/null || fail "ping before the flood"

ip netns exec "${P}va" "$FLOOD" "${P}a" 100000 20000 $$ || fail "flood tool"
sleep 0.5
kill -0 "$SPID" || fail "vl2-switch died"
"$CTL" -s "$SOCK" ports
ST=$("$CTL" -s "$SOCK" --json stats) || fail "vl2ctl stats"
MACS=$(echo "$ST" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['stats']['macs']")
HITS=$(echo "$ST" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['stats']['limit_hits']")
RX=$(echo "$ST" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['stats']['rx_frames']")
FDBN=$(echo "$ST" | json "d['switch']['fdb_entries']")
echo "$ST" | json "d['switch']['drops']"
echo "port a: rx $RX, macs $MACS, limit hits $HITS; fdb entries $FDBN"
[ "$MACS" -le 64 ] || fail "per-port MAC limit broken: $MACS"
[ "$HITS" -gt 10000 ] || fail "limit hits $HITS: the flood did not arrive"
[ "$FDBN" -le 130 ] || fail "fdb grew to $FDBN"
"$CTL" -s "$SOCK" fdb | grep -q "^02:00:00:00:03:0a dev ${P}a" || fail "a's MAC lost"
ip netns exec "${P}va" ping -c 3 -i 0.2 -W 2 10.81.0.2 || fail "ping after the flood"
ip netns exec "${P}vb" ping -c 3 -i 0.2 -W 2 10.81.0.1 >/dev/null || fail "ping b -> a after the flood"
stop_switch "$SPID"; [ "$RC" = 0 ] || fail "exit status after the flood"
pass "MAC flood and garbage survived, limit held"

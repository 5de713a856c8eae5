#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (13) IGMP snooping on one host: a sender to 239.1.1.1 reaches only the VM
# that joined (a socket join: the kernel's IGMPv3 report), and stops
# reaching it after it leaves; vl2ctl mdb shows the membership. Hostile:
# another VM sends reports for 5000 groups; the MDB stays within its
# limit (64 groups), says so, and the real member keeps its traffic.
. "$(dirname "$0")/lib.sh"
MC=$(dirname "$0")/mcast.py
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
multicast = { snooping = true; unregistered = "routers"; max_groups = 64; };
segments = ( { vni = 13; vlan = 13; } );
ports = (
  { name = "${P}s"; vlan = 13; mac = "02:00:00:00:13:0a"; },
  { name = "${P}m"; vlan = 13; mac = "02:00:00:00:13:0b"; },
  { name = "${P}n"; vlan = 13; mac = "02:00:00:00:13:0c"; }
);
CONF
start_switch "$H" "$TMP/sw.conf" "$TMP/ctl.sock"
SOCK=$TMP/ctl.sock
vm "$H" "${P}s" "${P}vs" 10.86.0.1/24
vm "$H" "${P}m" "${P}vm" 10.86.0.2/24
vm "$H" "${P}n" "${P}vn" 10.86.0.3/24

# round LABEL: 30 datagrams from s; prints counts seen by m and n in MC_M, MC_N
round() {
  ip netns exec "${P}vm" /usr/bin/python3 "$MC" count "${P}m" 239.1.1.1 4.5 >"$TMP/cm" &
  local c1=$!
  ip netns exec "${P}vn" /usr/bin/python3 "$MC" count "${P}n" 239.1.1.1 4.5 >"$TMP/cn" &
  local c2=$!
  sleep 0.5
  ip netns exec "${P}vs" /usr/bin/python3 "$MC" send 239.1.1.1 10.86.0.1 30 0.1 || fail "sender"
  wait $c1 $c2
  MC_M=$(cat "$TMP/cm"); MC_N=$(cat "$TMP/cn")
  echo "$1: member VM got $MC_M, other VM got $MC_N"
}

round "before the join"
[ "$MC_M" = 0 ] && [ "$MC_N" = 0 ] || fail "unregistered group reached a VM with unregistered = routers"
ip netns exec "${P}vm" /usr/bin/python3 "$MC" join 239.1.1.1 10.86.0.2 15 >/dev/null &
JP=$!
sleep 1
"$CTL" -s "$SOCK" mdb
"$CTL" -s "$SOCK" mdb | grep -q "port ${P}m grp 239.1.1.1 temp vni 13" || fail "vl2ctl mdb: no membership of ${P}m"
"$CTL" -s "$SOCK" --json mdb | json "[e['port'] for e in d['mdb'] if e['grp']=='239.1.1.1']" | grep -q "'${P}m'" || fail "vl2ctl --json mdb"
round "joined"
[ "$MC_M" -ge 29 ] || fail "the member got $MC_M of 30"
[ "$MC_N" = 0 ] || fail "a VM that did not join got $MC_N"
pass "239.1.1.1 reaches only the VM that joined"
ip netns exec "${P}vn" /usr/bin/python3 "$MC" report-flood "${P}n" 5000 >/dev/null || fail "report flood"
sleep 0.5
ST=$("$CTL" -s "$SOCK" --json stats) || fail "vl2ctl stats"
G=$(echo "$ST" | json "d['mdb']['groups']"); H=$(echo "$ST" | json "d['mdb']['group_limit_hits']")
echo "after 5000 forged reports: $G groups, $H refused"
[ "$G" -le 64 ] || fail "the MDB grew to $G groups (limit 64)"
[ "$H" -ge 1000 ] || fail "group_limit_hits $H"
kill -0 "$SPID" || fail "vl2-switch died"
round "under a report flood"
[ "$MC_M" -ge 29 ] && [ "$MC_N" = 0 ] || fail "the report flood broke forwarding to the member"
pass "a report flood stays within the limit; the member keeps its group"
wait $JP
sleep 3
"$CTL" -s "$SOCK" mdb | grep -q "grp 239.1.1.1" && fail "membership still shown 3 s after the leave"
round "left"
[ "$MC_M" = 0 ] && [ "$MC_N" = 0 ] || fail "traffic still reached a VM after the leave"
R=$("$CTL" -s "$SOCK" --json stats | json "d['mdb']['igmp_reports']")
[ "$R" -ge 2 ] || fail "igmp_reports $R"
pass "no more traffic after the leave (IGMP reports seen: $R)"

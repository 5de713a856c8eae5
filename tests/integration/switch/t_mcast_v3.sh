#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The snooping querier speaks IGMPv3 and MLDv2 to a real Linux host: a VM
# namespace behind a TAP hears vl2-switch's queries, stays in IGMPv3 mode
# (/proc/net/igmp says V3) and answers with IGMPv3 and MLDv2 reports
# (tcpdump in the VM), which the MDB learns. Hostile: a forged IGMPv3
# query from a lower address claiming 65535 sources in 12 bytes is
# dropped and counted invalid and does not win the election. Control:
# `vl2ctl mdb set VNI igmp_version 2 mld_version 1` turns the same host
# to IGMPv2 (V2) and MLDv1, so the V3 check can fail.
. "$(dirname "$0")/lib.sh"
MC=$(dirname "$0")/mcast.py
command -v tcpdump >/dev/null || skip "no tcpdump"
H=${P}h
V=${P}v
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
multicast = { snooping = true; querier = true; query_interval = 4; };
segments = ( { vni = 16; vlan = 16; querier_ip = "10.88.0.254";
               querier_ip6 = "fe80::254"; } );
ports = ( { name = "${P}q"; vlan = 16; mac = "02:00:00:00:16:0a"; } );
CONF
# A bad version is refused with the key's name.
sed 's/query_interval = 4;/query_interval = 4; igmp_version = 4;/' \
  "$TMP/sw.conf" >"$TMP/bad.conf"
"$SW" --check --config "$TMP/bad.conf" >"$TMP/bad.out" 2>&1 &&
  fail "igmp_version = 4 accepted"
grep -q "igmp_version" "$TMP/bad.out" || fail "the error does not name igmp_version: $(cat "$TMP/bad.out")"

start_switch "$H" "$TMP/sw.conf" "$TMP/ctl.sock"
SOCK=$TMP/ctl.sock
vm "$H" "${P}q" "$V" 10.88.0.1/24
# IPv6 on for MLD (lib.sh's vm turns it off).
ip netns exec "$V" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
  net.ipv6.conf."${P}q".disable_ipv6=0
ip netns exec "$V" tcpdump -i "${P}q" -nn -l -v 'igmp or ip6' \
  >"$TMP/cap.txt" 2>"$TMP/tcpdump.err" &
TD=$!
for _ in $(seq 50); do grep -q "listening" "$TMP/tcpdump.err" && break; sleep 0.1; done
ip netns exec "$V" /usr/bin/python3 "$MC" join 239.16.1.1 10.88.0.1 30 >/dev/null &
JP=$!
# Startup queries every second, then every 4 s; responses within 2 s.
sleep 7
# /proc/net/igmp: "Idx Device : Count Querier", the device padded to 10.
igmp_mode() { ip netns exec "$V" grep -E "^[0-9]+\s+${P}q\s*:" /proc/net/igmp | grep -oE "V[123]"; }
M=$(igmp_mode)
echo "VM's IGMP querier mode: $M"
grep -c "query v3" "$TMP/cap.txt" | sed 's/^/IGMPv3 queries seen by the VM: /'
grep -q "10.88.0.254 > 224.0.0.1: igmp query v3" "$TMP/cap.txt" || fail "no IGMPv3 query reached the VM: $(head -20 "$TMP/cap.txt")"
grep -q "igmp query v2" "$TMP/cap.txt" && fail "an IGMPv2 query reached the VM"
[ "$M" = V3 ] || fail "the VM's kernel is in $M mode after our queries"
grep -q "10.88.0.1 > 224.0.0.22: igmp v3 report" "$TMP/cap.txt" || fail "the VM sent no IGMPv3 report"
"$CTL" -s "$SOCK" mdb | grep -q "port ${P}q grp 239.16.1.1 temp vni 16" || fail "vl2ctl mdb: no membership learned"
"$CTL" -s "$SOCK" --json mdb | json "[(s['igmp_version'], s['mld_version']) for s in d['segments']]" | grep -q "(3, 2)" || fail "vl2ctl --json mdb: versions"
pass "the VM takes our IGMPv3 queries as v3 and answers with IGMPv3 reports"
grep -q "fe80::254 > ff02::1: .*multicast listener query v2" "$TMP/cap.txt" || fail "no MLDv2 query reached the VM"
grep -q "multicast listener report v2" "$TMP/cap.txt" || fail "the VM sent no MLDv2 report"
grep "multicast listener report" "$TMP/cap.txt" | grep -vq "report v2" && fail "the VM sent an MLDv1 report"
pass "the VM answers our MLDv2 queries with MLDv2 reports"

# Hostile: a forged query from 10.88.0.1 (lower than ours) claiming
# 65535 sources in 12 bytes.
st() { "$CTL" -s "$SOCK" --json stats | json "d['mdb']['$1']"; }
I0=$(st invalid); L0=$(st querier_lost); Q0=$(st queries_sent)
ip netns exec "$V" /usr/bin/python3 "$MC" forged-query "${P}q" 10.88.0.1 65535 || fail "forged query"
sleep 5
I1=$(st invalid); L1=$(st querier_lost); Q1=$(st queries_sent)
echo "forged query: invalid $I0 -> $I1, querier_lost $L0 -> $L1, queries_sent $Q0 -> $Q1"
[ "$I1" -ge $((I0 + 1)) ] || fail "the forged query was not counted invalid"
[ "$L1" = "$L0" ] || fail "the forged query won the election"
[ "$Q1" -gt "$Q0" ] || fail "the querier stopped after the forged query"
kill -0 "$SPID" || fail "vl2-switch died"
pass "a forged IGMPv3 query is dropped, counted and loses"

# Control: IGMPv2 / MLDv1 queries put the same kernel in IGMPv2 mode.
"$CTL" -s "$SOCK" mdb set 16 igmp_version 2 mld_version 1 >/dev/null || fail "vl2ctl mdb set igmp_version"
sleep 5
M=$(igmp_mode)
echo "after igmp_version 2: the VM's IGMP querier mode: $M"
grep -q "igmp query v2" "$TMP/cap.txt" || fail "no IGMPv2 query after igmp_version 2"
[ "$M" = V2 ] || fail "the VM's kernel is in $M mode after IGMPv2 queries"
"$CTL" -s "$SOCK" --json mdb | json "[(s['igmp_version'], s['mld_version']) for s in d['segments']]" | grep -q "(2, 1)" || fail "vl2ctl --json mdb: versions after mdb set"
grep "multicast listener report" "$TMP/cap.txt" | grep -vq "report v2" || fail "no MLDv1 report after mld_version 1"
pass "igmp_version 2 / mld_version 1 turn the VM to IGMPv2 and MLDv1 (the checks can fail)"
kill "$TD" "$JP" 2>/dev/null
wait "$TD" "$JP" 2>/dev/null
exit 0

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (14) IGMP snooping across the overlay: host 2 runs the querier; host 1
# learns host 2's VTEP as its router port from the queries, so its VM's
# join reaches host 2, which then sends 239.1.1.1 only to host 1, where
# only the VM that joined gets it; after the leave nothing crosses.
. "$(dirname "$0")/lib.sh"
MC=$(dirname "$0")/mcast.py
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.251.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.251.2/24 dev u2; ip -n "$H2" link set u2 up
conf() { # conf LOCAL REMOTE SUFFIX MACBYTE QUERIER
cat <<CONF
underlay = { local = "$1"; port = 4789; mtu = 1500; };
multicast = { snooping = true; unregistered = "routers"; query_interval = 4; };
segments = ( { vni = 14; vlan = 14; flood = [ "$2" ]; querier = $5;
               querier_ip = "10.87.0.25$4"; } );
ports = ( { name = "${P}$3a"; vlan = 14; mac = "02:00:00:00:$4:0a"; mtu = 1450; },
          { name = "${P}$3b"; vlan = 14; mac = "02:00:00:00:$4:0b"; mtu = 1450; } );
CONF
}
conf 192.168.251.1 192.168.251.2 p 1 false >"$TMP/h1.conf"
conf 192.168.251.2 192.168.251.1 q 2 true >"$TMP/h2.conf"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"
start_switch "$H2" "$TMP/h2.conf" "$TMP/h2.sock" "$TMP/h2.log"
vm "$H1" "${P}pa" "${P}m" 10.87.0.1/24   # member
vm "$H1" "${P}pb" "${P}n1" 10.87.0.2/24  # not a member, same host
vm "$H2" "${P}qa" "${P}s" 10.87.0.3/24   # sender
vm "$H2" "${P}qb" "${P}n2" 10.87.0.4/24  # not a member, sender's host
ip netns exec "${P}m" sysctl -qw net.ipv4.conf.all.force_igmp_version=2
ip netns exec "${P}m" ping -c 2 -i 0.2 -W 2 10.87.0.3 >/dev/null || fail "ping across the overlay"
for _ in $(seq 30); do
  "$CTL" -s "$TMP/h1.sock" mdb | grep -q "router port vxlan dst 192.168.251.2" && break
  sleep 0.2
done
"$CTL" -s "$TMP/h1.sock" mdb | grep -q "router port vxlan dst 192.168.251.2" || fail "host 1 did not learn host 2's querier as router port"

round() {
  local label=$1 pids=()
  for x in "m ${P}m pa" "n1 ${P}n1 pb" "n2 ${P}n2 qb"; do
    set -- $x
    ip netns exec "$2" /usr/bin/python3 "$MC" count "${P}$3" 239.1.1.1 4.5 >"$TMP/c.$1" &
    pids+=($!)
  done
  sleep 0.5
  ip netns exec "${P}s" /usr/bin/python3 "$MC" send 239.1.1.1 10.87.0.3 30 0.1 || fail "sender"
  wait "${pids[@]}"
  CM=$(cat "$TMP/c.m"); CN1=$(cat "$TMP/c.n1"); CN2=$(cat "$TMP/c.n2")
  echo "$label: member $CM, same-host other $CN1, sender-host other $CN2"
}
ip netns exec "${P}m" /usr/bin/python3 "$MC" join 239.1.1.1 10.87.0.1 9 >/dev/null &
JP=$!
sleep 1.5
"$CTL" -s "$TMP/h2.sock" mdb
"$CTL" -s "$TMP/h2.sock" mdb | grep -q "port vxlan dst 192.168.251.1 grp 239.1.1.1" || fail "host 2 did not learn host 1's VTEP as member"
round "joined"
[ "$CM" -ge 29 ] || fail "the member across the overlay got $CM of 30"
[ "$CN1" = 0 ] && [ "$CN2" = 0 ] || fail "a VM that did not join got traffic ($CN1, $CN2)"
pass "239.1.1.1 crosses the overlay to the member only"
wait $JP
sleep 3.5
"$CTL" -s "$TMP/h2.sock" mdb | grep -q "grp 239.1.1.1" && fail "host 2 keeps the membership after the leave"
round "left"
[ "$CM" = 0 ] && [ "$CN1" = 0 ] && [ "$CN2" = 0 ] || fail "traffic after the leave"
Q=$("$CTL" -s "$TMP/h2.sock" --json stats | json "d['mdb']['queries_sent']")
[ "$Q" -ge 1 ] || fail "the querier sent no query"
pass "nothing crosses after the leave (host 2 sent $Q general queries)"

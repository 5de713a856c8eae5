#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (7) Two vl2-switch "hosts" in two namespaces joined by a veth underlay;
# VMs on either side ping each other over VXLAN (UDP underlay backend).
# Segment 2 has no VTEP on host 2's side at first: vl2ctl vtep add opens it.
. "$(dirname "$0")/lib.sh"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.250.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.250.2/24 dev u2; ip -n "$H2" link set u2 up
conf() { # conf LOCAL REMOTE SUFFIX MACBYTE
cat <<CONF
underlay = { local = "$1"; port = 4789; mtu = 1500; };
segments = ( { vni = 5001; vlan = 10; flood = [ "$2" ]; },
             { vni = 5002; vlan = 20; } );
ports = ( { name = "${P}$3"; vlan = 10; mac = "02:00:00:00:$4:0a"; mtu = 1450; },
          { name = "${P}$3z"; vlan = 20; mac = "02:00:00:00:$4:0b"; mtu = 1450; } );
CONF
}
conf 192.168.250.1 192.168.250.2 p 01 >"$TMP/h1.conf"
conf 192.168.250.2 192.168.250.1 q 02 >"$TMP/h2.conf"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
start_switch "$H2" "$TMP/h2.conf" "$TMP/h2.sock" "$TMP/h2.log"; S2=$SPID
vm "$H1" "${P}p" "${P}v1" 10.82.0.1/24
vm "$H2" "${P}q" "${P}v2" 10.82.0.2/24
vm "$H1" "${P}pz" "${P}w1" 10.83.0.1/24
vm "$H2" "${P}qz" "${P}w2" 10.83.0.2/24
LOG=$TMP/h1.log
ip netns exec "${P}v1" ping -c 3 -i 0.2 -W 2 10.82.0.2 || fail "ping across hosts over VXLAN"
"$CTL" -s "$TMP/h1.sock" fdb
"$CTL" -s "$TMP/h1.sock" fdb | grep -q "^02:00:00:00:02:0a dev vxlan dst 192.168.250.2 vni 5001 master vl2 dynamic" || fail "remote MAC not learned against the VTEP"
REM=$("$CTL" -s "$TMP/h1.sock" --json stats | json "d['segments'][0]['stats']['flood_remote_copies']")
[ "$REM" -ge 1 ] || fail "no flood copy went to the remote VTEP"
pass "VMs on two hosts ping over VXLAN"

# segment 5002 has no VTEPs: no traffic across until both sides add one
ip netns exec "${P}w1" ping -c 1 -W 1 10.83.0.2 >/dev/null && fail "segment without VTEPs reached the other host"
"$CTL" -s "$TMP/h1.sock" vtep add 5002 192.168.250.2 || fail "vtep add h1"
"$CTL" -s "$TMP/h2.sock" vtep add 5002 192.168.250.1 || fail "vtep add h2"
"$CTL" -s "$TMP/h1.sock" segments | grep -q "^vni 5002 .*flood 192.168.250.2" || fail "vtep not shown"
ip netns exec "${P}w1" ping -c 3 -i 0.2 -W 2 10.83.0.2 || fail "ping after vtep add"
"$CTL" -s "$TMP/h1.sock" vtep del 5002 192.168.250.2 || fail "vtep del"
"$CTL" -s "$TMP/h1.sock" fdb del 02:00:00:00:02:0b vni 5002 2>/dev/null
"$CTL" -s "$TMP/h1.sock" segments | grep -q "^vni 5002 .*flood -" || fail "vtep not removed"
pass "run-time VTEPs"
for s in $S1 $S2; do stop_switch "$s"; [ "$RC" = 0 ] || fail "exit status"; done

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP offload across the overlay: a VM on an offload port (its kernel hands
# the switch TSO super-frames) sends 20 MB to a VM on another host over
# VXLAN. The core checks each super-frame against the underlay MTU by its
# segment size, vl2-switch segments it in software before encapsulation,
# and the transfer arrives intact (SHA-256).
. "$(dirname "$0")/lib.sh"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.251.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.251.2/24 dev u2; ip -n "$H2" link set u2 up
conf() { # conf LOCAL REMOTE SUFFIX MACBYTE OFFLOAD
cat <<CONF
underlay = { local = "$1"; port = 4789; mtu = 1500; };
segments = ( { vni = 6001; vlan = 10; flood = [ "$2" ]; } );
ports = ( { name = "${P}$3"; vlan = 10; mac = "02:00:00:00:$4:0a"; mtu = 1450; offload = $5; } );
CONF
}
conf 192.168.251.1 192.168.251.2 p 01 true >"$TMP/h1.conf"
conf 192.168.251.2 192.168.251.1 q 02 false >"$TMP/h2.conf"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
start_switch "$H2" "$TMP/h2.conf" "$TMP/h2.sock" "$TMP/h2.log"; S2=$SPID
vm "$H1" "${P}p" "${P}v1" 10.84.0.1/24
vm "$H2" "${P}q" "${P}v2" 10.84.0.2/24
LOG=$TMP/h1.log
ip netns exec "${P}v1" ping -c 2 -i 0.2 -W 2 10.84.0.2 >/dev/null || fail "ping across hosts"
xfer "${P}v1" "${P}v2" 10.84.0.2
S=$("$CTL" -s "$TMP/h1.sock" --json stats) || fail "vl2ctl stats"
SEG=$(echo "$S" | json "d['daemon']['offload_segmented']")
ERR=$(echo "$S" | json "d['daemon']['offload_errors']")
MTU=$(echo "$S" | json "d['switch']['drops'].get('overlay_mtu', 0)")
echo "h1: segmented in software $SEG, offload errors $ERR, overlay_mtu drops $MTU"
[ "$SEG" -gt 0 ] || fail "no super-frame was segmented for the tunnel"
[ "$ERR" = 0 ] || fail "offload errors: $ERR"
[ "$MTU" = 0 ] || fail "super-frames dropped as too big for the underlay: $MTU"
pass "20 MB from an offload port across VXLAN intact, segmented before encapsulation"
for s in $S1 $S2; do stop_switch "$s"; [ "$RC" = 0 ] || fail "exit status"; done

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# An IPv6 underlay peer that sends zero UDP checksums (RFC 6935/6936): the
# Linux vxlan device with udp6zerocsumtx/udp6zerocsumrx in H2, vl2-switch
# in H1. Without underlay.udp6_zero_csum the peer's packets never arrive
# (the kernel drops them); after a reload with it, a VM behind vl2-switch
# and the vxlan device ping each other.
. "$(dirname "$0")/lib.sh"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add fd00:253::1/64 dev u1 nodad; ip -n "$H1" link set u1 up
ip -n "$H2" addr add fd00:253::2/64 dev u2 nodad; ip -n "$H2" link set u2 up
ip -n "$H2" link add vx0 type vxlan id 7100 local fd00:253::2 remote fd00:253::1 \
  dstport 4789 udp6zerocsumtx udp6zerocsumrx 2>/dev/null || skip "no vxlan device"
ip -n "$H2" link set vx0 address 02:00:00:00:71:02 mtu 1400
ip -n "$H2" addr add 10.92.0.2/24 dev vx0; ip -n "$H2" link set vx0 up
ip netns exec "$H2" ethtool -K u2 tx off >/dev/null 2>&1
conf() { # conf ZERO
cat <<CONF
underlay = { local = "fd00:253::1"; udp6_zero_csum = $1; };
segments = ( { vni = 7100; vlan = 10; flood = [ "fd00:253::2" ]; } );
ports = ( { name = "${P}p"; vlan = 10; mac = "02:00:00:00:71:0a"; mtu = 1400; } );
CONF
}
conf false >"$TMP/h1.conf"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
LOG=$TMP/h1.log
vm "$H1" "${P}p" "${P}v1" 10.92.0.1/24
st() { "$CTL" -s "$TMP/h1.sock" --json stats; }
ip netns exec "${P}v1" ping -c 2 -i 0.3 -W 1 10.92.0.2 >/dev/null 2>&1 \
  && fail "a zero-checksum peer was reached without udp6_zero_csum"
[ "$(st | json "d['tunnel']['vxlan_rx']")" = 0 ] || fail "zero-checksum packets were received without udp6_zero_csum"
pass "without udp6_zero_csum the zero-checksum peer's packets are refused"
conf true >"$TMP/h1.conf"
"$CTL" -s "$TMP/h1.sock" reload || fail "reload"
grep -q "zero UDP checksums over IPv6" "$LOG" || fail "the underlay was not reopened for zero checksums"
ok=0
for _ in $(seq 10); do
  ip netns exec "${P}v1" ping -c 1 -W 1 10.92.0.2 >/dev/null 2>&1 && { ok=1; break; }
done
[ "$ok" = 1 ] || fail "no answer from the zero-checksum peer after the reload"
ip netns exec "${P}v1" ping -c 3 -i 0.2 -W 2 10.92.0.2 || fail "ping the zero-checksum peer"
ip netns exec "$H2" ping -c 3 -i 0.2 -W 2 10.92.0.1 || fail "ping from the zero-checksum peer"
[ "$(st | json "d['tunnel']['vxlan_rx']")" -ge 3 ] || fail "no packets counted"
pass "with udp6_zero_csum the kernel vxlan device (udp6zerocsumtx) and vl2-switch talk"
stop_switch "$S1"; [ "$RC" = 0 ] || fail "exit status"

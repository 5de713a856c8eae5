#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Two vl2-switch hosts over a veth underlay: segment 6001 is Geneve
# (encap = "geneve", UDP 6081), segment 6002 VXLAN (UDP 4789); VMs ping
# across both, and the underlay carries each on its own port. Then the
# tunnel ingress with the default configuration (strict_remotes on):
# an unlisted underlay host's VXLAN and Geneve packets are dropped as
# not_member; a listed VTEP's Geneve packets with an unknown critical
# option, the O bit, version 1 or a truncated header, and a VXLAN packet
# without the I flag, are dropped by reason; a Geneve packet for the VXLAN
# segment is wrong_port; an unknown VNI is unknown_vni. Every count is
# read from vl2ctl --json stats and none of it reaches the VM.
. "$(dirname "$0")/lib.sh"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.251.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.251.2/24 dev u2
ip -n "$H2" addr add 192.168.251.66/24 dev u2  # the attacker's address
ip -n "$H2" link set u2 up
conf() { # conf LOCAL REMOTE SUFFIX MACBYTE
cat <<CONF
underlay = { local = "$1"; port = 4789; geneve_port = 6081; mtu = 1500; };
segments = ( { vni = 6001; vlan = 10; encap = "geneve"; flood = [ "$2" ]; },
             { vni = 6002; vlan = 20; flood = [ "$2" ]; } );
ports = ( { name = "${P}$3"; vlan = 10; mac = "02:00:00:00:$4:0a"; mtu = 1450; },
          { name = "${P}$3z"; vlan = 20; mac = "02:00:00:00:$4:0b"; mtu = 1450; } );
CONF
}
conf 192.168.251.1 192.168.251.2 p 01 >"$TMP/h1.conf"
conf 192.168.251.2 192.168.251.1 q 02 >"$TMP/h2.conf"
"$SW" --check --config "$TMP/h1.conf" >/dev/null || fail "config check"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
start_switch "$H2" "$TMP/h2.conf" "$TMP/h2.sock" "$TMP/h2.log"; S2=$SPID
vm "$H1" "${P}p" "${P}v1" 10.84.0.1/24
vm "$H2" "${P}q" "${P}v2" 10.84.0.2/24
vm "$H1" "${P}pz" "${P}w1" 10.85.0.1/24
vm "$H2" "${P}qz" "${P}w2" 10.85.0.2/24
LOG=$TMP/h1.log
grep -q "Geneve over UDP on 192.168.251.1 port 6081" "$LOG" || fail "no Geneve socket"
grep -q "VXLAN over UDP on 192.168.251.1 port 4789" "$LOG" || fail "no VXLAN socket"
st() { "$CTL" -s "$TMP/h1.sock" --json stats; }

ip netns exec "${P}v1" ping -c 3 -i 0.2 -W 2 10.84.0.2 || fail "ping over Geneve"
ip netns exec "${P}w1" ping -c 3 -i 0.2 -W 2 10.85.0.2 || fail "ping over VXLAN"
G=$(st | json "d['tunnel']['geneve_rx']"); V=$(st | json "d['tunnel']['vxlan_rx']")
[ "$G" -ge 3 ] && [ "$V" -ge 3 ] || fail "packets per encapsulation: geneve $G vxlan $V"
"$CTL" -s "$TMP/h1.sock" segments | grep -q "^vni 6001" || fail "segments view"
[ "$("$CTL" -s "$TMP/h1.sock" --json segments | json "d['segments'][0]['encap']")" = geneve ] || fail "encap not shown"
D=$(st | json "d['tunnel']['dropped']")
[ "$D" = 0 ] || fail "tunnel drops in clean traffic: $(st | json "d['tunnel']")"
pass "VMs ping over Geneve and VXLAN segments side by side"

# --- attacks from the underlay ----------------------------------------
# send SRC DPORT HEX: one UDP datagram from SRC to 192.168.251.1:DPORT.
send() {
  ip netns exec "$H2" python3 - "$@" <<'PY'
import socket, sys
src, dport, payload = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((src, 0))
s.sendto(payload, ("192.168.251.1", dport))
PY
}
# An inner broadcast from a MAC nobody has (it would be flooded to the VM).
INNER=ffffffffffff02bad00000010806$(printf '00%.0s' $(seq 46))
vx() { printf '%s000000%06x00%s' "$1" "$2" "$INNER"; }     # FLAGS VNI
gn() { printf '%s%s6558%06x00%s%s' "$1" "$2" "$3" "$4" "$INNER"; } # B0 B1 VNI OPTS
before=$(ip netns exec "${P}v1" cat /sys/class/net/${P}p/statistics/rx_packets)
for i in 1 2 3; do
  send 192.168.251.66 4789 "$(vx 08 6002)"     # unlisted VTEP, VXLAN
  send 192.168.251.66 6081 "$(gn 00 00 6001 "")" # unlisted VTEP, Geneve
done
send 192.168.251.2 6081 "$(gn 01 c0 6001 09998100)"  # unknown critical option
send 192.168.251.2 6081 "$(gn 00 80 6001 "")"          # O bit: control
send 192.168.251.2 6081 "$(gn 40 00 6001 "")"          # version 1
send 192.168.251.2 6081 "0000655800"                    # truncated header
send 192.168.251.2 6081 "$(gn 02 00 6001 01020304)"    # option past Opt Len
send 192.168.251.2 4789 "$(vx 00 6002)"                 # I flag clear
send 192.168.251.2 6081 "$(gn 00 00 6002 "")"          # Geneve into VXLAN seg
send 192.168.251.2 4789 "$(vx 08 7777)"                 # unknown VNI
sleep 0.5
T=$(st | json "json.dumps(d['tunnel']['drops'])")
echo "tunnel drops: $T"
want() { # want REASON N
  local n
  n=$(echo "$T" | json "d['$1']")
  [ "$n" = "$2" ] || fail "tunnel drops $1: $n, want $2 (all: $T)"
}
want not_member 6
want unknown_crit_opt 1
want oam 1
want bad_version 1
want trunc_geneve 1
want opt_trunc 1
want no_i_flag 1
want wrong_port 1
want unknown_vni 1
after=$(ip netns exec "${P}v1" cat /sys/class/net/${P}p/statistics/rx_packets)
"$CTL" -s "$TMP/h1.sock" fdb | grep -qi "02:ba:d0" && fail "an attacker's MAC was learned"
[ $((after - before)) -le 1 ] || fail "$((after - before)) frames reached the VM during the attack"
"$CTL" -s "$TMP/h1.sock" stats | grep -q "not_member" || fail "vl2ctl stats shows no tunnel drops"
ip netns exec "${P}v1" ping -c 2 -i 0.2 -W 2 10.84.0.2 || fail "ping after the attack"
pass "hostile underlay packets dropped and counted by reason"
for s in $S1 $S2; do stop_switch "$s"; [ "$RC" = 0 ] || fail "exit status"; done

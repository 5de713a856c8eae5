#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Interop: vl2-switch with a Geneve segment against Open vSwitch's
# userspace datapath (this kernel has neither geneve nor the openvswitch
# module), each host in its own namespace on a veth underlay:
#   H1: vl2-switch, segment 5000 encap "geneve", VM V1 (10.90.0.1) on a TAP
#   H2: ovsdb-server + ovs-vswitchd with a private database, run and log
#       directory; br-int (datapath_type=netdev) with a Geneve port
#       (type=geneve options:remote_ip options:key=5000) and VM V2
#       (10.90.0.2) on a veth; br-phy (netdev) carries the underlay
#       address, as OVS's userspace tunnelling wants.
# Checked: ping and ARP both ways, a broadcast both ways, 20 MB of TCP
# intact both ways, and a Geneve packet that OVS sends with a critical
# option (tun_metadata0 mapped to class 0xffff type 0x80) dropped by
# vl2-switch and counted as unknown_crit_opt, never reaching V1.
. "$(dirname "$0")/lib.sh"
for b in ovsdb-server ovs-vswitchd ovs-vsctl ovs-ofctl ovsdb-tool ovs-appctl ethtool; do
  command -v "$b" >/dev/null || PATH=$PATH:/usr/sbin:/sbin
  command -v "$b" >/dev/null || skip "no $b"
done
SCHEMA=/usr/share/openvswitch/vswitch.ovsschema
[ -f "$SCHEMA" ] || skip "no OVS schema"
H1=${P}h1; H2=${P}h2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.252.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" link set u2 up
# Linux veths hand over unfinished checksums; both datapaths are software.
ip netns exec "$H1" ethtool -K u1 tx off >/dev/null 2>&1
ip netns exec "$H2" ethtool -K u2 tx off >/dev/null 2>&1

# --- OVS in H2, private database and directories ---------------------------
D=$TMP/ovs; mkdir -p "$D"
OVSENV=(env OVS_RUNDIR="$D" OVS_LOGDIR="$D" OVS_DBDIR="$D" OVS_SYSCONFDIR="$D")
ovsdb-tool create "$D/conf.db" "$SCHEMA" || fail "ovsdb-tool create"
ovs_stop() {
  local f
  for f in "$D/ovs-vswitchd.pid" "$D/ovsdb-server.pid"; do
    [ -f "$f" ] && kill -TERM "$(cat "$f")" 2>/dev/null
  done
  sleep 0.3
  for f in "$D/ovs-vswitchd.pid" "$D/ovsdb-server.pid"; do
    [ -f "$f" ] && kill -KILL "$(cat "$f")" 2>/dev/null
  done
  return 0
}
trap 'ovs_stop; cleanup' EXIT
ip netns exec "$H2" "${OVSENV[@]}" ovsdb-server "$D/conf.db" \
  --remote="punix:$D/db.sock" --pidfile="$D/ovsdb-server.pid" \
  --unixctl="$D/ovsdb-server.ctl" --log-file="$D/ovsdb-server.log" --detach \
  || fail "ovsdb-server"
VSCTL=(ip netns exec "$H2" "${OVSENV[@]}" ovs-vsctl --db="unix:$D/db.sock" --timeout=20)
OFCTL=(ip netns exec "$H2" "${OVSENV[@]}" ovs-ofctl)
APPCTL=(ip netns exec "$H2" "${OVSENV[@]}" ovs-appctl -t "$D/ovs-vswitchd.ctl")
"${VSCTL[@]}" --no-wait init || fail "ovs-vsctl init"
ip netns exec "$H2" "${OVSENV[@]}" ovs-vswitchd "unix:$D/db.sock" \
  --pidfile="$D/ovs-vswitchd.pid" --unixctl="$D/ovs-vswitchd.ctl" \
  --log-file="$D/ovs-vswitchd.log" --detach || fail "ovs-vswitchd"
LOG=$D/ovs-vswitchd.log
# The underlay bridge holds the tunnel address; OVS routes and resolves
# ARP for tunnel packets through it (userspace tunnelling).
"${VSCTL[@]}" add-br br-phy -- set bridge br-phy datapath_type=netdev \
  -- add-port br-phy u2 || fail "br-phy"
for _ in $(seq 50); do ip -n "$H2" link show br-phy >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$H2" addr add 192.168.252.2/24 dev br-phy
ip -n "$H2" link set br-phy up
"${VSCTL[@]}" add-br br-int -- set bridge br-int datapath_type=netdev \
  -- add-port br-int gnv0 -- set interface gnv0 type=geneve \
     options:remote_ip=192.168.252.1 options:key=5000 || fail "br-int geneve port"
mkns "${P}v2"
ip netns exec "${P}v2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n "$H2" link add ova type veth peer name ovb netns "${P}v2"
ip -n "$H2" link set ova up
ip netns exec "$H2" ethtool -K ova tx off >/dev/null 2>&1
ip netns exec "${P}v2" ethtool -K ovb tx off >/dev/null 2>&1
ip -n "${P}v2" link set ovb mtu 1450
ip -n "${P}v2" addr add 10.90.0.2/24 dev ovb
ip -n "${P}v2" link set ovb up
"${VSCTL[@]}" add-port br-int ova || fail "br-int VM port"

# --- vl2-switch in H1 ------------------------------------------------------
cat >"$TMP/h1.conf" <<CONF
underlay = { local = "192.168.252.1"; geneve_port = 6081; mtu = 1500; };
segments = ( { vni = 5000; vlan = 10; encap = "geneve"; flood = [ "192.168.252.2" ]; } );
ports = ( { name = "${P}p"; vlan = 10; mac = "02:00:00:00:05:01"; mtu = 1450; } );
CONF
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
vm "$H1" "${P}p" "${P}v1" 10.90.0.1/24
ip netns exec "${P}v1" ethtool -K "${P}p" tx off >/dev/null 2>&1
LOG=$TMP/h1.log
st() { "$CTL" -s "$TMP/h1.sock" --json stats; }

# --- ping and ARP both ways ------------------------------------------------
ok=0
for _ in $(seq 20); do
  ip netns exec "${P}v1" ping -c 1 -W 1 10.90.0.2 >/dev/null 2>&1 && { ok=1; break; }
done
[ "$ok" = 1 ] || { sed 's/^/  ovs: /' "$D/ovs-vswitchd.log" | tail -30; fail "V1 -> V2 over Geneve never answered"; }
ip netns exec "${P}v1" ping -c 3 -i 0.2 -W 2 10.90.0.2 || fail "ping V1 -> V2"
ip -n "${P}v1" neigh flush all; ip -n "${P}v2" neigh flush all
ip netns exec "${P}v2" ping -c 3 -i 0.2 -W 2 10.90.0.1 || fail "ping V2 -> V1 (fresh ARP)"
ip -n "${P}v2" neigh show 10.90.0.1 | grep -q "02:00:00:00:05:01" || fail "V2 did not resolve V1 by ARP"
ip -n "${P}v1" neigh show 10.90.0.2 | grep -q lladdr || fail "V1 did not resolve V2 by ARP"
[ "$(st | json "d['tunnel']['geneve_rx']")" -ge 6 ] || fail "no Geneve packets counted"
pass "ping and ARP both ways between vl2-switch and OVS over Geneve"

# --- broadcast both ways ---------------------------------------------------
bcast() { # bcast FROMNS TONS
  ip netns exec "$2" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("", 7777)); s.settimeout(5)
d, a = s.recvfrom(100)
sys.exit(0 if d == b"vl2-broadcast" else 1)' &
  local r=$!
  sleep 0.5
  ip netns exec "$1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for _ in range(3):
    s.sendto(b"vl2-broadcast", ("10.90.0.255", 7777))'
  wait "$r"
}
bcast "${P}v1" "${P}v2" || fail "broadcast V1 -> V2"
bcast "${P}v2" "${P}v1" || fail "broadcast V2 -> V1"
pass "broadcast both ways"

# --- 20 MB of TCP both ways --------------------------------------------------
xfer "${P}v1" "${P}v2" 10.90.0.2
pass "20 MB V1 -> V2 intact"
xfer "${P}v2" "${P}v1" 10.90.0.1
pass "20 MB V2 -> V1 intact"

# --- a critical option from OVS is dropped and counted ---------------------
"${OFCTL[@]}" add-tlv-map br-int "{class=0xffff,type=0x80,len=4}->tun_metadata0" \
  || fail "add-tlv-map"
OVA=$("${VSCTL[@]}" get interface ova ofport)
GNV=$("${VSCTL[@]}" get interface gnv0 ofport)
"${OFCTL[@]}" add-flow br-int \
  "priority=100,in_port=$OVA,udp,tp_dst=9999,actions=set_field:0x1234->tun_metadata0,output:$GNV" \
  || fail "add-flow with a Geneve option"
before=$(st | json "d['tunnel']['drops']['unknown_crit_opt']")
ip netns exec "${P}v1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.90.0.1", 9999)); s.settimeout(3)
try:
    s.recvfrom(100); print("received"); raise SystemExit(1)
except socket.timeout:
    pass' &
R=$!
sleep 0.5
ip netns exec "${P}v2" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range(5):
    s.sendto(b"critical", ("10.90.0.1", 9999))'
wait "$R" || fail "a packet with an unknown critical option reached V1"
after=$(st | json "d['tunnel']['drops']['unknown_crit_opt']")
[ $((after - before)) -eq 5 ] || fail "unknown_crit_opt counted $((after - before)), want 5"
ip netns exec "${P}v1" ping -c 2 -i 0.2 -W 2 10.90.0.2 || fail "ping after the critical option"
pass "Geneve packets with an unknown critical option dropped and counted"
stop_switch "$S1"; [ "$RC" = 0 ] || fail "vl2-switch exit status"

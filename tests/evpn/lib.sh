# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the EVPN integration tests (sourced): network
# namespaces joined by a veth underlay, FRR (zebra + bgpd) per namespace
# with its own sockets, a kernel EVPN VTEP, vl2-switch and the probe.
# Usage of a test: TEST.sh SWITCHDIR PROBEDIR (vl2-switch and vl2ctl;
# vl2-evpn-probe).
set -u
BIN=${1:?usage: $0 SWITCHDIR PROBEDIR}
SW=$BIN/vl2-switch
CTL=$BIN/vl2ctl
PROBE=${2:-$BIN}/vl2-evpn-probe
FRR=/usr/lib/frr

skip() { echo "SKIP: $*"; exit 77; }
fail() {
  echo "FAIL: $*"
  local f
  for f in "${LOGS[@]}"; do
    [ -f "$f" ] && { echo "--- $f"; tail -30 "$f"; }
  done
  exit 1
}
pass() { echo "PASS: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"
command -v ip >/dev/null || skip "no iproute2"
[ -x $FRR/zebra ] && [ -x $FRR/bgpd ] || skip "no FRR (zebra, bgpd)"
command -v vtysh >/dev/null || skip "no vtysh"

P=ev$$
TMP=$(mktemp -d /tmp/vl2evpn.XXXX)
chmod 755 "$TMP"
NSS=()
PIDS=()
LOGS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  for p in "${NSS[@]}"; do frr_stop "$p"; done
  for p in "${NSS[@]}"; do ip netns del "$p" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "${P}probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "${P}probe"

mkns() {
  ip netns add "$1" || fail "netns $1"
  NSS+=("$1")
  ip -n "$1" link set lo up
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
}

# ul NS IP: join NS to the shared underlay (a bridge in namespace ${P}ul,
# 10.99.0.0/24).
ul() {
  if [ ! -e /run/netns/${P}ul ]; then
    mkns ${P}ul
    ip -n ${P}ul link add ulbr type bridge
    ip -n ${P}ul link set ulbr up
  fi
  local a=${P}v$RANDOM
  ip link add "$a" netns ${P}ul type veth peer name ul0 netns "$1" ||
    fail "underlay veth for $1"
  ip -n ${P}ul link set "$a" master ulbr
  ip -n ${P}ul link set "$a" up
  ip -n "$1" addr add "$2/24" dev ul0
  ip -n "$1" link set ul0 up
}

# link NS1 IP1 NS2 IP2: a veth underlay between two namespaces (/24).
link() {
  local a=${P}u$RANDOM b=${P}u$RANDOM
  ip link add "$a" netns "$1" type veth peer name "$b" netns "$3" ||
    fail "veth $1-$3"
  ip -n "$1" addr add "$2/24" dev "$a"
  ip -n "$3" addr add "$4/24" dev "$b"
  ip -n "$1" link set "$a" up
  ip -n "$3" link set "$b" up
}

# frr_start NS ROUTER_ID NEIGHBOR... : zebra and bgpd in NS (iBGP AS
# 65000, l2vpn evpn, advertise-all-vni), sockets in $TMP/frr-NS.
# With RR=1 in the environment the neighbours are route-reflector
# clients.
frr_start() {
  local ns=$1 rid=$2
  shift 2
  local d=$TMP/frr-$ns
  mkdir -p "$d"
  {
    echo "frr defaults datacenter"
    echo "hostname $ns"
    echo "router bgp 65000"
    echo " bgp router-id $rid"
    echo " no bgp default ipv4-unicast"
    echo " timers bgp 1 3"
    local n
    for n in "$@"; do
      echo " neighbor $n remote-as 65000"
      echo " neighbor $n timers connect 1"
      echo " neighbor $n advertisement-interval 0"
    done
    echo " address-family l2vpn evpn"
    for n in "$@"; do
      echo "  neighbor $n activate"
      [ "${RR:-0}" = 1 ] && echo "  neighbor $n route-reflector-client"
    done
    echo "  advertise-all-vni"
    echo " exit-address-family"
  } >"$d/bgpd.conf"
  echo "hostname $ns" >"$d/zebra.conf"
  chown -R frr:frr "$d"
  LOGS+=("$d/zebra.log" "$d/bgpd.log")
  ip netns exec "$ns" $FRR/zebra -d -f "$d/zebra.conf" -z "$d/zserv.api" \
    --vty_socket "$d" -i "$d/zebra.pid" -P 0 \
    --log file:"$d/zebra.log" >/dev/null 2>&1 || fail "zebra in $ns"
  for _ in $(seq 50); do [ -S "$d/zserv.api" ] && break; sleep 0.1; done
  frr_bgpd "$ns"
}

frr_bgpd() {
  local d=$TMP/frr-$1
  ip netns exec "$1" $FRR/bgpd -d -f "$d/bgpd.conf" -z "$d/zserv.api" \
    --vty_socket "$d" -i "$d/bgpd.pid" -P 0 \
    --log file:"$d/bgpd.log" >/dev/null 2>&1 || fail "bgpd in $1"
}

# frr_stop NS [DAEMON]: stop FRR daemons in NS (default: all).
frr_stop() {
  local d=$TMP/frr-$1 x
  for x in ${2:-bgpd zebra}; do
    [ -f "$d/$x.pid" ] || continue
    local pid
    pid=$(cat "$d/$x.pid" 2>/dev/null) || continue
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    rm -f "$d/$x.pid"
  done
}

vty() {
  local ns=$1
  shift
  ip netns exec "$ns" vtysh --vty_socket "$TMP/frr-$ns" "$@"
}

# kvtep NS VNI LOCAL: a Linux kernel EVPN VTEP (bridge + vxlan, data port
# 4789, nolearning) for VNI in NS, with bridge-port learning off.
kvtep() {
  local ns=$1 vni=$2 loc=$3
  ip -n "$ns" link add br$vni type bridge
  ip -n "$ns" link add vx$vni type vxlan id "$vni" local "$loc" \
    dstport 4789 nolearning
  ip -n "$ns" link set vx$vni master br$vni
  ip netns exec "$ns" bridge link set dev vx$vni learning off
  ip -n "$ns" link set vx$vni up
  ip -n "$ns" link set br$vni up
}

# kvm NS VMNS VNI IP/LEN MAC: a VM namespace on the kernel VTEP's bridge.
kvm() {
  local ns=$1 vm=$2 vni=$3 ip=$4 mac=$5
  mkns "$vm"
  local a=${P}k$RANDOM
  ip link add "$a" netns "$ns" type veth peer name eth0 netns "$vm"
  ip -n "$ns" link set "$a" master br$vni
  ip -n "$ns" link set "$a" up
  ip -n "$vm" link set eth0 address "$mac"
  ip -n "$vm" addr add "$ip" dev eth0
  ip -n "$vm" link set eth0 up
}

# swconf FILE LOCAL VNI:VLAN:PORT:MAC[:dir]... : a vl2-switch
# configuration with one EVPN segment per argument and an access TAP in
# it (MAC with '-' for ':'; "dir": the segment is in directory mode).
swconf() {
  local f=$1 loc=$2
  shift 2
  {
    echo "limits = { ageing = ${AGEING:-300}; };"
    echo "underlay = { local = \"$loc\"; };"
    echo "evpn = { mirror_dstport = 4790; prefix = \"vl2\"; };"
    echo "segments = ("
    local sep="" x
    for x in "$@"; do
      IFS=: read -r vni vlan _ _ dir <<<"$x"
      local d=""
      [ "$dir" = dir ] && d=" directory = true;"
      echo "  $sep{ vni = $vni; vlan = $vlan; evpn = true;$d }"
      sep=","
    done
    echo ");"
    echo "ports = ("
    sep=""
    for x in "$@"; do
      IFS=: read -r _ vlan port mac _ <<<"$x"
      echo "  $sep{ name = \"$port\"; vlan = $vlan; mac = \"${mac//-/:}\"; }"
      sep=","
    done
    echo ");"
  } >"$f"
}

# start_switch NS CONF SOCK LOG: vl2-switch in NS, until its socket answers.
start_switch() {
  local ns=$1 conf=$2 sock=$3 log=$4
  LOGS+=("$log")
  ip netns exec "$ns" "$SW" --foreground --config "$conf" --control "$sock" \
    --log-level debug >"$log" 2>&1 &
  SPID=$!
  PIDS+=("$SPID")
  for _ in $(seq 100); do
    "$CTL" -s "$sock" version >/dev/null 2>&1 && return 0
    kill -0 "$SPID" 2>/dev/null || fail "vl2-switch in $ns exited at start-up"
    sleep 0.1
  done
  fail "vl2-switch in $ns: control socket did not come up"
}

# svm HOSTNS TAP VMNS IP/LEN: move vl2-switch's TAP into a VM namespace.
svm() {
  mkns "$3"
  ip -n "$1" link set "$2" netns "$3" || fail "move $2 to $3"
  ip -n "$3" addr add "$4" dev "$2"
  ip -n "$3" link set "$2" up
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
  local t=$1
  shift
  local n=$((t * 10))
  for _ in $(seq "$n"); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# json EXPR: a Python expression over the JSON document on stdin (d).
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

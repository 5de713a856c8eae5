#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end benchmark of vl2-switch (issue 5), run by hand as root:
#
#   tests/bench/e2e/run.sh [-b BUILD_DIR] [-t TCP_SECONDS] [-p PPS_SECONDS]
#                          [-s] [-o ONLY] [-P same|split|none] [-r RUNS]
#
# The same topology is built several ways, one after the other, in one run:
# namespace A (10.99.0.1) and namespace B (10.99.0.2) joined by
#   bridge       the in-kernel Linux bridge: veth pairs into A and B,
#                their other ends in a bridge in a hub namespace;
#   relay        a bare TAP-to-TAP relay (tap_relay.c: read one TAP, write
#                the other, epoll, no decisions), TAPs moved into A and B;
#   relay+off    the same relay with IFF_VNET_HDR and TSO/checksum offload,
#                the virtio-net header relayed unchanged;
#   switch       vl2-switch, two TAP ports in one segment, moved into A, B;
#   switch+off   vl2-switch with `offload = true` on both ports.
# Each is measured with iperf3 TCP (A -> B, -t TCP_SECONDS) and 64-byte
# frames/s (blast.c in A sends minimum-size frames to B's MAC with
# sendmmsg for PPS_SECONDS; B's interface rx_packets counts what arrived).
# Pinning (-P): `same` (default) runs the generator and the relay or switch
# on CPU 0, so the rate is set by the work per frame, the data path
# draining the TAP queue in bursts; `split` puts the data path on CPU 1,
# which on a VM mostly measures cross-CPU wake-ups (noisy); `none` leaves
# it to the scheduler. The bridge forwards in the generator's context.
# Each frame rate is the median of -r runs (default 3).
#
# -b  build directory holding examples/switch/vl2-switch and
#     tests/bench/e2e/ (default: build-e2e next to this repository's root)
# -s  smoke mode: 1-second runs (checks the script, not the numbers)
# -o  only these setups, comma-separated (e.g. -o relay,switch)
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
B=$root/build-e2e
TT=5
PT=5
ONLY=bridge,relay,relay+off,switch,switch+off
PIN=same
RUNS=3
while getopts b:t:p:so:P:r: o; do
  case $o in
  b) B=$(cd "$OPTARG" && pwd) ;;
  t) TT=$OPTARG ;;
  p) PT=$OPTARG ;;
  s) TT=1 PT=1 RUNS=1 ;;
  o) ONLY=$OPTARG ;;
  P) PIN=$OPTARG ;;
  r) RUNS=$OPTARG ;;
  *) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 2 ;;
  esac
done
SW=$B/examples/switch/vl2-switch
CTL=$B/examples/switch/vl2ctl
RELAY=$B/tests/bench/e2e/vl2_e2e_relay
BLAST=$B/tests/bench/e2e/vl2_e2e_blast
[ "$(id -u)" = 0 ] || { echo "run.sh: needs root"; exit 77; }
for f in "$SW" "$CTL" "$RELAY" "$BLAST"; do
  [ -x "$f" ] || { echo "run.sh: $f missing; build $B first"; exit 1; }
done
command -v iperf3 >/dev/null || { echo "run.sh: iperf3 missing"; exit 1; }

P=e2e$$
NA=${P}A NB=${P}B NH=${P}H
MA=02:e2:00:00:00:0a MB=02:e2:00:00:00:0b
TMP=$(mktemp -d /tmp/${P}.XXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=()
  for n in "$NA" "$NB" "$NH"; do ip netns del "$n" 2>/dev/null; done
}
trap 'cleanup; rm -rf "$TMP"' EXIT
trap 'exit 1' INT TERM

ns_up() {
  for n in "$NA" "$NB" "$NH"; do
    ip netns add "$n" || exit 1
    ip -n "$n" link set lo up
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
      net.ipv6.conf.default.disable_ipv6=1
  done
}

# host NS IF MAC IP: set up the end of the link in A or B.
host() {
  ip -n "$1" link set "$2" address "$3" || exit 1
  ip -n "$1" addr add "$4/24" dev "$2"
  ip -n "$1" link set "$2" up
}

wait_link() {
  for _ in $(seq 100); do
    ip -n "$NH" link show "$1" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "run.sh: $1 did not appear"; exit 1
}

setup_bridge() {
  ip -n "$NH" link add br0 type bridge
  ip -n "$NH" link set br0 up
  for s in A B; do
    local ns=${P}$s
    ip -n "$NH" link add h$s type veth peer name v$s netns "$ns"
    ip -n "$NH" link set h$s master br0
    ip -n "$NH" link set h$s up
  done
  IFA=vA IFB=vB
}

case $PIN in
same) DP_PIN=(taskset -c 0) GEN_PIN=(taskset -c 0) ;;
split) DP_PIN=(taskset -c 1) GEN_PIN=(taskset -c 0) ;;
none) DP_PIN=() GEN_PIN=() ;;
*) echo "run.sh: -P same|split|none" >&2; exit 2 ;;
esac

# start_taps CMD...: run CMD in the hub (it creates tA and tB), move them.
start_taps() {
  ip netns exec "$NH" "${DP_PIN[@]}" "$@" >"$TMP/dp.log" 2>&1 &
  PIDS+=($!)
  wait_link tA
  wait_link tB
  sleep 0.2
  ip -n "$NH" link set tA netns "$NA"
  ip -n "$NH" link set tB netns "$NB"
  IFA=tA IFB=tB
}

setup_relay() {
  start_taps "$RELAY" ${1:+-o} tA tB
}

setup_switch() {
  local off=${1:-false}
  cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 1; vlan = 1; } );
ports = (
  { name = "tA"; vlan = 1; offload = $off; },
  { name = "tB"; vlan = 1; offload = $off; }
);
CONF
  start_taps "$SW" --foreground --config "$TMP/sw.conf" \
    --control "$TMP/ctl.sock" --log-level warning
}

# tcp: Gb/s received by iperf3 in B.
tcp() {
  ip netns exec "$NB" iperf3 -s -1 -D -I "$TMP/iperf.pid" >/dev/null 2>&1
  sleep 0.3
  ip netns exec "$NA" iperf3 -c 10.99.0.2 -t "$TT" -J >"$TMP/iperf.json" 2>&1
  python3 -c 'import json,sys
try:
  d=json.load(open(sys.argv[1])); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))
except Exception: print("n/a")' "$TMP/iperf.json"
  [ -f "$TMP/iperf.pid" ] && kill "$(cat "$TMP/iperf.pid")" 2>/dev/null
  rm -f "$TMP/iperf.pid"
}

rxp() { ip netns exec "$NB" cat /sys/class/net/"$IFB"/statistics/rx_packets; }

# pps1: one run: "received offered" 64-byte frames/s (millions) in B.
pps1() {
  local r0 r1 out
  r0=$(rxp)
  out=$(ip netns exec "$NA" "${GEN_PIN[@]}" "$BLAST" "$IFA" "$MB" "$PT") || {
    echo "0 0"; return; }
  sleep 0.2 # let the data path drain
  r1=$(rxp)
  set -- $out
  awk -v d=$((r1 - r0)) -v t="$2" -v s="$1" \
    'BEGIN { printf "%.3f %.3f\n", d / t / 1e6, s / t / 1e6 }'
}

# pps: the median of RUNS runs (by frames received).
pps() {
  for _ in $(seq "$RUNS"); do pps1; done | sort -n |
    awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'
}

declare -A TCP PPS SENT
measure() {
  local name=$1
  shift
  ns_up
  host_links=("$@")
  "$@"
  host "$NA" "$IFA" "$MA" 10.99.0.1
  host "$NB" "$IFB" "$MB" 10.99.0.2
  if ! ip netns exec "$NA" ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null; then
    echo "run.sh: $name: no ping A -> B" >&2
    sed 's/^/  /' "$TMP/dp.log" 2>/dev/null | tail -20 >&2
    TCP[$name]=n/a PPS[$name]=n/a SENT[$name]=n/a
    cleanup
    return
  fi
  TCP[$name]=$(tcp)
  local p
  p=$(pps)
  PPS[$name]=${p% *}
  SENT[$name]=${p#* }
  if [ "$name" = switch+off ]; then
    "$CTL" -s "$TMP/ctl.sock" --json ports >"$TMP/ports.json" 2>/dev/null
    GSO=$(python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(p.get("device",{}).get("rx_gso_frames",0) for p in d["ports"]))' "$TMP/ports.json" 2>/dev/null)
  fi
  echo "  $name: TCP ${TCP[$name]} Gb/s, 64B ${PPS[$name]} Mpps received (${SENT[$name]} M/s offered)" >&2
  cleanup
}

GSO=
echo "e2e: TCP $TT s, 64-byte frames $PT s x $RUNS (pinning: $PIN); $(nproc) CPUs, $(uname -r)" >&2
IFS=, read -ra want <<<"$ONLY"
for w in "${want[@]}"; do
  case $w in
  bridge) measure bridge setup_bridge ;;
  relay) measure relay setup_relay ;;
  relay+off) measure relay+off setup_relay 1 ;;
  switch) measure switch setup_switch false ;;
  switch+off) measure switch+off setup_switch true ;;
  *) echo "run.sh: unknown setup $w" >&2; exit 2 ;;
  esac
done

ratio() { # a b -> a/b or -
  awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2fx", a / b; else printf "-" }'
}
echo
printf '%-12s %10s %12s   %-18s %-18s\n' setup "TCP Gb/s" "64B Mpps" \
  "vs bridge TCP/pps" "vs relay TCP/pps"
for w in "${want[@]}"; do
  rel=relay
  case $w in *+off) rel=relay+off ;; esac
  vb="$(ratio "${TCP[$w]}" "${TCP[bridge]:-}")/$(ratio "${PPS[$w]}" "${PPS[bridge]:-}")"
  vr="$(ratio "${TCP[$w]}" "${TCP[$rel]:-}")/$(ratio "${PPS[$w]}" "${PPS[$rel]:-}")"
  printf '%-12s %10s %12s   %-18s %-18s\n' "$w" "${TCP[$w]}" "${PPS[$w]}" \
    "$vb" "$vr"
done
[ -n "$GSO" ] && echo "switch+off: $GSO GSO super-frames received by the switch's ports"
exit 0

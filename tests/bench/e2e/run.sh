#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# End-to-end benchmark of vl2-switch (issue 5), run by hand as root:
#
#   tests/bench/e2e/run.sh [-b BUILD_DIR] [-t TCP_SECONDS] [-p PPS_SECONDS]
#                          [-s] [-o ONLY] [-P same|split|none] [-r RUNS]
#   tests/bench/e2e/run.sh -O [-B BASE_BUILD] [-R ROUNDS] [-b ...] [-t ...]
#                          [-p ...] [-s] [-o ONLY]
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
# Overlay mode (-O, issue 12): two hosts HA and HB joined by a veth
# underlay (192.168.99.1/.2, MTU 1500), one VM namespace behind each
# (10.99.0.1/.2, MTU 1450), the VM traffic crossing VXLAN VNI 42:
#   kvx          the kernel's vxlan device and a bridge on each host, the
#                VM on a veth into that bridge (the reference);
#   vl2          vl2-switch on each host, the VM on a TAP port, the
#                underlay through its UDP backend, `offload = false`;
#   vl2+off      the same with `offload = true` on both TAP ports;
#   base, base+off  the same two with the vl2-switch of -B BASE_BUILD
#                (the code before a change), when given.
# They alternate in each of -R rounds (default 3); each round measures
# iperf3 TCP VM A -> VM B with 1 and with 4 streams (-t TCP_SECONDS) and
# 64-byte frames/s across the overlay (as above). The table shows the
# medians over the rounds and each as a ratio of kvx's. Nothing is pinned
# in overlay mode (-P is ignored): both switches, iperf3 and the kernel
# share the CPUs as they would on a hypervisor.
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
OVERLAY=0
BASE=
ROUNDS=3
ONLY_SET=0
while getopts b:t:p:so:P:r:OB:R: o; do
  case $o in
  b) B=$(cd "$OPTARG" && pwd) ;;
  O) OVERLAY=1 ;;
  B) BASE=$(cd "$OPTARG" && pwd) ;;
  R) ROUNDS=$OPTARG ;;
  t) TT=$OPTARG ;;
  p) PT=$OPTARG ;;
  s) TT=1 PT=1 RUNS=1 ;;
  o) ONLY=$OPTARG ONLY_SET=1 ;;
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
NA=${P}A NB=${P}B NH=${P}H HA=${P}HA HB=${P}HB
MA=02:e2:00:00:00:0a MB=02:e2:00:00:00:0b
TMP=$(mktemp -d /tmp/${P}.XXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  PIDS=()
  for n in "$NA" "$NB" "$NH" "$HA" "$HB"; do ip netns del "$n" 2>/dev/null; done
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

# ------------------------------------------------------------ overlay mode
if [ "$OVERLAY" = 1 ]; then
  GEN_PIN=()
  [ "$ONLY_SET" = 1 ] || ONLY=kvx,vl2,vl2+off${BASE:+,base,base+off}
  if [ -n "$BASE" ]; then
    [ -x "$BASE/examples/switch/vl2-switch" ] ||
      { echo "run.sh: $BASE/examples/switch/vl2-switch missing"; exit 1; }
  fi
  ov_up() {
    for n in "$NA" "$NB" "$HA" "$HB"; do
      ip netns add "$n" || exit 1
      ip -n "$n" link set lo up
      ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
        net.ipv6.conf.default.disable_ipv6=1
    done
    ip -n "$HA" link add uA type veth peer name uB netns "$HB"
    ip -n "$HA" addr add 192.168.99.1/24 dev uA
    ip -n "$HB" addr add 192.168.99.2/24 dev uB
    ip -n "$HA" link set uA up
    ip -n "$HB" link set uB up
  }
  # kvx: the kernel's vxlan device + bridge on each host.
  ov_kvx() {
    local s h l r
    for s in A B; do
      h=${P}H$s
      case $s in A) l=192.168.99.1 r=192.168.99.2 ;; B) l=192.168.99.2 r=192.168.99.1 ;; esac
      ip -n "$h" link add vx0 type vxlan id 42 local "$l" remote "$r" \
        dstport 4789 dev u$s || exit 1
      ip -n "$h" link add br0 type bridge
      ip -n "$h" link set vx0 master br0
      ip -n "$h" link add h$s type veth peer name v$s netns "${P}$s"
      ip -n "$h" link set h$s master br0
      for d in vx0 br0 h$s; do ip -n "$h" link set $d up; done
    done
    IFA=vA IFB=vB
  }
  # vl2 BIN OFFLOAD: vl2-switch on each host, TAP tX moved into VM X.
  ov_vl2() {
    local bin=$1 off=$2 s h l r
    for s in A B; do
      h=${P}H$s
      case $s in A) l=192.168.99.1 r=192.168.99.2 ;; B) l=192.168.99.2 r=192.168.99.1 ;; esac
      cat >"$TMP/sw$s.conf" <<CONF
underlay = { local = "$l"; port = 4789; mtu = 1500; };
segments = ( { vni = 42; vlan = 1; flood = [ "$r" ]; } );
ports = ( { name = "t$s"; vlan = 1; mtu = 1450; offload = $off; } );
CONF
      ip netns exec "$h" "$bin" --foreground --config "$TMP/sw$s.conf" \
        --control "$TMP/ctl$s.sock" --log-level warning >"$TMP/dp$s.log" 2>&1 &
      PIDS+=($!)
      for _ in $(seq 100); do
        ip -n "$h" link show t$s >/dev/null 2>&1 && break
        sleep 0.05
      done
      sleep 0.2
      ip -n "$h" link set t$s netns "${P}$s" || { sed 's/^/  /' "$TMP/dp$s.log" >&2; exit 1; }
    done
    IFA=tA IFB=tB
  }
  # tcpn N: Gb/s received by iperf3 in B with N streams.
  tcpn() {
    ip netns exec "$NB" iperf3 -s -1 -D -I "$TMP/iperf.pid" >/dev/null 2>&1
    sleep 0.3
    ip netns exec "$NA" iperf3 -c 10.99.0.2 -t "$TT" -P "$1" -J >"$TMP/iperf.json" 2>&1
    python3 -c 'import json,sys
try:
  d=json.load(open(sys.argv[1])); print("%.2f" % (d["end"]["sum_received"]["bits_per_second"]/1e9))
except Exception: print("n/a")' "$TMP/iperf.json"
    [ -f "$TMP/iperf.pid" ] && kill "$(cat "$TMP/iperf.pid")" 2>/dev/null
    rm -f "$TMP/iperf.pid"
  }
  declare -A R1 R4 RP
  ov_measure() { # name setup-args...
    local name=$1
    shift
    ov_up
    "$@"
    for x in A B; do
      local ns=${P}$x ifc ip mac
      case $x in A) ifc=$IFA ip=10.99.0.1 mac=$MA ;; B) ifc=$IFB ip=10.99.0.2 mac=$MB ;; esac
      ip -n "$ns" link set "$ifc" address "$mac" mtu 1450 || exit 1
      ip -n "$ns" addr add "$ip/24" dev "$ifc"
      ip -n "$ns" link set "$ifc" up
    done
    local ok=0
    for _ in 1 2 3; do
      ip netns exec "$NA" ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null && { ok=1; break; }
    done
    if [ $ok = 0 ]; then
      echo "run.sh: $name: no ping A -> B" >&2
      cat "$TMP"/dp*.log 2>/dev/null | sed 's/^/  /' | tail -20 >&2
      R1[$name]+=" n/a" R4[$name]+=" n/a" RP[$name]+=" n/a"
      cleanup
      return
    fi
    local t1 t4 p
    t1=$(tcpn 1)
    t4=$(tcpn 4)
    p=$(pps1)
    p=${p% *}
    R1[$name]+=" $t1" R4[$name]+=" $t4" RP[$name]+=" $p"
    echo "  $name: TCP x1 $t1 Gb/s, TCP x4 $t4 Gb/s, 64B $p Mpps" >&2
    if [ -S "$TMP/ctlA.sock" ]; then
      "$CTL" -s "$TMP/ctlA.sock" --json stats >"$TMP/stats.$name.json" 2>/dev/null
    fi
    cleanup
  }
  med() { # values... -> median of the numeric ones, or n/a
    printf '%s\n' "$@" | grep -E '^[0-9.]+$' | sort -n |
      awk '{ l[NR] = $0 } END { if (NR) print l[int((NR + 1) / 2)]; else print "n/a" }'
  }
  echo "e2e overlay: TCP $TT s (1 and 4 streams), 64-byte frames $PT s, $ROUNDS rounds; $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  IFS=, read -ra want <<<"$ONLY"
  for r in $(seq "$ROUNDS"); do
    echo " round $r (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
    for w in "${want[@]}"; do
      case $w in
      kvx) ov_measure kvx ov_kvx ;;
      vl2) ov_measure vl2 ov_vl2 "$SW" false ;;
      vl2+off) ov_measure vl2+off ov_vl2 "$SW" true ;;
      base) ov_measure base ov_vl2 "$BASE/examples/switch/vl2-switch" false ;;
      base+off) ov_measure base+off ov_vl2 "$BASE/examples/switch/vl2-switch" true ;;
      *) echo "run.sh: unknown overlay setup $w" >&2; exit 2 ;;
      esac
    done
  done
  ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { if (a+0 > 0 && b+0 > 0) printf "%.2fx", a / b; else printf "-" }'
  }
  echo
  printf '%-10s %9s %9s %9s   %-8s %-8s %-8s\n' setup "TCPx1" "TCPx4" "64B Mpps" \
    "x1/kvx" "x4/kvx" "pps/kvx"
  k1=$(med ${R1[kvx]:-}) k4=$(med ${R4[kvx]:-}) kp=$(med ${RP[kvx]:-})
  for w in "${want[@]}"; do
    a=$(med ${R1[$w]:-}) b=$(med ${R4[$w]:-}) c=$(med ${RP[$w]:-})
    printf '%-10s %9s %9s %9s   %-8s %-8s %-8s\n' "$w" "$a" "$b" "$c" \
      "$(ratio "$a" "$k1")" "$(ratio "$b" "$k4")" "$(ratio "$c" "$kp")"
  done
  echo "(Gb/s and Mpps, medians of $ROUNDS rounds; each round's values:)"
  for w in "${want[@]}"; do
    echo "  $w: x1${R1[$w]:-} | x4${R4[$w]:-} | pps${RP[$w]:-}"
  done
  echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi

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

#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vl2-demo: two "hosts" on one machine, each running vl2-switch, with four
# "VMs" in two overlay segments, checked with real ping, arping, tcpdump and
# iperf3. Everything lives in network namespaces it creates (never in the
# caller's): hosts vl2d_h1 and vl2d_h2 joined by a veth underlay
# (10.200.0.1/24, 10.200.0.2/24), VMs vl2d_vm1..vl2d_vm4 (10.10.0.1..4/24,
# all one IP subnet, so only the segments keep them apart):
#
#   vl2d_vm1 (VNI 100)  vl2d_vm2 (VNI 200)   vl2d_vm3 (VNI 100)  vl2d_vm4 (VNI 200)
#        |tap vm1          |tap vm2               |tap vm3           |tap vm4
#   [ vl2-switch in vl2d_h1 ] --veth u1 -- u2-- [ vl2-switch in vl2d_h2 ]
#          10.200.0.1        VXLAN, UDP 4789          10.200.0.2
#
# Checks, one report line each (PASS/FAIL and the figure measured):
#   reach       one segment across hosts: ping vm1 -> vm3 (VNI 100) and
#               vm2 -> vm4 (VNI 200)
#   isolate     vm1 reaches neither vm4 nor vm2 (other segment, same subnet)
#   arp         ARP suppression (VNI 100): arping vm1 -> vm3's IP is answered
#               by h1 from its neighbour table, a capture on the underlay veth
#               shows no ARP broadcast of VNI 100 crossing (VNI 200, without
#               suppression, is the control: its broadcasts do cross), and
#               h1's counters (vl2ctl stats) show the requests absorbed
#   throughput  iperf3 TCP vm1 -> vm3 across the overlay (before the move)
#               and within one host (after it)
#   move        vm1 migrates to h2: h2 gets a TAP with vm1's MAC (vl2ctl
#               reload), the old interface goes down, the new one takes the
#               IP and sends a gratuitous ARP; a ping from vm3 keeps working
#               and h1's MAC table puts vm1's MAC behind h2's VTEP
#
# Usage: vl2-demo.sh [--bindir DIR] [--prefix NAME|auto] [--skip C,...]
#                    [--verbose]
#   --bindir DIR   where vl2-switch and vl2ctl are (default: this script's
#                  directory, then PATH)
#   --prefix NAME  namespace prefix (default vl2d; "auto": vl2t<pid>)
#   --skip C,...   leave out checks by name (e.g. --skip throughput)
#   --verbose      show the commands' output and switch logs at the end
# Needs root (network namespaces, TAP devices), iproute2, ping, arping,
# tcpdump, iperf3 and python3. Exit status: 0 when every check passed, 1
# when one failed or the set-up broke, 77 when it cannot run here (not root,
# a tool missing). Cleans up everything it created on exit, Ctrl-C or
# SIGTERM.
set -uo pipefail

BINDIR=
PREFIX=vl2d
SKIP=,
VERBOSE=0
usage() { sed -n '/^# Usage:/,/^# SIGTERM/s/^# \{0,1\}//p' "$0"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --bindir) BINDIR=${2:?--bindir needs a directory}; shift 2 ;;
    --prefix) PREFIX=${2:?--prefix needs a name}; shift 2 ;;
    --skip) SKIP=",${2:?--skip needs check names},"; shift 2 ;;
    -v|--verbose) VERBOSE=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "vl2-demo: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[ "$PREFIX" = auto ] && PREFIX=vl2t$$

cannot() { echo "vl2-demo: $*" >&2; exit 77; }
if [ "$(id -u)" != 0 ]; then
  cannot "needs root: it creates network namespaces, a veth pair and TAP
  devices (run it with sudo). Nothing was changed."
fi
[ -c /dev/net/tun ] || cannot "no /dev/net/tun (TAP devices unavailable)"
missing=()
for t in ip ping arping tcpdump iperf3 python3; do
  command -v "$t" >/dev/null 2>&1 || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] ||
  cannot "missing tools: ${missing[*]} (Debian: iproute2 iputils-ping arping tcpdump iperf3 python3)"

find_bin() {
  local d
  for d in "$BINDIR" "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"; do
    [ -n "$d" ] && [ -x "$d/$1" ] && { echo "$d/$1"; return; }
  done
  command -v "$1"
}
SW=$(find_bin vl2-switch) || cannot "vl2-switch not found (--bindir DIR)"
CTL=$(find_bin vl2ctl) || cannot "vl2ctl not found (--bindir DIR)"

H1=${PREFIX}_h1 H2=${PREFIX}_h2
VM1=${PREFIX}_vm1 VM2=${PREFIX}_vm2 VM3=${PREFIX}_vm3 VM4=${PREFIX}_vm4
UL1=10.200.0.1 UL2=10.200.0.2
IP1=10.10.0.1 IP2=10.10.0.2 IP3=10.10.0.3 IP4=10.10.0.4
MAC1=02:00:0a:0a:00:01 MAC2=02:00:0a:0a:00:02
MAC3=02:00:0a:0a:00:03 MAC4=02:00:0a:0a:00:04

for n in "$H1" "$H2" "$VM1" "$VM2" "$VM3" "$VM4"; do
  if [ -e "/run/netns/$n" ]; then
    cannot "network namespace $n exists already: another demo is running, or
  one was killed (remove its namespaces with: ip netns del NAME)"
  fi
done

TMP=$(mktemp -d /tmp/vl2-demo.XXXXXX) || exit 1
LOGF=$TMP/demo.log
NSS=()   # namespaces created, deleted at exit
PIDS=()  # background processes started, stopped at exit
DAEMONS=()
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
    wait "$p" 2>/dev/null
  done
  for p in "${NSS[@]}"; do ip netns del "$p" 2>/dev/null; done
  rm -rf "$TMP"
  exit "$rc"
}
trap cleanup EXIT
trap 'echo; echo "vl2-demo: interrupted, cleaning up" >&2; exit 130' INT
trap 'exit 143' TERM

# run CMD...: run with the output in the log
run() { echo "\$ $*" >>"$LOGF"; "$@" >>"$LOGF" 2>&1; }
die() {
  echo "vl2-demo: set-up failed: $*" >&2
  local f
  for f in "$TMP"/h1.log "$TMP"/h2.log; do
    [ -f "$f" ] && { echo "--- $(basename "$f") (last lines)"; tail -n 15 "$f"; } >&2
  done
  exit 1
}

NPASS=0 NFAIL=0
REPORT=()
result() { # result PASS|FAIL CHECK TEXT
  local line
  line=$(printf '%-4s  %-10s  %s' "$1" "$2" "$3")
  REPORT+=("$line")
  echo "$line"
  [ "$1" = PASS ] && NPASS=$((NPASS + 1)) || NFAIL=$((NFAIL + 1))
}
skipped() { case "$SKIP" in *",$1,"*) return 0 ;; esac; return 1; }

mkns() {
  ip netns add "$1" || die "cannot create network namespace $1"
  NSS+=("$1")
  ip -n "$1" link set lo up
  # no IPv6 chatter (router solicitations, MLD, DAD) in the captures
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

# wait_for SECONDS CMD...: poll CMD every 0.1 s until it succeeds
wait_for() {
  local n=$(($1 * 10)); shift
  while [ "$n" -gt 0 ]; do
    "$@" >/dev/null 2>&1 && return 0
    n=$((n - 1)); sleep 0.1
  done
  return 1
}

# ctl HOST ARGS...: vl2ctl against host 1 or 2
ctl() { local h=$1; shift; "$CTL" -s "$TMP/h$h.sock" "$@"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
json() { "$PY" -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# --- the hosts --------------------------------------------------------------
# host_conf LOCAL REMOTE: the segments of a host (VTEP of the other host in
# both flood lists; ARP suppression in VNI 100 only)
host_conf() {
  cat <<EOF
# vl2-switch configuration written by vl2-demo
limits = { max_ports = 8; ageing = 300; };
underlay = { local = "$1"; port = 4789; mtu = 1500; };
segments = (
  { vni = 100; vlan = 100; arp_suppress = true; flood = [ "$2" ]; },
  { vni = 200; vlan = 200; flood = [ "$2" ]; }
);
EOF
}
# port NAME VLAN MAC: an access port whose TAP becomes a VM's interface
port() {
  echo "  { name = \"$1\"; vlan = $2; mac = \"$3\"; mtu = 1450; }"
}
write_conf() { # write_conf HOST MIGRATED(0|1)
  if [ "$1" = 1 ]; then
    host_conf "$UL1" "$UL2"
    echo "ports = ("; port vm1 100 "$MAC1"; echo ","; port vm2 200 "$MAC2"; echo ");"
    echo "neigh = ( { ip = \"$IP3\"; mac = \"$MAC3\"; vni = 100; } );"
  else
    host_conf "$UL2" "$UL1"
    echo "ports = ("; port vm3 100 "$MAC3"; echo ","; port vm4 200 "$MAC4"
    [ "$2" = 1 ] && { echo ","; port vm1m 100 "$MAC1"; }
    echo ");"
    echo "neigh = ( { ip = \"$IP1\"; mac = \"$MAC1\"; vni = 100; } );"
  fi
}

start_host() { # start_host N NS
  local sock=$TMP/h$1.sock
  write_conf "$1" 0 >"$TMP/h$1.conf"
  "$SW" --check --config "$TMP/h$1.conf" >>"$LOGF" 2>&1 ||
    die "vl2-switch refused $TMP/h$1.conf: $(tail -n 1 "$LOGF")"
  ip netns exec "$2" "$SW" --foreground --config "$TMP/h$1.conf" \
    --control "$sock" --log-level debug >"$TMP/h$1.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid"); DAEMONS+=("$pid")
  local n=150
  until "$CTL" -s "$sock" version >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || die "vl2-switch on host $1 exited at start-up"
    n=$((n - 1)); [ "$n" -gt 0 ] || die "vl2-switch on host $1: no answer on $sock"
    sleep 0.1
  done
}

# vm HOSTNS TAP VMNS IP: move a TAP into a VM namespace and configure it
vm() {
  wait_for 5 ip -n "$1" link show "$2" || die "TAP $2 did not appear in $1"
  ip -n "$1" link set "$2" netns "$3" || die "cannot move $2 into $3"
  ip -n "$3" addr add "$4/24" dev "$2" || die "address $4 on $2"
  ip -n "$3" link set "$2" up || die "cannot set $2 up"
}

T0=$(date +%s.%N)
echo "vl2-demo: two hosts, four VMs, VXLAN overlay (namespaces ${PREFIX}_*)"
echo "  switch: $SW"
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2" || die "veth underlay"
ip -n "$H1" addr add "$UL1/24" dev u1 && ip -n "$H1" link set u1 up || die "u1"
ip -n "$H2" addr add "$UL2/24" dev u2 && ip -n "$H2" link set u2 up || die "u2"
start_host 1 "$H1"
start_host 2 "$H2"
for n in "$VM1" "$VM2" "$VM3" "$VM4"; do mkns "$n"; done
vm "$H1" vm1 "$VM1" "$IP1"
vm "$H1" vm2 "$VM2" "$IP2"
vm "$H2" vm3 "$VM3" "$IP3"
vm "$H2" vm4 "$VM4" "$IP4"
wait_for 5 ip netns exec "$H1" ping -c 1 -W 1 "$UL2" || die "underlay ping $UL1 -> $UL2"
echo "  h1 ($UL1): vm1 $IP1 VNI 100, vm2 $IP2 VNI 200"
echo "  h2 ($UL2): vm3 $IP3 VNI 100, vm4 $IP4 VNI 200; ARP suppression in VNI 100"
echo

# ping_stats FILE: "sent received avg_ms" from ping's summary
ping_stats() {
  local tx rx avg
  tx=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' "$1")
  rx=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1")
  avg=$(sed -n 's/^rtt.* = [0-9.]*\/\([0-9.]*\)\/.*/\1/p' "$1")
  echo "${tx:-0} ${rx:-0} ${avg:--}"
}
# vping VMNS IP COUNT DEADLINE: ping from a VM; output in $TMP/ping.out
vping() {
  ip netns exec "$1" ping -n -c "$3" -i 0.2 -W 1 -w "$4" "$2" >"$TMP/ping.out" 2>&1
  local rc=$?
  cat "$TMP/ping.out" >>"$LOGF"
  return $rc
}

# --- 1. one segment across hosts ---------------------------------------------
if ! skipped reach; then
  for pair in "$VM1 $IP3 vm1 vm3 100" "$VM2 $IP4 vm2 vm4 200"; do
    set -- $pair
    vping "$1" "$2" 3 5; read -r tx rx avg < <(ping_stats "$TMP/ping.out")
    if [ "$rx" -ge 3 ]; then st=PASS; else st=FAIL; fi
    result $st reach "ping $3@h1 -> $4@h2, same segment (VNI $5): $rx/$tx replies, rtt avg $avg ms"
  done
fi

# --- 2. isolation --------------------------------------------------------------
if ! skipped isolate; then
  for pair in "$IP4 vm4 h2" "$IP2 vm2 h1"; do
    set -- $pair
    vping "$VM1" "$1" 2 2; read -r tx rx avg < <(ping_stats "$TMP/ping.out")
    if [ "$rx" = 0 ] && [ "$tx" -gt 0 ]; then st=PASS; else st=FAIL; fi
    result $st isolate "ping vm1 (VNI 100) -> $2@$3 (VNI 200), same IP subnet: $rx/$tx replies (none expected)"
  done
fi

# --- 3. ARP suppression ---------------------------------------------------------
# arp_count FILE VNI IP: broadcast ARP requests for IP inside the VXLAN
# frames of VNI in a capture (tcpdump decodes UDP port 4789 as VXLAN; -e
# shows the inner Ethernet header)
arp_count() {
  tcpdump -nn -e -r "$1" 'udp port 4789' 2>/dev/null |
    awk -v vni="$2" -v ip="$3" '
      /VXLAN/ { cur = ($0 ~ ("vni " vni "$")) ? 1 : 0; next }
      cur && /> ff:ff:ff:ff:ff:ff, ethertype ARP/ && index($0, "who-has " ip " ") { n++ }
      END { print n + 0 }'
}
# absorbed HOST: ARP requests the switch answered itself: the neighbour
# counter req_answered when vl2ctl stats shows it, else the frames the switch
# consumed (absorbed instead of forwarding); ABSORBED names the counter
absorbed() {
  local j
  j=$(ctl "$1" --json stats) || { echo 0; return; }
  if echo "$j" | json "d['neigh']['req_answered']" >/dev/null 2>&1; then
    ABSORBED=neigh.req_answered
    echo "$j" | json "d['neigh']['req_answered']"
  else
    ABSORBED=switch.consumed
    echo "$j" | json "d['switch']['consumed']"
  fi
}
arping_replies() { # FILE: replies counted by arping (Habets or iputils)
  sed -n -e 's/.* \([0-9]*\) packets received.*/\1/p' \
         -e 's/^Received \([0-9]*\) response.*/\1/p' "$1" | head -n 1
}
if ! skipped arp; then
  CAP=$TMP/underlay.pcap
  ip netns exec "$H1" tcpdump -nn -i u1 -U -w "$CAP" 'udp port 4789' \
    >"$TMP/tcpdump.err" 2>&1 &
  TCPDUMP=$!; PIDS+=("$TCPDUMP")
  wait_for 5 grep -q "listening on" "$TMP/tcpdump.err" || die "tcpdump did not start"
  absorbed 1 >/dev/null; A0=$(absorbed 1)
  if arping -h 2>&1 | grep -q Habets; then ARPIF=-i; else ARPIF=-I; fi
  ip netns exec "$VM1" arping -c 3 -w 5 $ARPIF vm1 "$IP3" >"$TMP/arping.out" 2>&1
  cat "$TMP/arping.out" >>"$LOGF"
  # the control: VNI 200 has no suppression, its requests must cross
  ip netns exec "$VM2" arping -c 2 -w 3 $ARPIF vm2 "$IP4" >"$TMP/arping2.out" 2>&1
  cat "$TMP/arping2.out" >>"$LOGF"
  # proof the capture works: a ping across in VNI 100 is seen as VXLAN
  vping "$VM1" "$IP3" 1 3
  sleep 0.3
  A1=$(absorbed 1)
  kill -INT "$TCPDUMP"; wait "$TCPDUMP" 2>/dev/null
  got=$(arping_replies "$TMP/arping.out"); got=${got:-0}
  mac_ok=0; grep -qi "$MAC3" "$TMP/arping.out" && mac_ok=1
  total=$(tcpdump -nn -r "$CAP" 'udp port 4789' 2>/dev/null | grep -c VXLAN)
  a100=$(arp_count "$CAP" 100 "$IP3"); a200=$(arp_count "$CAP" 200 "$IP4")
  tcpdump -nn -e -r "$CAP" 2>/dev/null >>"$LOGF"
  st=FAIL
  [ "$got" -ge 1 ] && [ "$mac_ok" = 1 ] && [ "$a100" = 0 ] && [ "$a200" -ge 1 ] &&
    [ $((A1 - A0)) -ge "$got" ] && st=PASS
  result $st arp "arping vm1 -> vm3's IP: $got/3 answered by h1 itself ($((A1 - A0)) absorbed, vl2ctl stats $ABSORBED); underlay capture: $a100 ARP broadcasts for it crossed (control, arping vm2 -> vm4 in VNI 200 without suppression: $a200; $total VXLAN frames)"
fi

# --- iperf3 --------------------------------------------------------------------
# iperf SERVERNS SERVERIP CLIENTNS: TCP for 3 s; sets MBPS (Mbit/s received,
# empty when it did not run)
iperf() {
  MBPS=
  ip netns exec "$1" iperf3 -s -1 -B "$2" >"$TMP/iperf-s.out" 2>&1 &
  local spid=$!
  PIDS+=("$spid")
  if wait_for 5 sh -c "ip netns exec '$1' ss -ltn | grep -q '$2:5201'"; then
    rm -f "$TMP/iperf.json"
    timeout 20 ip netns exec "$3" iperf3 -c "$2" -t 3 --connect-timeout 3000 -J \
      >"$TMP/iperf.json" 2>>"$LOGF"
    MBPS=$("$PY" - "$TMP/iperf.json" <<'EOF2' 2>>"$LOGF"
import json, sys
d = json.load(open(sys.argv[1]))
print("%.0f" % (d["end"]["sum_received"]["bits_per_second"] / 1e6))
EOF2
)
  fi
  wait_for 5 sh -c "! kill -0 $spid 2>/dev/null" || kill -TERM "$spid" 2>/dev/null
  wait "$spid" 2>/dev/null
  cat "$TMP/iperf-s.out" >>"$LOGF"
}
if ! skipped throughput; then
  iperf "$VM3" "$IP3" "$VM1"
  st=FAIL; [ -n "$MBPS" ] && [ "$MBPS" -ge 1 ] && st=PASS
  result $st throughput "iperf3 TCP 3 s vm1@h1 -> vm3@h2 over VXLAN: ${MBPS:-no result} Mbit/s"
fi

# --- 4. live migration ------------------------------------------------------------
if ! skipped move; then
  # h2 gets a port for the incoming vm1 (same MAC) by a reload
  write_conf 2 1 >"$TMP/h2.conf"
  run ctl 2 reload || die "reload of h2 with the port for the migrated vm1"
  wait_for 5 ip -n "$H2" link show vm1m || die "TAP vm1m did not appear on h2"
  ip -n "$H2" link set vm1m netns "$VM1" || die "cannot move vm1m into $VM1"
  # vm3 pings vm1 all along (10 per second)
  ip netns exec "$VM3" ping -n -i 0.1 -c 50 -W 1 "$IP1" >"$TMP/ping-move.out" 2>&1 &
  PING=$!; PIDS+=("$PING")
  sleep 1.5
  # the switch-over: old interface down, the same IP on the new one, a
  # gratuitous ARP from the new place
  ip netns exec "$VM1" sh -c "ip link set vm1 down && ip addr flush dev vm1 &&
    ip addr add $IP1/24 dev vm1m && ip link set vm1m up &&
    arping -U -c 1 $ARPIF vm1m $IP1" >>"$LOGF" 2>&1
  moved=0
  wait_for 3 sh -c "'$CTL' -s '$TMP/h1.sock' fdb | grep -q '^$MAC1 dev vxlan dst $UL2 vni 100'" && moved=1
  wait "$PING"
  cat "$TMP/ping-move.out" >>"$LOGF"
  read -r mtx mrx _ < <(ping_stats "$TMP/ping-move.out")
  vping "$VM3" "$IP1" 3 5; read -r tx rx _ < <(ping_stats "$TMP/ping.out")
  ctl 1 fdb >>"$LOGF" 2>&1
  fdb=$(ctl 1 fdb | grep "^$MAC1 " | head -n 1 | sed 's/,.*//')
  st=FAIL; [ "$moved" = 1 ] && [ "$rx" -ge 3 ] && [ "$mrx" -gt 0 ] && st=PASS
  result $st move "vm1 moved h1 -> h2 (same MAC/IP, GARP): ping vm3 -> vm1 during the move $mrx/$mtx, after $rx/$tx; h1 fdb: ${fdb:-none}"
fi

# within one host: vm1 is now next to vm3 on h2
if ! skipped throughput && ! skipped move; then
  iperf "$VM3" "$IP3" "$VM1"
  st=FAIL; [ -n "$MBPS" ] && [ "$MBPS" -ge 1 ] && st=PASS
  result $st throughput "iperf3 TCP 3 s vm1 -> vm3, both on h2 (after the move): ${MBPS:-no result} Mbit/s"
fi

# the daemons must still be running, and stop cleanly
for p in "${DAEMONS[@]}"; do
  kill -0 "$p" 2>/dev/null || result FAIL daemons "a vl2-switch daemon died during the demo"
done
for p in "${DAEMONS[@]}"; do kill -TERM "$p" 2>/dev/null; done
rc_all=0
for p in "${DAEMONS[@]}"; do wait "$p"; rc=$?; [ "$rc" = 0 ] || rc_all=$rc; done
[ "$rc_all" = 0 ] || result FAIL daemons "vl2-switch exited with status $rc_all on SIGTERM"

T1=$(date +%s.%N)
echo
printf 'vl2-demo: %d passed, %d failed (%.0f s)\n' "$NPASS" "$NFAIL" \
  "$(echo "$T1 - $T0" | "$PY" -c 'import sys; print(eval(sys.stdin.read()))')"
if [ "$VERBOSE" = 1 ]; then
  echo "--- demo log"; cat "$LOGF"
  for f in "$TMP"/h1.log "$TMP"/h2.log; do echo "--- $(basename "$f")"; cat "$f"; done
fi
if [ "$NFAIL" -gt 0 ]; then
  echo "--- demo log (last lines)"; tail -n 40 "$LOGF"
  for f in "$TMP"/h1.log "$TMP"/h2.log; do
    echo "--- $(basename "$f") (last lines)"; tail -n 20 "$f"
  done
  exit 1
fi
exit 0

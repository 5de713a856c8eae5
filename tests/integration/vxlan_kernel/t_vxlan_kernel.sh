#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Kernel interop: a libvl2 VTEP (vl2k-vtep: TAP port + UDP underlay) on
# "host A" against the Linux vxlan device + bridge on "host B".
#
#   vmA (TAP vktap) -- [host A: vl2k-vtep] --veth ua/ub-- [host B: vx0 + br0] -- vb/eth0 -- vmB
#            overlay 10.98.X.0/24           underlay 10.99.X.0/24
#
# Usage: t_vxlan_kernel.sh VTEP_BINARY interop|wrong_vni
#   interop    (1) ping both ways, (2) broadcast ARP both ways (arping, and
#              neighbour entries with the right MACs), (3) libvl2 learns
#              vmB's MAC against the kernel VTEP, the kernel learns vmA's
#              against libvl2's, (4) the underlay capture shows well-formed
#              VXLAN (flags [I] (0x08), vni N) carrying ICMP both ways.
#   wrong_vni  the kernel's vx0 has VNI N+1: nothing crosses; libvl2 counts
#              the kernel's frames as drops "no_segment" (unknown VNI); the
#              kernel consumes libvl2's packets in its VXLAN socket (UDP
#              InDatagrams grows) without delivering any to vx0 (rx_packets
#              stays 0) or to vmB. The kernel has no counter for a VNI
#              without a device (vxlan_rcv frees the skb with drop reason
#              VXLAN_VNI_NOT_FOUND, visible only to the skb:kfree_skb
#              tracepoint): when tracefs can be mounted (in a private mount
#              namespace), the test counts those drops in its own tracing
#              instance and asserts one per packet sent.
# Needs root; exits 77 (skipped) otherwise. Namespaces vl2k_<pid>_*.
set -u
VTEP=${1:?usage: $0 VTEP_BINARY interop|wrong_vni}
MODE=${2:?usage: $0 VTEP_BINARY interop|wrong_vni}

skip() { echo "SKIP: $*"; exit 77; }
FAILED=0
fail() {
  echo "FAIL: $*"
  FAILED=1
}
die() {
  fail "$*"
  dump
  exit 1
}
pass() { echo "PASS: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TAP, vxlan)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
for c in ip bridge tcpdump ping arping; do
  command -v $c >/dev/null || skip "no $c"
done
[ -x "$VTEP" ] || { echo "FAIL: no $VTEP"; exit 1; }
case $MODE in interop | wrong_vni) ;; *) echo "FAIL: mode $MODE"; exit 1 ;; esac

P=vl2k_$$
A=${P}_a # libvl2 host
B=${P}_b # kernel host
VA=${P}_vma
VB=${P}_vmb
X=$(($$ % 250 + 1))
UA=10.99.$X.1 # underlay, host A (libvl2)
UB=10.99.$X.2 # underlay, host B (kernel)
OA=10.98.$X.1 # overlay, vmA
OB=10.98.$X.2 # overlay, vmB
MACA=02:4b:00:00:0a:01
MACB=02:4b:00:00:0b:01
VNI=4242
KVNI=$VNI
[ "$MODE" = wrong_vni ] && KVNI=$((VNI + 1))
TAP=vktap

TMP=$(mktemp -d /tmp/${P}.XXXX)
NSS=()
VPID=
TPID=
TRACE=
# tracefs CMD: run CMD with tracefs mounted in a private mount namespace
# ($T) and $I naming this test's tracing instance
tracefs() {
  mkdir -p "$TMP/tr"
  T=$TMP/tr I=$TMP/tr/instances/$P unshare -m sh -c \
    "mount -t tracefs none \"\$T\" && $1" 2>/dev/null
}
cleanup() {
  [ -n "$TPID" ] && kill -INT "$TPID" 2>/dev/null
  if [ -n "$VPID" ]; then
    kill -TERM "$VPID" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$VPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$VPID" 2>/dev/null
  fi
  [ -n "$TPID" ] && kill -KILL "$TPID" 2>/dev/null
  wait 2>/dev/null
  [ -n "$TRACE" ] && tracefs "echo 0 > \$I/events/skb/kfree_skb/enable; rmdir \$I"
  local n
  for n in "${NSS[@]}"; do ip netns del "$n" 2>/dev/null; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

dump() {
  echo "--- vl2k-vtep stdout"
  cat "$TMP/vtep.out" 2>/dev/null
  echo "--- vl2k-vtep stderr"
  cat "$TMP/vtep.err" 2>/dev/null
  echo "--- host B"
  ip -n "$B" -s link show vx0 2>/dev/null
  bridge -n "$B" fdb show dev vx0 2>/dev/null
  echo "--- underlay capture"
  [ -s "$TMP/ul.txt" ] && head -60 "$TMP/ul.txt"
}

ip netns add "${P}_probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "${P}_probe"

mkns() {
  ip netns add "$1" || die "netns $1"
  NSS+=("$1")
  ip -n "$1" link set lo up
  # no IPv6 chatter (RS, MLD, DAD) on the wire or in the counters
  ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
    net.ipv6.conf.default.disable_ipv6=1
}
mkns "$A"
mkns "$B"
mkns "$VA"
mkns "$VB"

# underlay
ip -n "$A" link add ua type veth peer name ub netns "$B" || die "veth ua/ub"
ip -n "$A" addr add $UA/24 dev ua
ip -n "$B" addr add $UB/24 dev ub
ip -n "$A" link set ua up
ip -n "$B" link set ub up

# host B: kernel VTEP (learning on, head-end flood entry to host A) + bridge
ip -n "$B" link add vx0 type vxlan id $KVNI dstport 4789 local $UB \
  remote $UA dev ub || skip "cannot create a vxlan device"
ip -n "$B" link add br0 type bridge || skip "cannot create a bridge"
ip -n "$B" link set vx0 master br0
ip -n "$B" link add vb type veth peer name eth0 netns "$VB" || die "veth vb"
ip -n "$B" link set vb mtu 1450 master br0
ip -n "$VB" link set eth0 address $MACB mtu 1450
ip -n "$VB" addr add $OB/24 dev eth0
# vx0 comes up once vmA's TAP is up: until then the kernel VTEP sends
# nothing (br0's own IGMP reports, say) that libvl2 could only fail to
# write to a TAP that is down (EIO) while it moves into vmA
for d in vb br0; do ip -n "$B" link set $d up; done
ip -n "$VB" link set eth0 up

# underlay capture on host B's end of the veth
ip netns exec "$B" tcpdump -i ub -nn -U -s 256 -w "$TMP/ul.pcap" \
  udp port 4789 2>"$TMP/tcpdump.err" &
TPID=$!
for _ in $(seq 100); do
  grep -q "listening on" "$TMP/tcpdump.err" 2>/dev/null && break
  kill -0 $TPID 2>/dev/null || die "tcpdump exited: $(cat "$TMP/tcpdump.err")"
  sleep 0.1
done
grep -q "listening on" "$TMP/tcpdump.err" || die "tcpdump did not start"

# host A: the libvl2 VTEP; it creates the TAP in host A, then the TAP moves
# into vmA (the open queue keeps working across the move)
ip netns exec "$A" "$VTEP" --tap $TAP --local $UA --remote $UB --vni $VNI \
  --mac $MACA --mtu 1450 --underlay-mtu 1500 --duration 50 \
  >"$TMP/vtep.out" 2>"$TMP/vtep.err" &
VPID=$!
for _ in $(seq 100); do
  grep -q "^ready" "$TMP/vtep.out" 2>/dev/null && break
  kill -0 $VPID 2>/dev/null || die "vl2k-vtep exited at start-up"
  sleep 0.1
done
grep -q "^ready" "$TMP/vtep.out" || die "vl2k-vtep did not become ready"
ip -n "$A" link set $TAP netns "$VA" || die "move $TAP to vmA"
ip -n "$VA" addr add $OA/24 dev $TAP
ip -n "$VA" link set $TAP up
ip -n "$B" link set vx0 up

# udp_in NS: the namespace's UDP InDatagrams (/proc/net/snmp)
udp_in() {
  ip netns exec "$1" awk '/^Udp:/ { if (h) { print $2; exit } h = 1 }' /proc/net/snmp
}
vx_stat() { ip netns exec "$B" cat /sys/class/net/vx0/statistics/$1; }
# neigh_mac NS DEV IP: the MAC of IP's neighbour entry, if it has one
neigh_mac() {
  ip -n "$1" neigh show "$3" dev "$2" | awk '{ for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1) }'
}

# stop the VTEP and the capture; read the summary and the capture
finish() {
  kill -TERM $VPID
  wait $VPID
  VRC=$?
  VPID=
  [ "$VRC" = 0 ] || fail "vl2k-vtep exit status $VRC"
  grep -q "^end$" "$TMP/vtep.out" || fail "no summary from vl2k-vtep"
  if [ -s "$TMP/vtep.err" ]; then
    # sanitizer reports and library complaints land here
    fail "vl2k-vtep wrote to stderr"
  fi
  sleep 0.3 # let the last packets reach the capture
  kill -INT $TPID
  wait $TPID
  TPID=
  tcpdump -nn -t -v -r "$TMP/ul.pcap" >"$TMP/ul.txt" 2>/dev/null
  tcpdump -nn -t -r "$TMP/ul.pcap" >"$TMP/ul1.txt" 2>/dev/null
}
# summary KEY...: the number at the end of the summary line "KEY...", or 0
summary() {
  local k="$*"
  awk -v k="$k" 'index($0, k " ") == 1 { v = $NF } END { print v + 0 }' "$TMP/vtep.out"
}
# vxlan_count SRC DST VNI: underlay packets SRC -> DST:4789 with a VXLAN
# header flags [I] (0x08) and VNI
vxlan_count() {
  grep -cE "^IP $1\.[0-9]+ > $2\.4789: VXLAN, flags \[I\] \(0x08\), vni $3\$" "$TMP/ul1.txt"
}
# vxlan_inner SRC DST VNI PATTERN: such packets whose inner frame (the next
# line of tcpdump's output) matches PATTERN
vxlan_inner() {
  H="^IP $1\\.[0-9]+ > $2\\.4789: VXLAN, flags \\[I\\] \\(0x08\\), vni $3\$" PAT="$4" \
    awk 'hit && $0 ~ ENVIRON["PAT"] { n++ } { hit = ($0 ~ ENVIRON["H"]) } END { print n + 0 }' \
    "$TMP/ul1.txt"
}

if [ "$MODE" = interop ]; then
  # (1) ping both ways
  ip netns exec "$VA" ping -c 3 -i 0.2 -W 2 $OB >"$TMP/ping1" 2>&1 ||
    fail "ping vmA -> vmB: $(tail -2 "$TMP/ping1" | head -1)"
  ip netns exec "$VB" ping -c 3 -i 0.2 -W 2 $OA >"$TMP/ping2" 2>&1 ||
    fail "ping vmB -> vmA: $(tail -2 "$TMP/ping2" | head -1)"
  [ $FAILED = 0 ] && pass "(1) ping vmA <-> vmB across libvl2 and the kernel vxlan device"

  # (2) neighbour entries with the right MACs, then broadcast ARP requests
  # (arping) both ways with the entries flushed
  [ "$(neigh_mac "$VA" $TAP $OB)" = $MACB ] || fail "vmA has no ARP entry $OB -> $MACB"
  [ "$(neigh_mac "$VB" eth0 $OA)" = $MACA ] || fail "vmB has no ARP entry $OA -> $MACA"
  ip -n "$VA" neigh flush dev $TAP
  ip -n "$VB" neigh flush dev eth0
  ip netns exec "$VA" arping -c 2 -w 3 -i $TAP $OB >"$TMP/arp1" 2>&1
  grep -qi "from $MACB ($OB)" "$TMP/arp1" || fail "arping vmA -> vmB: $(cat "$TMP/arp1")"
  ip netns exec "$VB" arping -c 2 -w 3 -i eth0 $OA >"$TMP/arp2" 2>&1
  grep -qi "from $MACA ($OA)" "$TMP/arp2" || fail "arping vmB -> vmA: $(cat "$TMP/arp2")"
  [ $FAILED = 0 ] && pass "(2) ARP (broadcast requests, unicast replies) both ways"

  # kernel side learned vmA's MAC against libvl2's VTEP
  bridge -n "$B" fdb show dev vx0 | grep -q "^$MACA dst $UA " ||
    fail "kernel vx0 did not learn $MACA dst $UA: $(bridge -n "$B" fdb show dev vx0)"

  finish
  # (3) libvl2 learned vmB's MAC against the kernel VTEP, vmA's on the TAP
  grep -qx "fdb vni $VNI mac $MACB remote $UB dynamic" "$TMP/vtep.out" ||
    fail "libvl2 did not learn $MACB against remote $UB"
  grep -qx "fdb vni $VNI mac $MACA port 0 dynamic" "$TMP/vtep.out" ||
    fail "libvl2 did not learn $MACA on the TAP port"
  [ "$(summary fwd_from_remote)" -ge 6 ] || fail "too few frames forwarded from the kernel VTEP"
  [ "$(summary tx_fail_tap)" = 0 ] || fail "TAP transmit failures"
  [ "$(summary tx_fail_udp)" = 0 ] || fail "UDP underlay transmit failures"
  [ "$(summary encap_fail)" = 0 ] || fail "vl2_vxlan_encap failures"
  grep -q "^decap_fail " "$TMP/vtep.out" && fail "kernel VXLAN packets refused by vl2_vxlan_decap_frame"
  grep -q "^drop remote " "$TMP/vtep.out" && fail "frames from the kernel VTEP dropped"
  [ $FAILED = 0 ] && pass "(3) libvl2 learned $MACB at VTEP $UB; the kernel learned $MACA at $UA"

  # (4) the underlay: well-formed VXLAN, VNI N, both directions, ICMP inside
  ab=$(vxlan_count "${UA//./\\.}" "${UB//./\\.}" $VNI)
  ba=$(vxlan_count "${UB//./\\.}" "${UA//./\\.}" $VNI)
  all=$(grep -c "4789: VXLAN" "$TMP/ul1.txt")
  [ "$ab" -ge 6 ] || fail "only $ab VXLAN vni $VNI packets libvl2 -> kernel"
  [ "$ba" -ge 6 ] || fail "only $ba VXLAN vni $VNI packets kernel -> libvl2"
  [ "$all" = $((ab + ba)) ] || fail "$((all - ab - ba)) VXLAN packets with other flags/VNI/ports"
  grep -qE "^IP $UA\.4789 > $UB\.4789: VXLAN" "$TMP/ul1.txt" ||
    fail "libvl2's packets do not come from port 4789"
  n=$(vxlan_inner "${UA//./\\.}" "${UB//./\\.}" $VNI "^IP $OA > $OB: ICMP echo request")
  [ "$n" -ge 3 ] || fail "$n ICMP echo requests vmA -> vmB inside libvl2's VXLAN"
  n=$(vxlan_inner "${UB//./\\.}" "${UA//./\\.}" $VNI "^IP $OB > $OA: ICMP echo reply")
  [ "$n" -ge 3 ] || fail "$n ICMP echo replies vmB -> vmA inside the kernel's VXLAN"
  n=$(vxlan_inner "${UB//./\\.}" "${UA//./\\.}" $VNI "^ARP, Request who-has $OA")
  [ "$n" -ge 1 ] || fail "no broadcast ARP request from the kernel VTEP"
  n=$(vxlan_inner "${UA//./\\.}" "${UB//./\\.}" $VNI "^ARP, Request who-has $OB")
  [ "$n" -ge 1 ] || fail "no broadcast ARP request from libvl2"
  # -v: the outer UDP length is the VXLAN header + inner frame, no IP options
  grep -q "bad\|truncated\|malformed" "$TMP/ul.txt" && fail "tcpdump -v complains: $(grep -m3 "bad\|truncated\|malformed" "$TMP/ul.txt")"
  [ $FAILED = 0 ] && pass "(4) underlay: $ab + $ba VXLAN packets, flags [I] (0x08), vni $VNI, both directions"
else
  udp0=$(udp_in "$B")
  # the kernel drops a VXLAN packet whose VNI has no device in vxlan_rcv
  # with drop reason VXLAN_VNI_NOT_FOUND and counts it nowhere (no device
  # to count it on); when tracefs is at hand, watch the skb:kfree_skb
  # tracepoint in a private tracing instance, filtered on that reason (so
  # that other drops on a busy host cannot overrun the buffer)
  vnf_id=$(tracefs "cat \$T/events/skb/kfree_skb/format" |
    sed -n 's/.*{ \([0-9]*\), "VXLAN_VNI_NOT_FOUND" }.*/\1/p')
  if [ -n "$vnf_id" ] && tracefs "mkdir \$I && echo 'reason == $vnf_id' > \$I/events/skb/kfree_skb/filter && echo 1 > \$I/events/skb/kfree_skb/enable"; then
    TRACE=1
  fi
  # vmA and vmB try to reach each other: ARP requests cross the underlay
  # in both directions but are dropped at the receiving VTEP
  ip netns exec "$VA" ping -c 2 -i 0.5 -W 1 $OB >/dev/null 2>&1 &&
    fail "ping vmA -> vmB works across different VNIs"
  ip netns exec "$VA" arping -c 2 -w 2 -i $TAP $OB >"$TMP/arp1" 2>&1
  grep -qi "from $MACB" "$TMP/arp1" && fail "vmA got an ARP reply from vmB"
  ip netns exec "$VB" ping -c 2 -i 0.5 -W 1 $OA >/dev/null 2>&1 &&
    fail "ping vmB -> vmA works across different VNIs"
  ip netns exec "$VB" arping -c 2 -w 2 -i eth0 $OA >"$TMP/arp2" 2>&1
  grep -qi "from $MACA" "$TMP/arp2" && fail "vmB got an ARP reply from vmA"
  [ -z "$(neigh_mac "$VA" $TAP $OB)" ] || fail "vmA resolved $OB"
  [ -z "$(neigh_mac "$VB" eth0 $OA)" ] || fail "vmB resolved $OA"
  udp1=$(udp_in "$B")
  rxp=$(vx_stat rx_packets)
  rxd=$(vx_stat rx_dropped)
  finish
  # libvl2 side: the kernel's frames (VNI N+1) decapsulate fine and are
  # dropped by the switch as no_segment, counted alike in the verdicts and
  # the switch's counters; nothing learned from the remote
  ns=$(summary drop remote no_segment)
  sw=$(summary switch_drop no_segment)
  [ "$ns" -ge 2 ] || fail "libvl2 counted $ns no_segment drops of the kernel's VNI $KVNI"
  [ "$sw" = "$ns" ] || fail "switch counters say $sw no_segment drops, verdicts $ns"
  [ "$(summary fwd_from_remote)" = 0 ] || fail "frames of VNI $KVNI were forwarded"
  [ "$(summary tx_fail_udp)" = 0 ] || fail "UDP underlay transmit failures"
  grep -q " remote $UB " "$TMP/vtep.out" && fail "libvl2 learned a MAC from VNI $KVNI"
  grep -q "^decap_fail " "$TMP/vtep.out" && fail "decap refused well-formed kernel packets"
  [ $FAILED = 0 ] && pass "libvl2 dropped $ns frames of VNI $KVNI as no_segment"
  # kernel side: libvl2's VNI N packets reached host B's VXLAN socket
  # (counted as UDP datagrams received) and were discarded: none reached
  # vx0 or vmB
  ab=$(vxlan_count "${UA//./\\.}" "${UB//./\\.}" $VNI)
  ba=$(vxlan_count "${UB//./\\.}" "${UA//./\\.}" $KVNI)
  [ "$ab" -ge 2 ] || fail "only $ab VXLAN vni $VNI packets libvl2 -> kernel"
  [ "$ba" -ge 2 ] || fail "only $ba VXLAN vni $KVNI packets kernel -> libvl2"
  [ $((udp1 - udp0)) -ge "$ab" ] ||
    fail "host B's UDP InDatagrams grew by $((udp1 - udp0)), less than the $ab packets sent to it"
  [ "$rxp" = 0 ] || fail "vx0 (VNI $KVNI) received $rxp packets of VNI $VNI"
  if [ -n "$TRACE" ]; then
    vnf=$(tracefs "grep -c 'location=vxlan_rcv.*reason: VXLAN_VNI_NOT_FOUND' \$I/trace")
    [ "${vnf:-0}" -ge "$ab" ] ||
      fail "the kernel freed ${vnf:-0} skbs with reason VXLAN_VNI_NOT_FOUND, fewer than the $ab packets of VNI $VNI"
    [ $FAILED = 0 ] && pass "kernel: $vnf skbs freed in vxlan_rcv with drop reason VXLAN_VNI_NOT_FOUND (skb:kfree_skb)"
  else
    echo "NOTE: no tracefs (or no VXLAN_VNI_NOT_FOUND drop reason): kernel drop reason not checked"
  fi
  [ $FAILED = 0 ] && pass "kernel consumed $ab packets of VNI $VNI (UDP InDatagrams +$((udp1 - udp0))) and delivered none to vx0 (rx_packets $rxp, rx_dropped $rxd) or vmB"
fi

if [ $FAILED != 0 ]; then
  dump
  exit 1
fi
exit 0

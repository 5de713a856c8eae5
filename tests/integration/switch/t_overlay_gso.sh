#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The overlay at speed (issue 12): TCP super-frames from a TAP with offload
# leave as UDP_SEGMENT sends, come back through UDP_GRO and inner TCP
# coalescing, each inner flow on its own outer source port.
#
#   vm1 (TAP, offload) -- [h1: vl2-switch] --veth u1/u2-- [h2: peer] -- vm2
#        overlay 10.85.0.0/24, MTU 1450      underlay 192.168.252.0/24, MTU 1500
#
# The peer h2 is the Linux vxlan device + bridge (kernel) or a second
# vl2-switch (vl2). Modes:
#   kernel     20 MB each way between vm1 and vm2 (SHA-256 at both ends);
#              h1's underlay veth cannot segment UDP (tx-udp-segmentation
#              off, like a NIC without USO), so the kernel splits each
#              UDP_SEGMENT send in software and the capture on u1 shows the
#              datagrams: every one a well-formed VXLAN packet (flags I,
#              VNI 6001) of at most 1500 bytes, more of them than sends;
#              h2's underlay veth has transmit checksum offload off (a
#              Linux VTEP on a veth otherwise sends unfinished inner
#              checksums, which a real NIC would finish).
#   vl2        the same between two vl2-switch hosts, with GRO on h2
#              coalescing (super-frames written to its TAP).
#   flows      16 inner TCP connections vm1 -> vm2 (kernel peer): the
#              capture shows them on at least 8 distinct outer source
#              ports, each connection on exactly one, all in the configured
#              range, and the kernel VTEP delivered every byte of each.
#   fullspeed  iperf3 TCP for 30 s from vm2 (kernel) to vm1 and 30 s back:
#              vl2-switch still runs, a 20 MB transfer afterwards is
#              intact, and vl2ctl's socket drop count is the kernel's
#              (the drops column of /proc/net/udp for the underlay socket).
. "$(dirname "$0")/lib.sh"
MODE=${3:?usage: $0 BINDIR TOOLDIR kernel|vl2|flows|fullspeed}
for c in tcpdump ethtool; do command -v $c >/dev/null || skip "no $c"; done
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import scapy.all' 2>/dev/null ||
  skip "no /usr/bin/python3 with scapy"
[ "$MODE" != fullspeed ] || command -v iperf3 >/dev/null || skip "no iperf3"

H1=${P}h1; H2=${P}h2; V1=${P}v1; V2=${P}v2
mkns "$H1"; mkns "$H2"
ip -n "$H1" link add u1 type veth peer name u2 netns "$H2"
ip -n "$H1" addr add 192.168.252.1/24 dev u1; ip -n "$H1" link set u1 up
ip -n "$H2" addr add 192.168.252.2/24 dev u2; ip -n "$H2" link set u2 up

conf() { # conf LOCAL REMOTE TAP MACBYTE
cat <<CONF
underlay = { local = "$1"; port = 4789; mtu = 1500; sport_lo = 61000; sport_hi = 61063; };
segments = ( { vni = 6001; vlan = 10; flood = [ "$2" ]; } );
ports = ( { name = "$3"; vlan = 10; mac = "02:00:00:00:$4:0a"; mtu = 1450; } );
CONF
}
conf 192.168.252.1 192.168.252.2 "${P}p" 01 >"$TMP/h1.conf"
start_switch "$H1" "$TMP/h1.conf" "$TMP/h1.sock" "$TMP/h1.log"; S1=$SPID
vm "$H1" "${P}p" "$V1" 10.85.0.1/24
if [ "$MODE" = vl2 ]; then
  conf 192.168.252.2 192.168.252.1 "${P}q" 02 >"$TMP/h2.conf"
  start_switch "$H2" "$TMP/h2.conf" "$TMP/h2.sock" "$TMP/h2.log"; S2=$SPID
  vm "$H2" "${P}q" "$V2" 10.85.0.2/24
else
  # The kernel VTEP: vxlan device + bridge, the VM on a veth.
  ip -n "$H2" link add vx0 type vxlan id 6001 local 192.168.252.2 \
    remote 192.168.252.1 dstport 4789 dev u2 || fail "kernel vxlan device"
  ip -n "$H2" link add br0 type bridge
  ip -n "$H2" link set vx0 master br0
  mkns "$V2"
  ip netns exec "$V2" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
  ip -n "$H2" link add hv2 type veth peer name eth0 netns "$V2"
  ip -n "$H2" link set hv2 master br0
  for d in vx0 br0 hv2; do ip -n "$H2" link set $d up; done
  ip -n "$V2" link set eth0 address 02:00:00:00:02:0a mtu 1450
  ip -n "$V2" addr add 10.85.0.2/24 dev eth0
  ip -n "$V2" link set eth0 up
  ip netns exec "$H2" ethtool -K u2 tx off >/dev/null || fail "ethtool tx off"
fi
# h1's underlay cannot segment UDP: the kernel does it in software, and
# the capture on u1 sees the datagrams as they leave.
ip netns exec "$H1" ethtool -K u1 tx-udp-segmentation off >/dev/null ||
  fail "ethtool tx-udp-segmentation off"
LOG=$TMP/h1.log
ok=0
for _ in 1 2 3 4 5; do
  ip netns exec "$V1" ping -c 1 -W 2 10.85.0.2 >/dev/null && { ok=1; break; }
done
[ $ok = 1 ] || fail "no ping across the overlay"

stats() { "$CTL" -s "$TMP/$1.sock" --json stats; }
S=$(stats h1) || fail "vl2ctl stats"
[ "$(echo "$S" | json "d['underlay']['gso']")" = True ] || fail "GSO is off"
[ "$(echo "$S" | json "d['underlay']['gro']")" = True ] || fail "GRO is off"
[ "$(echo "$S" | json "d['underlay']['source_ports']")" = 64 ] ||
  fail "source-port pool: $(echo "$S" | json "d['underlay']")"

capture() { # capture FILE: start tcpdump on u1 (UDP 4789), wait until it runs
  ip netns exec "$H1" tcpdump -i u1 -n -s 200 -B 16384 -w "$1" udp port 4789 \
    >"$TMP/tcpdump.log" 2>&1 &
  TPID=$!
  for _ in $(seq 50); do
    grep -q "listening on" "$TMP/tcpdump.log" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "tcpdump did not start"
}
capture_stop() { sleep 0.5; kill -INT "$TPID"; wait "$TPID" 2>/dev/null; }

# check_capture FILE SRC: every datagram from SRC well-formed VXLAN of
# VNI 6001 and at most 1500 bytes of IP; prints the number.
check_capture() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
from scapy.all import PcapReader, IP, UDP
n = bad = big = 0
for p in PcapReader(sys.argv[1]):
    if IP not in p or UDP not in p or p[IP].src != sys.argv[2]:
        continue
    n += 1
    if p[IP].len > 1500:
        big += 1
    v = bytes(p[UDP].payload)[:8]
    if len(v) < 8 or v[0] != 0x08 or int.from_bytes(v[4:7], "big") != 6001:
        bad += 1
if bad or big:
    print("bad %d big %d of %d" % (bad, big, n))
    sys.exit(1)
print(n)
PY
}

case $MODE in
kernel | vl2)
  capture "$TMP/u1.pcap"
  xfer "$V1" "$V2" 10.85.0.2
  capture_stop
  N=$(check_capture "$TMP/u1.pcap" 192.168.252.1) || fail "capture: $N"
  S=$(stats h1)
  SENDS=$(echo "$S" | json "d['underlay']['gso_sends']")
  SEGS=$(echo "$S" | json "d['underlay']['gso_segments']")
  FB=$(echo "$S" | json "d['underlay']['gso_fallbacks']")
  echo "h1: $SENDS UDP_SEGMENT sends of $SEGS datagrams; $N VXLAN datagrams captured, all <= 1500 bytes; fallbacks $FB"
  [ "$SENDS" -gt 0 ] && [ "$SEGS" -ge $((SENDS * 2)) ] ||
    fail "super-frames did not leave as UDP_SEGMENT sends"
  # (tcpdump may miss some at this rate: its own drops are not ours)
  [ "$N" -ge $((SENDS * 2)) ] || fail "captured $N datagrams for $SENDS sends"
  pass "20 MB vm1 -> vm2 ($MODE peer) intact; super-frames left as several well-formed VXLAN datagrams <= MTU"
  xfer "$V2" "$V1" 10.85.0.1
  S=$(stats h1)
  SUP=$(echo "$S" | json "d['tunnel']['coalesce_supers']")
  MER=$(echo "$S" | json "d['tunnel']['coalesce_merged']")
  TXG=$(echo "$S" | json "sum(p.get('device',{}).get('tx_gso_frames',0) for p in d['ports'])")
  echo "h1: coalesced $MER segments into $SUP super-frames; TAP wrote $TXG GSO frames"
  [ "$SUP" -gt 0 ] && [ "$MER" -gt "$SUP" ] || fail "nothing was coalesced"
  if [ "$MODE" = vl2 ]; then
    S2=$(stats h2)
    echo "h2: GRO $(echo "$S2" | json "d['underlay']['gro_batches']") buffers of $(echo "$S2" | json "d['underlay']['gro_segments']") datagrams, coalesced $(echo "$S2" | json "d['tunnel']['coalesce_merged']") into $(echo "$S2" | json "d['tunnel']['coalesce_supers']")"
  fi
  pass "20 MB vm2 -> vm1 ($MODE peer) intact, coalesced into super-frames"
  ;;
flows)
  capture "$TMP/flows.pcap"
  ip netns exec "$V2" /usr/bin/python3 - "$TMP/flows.rx" <<'PY' &
import selectors, socket, sys
sel = selectors.DefaultSelector()
for port in range(7000, 7016):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port)); s.listen(1); s.setblocking(False)
    sel.register(s, selectors.EVENT_READ, ("l", port))
got, done = {}, 0
while done < 16:
    ev = sel.select(timeout=30)
    if not ev:
        break
    for k, _ in ev:
        kind, port = k.data
        if kind == "l":
            c, _ = k.fileobj.accept(); c.setblocking(False)
            sel.register(c, selectors.EVENT_READ, ("c", port))
        else:
            b = k.fileobj.recv(1 << 16)
            if b:
                got[port] = got.get(port, 0) + len(b)
            else:
                sel.unregister(k.fileobj); k.fileobj.close(); done += 1
open(sys.argv[1], "w").write(" ".join("%d:%d" % kv for kv in sorted(got.items())) + "\n")
PY
  RPID=$!
  sleep 0.5
  ip netns exec "$V1" /usr/bin/python3 - <<'PY' || fail "flow senders"
import socket
conns = [socket.create_connection(("10.85.0.2", 7000 + i), timeout=20) for i in range(16)]
for r in range(8):
    for c in conns:
        c.sendall(bytes([r]) * 65536)
for c in conns:
    c.close()
PY
  wait "$RPID" || fail "flow receiver"
  capture_stop
  RX=$(cat "$TMP/flows.rx")
  echo "kernel peer received: $RX"
  [ "$(echo "$RX" | tr ' ' '\n' | grep -c ':524288$')" = 16 ] ||
    fail "the kernel VTEP did not deliver all 16 flows: $RX"
  /usr/bin/python3 - "$TMP/flows.pcap" <<'PY' || fail "source ports"
import sys
from scapy.all import PcapReader, IP, UDP, TCP, VXLAN, Ether
ports = {}
for p in PcapReader(sys.argv[1]):
    if IP not in p or UDP not in p or p[IP].src != "192.168.252.1":
        continue
    inner = Ether(bytes(p[UDP].payload)[8:])
    if TCP not in inner or not 7000 <= inner[TCP].dport < 7016:
        continue
    ports.setdefault((inner[TCP].sport, inner[TCP].dport), set()).add(p[UDP].sport)
distinct = set().union(*ports.values()) if ports else set()
print("%d flows on %d outer source ports: %s" % (len(ports), len(distinct), sorted(distinct)))
ok = len(ports) == 16 and len(distinct) >= 8
for f, s in sorted(ports.items()):
    if len(s) != 1:
        print("flow %s on ports %s" % (f, sorted(s))); ok = False
    if not all(61000 <= x <= 61063 for x in s):
        print("flow %s outside the range: %s" % (f, sorted(s))); ok = False
sys.exit(0 if ok else 1)
PY
  pass "16 inner flows on >= 8 outer source ports, one port each, all delivered by the kernel VTEP"
  ;;
fullspeed)
  # Servers for one test each, in the foreground of a timeout (never a
  # daemon: one would outlive a killed test, holding its namespace and any
  # lock the test runs under); the cleanup kills them on failure.
  ip netns exec "$V1" timeout 100 iperf3 -s -1 >/dev/null 2>&1 &
  SPIDS+=($!)
  ip netns exec "$V2" timeout 100 iperf3 -s -1 >/dev/null 2>&1 &
  SPIDS+=($!)
  sleep 0.5
  ip netns exec "$V2" timeout 60 iperf3 -c 10.85.0.1 -t 30 -J >"$TMP/k2v.json" 2>&1
  ip netns exec "$V1" timeout 60 iperf3 -c 10.85.0.2 -t 30 -J >"$TMP/v2k.json" 2>&1
  rate() { /usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); e=d["end"]
print("%.2f Gb/s, %d bytes, %d retransmits" % (e["sum_received"]["bits_per_second"]/1e9, e["sum_received"]["bytes"], e["sum_sent"].get("retransmits", 0)))' "$1"; }
  K2V=$(rate "$TMP/k2v.json") || fail "iperf3 kernel -> vl2: $(head -c 300 "$TMP/k2v.json")"
  V2K=$(rate "$TMP/v2k.json") || fail "iperf3 vl2 -> kernel: $(head -c 300 "$TMP/v2k.json")"
  echo "kernel -> vl2-switch: $K2V; vl2-switch -> kernel: $V2K"
  kill -0 "$S1" 2>/dev/null || fail "vl2-switch died at full speed"
  xfer "$V2" "$V1" 10.85.0.1
  xfer "$V1" "$V2" 10.85.0.2
  S=$(stats h1)
  D=$(echo "$S" | json "d['underlay']['socket_drops']")
  K=$(echo "$S" | json "d['underlay']['socket_drops_known']")
  RXD=$(echo "$S" | json "d['underlay']['rx_dropped']")
  TR=$(echo "$S" | json "d['underlay']['truncated']")
  # /proc/net/udp: local address 00000000:12B5 (port 4789), drops last.
  PD=$(ip netns exec "$H1" awk '$2 ~ /:12B5$/ { print $NF }' /proc/net/udp | head -1)
  echo "socket drops: vl2ctl $D (rx_dropped $RXD, truncated $TR), /proc/net/udp $PD"
  [ "$K" = True ] || fail "socket drops not read"
  [ "$D" = "$PD" ] || fail "vl2ctl says $D socket drops, the kernel $PD"
  [ "$RXD" = $((D + TR)) ] || fail "rx_dropped $RXD != $D + $TR"
  pass "30 s of full-speed TCP each way: vl2-switch alive, 20 MB intact after, socket drops counted exactly"
  ;;
*) fail "mode $MODE" ;;
esac
stop_switch "$S1"; [ "$RC" = 0 ] || fail "h1 exit status $RC"

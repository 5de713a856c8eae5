#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# MAC mobility (RFC 7432 section 15) through a route reflector: three
# VTEPs (h1 vl2-switch, h2 Linux kernel, h3 vl2-switch) peer only with rr.
# A VM (one MAC, one IP) moves from h3 to h1 by GARP, and back, while vm2
# on the kernel host pings it every 50 ms: traffic follows within 1 s
# each time, zebra's MAC mobility sequence number rises each time, and no
# reply is duplicated. The mirror objects are then hit: h1's mirror vxlan
# device is deleted under vl2-switch, which re-creates it and gets the
# remote state back.
. "$(dirname "$0")/lib.sh"
command -v arping >/dev/null || skip "no arping"

RRN=${P}rr H1=${P}h1 H2=${P}h2 H3=${P}h3
X=02:00:00:00:dd:01 XIP=10.100.0.50
M2=02:00:00:00:b0:01
for h in $RRN $H1 $H2 $H3; do mkns $h; done
ul $RRN 10.99.0.254
ul $H1 10.99.0.1
ul $H2 10.99.0.2
ul $H3 10.99.0.3
RR=1 frr_start $RRN 10.99.0.254 10.99.0.1 10.99.0.2 10.99.0.3
for i in 1 2 3; do frr_start ${P}h$i 10.99.0.$i 10.99.0.254; done

kvtep $H2 100 10.99.0.2
kvm $H2 ${P}vm2 100 10.100.0.2/24 $M2
swconf $TMP/h1.conf 10.99.0.1 100:10:vmx1:${X//:/-}
swconf $TMP/h3.conf 10.99.0.3 100:10:vmx3:${X//:/-}
S1=$TMP/h1.sock S3=$TMP/h3.sock
start_switch $H1 $TMP/h1.conf $S1 $TMP/h1.log
start_switch $H3 $TMP/h3.conf $S3 $TMP/h3.log
# The VM's two possible homes: its interface is up in one at a time.
svm $H1 vmx1 ${P}x1 $XIP/24
svm $H3 vmx3 ${P}x3 $XIP/24
ip -n ${P}x1 link set vmx1 down

ping_ok() { ip netns exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1; }
wait_for 30 ping_ok ${P}vm2 $XIP || fail "vm2 cannot reach the VM on h3"
wait_for 10 sh -c "ip netns exec $H2 bridge fdb show dev vx100 | grep -q '$X dst 10.99.0.3'" ||
  fail "h2 does not have the VM behind h3"
pass "the VM on h3 is reachable from the kernel VTEP through the route reflector"

seqno() {
  vty $H2 -c "show evpn mac vni 100 mac $X json" | python3 -c "
import json,sys; d=json.load(sys.stdin); m=d.get('$X', d)
print(max(int(m.get('localSequence',0)), int(m.get('remoteSequence',0))))"
}

# move FROMNS FROMIF TONS TOIF VTEP: take the VM down at one place, up at
# the other, GARP; return how long vm2's replies stopped (ms).
move() {
  local from=$1 fif=$2 to=$3 tif=$4 vtep=$5
  ip netns exec ${P}vm2 ping -D -i 0.05 -W 1 -c 80 $XIP >$TMP/ping.txt 2>&1 &
  local pp=$!
  sleep 1
  local t
  t=$(date +%s.%N)
  ip -n "$from" link set "$fif" down
  ip -n "$to" link set "$tif" up
  ip netns exec "$to" arping -q -U -c 1 -I "$tif" $XIP
  wait $pp
  wait_for 5 sh -c "ip netns exec $H2 bridge fdb show dev vx100 | grep -q '$X dst $vtep'" ||
    fail "h2 did not move the VM to $vtep: $(ip netns exec $H2 bridge fdb show dev vx100 | grep $X)"
  grep -q DUP $TMP/ping.txt && fail "duplicate replies during the move: $(grep -c DUP $TMP/ping.txt)"
  # the longest gap between replies around the move
  python3 - "$t" $TMP/ping.txt <<'PY'
import re, sys
t = float(sys.argv[1]); ts = []
for l in open(sys.argv[2]):
    m = re.match(r'\[(\d+\.\d+)\] \d+ bytes from', l)
    if m: ts.append(float(m.group(1)))
after = [x for x in ts if x > t]
if not after: print(99999); sys.exit()
before = [x for x in ts if x <= t]
print(int(((after[0] - t) if not before else max(b - a for a, b in zip([before[-1]] + after, after))) * 1000))
PY
}

s0=$(seqno)
gap=$(move ${P}x3 vmx3 ${P}x1 vmx1 10.99.0.1)
s1=$(seqno)
[ "$gap" -lt 1000 ] || fail "traffic followed the move h3 -> h1 only after $gap ms"
[ "$s1" -gt "$s0" ] || fail "MAC mobility sequence did not rise (h3 -> h1): $s0 -> $s1"
org=$("$CTL" -s $S3 -j fdb | json "[(e['origin'], e.get('remote')) for e in d['fdb'] if e['mac']=='$X']")
[ "$org" = "[('evpn', '10.99.0.1')]" ] || fail "h3's entry for the VM after it left: $org"
pass "VM moved h3 -> h1 by GARP: traffic back within $gap ms, sequence $s0 -> $s1, h3 points at h1"

gap=$(move ${P}x1 vmx1 ${P}x3 vmx3 10.99.0.3)
s2=$(seqno)
[ "$gap" -lt 1000 ] || fail "traffic followed the move h1 -> h3 only after $gap ms"
[ "$s2" -gt "$s1" ] || fail "MAC mobility sequence did not rise (h1 -> h3): $s1 -> $s2"
org=$("$CTL" -s $S1 -j fdb | json "[(e['origin'], e.get('remote')) for e in d['fdb'] if e['mac']=='$X']")
[ "$org" = "[('evpn', '10.99.0.3')]" ] || fail "h1's entry for the VM after it left: $org"
pass "VM moved back h1 -> h3: traffic back within $gap ms, sequence $s1 -> $s2, h1 points at h3"

# --- hostile: the mirror vxlan device deleted under vl2-switch -------------
ip -n $H1 link del vl2x100
wait_for 10 sh -c "$CTL -s $S1 -j stats | grep -q '\"recreated\": *[1-9]'" ||
  fail "h1 did not re-create its mirror"
wait_for 10 sh -c "$CTL -s $S1 -j fdb | grep -q '\"$M2\"'" ||
  fail "h1 did not get vm2 back after re-creating its mirror"
ip -n $H1 link show vl2x100 | grep -q "UP" || fail "re-created mirror is not up"
pass "mirror vxlan device deleted on h1: re-created, remote state back"
exit 0

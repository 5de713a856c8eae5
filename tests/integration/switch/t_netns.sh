#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# VMs that survive a switch restart: ports with netns = "NAME" get their
# TAP created inside the VM's namespace (never in the switch's), and with
# persist = true a vl2-switch killed with SIGKILL and started again finds
# the same TAPs there: the VM keeps its interface index and address, and a
# ping running across the crash resumes within 3 s. A reload that
# re-creates such a port (new MTU) re-attaches it the same way. Hostile:
# a namespace that does not exist, and a relative path, are refused by
# --check with the reason.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
mkns "${P}va"
mkns "${P}vb"
SOCK=$TMP/ctl.sock
conf() { # conf MTU
  cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 11; vlan = 1; } );
ports = (
  { name = "${P}a"; netns = "${P}va"; persist = true; mtu = $1; },
  { name = "${P}b"; netns = "/run/netns/${P}vb"; persist = true; mtu = $1; }
);
CONF
}
conf 1500
start_switch "$H" "$TMP/sw.conf" "$SOCK"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "TAP created in the switch's namespace"
ip -n "${P}va" link show "${P}a" >/dev/null || fail "TAP ${P}a not in ${P}va"
ip -n "${P}vb" link show "${P}b" >/dev/null || fail "TAP ${P}b not in ${P}vb"
"$CTL" -s "$SOCK" --json ports | json "[p.get('netns') for p in d['ports']]" | grep -q "/run/netns/${P}va" || fail "ports do not show the netns"
ip -n "${P}va" addr add 10.93.0.1/24 dev "${P}a"
ip -n "${P}vb" addr add 10.93.0.2/24 dev "${P}b"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.93.0.2 >/dev/null || fail "no ping between the VMs"
IDXA=$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)
IDXB=$(ip -n "${P}vb" -o link show "${P}b" | cut -d: -f1)
pass "TAPs created inside the VM namespaces (ifindex $IDXA, $IDXB)"

# a ping across the crash, each reply time-stamped
ip netns exec "${P}va" ping -D -i 0.1 -W 1 -w 20 10.93.0.2 >"$TMP/ping.out" 2>&1 &
PING=$!
sleep 1
kill -KILL "$SPID"; wait "$SPID" 2>/dev/null
sleep 1
ip -n "${P}va" link show "${P}a" >/dev/null 2>&1 || fail "SIGKILL removed the persistent TAP from the VM"
T0=$(date +%s.%N)
start_switch "$H" "$TMP/sw.conf" "$SOCK" "$TMP/switch2.log"
grep -q "attached" "$LOG" || fail "restart did not attach to the existing TAPs"
sleep 4
kill -INT "$PING" 2>/dev/null; wait "$PING" 2>/dev/null
FIRST=$(awk -v t0="$T0" '/bytes from/ { gsub(/[\[\]]/, "", $1); if ($1 > t0) { print $1 - t0; exit } }' "$TMP/ping.out")
[ -n "$FIRST" ] || { tail -5 "$TMP/ping.out"; fail "ping did not resume after the restart"; }
/usr/bin/python3 -c "import sys; sys.exit(0 if float('$FIRST') <= 3 else 1)" || fail "ping resumed only after $FIRST s"
[ "$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)" = "$IDXA" ] || fail "VM interface index changed"
[ "$(ip -n "${P}vb" -o link show "${P}b" | cut -d: -f1)" = "$IDXB" ] || fail "VM interface index changed (b)"
ip -n "${P}va" -o addr show dev "${P}a" | grep -q "10.93.0.1/24" || fail "VM address lost"
pass "kill -9 and restart: ping resumed after ${FIRST} s, ifindex $IDXA/$IDXB and address kept"

# a reload that re-creates the ports (new MTU): re-attached in the VMs
conf 1400
kill -HUP "$SPID"
for _ in $(seq 30); do
  ip -n "${P}va" -o link show "${P}a" | grep -q "mtu 1400" && break; sleep 0.1
done
ip -n "${P}va" -o link show "${P}a" | grep -q "mtu 1400" || fail "reload did not apply the MTU"
[ "$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)" = "$IDXA" ] || fail "reload re-created the VM interface"
ip -n "${P}va" -o addr show dev "${P}a" | grep -q "10.93.0.1/24" || fail "reload lost the VM address"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.93.0.2 >/dev/null || fail "no ping after the reload"
pass "reload re-creating the ports re-attaches them in the VMs"

# hostile: bad namespaces are refused before anything is created
sed "s#netns = \"${P}va\"#netns = \"${P}nosuch\"#" "$TMP/sw.conf" >"$TMP/bad.conf"
out=$("$SW" --check --config "$TMP/bad.conf" 2>&1) && fail "missing netns accepted"
echo "$out" | grep -q "no such network namespace (/run/netns/${P}nosuch)" || fail "missing netns message: $out"
sed "s#netns = \"${P}va\"#netns = \"run/netns/${P}va\"#" "$TMP/sw.conf" >"$TMP/bad.conf"
out2=$("$SW" --check --config "$TMP/bad.conf" 2>&1) && fail "relative netns path accepted"
echo "$out2" | grep -q "a name or an absolute path" || fail "relative netns message: $out2"
pass "bad namespaces refused: $out"

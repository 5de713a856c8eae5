#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Reload (SIGHUP and vl2ctl reload): a bad file is refused and the old
# configuration keeps running; a good one is applied as a difference
# (a port added, a static entry added) without disturbing untouched ports.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 1; } );
ports = (
  { name = "${P}a"; mac = "02:00:00:00:02:0a"; },
  { name = "${P}b"; mac = "02:00:00:00:02:0b"; }
);
CONF
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.80.0.1/24
vm "$H" "${P}b" "${P}vb" 10.80.0.2/24
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.80.0.2 >/dev/null || fail "ping before reload"
IDX=$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)

# a broken file: refused, switch keeps running with the old one
cp "$TMP/sw.conf" "$TMP/good.conf"
echo 'ports = ( { name = "x"; vlan = 77; } );' >"$TMP/sw.conf"
out=$("$CTL" -s "$SOCK" reload 2>&1) && fail "bad reload accepted"
echo "$out"
echo "$out" | grep -q "sw.conf:1: .*VLAN 77 belongs to no segment" || fail "bad reload message"
kill -HUP "$SPID"; sleep 0.3
kill -0 "$SPID" || fail "switch died on a bad SIGHUP reload"
grep -q "reload refused" "$LOG" || fail "SIGHUP reload error not logged"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.80.0.2 >/dev/null || fail "ping after a refused reload"

# a good file with a third port and a static entry
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 1; } );
ports = (
  { name = "${P}a"; mac = "02:00:00:00:02:0a"; },
  { name = "${P}b"; mac = "02:00:00:00:02:0b"; },
  { name = "${P}c"; mac = "02:00:00:00:02:0c"; }
);
fdb = ( { mac = "02:00:00:00:02:99"; vni = 1; port = "${P}b"; } );
CONF
ip netns exec "${P}va" ping -i 0.05 -c 60 -W 1 10.80.0.2 >"$TMP/ping.out" &
PING=$!
sleep 0.5
kill -HUP "$SPID"
"$CTL" -s "$SOCK" reload || fail "vl2ctl reload"
wait $PING
grep "packet loss" "$TMP/ping.out"
grep -q " 0% packet loss" "$TMP/ping.out" || fail "traffic dropped during reload"
ip -n "$H" link show "${P}c" >/dev/null || fail "new port not created"
"$CTL" -s "$SOCK" fdb | grep -q "^02:00:00:00:02:99 dev ${P}b vni 1 master vl2 static" || fail "static entry not added"
[ "$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)" = "$IDX" ] || fail "untouched port was re-created"

# remove the port again and change a's VLAN mapping: a is re-added in the
# switch, its TAP stays
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 2; vlan = 1; } );
ports = (
  { name = "${P}a"; mac = "02:00:00:00:02:0a"; },
  { name = "${P}b"; mac = "02:00:00:00:02:0b"; }
);
CONF
"$CTL" -s "$SOCK" reload || fail "second reload"
ip -n "$H" link show "${P}c" >/dev/null 2>&1 && fail "removed port still there"
"$CTL" -s "$SOCK" segments | grep -q "^vni 2 vlan 1 .*ports ${P}a,${P}b" || fail "segment change not applied"
[ "$(ip -n "${P}va" -o link show "${P}a" | cut -d: -f1)" = "$IDX" ] || fail "port a's TAP was re-created"
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.80.0.2 >/dev/null || fail "ping after re-mapping"
pass "reload applies differences, refuses bad files"

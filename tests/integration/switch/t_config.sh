#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Library capabilities reachable from the configuration file: the three
# per-port flood controls one by one (flood_unknown = false still gets
# broadcast; flood_broadcast = false still gets unknown unicast), an
# 802.1ad (qinq) trunk, per-port and per-segment limits changed by a
# reload (a MAC flood after the reload is held to the new limit). And the
# text and JSON views agree: text `stats` shows every counter `--json
# stats` has. Hostile: qinq on an access port, a bad flood value.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c "import scapy" 2>/dev/null || skip "no scapy for $PY"
H=${P}h
mkns "$H"
conf() { # conf PORT_LIMIT
  cat >"$TMP/sw.conf" <<CONF
limits = { max_macs_per_port = $1; };
segments = ( { vni = 300; vlan = 1; }, { vni = 301; vlan = 30; } );
ports = (
  { name = "${P}a"; },
  { name = "${P}b"; },
  { name = "${P}c"; flood_unknown = false; },
  { name = "${P}d"; flood = false; flood_broadcast = true; },
  { name = "${P}q"; trunk = [ 30 ]; qinq = true; }
);
CONF
}
conf 0
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
for x in a b c d; do
  mkns "${P}v$x"
  ip netns exec "${P}v$x" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$H" link set "${P}$x" netns "${P}v$x"
  ip -n "${P}v$x" link set "${P}$x" up
done

txof() { "$CTL" -s "$SOCK" --json ports | json "[p['stats']['tx_frames'] for p in d['ports'] if p['name'] == '$1'][0]"; }
send() { # send DST COUNT [SRC...]: frames from port a
  ip netns exec "${P}va" $PY - "${P}a" "$@" <<'PY'
import sys
from scapy.all import Ether, sendp
iface, dst, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
srcs = sys.argv[4:] or ["02:00:00:00:0a:01"]
for s in srcs:
    sendp([Ether(src=s, dst=dst, type=0x88b5) / (b"x" * 46)] * n, iface=iface, verbose=False)
PY
}
b0=$(txof "${P}b"); c0=$(txof "${P}c"); d0=$(txof "${P}d")
send 02:00:00:00:77:77 5 # unknown unicast
sleep 0.3
b1=$(txof "${P}b"); c1=$(txof "${P}c"); d1=$(txof "${P}d")
send ff:ff:ff:ff:ff:ff 5 # broadcast
sleep 0.3
b2=$(txof "${P}b"); c2=$(txof "${P}c"); d2=$(txof "${P}d")
echo "unknown unicast: b +$((b1 - b0)) c +$((c1 - c0)) d +$((d1 - d0)); broadcast: b +$((b2 - b1)) c +$((c2 - c1)) d +$((d2 - d1))"
[ $((b1 - b0)) -ge 5 ] || fail "b (all flooding) missed unknown unicast"
[ $((c1 - c0)) = 0 ] || fail "c (flood_unknown = false) got unknown unicast"
[ $((c2 - c1)) -ge 5 ] || fail "c (flood_unknown = false) missed broadcast"
[ $((d1 - d0)) = 0 ] || fail "d (flood = false) got unknown unicast"
[ $((d2 - d1)) -ge 5 ] || fail "d (flood_broadcast = true) missed broadcast"
pass "per-port flood controls one by one"

"$CTL" -s "$SOCK" --json ports | json "[p['flags'] for p in d['ports'] if p['name'] == '${P}q'][0]" | grep -q qinq || fail "qinq port flag"
sed 's/{ name = "'"${P}"'q"; trunk = \[ 30 \]; qinq = true; }/{ name = "x"; vlan = 30; qinq = true; }/' "$TMP/sw.conf" >"$TMP/bad.conf"
out=$("$SW" --check --config "$TMP/bad.conf" 2>&1) && fail "qinq access port accepted"
echo "$out" | grep -q "needs a trunk port" || fail "qinq access message: $out"
sed 's/flood_unknown = false/flood_unknown = 3/' "$TMP/sw.conf" >"$TMP/bad.conf"
"$SW" --check --config "$TMP/bad.conf" >/dev/null 2>&1 && fail "flood_unknown = 3 accepted"
pass "802.1ad trunk; bad values refused: $out"

# limits by reload: max_macs_per_port 4, then a flood of 10 MACs
"$CTL" -s "$SOCK" fdb flush all >/dev/null
conf 4
kill -HUP "$SPID"
sleep 0.5
grep -q "configuration reloaded" "$LOG" || fail "reload"
macs=(); for i in $(seq 10); do macs+=("02:00:00:01:00:$(printf %02x "$i")"); done
send 02:00:00:00:77:77 1 "${macs[@]}"
sleep 0.3
n=$("$CTL" -s "$SOCK" --json ports | json "[p['stats']['macs'] for p in d['ports'] if p['name'] == '${P}a'][0]")
hits=$("$CTL" -s "$SOCK" --json ports | json "[p['stats']['limit_hits'] for p in d['ports'] if p['name'] == '${P}a'][0]")
[ "$n" = 4 ] || fail "port a owns $n MACs after max_macs_per_port = 4 by reload"
[ "$hits" -ge 6 ] || fail "limit_hits $hits"
# and lifted again
"$CTL" -s "$SOCK" fdb flush all >/dev/null
conf 0
kill -HUP "$SPID"; sleep 0.5
send 02:00:00:00:77:77 1 "${macs[@]}"
sleep 0.3
n2=$("$CTL" -s "$SOCK" --json ports | json "[p['stats']['macs'] for p in d['ports'] if p['name'] == '${P}a'][0]")
[ "$n2" = 10 ] || fail "port a owns $n2 MACs after the limit was lifted by reload"
pass "per-port limit by reload: $n MACs ($hits refused), then $n2 when lifted"

# text stats shows every counter --json stats has
"$CTL" -s "$SOCK" --json stats >"$TMP/stats.json"
"$CTL" -s "$SOCK" stats >"$TMP/stats.txt"
$PY - "$TMP/stats.json" "$TMP/stats.txt" <<'PY' || fail "text stats misses counters"
import json, sys
d = json.load(open(sys.argv[1])); text = open(sys.argv[2]).read()
missing = []
def walk(o, path):
    if isinstance(o, dict):
        for k, v in o.items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                if not any(l.split()[:1] == [k] for l in text.splitlines()):
                    missing.append(path + "." + k)
            else:
                walk(v, path + "." + k)
    elif isinstance(o, list):
        for i, e in enumerate(o):
            walk(e, "%s[%d]" % (path, i))
walk(d, "")
if missing:
    print("missing from text:", missing[:20]); sys.exit(1)
PY
pass "text stats shows every JSON counter"

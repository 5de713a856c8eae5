#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The vl2ctl vocabulary: monitor (text and JSON lines) shows a MAC learned,
# moved and aged, in that order; fdb show filters (vni, dev, dynamic,
# static, remote); fdb flush by port, by segment and all; neigh add, show
# (PERMANENT in text and JSON alike), del, flush; stats reset; stats
# --format prometheus parsed by prometheus_client's own parser (and
# promtool check metrics when installed), with port,
# segment and reason labels. Hostile: malformed words exit 2 with the
# reason, a monitor that never reads does not stop the switch.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
$PY -c "import prometheus_client, scapy" 2>/dev/null || skip "no prometheus_client or scapy for $PY"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
limits = { ageing = 2; };
underlay = { local = "127.0.0.1"; };
segments = ( { vni = 100; vlan = 1; }, { vni = 200; vlan = 2; } );
ports = (
  { name = "${P}a"; mac = "02:00:00:00:0a:01"; },
  { name = "${P}b"; mac = "02:00:00:00:0b:01"; },
  { name = "${P}c"; mac = "02:00:00:00:0c:01"; },
  { name = "${P}d"; vlan = 2; }
);
fdb = ( { mac = "02:00:00:00:99:01"; vni = 100; port = "${P}b"; },
        { mac = "02:00:00:00:99:02"; vni = 100; remote = "127.0.0.2"; } );
CONF
SOCK=$TMP/ctl.sock
ip -n "$H" link set lo up
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.94.0.1/24
vm "$H" "${P}b" "${P}vb" 10.94.0.2/24
vm "$H" "${P}c" "${P}vc" 10.94.0.3/24
ip -n "${P}va" link set "${P}a" address 02:00:00:00:00:aa
ip -n "${P}vc" link set "${P}c" address 02:00:00:00:00:cc

"$CTL" -s "$SOCK" monitor >"$TMP/mon.txt" 2>&1 &
MT=$!
"$CTL" -s "$SOCK" --json monitor >"$TMP/mon.json" 2>&1 &
MJ=$!
SPIDS+=("$MT" "$MJ")
# a monitor that never reads: must not hurt anything
$PY -c "
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall(b'monitor json\n')
time.sleep(8)" "$SOCK" &
SILENT=$!
sleep 0.3
ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.94.0.2 >/dev/null || fail "ping a->b"
# the MAC of a moves to port c
ip -n "${P}va" link set "${P}a" down
ip -n "${P}vc" link set "${P}c" address 02:00:00:00:00:aa
ip netns exec "${P}vc" ping -c 2 -i 0.2 -W 2 10.94.0.2 >/dev/null || fail "ping c->b"
sleep 5 # ageing 2 s, swept within a second
kill "$MT" "$MJ" 2>/dev/null; wait "$MT" "$MJ" 2>/dev/null
sed 's/^/  monitor: /' "$TMP/mon.txt" | head -20
order=$(grep "02:00:00:00:00:aa" "$TMP/mon.txt" | sed -n 's/^\(fdb-[a-z]*\):.*/\1/p' | uniq | tr '\n' ' ')
echo "$order" | grep -q "fdb-learned fdb-moved fdb-aged" || fail "monitor order for 02:00:00:00:00:aa: '$order'"
grep -q "fdb-moved: 02:00:00:00:00:aa vni 100 from port ${P}a to port ${P}c" "$TMP/mon.txt" || fail "moved line"
$PY - "$TMP/mon.json" <<'PY' || fail "JSON monitor lines"
import json, sys
ev = [json.loads(l) for l in open(sys.argv[1])]
mine = [e["event"] for e in ev if e.get("mac") == "02:00:00:00:00:aa"]
want = ["fdb-learned", "fdb-moved", "fdb-aged"]
it = iter(mine)
assert all(w in it for w in want), mine
mv = [e for e in ev if e["event"] == "fdb-moved"][0]
assert mv["old_dev"].endswith("a") and mv["dev"].endswith("c") and mv["vni"] == 100, mv
PY
kill -0 "$SPID" || fail "switch died with a silent monitor"
pass "monitor: $order(text and JSON)"
wait "$SILENT" 2>/dev/null

# fdb show filters
# Entries age in 2 s here: the three listings are compared only when the
# table did not change between the first and the last (else ping again).
for try in 1 2 3 4 5; do
  ip netns exec "${P}vb" ping -c 1 -W 2 10.94.0.3 >/dev/null || fail "ping b->c"
  all=$("$CTL" -s "$SOCK" fdb | sed 's/ expires.*//')
  n_static=$("$CTL" -s "$SOCK" fdb show static | wc -l)
  n_dyn=$("$CTL" -s "$SOCK" fdb show dynamic | wc -l)
  [ "$all" = "$("$CTL" -s "$SOCK" fdb | sed 's/ expires.*//')" ] && break
done
echo "$all" | sed 's/^/  fdb: /'
[ "$n_static" = 2 ] || fail "fdb show static: $n_static lines"
[ "$n_dyn" -ge 2 ] || fail "fdb show dynamic: $n_dyn lines"
[ $((n_static + n_dyn)) = "$(echo "$all" | wc -l)" ] || fail "static + dynamic != all"
"$CTL" -s "$SOCK" fdb show dev "${P}b" | grep -v " dev ${P}b " && fail "fdb show dev: other ports listed"
"$CTL" -s "$SOCK" fdb show dev "${P}b" static | grep -q "02:00:00:00:99:01" || fail "fdb show dev static"
"$CTL" -s "$SOCK" fdb show remote | grep -q "02:00:00:00:99:02 dev vxlan dst 127.0.0.2" || fail "fdb show remote"
[ -z "$("$CTL" -s "$SOCK" fdb show vni 200)" ] || fail "fdb show vni 200 not empty"
"$CTL" -s "$SOCK" --json fdb show vni 100 dynamic | json "all(e['vni'] == 100 and e['state'] == 'dynamic' for e in d['fdb']) and len(d['fdb']) >= 2" | grep -q True || fail "--json fdb show vni 100 dynamic"
pass "fdb show filters: $n_static static, $n_dyn dynamic"

# fdb flush: by port (dynamic only by default), by segment, all
out=$("$CTL" -s "$SOCK" fdb flush dev "${P}b") || fail "fdb flush dev"
echo "  $out"
"$CTL" -s "$SOCK" fdb show dev "${P}b" dynamic | grep -q . && fail "dynamic entries on ${P}b after flush"
"$CTL" -s "$SOCK" fdb show dev "${P}b" static | grep -q 02:00:00:00:99:01 || fail "flush dev removed a static entry"
"$CTL" -s "$SOCK" fdb flush vni 100 static >/dev/null || fail "fdb flush vni static"
"$CTL" -s "$SOCK" fdb show static | grep -q . && fail "static entries left after flush vni 100 static"
"$CTL" -s "$SOCK" --json fdb flush all | json "d['flushed'] >= 0" | grep -q True || fail "fdb flush all --json"
[ -z "$("$CTL" -s "$SOCK" fdb)" ] || fail "fdb not empty after flush all"
pass "fdb flush by port, segment and all"

# neigh add / show / del / flush
"$CTL" -s "$SOCK" neigh add 10.94.0.77 lladdr 02:00:00:00:77:01 vni 100 dev "${P}b" router || fail "neigh add"
"$CTL" -s "$SOCK" neigh show static | grep -q "^10.94.0.77 dev ${P}b vni 100 lladdr 02:00:00:00:77:01 router PERMANENT" ||
  fail "neigh show: $("$CTL" -s "$SOCK" neigh)"
"$CTL" -s "$SOCK" --json neigh show vni 100 static | json "[e['state'] for e in d['neigh'] if e['ip'] == '10.94.0.77']" | grep -q "PERMANENT" ||
  fail "JSON state of a static neighbour is not PERMANENT"
"$CTL" -s "$SOCK" neigh del 10.94.0.77 vni 100 || fail "neigh del"
"$CTL" -s "$SOCK" neigh show | grep -q 10.94.0.77 && fail "neighbour still there after del"
"$CTL" -s "$SOCK" neigh add 10.94.0.78 lladdr 02:00:00:00:78:01 vni 100 || fail "neigh add 2"
"$CTL" -s "$SOCK" neigh flush vni 100 all | grep -q "entries flushed" || fail "neigh flush"
"$CTL" -s "$SOCK" neigh show | grep -q 10.94.0.78 && fail "neighbour still there after flush"
pass "neigh add/show/del/flush; static is PERMANENT in text and JSON"

# stats reset
ip netns exec "${P}vb" ping -c 3 -i 0.2 -W 2 10.94.0.3 >/dev/null
"$CTL" -s "$SOCK" stats reset || fail "stats reset"
rx=$("$CTL" -s "$SOCK" --json stats | json "d['switch']['rx_frames']")
[ "$rx" -lt 3 ] || fail "rx_frames $rx right after stats reset"
ip netns exec "${P}vb" ping -c 3 -i 0.2 -W 2 10.94.0.3 >/dev/null
rx2=$("$CTL" -s "$SOCK" --json stats | json "d['switch']['rx_frames']")
[ "$rx2" -ge 6 ] || fail "rx_frames $rx2 after 3 pings since the reset"
"$CTL" -s "$SOCK" --json ports | json "[p['stats']['rx_frames'] for p in d['ports'] if p['name'].endswith('b')][0] < 20" | grep -q True || fail "ports view not reset"
pass "stats reset: rx_frames $rx, then $rx2"

# a drop with a reason, then Prometheus text parsed by prometheus_client
ip netns exec "${P}vb" $PY -c "
from scapy.all import Ether, sendp
sendp(Ether(src='01:00:00:00:00:01', dst='ff:ff:ff:ff:ff:ff')/b'x'*50, iface='${P}b', verbose=False)"
sleep 0.2
"$CTL" -s "$SOCK" --format prometheus stats >"$TMP/prom.txt" || fail "--format prometheus stats"
$PY - "$TMP/prom.txt" "${P}b" <<'PY' || { head -30 "$TMP/prom.txt"; fail "Prometheus output"; }
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
assert fams["vl2_switch_rx_frames"].type == "counter", fams["vl2_switch_rx_frames"].type
assert fams["vl2_switch_fdb_entries"].type == "gauge"
port = [s for s in fams["vl2_port_rx_frames"].samples if s.labels.get("port") == sys.argv[2]]
assert port and port[0].value > 0, port
seg = [s for s in fams["vl2_segment_rx_frames"].samples if s.labels.get("segment") == "100"]
assert seg and seg[0].value > 0, seg
drops = {s.labels["reason"]: s.value for s in fams["vl2_switch_drops"].samples}
assert drops.get("src_multicast", 0) >= 1, drops
print("  %d families, %d samples" % (len(fams), sum(len(f.samples) for f in fams.values())))
PY
if command -v promtool >/dev/null; then
  # promtool lints names and help texts too; only problems fail
  promtool check metrics <"$TMP/prom.txt" >"$TMP/promtool.out" 2>&1 || { cat "$TMP/promtool.out"; fail "promtool check metrics"; }
  echo "  promtool check metrics: OK"
fi
pass "Prometheus exposition parses, with port, segment and reason labels"

# malformed words: exit 2 with the reason
for args in "fdb show vni x" "fdb show dev nosuch" "fdb flush vni 100 dev ${P}b" "neigh add 10.0.0.1 lladdr zz vni 100" \
  "neigh del 10.0.0.1" "stats --format prometheus" "fdb show bogus"; do
  # shellcheck disable=SC2086
  out=$("$CTL" -s "$SOCK" $args 2>&1); rc=$?
  [ "$rc" = 2 ] || fail "'$args': exit $rc ($out)"
done
out=$("$CTL" -s "$SOCK" --format prometheus fdb 2>&1); [ $? = 2 ] || fail "--format prometheus fdb: $out"
kill -0 "$SPID" || fail "switch died"
pass "malformed requests exit 2"

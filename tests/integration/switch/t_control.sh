#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The control server never hurts forwarding, and vl2ctl always answers in
# words. While two VMs ping each other at 100/s: 50 idle connections,
# 3 clients that ask for a large reply (a 5,000-entry FDB) and never read
# it, and one that reads it at 16 KiB/s. No ping may take more than 50 ms
# or be lost, vl2ctl must answer throughout, and the idle connections are
# closed after the idle timeout (10 s). Then: every slot holding an unread
# reply, so a newcomer is refused with a reason (exit 1), an over-long
# request, usage errors with exit status 2, a dead socket. Also: big views
# asked for (and dropped unread) while pings are in flight, and the
# streamed view read whole is the table.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3
H=${P}h
mkns "$H"
{
  echo 'segments = ( { vni = 5; vlan = 1; } );'
  echo "ports = ( { name = \"${P}a\"; }, { name = \"${P}b\"; } );"
  echo 'fdb = ('
  for i in $(seq 0 4999); do
    printf '  { mac = "02:00:%02x:%02x:00:01"; vni = 5; port = "%sb"; }%s\n' \
      $((i / 256)) $((i % 256)) "$P" "$([ "$i" -lt 4999 ] && echo ,)"
  done
  echo ');'
} >"$TMP/sw.conf"
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.91.0.1/24
vm "$H" "${P}b" "${P}vb" 10.91.0.2/24
ip netns exec "${P}va" ping -c 3 -i 0.2 -W 2 10.91.0.2 >/dev/null || fail "no ping before the attack"
FDBLEN=$("$CTL" -s "$SOCK" --json fdb | wc -c)
echo "fdb reply: $FDBLEN bytes"
[ "$FDBLEN" -gt 300000 ] || fail "fdb reply too small ($FDBLEN bytes) to fill a socket buffer"

# the attack, for 12 s; reports what the server did to the idle clients
$PY - "$SOCK" "$TMP/attack.out" <<'PY' &
import socket, sys, time
path, out = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s
idle = [conn() for _ in range(50)]
silent = []
for _ in range(3):
    s = conn()
    s.sendall(b"fdb\n")   # and never read
    silent.append(s)
slow = conn(); slow.sendall(b"fdb\n"); slow.setblocking(False)
got, t0 = 0, time.time()
while time.time() - t0 < 12:
    time.sleep(0.125)
    try:
        b = slow.recv(2048)   # 16 KiB/s
        got += len(b)
    except BlockingIOError:
        pass
closed = 0
for s in idle:
    s.setblocking(False)
    try:
        b = s.recv(4096)
        if b == b"" or b"timed out" in b:
            closed += 1
    except BlockingIOError:
        pass
    except OSError:
        closed += 1
open(out, "w").write("idle_closed=%d slow_read=%d\n" % (closed, got))
time.sleep(0.5)
PY
APID=$!
sleep 0.5
ip netns exec "${P}va" ping -i 0.01 -c 1000 -W 1 10.91.0.2 >"$TMP/ping.out" 2>&1 &
PPID_=$!
# vl2ctl answers all the while
worst=0
for i in $(seq 10); do
  t0=$(date +%s%N)
  "$CTL" -s "$SOCK" version >/dev/null || fail "vl2ctl version failed during the attack"
  "$CTL" -s "$SOCK" stats >/dev/null || fail "vl2ctl stats failed during the attack"
  t=$(( ($(date +%s%N) - t0) / 1000000 ))
  [ "$t" -gt "$worst" ] && worst=$t
  sleep 0.8
done
wait "$PPID_"
wait "$APID" || fail "attacker failed"
cat "$TMP/attack.out"
tail -2 "$TMP/ping.out"
grep -q " 0% packet loss" "$TMP/ping.out" || fail "pings lost during the attack"
max=$(sed -n 's#^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*#\1#p' "$TMP/ping.out")
[ -n "$max" ] || fail "no ping summary"
$PY -c "import sys; sys.exit(0 if float('$max') <= 50 else 1)" || fail "a ping took $max ms (limit 50 ms)"
grep -q "idle_closed=50" "$TMP/attack.out" || fail "idle connections not closed by the idle timeout"
pass "1000 pings at 100/s under attack: max RTT $max ms; vl2ctl version+stats worst $worst ms; $(cat "$TMP/attack.out")"

# big views asked for while the pings are in flight: every 0.2 s eight
# clients ask for the whole FDB and never read it, and each is dropped
# unread a second later (mid-reply). The views are streamed a slice per
# pass of the loop, so no ping may wait for a view to be built.
ip netns exec "${P}va" ping -i 0.01 -c 500 -W 1 10.91.0.2 >"$TMP/ping2.out" 2>&1 &
PPID_=$!
$PY - "$SOCK" <<'PY'
import socket, sys, time
conns, t0 = [], time.time()
while time.time() - t0 < 4.5:
    for _ in range(8):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(sys.argv[1]); s.sendall(b"fdb\n")   # and never read
        conns.append((time.time(), s))
    while conns and time.time() - conns[0][0] > 1.0:
        conns.pop(0)[1].close()                     # gone mid-reply
    time.sleep(0.2)
PY
wait "$PPID_"
tail -2 "$TMP/ping2.out"
grep -q " 0% packet loss" "$TMP/ping2.out" || fail "pings lost while big views were asked for"
max2=$(sed -n 's#^rtt min/avg/max/mdev = [0-9.]*/[0-9.]*/\([0-9.]*\)/.*#\1#p' "$TMP/ping2.out")
[ -n "$max2" ] || fail "no ping summary"
$PY -c "import sys; sys.exit(0 if float('$max2') <= 50 else 1)" || fail "a ping took $max2 ms while big views were asked for (limit 50 ms)"
kill -0 "$SPID" || fail "switch died"
pass "500 pings while 8 clients/0.2 s asked for the FDB and left unread: max RTT $max2 ms"

# the streamed view, read whole on a quiet table: one line, one JSON
# object, every entry once (the count the switch's counters give), the
# filters and the text output agreeing with it
$PY - "$SOCK" >"$TMP/fdb.raw" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1]); s.sendall(b"fdb\n")
b = b""
while True:
    k = s.recv(65536)
    if not k: break
    b += k
sys.stdout.buffer.write(b)
PY
$PY - "$TMP/fdb.raw" "$("$CTL" -s "$SOCK" --json stats)" <<'PY' || fail "streamed fdb view"
import json, sys
raw = open(sys.argv[1], "rb").read()
st = json.loads(sys.argv[2])["switch"]
assert raw.endswith(b"\n") and raw.count(b"\n") == 1, "not one line"
d = json.loads(raw)
assert list(d) == ["fdb"], list(d)
macs = [(e["mac"], e["vni"]) for e in d["fdb"]]
assert len(macs) == len(set(macs)), "an entry twice on a quiet table"
assert len(macs) == st["fdb_entries"], (len(macs), st["fdb_entries"])
assert sum(e["state"] == "static" for e in d["fdb"]) == 5000 == st["fdb_static"]
print("streamed fdb: %d bytes, %d entries, %d static" % (len(raw), len(macs), st["fdb_static"]))
PY
n=$("$CTL" -s "$SOCK" --json fdb show dev "${P}b" static | json "len(d['fdb'])")
[ "$n" = 5000 ] || fail "fdb show dev ${P}b static: $n entries"
n=$("$CTL" -s "$SOCK" --json fdb show vni 6 | json "len(d['fdb'])")
[ "$n" = 0 ] || fail "fdb show vni 6: $n entries"
t=$("$CTL" -s "$SOCK" fdb | wc -l)
j=$("$CTL" -s "$SOCK" --json fdb | json "len(d['fdb'])")
[ "$t" = "$j" ] || fail "fdb text $t lines, JSON $j entries"
pass "streamed fdb view: one JSON line, every entry once, filters and text agree ($j entries)"

# every slot holding an unread reply: the newcomer is refused in words
# (the holder says when every slot is taken and holds them until told to
# let go, so a slow build, e.g. under ASan, cannot race the check)
$PY - "$SOCK" "$TMP/held" "$TMP/release" <<'PY' &
import os, socket, sys, time
held = []
for _ in range(64):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1]); s.sendall(b"fdb\n"); held.append(s)
open(sys.argv[2], "w").close()
t0 = time.time()
while not os.path.exists(sys.argv[3]) and time.time() - t0 < 30:
    time.sleep(0.05)
PY
HPID=$!
for _ in $(seq 300); do [ -e "$TMP/held" ] && break; sleep 0.1; done
[ -e "$TMP/held" ] || fail "the holder never took every slot"
sleep 0.3
out=$("$CTL" -s "$SOCK" version 2>&1); rc=$?
touch "$TMP/release"
[ "$rc" = 1 ] || fail "full table: exit $rc ($out)"
echo "$out" | grep -q "control server busy" || fail "full table message: $out"
wait "$HPID"
sleep 0.3
"$CTL" -s "$SOCK" version >/dev/null || fail "vl2ctl after the table emptied"
pass "full table refused: $out"

# an over-long request, a NUL byte, usage errors (exit 2) and bad words
r=$($PY -c "
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b'x' * 5000); print(s.recv(4096).decode().strip())" "$SOCK")
echo "$r" | grep -q "request longer than 4095 bytes" || fail "over-long request: $r"
for args in "nosuchcmd" "fdb add 02:00:00:00:00:zz vni 5 port ${P}b" \
  "fdb add 02:00:00:00:00:01 vni abc port ${P}b" "fdb add 02:00:00:00:00:01 vni 16777216 port ${P}b"; do
  # shellcheck disable=SC2086
  out=$("$CTL" -s "$SOCK" $args 2>&1); rc=$?
  [ "$rc" = 2 ] || fail "'$args': exit $rc, expected 2 ($out)"
  echo "  $args -> $out"
done
"$CTL" -s "$SOCK" fdb add 02:00:00:00:00:zz vni 5 port x 2>&1 | grep -q "'02:00:00:00:00:zz' is not a MAC address" || fail "bad MAC message"
"$CTL" -s "$SOCK" fdb add 02:00:00:00:00:01 vni abc port x 2>&1 | grep -q "'abc' is not a VNI" || fail "bad VNI message"
"$CTL" -s "$SOCK" fdb add 02:00:00:00:00:01 vni 16777216 port x 2>&1 | grep -q "VNI 16777216 is out of range" || fail "VNI range message"
"$CTL" -s "$SOCK" --timeout 0 version >/dev/null 2>&1; [ $? = 2 ] || fail "--timeout 0 not a usage error"
out=$("$CTL" -s "$TMP/nope.sock" version 2>&1); rc=$?
[ "$rc" = 1 ] && echo "$out" | grep -q "is vl2-switch running" || fail "missing socket: $rc $out"
$PY -c "import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])" "$TMP/dead.sock"
out=$("$CTL" -s "$TMP/dead.sock" version 2>&1); rc=$?
[ "$rc" = 1 ] && echo "$out" | grep -q "nobody answers" || fail "dead socket: $rc $out"
"$CTL" -s "$SOCK" --json stats | json "d['daemon']['control_timeouts'] >= 50 and d['daemon']['control_refused'] >= 1 and d['daemon']['control_request_too_long'] >= 1" | grep -q True ||
  fail "control counters: $("$CTL" -s "$SOCK" --json stats | json "d['daemon']")"
kill -0 "$SPID" || fail "switch died"
pass "usage errors exit 2 with the reason, unreachable sockets explained, counters kept"

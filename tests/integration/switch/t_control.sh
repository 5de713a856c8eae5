#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# The control server never hurts forwarding, and vl2ctl always answers in
# words. While two VMs ping each other at 100/s: 50 idle connections,
# 3 clients that ask for a large reply (a 5,000-entry FDB) and never read
# it, and one that reads it at 16 KiB/s. No ping may take more than 50 ms
# or be lost, vl2ctl must answer throughout, and the idle connections are
# closed after the idle timeout (10 s). Then: every slot holding an unread
# reply, so a newcomer is refused with a reason (exit 1), an over-long
# request, usage errors with exit status 2, a dead socket.
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

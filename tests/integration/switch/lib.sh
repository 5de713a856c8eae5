# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the vl2-switch integration tests (sourced).
# Usage of a test: TEST.sh BINDIR  (BINDIR holds vl2-switch and vl2ctl)
set -u
BIN=${1:?usage: $0 BINDIR}
SW=$BIN/vl2-switch
CTL=$BIN/vl2ctl
TOOLS=${2:-$BIN}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; [ -n "${LOG:-}" ] && [ -f "$LOG" ] && sed 's/^/  switch: /' "$LOG" | tail -40; exit 1; }
pass() { echo "PASS: $*"; }

[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, TAP)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun"
command -v ip >/dev/null || skip "no iproute2"

P=vl2s_$$
TMP=$(mktemp -d /tmp/${P}.XXXX)
NSS=()
SPIDS=()
cleanup() {
  local p
  for p in "${SPIDS[@]}"; do
    kill -TERM "$p" 2>/dev/null
  done
  for p in "${SPIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$p" 2>/dev/null
  done
  for p in "${NSS[@]}"; do ip netns del "$p" 2>/dev/null; done
  ip link del "${P}x" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ip netns add "${P}probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "${P}probe"

mkns() { ip netns add "$1" || fail "netns $1"; NSS+=("$1"); ip -n "$1" link set lo up; }

# start_switch NS CONF SOCK [LOGFILE]: run vl2-switch in NS (CONF "" for the
# built-in default), wait until its control socket answers.
start_switch() {
  local ns=$1 conf=$2 sock=$3
  LOG=${4:-$TMP/switch.log}
  local args=(--foreground --control "$sock" --log-level debug)
  [ -n "$conf" ] && args+=(--config "$conf")
  ip netns exec "$ns" "$SW" "${args[@]}" >"$LOG" 2>&1 &
  SPID=$!
  SPIDS+=("$SPID")
  for _ in $(seq 100); do
    "$CTL" -s "$sock" version >/dev/null 2>&1 && return 0
    kill -0 "$SPID" 2>/dev/null || fail "vl2-switch exited at start-up"
    sleep 0.1
  done
  fail "vl2-switch control socket $sock did not come up"
}

# stop_switch PID: SIGTERM and wait; the exit status is left in RC.
stop_switch() {
  kill -TERM "$1"
  wait "$1"
  RC=$?
}

# vm HOSTNS TAP VMNS IP/LEN: move a TAP into a new VM namespace and set it up.
vm() {
  mkns "$3"
  # no IPv6 chatter (RS, MLD, DAD) to blur the counters
  ip netns exec "$3" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$1" link set "$2" netns "$3" || fail "move $2 to $3"
  ip -n "$3" addr add "$4" dev "$2"
  ip -n "$3" link set "$2" up
}

# json EXPR: evaluate a Python expression over the JSON document on stdin
# (bound to d) and print it.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# xfer SRCNS DSTNS DSTIP: 20 MB from SRCNS to DSTIP (in DSTNS), SHA-256
# compared at both ends.
xfer() {
  ip netns exec "$2" python3 - "$TMP/rx.$2" <<'PY' &
import hashlib, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5201)); s.listen(1); s.settimeout(30)
c, _ = s.accept(); c.settimeout(30)
h = hashlib.sha256(); n = 0
while True:
    b = c.recv(1 << 16)
    if not b:
        break
    h.update(b); n += len(b)
open(sys.argv[1], "w").write("%d %s\n" % (n, h.hexdigest()))
PY
  local rpid=$!
  sleep 0.5
  ip netns exec "$1" timeout 40 python3 - "$3" "$TMP/tx" <<'PY' || fail "sender to $3"
import hashlib, random, socket, sys
data = random.Random(5).randbytes(20 << 20)
s = socket.create_connection((sys.argv[1], 5201), timeout=30)
s.sendall(data); s.close()
open(sys.argv[2], "w").write("%d %s\n" % (len(data), hashlib.sha256(data).hexdigest()))
PY
  wait "$rpid" || fail "receiver in $2"
  cmp -s "$TMP/tx" "$TMP/rx.$2" || fail "data differ: sent $(cat "$TMP/tx"), got $(cat "$TMP/rx.$2")"
}

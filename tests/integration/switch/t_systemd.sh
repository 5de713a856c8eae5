#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# vl2-switch.service run the way systemd runs it, without systemd: the
# unit's ExecStart command line (binary and config pointed at this build
# and the test's files, the runtime directory made as RuntimeDirectory=
# makes it) as an unprivileged user holding only the unit's
# AmbientCapabilities, with NOTIFY_SOCKET naming a datagram socket this
# test reads. Checks READY=1 once it runs, RELOADING=1 then READY=1 on
# SIGHUP and on the unit's ExecReload command, STOPPING=1 on SIGTERM, and
# a clean exit. Hostile: without the capabilities, and with a start-up
# failure, it exits 1 in words and never says READY=1. Also
# `systemd-analyze verify` on the unit.
. "$(dirname "$0")/lib.sh"
SW=$(readlink -f "$SW"); CTL=$(readlink -f "$CTL")
UNIT=$BIN/vl2-switch.service
[ -f "$UNIT" ] || skip "no vl2-switch.service (built without libsystemd)"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
PY=/usr/bin/python3
UID_=65534 # nobody: a user with no rights of its own
H=${P}h
mkns "$H"

# the unit's settings, as systemd reads them (last one wins)
unit() { sed -n "s/^$1=//p" "$UNIT" | tail -1; }
[ "$(unit Type)" = notify ] || fail "Type=$(unit Type), expected notify"
[ "$(unit AmbientCapabilities)" = "CAP_NET_ADMIN CAP_NET_RAW" ] || fail "AmbientCapabilities=$(unit AmbientCapabilities)"
[ "$(unit RuntimeDirectory)" = vl2-switch ] || fail "RuntimeDirectory=$(unit RuntimeDirectory)"
[ -n "$(unit User)" ] && [ "$(unit User)" != root ] || fail "User=$(unit User)"

# world-readable directory for the unprivileged process: config, notify
# socket, runtime directory
D=$(mktemp -d /tmp/${P}_sd.XXXX)
chmod 755 "$D"
trap 'cleanup; rm -rf "$D"' EXIT
RT=$D/run/vl2-switch
mkdir -p "$RT" && chown "$UID_:$UID_" "$RT" && chmod "$(unit RuntimeDirectoryMode)" "$RT"
cat >"$D/sw.conf" <<CONF
segments = ( { vni = 3; vlan = 1; } );
ports = ( { name = "${P}a"; } );
CONF
chmod 644 "$D/sw.conf"

# argv of an Exec line with the unit's paths replaced by the test's
cmdline() {
  local w out=() next=
  read -r -a ws <<<"$(unit "$1")"
  for w in "${ws[@]}"; do
    if [ "$next" = config ]; then w=$D/sw.conf; next=; fi
    [ "$w" = --config ] && next=config
    case $w in
      */sbin/vl2-switch) w=$SW ;;
      */sbin/vl2ctl) w=$CTL ;;
      /run/vl2-switch/*) w=$RT/${w#/run/vl2-switch/} ;;
    esac
    out+=("$w")
  done
  printf '%s\n' "${out[@]}"
}
mapfile -t START < <(cmdline ExecStart)
mapfile -t RELOAD < <(cmdline ExecReload)
SOCK=$RT/vl2-switch.sock
printf '%s ' "ExecStart:" "${START[@]}"; echo
printf '%s ' "ExecReload:" "${RELOAD[@]}"; echo

# the notify socket: every datagram one line (newlines as spaces)
NS=$D/notify.sock
MSGS=$D/notify.log
: >"$MSGS"
$PY - "$NS" "$MSGS" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o777)
with open(sys.argv[2], "a") as f:
    while True:
        m = s.recv(4096).decode(errors="replace")
        f.write(m.replace("\n", " ") + "\n"); f.flush()
PY
NPID=$!
SPIDS+=("$NPID")
for _ in $(seq 50); do [ -S "$NS" ] && break; sleep 0.1; done

# as systemd would: the unit's user, only the unit's capabilities
asunit() {
  setpriv --reuid=$UID_ --regid=$UID_ --clear-groups \
    --inh-caps=-all,+net_admin,+net_raw --ambient-caps=-all,+net_admin,+net_raw \
    --bounding-set=-all,+net_admin,+net_raw --no-new-privs -- "$@"
}
# wait_msg PATTERN: up to 5 s for a notify datagram matching PATTERN
wait_msg() {
  for _ in $(seq 50); do grep -q "$1" "$MSGS" && return 0; sleep 0.1; done
  return 1
}

ip netns exec "$H" env NOTIFY_SOCKET="$NS" setpriv --reuid=$UID_ --regid=$UID_ \
  --clear-groups --inh-caps=-all,+net_admin,+net_raw \
  --ambient-caps=-all,+net_admin,+net_raw --bounding-set=-all,+net_admin,+net_raw \
  --no-new-privs -- "${START[@]}" >"$D/sw.log" 2>&1 &
SPID=$!
SPIDS+=("$SPID")
LOG=$D/sw.log
wait_msg "READY=1" || fail "no READY=1 from ExecStart"
"$CTL" -s "$SOCK" version >/dev/null || fail "control socket not answering at READY=1"
[ "$(stat -c %u "/proc/$SPID")" = $UID_ ] || fail "not running as uid $UID_"
grep -q "^CapAmb:.*0000000000003000" "/proc/$SPID/status" || fail "ambient capabilities: $(grep CapAmb /proc/$SPID/status)"
ip -n "$H" link show "${P}a" >/dev/null || fail "TAP not created as non-root with CAP_NET_ADMIN"
[ "$(stat -c %u "$SOCK")" = $UID_ ] || fail "socket not owned by the service user"
pass "READY=1 as uid $UID_ with CAP_NET_ADMIN CAP_NET_RAW: $(grep READY=1 "$MSGS" | head -1)"

# SIGHUP (systemctl kill -s HUP): RELOADING=1 then READY=1, change applied
cat >"$D/sw.conf" <<CONF
segments = ( { vni = 3; vlan = 1; } );
ports = ( { name = "${P}a"; }, { name = "${P}b"; } );
CONF
: >"$MSGS"
kill -HUP "$SPID"
wait_msg "READY=1" || fail "no READY=1 after SIGHUP"
grep -q "RELOADING=1 MONOTONIC_USEC=[0-9]" "$MSGS" || fail "no RELOADING=1 before READY=1: $(cat "$MSGS")"
[ "$(grep -n RELOADING=1 "$MSGS" | cut -d: -f1 | head -1)" -lt "$(grep -n READY=1 "$MSGS" | cut -d: -f1 | head -1)" ] ||
  fail "READY=1 before RELOADING=1"
ip -n "$H" link show "${P}b" >/dev/null || fail "reload did not add ${P}b"
pass "SIGHUP: $(tr '\n' '|' <"$MSGS")"

# ExecReload (systemctl reload), as the unit's user: synchronous, status 0
: >"$MSGS"
asunit "${RELOAD[@]}" || fail "ExecReload failed"
wait_msg "READY=1" || fail "no READY=1 after ExecReload"
grep -q RELOADING=1 "$MSGS" || fail "no RELOADING=1 on ExecReload"
# a bad file: ExecReload fails in words, the service stays READY
echo 'ports = ( { name = "x"; vlan = 77; } );' >"$D/sw.conf"
: >"$MSGS"
out=$(asunit "${RELOAD[@]}" 2>&1) && fail "ExecReload accepted a bad file"
echo "$out" | grep -q "sw.conf:1:" || fail "ExecReload error: $out"
wait_msg "READY=1 STATUS=reload refused" || fail "no READY=1 with a STATUS after a refused reload: $(cat "$MSGS")"
pass "ExecReload: $out"

# SIGTERM (systemctl stop): STOPPING=1, exit 0, nothing left
: >"$MSGS"
kill -TERM "$SPID"
wait "$SPID"; rc=$?
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
grep -q "STOPPING=1" "$MSGS" || fail "no STOPPING=1: $(cat "$MSGS")"
[ -e "$SOCK" ] && fail "socket left in the runtime directory"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "TAP left behind"
pass "SIGTERM: $(tr '\n' '|' <"$MSGS")"

# hostile: the unit's user without the capabilities: refused in words
cat >"$D/sw.conf" <<CONF
segments = ( { vni = 3; vlan = 1; } );
ports = ( { name = "${P}a"; } );
CONF
: >"$MSGS"
out=$(ip netns exec "$H" env NOTIFY_SOCKET="$NS" setpriv --reuid=$UID_ --regid=$UID_ \
  --clear-groups --inh-caps=-all --bounding-set=-all --no-new-privs -- "${START[@]}" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "without capabilities: exit $rc"
echo "$out" | grep -qi "not permitted" || fail "without capabilities: $out"
grep -q READY=1 "$MSGS" && fail "READY=1 sent by a failed start"
grep -q "STATUS=start-up failed" "$MSGS" || fail "no STATUS for the failed start: $(cat "$MSGS")"
[ -e "$SOCK" ] && fail "failed start left the socket"
pass "without CAP_NET_ADMIN: $(echo "$out" | tail -1)"

# the unit passes systemd's own checks (binaries pointed at this build)
if command -v systemd-analyze >/dev/null; then
  sed -e "s#^ExecStart=[^ ]*#ExecStart=$SW#" -e "s#^ExecReload=[^ ]*#ExecReload=$CTL#" \
    "$UNIT" >"$D/vl2-switch.service"
  # --man=no: the man pages are not installed here; they are checked below
  out=$(systemd-analyze verify --man=no "$D/vl2-switch.service" 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify warns: $out"
  pass "systemd-analyze verify"
fi
SRC=$(dirname "$0")/../../../examples/switch
for m in $(sed -n 's/^Documentation=//p' "$UNIT"); do
  m=${m#man:}; sec=${m#*(}; f=$SRC/${m%%(*}.${sec%)}
  [ -f "$f" ] || fail "Documentation=$m: no $f"
done
pass "the unit's Documentation= pages exist"

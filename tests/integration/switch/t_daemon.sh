#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Daemon mode (vl2-switch without --foreground, its default): the command
# returns once the switch runs (socket answering, pid file written), the
# process is detached (its own session), SIGHUP reloads and re-opens the
# log file, SIGTERM stops it and removes the control socket, the pid file
# and the TAPs it created. Hostile: a second instance on the same pid file,
# --control naming a regular file, a bad configuration, a start-up failure
# after detaching: each refused in words, with exit status 1, leaving
# nothing behind.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
SOCK=$TMP/ctl.sock
PIDF=$TMP/sw.pid
LOGF=$TMP/sw.log
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 7; vlan = 1; } );
ports = ( { name = "${P}a"; } );
CONF

# daemon_pid: the pid in the pid file; registered for the cleanup
daemon_pid() {
  local p
  p=$(cat "$PIDF" 2>/dev/null) || fail "no pid file $PIDF"
  [[ $p =~ ^[0-9]+$ ]] || fail "pid file holds '$p'"
  SPIDS+=("$p")
  echo "$p"
}

# gone PID: wait up to 5 s for PID to exit
gone() {
  for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  return 1
}

ip netns exec "$H" "$SW" --config "$TMP/sw.conf" --socket "$SOCK" \
  --pidfile "$PIDF" --log-file "$LOGF" --log-level debug >"$TMP/start.out" 2>&1
rc=$?
[ "$rc" = 0 ] || { cat "$TMP/start.out"; fail "start in daemon mode: exit $rc"; }
DPID=$(daemon_pid)
# ready when the command returned: no polling
"$CTL" -s "$SOCK" version >/dev/null || fail "control socket not answering when the command returned"
kill -0 "$DPID" 2>/dev/null || fail "daemon $DPID not running"
[ "$(ps -o sid= -p "$DPID" | tr -d ' ')" = "$DPID" ] || fail "daemon is not a session leader (not detached)"
[ "$(readlink /proc/"$DPID"/cwd)" = / ] || fail "daemon kept its working directory"
ip -n "$H" link show "${P}a" >/dev/null || fail "TAP ${P}a not created"
grep -q "running in the background" "$LOGF" || fail "no start-up line in the log file"
pass "detached, ready when the command returns, pid file $DPID"

# a second instance on the same pid file is refused (the first keeps it)
out=$(ip netns exec "$H" "$SW" --config "$TMP/sw.conf" --socket "$TMP/other.sock" \
  --pidfile "$PIDF" --log-file "$TMP/other.log" 2>&1) && fail "second instance on the same pid file started"
echo "$out" | grep -q "locked by a running vl2-switch with pid $DPID" || fail "second instance message: $out"
[ "$(cat "$PIDF")" = "$DPID" ] || fail "second instance changed the pid file"
[ -e "$TMP/other.sock" ] && fail "second instance left a socket"
pass "a second instance on the pid file is refused: $out"

# SIGHUP: reload (a second port appears) and log re-open (logrotate)
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 7; vlan = 1; } );
ports = ( { name = "${P}a"; }, { name = "${P}b"; } );
CONF
mv "$LOGF" "$LOGF.1"
kill -HUP "$DPID"
for _ in $(seq 50); do ip -n "$H" link show "${P}b" >/dev/null 2>&1 && break; sleep 0.1; done
ip -n "$H" link show "${P}b" >/dev/null 2>&1 || fail "SIGHUP did not reload (port ${P}b missing)"
"$CTL" -s "$SOCK" ports | grep -q "${P}b" || fail "vl2ctl ports does not show ${P}b after SIGHUP"
for _ in $(seq 20); do grep -q "configuration reloaded" "$LOGF" 2>/dev/null && break; sleep 0.1; done
grep -q "SIGHUP: reloading" "$LOGF" || fail "log file not re-opened on SIGHUP"
pass "SIGHUP reloads and re-opens the log"

# SIGTERM: stops, removes socket, pid file, TAPs
kill -TERM "$DPID"
gone "$DPID" || fail "SIGTERM did not stop the daemon"
[ -e "$SOCK" ] && fail "control socket left behind"
[ -e "$PIDF" ] && fail "pid file left behind"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "TAP ${P}a left behind"
ip -n "$H" link show "${P}b" >/dev/null 2>&1 && fail "TAP ${P}b left behind"
grep -q "SIGTERM (from pid [0-9]*): shutting down" "$LOGF" || fail "SIGTERM not logged by name"
grep -q "stopped" "$LOGF" || fail "no 'stopped' line"
pass "SIGTERM stops it; socket, pid file and TAPs removed"

# --control naming a regular file: refused, the file is kept
echo precious >"$TMP/file"
out=$(ip netns exec "$H" "$SW" --config "$TMP/sw.conf" --control "$TMP/file" \
  --log-file "$LOGF" 2>&1) && fail "--control on a regular file started"
echo "$out" | grep -q "not a socket; not removing it" || fail "--control file message: $out"
[ "$(cat "$TMP/file")" = precious ] || fail "--control deleted or changed a regular file"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "refused start left TAP ${P}a"
pass "--control on a regular file is refused: $out"

# a bad configuration: refused before detaching
echo 'ports = ( { name = "x"; vlan = 77; } );' >"$TMP/bad.conf"
out=$(ip netns exec "$H" "$SW" --config "$TMP/bad.conf" --socket "$SOCK" \
  --pidfile "$PIDF" --log-file "$LOGF" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "bad configuration: exit $rc"
echo "$out" | grep -q "bad.conf:1:" || fail "bad configuration message: $out"
[ -e "$PIDF" ] && fail "bad configuration left a pid file"

# a start-up failure after detaching (the underlay address is not on this
# host, so the UDP socket cannot bind): the error still reaches the
# terminal, the status is 1, nothing is left
cat >"$TMP/afp.conf" <<CONF
underlay = { local = "192.0.2.77"; };
segments = ( { vni = 7; vlan = 1; } );
ports = ( { name = "${P}a"; } );
CONF
out=$(ip netns exec "$H" "$SW" --config "$TMP/afp.conf" --socket "$SOCK" \
  --pidfile "$PIDF" --log-file "$LOGF" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "start-up failure after detaching: exit $rc ($out)"
echo "$out" | grep -q "start-up failed" || fail "start-up failure message: $out"
[ -e "$PIDF" ] && fail "failed start-up left a pid file"
[ -e "$SOCK" ] && fail "failed start-up left a socket"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "failed start-up left TAP ${P}a"
pass "start-up errors reach the terminal with status 1: $out"

# without --log-file and with nothing on /dev/log, detached: it says where
# it logs. In a private mount namespace: a tmpfs on /var/log, and /dev/log
# covered, so nothing outside the test is touched.
out=$(unshare --mount --propagation private sh -c '
  mount -t tmpfs vl2t /var/log || exit 9
  if [ -e /dev/log ]; then mount --bind /dev/null /dev/log || exit 9; fi
  exec ip netns exec "$0" "$1" --config "$2" --socket "$3" --pidfile "$4"' \
  "$H" "$SW" "$TMP/sw.conf" "$SOCK" "$PIDF" 2>&1); rc=$?
[ "$rc" = 9 ] && skip "cannot make a private mount namespace"
[ "$rc" = 0 ] || fail "start without /dev/log: exit $rc: $out"
DPID=$(daemon_pid)
echo "$out" | grep -q "nothing listens on /dev/log; logging to /var/log/vl2-switch.log" ||
  fail "no fallback notice: $out"
grep -q "vl2-switch\[$DPID\]: info: running in the background" "/proc/$DPID/root/var/log/vl2-switch.log" ||
  fail "fallback log file has no start-up line"
kill -TERM "$DPID"; gone "$DPID" || fail "SIGTERM (fallback log)"
pass "nothing on /dev/log: logs to a file and says so: $out"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (5) With no arguments vl2-switch runs the built-in default (vl2tap0 and
# vl2tap1, access VLAN 1, VNI 1); SIGTERM (and SIGINT) stop it cleanly and
# remove the TAPs it created and its control socket, even when the TAPs
# were moved into other namespaces. A TAP that existed before is kept.
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
SOCK=$TMP/ctl.sock
start_switch "$H" "" "$SOCK"
ip -n "$H" link show vl2tap0 >/dev/null || fail "vl2tap0 not created"
ip -n "$H" link show vl2tap1 >/dev/null || fail "vl2tap1 not created"
"$CTL" -s "$SOCK" ports | grep -q "vl2tap1 *tap *access 1 *1" || fail "default ports"
vm "$H" vl2tap1 "${P}v1" 10.79.0.1/24
stop_switch "$SPID"; rc=$RC
[ "$rc" = 0 ] || fail "exit status $rc after SIGTERM"
ip -n "$H" link show vl2tap0 >/dev/null 2>&1 && fail "vl2tap0 left behind"
ip -n "${P}v1" link show vl2tap1 >/dev/null 2>&1 && fail "vl2tap1 left behind (moved)"
[ -e "$SOCK" ] && fail "control socket left behind"
pass "SIGTERM removes the TAPs"

# SIGINT, and a pre-existing persistent TAP is left alone
ip -n "$H" tuntap add dev vl2tap0 mode tap
start_switch "$H" "" "$SOCK"
kill -INT "$SPID"; wait "$SPID"; rc=$?
[ "$rc" = 0 ] || fail "exit status $rc after SIGINT"
ip -n "$H" link show vl2tap0 >/dev/null 2>&1 || fail "pre-existing vl2tap0 was removed"
ip -n "$H" link show vl2tap1 >/dev/null 2>&1 && fail "vl2tap1 left behind after SIGINT"
pass "SIGINT stops; a TAP we did not create stays"

#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (2) Bad configurations and options give a clear error naming the file and
# line, exit non-zero, and leave no TAP behind (validation before creation,
# and roll-back when a device fails after others were created).
. "$(dirname "$0")/lib.sh"
H=${P}h
mkns "$H"
# expect_error NAME PATTERN ARGS...: vl2-switch must exit non-zero, print
# PATTERN on stderr, and leave no ${P}* interface.
expect_error() {
  local name=$1 pat=$2
  shift 2
  local out rc
  out=$(timeout 10 ip netns exec "$H" "$SW" --foreground --control "$TMP/ctl.sock" "$@" 2>&1)
  rc=$?
  echo "  [$name] exit $rc: $out"
  [ $rc -ne 0 ] || fail "$name: exit status 0"
  echo "$out" | grep -qE -- "$pat" || fail "$name: message does not match '$pat'"
  if ip -n "$H" -br link | grep -q "^${P}"; then
    ip -n "$H" -br link
    fail "$name: an interface was left behind"
  fi
}

cat >"$TMP/syntax.conf" <<CONF
segments = ( { vni = 1; } );
ports = (
  { name = "${P}a"; vlan = ; }
);
CONF
expect_error syntax "syntax.conf:3: syntax error" --config "$TMP/syntax.conf"

cat >"$TMP/novlan.conf" <<CONF
segments = ( { vni = 1; } );
ports = (
  { name = "${P}a"; vlan = 1; },
  { name = "${P}b";
    vlan = 5; }
);
CONF
expect_error no-segment "novlan.conf:4: port ${P}b: VLAN 5 belongs to no segment" --config "$TMP/novlan.conf"

cat >"$TMP/typo.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a";
            vlna = 1; } );
CONF
expect_error unknown-key "typo.conf:3: unknown setting 'vlna' in a port" --config "$TMP/typo.conf"

cat >"$TMP/type.conf" <<CONF
segments = ( { vni = "one"; } );
ports = ( { name = "${P}a"; } );
CONF
expect_error type "type.conf:1: 'vni': expected an integer" --config "$TMP/type.conf"

cat >"$TMP/range.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a"; },
  { name = "${P}b"; trunk = [ 1, 4095 ]; } );
CONF
expect_error range "range.conf:3: .trunk.: 4095 is out of range" --config "$TMP/range.conf"

cat >"$TMP/mac.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a"; } );
fdb = ( { mac = "02:00:00:00:00"; vni = 1; port = "${P}a"; } );
CONF
expect_error mac "mac.conf:3: 'mac': \"02:00:00:00:00\" is not a MAC address" --config "$TMP/mac.conf"

cat >"$TMP/ref.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a"; } );
fdb = ( { mac = "02:00:00:00:00:01"; vni = 1; port = "${P}a"; },
        { mac = "02:00:00:00:00:02"; vni = 1; port = "nosuch"; } );
CONF
expect_error fdb-port "ref.conf:4: fdb entry: no port named nosuch" --config "$TMP/ref.conf"

cat >"$TMP/afp.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a"; }, { name = "${P}nope"; type = "af_packet"; } );
CONF
expect_error afp-missing "afp.conf:2: port ${P}nope: no such interface" --config "$TMP/afp.conf"

expect_error missing-file "nonexistent.conf: cannot open" --config "$TMP/nonexistent.conf"
expect_error bad-option "unrecognized option" --bogus
expect_error bad-level "--log-level: unknown level 'loud'" --log-level loud

# Valid on paper, but the second port's name is taken by a veth: the TAP
# opened first must be removed again.
ip -n "$H" link add "${P}x" type veth peer name "${P}y"
cat >"$TMP/busy.conf" <<CONF
segments = ( { vni = 1; } );
ports = ( { name = "${P}a"; }, { name = "${P}x"; } );
CONF
out=$(timeout 10 ip netns exec "$H" "$SW" --foreground --control "$TMP/ctl.sock" --config "$TMP/busy.conf" 2>&1)
rc=$?
echo "  [busy] exit $rc: $out"
[ $rc -ne 0 ] || fail "busy: exit status 0"
echo "$out" | grep -q "port ${P}x: cannot open tap backend" || fail "busy: message"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "busy: ${P}a left behind"
[ -e "$TMP/ctl.sock" ] && fail "busy: control socket left behind"

# --check validates without creating anything
ip netns exec "$H" "$SW" --check --config "$TMP/busy.conf" | grep -q "configuration OK" || fail "--check"
ip -n "$H" link show "${P}a" >/dev/null 2>&1 && fail "--check created ${P}a"
pass "bad configurations are refused with file:line, nothing left behind"

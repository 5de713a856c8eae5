#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# (12) Storm control: a VM blasting broadcast at >= 50 000 frames/s gets no
# more than the configured rate (1000/s, +-10 %) to each other port, while
# a victim pair keeps pinging with no loss. Same run, storm control off
# (vl2ctl storm set): the blast goes through at its own rate (the
# baseline the limit is compared with). Then err-disable: with a hold-down
# the port's flooding stops after the burst until the hold-down ends.
. "$(dirname "$0")/lib.sh"
BLAST=$TOOLS/vl2s-blast
[ -x "$BLAST" ] || fail "no $BLAST"
H=${P}h
mkns "$H"
RATE=1000
cat >"$TMP/sw.conf" <<CONF
storm = { broadcast = $RATE; burst = 100; };
segments = ( { vni = 12; vlan = 12; } );
ports = (
  { name = "${P}a"; vlan = 12; mac = "02:00:00:00:12:0a"; },
  { name = "${P}b"; vlan = 12; mac = "02:00:00:00:12:0b"; },
  { name = "${P}c"; vlan = 12; mac = "02:00:00:00:12:0c"; },
  { name = "${P}d"; vlan = 12; mac = "02:00:00:00:12:0d"; }
);
CONF
SOCK=$TMP/ctl.sock
# warnings only: the storm's start and end
LOG=$TMP/switch.log
ip netns exec "$H" "$SW" --foreground --control "$SOCK" --config "$TMP/sw.conf" \
  --log-level warning >"$LOG" 2>&1 &
SPID=$!; SPIDS+=("$SPID")
for _ in $(seq 100); do "$CTL" -s "$SOCK" version >/dev/null 2>&1 && break; sleep 0.1; done
for x in a b c d; do vm "$H" "${P}$x" "${P}v$x" "10.84.0.$(printf '%d' "'$x")/24"; done
ip netns exec "${P}vc" ping -c 2 -i 0.2 -W 2 10.84.0.100 >/dev/null || fail "ping before the storm"

txb() { "$CTL" -s "$SOCK" --json ports | json "[p for p in d['ports'] if p['name']=='${P}b'][0]['stats']['tx_frames']"; }
rxa() { "$CTL" -s "$SOCK" --json ports | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['stats']['rx_frames']"; }

# blast SECONDS: run the blaster in VM a; sets SENT, SRATE, DB (frames to
# port b), RA (frames the switch took from a), and checks the victims.
blast() {
  local b0 a0 secs=$1
  b0=$(txb); a0=$(rxa)
  ip netns exec "${P}va" "$BLAST" "${P}a" "$secs" >"$TMP/blast.out" &
  local bp=$!
  ip netns exec "${P}vc" ping -q -c $((secs * 10 - 5)) -i 0.1 -W 1 10.84.0.100 >"$TMP/ping.out" 2>&1
  local prc=$?
  wait "$bp" || fail "blaster"
  sleep 0.3
  read -r _ SENT _ SRATE <"$TMP/blast.out"
  DB=$(( $(txb) - b0 )); RA=$(( $(rxa) - a0 ))
  grep -E "packets transmitted" "$TMP/ping.out"
  [ $prc = 0 ] && grep -q " 0% packet loss" "$TMP/ping.out" || fail "victim pair lost pings during the storm: $(cat "$TMP/ping.out")"
}

# baseline: storm control off for port a
"$CTL" -s "$SOCK" storm set "${P}a" broadcast 0 || fail "vl2ctl storm set"
blast 2
echo "baseline (no storm control): VM sent $SENT at $SRATE/s, switch took $RA, port b got $DB ($((DB / 2))/s)"
BASE=$((DB / 2))
[ "$BASE" -gt $((RATE * 3)) ] || fail "without storm control port b got only $BASE/s: the test cannot tell"

"$CTL" -s "$SOCK" storm set "${P}a" broadcast $RATE burst 100 || fail "vl2ctl storm set"
T=5
blast $T
echo "storm control $RATE/s: VM sent $SENT at $SRATE/s, switch took $RA ($((RA / T))/s), port b got $DB ($((DB / T))/s)"
[ "${SRATE%.*}" -ge 50000 ] || fail "the VM blasted at only $SRATE frames/s (< 50 000)"
[ $((RA / T)) -ge 50000 ] || fail "the switch took only $((RA / T)) frames/s from the blaster (< 50 000)"
LO=$((RATE * T * 9 / 10)); HI=$((RATE * T * 11 / 10 + 100))
[ "$DB" -ge "$LO" ] && [ "$DB" -le "$HI" ] || fail "port b got $DB broadcasts in ${T}s, expected $LO..$HI"
ST=$("$CTL" -s "$SOCK" --json storm) || fail "vl2ctl storm"
DROP=$(echo "$ST" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['dropped']['broadcast']")
[ "$DROP" -gt 0 ] || fail "no storm_control drops counted"
SD=$("$CTL" -s "$SOCK" --json stats | json "d['switch']['drops'].get('storm_control', 0)")
[ "$SD" -ge "$DROP" ] || fail "drop reason storm_control: $SD < $DROP"
"$CTL" -s "$SOCK" storm | grep "${P}a"
sleep 1.5
grep -q "storm-start: port ${P}a broadcast" "$LOG" || fail "no storm-start logged"
grep -q "storm-end: port ${P}a broadcast" "$LOG" || fail "no storm-end logged"
N=$(grep -c "storm-start" "$LOG")
[ "$N" -le 2 ] || fail "$N storm-start events: not edge-triggered"
pass "broadcast storm cut to $((DB / T))/s per port (limit $RATE/s, baseline $BASE/s) with no victim ping lost"
kill -0 "$SPID" || fail "vl2-switch died"

"$CTL" -s "$SOCK" storm set "${P}a" broadcast $RATE burst 100 holddown 3 || fail "vl2ctl storm set holddown"
blast 1
echo "hold-down 3 s: VM sent $SENT, port b got $DB"
[ "$DB" -le 150 ] || fail "port b got $DB broadcasts from an err-disabled port"
B=$("$CTL" -s "$SOCK" --json storm | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['dropped']['blocked']")
[ "$B" = True ] || fail "port not shown as err-disabled"
grep -q "storm-blocked: port ${P}a" "$LOG" || fail "no storm-blocked logged"
sleep 3
grep -q "storm-unblocked: port ${P}a" "$LOG" || fail "no storm-unblocked logged after the hold-down"
B=$("$CTL" -s "$SOCK" --json storm | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['dropped']['blocked']")
[ "$B" = False ] || fail "still err-disabled after the hold-down"
pass "err-disable: flooding shut for the hold-down ($DB broadcasts passed), then restored"

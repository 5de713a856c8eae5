#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# TAP offload (`offload = true`): TCP between VMs on two offload ports
# crosses vl2-switch as GSO super-frames with their virtio-net headers
# passed through (rx_gso_frames/tx_gso_frames count them), and a 20 MB
# transfer arrives intact (SHA-256). The same VM to a port without offload
# gets the super-frames segmented and checksummed in software (the kernel
# in that VM verifies every checksum), also intact.
. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || skip "no python3"
H=${P}h
mkns "$H"
cat >"$TMP/sw.conf" <<CONF
segments = ( { vni = 100; vlan = 10; } );
ports = (
  { name = "${P}a"; vlan = 10; mac = "02:00:00:00:01:0a"; offload = true; },
  { name = "${P}b"; vlan = 10; mac = "02:00:00:00:01:0b"; offload = true; },
  { name = "${P}c"; vlan = 10; mac = "02:00:00:00:01:0c"; offload = false; }
);
CONF
SOCK=$TMP/ctl.sock
start_switch "$H" "$TMP/sw.conf" "$SOCK"
vm "$H" "${P}a" "${P}va" 10.78.0.1/24
vm "$H" "${P}b" "${P}vb" 10.78.0.2/24
vm "$H" "${P}c" "${P}vc" 10.78.0.3/24
ip netns exec "${P}va" ethtool -k "${P}a" 2>/dev/null | grep -E "^tcp-segmentation-offload"


ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.78.0.2 >/dev/null || fail "ping a -> b"
xfer "${P}va" "${P}vb" 10.78.0.2
pass "20 MB a -> b (both offload) intact"
J=$("$CTL" -s "$SOCK" --json ports) || fail "vl2ctl ports"
GA=$(echo "$J" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['device']['rx_gso_frames']")
GB=$(echo "$J" | json "[p for p in d['ports'] if p['name']=='${P}b'][0]['device']['tx_gso_frames']")
BIG=$(echo "$J" | json "[p for p in d['ports'] if p['name']=='${P}a'][0]['device']['rx_bytes'] // max(1, [p for p in d['ports'] if p['name']=='${P}a'][0]['device']['rx_frames'])")
echo "a: rx_gso_frames $GA (mean frame $BIG bytes); b: tx_gso_frames $GB"
[ "$GA" -gt 0 ] && [ "$GB" -gt 0 ] || fail "no GSO super-frames crossed the switch"
[ "$BIG" -gt 1514 ] || fail "mean frame from a is $BIG bytes: no super-frames"
pass "super-frames (> 1514 bytes) crossed the switch with their headers"

ip netns exec "${P}va" ping -c 2 -i 0.2 -W 2 10.78.0.3 >/dev/null || fail "ping a -> c"
xfer "${P}va" "${P}vc" 10.78.0.3
S=$("$CTL" -s "$SOCK" --json stats) || fail "vl2ctl stats"
SEG=$(echo "$S" | json "d['daemon']['offload_segmented']")
ERR=$(echo "$S" | json "d['daemon']['offload_errors']")
echo "segmented in software: $SEG, errors: $ERR"
[ "$SEG" -gt 0 ] || fail "nothing was segmented for the port without offload"
[ "$ERR" = 0 ] || fail "offload errors: $ERR"
pass "20 MB a -> c (no offload) intact, segmented in software"
stop_switch "$SPID"; [ "$RC" = 0 ] || fail "vl2-switch exit status"

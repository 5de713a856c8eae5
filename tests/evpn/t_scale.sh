#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Scale of the EVPN adapter: 100 VTEPs (type-3) and 1,000 remote MACs
# (master + self entries, spread over the VTEPs) written on the mirror
# vxlan device exactly as zebra writes them, with `bridge -batch`. The
# probe (switch + adapter) reports when all are in libvl2. Figures: the
# time until then, entries per second, the probe's memory; the baseline
# measured in the same run is the kernel's own time to take the writes.
. "$(dirname "$0")/lib.sh"
command -v bridge >/dev/null || skip "no bridge(8)"
NS=${P}s
mkns $NS
ip -n $NS link add ul0 type veth peer name ul1
ip -n $NS addr add 10.99.0.1/24 dev ul0
ip -n $NS link set ul0 up
NV=100 NM=1000
{
  for v in $(seq 1 $NV); do
    echo "fdb append 00:00:00:00:00:00 dev vl2x100 dst 10.98.$((v / 250)).$((v % 250 + 1)) self permanent"
  done
  for i in $(seq 0 $((NM - 1))); do
    v=$((i % NV + 1))
    mac=$(printf '02:00:5e:%02x:%02x:%02x' $((i >> 16 & 255)) $((i >> 8 & 255)) $((i & 255)))
    echo "fdb add $mac dev vl2x100 master extern_learn"
    echo "fdb add $mac dev vl2x100 dst 10.98.$((v / 250)).$((v % 250 + 1)) self extern_learn"
  done
} >$TMP/batch
# phase RCVBUF STOP: one probe, all entries written; with STOP=1 the
# probe is stopped while the kernel writes (its socket buffer overruns:
# ENOBUFS), and must get everything through the dump it makes then.
phase() {
  local rcv=$1 stop=$2
  coproc PR { ip netns exec $NS "$PROBE" --local 10.99.0.1 --vni 100 \
    --until-macs $NM --until-vteps $NV --seconds 60 --rcvbuf $rcv 2>&1; }
  local pid=$PR_PID line
  PIDS+=("$pid")
  read -r -t 20 line <&"${PR[0]}" || fail "probe did not start"
  [ "$line" = ready ] || fail "probe: $line"
  rss0=$(awk '/VmRSS/ {print $2}' /proc/$pid/status 2>/dev/null || echo 0)
  [ "$stop" = 1 ] && kill -STOP $pid
  t0=$(date +%s.%N)
  ip netns exec $NS bridge -batch $TMP/batch || fail "bridge -batch"
  t1=$(date +%s.%N)
  [ "$stop" = 1 ] && kill -CONT $pid
  res=""
  while read -r -t 60 line <&"${PR[0]}"; do
    case "$line" in reached*) res=$line; break ;; esac
  done
  [ -n "$res" ] || fail "not all entries reached libvl2 within 60 s (rcvbuf $rcv, stopped $stop)"
  tail=$(cat <&"${PR[0]}")
  wait $pid 2>/dev/null
  echo "$tail" | grep -q "kernel_errors=0" || fail "probe: $(echo "$tail" | tail -1)"
  n_evpn=$(echo "$tail" | grep -c "^fdb vni=100 .* evpn remote=10.98.")
  [ "$n_evpn" = $NM ] || fail "$n_evpn EVPN FDB entries, expected $NM"
  after_ms=$(echo "$res" | sed 's/.*after_ms=\([0-9.]*\).*/\1/')
  rss1=$(echo "$res" | sed 's/.*rss_kb=\([0-9]*\).*/\1/')
  overruns=$(echo "$res" | sed 's/.*overruns=\([0-9]*\).*/\1/')
}

phase 0 0
python3 - "$t0" "$t1" "$after_ms" "$rss0" "$rss1" $NV $NM <<'PY'
import sys
t0, t1, after_ms, rss0, rss1, nv, nm = sys.argv[1:]
k = (float(t1) - float(t0)) * 1000
e = float(after_ms)
n = int(nv) + 2 * int(nm)
print("scale: %s VTEPs + %s MACs (%d netlink entries): all in libvl2 %.0f ms "
      "after the writes began (%.0f entries/s); kernel took the writes in %.0f ms "
      "(baseline, same run; ratio %.2f); probe RSS %s -> %s kB (+%d kB)"
      % (nv, nm, n, e, n / (e / 1000), k, e / k if k else 0, rss0, rss1,
         int(rss1) - int(rss0)))
PY
pass "$NV VTEPs and $NM MACs from the mirror into libvl2"

# Hostile: the adapter is stopped while the kernel writes, with a small
# socket buffer: the notifications overrun (ENOBUFS); the dump after it
# must bring every entry.
phase 16384 1
[ "$overruns" -ge 1 ] || fail "no overrun with a stopped probe and a 16 KiB buffer"
pass "after $overruns overrun(s) (ENOBUFS) the dump brought all $NV VTEPs and $NM MACs (in $after_ms ms)"

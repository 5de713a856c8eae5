#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Run afp_bench on a veth pair inside a scratch namespace vl2p_<pid>_bench.
# usage: run_bench.sh AFP_BENCH [SECONDS]; exit 77 when not root.
set -u
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
ns=vl2p_$$_bench
trap 'ip netns del $ns 2>/dev/null' EXIT INT TERM
ip netns add $ns || exit 77
ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip -n $ns link add vl2p$$x type veth peer name vl2p$$y || exit 1
ip -n $ns link set vl2p$$x up && ip -n $ns link set vl2p$$y up || exit 1
ip netns exec $ns "$1" vl2p$$x vl2p$$y "${2:-2}"

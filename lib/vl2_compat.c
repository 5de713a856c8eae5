/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * ABI compatibility: the 0.1 counter getters, now macros over their
 * `_versioned` forms (<vl2/switch.h>, <vl2/neigh.h>, <vl2/backend.h>),
 * stay exported (and declared, deprecated, in those headers) so programs
 * linked against 0.1 keep running. The names are in parentheses so the
 * macros do not expand them.
 */
#include <vl2/backend.h>
#include <vl2/neigh.h>
#include <vl2/switch.h>

int(vl2_switch_get_stats)(const vl2_switch *sw, vl2_switch_stats *st) {
  return vl2_switch_get_stats_versioned(sw, sizeof(*st), st);
}

int(vl2_switch_port_get_stats)(const vl2_switch *sw, uint32_t port,
                               vl2_port_stats *st) {
  return vl2_switch_port_get_stats_versioned(sw, port, sizeof(*st), st);
}

int(vl2_switch_segment_get_stats)(const vl2_switch *sw, uint32_t vni,
                                  vl2_segment_stats *st) {
  return vl2_switch_segment_get_stats_versioned(sw, vni, sizeof(*st), st);
}

int(vl2_neigh_get_stats)(const vl2_switch *sw, uint32_t vni,
                         vl2_neigh_stats *st) {
  return vl2_neigh_get_stats_versioned(sw, vni, sizeof(*st), st);
}

int(vl2_backend_get_stats)(const vl2_backend *be, vl2_backend_stats *st) {
  return vl2_backend_get_stats_versioned(be, sizeof(*st), st);
}

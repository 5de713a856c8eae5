/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The switch instance: configuration, creation and deletion, the timer
 * entry points, and counters.
 *
 * Where it fits: the top of the core. It creates every stage's state
 * (vl2_remote.c, vl2_fdb.c, vl2_txq.c, vl2_neigh.c) at vl2_switch_new()
 * and runs their timers; the data path is vl2_forward.c, originated
 * frames vl2_txq.c, the control plane vl2_port.c and vl2_segment.c.
 */
#include "vl2_switch_int.h"

#include <string.h>

#include "vl2_fdb.h"
#include "vl2_mdb.h"
#include "vl2_neigh.h"
#include "vl2_stats.h"
#include "vl2_storm.h"

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

/* The bytes of a ::vl2_switch_config of |version|: a caller built for an
 * older version has a shorter struct. 0 for an unknown version. */
static size_t config_size(int version) {
  switch (version) {
  case VL2_SWITCH_CONFIG_V1:
    return offsetof(vl2_switch_config, max_macs_per_remote);
  case VL2_SWITCH_CONFIG_V2:
    return sizeof(vl2_switch_config);
  default:
    return 0;
  }
}

static void config_defaults(vl2_switch_config *cfg) {
  memset(cfg, 0, sizeof(*cfg));
  cfg->max_ports = 64;
  cfg->max_segments = 1024;
  cfg->max_remotes = 1024;
  cfg->max_fdb = 65536;
  cfg->event_queue_cap = 1024;
  cfg->ageing_ns = 300 * VL2_SEC;
  /* neighbour: defaults of the neigh.h fields (RFC 4861 section 10). */
  cfg->max_neigh = 4096;
  cfg->neigh_ageing_ns = 300 * VL2_SEC;
  cfg->neigh_reachable_ns = 30 * VL2_SEC;
  cfg->neigh_retrans_ns = VL2_SEC;
  cfg->neigh_max_retries = 3;
  cfg->neigh_queue_per_entry = 8;
  cfg->neigh_queue_max = 256;
  cfg->neigh_mtu = 1500;
  cfg->tx_queue_cap = 256;
  cfg->move_threshold = 0; /* dampening off: plain 802.1Q moves */
  cfg->move_window_ns = 10 * VL2_SEC;
  cfg->move_holddown_ns = 60 * VL2_SEC;
  cfg->move_track_max = 1024;
  cfg->dir_max_pending = 256;
  cfg->dir_timeout_ns = VL2_SEC;
  cfg->max_macs_per_remote = 0;
}

int vl2_switch_config_default_versioned(int version, vl2_switch_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  size_t n = config_size(version);
  if (n == 0)
    return VL2_ERR_VERSION;
  vl2_switch_config full;
  config_defaults(&full);
  memcpy(cfg, &full, n);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Creation                                                             */

static void switch_free(vl2_switch *sw) {
  const vl2_mem *uth_mem = &sw->mem;
  if (sw->ports != NULL) {
    for (uint32_t i = 0; i < sw->cfg.max_ports; i++) {
      vl2_mem_free(uth_mem, sw->ports[i].vid2seg);
      vl2_mem_free(uth_mem, sw->ports[i].seg2vid);
    }
  }
  if (sw->segs != NULL) {
    HASH_CLEAR(hh, sw->seg_by_vni);
    for (uint32_t i = 0; i < sw->cfg.max_segments; i++) {
      vl2_mem_free(uth_mem, sw->segs[i].ports);
      vl2_mem_free(uth_mem, sw->segs[i].remotes);
    }
  }
  vl2_mem_free(uth_mem, sw->ports);
  vl2_mem_free(uth_mem, sw->segs);
  vl2_remote_fini(&sw->rt, uth_mem);
  vl2_mem_free(uth_mem, sw->evq);
  vl2_fdb_fini(sw);
  vl2_txq_fini(&sw->txq, uth_mem);
  vl2_neigh_fini(sw);
  vl2_storm_fini(sw);
  vl2_mdb_fini(sw);
  vl2_mem_free(uth_mem, sw);
}

int vl2_switch_new_versioned(vl2_switch **psw, int version,
                             const vl2_switch_config *cfg, const vl2_mem *mem) {
  if (psw == NULL)
    return VL2_ERR_INVALID;
  *psw = NULL;
  vl2_switch_config c;
  size_t csize = config_size(version);
  if (csize == 0)
    return VL2_ERR_VERSION;
  config_defaults(&c);
  if (cfg != NULL)
    memcpy(&c, cfg, csize); /* later fields keep their defaults */
  if (c.reserved_v2 != 0)
    return VL2_ERR_INVALID;
  int rv;
  if (c.max_ports == 0 || c.max_ports > 4096 || c.max_segments == 0 ||
      c.max_segments > 65535 || c.max_remotes == 0 ||
      c.max_remotes > (1u << 20) || c.event_queue_cap == 0 ||
      vl2_fdb_config_check(&c) != 0 || vl2_neigh_config_check(&c) != 0)
    return VL2_ERR_INVALID;

  vl2_mem m = vl2_mem_resolve(mem);
  vl2_switch *sw = vl2_mem_calloc(&m, 1, sizeof(*sw));
  if (sw == NULL)
    return VL2_ERR_NOMEM;
  sw->mem = m;
  sw->cfg = c;
  sw->max_fanout = 1; /* see vl2_segment_update_fanout() */
  vl2_ring_init(&sw->evr, c.event_queue_cap);

  sw->ports = vl2_mem_calloc(&m, c.max_ports, sizeof(*sw->ports));
  sw->segs = vl2_mem_calloc(&m, c.max_segments, sizeof(*sw->segs));
  sw->evq = vl2_mem_calloc(&m, c.event_queue_cap, sizeof(*sw->evq));
  if (sw->ports == NULL || sw->segs == NULL || sw->evq == NULL) {
    switch_free(sw);
    return VL2_ERR_NOMEM;
  }
  rv = vl2_remote_init(&sw->rt, &m, c.max_remotes, c.hash_seed);
  if (rv == 0)
    rv = vl2_fdb_init(sw);
  if (rv == 0)
    rv = vl2_txq_init(&sw->txq, &m, &c);
  if (rv == 0)
    rv = vl2_neigh_init(sw);
  if (rv != 0) {
    switch_free(sw);
    return rv;
  }
  for (uint32_t i = 0; i < c.max_segments; i++)
    sw->segs[i].idx = i;
  *psw = sw;
  return 0;
}

void vl2_switch_del(vl2_switch *sw) {
  if (sw != NULL)
    switch_free(sw);
}

/* ------------------------------------------------------------------ */
/* Timers                                                               */

vl2_tstamp vl2_switch_next_deadline(const vl2_switch *sw) {
  if (sw == NULL)
    return VL2_TSTAMP_NONE;
  vl2_tstamp nd = vl2_neigh_next_deadline(sw);
  vl2_tstamp t = vl2_storm_next_deadline(sw);
  if (t < nd)
    nd = t;
  t = vl2_mdb_next_deadline(sw);
  if (t < nd)
    nd = t;
  t = vl2_fdb_next_deadline(sw);
  return nd < t ? nd : t;
}

int vl2_switch_run_timers(vl2_switch *sw, vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  vl2_neigh_run_timers(sw, now); /* ageing, retries, directory */
  vl2_storm_run_timers(sw, now);
  vl2_mdb_run_timers(sw, now);
  vl2_fdb_run_timers(sw, now); /* thaws, ageing */
  return 0;
}

/* ------------------------------------------------------------------ */
/* Counters                                                             */

int vl2_switch_get_stats_versioned(const vl2_switch *sw, size_t st_size,
                                   vl2_switch_stats *st) {
  if (sw == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_switch_stats full = sw->st;
  full.fdb_entries = sw->fdb.count;
  full.fdb_static = sw->fdb_static;
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

int vl2_switch_port_get_stats_versioned(const vl2_switch *sw, uint32_t port,
                                        size_t st_size, vl2_port_stats *st) {
  if (sw == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  const vl2_port *p = vl2_switch_port(sw, port);
  if (p == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_port_stats full = p->st;
  full.macs = p->macs;
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

int vl2_switch_segment_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                           size_t st_size,
                                           vl2_segment_stats *st) {
  if (sw == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_segment_stats full = seg->st;
  full.macs = seg->macs;
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

static const char *const drop_names[VL2_DROP_REASON_COUNT] = {
    [VL2_DROP_NONE] = "none",
    [VL2_DROP_RUNT] = "runt",
    [VL2_DROP_PORT_UNKNOWN] = "port_unknown",
    [VL2_DROP_SRC_MULTICAST] = "src_multicast",
    [VL2_DROP_SRC_ZERO] = "src_zero",
    [VL2_DROP_TAGGED_ON_ACCESS] = "tagged_on_access",
    [VL2_DROP_UNTAGGED_ON_TRUNK] = "untagged_on_trunk",
    [VL2_DROP_VLAN_NOT_ALLOWED] = "vlan_not_allowed",
    [VL2_DROP_VID_RESERVED] = "vid_reserved",
    [VL2_DROP_STACKED_TAG] = "stacked_tag",
    [VL2_DROP_QINQ] = "qinq",
    [VL2_DROP_NO_SEGMENT] = "no_segment",
    [VL2_DROP_RESERVED_GROUP] = "reserved_group",
    [VL2_DROP_SAME_PORT] = "same_port",
    [VL2_DROP_SPLIT_HORIZON] = "split_horizon",
    [VL2_DROP_NO_DESTINATION] = "no_destination",
    [VL2_DROP_REMOTE_NOT_MEMBER] = "remote_not_member",
    [VL2_DROP_REMOTE_TAGGED] = "remote_tagged",
    [VL2_DROP_ARP_SPOOF] = "arp_spoof",
    [VL2_DROP_ND_SPOOF] = "nd_spoof",
    [VL2_DROP_NEIGH_UNBOUND] = "neigh_unbound",
    [VL2_DROP_DIR_FULL] = "dir_full",
    [VL2_DROP_OVERLAY_MTU] = "overlay_mtu",
    [VL2_DROP_STORM_CONTROL] = "storm_control",
    [VL2_DROP_MCAST_INVALID] = "mcast_invalid",
};

const char *vl2_drop_reason_name(unsigned reason) {
  if (reason >= VL2_DROP_REASON_COUNT || drop_names[reason] == NULL)
    return "unknown";
  return drop_names[reason];
}

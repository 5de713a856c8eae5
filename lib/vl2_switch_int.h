/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the switch instance, its ports and its segments.
 *
 * Every stage of the pipeline (vl2_forward.c, vl2_fdb.c, vl2_remote.c,
 * vl2_txq.c, vl2_neigh*.c) keeps its state in this one instance; each
 * stage's own header says which fields it owns. The stages depend on each
 * other one way only:
 *
 *   vl2_switch.c  (lifecycle, timers, counters)
 *     -> vl2_forward.c  (vl2_switch_process: classify, learn, forward)
 *     -> vl2_txq.c      (originated frames: vl2_switch_poll_tx)
 *     -> vl2_neigh*.c   (ARP/ND: table, suppression, resolver, directory)
 *     -> vl2_port.c, vl2_segment.c  (control plane)
 *     -> vl2_fdb.c      (the MAC table)
 *     -> vl2_remote.c   (remote endpoints)
 *     -> vl2_event.c    (the event queue)
 *
 * A stage calls only stages below it; no header below includes this one.
 */
#ifndef VL2_SWITCH_INT_H
#define VL2_SWITCH_INT_H

#include <vl2/fdb.h>
#include <vl2/switch.h>
#include <vl2/vxlan.h>

#define HASH_NONFATAL_OOM 1
/* uthash allocates through the instance's hooks: every function that uses
 * a uthash macro that may allocate declares `const vl2_mem *uth_mem`. */
#define uthash_malloc(sz) vl2_mem_malloc(uth_mem, (sz))
#define uthash_free(ptr, sz) vl2_mem_free(uth_mem, (ptr))
#define uthash_nonfatal_oom(obj) (uth_oom = 1)
#include <uthash.h>

#include "vl2_fdb.h"
#include "vl2_mem.h"
#include "vl2_remote.h"
#include "vl2_ring.h"
#include "vl2_txq.h"

/* "No segment" in a port's VID map, and "not a member" in its segment map. */
#define VL2_SEG_NONE 0xffffu

/* neighbour: the ARP/ND module's state (vl2_neigh_int.h). */
typedef struct vl2_neigh_state vl2_neigh_state;
/* storm control (vl2_storm.c) and IGMP/MLD snooping (vl2_mdb.c); NULL
 * until configured. */
typedef struct vl2_storm_state vl2_storm_state;
typedef struct vl2_mdb_state vl2_mdb_state;

typedef struct vl2_port {
  uint8_t in_use;
  uint8_t mode;
  vl2_vid pvid;
  uint32_t flags;
  uint32_t max_macs; /* effective limit, 0 = none */
  uint32_t macs;     /* dynamic entries pointing here */
  uint16_t tpid;     /* tag this port sends and classifies on */
  uint16_t reserved;
  uint16_t *vid2seg; /* [4096]: segment index or VL2_SEG_NONE */
  vl2_vid *seg2vid;  /* [max_segments]: VID, 0 = not a member */
  vl2_port_stats st;
} vl2_port;

typedef struct vl2_segment {
  uint8_t in_use;
  uint8_t reserved[3];
  uint32_t idx;
  uint32_t vni;
  uint32_t flags;
  uint32_t max_macs; /* effective limit, 0 = none */
  uint32_t macs;
  uint32_t *ports; /* member port ids (the local flood list) */
  uint32_t n_ports, cap_ports;
  uint32_t *remotes; /* remote indices (the remote flood list) */
  uint32_t n_remotes, cap_remotes;
  vl2_segment_stats st;
  vl2_fdb_move_stats mst; /* MAC move dampening (reported by neigh) */
  UT_hash_handle hh;      /* sw->seg_by_vni */
} vl2_segment;

struct vl2_switch {
  vl2_mem mem;
  vl2_switch_config cfg;
  vl2_tstamp now; /* newest time seen */

  /* vl2_port.c, vl2_segment.c */
  vl2_port *ports;         /* [max_ports] */
  vl2_segment *segs;       /* [max_segments] */
  vl2_segment *seg_by_vni; /* uthash head */
  uint32_t n_segs;
  size_t max_fanout; /* largest n_ports + n_remotes */

  /* vl2_remote.c */
  vl2_remote_table rt;

  /* vl2_fdb.c: the MAC table */
  vl2_fdb_table fdb;
  size_t fdb_static;
  vl2_tstamp sweep_at;      /* next ageing sweep, or NONE */
  vl2_tstamp learn_expires; /* expiry of entries the current burst learns */
  vl2_tstamp refresh_below; /* a refresh moves expiries below this only */
  vl2_duration sweep_gran;
  vl2_fdb_moves moves; /* move dampening */

  /* vl2_event.c */
  vl2_event *evq; /* [cfg.event_queue_cap], indexed by evr */
  vl2_ring evr;

  /* vl2_forward.c (set by vl2_switch_set_overlay) */
  vl2_vxlan_config overlay; /* valid when has_overlay */
  uint8_t has_overlay;

  vl2_switch_stats st;

  /* vl2_txq.c: originated frames */
  vl2_txq txq;

  vl2_neigh_state *neigh; /* vl2_neigh*.c: table, resolver, directory */
  vl2_storm_state *storm; /* vl2_storm.c: storm control, or NULL */
  vl2_mdb_state *mdb;     /* vl2_mdb.c: IGMP/MLD snooping, or NULL */
};

/* The port |port| when it exists, else NULL. */
static inline vl2_port *vl2_switch_port(const vl2_switch *sw, uint32_t port) {
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return NULL;
  return &sw->ports[port];
}

/* Whether frames of segment |seg_idx| leave port |p| with a tag (802.1Q
 * clause 8.1.7 / 6.9: trunk ports tag all but the native VLAN). */
static inline int vl2_port_egress_tagged(const vl2_port *p, uint32_t seg_idx) {
  return p->mode == VL2_PORT_TRUNK && p->seg2vid[seg_idx] != p->pvid;
}

/* A per-object limit, or the switch-wide default when it is 0. */
static inline uint32_t vl2_eff_limit(uint32_t own, uint32_t dflt) {
  return own != 0 ? own : dflt;
}

/* vl2_event.c: emit an event (dropped and counted when the queue is full). */
void vl2_switch_emit(vl2_switch *sw, const vl2_event *ev);

/* vl2_segment.c: the segment with |vni|, or NULL. */
vl2_segment *vl2_switch_find_segment(const vl2_switch *sw, uint32_t vni);

/* vl2_segment.c: recompute sw->max_fanout after a membership change. */
void vl2_segment_update_fanout(vl2_switch *sw);

/* vl2_segment.c: add |port| to / remove it from |seg|'s local flood list.
 * Add returns 0 or VL2_ERR_NOMEM. */
int vl2_segment_port_add(vl2_switch *sw, vl2_segment *seg, uint32_t port);
void vl2_segment_port_del(vl2_segment *seg, uint32_t port);

#endif /* !defined(VL2_SWITCH_INT_H) */

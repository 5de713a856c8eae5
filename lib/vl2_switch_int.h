/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the switch's state. Shared by vl2_switch.c and the modules that
 * extend it (neighbour table, overlay), and by white-box unit tests.
 */
#ifndef VL2_SWITCH_INT_H
#define VL2_SWITCH_INT_H

#include <vl2/fdb.h>
#include <vl2/switch.h>
#include <vl2/vxlan.h>

#include "vl2_fdb.h"

#define HASH_NONFATAL_OOM 1
/* uthash allocates through the instance's hooks: every function that uses
 * a uthash macro that may allocate declares `const vl2_mem *uth_mem`. */
#define uthash_malloc(sz) vl2_mem_malloc(uth_mem, (sz))
#define uthash_free(ptr, sz) vl2_mem_free(uth_mem, (ptr))
#define uthash_nonfatal_oom(obj) (uth_oom = 1)
#include <uthash.h>

#include "vl2_mem.h"

/* "No segment" in a port's VID map, and "not a member" in its segment map. */
#define VL2_SEG_NONE 0xffffu

/* neighbour: the ARP/ND module's state (vl2_neigh.c). */
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
  UT_hash_handle hh; /* sw->seg_by_vni */
} vl2_segment;

typedef struct vl2_remote {
  vl2_ipaddr addr;
  uint32_t refcnt; /* flood-list memberships + FDB entries */
  uint8_t in_use;
  uint8_t reserved[3];
} vl2_remote;

struct vl2_switch {
  vl2_mem mem;
  vl2_switch_config cfg;
  vl2_tstamp now; /* newest time seen */

  vl2_port *ports;         /* [max_ports] */
  vl2_segment *segs;       /* [max_segments] */
  vl2_segment *seg_by_vni; /* uthash head */
  uint32_t n_segs;
  size_t max_fanout; /* largest n_ports + n_remotes */

  vl2_remote *remotes;  /* [max_remotes] */
  uint32_t *remote_map; /* open addressing: remote index + 1, 0 = empty */
  size_t remote_mask;
  uint32_t *remote_free; /* stack of free indices */
  uint32_t n_remote_free;

  vl2_fdb_table fdb;
  size_t fdb_static;
  vl2_tstamp sweep_at;      /* next ageing sweep, or NONE */
  vl2_tstamp learn_expires; /* expiry of entries the current burst learns */
  vl2_duration sweep_gran;

  vl2_event *evq; /* ring of cfg.event_queue_cap */
  uint32_t evq_head, evq_len;

  vl2_vxlan_config overlay; /* valid when has_overlay */
  uint8_t has_overlay;

  vl2_switch_stats st;

  vl2_neigh_state *neigh; /* neighbour: table, resolver, tx queue */
  vl2_storm_state *storm; /* storm control, or NULL */
  vl2_mdb_state *mdb;     /* IGMP/MLD snooping, or NULL */
};

/* Emit an event (dropped and counted when the queue is full). */
void vl2_switch_emit(vl2_switch *sw, const vl2_event *ev);

/* The segment with |vni|, or NULL. */
vl2_segment *vl2_switch_find_segment(const vl2_switch *sw, uint32_t vni);

/* Find the remote with |addr|; with |create|, add it (refcnt 0) if absent.
 * Returns its index, or -1 (absent, or table full). */
int32_t vl2_switch_remote_lookup(vl2_switch *sw, const vl2_ipaddr *addr,
                                 int create);

#endif /* !defined(VL2_SWITCH_INT_H) */

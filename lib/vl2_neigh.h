/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the neighbour (ARP/ND) stage's hooks, called by the switch
 * (vl2_switch.c: set-up, timers), the data path (vl2_forward.c:
 * vl2_neigh_input) and the segments (vl2_segment.c). Its state lives in
 * `struct vl2_neigh_state` (vl2_neigh_int.h), owned by the switch
 * (sw->neigh), allocated in vl2_neigh_init() at vl2_switch_new() time;
 * nothing here allocates afterwards.
 */
#ifndef VL2_NEIGH_INTERNAL_H
#define VL2_NEIGH_INTERNAL_H

#include <vl2/neigh.h>
#include <vl2/switch.h>

typedef struct vl2_segment vl2_segment;

#define VL2_ETH_P_IPV4 0x0800u
#define VL2_ETH_P_ARP 0x0806u
#define VL2_ETH_P_RARP 0x8035u
#define VL2_ETH_P_IPV6 0x86ddu

/* vl2_neigh_input() results. */
#define VL2_NB_PASS 0    /* forward as usual */
#define VL2_NB_CONSUME 1 /* answered or handed to the directory */
#define VL2_NB_DROP 2    /* drop with *|reason| */

/* Validate the neighbour fields of |c|: 0 or VL2_ERR_INVALID. */
int vl2_neigh_config_check(const vl2_switch_config *c);

/* Allocate sw->neigh from sw->cfg through sw->mem. 0, VL2_ERR_NOMEM
 * (nothing left allocated) or VL2_ERR_INVALID. */
int vl2_neigh_init(vl2_switch *sw);

/* Free sw->neigh; a NULL sw->neigh is a no-op. */
void vl2_neigh_fini(vl2_switch *sw);

/* Data path: a frame of EtherType |et| (not IPv4) classified into |seg|,
 * its L3 header at |l3off|. Snoops ARP/ND into the table, applies the
 * ingress port's spoof guard, answers suppressible requests. Returns a
 * VL2_NB_* value; with VL2_NB_DROP, *|reason| is a VL2_DROP_*. With
 * |T| (a trace: vl2_trace.h) it changes nothing, records NEIGH steps and
 * returns what it would return. */
typedef struct vl2_tracer vl2_tracer;
int vl2_neigh_input(vl2_switch *sw, vl2_segment *seg, const vl2_frame *f,
                    size_t l3off, uint16_t et, vl2_tstamp now, uint16_t *reason,
                    vl2_tracer *T);

/* Segment with index |seg_idx| is being deleted: drop its entries,
 * pending lookups and per-segment state (no events). */
void vl2_neigh_segment_gone(vl2_switch *sw, uint32_t seg_idx);

/* The earliest neighbour deadline, or VL2_TSTAMP_NONE. */
vl2_tstamp vl2_neigh_next_deadline(const vl2_switch *sw);

/* Run the neighbour timers that are due at |now|. */
void vl2_neigh_run_timers(vl2_switch *sw, vl2_tstamp now);

#endif /* !defined(VL2_NEIGH_INTERNAL_H) */

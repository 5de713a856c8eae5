/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: IGMP/MLD snooping's hooks into the switch. State lives in
 * `struct vl2_mdb_state` (sw->mdb), allocated by vl2_mdb_setup() (or the
 * first vl2_mdb_segment_set()); NULL means snooping is off everywhere and
 * the flood path pays one compare.
 */
#ifndef VL2_MDB_INTERNAL_H
#define VL2_MDB_INTERNAL_H

#include <vl2/mdb.h>

#include "vl2_switch_int.h"

/* vl2_mdb_input() results. */
#define VL2_MDB_FWD_FLOOD 0   /* flood as without snooping */
#define VL2_MDB_FWD_MARKED 1  /* only to destinations vl2_mdb_marked_*() */
#define VL2_MDB_FWD_DROP 2    /* invalid IGMP/MLD: VL2_DROP_MCAST_INVALID */
#define VL2_MDB_FWD_CONSUME 3 /* a report with no router port: absorbed */

typedef struct vl2_mdb_state vl2_mdb_state;

/* The part of the state the flood loop reads: destinations marked with
 * the current generation receive the frame. */
typedef struct vl2_mdb_marks {
  uint32_t gen;
  uint32_t reserved;
  uint32_t *port;   /* [max_ports] */
  uint32_t *remote; /* [max_remotes] */
} vl2_mdb_marks;

/* The marks of sw->mdb (which must exist). */
const vl2_mdb_marks *vl2_mdb_get_marks(const vl2_switch *sw);

static inline int vl2_mdb_marked(const vl2_mdb_marks *m, uint32_t port) {
  return m->port[port] == m->gen;
}
static inline int vl2_mdb_marked_remote(const vl2_mdb_marks *m, uint32_t ridx) {
  return m->remote[ridx] == m->gen;
}

/* Free sw->mdb; NULL is a no-op. */
void vl2_mdb_fini(vl2_switch *sw);

/* The flood path, for a frame to a group MAC other than broadcast,
 * classified into |seg|, its L3 header at |l3off| with EtherType |et|,
 * from |src_dest| (a port id, or VL2_FDB_DEST_REMOTE | remote index, or
 * UINT32_MAX for an endpoint not in the table). Snoops IGMP/MLD and
 * returns a VL2_MDB_FWD_* value; with VL2_MDB_FWD_MARKED the marks say
 * who gets it. *|unreg| is set to 0 for a registered group's data, else
 * 1 (storm control's class). Call only when sw->mdb is not NULL. With
 * |T| (a trace: vl2_trace.h) it records an MDB step and changes nothing
 * but the scratch marks. */
typedef struct vl2_tracer vl2_tracer;
int vl2_mdb_input(vl2_switch *sw, const vl2_segment *seg, const vl2_frame *f,
                  size_t l3off, uint16_t et, uint32_t src_dest, vl2_tstamp now,
                  int *unreg, vl2_tracer *T);

/* Port |port| left segment |seg_idx| (UINT32_MAX: every segment), or
 * remote |ridx| left its flood list: drop its memberships and router
 * state there (no events). */
void vl2_mdb_dest_gone(vl2_switch *sw, uint32_t seg_idx, uint32_t dest);

/* Segment |seg_idx| is being deleted. */
void vl2_mdb_segment_gone(vl2_switch *sw, uint32_t seg_idx);

/* The earliest MDB deadline (an expiry, a query to send), or
 * VL2_TSTAMP_NONE. */
vl2_tstamp vl2_mdb_next_deadline(const vl2_switch *sw);

/* Expire memberships and router ports; send due queries. */
void vl2_mdb_run_timers(vl2_switch *sw, vl2_tstamp now);

/* The exponential code of RFC 3376 section 4.1.1 (|mant_bits| 4: IGMPv3
 * Max Resp Code and QQIC, 8 bits) and RFC 3810 section 5.1.3
 * (|mant_bits| 12: MLDv2 Maximum Response Code, 16 bits) for |v|: |v|
 * itself below 2^(mant_bits + 3), else 1 | exp (3 bits) | mant with
 * v = (mant | 1 << mant_bits) << (exp + 3), rounded down; all ones from
 * the largest such value up (31744 and 8387584). As Linux's
 * igmpv3_exp_field_encode() and mldv2_exp_field_encode(). */
uint16_t vl2_mdb_exp_code(uint64_t v, unsigned mant_bits);

#endif /* !defined(VL2_MDB_INTERNAL_H) */

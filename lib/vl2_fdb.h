/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the MAC table (FDB). vl2_fdb.c holds all of it: the hash
 * table, the learning policy, limits, moves and their dampening, ageing,
 * and the public vl2_fdb_* calls; its top comment is the design.
 *
 * The table: open addressing with linear probing and backward-shift
 * deletion (vl2_oamap.h), sized at init to at most half full, so the data
 * path never allocates and probe chains stay short.
 *
 * A key packs the segment index and the MAC into 64 bits:
 * (segment index + 1) << 48 | MAC, so key 0 marks an empty slot.
 */
#ifndef VL2_FDB_INTERNAL_H
#define VL2_FDB_INTERNAL_H

#include <vl2/common.h>
#include <vl2/fdb.h>
#include <vl2/switch.h>

#include "vl2_oamap.h"

/* dest: a port id, or VL2_FDB_DEST_REMOTE | remote index. */
#define VL2_FDB_DEST_REMOTE 0x80000000u

typedef struct vl2_fdb_slot {
  uint64_t key;       /* 0: empty */
  vl2_tstamp expires; /* VL2_TSTAMP_NONE: static, or ageing off */
  uint32_t dest;
  uint16_t flags; /* VL2_FDB_F_* */
  uint16_t reserved;
} vl2_fdb_slot;

typedef struct vl2_fdb_table {
  vl2_fdb_slot *slots;
  size_t mask;  /* capacity - 1; capacity is a power of two */
  size_t count; /* occupied slots */
  size_t max;   /* limit on count (max_fdb) */
  uint64_t seed;
} vl2_fdb_table;

static inline uint64_t vl2_fdb_key(uint32_t seg_idx, uint64_t mac) {
  return ((uint64_t)(seg_idx + 1) << 48) | mac;
}
static inline uint32_t vl2_fdb_key_seg(uint64_t key) {
  return (uint32_t)(key >> 48) - 1;
}
static inline uint64_t vl2_fdb_key_mac(uint64_t key) {
  return key & 0xffffffffffffULL;
}

/* murmur3's fmix64 over the seeded key: every key bit affects every index
 * bit, and the seed (from the caller's randomness) hides the mapping. */
static inline size_t vl2_fdb_hash(const vl2_fdb_table *t, uint64_t key) {
  uint64_t h = key ^ t->seed;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return (size_t)h & t->mask;
}

/* The slot holding |key|, or NULL. Ignores expiry. */
static inline vl2_fdb_slot *vl2_fdb_find(const vl2_fdb_table *t, uint64_t key) {
  size_t i = vl2_fdb_hash(t, key);
  for (;;) {
    vl2_fdb_slot *s = &t->slots[i];
    if (s->key == key)
      return s;
    if (s->key == 0)
      return NULL;
    i = (i + 1) & t->mask;
  }
}

/* Prefetch the home slot of |key|. */
static inline void vl2_fdb_prefetch(const vl2_fdb_table *t, uint64_t key) {
  __builtin_prefetch(&t->slots[vl2_fdb_hash(t, key)]);
}

/* Allocate a table for |max| entries. Returns 0 or VL2_ERR_NOMEM /
 * VL2_ERR_INVALID. */
int vl2_fdb_table_init(vl2_fdb_table *t, const vl2_mem *mem, size_t max,
                       uint64_t seed);
void vl2_fdb_table_fini(vl2_fdb_table *t, const vl2_mem *mem);

/* Insert |key| (which must not be present) and return its slot, zeroed but
 * for the key; NULL when count reached max. */
vl2_fdb_slot *vl2_fdb_insert(vl2_fdb_table *t, uint64_t key);

/* Remove the slot at index |i|; entries after it may shift into it (the
 * caller iterating by index must look at |i| again). */
void vl2_fdb_remove_at(vl2_fdb_table *t, size_t i);

static inline size_t vl2_fdb_index(const vl2_fdb_table *t,
                                   const vl2_fdb_slot *s) {
  return (size_t)(s - t->slots);
}

/* Whether entry |s| is live at |now| (lookups ignore expired entries
 * before the sweep reclaims them). */
static inline int vl2_fdb_slot_live(const vl2_fdb_slot *s, vl2_tstamp now) {
  return s->expires == VL2_TSTAMP_NONE || s->expires > now;
}

/* ------------------------------------------------------------------ */
/* The switch's MAC table (vl2_fdb.c)                                   */

typedef struct vl2_segment vl2_segment;

/* Move-dampening counters; reported in vl2_neigh_stats. */
typedef struct vl2_fdb_move_stats {
  uint64_t mac_frozen;
  uint64_t frozen_blocked;
  uint64_t thawed;
} vl2_fdb_move_stats;

typedef struct vl2_fdb_mt vl2_fdb_mt;

/* Move dampening: a 4-way set-associative table of per-MAC move
 * trackers (cfg.move_track_max). */
typedef struct vl2_fdb_moves {
  vl2_fdb_mt *mt; /* (mt_mask + 1) * 4 trackers */
  size_t mt_mask;
  vl2_tstamp next_at; /* earliest thaw (may be early), or NONE */
  vl2_fdb_move_stats st;
} vl2_fdb_moves;

/* Validate the MAC table's fields of |c|: 0 or VL2_ERR_INVALID. */
int vl2_fdb_config_check(const vl2_switch_config *c);

/* Allocate the table and the move trackers from sw->cfg. 0,
 * VL2_ERR_NOMEM or VL2_ERR_INVALID; vl2_fdb_fini() is safe either way. */
int vl2_fdb_init(vl2_switch *sw);
void vl2_fdb_fini(vl2_switch *sw);

/* Learning's fast path (802.1Q clause 8.7): |s|, the entry of the source
 * MAC (or NULL), already points at the ingress |src_dest|: refresh it to
 * |expires|, but only when its expiry has fallen below |below| (at most
 * the sweep granularity, 1 s, behind): a compare instead of a store per
 * frame. Returns 1 when that was all, 0 when vl2_fdb_learn() must
 * decide. */
static inline int vl2_fdb_refresh(vl2_fdb_slot *s, uint32_t src_dest,
                                  vl2_tstamp expires, vl2_tstamp below) {
  if (s == NULL || s->dest != src_dest || (s->flags & VL2_FDB_F_STATIC))
    return 0;
  if (s->expires < below)
    s->expires = expires;
  return 1;
}

/* The step recorder of a trace (vl2_trace.h). */
typedef struct vl2_tracer vl2_tracer;

/* Learn source MAC |mac| of |seg| against the ingress: *|src_dest| (a
 * port id, VL2_FDB_DEST_REMOTE | index, or UINT32_MAX for the endpoint
 * |remote| not in the remote table yet, created here and written back).
 * |remote| is the endpoint a decapsulated frame came from, NULL for a
 * frame from a local port.
 * |s| is the MAC's entry or NULL. Sets *|counted| when a static conflict
 * was counted. Returns VL2_VFLAG_* flags for the verdict. With |T| (a
 * trace) it changes nothing (not even *|src_dest|), records a LEARN step
 * and returns the flags it would return. */
uint32_t vl2_fdb_learn(vl2_switch *sw, vl2_segment *seg, uint32_t *src_dest,
                       const vl2_ipaddr *remote, uint64_t mac, vl2_fdb_slot *s,
                       uint8_t *counted, vl2_tstamp now, vl2_tracer *T);

/* Remove entries matching |which| (VL2_FDB_FLUSH_*), restricted to
 * destination |dest| when |by_dest| and to segment index |seg| when
 * |by_seg|. Returns the number removed. */
size_t vl2_fdb_flush(vl2_switch *sw, int by_dest, uint32_t dest, int by_seg,
                     uint32_t seg, unsigned which);

/* Segment index |seg_idx| is being deleted: forget its move trackers
 * (its entries are flushed by the caller). */
void vl2_fdb_segment_gone(vl2_switch *sw, uint32_t seg_idx);

/* The earliest MAC-table deadline (ageing sweep, thaw), or NONE. */
vl2_tstamp vl2_fdb_next_deadline(const vl2_switch *sw);

/* Thaw frozen MACs and age out entries due at |now|. */
void vl2_fdb_run_timers(vl2_switch *sw, vl2_tstamp now);

#endif /* !defined(VL2_FDB_INTERNAL_H) */

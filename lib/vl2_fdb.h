/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the FDB's hash table. Open addressing with linear probing and
 * backward-shift deletion (no tombstones), sized at init to at most half
 * full, so the data path never allocates and probe chains stay short.
 *
 * A key packs the segment index and the MAC into 64 bits:
 * (segment index + 1) << 48 | MAC, so key 0 marks an empty slot.
 */
#ifndef VL2_FDB_INTERNAL_H
#define VL2_FDB_INTERNAL_H

#include <vl2/common.h>

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

/* Backward-shift deletion in a linear-probing table (Knuth 6.4
 * Algorithm R): the entry at |j|, whose home slot is |home|, stays where
 * it is when its home lies cyclically in (|hole|, |j|]; otherwise it moves
 * into the hole. */
static inline int vl2_probe_stays(size_t hole, size_t j, size_t home) {
  return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
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

#endif /* !defined(VL2_FDB_INTERNAL_H) */

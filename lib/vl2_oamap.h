/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the core's one open-addressing hash map. Linear probing,
 * backward-shift deletion (Knuth 6.4 Algorithm R: no tombstones), sized
 * at creation to at most half full, so lookups never allocate and probe
 * chains stay short.
 *
 * Two layouts use the same probing and deletion rule:
 *  - an index map (remote endpoints, neighbour entries): an array of
 *    uint32_t, 0 = empty, otherwise the element's index + 1; the caller
 *    keeps the elements and says how to compare and re-hash them;
 *  - the FDB's slot table (vl2_fdb.h), whose 64-bit keys sit in the slots
 *    themselves for one cache miss per lookup.
 */
#ifndef VL2_OAMAP_H
#define VL2_OAMAP_H

#include <stddef.h>
#include <stdint.h>

/* The capacity (a power of two, at least 16) for at most |max| entries. */
static inline size_t vl2_oamap_cap(size_t max) {
  size_t cap = 16;
  while (cap < max * 2)
    cap <<= 1;
  return cap;
}

/* Backward-shift deletion: the entry at |j|, whose home slot is |home|,
 * stays where it is when its home lies cyclically in (|hole|, |j|];
 * otherwise it moves into the hole. */
static inline int vl2_probe_stays(size_t hole, size_t j, size_t home) {
  return hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
}

/* Does element |idx| have key |key|? */
typedef int (*vl2_oamap_match_fn)(const void *ctx, uint32_t idx,
                                  const void *key);
/* The home slot (hash & mask) of element |idx|. */
typedef size_t (*vl2_oamap_home_fn)(const void *ctx, uint32_t idx);

/* The slot of |key| (hash |hash|) in index map |map|: 0 there means
 * absent, and the key is inserted by storing its index + 1 there. */
static inline size_t vl2_oamap_slot(const uint32_t *map, size_t mask,
                                    size_t hash, const void *key,
                                    vl2_oamap_match_fn match, const void *ctx) {
  size_t i = hash & mask;
  for (;;) {
    uint32_t v = map[i];
    if (v == 0 || match(ctx, v - 1, key))
      return i;
    i = (i + 1) & mask;
  }
}

/* Empty slot |hole| of index map |map|, shifting later members of its
 * probe chain back. */
static inline void vl2_oamap_remove(uint32_t *map, size_t mask, size_t hole,
                                    vl2_oamap_home_fn home, const void *ctx) {
  size_t j = hole;
  for (;;) {
    j = (j + 1) & mask;
    uint32_t v = map[j];
    if (v == 0)
      break;
    if (vl2_probe_stays(hole, j, home(ctx, v - 1)))
      continue;
    map[hole] = v;
    hole = j;
  }
  map[hole] = 0;
}

#endif /* !defined(VL2_OAMAP_H) */

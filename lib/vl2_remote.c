/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Remote endpoints (VTEPs): address -> small index, reference counted.
 *
 * Where it fits: the FDB (vl2_fdb.c) and the segments' flood lists
 * (vl2_segment.c) refer to endpoints by index; the data path
 * (vl2_forward.c) looks up the endpoint a decapsulated frame came from.
 * Allocated once in vl2_remote_init(); never allocates afterwards.
 */
#include "vl2_remote.h"

#include <string.h>

#include "vl2_mem.h"
#include "vl2_oamap.h"
#include "vl2_wire.h"

static uint32_t hash_ipaddr(const vl2_ipaddr *a, uint64_t seed) {
  uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ a->family;
  for (int i = 0; i < 16; i += 4) {
    h ^= vl2_load_be32(a->addr + i);
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  return (uint32_t)h;
}

int vl2_remote_init(vl2_remote_table *t, const vl2_mem *mem, uint32_t max,
                    uint64_t seed) {
  memset(t, 0, sizeof(*t));
  size_t rcap = vl2_oamap_cap(max);
  t->mask = rcap - 1;
  t->max = max;
  t->seed = seed;
  t->remotes = vl2_mem_calloc(mem, max, sizeof(*t->remotes));
  t->map = vl2_mem_calloc(mem, rcap, sizeof(*t->map));
  t->free = vl2_mem_calloc(mem, max, sizeof(uint32_t));
  t->macs = vl2_mem_calloc(mem, max, sizeof(uint32_t));
  if (t->remotes == NULL || t->map == NULL || t->free == NULL ||
      t->macs == NULL)
    return VL2_ERR_NOMEM;
  for (uint32_t i = 0; i < max; i++)
    t->free[i] = max - 1 - i;
  t->n_free = max;
  return 0;
}

void vl2_remote_fini(vl2_remote_table *t, const vl2_mem *mem) {
  vl2_mem_free(mem, t->remotes);
  vl2_mem_free(mem, t->map);
  vl2_mem_free(mem, t->free);
  vl2_mem_free(mem, t->macs);
  memset(t, 0, sizeof(*t));
}

int vl2_ipaddr_valid(const vl2_ipaddr *a) {
  if (a->family == VL2_AF_INET) {
    for (int i = 4; i < 16; i++)
      if (a->addr[i] != 0)
        return 0;
    return 1;
  }
  return a->family == VL2_AF_INET6;
}

static int slot_match(const void *ctx, uint32_t idx, const void *key) {
  const vl2_remote_table *t = ctx;
  return memcmp(&t->remotes[idx].addr, key, sizeof(vl2_ipaddr)) == 0;
}

static size_t slot_home(const void *ctx, uint32_t idx) {
  const vl2_remote_table *t = ctx;
  return hash_ipaddr(&t->remotes[idx].addr, t->seed) & t->mask;
}

/* The map slot of |addr|: 0 there means absent (insert here). */
static size_t remote_slot(const vl2_remote_table *t, const vl2_ipaddr *addr) {
  return vl2_oamap_slot(t->map, t->mask, hash_ipaddr(addr, t->seed), addr,
                        slot_match, t);
}

int32_t vl2_remote_lookup(vl2_remote_table *t, const vl2_ipaddr *addr,
                          int create) {
  size_t i = remote_slot(t, addr);
  if (t->map[i] != 0)
    return (int32_t)(t->map[i] - 1);
  if (!create || t->n_free == 0)
    return -1;
  uint32_t idx = t->free[--t->n_free];
  vl2_remote *r = &t->remotes[idx];
  memset(r, 0, sizeof(*r));
  t->macs[idx] = 0;
  r->addr = *addr;
  r->in_use = 1;
  t->map[i] = idx + 1;
  return (int32_t)idx;
}

void vl2_remote_release(vl2_remote_table *t, uint32_t idx) {
  vl2_remote *r = &t->remotes[idx];
  vl2_oamap_remove(t->map, t->mask, remote_slot(t, &r->addr), slot_home, t);
  r->in_use = 0;
  t->free[t->n_free++] = idx;
}

void vl2_remote_unref(vl2_remote_table *t, uint32_t idx) {
  if (--t->remotes[idx].refcnt == 0)
    vl2_remote_release(t, idx);
}

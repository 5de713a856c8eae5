/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: remote endpoints (VTEPs). Each distinct underlay address the
 * switch knows, configured in a segment's flood list or learned behind
 * an FDB entry, gets a small index, so FDB entries and flood lists store
 * 32 bits instead of a 17-byte address. An endpoint lives while something
 * refers to it (flood-list memberships + FDB entries).
 *
 * Storage: an array of endpoints, a stack of free indices, and an
 * open-addressing map (vl2_oamap.h) from address to index. Allocated
 * once in vl2_remote_init(); never allocates afterwards. Knows nothing of
 * the switch.
 */
#ifndef VL2_REMOTE_H
#define VL2_REMOTE_H

#include <vl2/common.h>

typedef struct vl2_remote {
  vl2_ipaddr addr;
  uint32_t refcnt; /* flood-list memberships + FDB entries */
  uint8_t in_use;
  uint8_t reserved[3];
} vl2_remote;

typedef struct vl2_remote_table {
  vl2_remote *remotes; /* [max] */
  uint32_t *map;       /* open addressing: remote index + 1, 0 = empty */
  size_t mask;
  uint32_t *free; /* stack of free indices */
  /* Dynamic FDB entries behind each endpoint (max_macs_per_remote); apart
   * from vl2_remote so the endpoint records stay small. */
  uint32_t *macs;
  uint32_t n_free;
  uint32_t max;
  uint64_t seed;
} vl2_remote_table;

/* Allocate a table for |max| endpoints. 0 or VL2_ERR_NOMEM (nothing left
 * allocated: vl2_remote_fini() is still safe). */
int vl2_remote_init(vl2_remote_table *t, const vl2_mem *mem, uint32_t max,
                    uint64_t seed);
void vl2_remote_fini(vl2_remote_table *t, const vl2_mem *mem);

/* A unicast-capable address of a known family, IPv4 zero-padded. */
int vl2_ipaddr_valid(const vl2_ipaddr *a);

/* Find the endpoint with |addr|; with |create|, add it (refcnt 0) if
 * absent. Returns its index, or -1 (absent, or table full). */
int32_t vl2_remote_lookup(vl2_remote_table *t, const vl2_ipaddr *addr,
                          int create);

/* The index vl2_remote_lookup() with |create| would give a new endpoint
 * now, or -1 when the table is full; changes nothing (a trace asks). */
static inline int32_t vl2_remote_lookup_room(const vl2_remote_table *t) {
  return t->n_free != 0 ? (int32_t)t->free[t->n_free - 1] : -1;
}

/* Take / drop a reference; the last one frees the endpoint. */
static inline void vl2_remote_ref(vl2_remote_table *t, uint32_t idx) {
  t->remotes[idx].refcnt++;
}
void vl2_remote_unref(vl2_remote_table *t, uint32_t idx);

/* Free endpoint |idx| (its reference count must be 0). */
void vl2_remote_release(vl2_remote_table *t, uint32_t idx);

static inline const vl2_ipaddr *vl2_remote_addr(const vl2_remote_table *t,
                                                uint32_t idx) {
  return &t->remotes[idx].addr;
}

#endif /* !defined(VL2_REMOTE_H) */

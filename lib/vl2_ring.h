/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the one bounded FIFO ring of the core and the backends, as
 * index arithmetic over an array its owner keeps (events, originated
 * frames, the mem backend's queues). Header-only, so backends share it
 * without linking anything.
 */
#ifndef VL2_RING_H
#define VL2_RING_H

#include <stdint.h>

typedef struct vl2_ring {
  uint32_t cap;  /* slots, at least 1 */
  uint32_t head; /* oldest element */
  uint32_t len;  /* elements held */
} vl2_ring;

static inline void vl2_ring_init(vl2_ring *r, uint32_t cap) {
  r->cap = cap;
  r->head = 0;
  r->len = 0;
}

static inline int vl2_ring_full(const vl2_ring *r) { return r->len >= r->cap; }

/* The slot of the |i|-th element from the oldest (|i| <= len; |i| == len
 * is the slot the next push fills). */
static inline uint32_t vl2_ring_at(const vl2_ring *r, uint32_t i) {
  uint64_t s = (uint64_t)r->head + i;
  return (uint32_t)(s % r->cap);
}

/* Claim the next slot (the ring must not be full); returns it. */
static inline uint32_t vl2_ring_push(vl2_ring *r) {
  uint32_t s = vl2_ring_at(r, r->len);
  r->len++;
  return s;
}

/* Release the |n| oldest elements (|n| <= len). */
static inline void vl2_ring_pop_n(vl2_ring *r, uint32_t n) {
  r->head = vl2_ring_at(r, n);
  r->len -= n;
}

static inline void vl2_ring_pop(vl2_ring *r) { vl2_ring_pop_n(r, 1); }

#endif /* !defined(VL2_RING_H) */

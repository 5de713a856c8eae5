/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the originated-frame queue. Frames the switch itself sends
 * (suppressed ARP/ND replies, directory replies, resolver requests, IP
 * packets sent or released by the resolver) live in a bounded pool of
 * buffers, in two classes with their own limits: generated frames
 * (cfg.tx_queue_cap) and packets waiting for resolution
 * (cfg.neigh_queue_max, linked into per-neighbour wait queues by
 * vl2_neigh_resolve.c). A queued frame is an item of a ring that owns its
 * buffer; vl2_switch_poll_tx() (vl2_txq.c) hands each item out once per
 * destination. Allocated in vl2_txq_init(); never allocates afterwards.
 */
#ifndef VL2_TXQ_H
#define VL2_TXQ_H

#include <vl2/common.h>
#include <vl2/switch.h>

#include "vl2_ring.h"

/* Item destinations: a port, the segment's flood list, the FDB entry of
 * the frame's destination MAC (looked up when polled), a remote. */
enum {
  VL2_TXQ_TO_PORT = 0,
  VL2_TXQ_TO_FLOOD = 1,
  VL2_TXQ_TO_MAC = 2,
  VL2_TXQ_TO_REMOTE = 3
};
/* Buffer classes: generated (tx_queue_cap) or waiting (neigh_queue_max). */
enum { VL2_TXQ_BUF_GEN = 0, VL2_TXQ_BUF_WAIT = 1 };
/* No buffer (also the end of a wait-queue link). */
#define VL2_TXQ_NONE UINT32_MAX

typedef struct vl2_txq_item {
  uint32_t buf;
  uint32_t seg;
  uint32_t vni;
  uint32_t port;   /* TO_PORT */
  uint32_t remote; /* TO_REMOTE */
  uint32_t cursor; /* TO_FLOOD: next member (ports, then remotes) */
  uint32_t emitted;
  uint32_t flood_flag; /* VL2_PORT_F_FLOOD_* a port needs */
  uint16_t kind;
  uint8_t mode;
  uint8_t reserved;
} vl2_txq_item;

/* Queue counters; reported in vl2_neigh_stats. */
typedef struct vl2_txq_stats {
  uint64_t tx_overflow; /* vl2_txq_flood() only; the neighbour stage
                           counts its own */
  uint64_t tx_queued;
  uint64_t tx_polled;
  uint64_t tx_dropped;
} vl2_txq_stats;

typedef struct vl2_txq {
  uint8_t *buf; /* n_buf buffers of buf_sz bytes */
  size_t buf_sz;
  uint32_t n_buf;
  uint32_t gen_cap, wait_cap;
  uint32_t *buf_len;
  uint32_t *buf_next; /* wait-queue links */
  uint8_t *buf_class; /* VL2_TXQ_BUF_* */
  uint32_t *free_buf; /* stack */
  uint32_t n_free_buf;
  uint32_t gen_used, wait_used;

  vl2_txq_item *ring; /* n_buf items, indexed by r */
  vl2_ring r;

  vl2_txq_stats st;      /* switch-wide */
  vl2_txq_stats *seg_st; /* [max_segments] */
} vl2_txq;

/* Allocate from a checked config. 0 or VL2_ERR_NOMEM; vl2_txq_fini() is
 * safe either way. */
int vl2_txq_init(vl2_txq *q, const vl2_mem *mem, const vl2_switch_config *c);
void vl2_txq_fini(vl2_txq *q, const vl2_mem *mem);

/* A free buffer of class |cls| (length 0, unlinked), or VL2_TXQ_NONE when
 * the class is at its limit. */
uint32_t vl2_txq_buf_get(vl2_txq *q, uint8_t cls);
/* Whether vl2_txq_buf_get(|q|, |cls|) would give a buffer now (a trace
 * asks, taking none). */
static inline int vl2_txq_buf_room(const vl2_txq *q, uint8_t cls) {
  return (cls == VL2_TXQ_BUF_GEN ? q->gen_used < q->gen_cap
                                 : q->wait_used < q->wait_cap) &&
         q->n_free_buf != 0;
}
/* Give buffer |b| back. */
void vl2_txq_buf_put(vl2_txq *q, uint32_t b);

static inline uint8_t *vl2_txq_buf_at(const vl2_txq *q, uint32_t b) {
  return q->buf + (size_t)b * q->buf_sz;
}

/* Queue buffer |b| (its length set) of segment index |seg| as a frame of
 * |kind| (VL2_TX_*) to |mode| (VL2_TXQ_TO_*): port |port|, or the flood
 * list's ports with |flood_flag|. The item owns |b| from here on. */
void vl2_txq_push(vl2_switch *sw, uint32_t b, uint32_t seg, uint16_t kind,
                  uint8_t mode, uint32_t port, uint32_t flood_flag);

/* Queue |frame| (|len| bytes, untagged) for every member of segment
 * |seg_idx| that takes flooded multicast, as output kind |kind|
 * (vl2_switch_poll_tx()). 0, or VL2_ERR_NOBUF when the output queue is
 * full or the frame too long (counted in tx_overflow). */
int vl2_txq_flood(vl2_switch *sw, uint32_t seg_idx, uint16_t kind,
                  const uint8_t *frame, size_t len);

/* Segment index |seg_idx| is gone: zero its counters (its queued items
 * are dropped when polled). */
void vl2_txq_segment_gone(vl2_txq *q, uint32_t seg_idx);

#endif /* !defined(VL2_TXQ_H) */

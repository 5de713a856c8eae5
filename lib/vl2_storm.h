/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: storm control's token buckets and its hooks into the switch.
 * State lives in `struct vl2_storm_state` (sw->storm), allocated by the
 * first vl2_storm_*_set() that sets a rate; NULL means storm control is
 * off and the flood path pays one compare.
 */
#ifndef VL2_STORM_INTERNAL_H
#define VL2_STORM_INTERNAL_H

#include <vl2/storm.h>

#include "vl2_switch_int.h"

/* A token bucket in exact integer arithmetic. The level counts tokens
 * times 10^9 ("token-nanoseconds"), so refilling by |rate| tokens/s for
 * |dt| ns adds rate * dt, with no division and no rounding. */
#define VL2_TB_SCALE 1000000000ULL

typedef struct vl2_tb {
  uint64_t rate;  /* tokens per second; 0: this bucket does not limit */
  uint64_t cap;   /* burst * VL2_TB_SCALE */
  uint64_t level; /* 0 .. cap */
  vl2_tstamp last;
} vl2_tb;

/* Set |b| to |rate| tokens/s and |burst| tokens, full at |now|. */
void vl2_tb_init(vl2_tb *b, uint64_t rate, uint64_t burst, vl2_tstamp now);

/* Refill |b| up to |now| (a |now| before its last refill adds nothing). */
static inline void vl2_tb_refill(vl2_tb *b, vl2_tstamp now) {
  if (b->rate == 0 || now <= b->last)
    return;
  uint64_t dt = now - b->last;
  b->last = now;
  uint64_t need = b->cap - b->level;
  /* rate * dt overflows only beyond need, which fills the bucket. */
  if (dt > need / b->rate)
    b->level = b->cap;
  else
    b->level += b->rate * dt;
}

/* Are |tokens| available (after a refill)? A limitless bucket always
 * conforms. */
static inline int vl2_tb_conforms(const vl2_tb *b, uint64_t tokens) {
  if (b->rate == 0)
    return 1;
  if (tokens > b->cap / VL2_TB_SCALE)
    return 0;
  return tokens * VL2_TB_SCALE <= b->level;
}

/* Take |tokens| that vl2_tb_conforms() allowed. */
static inline void vl2_tb_take(vl2_tb *b, uint64_t tokens) {
  if (b->rate != 0)
    b->level -= tokens * VL2_TB_SCALE;
}

typedef struct vl2_storm_state vl2_storm_state;

/* Free sw->storm; NULL is a no-op. */
void vl2_storm_fini(vl2_switch *sw);

/* The flood path: may a frame of |len| bytes from |port| (or
 * VL2_PORT_REMOTE) of class |cls| (VL2_STORM_BCAST, _UNKNOWN, _MCAST;
 * |unreg| for unregistered multicast) be replicated to |fanout|
 * destinations of segment |seg|? 1: yes, every bucket charged. 0: no,
 * nothing charged, the drop counted in storm stats and evented on an
 * edge. Call only when sw->storm is not NULL. With |T| (a trace:
 * vl2_trace.h) it decides on copies of the buckets, records STORM steps
 * and changes nothing. */
typedef struct vl2_tracer vl2_tracer;
int vl2_storm_admit(vl2_switch *sw, uint32_t port, const vl2_segment *seg,
                    unsigned cls, int unreg, uint32_t len, uint32_t fanout,
                    vl2_tstamp now, vl2_tracer *T);

/* Port |port| was deleted, or segment index |seg_idx| deleted: forget
 * their storm control (no events). */
void vl2_storm_port_gone(vl2_switch *sw, uint32_t port);
void vl2_storm_segment_gone(vl2_switch *sw, uint32_t seg_idx);

/* The earliest storm deadline (end of a limited episode, end of a
 * hold-down), or VL2_TSTAMP_NONE. */
vl2_tstamp vl2_storm_next_deadline(const vl2_switch *sw);

/* Emit the END/UNBLOCKED events due at |now|. */
void vl2_storm_run_timers(vl2_switch *sw, vl2_tstamp now);

#endif /* !defined(VL2_STORM_INTERNAL_H) */

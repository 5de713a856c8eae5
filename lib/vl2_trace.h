/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the step recorder of vl2_switch_trace() (<vl2/trace.h>).
 *
 * The decision code takes a `vl2_tracer *T`: NULL on the data path, where
 * every `if (T)` folds away (the forwarding stage is compiled once per
 * value: see vl2_forward.c), non-NULL in a trace, where each stage records
 * what it decided and skips what it would change (counters, tables,
 * buckets, queues, events). A stage that would change state in a way a
 * later stage of the same frame reads reports the change instead (see
 * learning and the destination lookup in vl2_forward.c).
 */
#ifndef VL2_TRACE_INT_H
#define VL2_TRACE_INT_H

#include <string.h>

#include <vl2/trace.h>

#include "vl2_switch_int.h"

typedef struct vl2_tracer {
  vl2_trace_step *steps;
  size_t cap;
  size_t n;
  uint32_t vni;           /* stamped on every step once classified */
  vl2_trace_step scratch; /* written when steps[] is full */
} vl2_tracer;

/* Append a step of |kind| with |result|; the caller fills the rest. */
static inline vl2_trace_step *vl2_trace_add(vl2_tracer *t, uint16_t kind,
                                            uint16_t result) {
  vl2_trace_step *s = t->n < t->cap ? &t->steps[t->n] : &t->scratch;
  t->n++;
  memset(s, 0, sizeof(*s));
  s->kind = kind;
  s->result = result;
  s->vni = t->vni;
  return s;
}

/* Set a step's location from an FDB destination value (a port id, or
 * VL2_FDB_DEST_REMOTE | index; UINT32_MAX: an endpoint not in the table,
 * whose address is |remote|). */
static inline void vl2_trace_where(const vl2_switch *sw, vl2_trace_step *s,
                                   uint32_t dest, const vl2_ipaddr *remote) {
  if (dest == UINT32_MAX) {
    s->port = VL2_PORT_REMOTE;
    if (remote != NULL)
      s->remote = *remote;
  } else if (dest & VL2_FDB_DEST_REMOTE) {
    s->port = VL2_PORT_REMOTE;
    s->remote = sw->rt.remotes[dest & ~VL2_FDB_DEST_REMOTE].addr;
  } else {
    s->port = dest;
  }
}

#endif /* !defined(VL2_TRACE_INT_H) */

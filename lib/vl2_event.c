/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The event queue: a bounded ring of control-plane events (MAC learned,
 * moved, aged; neighbour changes; directory lookups) drained by
 * vl2_switch_poll_event().
 *
 * Where it fits: every stage emits through vl2_switch_emit(); a full
 * queue drops the event and counts it (events_dropped).
 */
#include <string.h>

#include "vl2_ring.h"
#include "vl2_switch_int.h"

void vl2_switch_emit(vl2_switch *sw, const vl2_event *ev) {
  if (vl2_ring_full(&sw->evr)) {
    sw->st.events_dropped++;
    return;
  }
  sw->evq[vl2_ring_push(&sw->evr)] = *ev;
}

int vl2_switch_poll_event(vl2_switch *sw, vl2_event *ev) {
  if (sw == NULL || ev == NULL || sw->evr.len == 0)
    return 0;
  *ev = sw->evq[sw->evr.head];
  vl2_ring_pop(&sw->evr);
  return 1;
}

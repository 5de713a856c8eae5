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

#include "vl2_switch_int.h"

void vl2_switch_emit(vl2_switch *sw, const vl2_event *ev) {
  if (sw->evq_len == sw->cfg.event_queue_cap) {
    sw->st.events_dropped++;
    return;
  }
  uint32_t tail = (sw->evq_head + sw->evq_len) % sw->cfg.event_queue_cap;
  sw->evq[tail] = *ev;
  sw->evq_len++;
}

int vl2_switch_poll_event(vl2_switch *sw, vl2_event *ev) {
  if (sw == NULL || ev == NULL || sw->evq_len == 0)
    return 0;
  *ev = sw->evq[sw->evq_head];
  sw->evq_head = (sw->evq_head + 1) % sw->cfg.event_queue_cap;
  sw->evq_len--;
  return 1;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's handling of the core's events (FDB entries learned, moved,
 * aged, refused by a limit): drained after every loop turn, logged at
 * debug level.
 */
#include <vl2/switch.h>

#include "sw_app.h"

void drain_events(app *a) {
  vl2_event ev;
  while (vl2_switch_poll_event(a->sw, &ev) == 1) {
    if (log_level < L_DEBUG)
      continue;
    char mac[32], ip[64];
    sw_format_mac(&ev.mac, mac, sizeof mac);
    const char *where = "remote";
    if (ev.port != VL2_PORT_REMOTE && ev.port < a->nports &&
        a->ports[ev.port].used)
      where = a->ports[ev.port].cfg.name;
    sw_format_ip(&ev.remote, ip, sizeof ip);
    switch (ev.type) {
    case VL2_EV_FDB_LEARNED:
      logm(L_DEBUG, "fdb: learned %s vni %u on %s%s%s", mac, ev.vni, where,
           ev.port == VL2_PORT_REMOTE ? " " : "",
           ev.port == VL2_PORT_REMOTE ? ip : "");
      break;
    case VL2_EV_FDB_MOVED:
      logm(L_DEBUG, "fdb: %s vni %u moved to %s", mac, ev.vni, where);
      break;
    case VL2_EV_FDB_AGED:
      logm(L_DEBUG, "fdb: %s vni %u aged out", mac, ev.vni);
      break;
    case VL2_EV_FDB_LIMIT:
      logm(L_DEBUG, "fdb: %s vni %u on %s not learned: limit %u", mac, ev.vni,
           where, ev.reason);
      break;
    default:
      logm(L_DEBUG, "event %u vni %u mac %s", ev.type, ev.vni, mac);
      break;
    }
  }
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's handling of the core's events (FDB entries learned, moved,
 * aged, refused by a limit; neighbour bindings added, moved, aged, failed,
 * frozen and thawed; directory lookups): drained after every loop turn,
 * named and described in words, and logged at debug level.
 */
#include <stdio.h>

#include <vl2/neigh.h>

#include <vl2/mdb.h>
#include <vl2/storm.h>

#include "sw_app.h"

const char *event_name(unsigned type) {
  switch (type) {
  case VL2_EV_FDB_LEARNED:
    return "fdb-learned";
  case VL2_EV_FDB_MOVED:
    return "fdb-moved";
  case VL2_EV_FDB_AGED:
    return "fdb-aged";
  case VL2_EV_FDB_LIMIT:
    return "fdb-limit";
  case VL2_EV_NEIGH_ADDED:
    return "neigh-added";
  case VL2_EV_NEIGH_MOVED:
    return "neigh-moved";
  case VL2_EV_NEIGH_AGED:
    return "neigh-aged";
  case VL2_EV_NEIGH_FAILED:
    return "neigh-failed";
  case VL2_EV_NEIGH_FROZEN:
    return "neigh-frozen";
  case VL2_EV_NEIGH_THAWED:
    return "neigh-thawed";
  case VL2_EV_NEIGH_LOOKUP:
    return "neigh-lookup";
  case VL2_EV_NEIGH_LOOKUP_TIMEOUT:
    return "neigh-lookup-timeout";
  case VL2_EV_STORM_START:
    return "storm-start";
  case VL2_EV_STORM_END:
    return "storm-end";
  case VL2_EV_STORM_BLOCKED:
    return "storm-blocked";
  case VL2_EV_STORM_UNBLOCKED:
    return "storm-unblocked";
  case VL2_EV_MDB_JOIN:
    return "mdb-join";
  case VL2_EV_MDB_LEAVE:
    return "mdb-leave";
  case VL2_EV_MDB_LIMIT:
    return "mdb-limit";
  case VL2_EV_MDB_ROUTER:
    return "mdb-router";
  default:
    return NULL;
  }
}

static const char *limit_name(unsigned reason) {
  switch (reason) {
  case VL2_LIMIT_PORT:
    return "the port's max_macs";
  case VL2_LIMIT_SEGMENT:
    return "the segment's max_macs";
  case VL2_LIMIT_TABLE:
    return "the FDB's max_fdb";
  case VL2_LIMIT_REMOTE:
    return "max_macs_per_remote";
  default:
    return "a limit";
  }
}

/* "port NAME", "remote IP" or "port ID" for a location. */
static void where(app *a, uint32_t port, const vl2_ipaddr *remote, char *buf,
                  size_t len) {
  char ip[64];
  if (port == VL2_PORT_REMOTE) {
    sw_format_ip(remote, ip, sizeof ip);
    snprintf(buf, len, "remote %s", ip);
  } else if (port < a->nports && a->ports[port].used) {
    snprintf(buf, len, "port %s", a->ports[port].cfg.name);
  } else {
    snprintf(buf, len, "port %u", port);
  }
}

void event_format(app *a, const vl2_event *ev, char *buf, size_t len) {
  char mac[32], old[32], ip[64], at[96], from[96];
  sw_format_mac(&ev->mac, mac, sizeof mac);
  sw_format_mac(&ev->old_mac, old, sizeof old);
  sw_format_ip(&ev->ip, ip, sizeof ip);
  where(a, ev->port, &ev->remote, at, sizeof at);
  where(a, ev->old_port, &ev->old_remote, from, sizeof from);
  const char *name = event_name(ev->type);
  switch (ev->type) {
  case VL2_EV_FDB_LEARNED:
    snprintf(buf, len, "%s: %s vni %u on %s", name, mac, ev->vni, at);
    break;
  case VL2_EV_FDB_MOVED:
    snprintf(buf, len, "%s: %s vni %u from %s to %s", name, mac, ev->vni, from,
             at);
    break;
  case VL2_EV_FDB_AGED:
    snprintf(buf, len, "%s: %s vni %u", name, mac, ev->vni);
    break;
  case VL2_EV_FDB_LIMIT:
    snprintf(buf, len, "%s: %s vni %u on %s not learned: %s reached", name, mac,
             ev->vni, at, limit_name(ev->reason));
    break;
  case VL2_EV_NEIGH_ADDED:
    snprintf(buf, len, "%s: %s vni %u lladdr %s on %s", name, ip, ev->vni, mac,
             at);
    break;
  case VL2_EV_NEIGH_MOVED:
    snprintf(buf, len, "%s: %s vni %u lladdr %s (was %s) on %s", name, ip,
             ev->vni, mac, old, at);
    break;
  case VL2_EV_NEIGH_AGED:
    snprintf(buf, len, "%s: %s vni %u lladdr %s", name, ip, ev->vni, mac);
    break;
  case VL2_EV_NEIGH_FAILED:
    snprintf(buf, len, "%s: %s vni %u unresolved, %u packet(s) dropped", name,
             ip, ev->vni, ev->reason);
    break;
  case VL2_EV_NEIGH_FROZEN:
  case VL2_EV_NEIGH_THAWED:
    if (ev->ip.family == VL2_AF_NONE)
      snprintf(buf, len, "%s: MAC %s vni %u", name, mac, ev->vni);
    else
      snprintf(buf, len, "%s: %s vni %u lladdr %s", name, ip, ev->vni, mac);
    break;
  case VL2_EV_NEIGH_LOOKUP:
    snprintf(buf, len, "%s: %s vni %u asked by %s on %s", name, ip, ev->vni,
             mac, at);
    break;
  case VL2_EV_NEIGH_LOOKUP_TIMEOUT:
    snprintf(buf, len, "%s: %s vni %u unanswered", name, ip, ev->vni);
    break;
  case VL2_EV_STORM_START:
  case VL2_EV_STORM_END:
  case VL2_EV_STORM_BLOCKED:
  case VL2_EV_STORM_UNBLOCKED:
    if (ev->port == VL2_PORT_REMOTE)
      snprintf(buf, len, "%s: segment %u replication budget", name, ev->vni);
    else
      snprintf(buf, len, "%s: %s %s", name, at,
               vl2_storm_class_name(ev->reason));
    break;
  case VL2_EV_MDB_JOIN:
  case VL2_EV_MDB_LEAVE:
  case VL2_EV_MDB_LIMIT:
    snprintf(buf, len, "%s: group %s vni %u %s%s", name, ip, ev->vni, at,
             ev->type == VL2_EV_MDB_LEAVE && ev->reason ? " (timeout)" : "");
    break;
  case VL2_EV_MDB_ROUTER:
    snprintf(buf, len, "%s: %s vni %u %s", name, at, ev->vni,
             ev->reason ? "learned" : "expired");
    break;
  default:
    snprintf(buf, len, "event-%u: vni %u mac %s on %s (reason %u)", ev->type,
             ev->vni, mac, at, ev->reason);
    break;
  }
}

static void json_where(app *a, json_object *o, const char *pk, const char *rk,
                       uint32_t port, const vl2_ipaddr *ip) {
  char b[64];
  if (port == VL2_PORT_REMOTE) {
    sw_format_ip(ip, b, sizeof b);
    JADD(o, rk, jstr(b));
  } else if (port < a->nports && a->ports[port].used) {
    JADD(o, pk, jstr(a->ports[port].cfg.name));
  } else if (port != VL2_NEIGH_PORT_ANY) {
    JADD(o, pk, ju64(port));
  }
}

json_object *event_json(app *a, const vl2_event *ev) {
  json_object *o = json_object_new_object();
  char b[64];
  const char *name = event_name(ev->type);
  if (name) {
    JADD(o, "event", jstr(name));
  } else {
    snprintf(b, sizeof b, "event-%u", ev->type);
    JADD(o, "event", jstr(b));
  }
  JADD(o, "at_ns", ju64(ev->at));
  JADD(o, "vni", ju64(ev->vni));
  sw_format_mac(&ev->mac, b, sizeof b);
  JADD(o, "mac", jstr(b));
  json_where(a, o, "dev", "remote", ev->port, &ev->remote);
  if (ev->type == VL2_EV_FDB_MOVED)
    json_where(a, o, "old_dev", "old_remote", ev->old_port, &ev->old_remote);
  if (ev->ip.family != VL2_AF_NONE) {
    sw_format_ip(&ev->ip, b, sizeof b);
    JADD(o, "ip", jstr(b));
  }
  if (ev->type == VL2_EV_NEIGH_MOVED) {
    sw_format_mac(&ev->old_mac, b, sizeof b);
    JADD(o, "old_mac", jstr(b));
  }
  if (ev->type == VL2_EV_FDB_LIMIT)
    JADD(o, "limit",
         jstr(ev->reason == VL2_LIMIT_PORT      ? "port"
              : ev->reason == VL2_LIMIT_SEGMENT ? "segment"
              : ev->reason == VL2_LIMIT_TABLE   ? "table"
                                                : "other"));
  else if (ev->reason)
    JADD(o, "reason", ju64(ev->reason));
  return o;
}

void drain_events(app *a) {
  vl2_event ev;
  while (vl2_switch_poll_event(a->sw, &ev) == 1) {
    evpn_event(a, &ev); /* local MACs and neighbours for the fabric */
    /* Counted for vl2ctl stats: MACs refused by each limit, and what
     * move dampening froze (logged: an operator wants to know). */
    if (ev.type == VL2_EV_FDB_LIMIT && ev.reason < SW_LIMIT_KINDS)
      a->limit_events[ev.reason]++;
    if (ev.type == VL2_EV_NEIGH_FROZEN)
      a->frozen_events++;
    /* storm control's edges and freezes are worth an operator's
     * attention */
    int lvl =
        (ev.type >= VL2_EV_STORM_START && ev.type <= VL2_EV_STORM_UNBLOCKED) ||
                ev.type == VL2_EV_NEIGH_FROZEN
            ? L_WARN
            : L_DEBUG;
    bool mon = control_monitoring(a);
    if (log_level < lvl && !mon)
      continue;
    char line[512];
    event_format(a, &ev, line, sizeof line);
    if (log_level >= lvl)
      logm(lvl, "%s", line);
    if (mon) {
      json_object *o = event_json(a, &ev);
      control_monitor_event(
          a, line, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
      json_object_put(o);
    }
  }
}

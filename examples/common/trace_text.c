/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * The text form of a trace step: what the step looked at, what it found,
 * and the reason when it dropped the frame, in the words of
 * <vl2/trace.h>.
 */
#include "trace_text.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/storm.h>

/* Appends to a fixed buffer, truncating. */
typedef struct out {
  char *b;
  size_t len, at;
} out;

__attribute__((format(printf, 2, 3))) static void put(out *o, const char *fmt,
                                                      ...) {
  if (o->at + 1 >= o->len)
    return;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->b + o->at, o->len - o->at, fmt, ap);
  va_end(ap);
  if (n > 0)
    o->at += (size_t)n < o->len - o->at ? (size_t)n : o->len - o->at - 1;
}

static void put_mac(out *o, const vl2_mac *m) {
  put(o, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2], m->b[3],
      m->b[4], m->b[5]);
}

static void put_ip(out *o, const vl2_ipaddr *a) {
  char s[INET6_ADDRSTRLEN] = "?";
  if (a->family == VL2_AF_INET)
    inet_ntop(AF_INET, a->addr, s, sizeof(s));
  else if (a->family == VL2_AF_INET6)
    inet_ntop(AF_INET6, a->addr, s, sizeof(s));
  put(o, "%s", s);
}

/* "port NAME" or "remote ADDR". */
static void put_where(out *o, const vl2_trace_step *s, trace_port_name_fn name,
                      void *ctx) {
  if (s->port == VL2_PORT_REMOTE) {
    put(o, "remote ");
    put_ip(o, &s->remote);
    return;
  }
  const char *n = name != NULL ? name(s->port, ctx) : NULL;
  if (n != NULL)
    put(o, "port %s", n);
  else
    put(o, "port %u", s->port);
}

static void put_drop(out *o, const vl2_trace_step *s) {
  put(o, "drop (%s)", vl2_drop_reason_name(s->reason));
}

static const char *entry_kind(uint32_t flags) {
  if (flags & VL2_FDB_F_EVPN)
    return "evpn";
  return (flags & VL2_FDB_F_STATIC) ? "static" : "dynamic";
}

static const char *storm_class(uint32_t cls) {
  return cls == VL2_STORM_SEGMENT ? "segment budget"
                                  : vl2_storm_class_name(cls);
}

static void put_verdict(out *o, const vl2_trace_step *s) {
  switch (s->result) {
  case VL2_TRACE_R_FORWARD:
    put(o, "forward to 1 destination");
    break;
  case VL2_TRACE_R_FLOOD:
    put(o, "flood to %llu destination%s", (unsigned long long)s->value,
        s->value == 1 ? "" : "s");
    break;
  case VL2_TRACE_R_CONSUMED:
    put(o, "consumed (the switch answered or absorbed it)");
    break;
  default:
    put_drop(o, s);
    break;
  }
  if (s->aux & VL2_VFLAG_LEARNED)
    put(o, ", source learned");
  if (s->aux & VL2_VFLAG_MOVED)
    put(o, ", source moved");
  if (s->aux & VL2_VFLAG_LIMIT)
    put(o, ", source not learned (limit)");
  if (s->aux & VL2_VFLAG_FROZEN)
    put(o, ", source frozen");
}

static const char *bind_text(uint64_t v) {
  switch (v) {
  case VL2_TRACE_BIND_NEW:
    return "new binding";
  case VL2_TRACE_BIND_MOVE:
    return "moves the IP";
  case VL2_TRACE_BIND_SAME:
    return "refreshes it";
  default:
    return "table unchanged";
  }
}

static const char *member_text(uint16_t result) {
  switch (result) {
  case VL2_TRACE_R_TAKEN:
    return "gets a copy";
  case VL2_TRACE_R_SKIP_INGRESS:
    return "skipped: the ingress";
  case VL2_TRACE_R_SKIP_FLOOD_OFF:
    return "skipped: takes no flooding of this class";
  case VL2_TRACE_R_SKIP_NOT_MARKED:
    return "skipped: no member or router there (snooping)";
  case VL2_TRACE_R_SKIP_STACKED_TAG:
    return "skipped: the inner tag would leave outermost";
  case VL2_TRACE_R_SKIP_SPLIT_HORIZON:
    return "skipped: split horizon (endpoint to endpoint)";
  case VL2_TRACE_R_SKIP_MTU:
    return "skipped: too large for the underlay MTU";
  default:
    return vl2_trace_result_name(result);
  }
}

char *trace_step_text(const vl2_trace_step *s, trace_port_name_fn name,
                      void *ctx, char *buf, size_t len) {
  out o = {buf, len, 0};
  if (len == 0)
    return buf;
  buf[0] = 0;
  put(&o, "%s: ", vl2_trace_kind_name(s->kind));
  int drop = s->result == VL2_TRACE_R_DROP;
  switch (s->kind) {
  case VL2_TRACE_INGRESS:
    put_where(&o, s, name, ctx);
    if (s->port == VL2_PORT_REMOTE)
      put(&o, " vni %u", s->vni);
    put(&o, ", %llu bytes", (unsigned long long)s->value);
    break;
  case VL2_TRACE_CLASSIFY:
    if (s->result == VL2_TRACE_R_VNI) {
      put(&o, "VNI %u -> segment %u", s->vni, s->vni);
      break;
    }
    if (s->aux != 0)
      put(&o, "tag 0x%04x VID %u", s->aux, s->vid);
    else
      put(&o, "untagged, PVID %u", s->vid);
    if (s->result == VL2_TRACE_R_PRIORITY_TAGGED)
      put(&o, " (priority-tagged)");
    if (!drop)
      put(&o, " -> segment %u", s->vni);
    break;
  case VL2_TRACE_REMOTE_CHECK:
    put_where(&o, s, name, ctx);
    if (!drop)
      put(&o, s->result == VL2_TRACE_R_FLOOD_LIST
                  ? " is in the flood list"
                  : " is named by the control plane for this source");
    break;
  case VL2_TRACE_ADDRESS_CHECK:
    put_mac(&o, &s->mac);
    if (!drop)
      put(&o, " ok");
    break;
  case VL2_TRACE_FDB_LOOKUP:
    put_mac(&o, &s->mac);
    if (s->result == VL2_TRACE_R_GROUP) {
      put(&o, " is a group address (no lookup)");
    } else if (s->result == VL2_TRACE_R_MISS) {
      put(&o, " miss (unknown unicast)");
    } else {
      put(&o, " %s at ",
          s->result == VL2_TRACE_R_HIT ? "hit" : "expired entry (a miss)");
      put_where(&o, s, name, ctx);
      put(&o, " (%s)", entry_kind(s->aux));
    }
    break;
  case VL2_TRACE_NEIGH:
    switch (s->result) {
    case VL2_TRACE_R_BIND:
      put(&o, "snooped ");
      put_ip(&o, &s->ip);
      put(&o, " at ");
      put_mac(&o, &s->mac);
      put(&o, ": %s", bind_text(s->value));
      break;
    case VL2_TRACE_R_ANSWERED:
      put(&o, "request for ");
      put_ip(&o, &s->ip);
      put(&o, " answered from the table: ");
      put_mac(&o, &s->mac);
      break;
    case VL2_TRACE_R_QUEUE_FULL:
      put(&o, "request for ");
      put_ip(&o, &s->ip);
      put(&o, " would be answered, but the output queue is full: flooded");
      break;
    case VL2_TRACE_R_FLOODED:
      put(&o, "request for ");
      put_ip(&o, &s->ip);
      put(&o, " not answered here: flooded");
      break;
    case VL2_TRACE_R_DIRECTORY:
      put(&o, "request for ");
      put_ip(&o, &s->ip);
      put(&o, " held and asked of the directory");
      break;
    case VL2_TRACE_R_PROBE:
      put(&o, "address probe for ");
      put_ip(&o, &s->ip);
      put(&o, ": nothing bound");
      break;
    case VL2_TRACE_R_DROP:
      put(&o, "sender ");
      put_ip(&o, &s->ip);
      put(&o, " at ");
      put_mac(&o, &s->mac);
      put(&o, ": ");
      break;
    default:
      put(&o, "%s", vl2_trace_result_name(s->result));
      break;
    }
    break;
  case VL2_TRACE_LEARN:
    put(&o, "source ");
    put_mac(&o, &s->mac);
    switch (s->result) {
    case VL2_TRACE_R_OFF:
      put(&o, ": learning is off here");
      break;
    case VL2_TRACE_R_NEW:
      put(&o, ": new entry at the ingress");
      break;
    case VL2_TRACE_R_REFRESH:
      put(&o, ": known here, refreshed");
      break;
    case VL2_TRACE_R_MOVE:
      put(&o, ": moves here from ");
      put_where(&o, s, name, ctx);
      break;
    case VL2_TRACE_R_STATIC:
      put(&o, ": %s entry at ", entry_kind(s->aux));
      put_where(&o, s, name, ctx);
      put(&o, s->value ? " stays (a static conflict)" : " stays");
      break;
    case VL2_TRACE_R_FROZEN:
      put(&o, ": frozen by move dampening, stays at ");
      put_where(&o, s, name, ctx);
      break;
    case VL2_TRACE_R_LIMIT:
      put(&o, ": not learned, %s limit",
          s->aux == VL2_LIMIT_PORT      ? "port"
          : s->aux == VL2_LIMIT_SEGMENT ? "segment"
          : s->aux == VL2_LIMIT_REMOTE  ? "remote endpoint"
                                        : "table");
      break;
    default:
      put(&o, ": %s", vl2_trace_result_name(s->result));
      break;
    }
    break;
  case VL2_TRACE_UNICAST:
    put(&o, "to ");
    put_where(&o, s, name, ctx);
    if (!drop)
      put(&o, " ok");
    else
      put(&o, ": ");
    break;
  case VL2_TRACE_MDB:
    if (s->ip.family != VL2_AF_NONE) {
      put(&o, "group ");
      put_ip(&o, &s->ip);
      put(&o, ": ");
    }
    switch (s->result) {
    case VL2_TRACE_R_REGISTERED:
      put(&o, "registered: to its members and router ports");
      break;
    case VL2_TRACE_R_ROUTERS:
      put(&o, "unregistered: to router ports only");
      break;
    case VL2_TRACE_R_REPORT:
      put(&o, "membership report: recorded, to router ports");
      break;
    case VL2_TRACE_R_CONSUMED:
      put(&o, "membership report: recorded, no router port to send it to");
      break;
    case VL2_TRACE_R_QUERY:
      put(&o, "query: to every member");
      break;
    case VL2_TRACE_R_FLOODED:
      put(&o, "flooded (not snooped)");
      break;
    default:
      break;
    }
    break;
  case VL2_TRACE_FLOOD_MEMBER:
    put_where(&o, s, name, ctx);
    put(&o, " %s", member_text(s->result));
    break;
  case VL2_TRACE_STORM:
    if (s->port == VL2_PORT_REMOTE) {
      put(&o, "segment budget, %llu copies", (unsigned long long)s->value);
    } else {
      put_where(&o, s, name, ctx);
      put(&o, " %s bucket", storm_class(s->aux));
    }
    if (!drop)
      put(&o, " conforms");
    else
      put(&o, ": ");
    break;
  case VL2_TRACE_VERDICT:
    put_verdict(&o, s);
    return buf;
  default:
    put(&o, "%s", vl2_trace_result_name(s->result));
    break;
  }
  if (drop) {
    if (o.at >= 2 && buf[o.at - 1] != ' ')
      put(&o, " ");
    put_drop(&o, s);
  }
  return buf;
}

char *trace_edit_text(const vl2_dest *d, char *buf, size_t len) {
  switch (d->edit) {
  case VL2_EDIT_PUSH:
    snprintf(buf, len, "push VID %u (0x%04x)", d->vid, d->tpid);
    break;
  case VL2_EDIT_POP:
    snprintf(buf, len, "pop the tag");
    break;
  case VL2_EDIT_REWRITE:
    snprintf(buf, len, "rewrite to VID %u (0x%04x)", d->vid, d->tpid);
    break;
  default:
    snprintf(buf, len, "as is");
    break;
  }
  return buf;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's `trace` request: a frame given as hex goes through the
 * core's own decision code (vl2_switch_trace(), <vl2/trace.h>) at the
 * switch's current time, on the forwarding thread like every request,
 * and the reply is one JSON object: the frame's headers decoded, every
 * step the decision took (kind and result names from the library, port
 * ids mapped to the configured names), the verdict and each destination
 * with its egress edit. Nothing changes: no FDB entry, counter, event,
 * storm token or queued frame (the core's promise; nothing here writes).
 *
 *   trace in PORT hex HEX
 *   trace remote IP vni N hex HEX
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/storm.h>
#include <vl2/trace.h>

#include "sw_app.h"
#include "trace_text.h"

/* Steps kept per trace; a decision takes one per flood member, so a
 * segment with more members is reported as truncated. */
#define TRACE_STEPS 512
/* The smallest frame a trace takes: an Ethernet header. */
#define TRACE_MIN_LEN 14

#define TRACE_USAGE                                                            \
  "usage: trace in PORT hex HEX | trace remote IP vni N hex HEX"

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Decode |s| into |buf| (at most |cap| bytes); the length, or -1 with a
 * usage reply in |*err|. */
static long hex_decode(const char *s, uint8_t *buf, size_t cap,
                       json_object **err) {
  size_t n = strlen(s);
  if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s += 2;
    n -= 2;
  }
  for (size_t i = 0; i < n; i++)
    if (hexval(s[i]) < 0) {
      *err = jusage("trace: '%c' at offset %zu of the frame is not a hex "
                    "digit",
                    s[i], i);
      return -1;
    }
  if (n % 2) {
    *err = jusage("trace: the frame has an odd number of hex digits (%zu): "
                  "two per byte",
                  n);
    return -1;
  }
  if (n / 2 < TRACE_MIN_LEN) {
    *err = jusage("trace: a frame of %zu bytes is too short (at least %d: "
                  "destination MAC, source MAC, EtherType)",
                  n / 2, TRACE_MIN_LEN);
    return -1;
  }
  if (n / 2 > cap) {
    *err = jusage("trace: a frame of %zu bytes is too long (at most %zu)",
                  n / 2, cap);
    return -1;
  }
  for (size_t i = 0; i < n / 2; i++)
    buf[i] = (uint8_t)(hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
  return (long)(n / 2);
}

/* ------------------------------------------------------- frame summary */

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static json_object *jmac(const uint8_t *p) {
  vl2_mac m;
  memcpy(m.b, p, 6);
  char b[32];
  sw_format_mac(&m, b, sizeof b);
  return jstr(b);
}

static json_object *jip(const vl2_ipaddr *ip) {
  char b[64];
  sw_format_ip(ip, b, sizeof b);
  return jstr(b);
}

static json_object *jip_raw(const uint8_t *p, bool v6) {
  vl2_ipaddr ip;
  memset(&ip, 0, sizeof ip);
  ip.family = v6 ? VL2_AF_INET6 : VL2_AF_INET;
  memcpy(ip.addr, p, v6 ? 16 : 4);
  return jip(&ip);
}

static json_object *jhex16(unsigned v) {
  char b[8];
  snprintf(b, sizeof b, "0x%04x", v & 0xffffu);
  return jstr(b);
}

static bool is_tpid(uint16_t t) {
  return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* The headers a reader wants to see: MACs, every VLAN tag, the EtherType,
 * and the ARP, IPv4 or IPv6 header when there is one. */
static json_object *frame_json(const uint8_t *p, size_t len) {
  json_object *o = json_object_new_object();
  JADD(o, "len", ju64(len));
  /* the bytes traced, to replay them (len <= CTL_REQ_MAX / 2) */
  char hex[CTL_REQ_MAX + 1];
  for (size_t i = 0; i < len && 2 * i + 2 < sizeof hex; i++)
    snprintf(hex + 2 * i, 3, "%02x", p[i]);
  hex[2 * (len < CTL_REQ_MAX / 2 ? len : CTL_REQ_MAX / 2)] = 0;
  JADD(o, "hex", jstr(hex));
  JADD(o, "dst", jmac(p));
  JADD(o, "src", jmac(p + 6));
  size_t off = 12;
  json_object *tags = json_object_new_array();
  while (off + 4 <= len && is_tpid(rd16(p + off))) {
    if (off + 4 + 2 > len)
      break;
    json_object *t = json_object_new_object();
    uint16_t tci = rd16(p + off + 2);
    JADD(t, "tpid", jhex16(rd16(p + off)));
    JADD(t, "vid", ju64(tci & 0x0fff));
    JADD(t, "pcp", ju64(tci >> 13));
    if (tci & 0x1000)
      JADD(t, "dei", json_object_new_boolean(1));
    json_object_array_add(tags, t);
    off += 4;
  }
  JADD(o, "tags", tags);
  if (off + 2 > len)
    return o;
  uint16_t et = rd16(p + off);
  JADD(o, "ethertype", jhex16(et));
  off += 2;
  const uint8_t *l3 = p + off;
  size_t l3len = len - off;
  if (et == 0x0806 && l3len >= 28 && rd16(l3) == 1 && rd16(l3 + 2) == 0x0800 &&
      l3[4] == 6 && l3[5] == 4) {
    json_object *a = json_object_new_object();
    uint16_t op = rd16(l3 + 6);
    JADD(a, "op",
         op == 1   ? jstr("request")
         : op == 2 ? jstr("reply")
                   : ju64(op));
    JADD(a, "sha", jmac(l3 + 8));
    JADD(a, "spa", jip_raw(l3 + 14, false));
    JADD(a, "tha", jmac(l3 + 18));
    JADD(a, "tpa", jip_raw(l3 + 24, false));
    JADD(o, "arp", a);
  } else if (et == 0x0800 && l3len >= 20 && (l3[0] >> 4) == 4) {
    json_object *a = json_object_new_object();
    JADD(a, "src", jip_raw(l3 + 12, false));
    JADD(a, "dst", jip_raw(l3 + 16, false));
    JADD(a, "proto", ju64(l3[9]));
    size_t ihl = (size_t)(l3[0] & 15) * 4;
    if (ihl >= 20 && l3len >= ihl + 4) {
      if (l3[9] == 17 || l3[9] == 6) {
        JADD(a, "sport", ju64(rd16(l3 + ihl)));
        JADD(a, "dport", ju64(rd16(l3 + ihl + 2)));
      } else if (l3[9] == 1 || l3[9] == 2) {
        JADD(a, l3[9] == 1 ? "icmp_type" : "igmp_type", ju64(l3[ihl]));
      }
    }
    JADD(o, "ipv4", a);
  } else if (et == 0x86dd && l3len >= 40 && (l3[0] >> 4) == 6) {
    json_object *a = json_object_new_object();
    JADD(a, "src", jip_raw(l3 + 8, true));
    JADD(a, "dst", jip_raw(l3 + 24, true));
    JADD(a, "next_header", ju64(l3[6]));
    if (l3[6] == 58 && l3len >= 41)
      JADD(a, "icmp6_type", ju64(l3[40]));
    JADD(o, "ipv6", a);
  }
  return o;
}

/* ---------------------------------------------------------------- steps */

static const char *storm_class_name(uint32_t c) {
  switch (c) {
  case VL2_STORM_BCAST:
    return "broadcast";
  case VL2_STORM_UNKNOWN:
    return "unknown_unicast";
  case VL2_STORM_MCAST_UNREG:
    return "unregistered_multicast";
  case VL2_STORM_MCAST:
    return "multicast";
  case VL2_STORM_SEGMENT:
    return "segment";
  default:
    return "unknown";
  }
}

static const char *limit_name(uint32_t l) {
  switch (l) {
  case VL2_LIMIT_PORT:
    return "port";
  case VL2_LIMIT_SEGMENT:
    return "segment";
  case VL2_LIMIT_TABLE:
    return "table";
  case VL2_LIMIT_REMOTE:
    return "remote";
  default:
    return "unknown";
  }
}

static json_object *fdb_flags_json(uint32_t f) {
  json_object *arr = json_object_new_array();
  json_object_array_add(arr,
                        jstr((f & VL2_FDB_F_STATIC) ? "static" : "dynamic"));
  if (f & VL2_FDB_F_REMOTE)
    json_object_array_add(arr, jstr("remote"));
  if (f & VL2_FDB_F_EVPN)
    json_object_array_add(arr, jstr("evpn"));
  return arr;
}

/* A NEIGH step's message: the ARP operation (RFC 826, RFC 903) or the
 * ICMPv6 type (RFC 4861 section 4), or NULL. */
static const char *neigh_op_name(const vl2_trace_step *s) {
  bool v6 = s->ip.family == VL2_AF_INET6;
  switch (s->aux) {
  case 1:
    return v6 ? NULL : "arp_request";
  case 2:
    return v6 ? NULL : "arp_reply";
  case 3:
    return v6 ? NULL : "rarp_request";
  case 4:
    return v6 ? NULL : "rarp_reply";
  case 133:
    return v6 ? "router_solicitation" : NULL;
  case 134:
    return v6 ? "router_advertisement" : NULL;
  case 135:
    return v6 ? "neighbor_solicitation" : NULL;
  case 136:
    return v6 ? "neighbor_advertisement" : NULL;
  case 137:
    return v6 ? "redirect" : NULL;
  default:
    return NULL;
  }
}

/* Whether a step of |kind| with |result| names a place in `port` (a port
 * id 0 is a real port, so this cannot be read from the value). */
static bool step_has_place(const vl2_trace_step *s) {
  switch (s->kind) {
  case VL2_TRACE_INGRESS:
  case VL2_TRACE_REMOTE_CHECK:
  case VL2_TRACE_UNICAST:
  case VL2_TRACE_FLOOD_MEMBER:
  case VL2_TRACE_STORM:
    return true;
  case VL2_TRACE_FDB_LOOKUP:
    return s->result == VL2_TRACE_R_HIT || s->result == VL2_TRACE_R_EXPIRED;
  case VL2_TRACE_LEARN:
    return s->result == VL2_TRACE_R_MOVE || s->result == VL2_TRACE_R_FROZEN ||
           s->result == VL2_TRACE_R_STATIC;
  default:
    return s->port == VL2_PORT_REMOTE && s->remote.family != VL2_AF_NONE;
  }
}

static bool mac_zero(const vl2_mac *m) {
  static const vl2_mac z;
  return memcmp(m->b, z.b, sizeof z.b) == 0;
}

/* Port names for the step's text (trace_text.h). */
static const char *text_port_name(uint32_t port, void *ctx) {
  return port_name(ctx, port);
}

static json_object *step_json(app *a, const vl2_trace_step *s, bool classified,
                              vl2_tstamp now) {
  json_object *o = json_object_new_object();
  char text[512];
  JADD(o, "kind", jstr(vl2_trace_kind_name(s->kind)));
  JADD(o, "result", jstr(vl2_trace_result_name(s->result)));
  JADD(o, "text",
       jstr(trace_step_text(s, text_port_name, a, text, sizeof text)));
  if (s->result == VL2_TRACE_R_DROP || s->reason)
    JADD(o, "reason", jstr(vl2_drop_reason_name(s->reason)));
  if (step_has_place(s)) {
    if (s->port == VL2_PORT_REMOTE) {
      if (s->remote.family != VL2_AF_NONE)
        JADD(o, "remote", jip(&s->remote));
      else if (s->kind == VL2_TRACE_STORM)
        JADD(o, "segment_budget", json_object_new_boolean(1));
    } else {
      JADD(o, "port", jstr(port_name(a, s->port)));
      JADD(o, "port_id", ju64(s->port));
    }
  }
  if (classified ||
      (s->kind == VL2_TRACE_INGRESS && s->result == VL2_TRACE_R_REMOTE))
    JADD(o, "vni", ju64(s->vni));
  if (s->kind == VL2_TRACE_CLASSIFY) {
    if (s->result != VL2_TRACE_R_VNI)
      JADD(o, "vid", ju64(s->vid));
    if (s->aux)
      JADD(o, "tpid", jhex16(s->aux));
  } else if (s->vid) {
    JADD(o, "vid", ju64(s->vid));
  }
  if (s->kind == VL2_TRACE_ADDRESS_CHECK || s->kind == VL2_TRACE_FDB_LOOKUP ||
      s->kind == VL2_TRACE_NEIGH || s->kind == VL2_TRACE_LEARN ||
      !mac_zero(&s->mac)) {
    char b[32];
    sw_format_mac(&s->mac, b, sizeof b);
    JADD(o, "mac", jstr(b));
  }
  if (s->ip.family != VL2_AF_NONE)
    JADD(o, "ip", jip(&s->ip));
  switch (s->kind) {
  case VL2_TRACE_INGRESS:
    JADD(o, "len", ju64(s->value));
    if (s->result == VL2_TRACE_R_REMOTE && s->aux != UINT32_MAX)
      JADD(o, "remote_handle", ju64(s->aux));
    break;
  case VL2_TRACE_FDB_LOOKUP:
    if (s->result == VL2_TRACE_R_HIT || s->result == VL2_TRACE_R_EXPIRED) {
      JADD(o, "flags", fdb_flags_json(s->aux));
      if (s->value == VL2_TSTAMP_NONE)
        JADD(o, "expires_in_ms", json_object_new_null());
      else
        JADD(o, "expires_in_ms",
             ju64(s->value > now ? (s->value - now) / VL2_MS : 0));
    }
    break;
  case VL2_TRACE_NEIGH:
    JADD(o, "aux", ju64(s->aux));
    if (neigh_op_name(s))
      JADD(o, "op", jstr(neigh_op_name(s)));
    if (s->result == VL2_TRACE_R_BIND) {
      static const char *const eff[] = {"none", "new", "move", "same"};
      JADD(o, "bind", jstr(s->value < 4 ? eff[s->value] : "unknown"));
    }
    break;
  case VL2_TRACE_CLASSIFY:
    break; /* aux is the tpid, above */
  case VL2_TRACE_LEARN:
    if (s->result == VL2_TRACE_R_LIMIT)
      JADD(o, "limit", jstr(limit_name(s->aux)));
    else if (s->result != VL2_TRACE_R_NEW && s->result != VL2_TRACE_R_OFF)
      JADD(o, "flags", fdb_flags_json(s->aux));
    if (s->result == VL2_TRACE_R_STATIC)
      JADD(o, "conflict", json_object_new_boolean(s->value != 0));
    break;
  case VL2_TRACE_MDB:
    JADD(o, "members", ju64(s->value));
    break;
  case VL2_TRACE_STORM:
    JADD(o, "class", jstr(storm_class_name(s->aux)));
    JADD(o, "copies", ju64(s->value));
    break;
  case VL2_TRACE_VERDICT:
    JADD(o, "destinations", ju64(s->value));
    break;
  default:
    if (s->aux)
      JADD(o, "aux", ju64(s->aux));
    if (s->value)
      JADD(o, "value", ju64(s->value));
    break;
  }
  return o;
}

/* -------------------------------------------------------------- verdict */

static const char *action_name(unsigned act) {
  switch (act) {
  case VL2_ACT_DROP:
    return "drop";
  case VL2_ACT_FORWARD:
    return "forward";
  case VL2_ACT_CONSUMED:
    return "consumed";
  default:
    return "unknown";
  }
}

static json_object *verdict_json(const vl2_verdict *v) {
  json_object *o = json_object_new_object();
  /* A forward to several destinations is a flood. */
  const char *act = action_name(v->action);
  if (v->action == VL2_ACT_FORWARD && (v->flags & VL2_VFLAG_FLOOD))
    act = "flood";
  JADD(o, "action", jstr(act));
  if (v->action == VL2_ACT_DROP)
    JADD(o, "reason", jstr(vl2_drop_reason_name(v->reason)));
  JADD(o, "vni", ju64(v->vni));
  json_object *fl = json_object_new_array();
  static const struct {
    uint32_t f;
    const char *n;
  } t[] = {{VL2_VFLAG_FLOOD, "flood"},
           {VL2_VFLAG_LEARNED, "learned"},
           {VL2_VFLAG_MOVED, "moved"},
           {VL2_VFLAG_LIMIT, "limit"},
           {VL2_VFLAG_FROZEN, "frozen"}};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
    if (v->flags & t[i].f)
      json_object_array_add(fl, jstr(t[i].n));
  JADD(o, "flags", fl);
  JADD(o, "destinations", ju64(v->dest_cnt));
  return o;
}

static const char *edit_name(unsigned e) {
  switch (e) {
  case VL2_EDIT_KEEP:
    return "keep";
  case VL2_EDIT_PUSH:
    return "push";
  case VL2_EDIT_POP:
    return "pop";
  case VL2_EDIT_REWRITE:
    return "rewrite";
  default:
    return "unknown";
  }
}

static json_object *dest_json(app *a, const vl2_dest *d) {
  json_object *o = json_object_new_object();
  if (d->type == VL2_DEST_REMOTE) {
    JADD(o, "type", jstr("remote"));
    JADD(o, "remote", jip(&d->remote));
    JADD(o, "vni", ju64(d->vni));
    JADD(o, "udp_sport", ju64(d->udp_sport));
    JADD(o, "encap",
         jstr(seg_encap(a, d->vni) == SW_ENCAP_GENEVE ? "geneve" : "vxlan"));
  } else {
    JADD(o, "type", jstr("port"));
    JADD(o, "port", jstr(port_name(a, d->port)));
    JADD(o, "port_id", ju64(d->port));
    JADD(o, "vni", ju64(d->vni));
  }
  JADD(o, "edit", jstr(edit_name(d->edit)));
  if (d->edit == VL2_EDIT_PUSH || d->edit == VL2_EDIT_REWRITE) {
    JADD(o, "vid", ju64(d->vid));
    JADD(o, "tpid", jhex16(d->tpid));
  }
  return o;
}

/* ------------------------------------------------------------- request */

json_object *cmd_trace(app *a, char **w, int n) {
  vl2_frame f;
  memset(&f, 0, sizeof f);
  json_object *err = NULL;
  int k;
  const char *ingress_name = NULL;
  if (n >= 3 && strcmp(w[1], "in") == 0) {
    port_rt *p = port_by_name(a, w[2]);
    if (!p)
      return jusage("trace: no port '%s' (vl2ctl ports lists them)", w[2]);
    f.port = p->id;
    ingress_name = p->cfg.name;
    k = 3;
  } else if (n >= 5 && strcmp(w[1], "remote") == 0) {
    if (sw_parse_ip(w[2], &f.remote))
      return jusage("trace: '%s' is not an IPv4 or IPv6 address", w[2]);
    if (strcmp(w[3], "vni"))
      return jusage("trace remote IP: expected 'vni N', not '%s'", w[3]);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(w[4], &end, 10);
    if (!*w[4] || *end || w[4][0] == '-')
      return jusage("trace: '%s' is not a VNI (a number 0..%u)", w[4],
                    VL2_VNI_MAX);
    if (errno || v > VL2_VNI_MAX)
      return jusage("trace: VNI %s is out of range (0..%u)", w[4], VL2_VNI_MAX);
    f.port = VL2_PORT_REMOTE;
    f.vni = (uint32_t)v;
    k = 5;
  } else {
    return jusage(TRACE_USAGE);
  }
  if (n != k + 2 || strcmp(w[k], "hex"))
    return jusage(TRACE_USAGE);
  /* A request is at most CTL_REQ_MAX bytes, so the frame is at most half
   * that; the buffer has the data path's headroom in front. */
  static uint8_t buf[HEADROOM + CTL_REQ_MAX / 2];
  long len = hex_decode(w[k + 1], buf + HEADROOM, CTL_REQ_MAX / 2, &err);
  if (len < 0)
    return err;
  f.data = buf + HEADROOM;
  f.len = (uint32_t)len;
  vl2_tstamp now = now_ns();
  f.rx_ts = now;

  size_t cap = vl2_switch_max_fanout(a->sw);
  if (cap < 1)
    cap = 1;
  vl2_dest *dests = calloc(cap, sizeof *dests);
  vl2_trace_step *steps = calloc(TRACE_STEPS, sizeof *steps);
  if (!dests || !steps) {
    free(dests);
    free(steps);
    return jerr("trace: out of memory");
  }
  vl2_verdict v;
  memset(&v, 0, sizeof v);
  size_t nsteps = 0;
  int rv = vl2_switch_trace(a->sw, &f, now, &v, dests, cap, steps, TRACE_STEPS,
                            &nsteps);
  if (rv) {
    free(dests);
    free(steps);
    return jerr("trace: %s", vl2_strerror(rv));
  }

  json_object *o = json_object_new_object();
  json_object *in = json_object_new_object();
  if (f.port == VL2_PORT_REMOTE) {
    JADD(in, "remote", jip(&f.remote));
    JADD(in, "vni", ju64(f.vni));
  } else {
    JADD(in, "port", jstr(ingress_name));
    JADD(in, "port_id", ju64(f.port));
  }
  JADD(o, "ingress", in);
  JADD(o, "frame", frame_json(f.data, f.len));
  json_object *sa = json_object_new_array();
  size_t shown = nsteps < TRACE_STEPS ? nsteps : TRACE_STEPS;
  bool classified = false;
  for (size_t i = 0; i < shown; i++) {
    const vl2_trace_step *s = &steps[i];
    if (s->kind == VL2_TRACE_CLASSIFY && s->result != VL2_TRACE_R_DROP)
      classified = true;
    json_object_array_add(sa, step_json(a, s, classified, now));
  }
  JADD(o, "steps", sa);
  JADD(o, "steps_total", ju64(nsteps));
  JADD(o, "truncated", json_object_new_boolean(nsteps > TRACE_STEPS));
  JADD(o, "verdict", verdict_json(&v));
  json_object *da = json_object_new_array();
  for (uint32_t i = 0; i < v.dest_cnt && i < cap; i++)
    json_object_array_add(da, dest_json(a, &dests[i]));
  JADD(o, "destinations", da);
  free(dests);
  free(steps);
  return o;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's table commands, the vocabulary of bridge(8) and ip-neigh(8):
 * fdb show with filters (vni, dev, dynamic/static), fdb flush (all, by
 * port, by segment), neigh show with filters, neigh add/del/flush, and
 * stats reset (a baseline the counter views subtract; the library's and
 * the kernel's own counters are not touched).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>

#include "sw_app.h"

/* The filter (a view_filter, see sw_app.h) is kept by value: a streamed
 * show applies it slice after slice, across reloads. */
typedef view_filter filt;

static int word_vni(const char *s, uint32_t *vni, json_object **err) {
  char *end;
  errno = 0;
  unsigned long long v = s ? strtoull(s, &end, 10) : 0;
  if (!s || !*s || *end || s[0] == '-') {
    *err =
        jusage("'%s' is not a VNI (a number 0..%u)", s ? s : "", VL2_VNI_MAX);
    return -1;
  }
  if (errno || v > VL2_VNI_MAX) {
    *err = jusage("VNI %s is out of range (0..%u)", s, VL2_VNI_MAX);
    return -1;
  }
  *vni = (uint32_t)v;
  return 0;
}

/* [vni N] [dev NAME|remote] [dynamic|static|all] from w[i..n). */
static int parse_filt(app *a, char **w, int i, int n, filt *f, const char *what,
                      json_object **err) {
  memset(f, 0, sizeof *f);
  for (; i < n; i++) {
    if (strcmp(w[i], "vni") == 0) {
      if (word_vni(i + 1 < n ? w[i + 1] : NULL, &f->vni, err))
        return -1;
      f->has_vni = true;
      i++;
    } else if (strcmp(w[i], "dev") == 0 || strcmp(w[i], "port") == 0) {
      if (i + 1 >= n) {
        *err = jusage("%s: 'dev' needs a port name", what);
        return -1;
      }
      if (strcmp(w[i + 1], "remote") == 0 || strcmp(w[i + 1], "vxlan") == 0) {
        f->remote = true;
      } else if (!port_by_name(a, w[i + 1])) {
        *err = jusage("%s: no port '%s'", what, w[i + 1]);
        return -1;
      } else {
        snprintf(f->dev, sizeof f->dev, "%s", w[i + 1]);
      }
      i++;
    } else if (strcmp(w[i], "remote") == 0) {
      f->remote = true;
    } else if (strcmp(w[i], "dynamic") == 0) {
      f->state = VF_DYNAMIC;
    } else if (strcmp(w[i], "static") == 0 || strcmp(w[i], "permanent") == 0) {
      f->state = VF_STATIC;
    } else if (strcmp(w[i], "all") == 0) {
      f->state = VF_ALL;
    } else {
      *err = jusage("%s: unexpected '%s' (expected vni N, dev NAME, "
                    "remote, dynamic, static or all)",
                    what, w[i]);
      return -1;
    }
  }
  return 0;
}

static unsigned fdb_which(int state) {
  return state == VF_STATIC ? VL2_FDB_FLUSH_STATIC
         : state == VF_ALL  ? VL2_FDB_FLUSH_ALL
                            : VL2_FDB_FLUSH_DYNAMIC;
}

/* fdb flush [vni N] [dev NAME] [dynamic|static|all] (default dynamic) */
static json_object *fdb_flush(app *a, char **w, int n) {
  filt f;
  json_object *err = NULL;
  if (parse_filt(a, w, 2, n, &f, "fdb flush", &err))
    return err;
  if (f.remote)
    return jusage("fdb flush: by remote is not supported (use vni N)");
  if (f.has_vni && f.dev[0])
    return jusage("fdb flush: give vni N or dev NAME, not both");
  unsigned which = fdb_which(f.state);
  const port_rt *dev = f.dev[0] ? port_by_name(a, f.dev) : NULL;
  vl2_ssize k;
  if (dev)
    k = vl2_fdb_flush_port(a->sw, dev->id, which);
  else if (f.has_vni)
    k = vl2_fdb_flush_segment(a->sw, f.vni, which);
  else
    k = vl2_fdb_flush_all(a->sw, which);
  if (k < 0)
    return jerr("fdb flush: %s", vl2_strerror((int)k));
  logm(L_INFO, "fdb flush by vl2ctl: %lld entries removed", (long long)k);
  json_object *o = json_object_new_object();
  JADD(o, "flushed", ju64((uint64_t)k));
  return o;
}

/* neigh add IP lladdr MAC vni N [dev NAME] [router] */
static json_object *neigh_add(app *a, char **w, int n) {
  sw_neigh_cfg c;
  memset(&c, 0, sizeof c);
  json_object *err = NULL;
  if (n < 6)
    return jusage("usage: neigh add IP lladdr MAC vni VNI [dev NAME] [router]");
  if (sw_parse_ip(w[2], &c.ip))
    return jusage("'%s' is not an IPv4 or IPv6 address", w[2]);
  int i = 3;
  bool have_mac = false, have_vni = false;
  for (; i < n; i++) {
    if (strcmp(w[i], "lladdr") == 0 && i + 1 < n) {
      if (sw_parse_mac(w[++i], &c.mac))
        return jusage("'%s' is not a MAC address (expected six hex bytes, "
                      "like 02:00:00:00:00:01)",
                      w[i]);
      have_mac = true;
    } else if (strcmp(w[i], "vni") == 0) {
      if (word_vni(i + 1 < n ? w[i + 1] : NULL, &c.vni, &err))
        return err;
      have_vni = true;
      i++;
    } else if ((strcmp(w[i], "dev") == 0 || strcmp(w[i], "port") == 0) &&
               i + 1 < n) {
      snprintf(c.port, sizeof c.port, "%s", w[++i]);
    } else if (strcmp(w[i], "router") == 0) {
      c.router = true;
    } else {
      return jusage("neigh add: unexpected '%s' (usage: neigh add IP lladdr "
                    "MAC vni VNI [dev NAME] [router])",
                    w[i]);
    }
  }
  if (!have_mac || !have_vni)
    return jusage("usage: neigh add IP lladdr MAC vni VNI [dev NAME] [router]");
  if ((c.mac.b[0] & 1) != 0)
    return jusage("neigh add: %s is a group MAC", w[4]);
  vl2_neigh_entry e;
  memset(&e, 0, sizeof e);
  e.ip = c.ip;
  e.mac = c.mac;
  e.vni = c.vni;
  e.port = VL2_NEIGH_PORT_ANY;
  if (c.port[0]) {
    port_rt *p = port_by_name(a, c.port);
    if (!p)
      return jusage("neigh add: no port '%s'", c.port);
    e.port = p->id;
  }
  e.flags = c.router ? VL2_NEIGH_F_ROUTER : 0;
  int rv = vl2_neigh_add_static(a->sw, &e);
  if (rv)
    return jerr("neigh add: %s", vl2_strerror(rv));
  logm(L_INFO, "static neighbour %s vni %u added by vl2ctl", w[2], c.vni);
  return NULL;
}

/* neigh del IP vni N */
static json_object *neigh_del(app *a, char **w, int n) {
  vl2_ipaddr ip;
  uint32_t vni;
  json_object *err = NULL;
  if (n != 5 || strcmp(w[3], "vni"))
    return jusage("usage: neigh del IP vni VNI");
  if (sw_parse_ip(w[2], &ip))
    return jusage("'%s' is not an IPv4 or IPv6 address", w[2]);
  if (word_vni(w[4], &vni, &err))
    return err;
  int rv = vl2_neigh_del(a->sw, vni, &ip);
  if (rv)
    return jerr("neigh del: %s", vl2_strerror(rv));
  return NULL;
}

/* neigh flush [vni N] [dynamic|static|all] (default dynamic) */
static json_object *neigh_flush(app *a, char **w, int n) {
  filt f;
  json_object *err = NULL;
  if (parse_filt(a, w, 2, n, &f, "neigh flush", &err))
    return err;
  if (f.dev[0] || f.remote)
    return jusage("neigh flush: by port is not supported (use vni N)");
  unsigned which = f.state == VF_STATIC ? VL2_NEIGH_FLUSH_STATIC
                   : f.state == VF_ALL  ? VL2_NEIGH_FLUSH_ALL
                                        : VL2_NEIGH_FLUSH_DYNAMIC;
  vl2_ssize k =
      vl2_neigh_flush(a->sw, f.has_vni ? f.vni : VL2_NEIGH_ALL_SEGMENTS, which);
  if (k < 0)
    return jerr("neigh flush: %s", vl2_strerror((int)k));
  json_object *o = json_object_new_object();
  JADD(o, "flushed", ju64((uint64_t)k));
  return o;
}

/* ---------------------------------------------------------- stats reset */

/* Objects whose numbers are counters (reset subtracts), and the numbers in
 * them that are not (gauges, limits, identities: kept). */
static bool counter_group(const char *k) {
  static const char *const g[] = {
      "switch", "drops", "neigh", "daemon",   "underlay", "stats", "device",
      "tunnel", "gro",   "gso",   "coalesce", "storm",    "mdb",   NULL};
  for (size_t i = 0; g[i]; i++)
    if (strcmp(k, g[i]) == 0)
      return true;
  return false;
}

static bool gauge(const char *k) {
  static const char *const g[] = {
      "macs",         "fdb_entries", "fdb_static", "entries",
      "source_ports", "sport_lo",    "sport_hi",   "gso_off_sockets",
      "expires_ms",   "budget",      "burst",      "holddown",
      "id",           "vni",         "vlan",       "port",
      "max_macs",     "native",      NULL};
  for (size_t i = 0; g[i]; i++)
    if (strcmp(k, g[i]) == 0)
      return true;
  return false;
}

/* The member of array |base| that stands for |e| (same name, vni or id). */
static json_object *base_match(json_object *base, json_object *e) {
  static const char *const keys[] = {"name", "vni", "id", NULL};
  for (size_t k = 0; keys[k]; k++) {
    json_object *v;
    if (!json_object_object_get_ex(e, keys[k], &v))
      continue;
    const char *want = json_object_get_string(v);
    size_t n = json_object_array_length(base);
    for (size_t i = 0; i < n; i++) {
      json_object *b = json_object_array_get_idx(base, i), *bv;
      if (json_object_object_get_ex(b, keys[k], &bv) &&
          strcmp(json_object_get_string(bv), want) == 0)
        return b;
    }
    return NULL;
  }
  return NULL;
}

static void subtract(json_object *cur, json_object *base, bool counters) {
  if (!cur || !base)
    return;
  if (json_object_is_type(cur, json_type_array)) {
    if (!json_object_is_type(base, json_type_array))
      return;
    size_t n = json_object_array_length(cur);
    for (size_t i = 0; i < n; i++) {
      json_object *e = json_object_array_get_idx(cur, i);
      subtract(e, base_match(base, e), counters);
    }
    return;
  }
  if (!json_object_is_type(cur, json_type_object))
    return;
  json_object_object_foreach(cur, k, v) {
    json_object *b;
    if (!json_object_object_get_ex(base, k, &b))
      continue;
    if (json_object_is_type(v, json_type_int)) {
      if (!counters || gauge(k) || !json_object_is_type(b, json_type_int))
        continue;
      int64_t x = json_object_get_int64(v), y = json_object_get_int64(b);
      json_object_set_int64(v, x >= y ? x - y : x);
    } else {
      subtract(v, b, counters || counter_group(k));
    }
  }
}

void stats_rebase(app *a, json_object *o) { subtract(o, a->stats_base, false); }

json_object *cmd_tables(app *a, char **w, int n, view_stream *vs) {
  json_object *r = NULL;
  bool fdb = strcmp(w[0], "fdb") == 0, neigh = strcmp(w[0], "neigh") == 0;
  if ((fdb || neigh) && (n == 1 || strcmp(w[1], "show") == 0)) {
    /* streamed a slice at a time (sw_stream.c, sw_control.c) */
    json_object *err = NULL;
    memset(vs, 0, sizeof *vs);
    if (parse_filt(a, w, n == 1 ? 1 : 2, n, &vs->f,
                   fdb ? "fdb show" : "neigh show", &err))
      return err;
    vs->kind = fdb ? VS_FDB : VS_NEIGH;
    return NULL;
  }
  if (fdb && strcmp(w[1], "flush") == 0)
    return fdb_flush(a, w, n);
  if (neigh && strcmp(w[1], "flush") == 0)
    return neigh_flush(a, w, n);
  if (neigh && (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0)) {
    r = strcmp(w[1], "add") == 0 ? neigh_add(a, w, n) : neigh_del(a, w, n);
    if (r)
      return r;
    r = json_object_new_object();
    JADD(r, "ok", json_object_new_boolean(1));
    return r;
  }
  if (neigh)
    return jusage("neigh: unexpected '%s' (expected show, add, del or flush)",
                  w[1]);
  if (strcmp(w[0], "stats") == 0 && n == 2 && strcmp(w[1], "reset") == 0) {
    /* the raw counters now become the zero point */
    json_object_put(a->stats_base);
    a->stats_base = NULL;
    a->stats_base = cmd_stats(a);
    logm(L_INFO, "counters reset by vl2ctl");
    r = json_object_new_object();
    JADD(r, "ok", json_object_new_boolean(1));
    return r;
  }
  return NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's control requests: a request line is split into words and
 * answered with one JSON object (a view, {"ok":true} or {"error":"..."});
 * the commands that change state (fdb add/del, vtep add/del, reload) are
 * here, the read-only views in sw_views.c.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>
#include <vl2/version.h>

#include "sw_app.h"

__attribute__((format(printf, 2, 0))) static json_object *
jerrv(bool usage, const char *fmt, va_list ap) {
  char m[512];
  vsnprintf(m, sizeof m, fmt, ap);
  json_object *o = json_object_new_object();
  JADD(o, "error", jstr(m));
  if (usage)
    JADD(o, "usage", json_object_new_boolean(1));
  return o;
}

json_object *jerr(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_object *o = jerrv(false, fmt, ap);
  va_end(ap);
  return o;
}

json_object *jusage(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  json_object *o = jerrv(true, fmt, ap);
  va_end(ap);
  return o;
}

static json_object *jok(void) {
  json_object *o = json_object_new_object();
  JADD(o, "ok", json_object_new_boolean(1));
  return o;
}

/* Argument parsers: 0, or -1 with a usage reply in |*err| that says
 * what was wrong with which word. */
static int arg_vni(const char *s, uint32_t *vni, json_object **err) {
  char *end;
  if (!s) {
    *err = jusage("missing VNI");
    return -1;
  }
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (!*s || *end || s[0] == '-') {
    *err = jusage("'%s' is not a VNI (a number 0..%u)", s, VL2_VNI_MAX);
    return -1;
  }
  if (errno || v > VL2_VNI_MAX) {
    *err = jusage("VNI %s is out of range (0..%u)", s, VL2_VNI_MAX);
    return -1;
  }
  *vni = (uint32_t)v;
  return 0;
}

static int arg_mac(const char *s, vl2_mac *mac, json_object **err) {
  if (!s || sw_parse_mac(s, mac)) {
    *err = jusage("'%s' is not a MAC address (expected six hex bytes, "
                  "like 02:00:00:00:00:01)",
                  s ? s : "");
    return -1;
  }
  return 0;
}

static int arg_ip(const char *s, vl2_ipaddr *ip, json_object **err) {
  if (!s || sw_parse_ip(s, ip)) {
    *err = jusage("'%s' is not an IPv4 or IPv6 address", s ? s : "");
    return -1;
  }
  return 0;
}

/* fdb add MAC vni N (port NAME | remote IP) ; fdb del MAC vni N */
static json_object *cmd_fdb_change(app *a, char **w, int n) {
  vl2_mac mac;
  uint32_t vni;
  json_object *err = NULL;
  bool add = strcmp(w[1], "add") == 0;
  if (n < 5 || strcmp(w[3], "vni"))
    return jusage("usage: fdb add MAC vni VNI port NAME | fdb add MAC vni "
                  "VNI remote IP | fdb del MAC vni VNI");
  if (arg_mac(w[2], &mac, &err) || arg_vni(w[4], &vni, &err))
    return err;
  if (!add) {
    if (n != 5)
      return jusage("usage: fdb del MAC vni VNI");
    int rv = vl2_fdb_del(a->sw, vni, &mac);
    return rv ? jerr("fdb del: %s", vl2_strerror(rv)) : jok();
  }
  if (n != 7)
    return jusage("usage: fdb add MAC vni VNI (port NAME | remote IP)");
  sw_fdb_cfg f;
  memset(&f, 0, sizeof f);
  f.mac = mac;
  f.vni = vni;
  if ((mac.b[0] & 1) != 0)
    return jusage("fdb add: %s is a group MAC", w[2]);
  if (strcmp(w[5], "port") == 0) {
    snprintf(f.port, sizeof f.port, "%s", w[6]);
  } else if (strcmp(w[5], "remote") == 0) {
    f.remote = true;
    if (arg_ip(w[6], &f.addr, &err))
      return err;
  } else {
    return jusage("fdb add: expected 'port NAME' or 'remote IP', not '%s'",
                  w[5]);
  }
  char e[256];
  if (fdb_apply(a, &f, e, sizeof e))
    return jerr("fdb add: %s", e);
  logm(L_INFO, "static fdb entry %s vni %u added by vl2ctl", w[2], vni);
  return jok();
}

/* neigh add IP lladdr MAC vni N [port NAME] ; neigh del IP vni N */
/* vtep add VNI IP ; vtep del VNI IP */
static json_object *cmd_vtep(app *a, char **w, int n) {
  uint32_t vni;
  vl2_ipaddr ip;
  json_object *err = NULL;
  if (n != 4)
    return jusage("usage: vtep add|del VNI IP");
  if (arg_vni(w[2], &vni, &err) || arg_ip(w[3], &ip, &err))
    return err;
  seg_rt *s = seg_find(a, vni);
  if (!s)
    return jerr("vtep: no segment %u", vni);
  const sw_seg_cfg *sc = sw_config_seg(&a->cfg, vni);
  if (sc && sc->evpn)
    return jerr("vtep %s: segment %u is an EVPN segment: its flood list "
                "comes from the fabric (type-3 routes)",
                w[1], vni);
  if (strcmp(w[1], "add") == 0) {
    if (!a->udp && !a->gnv)
      return jerr("vtep add: no underlay configured");
    if (vtep_find(s, &ip)) {
      /* Idempotent: adding what is there is no error. */
      json_object *o = jok();
      JADD(o, "already", json_object_new_boolean(1));
      return o;
    }
    char e[256];
    if (vtep_add(a, s, &ip, false, e, sizeof e))
      return jerr("vtep add: %s", e);
    logm(L_INFO, "VTEP %s added to segment %u by vl2ctl", w[3], vni);
    return jok();
  }
  int rv = vtep_del(a, s, &ip);
  if (rv)
    return jerr("vtep del: %s", vl2_strerror(rv));
  return jok();
}

json_object *handle_request(app *a, char *line, view_stream *vs) {
  char *w[16];
  int n = 0;
  memset(vs, 0, sizeof *vs);
  for (char *t = strtok(line, " \t\r"); t; t = strtok(NULL, " \t\r")) {
    if (n == 16)
      return jusage("more than 16 words in a request");
    w[n++] = t;
  }
  if (n == 0)
    return jusage("empty command");
  json_object *r = cmd_tables(a, w, n, vs);
  if (r || vs->kind != VS_NONE)
    return r;
  if (n == 1 && strcmp(w[0], "ports") == 0)
    r = cmd_ports(a);
  else if (n == 1 && strcmp(w[0], "segments") == 0)
    r = cmd_segments(a);
  else if (n == 1 && strcmp(w[0], "stats") == 0)
    r = cmd_stats(a);
  if (r) {
    stats_rebase(a, r);
    return r;
  }
  if (strcmp(w[0], "fdb") == 0 && n >= 2 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_fdb_change(a, w, n);
  if (strcmp(w[0], "vtep") == 0 && n >= 2 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_vtep(a, w, n);
  if (strcmp(w[0], "mdb") == 0 && n == 1) {
    vs->kind = VS_MDB; /* streamed */
    return NULL;
  }
  if (strcmp(w[0], "mdb") == 0 && strcmp(w[1], "set") == 0)
    return cmd_mdb_set(a, w, n);
  if (strcmp(w[0], "storm") == 0 && n == 1)
    return cmd_storm(a);
  if (strcmp(w[0], "storm") == 0 && strcmp(w[1], "set") == 0)
    return cmd_storm_set(a, w, n);
  if (strcmp(w[0], "storm") == 0 && strcmp(w[1], "recover") == 0)
    return cmd_storm_recover(a, w, n);
  if (strcmp(w[0], "trace") == 0)
    return cmd_trace(a, w, n);
  if (strcmp(w[0], "reload") == 0) {
    char e[512];
    return reload(a, e, sizeof e) ? jerr("reload: %s", e) : jok();
  }
  if (strcmp(w[0], "version") == 0) {
    json_object *o = json_object_new_object();
    JADD(o, "version", jstr(VL2_VERSION));
    return o;
  }
  return jusage("unknown command '%s' (expected ports, segments, stats, "
                "stats reset, fdb [show|add|del|flush], neigh "
                "[show|add|del|flush], vtep add|del, mdb, mdb set, storm, "
                "storm set|recover, trace, monitor, reload, version)",
                w[0]);
}

json_object *handle_cmd(app *a, char *line) {
  view_stream vs;
  json_object *r = handle_request(a, line, &vs);
  if (r)
    return r;
  sbuf b = {0};
  int more;
  while ((more = view_stream_step(a, &vs, CTL_STREAM_SLICE, 0, &b)) > 0)
    ;
  if (more < 0 || !b.p) {
    sbuf_free(&b);
    return jerr("out of memory for the reply");
  }
  r = json_tokener_parse(b.p);
  sbuf_free(&b);
  return r ? r : jerr("internal error: a streamed view is not JSON");
}

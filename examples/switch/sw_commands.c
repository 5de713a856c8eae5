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
#include <vl2/version.h>

#include "sw_app.h"

static json_object *jerr(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
static json_object *jerr(const char *fmt, ...) {
  char m[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m, sizeof m, fmt, ap);
  va_end(ap);
  json_object *o = json_object_new_object();
  JADD(o, "error", jstr(m));
  return o;
}

static json_object *jok(void) {
  json_object *o = json_object_new_object();
  JADD(o, "ok", json_object_new_boolean(1));
  return o;
}

static int parse_vni(const char *s, uint32_t *vni) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s ? s : "", &end, 10);
  if (!s || !*s || *end || errno || v > VL2_VNI_MAX)
    return -1;
  *vni = (uint32_t)v;
  return 0;
}

/* fdb add MAC vni N (port NAME | remote IP) ; fdb del MAC vni N */
static json_object *cmd_fdb_change(app *a, char **w, int n) {
  vl2_mac mac;
  uint32_t vni;
  bool add = strcmp(w[1], "add") == 0;
  if (n < 5 || sw_parse_mac(w[2], &mac) || strcmp(w[3], "vni") ||
      parse_vni(w[4], &vni))
    return jerr("usage: fdb add MAC vni VNI port NAME | fdb add MAC vni VNI "
                "remote IP | fdb del MAC vni VNI");
  if (!add) {
    int rv = vl2_fdb_del(a->sw, vni, &mac);
    return rv ? jerr("fdb del: %s", vl2_strerror(rv)) : jok();
  }
  if (n != 7)
    return jerr("usage: fdb add MAC vni VNI (port NAME | remote IP)");
  sw_fdb_cfg f;
  memset(&f, 0, sizeof f);
  f.mac = mac;
  f.vni = vni;
  if ((mac.b[0] & 1) != 0)
    return jerr("fdb add: %s is a group MAC", w[2]);
  if (strcmp(w[5], "port") == 0) {
    snprintf(f.port, sizeof f.port, "%s", w[6]);
  } else if (strcmp(w[5], "remote") == 0) {
    f.remote = true;
    if (sw_parse_ip(w[6], &f.addr))
      return jerr("fdb add: %s is not an IP address", w[6]);
  } else {
    return jerr("fdb add: expected 'port NAME' or 'remote IP'");
  }
  char e[256];
  if (fdb_apply(a, &f, e, sizeof e))
    return jerr("fdb add: %s", e);
  logm(L_INFO, "static fdb entry %s vni %u added by vl2ctl", w[2], vni);
  return jok();
}

/* vtep add VNI IP ; vtep del VNI IP */
static json_object *cmd_vtep(app *a, char **w, int n) {
  uint32_t vni;
  vl2_ipaddr ip;
  if (n != 4 || parse_vni(w[2], &vni) || sw_parse_ip(w[3], &ip))
    return jerr("usage: vtep add|del VNI IP");
  seg_rt *s = seg_find(a, vni);
  if (!s)
    return jerr("vtep: no segment %u", vni);
  if (strcmp(w[1], "add") == 0) {
    if (!a->udp)
      return jerr("vtep add: no underlay configured");
    if (vtep_find(s, &ip))
      return jerr("vtep add: %s is in segment %u already", w[3], vni);
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

json_object *handle_cmd(app *a, char *line) {
  char *w[16];
  int n = 0;
  for (char *t = strtok(line, " \t\r"); t && n < 16; t = strtok(NULL, " \t\r"))
    w[n++] = t;
  if (n == 0)
    return jerr("empty command");
  if (strcmp(w[0], "ports") == 0)
    return cmd_ports(a);
  if (strcmp(w[0], "segments") == 0)
    return cmd_segments(a);
  if (strcmp(w[0], "stats") == 0)
    return cmd_stats(a);
  if (strcmp(w[0], "neigh") == 0)
    return cmd_neigh(a);
  if (strcmp(w[0], "fdb") == 0 && n == 1)
    return cmd_fdb(a);
  if (strcmp(w[0], "fdb") == 0 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_fdb_change(a, w, n);
  if (strcmp(w[0], "vtep") == 0 && n >= 2 &&
      (strcmp(w[1], "add") == 0 || strcmp(w[1], "del") == 0))
    return cmd_vtep(a, w, n);
  if (strcmp(w[0], "reload") == 0) {
    char e[512];
    return reload(a, e, sizeof e) ? jerr("reload: %s", e) : jok();
  }
  if (strcmp(w[0], "version") == 0) {
    json_object *o = json_object_new_object();
    JADD(o, "version", jstr(VL2_VERSION));
    return o;
  }
  return jerr("unknown command '%s' (expected ports, segments, fdb, neigh, "
              "stats, fdb add|del, vtep add|del, reload, version)",
              w[0]);
}

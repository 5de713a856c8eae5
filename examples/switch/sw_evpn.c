/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's BGP EVPN segments (libvl2-evpn): the adapter is opened
 * when the first segment with `evpn = true` appears, its netlink socket
 * sits in the epoll set, every core event passes through it (local MACs
 * and neighbours are written for zebra to advertise; directory lookups
 * are answered from the EVPN neighbour table), and it is closed (the
 * mirror objects removed) at exit.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sw_app.h"

#ifdef VL2SW_HAVE_EVPN
#include <vl2/evpn.h>

static int evpn_open(app *a, const sw_config *c, char *err, size_t errlen) {
  vl2_evpn_config ec;
  vl2_evpn_config_default(&ec);
  ec.local = c->local;
  ec.mirror_dstport = c->evpn_dstport;
  memcpy(ec.name_prefix, c->evpn_prefix, sizeof ec.name_prefix);
  int rv = vl2_evpn_new(&a->evpn, &ec, a->sw, NULL);
  if (rv) {
    snprintf(err, errlen, "evpn: %s",
             rv < 0 && rv > -200 ? strerror(-rv) : vl2_strerror(rv));
    a->evpn = NULL;
    return -1;
  }
  if (ep_add(a, vl2_evpn_get_fd(a->evpn), K_EVPN, 0)) {
    snprintf(err, errlen, "evpn: epoll: %s", strerror(errno));
    vl2_evpn_del(a->evpn);
    a->evpn = NULL;
    return -1;
  }
  return 0;
}

void evpn_close(app *a) {
  if (!a->evpn)
    return;
  ep_del(a, vl2_evpn_get_fd(a->evpn));
  vl2_evpn_del(a->evpn); /* removes the mirror objects */
  a->evpn = NULL;
}

int evpn_seg_add(app *a, const sw_config *c, uint32_t vni, char *err,
                 size_t errlen) {
  if (!a->evpn && evpn_open(a, c, err, errlen))
    return -1;
  int rv = vl2_evpn_segment_add(a->evpn, vni, now_ns());
  if (rv == VL2_ERR_EXISTS)
    return 0;
  if (rv) {
    snprintf(err, errlen, "segment %u: evpn mirror: %s", vni,
             rv < 0 && rv > -200 ? strerror(-rv) : vl2_strerror(rv));
    return -1;
  }
  logm(L_INFO, "segment %u: joined the EVPN fabric (mirror %sb%u)", vni,
       c->evpn_prefix, vni);
  return 0;
}

void evpn_seg_del(app *a, uint32_t vni) {
  if (a->evpn && vl2_evpn_segment_del(a->evpn, vni) == 0)
    logm(L_INFO, "segment %u: left the EVPN fabric", vni);
}

void evpn_input(app *a) {
  if (!a->evpn)
    return;
  vl2_ssize n = vl2_evpn_process(a->evpn, now_ns());
  if (n < 0)
    logm(L_WARN, "evpn: netlink: %s", strerror((int)-n));
}

void evpn_event(app *a, const vl2_event *ev) {
  if (a->evpn)
    vl2_evpn_handle_event(a->evpn, ev, now_ns());
}

json_object *evpn_stats_json(app *a) {
  if (!a->evpn)
    return NULL;
  vl2_evpn_stats s;
  vl2_evpn_get_stats(a->evpn, &s);
  json_object *o = json_object_new_object();
  JADD(o, "msgs", ju64(s.msgs));
  JADD(o, "ignored", ju64(s.ignored));
  JADD(o, "flood_adds", ju64(s.flood_adds));
  JADD(o, "flood_dels", ju64(s.flood_dels));
  JADD(o, "mac_adds", ju64(s.mac_adds));
  JADD(o, "mac_dels", ju64(s.mac_dels));
  JADD(o, "mac_kept", ju64(s.mac_kept));
  JADD(o, "neigh_adds", ju64(s.neigh_adds));
  JADD(o, "neigh_dels", ju64(s.neigh_dels));
  JADD(o, "local_mac_writes", ju64(s.local_mac_writes));
  JADD(o, "local_mac_dels", ju64(s.local_mac_dels));
  JADD(o, "local_neigh_writes", ju64(s.local_neigh_writes));
  JADD(o, "local_neigh_dels", ju64(s.local_neigh_dels));
  JADD(o, "dir_answered", ju64(s.dir_answered));
  JADD(o, "dir_refused", ju64(s.dir_refused));
  JADD(o, "resyncs", ju64(s.resyncs));
  JADD(o, "overruns", ju64(s.overruns));
  JADD(o, "recreated", ju64(s.recreated));
  JADD(o, "limit_drops", ju64(s.limit_drops));
  JADD(o, "core_errors", ju64(s.core_errors));
  JADD(o, "kernel_errors", ju64(s.kernel_errors));
  JADD(o, "vteps", ju64(s.vteps));
  JADD(o, "macs", ju64(s.macs));
  JADD(o, "neighs", ju64(s.neighs));
  return o;
}

#else /* !VL2SW_HAVE_EVPN */

void evpn_close(app *a) { (void)a; }
int evpn_seg_add(app *a, const sw_config *c, uint32_t vni, char *err,
                 size_t errlen) {
  (void)a;
  (void)c;
  snprintf(err, errlen,
           "segment %u: 'evpn' needs libvl2-evpn (built without it)", vni);
  return -1;
}
void evpn_seg_del(app *a, uint32_t vni) {
  (void)a;
  (void)vni;
}
void evpn_input(app *a) { (void)a; }
void evpn_event(app *a, const vl2_event *ev) {
  (void)a;
  (void)ev;
}
json_object *evpn_stats_json(app *a) {
  (void)a;
  return NULL;
}

#endif

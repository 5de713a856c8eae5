/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's overlay: the remote VTEPs of each segment (head-end
 * replication lists, from the file or from vl2ctl) and the VXLAN underlay
 * (the UDP backend and the switch's overlay settings).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef VL2SW_HAVE_UDP
#include <vl2/udp.h>
#endif

#include "sw_app.h"

/* ------------------------------------------------------------ segments */

seg_rt *seg_find(app *a, uint32_t vni) {
  for (size_t i = 0; i < a->nsegs; i++)
    if (a->segs[i].vni == vni)
      return &a->segs[i];
  return NULL;
}

vtep_rt *vtep_find(seg_rt *s, const vl2_ipaddr *ip) {
  for (size_t i = 0; i < s->n; i++)
    if (memcmp(&s->v[i].addr, ip, sizeof *ip) == 0)
      return &s->v[i];
  return NULL;
}

int vtep_add(app *a, seg_rt *s, const vl2_ipaddr *ip, bool from_cfg, char *err,
             size_t errlen) {
  vtep_rt *v = vtep_find(s, ip);
  if (v) {
    v->from_config = v->from_config || from_cfg;
    return 0;
  }
  int rv = vl2_switch_remote_add(a->sw, s->vni, ip);
  if (rv) {
    char b[64];
    sw_format_ip(ip, b, sizeof b);
    snprintf(err, errlen, "segment %u: VTEP %s: %s", s->vni, b,
             vl2_strerror(rv));
    return -1;
  }
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 4;
    vtep_rt *nv = realloc(s->v, s->cap * sizeof *nv);
    if (!nv) {
      logm(L_ERR, "out of memory");
      exit(1);
    }
    s->v = nv;
  }
  s->v[s->n].addr = *ip;
  s->v[s->n].from_config = from_cfg;
  s->n++;
  return 0;
}

int vtep_del(app *a, seg_rt *s, const vl2_ipaddr *ip) {
  vtep_rt *v = vtep_find(s, ip);
  if (!v)
    return VL2_ERR_NOTFOUND;
  int rv = vl2_switch_remote_del(a->sw, s->vni, ip);
  *v = s->v[--s->n];
  return rv;
}

void seg_forget(app *a, uint32_t vni) {
  seg_rt *s = seg_find(a, vni);
  if (!s)
    return;
  free(s->v);
  *s = a->segs[--a->nsegs];
}

/* ------------------------------------------------------------ underlay */

int underlay_open(app *a, const sw_config *c, char *err, size_t errlen) {
  vl2_vxlan_config_default(&a->vx);
  a->vx.dst_port = c->udp_port;
  a->vx.underlay_mtu = c->mtu;
  if (!c->underlay) {
    vl2_switch_set_overlay(a->sw, NULL);
    return 0;
  }
  a->vx.local = c->local;
  /* The switch picks the RFC 7348 source port and drops what would not
   * fit the underlay MTU (counted). */
  int orv = vl2_switch_set_overlay(a->sw, &a->vx);
  if (orv) {
    snprintf(err, errlen, "underlay: %s", vl2_strerror(orv));
    return -1;
  }
#ifdef VL2SW_HAVE_UDP
  char ip[64], args[160], e[256] = "";
  sw_format_ip(&c->local, ip, sizeof ip);
  snprintf(args, sizeof args, "local=%s,port=%u,batch=%d", ip, c->udp_port,
           BURST);
  int rv =
      vl2_backend_open_err(&a->udp, &vl2_udp_ops, args, 0, NULL, e, sizeof e);
  if (rv) {
    a->udp = NULL;
    snprintf(err, errlen, "underlay %s port %u: %s", ip, c->udp_port,
             e[0] ? e : vl2_strerror(rv));
    return -1;
  }
  txq_init(&a->uq, a->udp);
  if (ep_add(a, vl2_backend_get_fd(a->udp), K_UDP, 0)) {
    snprintf(err, errlen, "underlay: epoll: %s", strerror(errno));
    return -1;
  }
  logm(L_INFO, "underlay: VXLAN over UDP on %s port %u, MTU %u", ip,
       c->udp_port, c->mtu);
  return 0;
#else
  snprintf(err, errlen,
           "underlay: this vl2-switch was built without the UDP "
           "underlay backend");
  return -1;
#endif
}

void underlay_close(app *a) {
  if (!a->udp)
    return;
  ep_del(a, vl2_backend_get_fd(a->udp));
  vl2_backend_close(a->udp);
  a->udp = NULL;
  txq_fini(&a->uq);
}

bool underlay_same(const sw_config *x, const sw_config *y) {
  return x->underlay == y->underlay &&
         memcmp(&x->local, &y->local, sizeof x->local) == 0 &&
         x->udp_port == y->udp_port && x->mtu == y->mtu;
}

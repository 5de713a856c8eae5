/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's overlay: the remote VTEPs of each segment (head-end
 * replication lists, from the file or from vl2ctl) and the underlay: one
 * UDP socket per encapsulation in use (VXLAN on underlay.port, Geneve on
 * underlay.geneve_port) and the switch's overlay settings.
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

uint8_t seg_encap(app *a, uint32_t vni) {
  if (a->n_geneve_segs == 0)
    return SW_ENCAP_VXLAN;
  seg_rt *s = seg_find(a, vni);
  return s ? s->encap : SW_ENCAP_VXLAN;
}

/* Which sockets a configuration needs: VXLAN when a segment uses it (the
 * default encapsulation, so also with no segment at all), Geneve when a
 * segment uses it. */
static bool wants_vxlan(const sw_config *c) {
  return sw_config_uses_encap(c, SW_ENCAP_VXLAN) ||
         !sw_config_uses_encap(c, SW_ENCAP_GENEVE);
}

#ifdef VL2SW_HAVE_UDP
/* Open one underlay socket on |port| into |*be| and its queue |q|. */
static int open_socket(app *a, const sw_config *c, uint16_t port, uint8_t encap,
                       vl2_backend **be, txq *q, char *err, size_t errlen) {
  char ip[64], args[320], e[256] = "";
  sw_format_ip(&c->local, ip, sizeof ip);
  /* RFC 6935/6936: zero UDP checksums over IPv6, both ways, when the
   * underlay is configured for them (the kernel drops them otherwise,
   * before vl2-switch could see them). */
  bool z = c->udp6_zero_csum && c->local.family == VL2_AF_INET6;
  /* UDP_SEGMENT sends and UDP_GRO as configured; socket buffers of 4 MiB
   * (forced when privileged) absorb a TCP window's burst from a fast
   * peer; the VXLAN socket sends from a pool of source ports over the
   * core's per-flow range (one range cannot be bound twice: Geneve's
   * leaves from its bound port). */
  int n = snprintf(args, sizeof args,
                   "local=%s,port=%u,batch=%d%s,gso=%d,gro=%d,"
                   "rcvbuf=4194304,sndbuf=4194304",
                   ip, port, BURST, z ? ",zero_csum6_rx=1,zero_csum6_tx=1" : "",
                   c->gso ? 1 : 0, c->gro ? 1 : 0);
  if (encap == SW_ENCAP_VXLAN && n > 0 && (size_t)n < sizeof args)
    snprintf(args + n, sizeof args - (size_t)n, ",sport_lo=%u,sport_hi=%u",
             c->sport_lo, c->sport_hi);
  int rv = vl2_backend_open_err(be, &vl2_udp_ops, args, 0, NULL, e, sizeof e);
  if (rv) {
    *be = NULL;
    snprintf(err, errlen, "underlay %s port %u: %s", ip, port,
             e[0] ? e : vl2_strerror(rv));
    return -1;
  }
  txq_init(q, *be);
  if (ep_add(a, vl2_backend_get_fd(*be), K_UDP, encap)) {
    snprintf(err, errlen, "underlay: epoll: %s", strerror(errno));
    return -1;
  }
  vl2_udp_stats us;
  vl2_udp_get_stats(*be, &us);
  logm(L_INFO,
       "underlay: %s over UDP on %s port %u, MTU %u%s, source ports %s, GSO "
       "%s, GRO %s",
       encap == SW_ENCAP_GENEVE ? "Geneve" : "VXLAN", ip, port, c->mtu,
       z ? ", zero UDP checksums over IPv6" : "",
       us.tx_sockets ? "per flow" : "one", us.gso ? "on" : "off",
       us.gro ? "on" : "off");
  return 0;
}
#endif

int underlay_open(app *a, const sw_config *c, char *err, size_t errlen) {
  vl2_vxlan_config_default(&a->vx);
  a->vx.dst_port = c->udp_port;
  a->vx.underlay_mtu = c->mtu;
  /* The core's per-flow source ports are the transmit pool's ports, so
   * the port it picks for an inner flow is the one on the wire. */
  a->vx.sport_lo = c->sport_lo;
  a->vx.sport_hi = c->sport_hi;
  if (c->udp6_zero_csum)
    a->vx.flags |= VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  vl2_geneve_config_default(&a->gcfg);
  if (!c->underlay) {
    vl2_switch_set_overlay(a->sw, NULL);
    return 0;
  }
  a->vx.local = c->local;
  a->gcfg.tun = a->vx;
  a->gcfg.tun.dst_port = c->geneve_port;
  /* The switch picks the RFC 7348 source port and drops what would not
   * fit the underlay MTU (counted). Geneve without options has VXLAN's
   * overhead, so one setting serves both. */
  int orv = vl2_switch_set_overlay(a->sw, &a->vx);
  if (orv) {
    snprintf(err, errlen, "underlay: %s", vl2_strerror(orv));
    return -1;
  }
#ifdef VL2SW_HAVE_UDP
  if (c->gro) {
    vl2_gro_config gc;
    vl2_gro_config_default(&gc);
    gc.max_frames = UDP_BURST;
    int grv = vl2_gro_new(&a->gro, &gc, NULL);
    if (grv) {
      snprintf(err, errlen, "underlay: %s", vl2_strerror(grv));
      return -1;
    }
  }
  if (wants_vxlan(c) && open_socket(a, c, c->udp_port, SW_ENCAP_VXLAN, &a->udp,
                                    &a->uq, err, errlen))
    return -1;
  if (sw_config_uses_encap(c, SW_ENCAP_GENEVE) &&
      open_socket(a, c, c->geneve_port, SW_ENCAP_GENEVE, &a->gnv, &a->gq, err,
                  errlen))
    return -1;
  return 0;
#else
  snprintf(err, errlen,
           "underlay: this vl2-switch was built without the UDP "
           "underlay backend");
  return -1;
#endif
}

void underlay_close(app *a) {
  if (a->udp) {
    ep_del(a, vl2_backend_get_fd(a->udp));
    vl2_backend_close(a->udp);
    a->udp = NULL;
    txq_fini(&a->uq);
  }
  if (a->gnv) {
    ep_del(a, vl2_backend_get_fd(a->gnv));
    vl2_backend_close(a->gnv);
    a->gnv = NULL;
    txq_fini(&a->gq);
  }
  vl2_gro_del(a->gro);
  a->gro = NULL;
}

bool underlay_same(const sw_config *x, const sw_config *y) {
  return x->underlay == y->underlay &&
         memcmp(&x->local, &y->local, sizeof x->local) == 0 &&
         x->udp_port == y->udp_port && x->geneve_port == y->geneve_port &&
         x->udp6_zero_csum == y->udp6_zero_csum && x->mtu == y->mtu &&
         x->sport_lo == y->sport_lo && x->sport_hi == y->sport_hi &&
         x->gso == y->gso && x->gro == y->gro &&
         wants_vxlan(x) == wants_vxlan(y) &&
         sw_config_uses_encap(x, SW_ENCAP_GENEVE) ==
             sw_config_uses_encap(y, SW_ENCAP_GENEVE);
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The EVPN adapter's classification: neighbour messages on the mirror
 * objects -> flood list, remote MACs, remote neighbours -> switch calls.
 *
 * Where it fits: evpn.c reads netlink and applies the calls; this file
 * decides them and keeps the state they derive from. It never performs
 * I/O. What zebra 8.4 writes (established on Debian 12's kernel):
 * - type-3: AF_BRIDGE, on the vxlan device, NTF_SELF, MAC 0, NDA_DST VTEP;
 * - remote MAC: a master entry on the vxlan port (NTF_MASTER,
 *   NTF_EXT_LEARNED) and a self entry on the vxlan device (NTF_SELF,
 *   NDA_DST VTEP). The master entry decides "remote" (zebra leaves the
 *   self entry behind when the MAC moves here); the self entry gives the
 *   VTEP;
 * - remote MAC/IP: AF_INET/AF_INET6 on the bridge, NTF_EXT_LEARNED,
 *   NUD_NOARP; withdrawn by a delete, sometimes after going NUD_FAILED.
 */
#include "evpn_classify.h"

#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/neighbour.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#ifndef AF_BRIDGE
#define AF_BRIDGE 7
#endif

#define HASH_NONFATAL_OOM 1
#define uthash_malloc(sz) st->mem.malloc((sz), st->mem.user_data)
#define uthash_free(ptr, sz) st->mem.free((ptr), st->mem.user_data)
#define uthash_nonfatal_oom(obj) (uth_oom = 1)
#include <uthash.h>

struct evc_mac {
  vl2_mac mac;
  uint8_t master;   /* a master entry on the vxlan port exists */
  uint8_t has_vtep; /* a self entry gave the VTEP */
  uint8_t applied;  /* EVC_MAC_ADD emitted for |applied_vtep| */
  uint8_t stale_master, stale_self;
  vl2_ipaddr vtep;
  vl2_ipaddr applied_vtep;
  UT_hash_handle hh;
};

struct evc_neigh {
  vl2_ipaddr ip;
  vl2_mac mac;
  uint8_t stale;
  UT_hash_handle hh;
};

static void *lc_malloc(size_t n, void *u) {
  (void)u;
  return malloc(n);
}
static void lc_free(void *p, void *u) {
  (void)u;
  free(p);
}
static void *lc_calloc(size_t n, size_t s, void *u) {
  (void)u;
  return calloc(n, s);
}
static void *lc_realloc(void *p, size_t n, void *u) {
  (void)u;
  return realloc(p, n);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                              */

static int addr_to_ip(struct nl_addr *a, vl2_ipaddr *ip) {
  memset(ip, 0, sizeof(*ip));
  if (a == NULL)
    return -1;
  unsigned len = nl_addr_get_len(a);
  if (len == 4)
    ip->family = VL2_AF_INET;
  else if (len == 16)
    ip->family = VL2_AF_INET6;
  else
    return -1;
  memcpy(ip->addr, nl_addr_get_binary_addr(a), len);
  return 0;
}

int evc_msg_from_nl(struct nlmsghdr *nlh, evc_msg *m) {
  memset(m, 0, sizeof(*m));
  if (nlh->nlmsg_type != RTM_NEWNEIGH && nlh->nlmsg_type != RTM_DELNEIGH)
    return -1;
  struct rtnl_neigh *n = NULL;
  if (rtnl_neigh_parse(nlh, &n) < 0 || n == NULL)
    return -1;
  m->type = nlh->nlmsg_type;
  m->family = (uint8_t)rtnl_neigh_get_family(n);
  m->ntf = (uint8_t)rtnl_neigh_get_flags(n);
  m->state = (uint16_t)rtnl_neigh_get_state(n);
  m->ifindex = rtnl_neigh_get_ifindex(n);
  int master = rtnl_neigh_get_master(n);
  m->master = master > 0 ? master : 0;
  struct nl_addr *ll = rtnl_neigh_get_lladdr(n);
  if (ll != NULL && nl_addr_get_len(ll) == 6) {
    memcpy(m->lladdr.b, nl_addr_get_binary_addr(ll), 6);
    m->has_lladdr = 1;
  }
  m->has_dst = addr_to_ip(rtnl_neigh_get_dst(n), &m->dst) == 0;
  rtnl_neigh_put(n);
  return 0;
}

/* ------------------------------------------------------------------ */
/* State                                                                */

int evc_init(evc_state *st, const vl2_mem *mem, const evc_limits *lim,
             evc_emit_fn emit, void *ctx) {
  memset(st, 0, sizeof(*st));
  if (mem != NULL) {
    st->mem = *mem;
  } else {
    st->mem.malloc = lc_malloc;
    st->mem.free = lc_free;
    st->mem.calloc = lc_calloc;
    st->mem.realloc = lc_realloc;
  }
  st->lim = *lim;
  st->emit = emit;
  st->ctx = ctx;
  st->segs =
      st->mem.calloc(lim->max_segments, sizeof(*st->segs), st->mem.user_data);
  return st->segs != NULL ? 0 : VL2_ERR_NOMEM;
}

static void seg_free(evc_state *st, evc_seg *seg) {
  evc_mac *m, *mt;
  HASH_ITER(hh, seg->macs, m, mt) {
    HASH_DEL(seg->macs, m);
    st->mem.free(m, st->mem.user_data);
    st->n_macs--;
  }
  evc_neigh *n, *nt;
  HASH_ITER(hh, seg->neighs, n, nt) {
    HASH_DEL(seg->neighs, n);
    st->mem.free(n, st->mem.user_data);
    st->n_neighs--;
  }
  st->n_vteps -= seg->n_vteps;
  st->mem.free(seg->vteps, st->mem.user_data);
  memset(seg, 0, sizeof(*seg));
}

void evc_fini(evc_state *st) {
  if (st->segs == NULL)
    return;
  for (uint32_t i = 0; i < st->lim.max_segments; i++)
    if (st->segs[i].vni != 0)
      seg_free(st, &st->segs[i]);
  st->mem.free(st->segs, st->mem.user_data);
  st->segs = NULL;
}

evc_seg *evc_seg_find(evc_state *st, uint32_t vni) {
  for (uint32_t i = 0; i < st->lim.max_segments; i++)
    if (st->segs[i].vni == vni && vni != 0)
      return &st->segs[i];
  return NULL;
}

evc_seg *evc_seg_add(evc_state *st, uint32_t vni, int br, int vx, int mp) {
  for (uint32_t i = 0; i < st->lim.max_segments; i++) {
    evc_seg *s = &st->segs[i];
    if (s->vni != 0)
      continue;
    s->vteps =
        st->mem.calloc(st->lim.max_vteps, sizeof(*s->vteps), st->mem.user_data);
    if (s->vteps == NULL)
      return NULL;
    s->vni = vni;
    s->br = br;
    s->vx = vx;
    s->mp = mp;
    st->n_segs++;
    return s;
  }
  return NULL;
}

static void emit(evc_state *st, uint8_t kind, const evc_seg *seg,
                 const vl2_mac *mac, const vl2_ipaddr *ip,
                 const vl2_ipaddr *vtep) {
  evc_call c;
  memset(&c, 0, sizeof(c));
  c.kind = kind;
  c.vni = seg->vni;
  if (mac != NULL)
    c.mac = *mac;
  if (ip != NULL)
    c.ip = *ip;
  if (vtep != NULL)
    c.vtep = *vtep;
  st->emit(st->ctx, &c);
}

/* ---- flood list (type-3) ---- */

static int vtep_find(const evc_seg *seg, const vl2_ipaddr *a) {
  for (uint32_t i = 0; i < seg->n_vteps; i++)
    if (memcmp(&seg->vteps[i].addr, a, sizeof(*a)) == 0)
      return (int)i;
  return -1;
}

static void vtep_add(evc_state *st, evc_seg *seg, const vl2_ipaddr *a) {
  int i = vtep_find(seg, a);
  if (i >= 0) {
    seg->vteps[i].stale = 0;
    if (st->dumping)
      emit(st, EVC_FLOOD_ADD, seg, NULL, NULL, a);
    return;
  }
  if (seg->n_vteps >= st->lim.max_vteps) {
    st->limit_drops++;
    return;
  }
  seg->vteps[seg->n_vteps].addr = *a;
  seg->vteps[seg->n_vteps].stale = 0;
  seg->n_vteps++;
  st->n_vteps++;
  emit(st, EVC_FLOOD_ADD, seg, NULL, NULL, a);
}

static void vtep_remove_at(evc_state *st, evc_seg *seg, uint32_t i) {
  vl2_ipaddr a = seg->vteps[i].addr;
  seg->vteps[i] = seg->vteps[--seg->n_vteps];
  st->n_vteps--;
  emit(st, EVC_FLOOD_DEL, seg, NULL, NULL, &a);
}

/* ---- remote MACs (type-2) ---- */

static evc_mac *mac_get(evc_state *st, evc_seg *seg, const vl2_mac *mac,
                        int create) {
  evc_mac *m = NULL;
  HASH_FIND(hh, seg->macs, mac->b, 6, m);
  if (m != NULL || !create)
    return m;
  if (st->n_macs >= st->lim.max_macs) {
    st->limit_drops++;
    return NULL;
  }
  m = st->mem.calloc(1, sizeof(*m), st->mem.user_data);
  if (m == NULL) {
    st->limit_drops++;
    return NULL;
  }
  m->mac = *mac;
  int uth_oom = 0;
  HASH_ADD(hh, seg->macs, mac.b, 6, m);
  if (uth_oom) {
    st->mem.free(m, st->mem.user_data);
    st->limit_drops++;
    return NULL;
  }
  st->n_macs++;
  return m;
}

/* Bring the switch in line with |m| (master decides, self gives the VTEP)
 * and free |m| when nothing is left of it. */
static void mac_settle(evc_state *st, evc_seg *seg, evc_mac *m, int refresh) {
  int want = m->master && m->has_vtep;
  if (m->applied &&
      (!want || memcmp(&m->applied_vtep, &m->vtep, sizeof(m->vtep)) != 0)) {
    if (!want)
      emit(st, EVC_MAC_DEL, seg, &m->mac, NULL, &m->applied_vtep);
    m->applied = 0;
  }
  if (want && (!m->applied || refresh)) {
    /* A changed VTEP is replaced by the add itself (no gap). */
    emit(st, EVC_MAC_ADD, seg, &m->mac, NULL, &m->vtep);
    m->applied = 1;
    m->applied_vtep = m->vtep;
  }
  if (!m->master && !m->has_vtep) {
    HASH_DEL(seg->macs, m);
    st->mem.free(m, st->mem.user_data);
    st->n_macs--;
  }
}

/* ---- remote neighbours (MAC/IP) ---- */

static void neigh_set(evc_state *st, evc_seg *seg, const vl2_ipaddr *ip,
                      const vl2_mac *mac) {
  evc_neigh *n = NULL;
  HASH_FIND(hh, seg->neighs, ip, sizeof(*ip), n);
  if (n != NULL) {
    n->stale = 0;
    if (memcmp(&n->mac, mac, sizeof(*mac)) == 0 && !st->dumping)
      return;
    n->mac = *mac;
    emit(st, EVC_NEIGH_ADD, seg, mac, ip, NULL);
    return;
  }
  if (st->n_neighs >= st->lim.max_neigh) {
    st->limit_drops++;
    return;
  }
  n = st->mem.calloc(1, sizeof(*n), st->mem.user_data);
  if (n == NULL) {
    st->limit_drops++;
    return;
  }
  n->ip = *ip;
  n->mac = *mac;
  int uth_oom = 0;
  HASH_ADD(hh, seg->neighs, ip, sizeof(n->ip), n);
  if (uth_oom) {
    st->mem.free(n, st->mem.user_data);
    st->limit_drops++;
    return;
  }
  st->n_neighs++;
  emit(st, EVC_NEIGH_ADD, seg, mac, ip, NULL);
}

static void neigh_remove(evc_state *st, evc_seg *seg, evc_neigh *n) {
  emit(st, EVC_NEIGH_DEL, seg, &n->mac, &n->ip, NULL);
  HASH_DEL(seg->neighs, n);
  st->mem.free(n, st->mem.user_data);
  st->n_neighs--;
}

int evc_neigh_lookup(const evc_seg *seg, const vl2_ipaddr *ip, vl2_mac *mac) {
  evc_neigh *n = NULL;
  HASH_FIND(hh, seg->neighs, ip, sizeof(*ip), n);
  if (n == NULL)
    return 0;
  *mac = n->mac;
  return 1;
}

/* ------------------------------------------------------------------ */
/* Classification                                                       */

static int mac_zero(const vl2_mac *m) {
  static const uint8_t z[6];
  return memcmp(m->b, z, 6) == 0;
}

static evc_seg *seg_by_ifindex(evc_state *st, int ifindex, int *which) {
  for (uint32_t i = 0; i < st->lim.max_segments; i++) {
    evc_seg *s = &st->segs[i];
    if (s->vni == 0)
      continue;
    if (ifindex == s->vx) {
      *which = 1;
      return s;
    }
    if (ifindex == s->mp) {
      *which = 2;
      return s;
    }
    if (ifindex == s->br) {
      *which = 0;
      return s;
    }
  }
  return NULL;
}

/* A bridge (master) entry: the kernel's bridge notifications carry
 * NDA_MASTER but not NTF_MASTER; requests carry NTF_MASTER. */
static int is_master(const evc_msg *m) {
  return (m->ntf & NTF_MASTER) || (m->master != 0 && !(m->ntf & NTF_SELF));
}

static int on_vxlan(evc_state *st, evc_seg *seg, const evc_msg *m) {
  int add = m->type == RTM_NEWNEIGH;
  if (m->lladdr.b[0] & 1) /* group MACs: not a host */
    return 0;
  if (mac_zero(&m->lladdr)) {
    /* type-3: the flood list (self entries with a VTEP only). */
    if (!(m->ntf & NTF_SELF) || !m->has_dst)
      return 0;
    if (add) {
      vtep_add(st, seg, &m->dst);
    } else {
      int i = vtep_find(seg, &m->dst);
      if (i >= 0)
        vtep_remove_at(st, seg, (uint32_t)i);
    }
    return 1;
  }
  if (is_master(m)) {
    /* The bridge's own permanent entry for the port's MAC is local. */
    if (m->state & NUD_PERMANENT)
      return 0;
    evc_mac *e = mac_get(st, seg, &m->lladdr, add);
    if (e == NULL)
      return add;
    e->master = (uint8_t)add;
    e->stale_master = 0;
    mac_settle(st, seg, e, add && st->dumping);
    return 1;
  }
  if (m->ntf & NTF_SELF) {
    if (add && !m->has_dst)
      return 0;
    evc_mac *e = mac_get(st, seg, &m->lladdr, add);
    if (e == NULL)
      return add;
    e->has_vtep = (uint8_t)add;
    if (add)
      e->vtep = m->dst;
    e->stale_self = 0;
    mac_settle(st, seg, e, add && st->dumping);
    return 1;
  }
  return 0;
}

static int on_mirror_port(evc_state *st, evc_seg *seg, const evc_msg *m) {
  /* Local MACs (our own writes). A master entry that moved here from the
   * vxlan port means the MAC is no longer remote. */
  if (m->type != RTM_NEWNEIGH || !is_master(m) || !m->has_lladdr)
    return 0;
  evc_mac *e = mac_get(st, seg, &m->lladdr, 0);
  if (e != NULL && e->master) {
    e->master = 0;
    mac_settle(st, seg, e, 0);
  }
  return 1;
}

static int on_bridge(evc_state *st, evc_seg *seg, const evc_msg *m) {
  if (!m->has_dst)
    return 0;
  evc_neigh *n = NULL;
  HASH_FIND(hh, seg->neighs, &m->dst, sizeof(m->dst), n);
  int usable = m->type == RTM_NEWNEIGH && m->has_lladdr &&
               !(m->state & (NUD_FAILED | NUD_INCOMPLETE)) &&
               !mac_zero(&m->lladdr);
  if (usable && (m->ntf & NTF_EXT_LEARNED)) {
    neigh_set(st, seg, &m->dst, &m->lladdr);
    return 1;
  }
  /* Withdrawn, failed, or local now (our own NOARP write). */
  if (n != NULL)
    neigh_remove(st, seg, n);
  return 1;
}

int evc_input(evc_state *st, const evc_msg *m) {
  int which = -1;
  evc_seg *seg = seg_by_ifindex(st, m->ifindex, &which);
  int r = 0;
  if (seg != NULL) {
    if (m->family == AF_BRIDGE && m->has_lladdr && which == 1)
      r = on_vxlan(st, seg, m);
    else if (m->family == AF_BRIDGE && which == 2)
      r = on_mirror_port(st, seg, m);
    else if ((m->family == AF_INET || m->family == AF_INET6) && which == 0)
      r = on_bridge(st, seg, m);
  }
  if (!r)
    st->ignored++;
  return r;
}

/* ------------------------------------------------------------------ */
/* Reconciliation                                                       */

void evc_dump_begin(evc_state *st) {
  st->dumping = 1;
  for (uint32_t i = 0; i < st->lim.max_segments; i++) {
    evc_seg *s = &st->segs[i];
    if (s->vni == 0)
      continue;
    for (uint32_t j = 0; j < s->n_vteps; j++)
      s->vteps[j].stale = 1;
    evc_mac *m, *mt;
    HASH_ITER(hh, s->macs, m, mt) {
      m->stale_master = m->master;
      m->stale_self = m->has_vtep;
    }
    evc_neigh *n, *nt;
    HASH_ITER(hh, s->neighs, n, nt) { n->stale = 1; }
  }
}

void evc_dump_end(evc_state *st) {
  st->dumping = 0;
  for (uint32_t i = 0; i < st->lim.max_segments; i++) {
    evc_seg *s = &st->segs[i];
    if (s->vni == 0)
      continue;
    for (uint32_t j = 0; j < s->n_vteps;) {
      if (s->vteps[j].stale)
        vtep_remove_at(st, s, j); /* the last one moved to |j| */
      else
        j++;
    }
    evc_mac *m, *mt;
    HASH_ITER(hh, s->macs, m, mt) {
      if (!m->stale_master && !m->stale_self)
        continue;
      if (m->stale_master)
        m->master = 0;
      if (m->stale_self)
        m->has_vtep = 0;
      m->stale_master = m->stale_self = 0;
      mac_settle(st, s, m, 0);
    }
    evc_neigh *n, *nt;
    HASH_ITER(hh, s->neighs, n, nt) {
      if (n->stale)
        neigh_remove(st, s, n);
    }
  }
}

void evc_seg_clear(evc_state *st, evc_seg *seg) {
  while (seg->n_vteps > 0)
    vtep_remove_at(st, seg, seg->n_vteps - 1);
  evc_mac *m, *mt;
  HASH_ITER(hh, seg->macs, m, mt) {
    m->master = 0;
    m->has_vtep = 0;
    mac_settle(st, seg, m, 0);
  }
  evc_neigh *n, *nt;
  HASH_ITER(hh, seg->neighs, n, nt) { neigh_remove(st, seg, n); }
}

void evc_seg_del(evc_state *st, evc_seg *seg, int emit_dels) {
  if (emit_dels)
    evc_seg_clear(st, seg);
  seg_free(st, seg);
  st->n_segs--;
}

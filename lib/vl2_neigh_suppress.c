/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Neighbour snooping, the spoof guard, neighbour inspection and ARP/ND
 * suppression: vl2_neigh_input() for every ARP, RARP and IPv6 frame of
 * the data path, and the replies it queues.
 *
 * Where it fits: vl2_forward.c calls vl2_neigh_input() before learning
 * (so a spoofed frame teaches nothing), never for IPv4.
 */
#include "vl2_neigh_int.h"

#include <string.h>

#include "vl2_trace.h"
#include "vl2_wire.h"

/* Queue a reply for the host |asker_mac| / |asker_ip| on |port| about
 * |e|. 1 when queued, 0 when the output queue is full (counted). */
int vl2_neigh_queue_reply(vl2_switch *sw, const nb_ent *e, uint32_t port,
                          const uint8_t *asker_mac, const uint8_t *asker_ip) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t b = vl2_txq_buf_get(&sw->txq, VL2_TXQ_BUF_GEN);
  if (b == VL2_TXQ_NONE) {
    CNT(nb, e->seg, tx_overflow);
    return 0;
  }
  uint8_t *f = vl2_txq_buf_at(&sw->txq, b);
  size_t len;
  uint16_t kind;
  if (e->family == VL2_AF_INET) {
    /* RFC 826: swap, fill in the target's hardware address, op reply. */
    len = vl2_neigh_arp_build(f, 2, asker_mac, e->mac, e->ip, asker_mac,
                              asker_ip);
    kind = VL2_TX_ARP_REPLY;
  } else {
    /* RFC 4861 section 7.2.4: to the solicitation's source (all-nodes,
     * not solicited, when it was ::), Override set, with the target
     * link-layer address option. */
    static const uint8_t unspec[16] = {0};
    int dad = memcmp(asker_ip, unspec, 16) == 0;
    uint8_t fl = NA_F_OVERRIDE;
    if (!dad)
      fl |= NA_F_SOLICITED;
    if (e->flags & VL2_NEIGH_F_ROUTER)
      fl |= NA_F_ROUTER;
    len = vl2_neigh_nd_build(f, asker_mac, e->mac, e->ip,
                             dad ? vl2_neigh_ip6_all_nodes : asker_ip, ICMP6_NA,
                             fl, e->ip, ND_OPT_TLLA, e->mac);
    kind = VL2_TX_NA;
  }
  sw->txq.buf_len[b] = (uint32_t)len;
  vl2_txq_push(sw, b, e->seg, kind, VL2_TXQ_TO_PORT, port, 0);
  return 1;
}

/* Neighbour inspection: is |ip| statically bound to |mac| on |port|? */
static int inspect_ok(vl2_switch *sw, uint32_t seg, uint8_t family,
                      const uint8_t *ip, const uint8_t *mac, uint32_t port) {
  const nb_ent *e = vl2_neigh_ent_find(sw, seg, family, ip);
  return e != NULL && (e->flags & VL2_NEIGH_F_STATIC) &&
         memcmp(e->mac, mac, 6) == 0 &&
         (e->port == port || e->port == VL2_NEIGH_PORT_ANY);
}

/* A NEIGH step of a trace about |ip| (family |fam|) at |mac|. */
static vl2_trace_step *nstep(vl2_tracer *T, uint16_t result, uint8_t fam,
                             const uint8_t *ip, const uint8_t *mac,
                             uint32_t op) {
  vl2_trace_step *st = vl2_trace_add(T, VL2_TRACE_NEIGH, result);
  if (ip != NULL) {
    st->ip.family = fam;
    memcpy(st->ip.addr, ip, ip_len(fam));
  }
  if (mac != NULL)
    memcpy(st->mac.b, mac, 6);
  st->aux = op;
  return st;
}

int vl2_neigh_input(vl2_switch *sw, vl2_segment *seg, const vl2_frame *f,
                    size_t l3off, uint16_t et, vl2_tstamp now, uint16_t *reason,
                    vl2_tracer *T) {
  vl2_neigh_state *nb = sw->neigh;
  const uint8_t *d = f->data;
  uint32_t si = seg->idx;
  nb_pkt k;
  /* Counted, except in a trace. */
#define NCNT(field)                                                            \
  do {                                                                         \
    if (T == NULL)                                                             \
      CNT(nb, si, field);                                                      \
  } while (0)
  if (et == VL2_ETH_P_RARP) {
    /* RFC 903: learning (already done by the switch) moves the MAC. */
    NCNT(rarp_in);
    if (T)
      nstep(T, VL2_TRACE_R_RARP, VL2_AF_NONE, NULL, NULL, 0);
    return VL2_NB_PASS;
  }
  if (f->len <= l3off)
    return VL2_NB_PASS;
  size_t l3len = f->len - l3off;
  const uint8_t *l3 = d + l3off;
  memset(&k, 0, sizeof(k));
  if (et == VL2_ETH_P_ARP) {
    if (vl2_neigh_parse_arp(l3, l3len, &k) != 0) {
      NCNT(malformed);
      if (T)
        nstep(T, VL2_TRACE_R_MALFORMED, VL2_AF_NONE, NULL, NULL, 0);
      return VL2_NB_PASS;
    }
    NCNT(arp_in);
  } else if (et == VL2_ETH_P_IPV6) {
    /* Only NS and NA, directly after the IPv6 header. */
    if (l3len < IP6_HLEN + 24 || l3[6] != 58 ||
        (l3[IP6_HLEN] != ICMP6_NS && l3[IP6_HLEN] != ICMP6_NA))
      return VL2_NB_PASS;
    if (vl2_neigh_parse_nd(l3, l3len, &k) != 0) {
      NCNT(malformed);
      if (T)
        nstep(T, VL2_TRACE_R_MALFORMED, VL2_AF_NONE, NULL, NULL, l3[IP6_HLEN]);
      return VL2_NB_PASS;
    }
    NCNT(nd_in);
  } else {
    return VL2_NB_PASS;
  }
  const uint8_t *src = d + 6;
  const vl2_port *p = f->port != VL2_PORT_REMOTE ? &sw->ports[f->port] : NULL;
  const uint8_t *lla = k.lla != NULL ? k.lla : src;

  /* Spoof guard and inspection (ingress ports only). */
  if (p != NULL && (p->flags & VL2_PORT_F_SPOOF_GUARD) && k.lla != NULL &&
      memcmp(k.lla, src, 6) != 0) {
    NCNT(spoof_drops);
    *reason = k.is_nd ? VL2_DROP_ND_SPOOF : VL2_DROP_ARP_SPOOF;
    if (T)
      nstep(T, VL2_TRACE_R_DROP, k.family, k.sip, k.lla, k.op)->reason =
          *reason;
    return VL2_NB_DROP;
  }
  if (p != NULL && (p->flags & VL2_PORT_F_NEIGH_INSPECT) && !k.sip_zero &&
      !inspect_ok(sw, si, k.family, k.sip, lla, f->port)) {
    NCNT(inspect_drops);
    *reason = VL2_DROP_NEIGH_UNBOUND;
    if (T)
      nstep(T, VL2_TRACE_R_DROP, k.family, k.sip, lla, k.op)->reason = *reason;
    return VL2_NB_DROP;
  }

  /* Snooping (a trace reports what the binding would do, in |bound|). */
  unsigned bound = VL2_TRACE_BIND_NONE;
#define BIND(FAM, MAC, HOW)                                                    \
  do {                                                                         \
    if (T) {                                                                   \
      bound = vl2_neigh_bind_peek(sw, si, (FAM), k.sip, (MAC), (HOW), now);    \
      nstep(T, VL2_TRACE_R_BIND, (FAM), k.sip, (MAC), k.op)->value = bound;    \
    } else {                                                                   \
      vl2_neigh_bind(sw, si, (FAM), k.sip, (MAC), f->port, (HOW), now);        \
    }                                                                          \
  } while (0)
  int garp = 0;
  /* The sender asks for its own address (an NS may; for ARP that is a
   * gratuitous one). */
  int self = !k.sip_zero && memcmp(k.sip, k.tip, ip_len(k.family)) == 0;
  if (k.sip_zero) {
    NCNT(probes);
    if (T)
      nstep(T, VL2_TRACE_R_PROBE, k.family, k.tip, src, k.op);
  }
  if (k.family == VL2_AF_INET) {
    garp = self;
    if (!k.sip_zero)
      BIND(VL2_AF_INET, k.lla,
           BIND_OVERRIDE | (k.op == 2 && !garp ? BIND_CONFIRMED : 0u));
  } else if (k.op == ICMP6_NS) {
    if (!k.sip_zero && k.lla != NULL)
      BIND(VL2_AF_INET6, k.lla, BIND_OVERRIDE);
  } else {
    unsigned how = 0;
    if (k.na_flags & NA_F_OVERRIDE)
      how |= BIND_OVERRIDE;
    if (k.na_flags & NA_F_SOLICITED)
      how |= BIND_CONFIRMED;
    if (k.na_flags & NA_F_ROUTER)
      how |= BIND_ROUTER;
    garp = !(k.na_flags & NA_F_SOLICITED) && (k.na_flags & NA_F_OVERRIDE);
    BIND(VL2_AF_INET6, lla, how);
  }
#undef BIND
  if (garp)
    NCNT(garp);
  if (!k.is_req)
    return VL2_NB_PASS;

  /* Suppression: broadcast/multicast requests from a local port, not a
   * probe, not gratuitous. */
  uint32_t mode = seg->flags & (VL2_SEG_F_ARP_SUPPRESS | VL2_SEG_F_DIRECTORY);
  if (mode == 0 || p == NULL || k.sip_zero || garp || !vl2_mac_is_group(d)) {
    NCNT(req_passed);
    if (T)
      nstep(T, VL2_TRACE_R_FLOODED, k.family, k.tip, NULL, k.op);
    return VL2_NB_PASS;
  }
  /* A trace looks without reclaiming an expired entry. */
  nb_ent *e = T ? vl2_neigh_ent_find(sw, si, k.family, k.tip)
                : vl2_neigh_ent_lookup(sw, si, k.family, k.tip, now);
  if (T && e != NULL && !live(e, now))
    e = NULL;
  /* An NS for the sender's own address finds the binding this frame just
   * made (a trace made none: it takes the one it would make). */
  nb_ent made;
  if (T && self &&
      (bound == VL2_TRACE_BIND_NEW || bound == VL2_TRACE_BIND_MOVE)) {
    memset(&made, 0, sizeof(made));
    memcpy(made.mac, k.lla, 6);
    made.state = VL2_NEIGH_STALE; /* an NS does not confirm */
    made.gc_at = VL2_TSTAMP_NONE;
    made.timer = VL2_TSTAMP_NONE;
    e = &made;
  }
  /* The asker's address: ARP sha; NS SLLA, else the source MAC. */
  uint8_t asker_ip[16];
  memset(asker_ip, 0, sizeof(asker_ip));
  memcpy(asker_ip, k.sip, ip_len(k.family));
  /* VL2_SEG_F_SUPPRESS_CP_ONLY: only control-plane bindings answer. */
  if (e != NULL && usable(eff_state(e, now)) &&
      (!(seg->flags & VL2_SEG_F_SUPPRESS_CP_ONLY) ||
       (e->flags & VL2_NEIGH_F_STATIC))) {
    if (T) {
      int room = vl2_txq_buf_room(&sw->txq, VL2_TXQ_BUF_GEN);
      nstep(T, room ? VL2_TRACE_R_ANSWERED : VL2_TRACE_R_QUEUE_FULL, k.family,
            k.tip, e->mac, k.op);
      return room ? VL2_NB_CONSUME : VL2_NB_PASS;
    }
    if (vl2_neigh_queue_reply(sw, e, f->port, lla, asker_ip)) {
      CNT(nb, si, req_answered);
      return VL2_NB_CONSUME;
    }
    CNT(nb, si, req_flooded); /* output queue full: let the target answer */
    return VL2_NB_PASS;
  }
  NCNT(req_missed);
  if (seg->flags & VL2_SEG_F_DIRECTORY) {
    int r =
        T ? vl2_neigh_dir_peek(sw, si, k.family, k.tip, f->port, lla, asker_ip)
          : vl2_neigh_dir_ask(sw, si, k.family, k.tip, f->port, lla, asker_ip,
                              now);
    if (r == VL2_NB_DROP)
      *reason = VL2_DROP_DIR_FULL;
    if (T)
      nstep(T, r == VL2_NB_DROP ? VL2_TRACE_R_DROP : VL2_TRACE_R_DIRECTORY,
            k.family, k.tip, NULL, k.op)
          ->reason = r == VL2_NB_DROP ? *reason : 0;
    return r;
  }
  NCNT(req_flooded);
  if (T)
    nstep(T, VL2_TRACE_R_FLOODED, k.family, k.tip, NULL, k.op);
  return VL2_NB_PASS;
#undef NCNT
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The resolver (RFC 4861 section 7.3's state machine, applied to ARP
 * too): vl2_neigh_send() queues a packet for an IP in a segment, sends
 * requests with binary back-off, releases the wait queue on a binding,
 * drops it (counted) on failure; and the segment's gateway identity.
 *
 * Where it fits: its packets go out through the originated-frame queue
 * (vl2_txq.c); its wait queues use that queue's buffers.
 */
#include "vl2_neigh_int.h"

#include <string.h>

#include "vl2_wire.h"

/* Send the resolver's request for |e|: broadcast ARP / solicited-node NS,
 * or a unicast probe to the cached MAC. */
static void solicit(vl2_switch *sw, nb_ent *e, int unicast) {
  vl2_neigh_state *nb = sw->neigh;
  CNT(nb, e->seg, res_solicits);
  uint32_t b = vl2_txq_buf_get(&sw->txq, VL2_TXQ_BUF_GEN);
  if (b == VL2_TXQ_NONE) {
    CNT(nb, e->seg, tx_overflow);
    return;
  }
  const nb_seg *sg = &nb->segs[e->seg];
  uint8_t *f = vl2_txq_buf_at(&sw->txq, b);
  size_t len;
  uint16_t kind;
  if (e->family == VL2_AF_INET) {
    static const uint8_t any4[4] = {0};
    const uint8_t *spa =
        sg->has_gw && sg->gw.ip4.family == VL2_AF_INET ? sg->gw.ip4.addr : any4;
    len = vl2_neigh_arp_build(f, 1, unicast ? e->mac : vl2_neigh_mac_bcast,
                              e->src, spa, vl2_neigh_mac_zero, e->ip);
    kind = VL2_TX_ARP_REQUEST;
  } else {
    static const uint8_t unspec[16] = {0};
    int have_src = sg->has_gw && sg->gw.ip6.family == VL2_AF_INET6;
    const uint8_t *src_ip = have_src ? sg->gw.ip6.addr : unspec;
    uint8_t dst_ip[16];
    uint8_t dst_mac[6];
    if (unicast) {
      memcpy(dst_ip, e->ip, 16);
      memcpy(dst_mac, e->mac, 6);
    } else {
      /* RFC 4291 section 2.7.1 solicited-node address; RFC 2464
       * section 7 multicast MAC. */
      static const uint8_t sn[13] = {0xff, 0x02, 0, 0, 0,    0,   0,
                                     0,    0,    0, 0, 0x01, 0xff};
      memcpy(dst_ip, sn, 13);
      memcpy(dst_ip + 13, e->ip + 13, 3);
      dst_mac[0] = 0x33;
      dst_mac[1] = 0x33;
      memcpy(dst_mac + 2, dst_ip + 12, 4);
    }
    /* RFC 4861 section 7.2.2: no SLLA option from the unspecified
     * address. */
    len = vl2_neigh_nd_build(f, dst_mac, e->src, src_ip, dst_ip, ICMP6_NS, 0,
                             e->ip, ND_OPT_SLLA, have_src ? e->src : NULL);
    kind = VL2_TX_NS;
  }
  sw->txq.buf_len[b] = (uint32_t)len;
  vl2_txq_push(sw, b, e->seg, kind, unicast ? VL2_TXQ_TO_MAC : VL2_TXQ_TO_FLOOD,
               0,
               e->family == VL2_AF_INET ? VL2_PORT_F_FLOOD_BCAST
                                        : VL2_PORT_F_FLOOD_MCAST);
}

/* The retransmission interval after |sent| requests (binary back-off). */
static vl2_duration backoff(const vl2_switch *sw, uint32_t sent) {
  uint32_t sh = sent > 0 ? sent - 1 : 0;
  if (sh > 10)
    sh = 10;
  return sw->cfg.neigh_retrans_ns << sh;
}

/* Send |e|'s wait queue, in order, to its now-known MAC. */
void vl2_neigh_queue_release(vl2_switch *sw, nb_ent *e) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t b = e->q_head; b != VL2_TXQ_NONE;) {
    uint32_t next = sw->txq.buf_next[b];
    memcpy(vl2_txq_buf_at(&sw->txq, b), e->mac, 6);
    vl2_txq_push(sw, b, e->seg, VL2_TX_PACKET, VL2_TXQ_TO_MAC, 0, 0);
    CNT(nb, e->seg, released);
    b = next;
  }
  e->q_head = e->q_tail = VL2_TXQ_NONE;
  e->q_len = 0;
}

/* ------------------------------------------------------------------ */
/* Resolver                                                             */

int vl2_neigh_set_gateway(vl2_switch *sw, uint32_t vni,
                          const vl2_neigh_gateway *gw) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (gw != NULL &&
      (vl2_mac_is_group(gw->mac.b) || vl2_mac_is_zero(gw->mac.b) ||
       (gw->ip4.family != VL2_AF_NONE && gw->ip4.family != VL2_AF_INET) ||
       (gw->ip6.family != VL2_AF_NONE && gw->ip6.family != VL2_AF_INET6)))
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  nb_seg *sg = &sw->neigh->segs[seg->idx];
  if (gw == NULL) {
    sg->has_gw = 0;
    memset(&sg->gw, 0, sizeof(sg->gw));
  } else {
    sg->has_gw = 1;
    sg->gw = *gw;
    if (sg->gw.ip4.family == VL2_AF_INET)
      memset(sg->gw.ip4.addr + 4, 0, 12);
  }
  return 0;
}

/* A unicast, specified address in |a|'s family, with IPv4 padding zero. */
int vl2_neigh_ip_unicast(const vl2_ipaddr *a) {
  if (a->family == VL2_AF_INET) {
    for (int i = 4; i < 16; i++)
      if (a->addr[i] != 0)
        return 0;
    uint32_t v = vl2_load_be32(a->addr);
    return v != 0 && v != 0xffffffffu && (a->addr[0] & 0xf0) != 0xe0;
  }
  if (a->family == VL2_AF_INET6)
    return !vl2_ip6_unspec(a->addr) && a->addr[0] != 0xff;
  return 0;
}

int vl2_neigh_send(vl2_switch *sw, uint32_t vni, const vl2_ipaddr *nexthop,
                   const vl2_mac *src, const uint8_t *pkt, size_t len,
                   vl2_tstamp now) {
  if (sw == NULL || nexthop == NULL || pkt == NULL || len == 0 ||
      !vl2_neigh_ip_unicast(nexthop))
    return VL2_ERR_INVALID;
  uint16_t et;
  if ((pkt[0] >> 4) == 4)
    et = VL2_ETH_P_IPV4;
  else if ((pkt[0] >> 4) == 6)
    et = VL2_ETH_P_IPV6;
  else
    return VL2_ERR_INVALID;
  if (src != NULL && (vl2_mac_is_group(src->b) || vl2_mac_is_zero(src->b)))
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_neigh_state *nb = sw->neigh;
  uint32_t si = seg->idx;
  const nb_seg *sg = &nb->segs[si];
  if (src == NULL && !sg->has_gw)
    return VL2_ERR_NOTFOUND;
  const uint8_t *smac = src != NULL ? src->b : sg->gw.mac.b;
  if (len > sw->cfg.neigh_mtu)
    return VL2_ERR_NOBUF;

  nb_ent *e = vl2_neigh_ent_lookup(sw, si, nexthop->family, nexthop->addr, now);
  if (e != NULL && usable(eff_state(e, now))) {
    uint32_t b = vl2_txq_buf_get(&sw->txq, VL2_TXQ_BUF_GEN);
    if (b == VL2_TXQ_NONE) {
      CNT(nb, si, tx_overflow);
      return VL2_ERR_AGAIN;
    }
    uint8_t *f = vl2_txq_buf_at(&sw->txq, b);
    vl2_neigh_eth_hdr(f, e->mac, smac, et);
    memcpy(f + VL2_ETH_HLEN, pkt, len);
    sw->txq.buf_len[b] = (uint32_t)(VL2_ETH_HLEN + len);
    vl2_txq_push(sw, b, si, VL2_TX_PACKET, VL2_TXQ_TO_MAC, 0, 0);
    if (eff_state(e, now) == VL2_NEIGH_STALE) {
      /* RFC 4861 section 7.3.3: first use of a STALE entry. */
      e->state = VL2_NEIGH_DELAY;
      e->timer = now + DELAY_FIRST_PROBE_NS;
      e->probes = 0;
      memcpy(e->src, smac, 6);
      arm(nb, e->timer);
    }
    return VL2_NEIGH_SENT;
  }
  int start = 0;
  if (e == NULL) {
    e = vl2_neigh_ent_new(sw, si, nexthop->family, nexthop->addr);
    if (e == NULL) {
      CNT(nb, si, limit_hits);
      return VL2_ERR_LIMIT;
    }
    start = 1;
  } else if (e->state == VL2_NEIGH_FAILED) {
    start = 1;
  }
  if (start) {
    e->state = VL2_NEIGH_INCOMPLETE;
    e->gc_at = VL2_TSTAMP_NONE;
    e->probes = 0;
    memcpy(e->src, smac, 6);
  }
  /* Queue the packet: drop the entry's oldest when it or the pool is
   * full. */
  if (e->q_len >= sw->cfg.neigh_queue_per_entry ||
      (sw->txq.wait_used >= sw->cfg.neigh_queue_max && e->q_len > 0)) {
    uint32_t old = e->q_head;
    e->q_head = sw->txq.buf_next[old];
    if (e->q_head == VL2_TXQ_NONE)
      e->q_tail = VL2_TXQ_NONE;
    e->q_len--;
    vl2_txq_buf_put(&sw->txq, old);
    CNT(nb, si, queue_drops_full);
  }
  uint32_t b = vl2_txq_buf_get(&sw->txq, VL2_TXQ_BUF_WAIT);
  int rv = VL2_NEIGH_QUEUED;
  if (b == VL2_TXQ_NONE) {
    CNT(nb, si, queue_drops_full);
    rv = VL2_ERR_AGAIN;
  } else {
    uint8_t *f = vl2_txq_buf_at(&sw->txq, b);
    vl2_neigh_eth_hdr(f, vl2_neigh_mac_zero, smac, et);
    memcpy(f + VL2_ETH_HLEN, pkt, len);
    sw->txq.buf_len[b] = (uint32_t)(VL2_ETH_HLEN + len);
    if (e->q_tail == VL2_TXQ_NONE)
      e->q_head = b;
    else
      sw->txq.buf_next[e->q_tail] = b;
    e->q_tail = b;
    e->q_len++;
    CNT(nb, si, queued);
  }
  if (start) {
    solicit(sw, e, 0);
    e->probes = 1;
    e->timer = now + backoff(sw, 1);
    arm(nb, e->timer);
  }
  return rv;
}

/* Resolver timer of |e| fired at |now|. */
void vl2_neigh_ent_timer(vl2_switch *sw, nb_ent *e, vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  switch (e->state) {
  case VL2_NEIGH_INCOMPLETE:
  case VL2_NEIGH_PROBE:
    if (e->probes >= sw->cfg.neigh_max_retries) {
      uint32_t n = vl2_neigh_queue_drop(sw, e);
      nb->st.queue_drops_failed += n;
      nb->segs[e->seg].st.queue_drops_failed += n;
      CNT(nb, e->seg, res_failed);
      vl2_neigh_emit(sw, VL2_EV_NEIGH_FAILED,
                     (uint16_t)(n > 0xffff ? 0xffff : n), sw->segs[e->seg].vni,
                     e->family, e->ip, e->mac, NULL, e->port, now);
      e->state = VL2_NEIGH_FAILED;
      e->timer = VL2_TSTAMP_NONE;
      /* Kept a while so callers see FAILED; a new send restarts it. */
      e->gc_at = now + sw->cfg.neigh_reachable_ns;
      return;
    }
    solicit(sw, e, e->state == VL2_NEIGH_PROBE);
    e->probes++;
    e->timer = now + backoff(sw, e->probes);
    return;
  case VL2_NEIGH_DELAY:
    e->state = VL2_NEIGH_PROBE;
    solicit(sw, e, 1);
    e->probes = 1;
    e->timer = now + backoff(sw, 1);
    return;
  case VL2_NEIGH_REACHABLE:
    if (!(e->flags & VL2_NEIGH_F_STATIC)) {
      e->state = VL2_NEIGH_STALE;
      e->timer = VL2_TSTAMP_NONE;
    }
    return;
  default:
    e->timer = VL2_TSTAMP_NONE;
    return;
  }
}

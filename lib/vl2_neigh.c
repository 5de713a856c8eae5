/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Neighbours: the per-segment IP -> MAC table (ARP, RFC 826; ND, RFC
 * 4861): entries and their map, bindings learned by snooping or set by
 * the control plane, IP move dampening, ageing and the stage's timers,
 * the control-plane calls and counters.
 *
 * Where it fits: the switch calls the hooks of vl2_neigh.h; suppression
 * (vl2_neigh_suppress.c), the resolver (vl2_neigh_resolve.c) and the
 * directory (vl2_neigh_dir.c) keep their entries here. Every table is
 * allocated in vl2_neigh_init(); nothing allocates afterwards.
 */
#include "vl2_neigh_int.h"

#include <string.h>

#include <vl2/trace.h>

#include "vl2_oamap.h"
#include "vl2_stats.h"
#include "vl2_wire.h"

/* ------------------------------------------------------------------ */
/* Set-up                                                               */

int vl2_neigh_config_check(const vl2_switch_config *c) {
  if (c->max_neigh == 0 || c->max_neigh > (1u << 24) ||
      c->neigh_retrans_ns < VL2_MS || c->neigh_max_retries == 0 ||
      c->neigh_max_retries > 32 || c->neigh_queue_per_entry == 0 ||
      c->neigh_queue_max == 0 || c->neigh_queue_max > (1u << 20) ||
      c->neigh_mtu < 68 || c->neigh_mtu > 65535 || c->tx_queue_cap == 0 ||
      c->tx_queue_cap > (1u << 20) || c->dir_max_pending == 0 ||
      c->dir_max_pending > (1u << 16))
    return VL2_ERR_INVALID;
  return 0;
}

void vl2_neigh_fini(vl2_switch *sw) {
  vl2_neigh_state *nb = sw->neigh;
  if (nb == NULL)
    return;
  const vl2_mem *m = &sw->mem;
  vl2_mem_free(m, nb->ent);
  vl2_mem_free(m, nb->map);
  vl2_mem_free(m, nb->free_ent);
  vl2_mem_free(m, nb->segs);
  vl2_mem_free(m, nb->dir);
  vl2_mem_free(m, nb);
  sw->neigh = NULL;
}

int vl2_neigh_init(vl2_switch *sw) {
  const vl2_switch_config *c = &sw->cfg;
  int rv = vl2_neigh_config_check(c);
  if (rv != 0)
    return rv;
  const vl2_mem *m = &sw->mem;
  vl2_neigh_state *nb = vl2_mem_calloc(m, 1, sizeof(*nb));
  if (nb == NULL)
    return VL2_ERR_NOMEM;
  sw->neigh = nb;
  size_t mcap = vl2_oamap_cap(c->max_neigh);
  nb->map_mask = mcap - 1;

  nb->ent = vl2_mem_calloc(m, c->max_neigh, sizeof(*nb->ent));
  nb->map = vl2_mem_calloc(m, mcap, sizeof(*nb->map));
  nb->free_ent = vl2_mem_calloc(m, c->max_neigh, sizeof(uint32_t));
  nb->segs = vl2_mem_calloc(m, c->max_segments, sizeof(*nb->segs));
  nb->dir = vl2_mem_calloc(m, c->dir_max_pending, sizeof(*nb->dir));
  if (nb->ent == NULL || nb->map == NULL || nb->free_ent == NULL ||
      nb->segs == NULL || nb->dir == NULL) {
    vl2_neigh_fini(sw);
    return VL2_ERR_NOMEM;
  }
  for (uint32_t i = 0; i < c->max_neigh; i++)
    nb->free_ent[i] = c->max_neigh - 1 - i;
  nb->n_free = c->max_neigh;
  nb->next_at = VL2_TSTAMP_NONE;
  nb->gc_gran = c->neigh_ageing_ns / 8;
  if (nb->gc_gran > VL2_SEC)
    nb->gc_gran = VL2_SEC;
  if (nb->gc_gran < VL2_MS)
    nb->gc_gran = VL2_MS;
  return 0;
}
/* ------------------------------------------------------------------ */
/* The table                                                            */

static size_t ip_hash(const vl2_switch *sw, uint32_t seg, uint8_t family,
                      const uint8_t *ip) {
  uint64_t h =
      sw->cfg.hash_seed ^ 0x9e3779b97f4a7c15ULL ^ ((uint64_t)seg << 8 | family);
  for (int i = 0; i < 16; i += 4) {
    h ^= vl2_load_be32(ip + i);
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  return (size_t)h & sw->neigh->map_mask;
}

/* A map key: the entry's segment, family and 16-byte address. */
typedef struct nb_key {
  uint32_t seg;
  uint8_t family;
  const uint8_t *ip;
} nb_key;

static int key_match(const void *ctx, uint32_t idx, const void *vkey) {
  const nb_ent *e = &((const vl2_switch *)ctx)->neigh->ent[idx];
  const nb_key *k = vkey;
  return e->seg == k->seg && e->family == k->family &&
         memcmp(e->ip, k->ip, 16) == 0;
}

static size_t key_home(const void *ctx, uint32_t idx) {
  const vl2_switch *sw = ctx;
  const nb_ent *o = &sw->neigh->ent[idx];
  return ip_hash(sw, o->seg, o->family, o->ip);
}

/* The map slot for the key: 0 there means absent (insert here). |ip| is
 * 16 bytes (IPv4 zero-padded). */
static size_t map_slot(const vl2_switch *sw, uint32_t seg, uint8_t family,
                       const uint8_t *ip) {
  const vl2_neigh_state *nb = sw->neigh;
  nb_key k = {seg, family, ip};
  return vl2_oamap_slot(nb->map, nb->map_mask, ip_hash(sw, seg, family, ip), &k,
                        key_match, sw);
}

nb_ent *vl2_neigh_ent_find(const vl2_switch *sw, uint32_t seg, uint8_t family,
                           const uint8_t *ip) {
  uint32_t v = sw->neigh->map[map_slot(sw, seg, family, ip)];
  return v != 0 ? &sw->neigh->ent[v - 1] : NULL;
}

/* Drop an entry's wait queue; returns the packets dropped. */
uint32_t vl2_neigh_queue_drop(vl2_switch *sw, nb_ent *e) {
  uint32_t n = 0;
  for (uint32_t b = e->q_head; b != VL2_TXQ_NONE;) {
    uint32_t next = sw->txq.buf_next[b];
    vl2_txq_buf_put(&sw->txq, b);
    b = next;
    n++;
  }
  e->q_head = e->q_tail = VL2_TXQ_NONE;
  e->q_len = 0;
  return n;
}

static void ent_to_public(const vl2_switch *sw, const nb_ent *e,
                          vl2_neigh_entry *out, vl2_tstamp now) {
  memset(out, 0, sizeof(*out));
  out->ip.family = e->family;
  memcpy(out->ip.addr, e->ip, 16);
  memcpy(out->mac.b, e->mac, 6);
  out->state = eff_state(e, now);
  out->flags = e->flags;
  if (e->frozen_until != 0 && e->frozen_until <= now)
    out->flags = (uint8_t)(out->flags & ~VL2_NEIGH_F_FROZEN);
  out->vni = sw->segs[e->seg].vni;
  out->port = e->port;
  out->queued = e->q_len;
  out->expires_at = e->gc_at;
}

void vl2_neigh_emit(vl2_switch *sw, uint16_t type, uint16_t reason,
                    uint32_t vni, uint8_t family, const uint8_t *ip,
                    const uint8_t *mac, const uint8_t *old_mac, uint32_t port,
                    vl2_tstamp now) {
  vl2_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.reason = reason;
  ev.vni = vni;
  if (mac != NULL)
    memcpy(ev.mac.b, mac, 6);
  if (old_mac != NULL)
    memcpy(ev.old_mac.b, old_mac, 6);
  if (ip != NULL) {
    ev.ip.family = family;
    memcpy(ev.ip.addr, ip, ip_len(family));
  }
  ev.port = port;
  ev.at = now;
  vl2_switch_emit(sw, &ev);
}

/* Remove entry |e| (its queue dropped as |flushed|). */
void vl2_neigh_ent_remove(vl2_switch *sw, nb_ent *e) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t n = vl2_neigh_queue_drop(sw, e);
  if (n != 0) {
    nb->st.queue_drops_flushed += n;
    nb->segs[e->seg].st.queue_drops_flushed += n;
  }
  vl2_oamap_remove(nb->map, nb->map_mask,
                   map_slot(sw, e->seg, e->family, e->ip), key_home, sw);
  nb->segs[e->seg].count--;
  if (e->flags & VL2_NEIGH_F_STATIC)
    nb->n_static--;
  e->in_use = 0;
  nb->free_ent[nb->n_free++] = (uint32_t)(e - nb->ent);
}

/* Create an entry for the key, or NULL when a limit is reached. */
nb_ent *vl2_neigh_ent_new(vl2_switch *sw, uint32_t seg, uint8_t family,
                          const uint8_t *ip) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t lim = sw->cfg.max_neigh_per_segment;
  if (nb->n_free == 0 || (lim != 0 && nb->segs[seg].count >= lim))
    return NULL;
  size_t slot = map_slot(sw, seg, family, ip);
  uint32_t idx = nb->free_ent[--nb->n_free];
  nb_ent *e = &nb->ent[idx];
  memset(e, 0, sizeof(*e));
  e->in_use = 1;
  e->seg = seg;
  e->family = family;
  memcpy(e->ip, ip, 16);
  e->q_head = e->q_tail = VL2_TXQ_NONE;
  e->timer = VL2_TSTAMP_NONE;
  e->gc_at = VL2_TSTAMP_NONE;
  nb->map[slot] = idx + 1;
  nb->segs[seg].count++;
  return e;
}

/* Look up a live entry (expired ones are reclaimed on the way, with an
 * AGED event, unless |keep| is set for const callers). */
nb_ent *vl2_neigh_ent_lookup(vl2_switch *sw, uint32_t seg, uint8_t family,
                             const uint8_t *ip, vl2_tstamp now) {
  nb_ent *e = vl2_neigh_ent_find(sw, seg, family, ip);
  if (e != NULL && !live(e, now)) {
    CNT(sw->neigh, seg, aged);
    vl2_neigh_emit(sw, VL2_EV_NEIGH_AGED, 0, sw->segs[seg].vni, e->family,
                   e->ip, e->mac, NULL, e->port, now);
    vl2_neigh_ent_remove(sw, e);
    e = NULL;
  }
  return e;
}

vl2_tstamp vl2_neigh_gc_time(const vl2_switch *sw, vl2_tstamp now) {
  return sw->cfg.neigh_ageing_ns != 0 ? now + sw->cfg.neigh_ageing_ns
                                      : VL2_TSTAMP_NONE;
}

/* ------------------------------------------------------------------ */
/* Learning a binding                                                   */

static void thaw_ip(vl2_switch *sw, nb_ent *e, vl2_tstamp now) {
  e->frozen_until = 0;
  e->moves = 0;
  e->flags = (uint8_t)(e->flags & ~VL2_NEIGH_F_FROZEN);
  CNT(sw->neigh, e->seg, thawed);
  vl2_neigh_emit(sw, VL2_EV_NEIGH_THAWED, 0, sw->segs[e->seg].vni, e->family,
                 e->ip, e->mac, NULL, e->port, now);
}

/* Record that |ip| (16 bytes) is at |mac| in segment |seg|, as seen on
 * |port|. Returns 1 when the table changed. */
int vl2_neigh_bind(vl2_switch *sw, uint32_t seg, uint8_t family,
                   const uint8_t *ip, const uint8_t *mac, uint32_t port,
                   unsigned how, vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t vni = sw->segs[seg].vni;
  int confirmed = (how & BIND_CONFIRMED) != 0;
  if (vl2_mac_is_group(mac) || vl2_mac_is_zero(mac))
    return 0; /* never bind an IP to a group or zero MAC */
  nb_ent *e = vl2_neigh_ent_lookup(sw, seg, family, ip, now);
  if (e == NULL) {
    e = vl2_neigh_ent_new(sw, seg, family, ip);
    if (e == NULL) {
      CNT(nb, seg, limit_hits);
      return 0;
    }
    memcpy(e->mac, mac, 6);
    e->port = port;
    e->state = confirmed ? VL2_NEIGH_REACHABLE : VL2_NEIGH_STALE;
    e->timer = confirmed ? now + sw->cfg.neigh_reachable_ns : VL2_TSTAMP_NONE;
    e->gc_at = vl2_neigh_gc_time(sw, now);
    if (how & BIND_ROUTER)
      e->flags |= VL2_NEIGH_F_ROUTER;
    if (how & BIND_DIRECTORY)
      e->flags |= VL2_NEIGH_F_DIRECTORY;
    arm(nb, e->gc_at);
    CNT(nb, seg, learned);
    vl2_neigh_emit(sw, VL2_EV_NEIGH_ADDED, 0, vni, family, ip, mac, NULL, port,
                   now);
    return 1;
  }
  if (e->flags & VL2_NEIGH_F_STATIC) {
    if (memcmp(e->mac, mac, 6) != 0)
      CNT(nb, seg, static_conflicts);
    return 0;
  }
  if (e->state == VL2_NEIGH_INCOMPLETE || e->state == VL2_NEIGH_FAILED) {
    int resolving = e->state == VL2_NEIGH_INCOMPLETE;
    memcpy(e->mac, mac, 6);
    e->port = port;
    e->state = confirmed ? VL2_NEIGH_REACHABLE : VL2_NEIGH_STALE;
    e->timer = confirmed ? now + sw->cfg.neigh_reachable_ns : VL2_TSTAMP_NONE;
    e->probes = 0;
    e->gc_at = vl2_neigh_gc_time(sw, now);
    arm(nb, e->gc_at);
    if (how & BIND_DIRECTORY)
      e->flags |= VL2_NEIGH_F_DIRECTORY;
    if (resolving)
      CNT(nb, seg, res_resolved);
    else
      CNT(nb, seg, learned);
    vl2_neigh_emit(sw, VL2_EV_NEIGH_ADDED, 0, vni, family, ip, mac, NULL, port,
                   now);
    if (resolving)
      vl2_neigh_queue_release(sw, e);
    return 1;
  }
  if (memcmp(e->mac, mac, 6) == 0) {
    e->port = port;
    e->gc_at = vl2_neigh_gc_time(sw, now);
    if (confirmed) {
      e->state = VL2_NEIGH_REACHABLE;
      e->timer = now + sw->cfg.neigh_reachable_ns;
      e->probes = 0;
    }
    return 0;
  }
  /* A different MAC. */
  if (!(how & BIND_OVERRIDE)) {
    /* RFC 4861 section 7.2.5: O clear: keep the MAC, demote REACHABLE. */
    if (eff_state(e, now) == VL2_NEIGH_REACHABLE) {
      e->state = VL2_NEIGH_STALE;
      e->timer = VL2_TSTAMP_NONE;
    }
    return 0;
  }
  if (e->frozen_until != 0) {
    if (e->frozen_until > now) {
      CNT(nb, seg, frozen_blocked);
      return 0;
    }
    thaw_ip(sw, e, now);
  }
  if (sw->cfg.move_threshold != 0) {
    if (e->moves == 0 || now - e->win_start >= sw->cfg.move_window_ns) {
      e->win_start = now;
      e->moves = 0;
    }
    if (++e->moves > sw->cfg.move_threshold) {
      e->frozen_until = now + sw->cfg.move_holddown_ns;
      if (e->frozen_until == 0)
        e->frozen_until = 1;
      e->flags |= VL2_NEIGH_F_FROZEN;
      arm(nb, e->frozen_until);
      CNT(nb, seg, ip_frozen);
      CNT(nb, seg, frozen_blocked);
      vl2_neigh_emit(sw, VL2_EV_NEIGH_FROZEN, 0, vni, family, ip, e->mac, NULL,
                     e->port, now);
      return 0;
    }
  }
  uint8_t old[6];
  memcpy(old, e->mac, 6);
  memcpy(e->mac, mac, 6);
  e->port = port;
  e->state = confirmed ? VL2_NEIGH_REACHABLE : VL2_NEIGH_STALE;
  e->timer = confirmed ? now + sw->cfg.neigh_reachable_ns : VL2_TSTAMP_NONE;
  e->probes = 0;
  e->gc_at = vl2_neigh_gc_time(sw, now);
  CNT(nb, seg, moves);
  vl2_neigh_emit(sw, VL2_EV_NEIGH_MOVED, 0, vni, family, ip, mac, old, port,
                 now);
  return 1;
}

/* What vl2_neigh_bind() would do with the same arguments, changing
 * nothing: a VL2_TRACE_BIND_* value (a trace reports it). */
unsigned vl2_neigh_bind_peek(const vl2_switch *sw, uint32_t seg, uint8_t family,
                             const uint8_t *ip, const uint8_t *mac,
                             unsigned how, vl2_tstamp now) {
  const vl2_neigh_state *nb = sw->neigh;
  if (vl2_mac_is_group(mac) || vl2_mac_is_zero(mac))
    return VL2_TRACE_BIND_NONE;
  const nb_ent *e = vl2_neigh_ent_find(sw, seg, family, ip);
  if (e == NULL || !live(e, now)) {
    uint32_t lim = sw->cfg.max_neigh_per_segment;
    int room = e != NULL ||
               (nb->n_free != 0 && (lim == 0 || nb->segs[seg].count < lim));
    return room ? VL2_TRACE_BIND_NEW : VL2_TRACE_BIND_NONE;
  }
  if (e->flags & VL2_NEIGH_F_STATIC)
    return VL2_TRACE_BIND_NONE;
  if (e->state == VL2_NEIGH_INCOMPLETE || e->state == VL2_NEIGH_FAILED)
    return VL2_TRACE_BIND_NEW;
  if (memcmp(e->mac, mac, 6) == 0)
    return VL2_TRACE_BIND_SAME;
  if (!(how & BIND_OVERRIDE))
    return VL2_TRACE_BIND_NONE;
  if (e->frozen_until != 0 && e->frozen_until > now)
    return VL2_TRACE_BIND_NONE;
  if (sw->cfg.move_threshold != 0) {
    uint32_t moves = e->frozen_until != 0 ? 0 : e->moves; /* thawed */
    if (moves == 0 || now - e->win_start >= sw->cfg.move_window_ns)
      moves = 0;
    if (moves + 1 > sw->cfg.move_threshold)
      return VL2_TRACE_BIND_NONE;
  }
  return VL2_TRACE_BIND_MOVE;
}

/* ------------------------------------------------------------------ */
/* Timers                                                               */

vl2_tstamp vl2_neigh_next_deadline(const vl2_switch *sw) {
  return sw->neigh->next_at;
}

void vl2_neigh_run_timers(vl2_switch *sw, vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  if (nb->next_at == VL2_TSTAMP_NONE || now < nb->next_at)
    return;
  vl2_tstamp exact = VL2_TSTAMP_NONE, gc = VL2_TSTAMP_NONE;
  for (uint32_t i = 0; i < sw->cfg.max_neigh; i++) {
    nb_ent *e = &nb->ent[i];
    if (!e->in_use)
      continue;
    if (!live(e, now)) {
      CNT(nb, e->seg, aged);
      vl2_neigh_emit(sw, VL2_EV_NEIGH_AGED, 0, sw->segs[e->seg].vni, e->family,
                     e->ip, e->mac, NULL, e->port, now);
      vl2_neigh_ent_remove(sw, e);
      continue;
    }
    if (e->frozen_until != 0) {
      if (e->frozen_until <= now)
        thaw_ip(sw, e, now);
      else if (e->frozen_until < exact)
        exact = e->frozen_until;
    }
    if (e->timer <= now)
      vl2_neigh_ent_timer(sw, e, now);
    if (e->timer != VL2_TSTAMP_NONE && e->state != VL2_NEIGH_REACHABLE &&
        e->timer < exact)
      exact = e->timer;
    if (e->gc_at < gc)
      gc = e->gc_at;
  }
  vl2_neigh_dir_run_timers(sw, now, &exact);
  if (gc != VL2_TSTAMP_NONE && gc < now + nb->gc_gran)
    gc = now + nb->gc_gran;
  nb->next_at = exact < gc ? exact : gc;
}

/* ------------------------------------------------------------------ */
/* Control plane                                                        */

void vl2_neigh_segment_gone(vl2_switch *sw, uint32_t seg_idx) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t i = 0; i < sw->cfg.max_neigh; i++)
    if (nb->ent[i].in_use && nb->ent[i].seg == seg_idx)
      vl2_neigh_ent_remove(sw, &nb->ent[i]);
  vl2_neigh_dir_segment_gone(sw, seg_idx);
  memset(&nb->segs[seg_idx], 0, sizeof(nb->segs[seg_idx]));
}

int vl2_neigh_add_static(vl2_switch *sw, const vl2_neigh_entry *e) {
  if (sw == NULL || e == NULL || !vl2_neigh_ip_unicast(&e->ip) ||
      vl2_mac_is_group(e->mac.b) || vl2_mac_is_zero(e->mac.b))
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, e->vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_neigh_state *nb = sw->neigh;
  nb_ent *x = vl2_neigh_ent_find(sw, seg->idx, e->ip.family, e->ip.addr);
  if (x == NULL) {
    x = vl2_neigh_ent_new(sw, seg->idx, e->ip.family, e->ip.addr);
    if (x == NULL)
      return VL2_ERR_LIMIT;
  } else {
    if (x->flags & VL2_NEIGH_F_STATIC)
      nb->n_static--;
  }
  memcpy(x->mac, e->mac.b, 6);
  x->flags = (uint8_t)(VL2_NEIGH_F_STATIC |
                       (e->flags & (VL2_NEIGH_F_ROUTER | VL2_NEIGH_F_EVPN)));
  x->state = VL2_NEIGH_REACHABLE;
  x->timer = VL2_TSTAMP_NONE;
  x->gc_at = VL2_TSTAMP_NONE;
  x->frozen_until = 0;
  x->moves = 0;
  x->probes = 0;
  x->port = e->port;
  nb->n_static++;
  if (x->q_len > 0)
    vl2_neigh_queue_release(sw,
                            x); /* it was resolving: the binding answers it */
  return 0;
}

int vl2_neigh_del(vl2_switch *sw, uint32_t vni, const vl2_ipaddr *ip) {
  if (sw == NULL || ip == NULL)
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL || (ip->family != VL2_AF_INET && ip->family != VL2_AF_INET6))
    return VL2_ERR_NOTFOUND;
  nb_ent *e = vl2_neigh_ent_find(sw, seg->idx, ip->family, ip->addr);
  if (e == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_neigh_ent_remove(sw, e);
  return 0;
}

int vl2_neigh_lookup(const vl2_switch *sw, uint32_t vni, const vl2_ipaddr *ip,
                     vl2_neigh_entry *e, vl2_tstamp now) {
  if (sw == NULL || ip == NULL || e == NULL)
    return VL2_ERR_INVALID;
  if (now < sw->now)
    now = sw->now;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL || (ip->family != VL2_AF_INET && ip->family != VL2_AF_INET6))
    return VL2_ERR_NOTFOUND;
  const nb_ent *x = vl2_neigh_ent_find(sw, seg->idx, ip->family, ip->addr);
  if (x == NULL || !live(x, now))
    return VL2_ERR_NOTFOUND;
  ent_to_public(sw, x, e, now);
  return 0;
}

int vl2_neigh_next(const vl2_switch *sw, uint64_t *cursor, vl2_neigh_entry *e,
                   vl2_tstamp now) {
  if (sw == NULL || cursor == NULL || e == NULL)
    return 0;
  if (now < sw->now)
    now = sw->now;
  const vl2_neigh_state *nb = sw->neigh;
  for (uint64_t i = *cursor; i < sw->cfg.max_neigh; i++) {
    const nb_ent *x = &nb->ent[i];
    if (x->in_use && live(x, now)) {
      ent_to_public(sw, x, e, now);
      *cursor = i + 1;
      return 1;
    }
  }
  *cursor = sw->cfg.max_neigh;
  return 0;
}

vl2_ssize vl2_neigh_flush(vl2_switch *sw, uint32_t vni, unsigned which) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  uint32_t si = UINT32_MAX;
  if (vni != VL2_NEIGH_ALL_SEGMENTS) {
    const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
    if (seg == NULL)
      return VL2_ERR_NOTFOUND;
    si = seg->idx;
  }
  vl2_neigh_state *nb = sw->neigh;
  vl2_ssize n = 0;
  for (uint32_t i = 0; i < sw->cfg.max_neigh; i++) {
    nb_ent *e = &nb->ent[i];
    if (!e->in_use || (si != UINT32_MAX && e->seg != si))
      continue;
    unsigned sel = (e->flags & VL2_NEIGH_F_STATIC) ? VL2_NEIGH_FLUSH_STATIC
                                                   : VL2_NEIGH_FLUSH_DYNAMIC;
    if (which & sel) {
      vl2_neigh_ent_remove(sw, e);
      n++;
    }
  }
  return n;
}

size_t vl2_neigh_count(const vl2_switch *sw) {
  return sw != NULL ? sw->cfg.max_neigh - sw->neigh->n_free : 0;
}

/* The counters vl2_neigh_stats reports for the originated-frame queue
 * (vl2_txq.c) and MAC move dampening (vl2_fdb.c). */
static void add_other_stages(vl2_neigh_stats *st, const vl2_txq_stats *q,
                             const vl2_fdb_move_stats *m) {
  st->tx_overflow += q->tx_overflow;
  st->tx_queued += q->tx_queued;
  st->tx_polled += q->tx_polled;
  st->tx_dropped += q->tx_dropped;
  st->mac_frozen += m->mac_frozen;
  st->frozen_blocked += m->frozen_blocked;
  st->thawed += m->thawed;
}

int vl2_neigh_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                  size_t st_size, vl2_neigh_stats *st) {
  if (sw == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  const vl2_neigh_state *nb = sw->neigh;
  vl2_neigh_stats full;
  if (vni == VL2_NEIGH_ALL_SEGMENTS) {
    full = nb->st;
    full.entries = sw->cfg.max_neigh - nb->n_free;
    full.entries_static = nb->n_static;
    add_other_stages(&full, &sw->txq.st, &sw->moves.st);
    vl2_stats_copy(st, st_size, &full, sizeof(full));
    return 0;
  }
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  full = nb->segs[seg->idx].st;
  full.entries = nb->segs[seg->idx].count;
  add_other_stages(&full, &sw->txq.seg_st[seg->idx], &seg->mst);
  uint64_t ns = 0;
  for (uint32_t i = 0; i < sw->cfg.max_neigh; i++)
    if (nb->ent[i].in_use && nb->ent[i].seg == seg->idx &&
        (nb->ent[i].flags & VL2_NEIGH_F_STATIC))
      ns++;
  full.entries_static = ns;
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Directory mode (VL2 section 4.2.1): an ARP/ND miss in a directory
 * segment becomes a VL2_EV_NEIGH_LOOKUP event; vl2_neigh_dir_answer()
 * binds and answers every host that asked, or refuses (access control);
 * unanswered lookups time out.
 *
 * Where it fits: called by suppression on a miss and by the stage's
 * timers; pending lookups are bounded by cfg.dir_max_pending.
 */
#include "vl2_neigh_int.h"

#include <string.h>

#include "vl2_wire.h"

/* ------------------------------------------------------------------ */
/* Directory mode                                                       */

static dir_pend *dir_find(const vl2_switch *sw, uint32_t seg, uint8_t family,
                          const uint8_t *ip) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++) {
    dir_pend *d = &nb->dir[i];
    if (d->in_use && d->seg == seg && d->family == family &&
        memcmp(d->ip, ip, 16) == 0)
      return d;
  }
  return NULL;
}

/* A request for |tip| from |asker| on |port| missed in directory mode. */
int vl2_neigh_dir_ask(vl2_switch *sw, uint32_t seg, uint8_t family,
                      const uint8_t *tip, uint32_t port,
                      const uint8_t *asker_mac, const uint8_t *asker_ip,
                      vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  dir_pend *d = dir_find(sw, seg, family, tip);
  if (d != NULL) {
    for (uint32_t i = 0; i < d->n_ask; i++) {
      if (d->ask[i].port == port && memcmp(d->ask[i].mac, asker_mac, 6) == 0 &&
          memcmp(d->ask[i].ip, asker_ip, 16) == 0) {
        CNT(nb, seg, dir_dedup);
        return VL2_NB_CONSUME;
      }
    }
    if (d->n_ask == DIR_ASKERS) {
      CNT(nb, seg, dir_full);
      return VL2_NB_DROP;
    }
    CNT(nb, seg, dir_dedup);
  } else {
    for (uint32_t i = 0; i < sw->cfg.dir_max_pending && d == NULL; i++)
      if (!nb->dir[i].in_use)
        d = &nb->dir[i];
    if (d == NULL) {
      CNT(nb, seg, dir_full);
      return VL2_NB_DROP;
    }
    memset(d, 0, sizeof(*d));
    d->in_use = 1;
    d->family = family;
    d->seg = seg;
    d->vni = sw->segs[seg].vni;
    memcpy(d->ip, tip, 16);
    d->expires = now + sw->cfg.dir_timeout_ns;
    arm(nb, d->expires);
    CNT(nb, seg, dir_lookups);
    vl2_neigh_emit(sw, VL2_EV_NEIGH_LOOKUP, 0, d->vni, family, tip, asker_mac,
                   NULL, port, now);
  }
  dir_asker *a = &d->ask[d->n_ask++];
  a->port = port;
  memcpy(a->mac, asker_mac, 6);
  memcpy(a->ip, asker_ip, 16);
  return VL2_NB_CONSUME;
}

int vl2_neigh_dir_peek(const vl2_switch *sw, uint32_t seg, uint8_t family,
                       const uint8_t *tip, uint32_t port,
                       const uint8_t *asker_mac, const uint8_t *asker_ip) {
  const vl2_neigh_state *nb = sw->neigh;
  const dir_pend *d = dir_find(sw, seg, family, tip);
  if (d != NULL) {
    for (uint32_t i = 0; i < d->n_ask; i++)
      if (d->ask[i].port == port && memcmp(d->ask[i].mac, asker_mac, 6) == 0 &&
          memcmp(d->ask[i].ip, asker_ip, 16) == 0)
        return VL2_NB_CONSUME;
    return d->n_ask == DIR_ASKERS ? VL2_NB_DROP : VL2_NB_CONSUME;
  }
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++)
    if (!nb->dir[i].in_use)
      return VL2_NB_CONSUME;
  return VL2_NB_DROP;
}

vl2_ssize vl2_neigh_dir_answer(vl2_switch *sw, uint32_t vni,
                               const vl2_ipaddr *ip, const vl2_mac *mac,
                               vl2_tstamp now) {
  if (sw == NULL || ip == NULL ||
      (mac != NULL && (vl2_mac_is_group(mac->b) || vl2_mac_is_zero(mac->b))))
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL || (ip->family != VL2_AF_INET && ip->family != VL2_AF_INET6))
    return VL2_ERR_NOTFOUND;
  vl2_neigh_state *nb = sw->neigh;
  dir_pend *d = dir_find(sw, seg->idx, ip->family, ip->addr);
  if (d == NULL || d->expires <= now)
    return VL2_ERR_NOTFOUND; /* a late answer: the sweep counts the timeout */
  d->in_use = 0;
  if (mac == NULL) {
    CNT(nb, seg->idx, dir_refused);
    return 0;
  }
  CNT(nb, seg->idx, dir_answered);
  vl2_neigh_bind(sw, seg->idx, ip->family, ip->addr, mac->b, VL2_PORT_REMOTE,
                 BIND_CONFIRMED | BIND_OVERRIDE | BIND_DIRECTORY, now);
  nb_ent *e = vl2_neigh_ent_find(sw, seg->idx, ip->family, ip->addr);
  /* Answer with the cached binding, or (table full, frozen) the given one. */
  nb_ent tmp;
  if (e == NULL) {
    memset(&tmp, 0, sizeof(tmp));
    tmp.seg = seg->idx;
    tmp.family = ip->family;
    memcpy(tmp.ip, ip->addr, 16);
    memcpy(tmp.mac, mac->b, 6);
  }
  const nb_ent *src = e != NULL ? e : &tmp;
  vl2_ssize n = 0;
  for (uint32_t i = 0; i < d->n_ask; i++) {
    const dir_asker *a = &d->ask[i];
    if (vl2_neigh_queue_reply(sw, src, a->port, a->mac, a->ip)) {
      CNT(nb, seg->idx, req_answered);
      n++;
    }
  }
  return e != NULL ? n : VL2_ERR_LIMIT;
}

void vl2_neigh_dir_run_timers(vl2_switch *sw, vl2_tstamp now,
                              vl2_tstamp *next) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++) {
    dir_pend *d = &nb->dir[i];
    if (!d->in_use)
      continue;
    if (d->expires <= now) {
      d->in_use = 0;
      CNT(nb, d->seg, dir_timeouts);
      vl2_neigh_emit(sw, VL2_EV_NEIGH_LOOKUP_TIMEOUT, 0, d->vni, d->family,
                     d->ip, NULL, NULL, 0, now);
    } else if (d->expires < *next) {
      *next = d->expires;
    }
  }
}

void vl2_neigh_dir_segment_gone(vl2_switch *sw, uint32_t seg) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++)
    if (nb->dir[i].in_use && nb->dir[i].seg == seg)
      nb->dir[i].in_use = 0;
}

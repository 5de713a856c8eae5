/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Neighbours: the per-segment IP -> MAC table (ARP, RFC 826; ND, RFC
 * 4861), snooping, suppression, the resolver with its wait queues, move
 * dampening, directory mode (VL2 section 4.2.1), the spoof guard, and the
 * output queue drained by vl2_switch_poll_tx().
 *
 * Where it fits: vl2_switch.c calls vl2_neigh_input() for ARP, RARP and
 * IPv6 frames (never for IPv4), vl2_neigh_mac_move_ok() when a MAC would
 * move, and the timer hooks. Every table and buffer is allocated in
 * vl2_neigh_init(); nothing allocates afterwards.
 */
#include "vl2_neigh.h" /* own header first: proves it is self-contained */

#include <stdint.h>
#include <string.h>

#include <vl2/vlan.h>

#include "vl2_mem.h"
#include "vl2_wire.h"

/* RFC 4861 section 10: DELAY_FIRST_PROBE_TIME. */
#define DELAY_FIRST_PROBE_NS (5 * VL2_SEC)
/* Hosts one directory lookup answers at most. */
#define DIR_ASKERS 8
#define NB_NONE UINT32_MAX

#define ARP_LEN 28
#define IP6_HLEN 40
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define NA_F_ROUTER 0x80u
#define NA_F_SOLICITED 0x40u
#define NA_F_OVERRIDE 0x20u

/* Output item destinations. */
enum { TO_PORT = 0, TO_FLOOD = 1, TO_MAC = 2, TO_REMOTE = 3 };
/* Buffer classes: generated (tx_queue_cap) or waiting (neigh_queue_max). */
enum { BUF_GEN = 0, BUF_WAIT = 1 };

typedef struct nb_ent {
  uint32_t seg; /* segment index */
  uint8_t in_use;
  uint8_t family;
  uint8_t state;
  uint8_t flags; /* VL2_NEIGH_F_* */
  uint8_t ip[16];
  uint8_t mac[6];
  uint8_t src[6]; /* resolver: source MAC of its requests */
  uint32_t port;
  uint32_t q_head, q_tail; /* wait queue (buffer indices), NB_NONE */
  uint32_t q_len;
  uint32_t probes; /* requests sent in this state */
  uint32_t moves;  /* rebinds in the dampening window */
  uint32_t reserved;
  vl2_tstamp timer;        /* REACHABLE: until; INCOMPLETE/PROBE: next
                              retransmission; DELAY: first probe */
  vl2_tstamp gc_at;        /* reclaimed then; NONE: never */
  vl2_tstamp win_start;    /* dampening window start */
  vl2_tstamp frozen_until; /* 0: not frozen */
} nb_ent;

typedef struct nb_seg {
  uint32_t count; /* entries of the segment */
  uint32_t has_gw;
  vl2_neigh_gateway gw;
  vl2_neigh_stats st;
} nb_seg;

typedef struct tx_item {
  uint32_t buf;
  uint32_t seg;
  uint32_t vni;
  uint32_t port;   /* TO_PORT */
  uint32_t remote; /* TO_REMOTE */
  uint32_t cursor; /* TO_FLOOD: next member (ports, then remotes) */
  uint32_t emitted;
  uint32_t flood_flag; /* VL2_PORT_F_FLOOD_* a port needs */
  uint16_t kind;
  uint8_t mode;
  uint8_t reserved;
} tx_item;

typedef struct dir_asker {
  uint32_t port;
  uint8_t mac[6];
  uint8_t reserved[2];
  uint8_t ip[16];
} dir_asker;

typedef struct dir_pend {
  uint8_t in_use;
  uint8_t family;
  uint16_t n_ask;
  uint32_t seg;
  uint32_t vni;
  uint8_t ip[16];
  vl2_tstamp expires;
  dir_asker ask[DIR_ASKERS];
} dir_pend;

/* A MAC's move tracker (4-way set-associative; key as the FDB's). */
typedef struct mt_ent {
  uint64_t key; /* 0: empty */
  vl2_tstamp win_start;
  vl2_tstamp frozen_until; /* 0: not frozen */
  uint32_t count;
  uint32_t reserved;
} mt_ent;

struct vl2_neigh_state {
  nb_ent *ent;   /* [max_neigh] */
  uint32_t *map; /* open addressing: entry index + 1, 0 = empty */
  size_t map_mask;
  uint32_t *free_ent; /* stack of free entry indices */
  uint32_t n_free;
  uint32_t n_static;
  nb_seg *segs; /* [max_segments] */

  uint8_t *buf; /* n_buf buffers of buf_sz bytes */
  size_t buf_sz;
  uint32_t n_buf;
  uint32_t *buf_len;
  uint32_t *buf_next; /* wait-queue links */
  uint8_t *buf_class; /* BUF_* */
  uint32_t *free_buf; /* stack */
  uint32_t n_free_buf;
  uint32_t gen_used, wait_used;

  tx_item *txq; /* ring of n_buf items */
  uint32_t tx_head, tx_len;

  dir_pend *dir; /* [dir_max_pending] */

  mt_ent *mt; /* (mt_mask + 1) * 4 trackers */
  size_t mt_mask;

  vl2_tstamp next_at; /* earliest deadline (may be early), or NONE */
  vl2_duration gc_gran;
  vl2_neigh_stats st; /* switch-wide */
};

/* Count |field| in the switch-wide and the segment's counters. */
#define CNT(nb, segidx, field)                                                 \
  do {                                                                         \
    (nb)->st.field++;                                                          \
    (nb)->segs[(segidx)].st.field++;                                           \
  } while (0)

static inline size_t ip_len(uint8_t family) {
  return family == VL2_AF_INET ? 4 : 16;
}

static inline void arm(vl2_neigh_state *nb, vl2_tstamp t) {
  if (t < nb->next_at)
    nb->next_at = t;
}

static inline int live(const nb_ent *e, vl2_tstamp now) {
  return e->gc_at == VL2_TSTAMP_NONE || e->gc_at > now;
}

/* The state as of |now| (REACHABLE lapses into STALE lazily). */
static inline uint8_t eff_state(const nb_ent *e, vl2_tstamp now) {
  if (e->state == VL2_NEIGH_REACHABLE && !(e->flags & VL2_NEIGH_F_STATIC) &&
      e->timer <= now)
    return VL2_NEIGH_STALE;
  return e->state;
}

/* Has a MAC usable to send to or answer with. */
static inline int usable(uint8_t state) {
  return state == VL2_NEIGH_REACHABLE || state == VL2_NEIGH_STALE ||
         state == VL2_NEIGH_DELAY || state == VL2_NEIGH_PROBE;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                               */

int vl2_neigh_config_check(const vl2_switch_config *c) {
  if (c->max_neigh == 0 || c->max_neigh > (1u << 24) ||
      c->neigh_retrans_ns < VL2_MS || c->neigh_max_retries == 0 ||
      c->neigh_max_retries > 32 || c->neigh_queue_per_entry == 0 ||
      c->neigh_queue_max == 0 || c->neigh_queue_max > (1u << 20) ||
      c->neigh_mtu < 68 || c->neigh_mtu > 65535 || c->tx_queue_cap == 0 ||
      c->tx_queue_cap > (1u << 20) || c->move_track_max < 4 ||
      c->move_track_max > (1u << 24) || c->dir_max_pending == 0 ||
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
  vl2_mem_free(m, nb->buf);
  vl2_mem_free(m, nb->buf_len);
  vl2_mem_free(m, nb->buf_next);
  vl2_mem_free(m, nb->buf_class);
  vl2_mem_free(m, nb->free_buf);
  vl2_mem_free(m, nb->txq);
  vl2_mem_free(m, nb->dir);
  vl2_mem_free(m, nb->mt);
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
  size_t mcap = 16;
  while (mcap < (size_t)c->max_neigh * 2)
    mcap <<= 1;
  nb->map_mask = mcap - 1;
  nb->buf_sz = ((size_t)c->neigh_mtu + VL2_ETH_HLEN + 7) & ~(size_t)7;
  if (nb->buf_sz < 128)
    nb->buf_sz = 128;
  nb->n_buf = c->tx_queue_cap + c->neigh_queue_max;
  size_t sets = 1;
  while (sets * 4 < c->move_track_max)
    sets <<= 1;
  nb->mt_mask = sets - 1;

  nb->ent = vl2_mem_calloc(m, c->max_neigh, sizeof(*nb->ent));
  nb->map = vl2_mem_calloc(m, mcap, sizeof(*nb->map));
  nb->free_ent = vl2_mem_calloc(m, c->max_neigh, sizeof(uint32_t));
  nb->segs = vl2_mem_calloc(m, c->max_segments, sizeof(*nb->segs));
  nb->buf = vl2_mem_malloc(m, (size_t)nb->n_buf * nb->buf_sz);
  nb->buf_len = vl2_mem_calloc(m, nb->n_buf, sizeof(uint32_t));
  nb->buf_next = vl2_mem_calloc(m, nb->n_buf, sizeof(uint32_t));
  nb->buf_class = vl2_mem_calloc(m, nb->n_buf, 1);
  nb->free_buf = vl2_mem_calloc(m, nb->n_buf, sizeof(uint32_t));
  nb->txq = vl2_mem_calloc(m, nb->n_buf, sizeof(*nb->txq));
  nb->dir = vl2_mem_calloc(m, c->dir_max_pending, sizeof(*nb->dir));
  nb->mt = vl2_mem_calloc(m, sets * 4, sizeof(*nb->mt));
  if (nb->ent == NULL || nb->map == NULL || nb->free_ent == NULL ||
      nb->segs == NULL || nb->buf == NULL || nb->buf_len == NULL ||
      nb->buf_next == NULL || nb->buf_class == NULL || nb->free_buf == NULL ||
      nb->txq == NULL || nb->dir == NULL || nb->mt == NULL) {
    vl2_neigh_fini(sw);
    return VL2_ERR_NOMEM;
  }
  for (uint32_t i = 0; i < c->max_neigh; i++)
    nb->free_ent[i] = c->max_neigh - 1 - i;
  nb->n_free = c->max_neigh;
  for (uint32_t i = 0; i < nb->n_buf; i++)
    nb->free_buf[i] = nb->n_buf - 1 - i;
  nb->n_free_buf = nb->n_buf;
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

static inline int ent_match(const nb_ent *e, uint32_t seg, uint8_t family,
                            const uint8_t *ip) {
  return e->seg == seg && e->family == family && memcmp(e->ip, ip, 16) == 0;
}

/* The map slot for the key: 0 there means absent (insert here). |ip| is
 * 16 bytes (IPv4 zero-padded). */
static size_t map_slot(const vl2_switch *sw, uint32_t seg, uint8_t family,
                       const uint8_t *ip) {
  const vl2_neigh_state *nb = sw->neigh;
  size_t i = ip_hash(sw, seg, family, ip);
  for (;;) {
    uint32_t v = nb->map[i];
    if (v == 0 || ent_match(&nb->ent[v - 1], seg, family, ip))
      return i;
    i = (i + 1) & nb->map_mask;
  }
}

static nb_ent *ent_find(const vl2_switch *sw, uint32_t seg, uint8_t family,
                        const uint8_t *ip) {
  uint32_t v = sw->neigh->map[map_slot(sw, seg, family, ip)];
  return v != 0 ? &sw->neigh->ent[v - 1] : NULL;
}

static void buf_put(vl2_neigh_state *nb, uint32_t b) {
  if (nb->buf_class[b] == BUF_GEN)
    nb->gen_used--;
  else
    nb->wait_used--;
  nb->free_buf[nb->n_free_buf++] = b;
}

static uint32_t buf_get(vl2_switch *sw, uint8_t cls) {
  vl2_neigh_state *nb = sw->neigh;
  if (cls == BUF_GEN ? nb->gen_used >= sw->cfg.tx_queue_cap
                     : nb->wait_used >= sw->cfg.neigh_queue_max)
    return NB_NONE;
  if (nb->n_free_buf == 0)
    return NB_NONE; /* cannot happen: n_buf covers both classes */
  uint32_t b = nb->free_buf[--nb->n_free_buf];
  nb->buf_class[b] = cls;
  nb->buf_next[b] = NB_NONE;
  nb->buf_len[b] = 0;
  if (cls == BUF_GEN)
    nb->gen_used++;
  else
    nb->wait_used++;
  return b;
}

static inline uint8_t *buf_at(const vl2_neigh_state *nb, uint32_t b) {
  return nb->buf + (size_t)b * nb->buf_sz;
}

/* Drop an entry's wait queue; returns the packets dropped. */
static uint32_t queue_drop(vl2_neigh_state *nb, nb_ent *e) {
  uint32_t n = 0;
  for (uint32_t b = e->q_head; b != NB_NONE;) {
    uint32_t next = nb->buf_next[b];
    buf_put(nb, b);
    b = next;
    n++;
  }
  e->q_head = e->q_tail = NB_NONE;
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

static void emit_nb(vl2_switch *sw, uint16_t type, uint16_t reason,
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
static void ent_remove(vl2_switch *sw, nb_ent *e) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t n = queue_drop(nb, e);
  if (n != 0) {
    nb->st.queue_drops_flushed += n;
    nb->segs[e->seg].st.queue_drops_flushed += n;
  }
  /* Backward-shift deletion from the map. */
  size_t hole = map_slot(sw, e->seg, e->family, e->ip);
  size_t j = hole;
  for (;;) {
    j = (j + 1) & nb->map_mask;
    uint32_t v = nb->map[j];
    if (v == 0)
      break;
    const nb_ent *o = &nb->ent[v - 1];
    size_t home = ip_hash(sw, o->seg, o->family, o->ip);
    if (vl2_probe_stays(hole, j, home))
      continue;
    nb->map[hole] = v;
    hole = j;
  }
  nb->map[hole] = 0;
  nb->segs[e->seg].count--;
  if (e->flags & VL2_NEIGH_F_STATIC)
    nb->n_static--;
  e->in_use = 0;
  nb->free_ent[nb->n_free++] = (uint32_t)(e - nb->ent);
}

/* Create an entry for the key, or NULL when a limit is reached. */
static nb_ent *ent_new(vl2_switch *sw, uint32_t seg, uint8_t family,
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
  e->q_head = e->q_tail = NB_NONE;
  e->timer = VL2_TSTAMP_NONE;
  e->gc_at = VL2_TSTAMP_NONE;
  nb->map[slot] = idx + 1;
  nb->segs[seg].count++;
  return e;
}

/* Look up a live entry (expired ones are reclaimed on the way, with an
 * AGED event, unless |keep| is set for const callers). */
static nb_ent *ent_lookup(vl2_switch *sw, uint32_t seg, uint8_t family,
                          const uint8_t *ip, vl2_tstamp now) {
  nb_ent *e = ent_find(sw, seg, family, ip);
  if (e != NULL && !live(e, now)) {
    CNT(sw->neigh, seg, aged);
    emit_nb(sw, VL2_EV_NEIGH_AGED, 0, sw->segs[seg].vni, e->family, e->ip,
            e->mac, NULL, e->port, now);
    ent_remove(sw, e);
    e = NULL;
  }
  return e;
}

static vl2_tstamp gc_time(const vl2_switch *sw, vl2_tstamp now) {
  return sw->cfg.neigh_ageing_ns != 0 ? now + sw->cfg.neigh_ageing_ns
                                      : VL2_TSTAMP_NONE;
}

/* ------------------------------------------------------------------ */
/* Output queue                                                         */

static void tx_push(vl2_switch *sw, uint32_t b, uint32_t seg, uint16_t kind,
                    uint8_t mode, uint32_t port, uint32_t flood_flag) {
  vl2_neigh_state *nb = sw->neigh;
  /* The ring holds n_buf items and every item owns a buffer: no overflow. */
  tx_item *it = &nb->txq[(nb->tx_head + nb->tx_len) % nb->n_buf];
  memset(it, 0, sizeof(*it));
  it->buf = b;
  it->seg = seg;
  it->vni = sw->segs[seg].vni;
  it->port = port;
  it->kind = kind;
  it->mode = mode;
  it->flood_flag = flood_flag;
  nb->tx_len++;
  CNT(nb, seg, tx_queued);
}

static void tx_pop(vl2_neigh_state *nb) {
  buf_put(nb, nb->txq[nb->tx_head].buf);
  nb->tx_head = (nb->tx_head + 1) % nb->n_buf;
  nb->tx_len--;
}

int vl2_neigh_tx_flood(vl2_switch *sw, uint32_t seg_idx, uint16_t kind,
                       const uint8_t *frame, size_t len) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t b = len <= nb->buf_sz ? buf_get(sw, BUF_GEN) : NB_NONE;
  if (b == NB_NONE) {
    CNT(nb, seg_idx, tx_overflow);
    return VL2_ERR_NOBUF;
  }
  memcpy(buf_at(nb, b), frame, len);
  nb->buf_len[b] = (uint32_t)len;
  tx_push(sw, b, seg_idx, kind, TO_FLOOD, 0, VL2_PORT_F_FLOOD_MCAST);
  return 0;
}

/* The port's VLAN for the segment and whether frames to it carry a tag. */
static int port_tag(const vl2_port *p, uint32_t seg, vl2_vid *vid) {
  *vid = p->seg2vid[seg];
  return p->mode == VL2_PORT_TRUNK && *vid != p->pvid;
}

vl2_ssize vl2_switch_poll_tx(vl2_switch *sw, uint8_t *buf, size_t cap,
                             vl2_tx_meta *meta, vl2_tstamp now) {
  if (sw == NULL || buf == NULL || meta == NULL)
    return VL2_ERR_INVALID;
  if (now > sw->now)
    sw->now = now;
  now = sw->now;
  vl2_neigh_state *nb = sw->neigh;
  while (nb->tx_len > 0) {
    tx_item *it = &nb->txq[nb->tx_head];
    const vl2_segment *seg = &sw->segs[it->seg];
    if (!seg->in_use || seg->vni != it->vni) {
      nb->st.tx_dropped++;
      tx_pop(nb);
      continue;
    }
    const uint8_t *fr = buf_at(nb, it->buf);
    uint32_t flen = nb->buf_len[it->buf];
    if (it->mode == TO_MAC) {
      /* Resolve the destination MAC through the FDB now. */
      it->mode = TO_FLOOD;
      it->flood_flag = VL2_PORT_F_FLOOD_UNKNOWN;
      if (!vl2_mac_is_group(fr)) {
        const vl2_fdb_slot *s =
            vl2_fdb_find(&sw->fdb, vl2_fdb_key(seg->idx, vl2_mac_to_u64(fr)));
        if (s != NULL && (s->expires == VL2_TSTAMP_NONE || s->expires > now)) {
          if (s->dest & VL2_FDB_DEST_REMOTE) {
            it->mode = TO_REMOTE;
            it->remote = s->dest & ~VL2_FDB_DEST_REMOTE;
          } else {
            it->mode = TO_PORT;
            it->port = s->dest;
          }
        }
      } else {
        it->flood_flag = vl2_mac_is_bcast(fr) ? VL2_PORT_F_FLOOD_BCAST
                                              : VL2_PORT_F_FLOOD_MCAST;
      }
    }
    /* Find this item's next destination. */
    vl2_dest d;
    memset(&d, 0, sizeof(d));
    d.vni = seg->vni;
    int found = 0, last = 1;
    uint32_t next_cursor = it->cursor;
    if (it->mode == TO_PORT) {
      const vl2_port *p =
          it->port < sw->cfg.max_ports ? &sw->ports[it->port] : NULL;
      if (p != NULL && p->in_use && p->seg2vid[seg->idx] != 0) {
        found = 1;
        d.type = VL2_DEST_PORT;
        d.port = it->port;
      }
    } else if (it->mode == TO_REMOTE) {
      if (sw->remotes[it->remote].in_use) {
        found = 1;
        d.type = VL2_DEST_REMOTE;
        d.port = VL2_PORT_REMOTE;
        d.remote_id = it->remote;
        d.remote = sw->remotes[it->remote].addr;
      }
    } else {
      last = 0;
      uint32_t n = seg->n_ports + seg->n_remotes;
      for (uint32_t i = it->cursor; i < n; i++) {
        if (i < seg->n_ports) {
          uint32_t q = seg->ports[i];
          if (!(sw->ports[q].flags & it->flood_flag))
            continue;
          d.type = VL2_DEST_PORT;
          d.port = q;
        } else {
          uint32_t r = seg->remotes[i - seg->n_ports];
          d.type = VL2_DEST_REMOTE;
          d.port = VL2_PORT_REMOTE;
          d.remote_id = r;
          d.remote = sw->remotes[r].addr;
        }
        found = 1;
        next_cursor = i + 1;
        break;
      }
    }
    if (!found) {
      if (it->emitted == 0)
        CNT(nb, it->seg, tx_dropped);
      tx_pop(nb);
      continue;
    }
    int tagged = 0;
    if (d.type == VL2_DEST_PORT) {
      const vl2_port *p = &sw->ports[d.port];
      tagged = port_tag(p, seg->idx, &d.vid);
      d.tpid = tagged ? p->tpid : 0;
      if (!tagged)
        d.vid = 0;
    }
    size_t out_len = flen + (tagged ? VL2_VLAN_TAG_LEN : 0);
    meta->len = (uint32_t)out_len;
    if (out_len > cap)
      return VL2_ERR_NOBUF;
    d.edit = VL2_EDIT_KEEP;
    if (d.type == VL2_DEST_REMOTE && sw->has_overlay)
      d.udp_sport = vl2_vxlan_sport(fr, flen, sw->overlay.hash_seed,
                                    sw->overlay.sport_lo, sw->overlay.sport_hi);
    if (tagged) {
      memcpy(buf, fr, 12);
      vl2_store_be16(buf + 12, d.tpid);
      vl2_store_be16(buf + 14, d.vid);
      memcpy(buf + 16, fr + 12, flen - 12);
    } else {
      memcpy(buf, fr, flen);
    }
    meta->kind = it->kind;
    meta->flags = it->mode == TO_FLOOD ? VL2_TX_F_FLOOD : 0;
    meta->vni = seg->vni;
    meta->reserved = 0;
    meta->dest = d;
    CNT(nb, it->seg, tx_polled);
    it->emitted++;
    it->cursor = next_cursor;
    if (last)
      tx_pop(nb);
    return (vl2_ssize)out_len;
  }
  return 0;
}

/* ------------------------------------------------------------------ */
/* Frame builders                                                       */

static const uint8_t mac_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t mac_zero[6] = {0};
static const uint8_t ip6_all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                          0,    0,    0, 0, 0, 0, 0, 1};

static size_t eth_hdr(uint8_t *b, const uint8_t *dst, const uint8_t *src,
                      uint16_t et) {
  memcpy(b, dst, 6);
  memcpy(b + 6, src, 6);
  vl2_store_be16(b + 12, et);
  return VL2_ETH_HLEN;
}

/* RFC 826 packet: Ethernet hardware (1), IPv4 protocol. */
static size_t arp_build(uint8_t *b, uint16_t op, const uint8_t *eth_dst,
                        const uint8_t *sha, const uint8_t *spa,
                        const uint8_t *tha, const uint8_t *tpa) {
  size_t o = eth_hdr(b, eth_dst, sha, VL2_ETH_P_ARP);
  vl2_store_be16(b + o, 1);
  vl2_store_be16(b + o + 2, VL2_ETH_P_IPV4);
  b[o + 4] = 6;
  b[o + 5] = 4;
  vl2_store_be16(b + o + 6, op);
  memcpy(b + o + 8, sha, 6);
  memcpy(b + o + 14, spa, 4);
  memcpy(b + o + 18, tha, 6);
  memcpy(b + o + 24, tpa, 4);
  return o + ARP_LEN;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += vl2_load_be16(p + i);
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

/* ICMPv6 checksum (RFC 4443 section 2.3) over the IPv6 pseudo-header
 * (RFC 8200 section 8.1) and |icmp|. */
static uint16_t icmp6_csum(const uint8_t *src, const uint8_t *dst,
                           const uint8_t *icmp, size_t len) {
  uint32_t sum = 0;
  sum = csum_add(sum, src, 16);
  sum = csum_add(sum, dst, 16);
  sum += (uint32_t)(len >> 16) + (uint32_t)(len & 0xffff);
  sum += 58;
  sum = csum_add(sum, icmp, len);
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* An ND message (RFC 4861 sections 4.3, 4.4): IPv6 header with hop limit
 * 255, ICMPv6 |type| with |flags| (NA) and |target|, and a link-layer
 * address option of |opt_type| carrying |lladdr| when it is non-NULL. */
static size_t nd_build(uint8_t *b, const uint8_t *eth_dst,
                       const uint8_t *eth_src, const uint8_t *ip_src,
                       const uint8_t *ip_dst, uint8_t type, uint8_t flags,
                       const uint8_t *target, uint8_t opt_type,
                       const uint8_t *lladdr) {
  size_t o = eth_hdr(b, eth_dst, eth_src, VL2_ETH_P_IPV6);
  uint16_t plen = (uint16_t)(24 + (lladdr != NULL ? 8 : 0));
  uint8_t *ip = b + o;
  vl2_store_be32(ip, 0x60000000u);
  vl2_store_be16(ip + 4, plen);
  ip[6] = 58;
  ip[7] = 255;
  memcpy(ip + 8, ip_src, 16);
  memcpy(ip + 24, ip_dst, 16);
  uint8_t *ic = ip + IP6_HLEN;
  memset(ic, 0, plen);
  ic[0] = type;
  ic[4] = flags;
  memcpy(ic + 8, target, 16);
  if (lladdr != NULL) {
    ic[24] = opt_type;
    ic[25] = 1;
    memcpy(ic + 26, lladdr, 6);
  }
  vl2_store_be16(ic + 2, icmp6_csum(ip_src, ip_dst, ic, plen));
  return o + IP6_HLEN + plen;
}

/* Queue a reply for the host |asker_mac| / |asker_ip| on |port| about
 * |e|. 1 when queued, 0 when the output queue is full (counted). */
static int queue_reply(vl2_switch *sw, const nb_ent *e, uint32_t port,
                       const uint8_t *asker_mac, const uint8_t *asker_ip) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t b = buf_get(sw, BUF_GEN);
  if (b == NB_NONE) {
    CNT(nb, e->seg, tx_overflow);
    return 0;
  }
  uint8_t *f = buf_at(nb, b);
  size_t len;
  uint16_t kind;
  if (e->family == VL2_AF_INET) {
    /* RFC 826: swap, fill in the target's hardware address, op reply. */
    len = arp_build(f, 2, asker_mac, e->mac, e->ip, asker_mac, asker_ip);
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
    len = nd_build(f, asker_mac, e->mac, e->ip, dad ? ip6_all_nodes : asker_ip,
                   ICMP6_NA, fl, e->ip, ND_OPT_TLLA, e->mac);
    kind = VL2_TX_NA;
  }
  nb->buf_len[b] = (uint32_t)len;
  tx_push(sw, b, e->seg, kind, TO_PORT, port, 0);
  return 1;
}

/* Send the resolver's request for |e|: broadcast ARP / solicited-node NS,
 * or a unicast probe to the cached MAC. */
static void solicit(vl2_switch *sw, nb_ent *e, int unicast) {
  vl2_neigh_state *nb = sw->neigh;
  CNT(nb, e->seg, res_solicits);
  uint32_t b = buf_get(sw, BUF_GEN);
  if (b == NB_NONE) {
    CNT(nb, e->seg, tx_overflow);
    return;
  }
  const nb_seg *sg = &nb->segs[e->seg];
  uint8_t *f = buf_at(nb, b);
  size_t len;
  uint16_t kind;
  if (e->family == VL2_AF_INET) {
    static const uint8_t any4[4] = {0};
    const uint8_t *spa =
        sg->has_gw && sg->gw.ip4.family == VL2_AF_INET ? sg->gw.ip4.addr : any4;
    len = arp_build(f, 1, unicast ? e->mac : mac_bcast, e->src, spa, mac_zero,
                    e->ip);
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
    len = nd_build(f, dst_mac, e->src, src_ip, dst_ip, ICMP6_NS, 0, e->ip,
                   ND_OPT_SLLA, have_src ? e->src : NULL);
    kind = VL2_TX_NS;
  }
  nb->buf_len[b] = (uint32_t)len;
  tx_push(sw, b, e->seg, kind, unicast ? TO_MAC : TO_FLOOD, 0,
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
static void queue_release(vl2_switch *sw, nb_ent *e) {
  vl2_neigh_state *nb = sw->neigh;
  for (uint32_t b = e->q_head; b != NB_NONE;) {
    uint32_t next = nb->buf_next[b];
    memcpy(buf_at(nb, b), e->mac, 6);
    tx_push(sw, b, e->seg, VL2_TX_PACKET, TO_MAC, 0, 0);
    CNT(nb, e->seg, released);
    b = next;
  }
  e->q_head = e->q_tail = NB_NONE;
  e->q_len = 0;
}

/* ------------------------------------------------------------------ */
/* Learning a binding                                                   */

#define BIND_CONFIRMED 0x01u /* a reply / solicited NA: reachable */
#define BIND_OVERRIDE 0x02u  /* may replace a different MAC */
#define BIND_ROUTER 0x04u
#define BIND_DIRECTORY 0x08u

static void thaw_ip(vl2_switch *sw, nb_ent *e, vl2_tstamp now) {
  e->frozen_until = 0;
  e->moves = 0;
  e->flags = (uint8_t)(e->flags & ~VL2_NEIGH_F_FROZEN);
  CNT(sw->neigh, e->seg, thawed);
  emit_nb(sw, VL2_EV_NEIGH_THAWED, 0, sw->segs[e->seg].vni, e->family, e->ip,
          e->mac, NULL, e->port, now);
}

/* Record that |ip| (16 bytes) is at |mac| in segment |seg|, as seen on
 * |port|. Returns 1 when the table changed. */
static int bind(vl2_switch *sw, uint32_t seg, uint8_t family, const uint8_t *ip,
                const uint8_t *mac, uint32_t port, unsigned how,
                vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  uint32_t vni = sw->segs[seg].vni;
  int confirmed = (how & BIND_CONFIRMED) != 0;
  if (vl2_mac_is_group(mac) || vl2_mac_is_zero(mac))
    return 0; /* never bind an IP to a group or zero MAC */
  nb_ent *e = ent_lookup(sw, seg, family, ip, now);
  if (e == NULL) {
    e = ent_new(sw, seg, family, ip);
    if (e == NULL) {
      CNT(nb, seg, limit_hits);
      return 0;
    }
    memcpy(e->mac, mac, 6);
    e->port = port;
    e->state = confirmed ? VL2_NEIGH_REACHABLE : VL2_NEIGH_STALE;
    e->timer = confirmed ? now + sw->cfg.neigh_reachable_ns : VL2_TSTAMP_NONE;
    e->gc_at = gc_time(sw, now);
    if (how & BIND_ROUTER)
      e->flags |= VL2_NEIGH_F_ROUTER;
    if (how & BIND_DIRECTORY)
      e->flags |= VL2_NEIGH_F_DIRECTORY;
    arm(nb, e->gc_at);
    CNT(nb, seg, learned);
    emit_nb(sw, VL2_EV_NEIGH_ADDED, 0, vni, family, ip, mac, NULL, port, now);
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
    e->gc_at = gc_time(sw, now);
    arm(nb, e->gc_at);
    if (how & BIND_DIRECTORY)
      e->flags |= VL2_NEIGH_F_DIRECTORY;
    if (resolving)
      CNT(nb, seg, res_resolved);
    else
      CNT(nb, seg, learned);
    emit_nb(sw, VL2_EV_NEIGH_ADDED, 0, vni, family, ip, mac, NULL, port, now);
    if (resolving)
      queue_release(sw, e);
    return 1;
  }
  if (memcmp(e->mac, mac, 6) == 0) {
    e->port = port;
    e->gc_at = gc_time(sw, now);
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
      emit_nb(sw, VL2_EV_NEIGH_FROZEN, 0, vni, family, ip, e->mac, NULL,
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
  e->gc_at = gc_time(sw, now);
  CNT(nb, seg, moves);
  emit_nb(sw, VL2_EV_NEIGH_MOVED, 0, vni, family, ip, mac, old, port, now);
  return 1;
}

/* ------------------------------------------------------------------ */
/* MAC move dampening                                                   */

static size_t mt_set(const vl2_switch *sw, uint64_t key) {
  uint64_t h = key ^ sw->cfg.hash_seed ^ 0xc2b2ae3d27d4eb4fULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return ((size_t)h & sw->neigh->mt_mask) * 4;
}

static void thaw_mac(vl2_switch *sw, mt_ent *t, vl2_tstamp now) {
  uint32_t seg = vl2_fdb_key_seg(t->key);
  uint8_t mac[6];
  vl2_u64_to_mac(vl2_fdb_key_mac(t->key), mac);
  CNT(sw->neigh, seg, thawed);
  emit_nb(sw, VL2_EV_NEIGH_THAWED, 0, sw->segs[seg].vni, VL2_AF_NONE, NULL, mac,
          NULL, 0, now);
  memset(t, 0, sizeof(*t));
}

int vl2_neigh_mac_move_ok(vl2_switch *sw, const vl2_segment *seg, uint64_t mac,
                          vl2_tstamp now) {
  const vl2_switch_config *c = &sw->cfg;
  uint32_t threshold = c->move_threshold;
  vl2_duration window = c->move_window_ns;
  if (threshold == 0 && (seg->flags & VL2_SEG_F_EVPN)) {
    /* RFC 7432 section 15.1 defaults: N = 5 moves within M = 180 s. */
    threshold = 5;
    window = 180 * VL2_SEC;
  }
  if (threshold == 0)
    return 1;
  vl2_neigh_state *nb = sw->neigh;
  uint64_t key = vl2_fdb_key(seg->idx, mac);
  mt_ent *set = &nb->mt[mt_set(sw, key)];
  mt_ent *t = NULL, *victim = NULL;
  for (int i = 0; i < 4; i++) {
    if (set[i].key == key) {
      t = &set[i];
      break;
    }
    if (set[i].key == 0) {
      if (victim == NULL || victim->key != 0)
        victim = &set[i];
    } else if (set[i].frozen_until == 0 &&
               (victim == NULL ||
                (victim->key != 0 && set[i].win_start < victim->win_start))) {
      victim = &set[i];
    }
  }
  if (t != NULL && t->frozen_until != 0) {
    if (t->frozen_until > now) {
      CNT(nb, seg->idx, frozen_blocked);
      return 0;
    }
    thaw_mac(sw, t, now); /* clears it: tracked afresh below */
    victim = t;
    t = NULL;
  }
  if (t == NULL) {
    if (victim == NULL)
      return 1; /* every tracker of the set is frozen: not tracked */
    t = victim;
    memset(t, 0, sizeof(*t));
    t->key = key;
    t->win_start = now;
  }
  if (t->count == 0 || now - t->win_start >= window) {
    t->win_start = now;
    t->count = 0;
  }
  if (++t->count > threshold) {
    t->frozen_until = now + c->move_holddown_ns;
    if (t->frozen_until == 0)
      t->frozen_until = 1;
    arm(nb, t->frozen_until);
    CNT(nb, seg->idx, mac_frozen);
    CNT(nb, seg->idx, frozen_blocked);
    uint8_t m[6];
    vl2_u64_to_mac(mac, m);
    emit_nb(sw, VL2_EV_NEIGH_FROZEN, 0, seg->vni, VL2_AF_NONE, NULL, m, NULL, 0,
            now);
    return 0;
  }
  return 1;
}

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
static int dir_ask(vl2_switch *sw, uint32_t seg, uint8_t family,
                   const uint8_t *tip, uint32_t port, const uint8_t *asker_mac,
                   const uint8_t *asker_ip, vl2_tstamp now) {
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
    emit_nb(sw, VL2_EV_NEIGH_LOOKUP, 0, d->vni, family, tip, asker_mac, NULL,
            port, now);
  }
  dir_asker *a = &d->ask[d->n_ask++];
  a->port = port;
  memcpy(a->mac, asker_mac, 6);
  memcpy(a->ip, asker_ip, 16);
  return VL2_NB_CONSUME;
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
  bind(sw, seg->idx, ip->family, ip->addr, mac->b, VL2_PORT_REMOTE,
       BIND_CONFIRMED | BIND_OVERRIDE | BIND_DIRECTORY, now);
  nb_ent *e = ent_find(sw, seg->idx, ip->family, ip->addr);
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
    if (queue_reply(sw, src, a->port, a->mac, a->ip)) {
      CNT(nb, seg->idx, req_answered);
      n++;
    }
  }
  return e != NULL ? n : VL2_ERR_LIMIT;
}

/* ------------------------------------------------------------------ */
/* Data path                                                            */

typedef struct nb_pkt {
  uint8_t family;
  uint8_t is_req;   /* ARP request or NS */
  uint8_t na_flags; /* NA */
  uint8_t sip_zero; /* ARP probe / NS from :: */
  uint8_t is_nd;
  uint8_t op;         /* ARP op; ICMPv6 type */
  const uint8_t *lla; /* ARP sha; NS SLLA; NA TLLA (NULL: none) */
  uint8_t sip[16];    /* ARP spa; NS source; NA target */
  uint8_t tip[16];    /* ARP tpa; NS target */
} nb_pkt;

/* RFC 826 validation; 0 when the ARP packet is usable. */
static int parse_arp(const uint8_t *a, size_t len, nb_pkt *k) {
  if (len < ARP_LEN || vl2_load_be16(a) != 1 ||
      vl2_load_be16(a + 2) != VL2_ETH_P_IPV4 || a[4] != 6 || a[5] != 4)
    return -1;
  uint16_t op = vl2_load_be16(a + 6);
  if (op != 1 && op != 2)
    return -1;
  k->family = VL2_AF_INET;
  k->op = (uint8_t)op;
  k->is_req = (uint8_t)(op == 1);
  k->lla = a + 8;
  memcpy(k->sip, a + 14, 4);
  memcpy(k->tip, a + 24, 4);
  k->sip_zero = (uint8_t)(vl2_load_be32(a + 14) == 0);
  return 0;
}

static int ip6_unspec(const uint8_t *a) {
  static const uint8_t z[16] = {0};
  return memcmp(a, z, 16) == 0;
}

/* RFC 4861 sections 7.1.1 / 7.1.2 validation of an NS or NA; 0 when
 * usable. */
static int parse_nd(const uint8_t *ip, size_t len, nb_pkt *k) {
  if (len < IP6_HLEN + 24 || (ip[0] >> 4) != 6 || ip[6] != 58 || ip[7] != 255)
    return -1;
  size_t plen = vl2_load_be16(ip + 4);
  if (plen < 24 || IP6_HLEN + plen > len)
    return -1;
  const uint8_t *ic = ip + IP6_HLEN;
  if (ic[1] != 0 || icmp6_csum(ip + 8, ip + 24, ic, plen) != 0)
    return -1;
  if (ic[8] == 0xff)
    return -1; /* target is multicast */
  k->family = VL2_AF_INET6;
  k->is_nd = 1;
  k->op = ic[0];
  k->lla = NULL;
  uint8_t want = ic[0] == ICMP6_NS ? ND_OPT_SLLA : ND_OPT_TLLA;
  for (size_t o = 24; o + 2 <= plen;) {
    size_t ol = (size_t)ic[o + 1] * 8;
    if (ol == 0 || o + ol > plen)
      return -1;
    if (ic[o] == want && ol >= 8)
      k->lla = ic + o + 2;
    o += ol;
  }
  if (ic[0] == ICMP6_NS) {
    k->is_req = 1;
    memcpy(k->sip, ip + 8, 16);
    memcpy(k->tip, ic + 8, 16);
    k->sip_zero = (uint8_t)ip6_unspec(ip + 8);
    if (k->sip_zero && k->lla != NULL)
      return -1; /* RFC 4861 section 7.1.1 */
  } else {
    k->na_flags = ic[4];
    memcpy(k->sip, ic + 8, 16);
    memcpy(k->tip, ic + 8, 16);
  }
  return 0;
}

/* Neighbour inspection: is |ip| statically bound to |mac| on |port|? */
static int inspect_ok(vl2_switch *sw, uint32_t seg, uint8_t family,
                      const uint8_t *ip, const uint8_t *mac, uint32_t port) {
  const nb_ent *e = ent_find(sw, seg, family, ip);
  return e != NULL && (e->flags & VL2_NEIGH_F_STATIC) &&
         memcmp(e->mac, mac, 6) == 0 &&
         (e->port == port || e->port == VL2_NEIGH_PORT_ANY);
}

int vl2_neigh_input(vl2_switch *sw, vl2_segment *seg, const vl2_frame *f,
                    size_t l3off, uint16_t et, vl2_tstamp now,
                    uint16_t *reason) {
  vl2_neigh_state *nb = sw->neigh;
  const uint8_t *d = f->data;
  uint32_t si = seg->idx;
  nb_pkt k;
  if (et == VL2_ETH_P_RARP) {
    /* RFC 903: learning (already done by the switch) moves the MAC. */
    CNT(nb, si, rarp_in);
    return VL2_NB_PASS;
  }
  if (f->len <= l3off)
    return VL2_NB_PASS;
  size_t l3len = f->len - l3off;
  const uint8_t *l3 = d + l3off;
  memset(&k, 0, sizeof(k));
  if (et == VL2_ETH_P_ARP) {
    if (parse_arp(l3, l3len, &k) != 0) {
      CNT(nb, si, malformed);
      return VL2_NB_PASS;
    }
    CNT(nb, si, arp_in);
  } else if (et == VL2_ETH_P_IPV6) {
    /* Only NS and NA, directly after the IPv6 header. */
    if (l3len < IP6_HLEN + 24 || l3[6] != 58 ||
        (l3[IP6_HLEN] != ICMP6_NS && l3[IP6_HLEN] != ICMP6_NA))
      return VL2_NB_PASS;
    if (parse_nd(l3, l3len, &k) != 0) {
      CNT(nb, si, malformed);
      return VL2_NB_PASS;
    }
    CNT(nb, si, nd_in);
  } else {
    return VL2_NB_PASS;
  }
  const uint8_t *src = d + 6;
  const vl2_port *p = f->port != VL2_PORT_REMOTE ? &sw->ports[f->port] : NULL;
  const uint8_t *lla = k.lla != NULL ? k.lla : src;

  /* Spoof guard and inspection (ingress ports only). */
  if (p != NULL && (p->flags & VL2_PORT_F_SPOOF_GUARD) && k.lla != NULL &&
      memcmp(k.lla, src, 6) != 0) {
    CNT(nb, si, spoof_drops);
    *reason = k.is_nd ? VL2_DROP_ND_SPOOF : VL2_DROP_ARP_SPOOF;
    return VL2_NB_DROP;
  }
  if (p != NULL && (p->flags & VL2_PORT_F_NEIGH_INSPECT) && !k.sip_zero &&
      !inspect_ok(sw, si, k.family, k.sip, lla, f->port)) {
    CNT(nb, si, inspect_drops);
    *reason = VL2_DROP_NEIGH_UNBOUND;
    return VL2_NB_DROP;
  }

  /* Snooping. */
  int garp = 0;
  if (k.family == VL2_AF_INET) {
    garp = !k.sip_zero && memcmp(k.sip, k.tip, 4) == 0;
    if (k.sip_zero)
      CNT(nb, si, probes);
    else
      bind(sw, si, VL2_AF_INET, k.sip, k.lla, f->port,
           BIND_OVERRIDE | (k.op == 2 && !garp ? BIND_CONFIRMED : 0u), now);
  } else if (k.op == ICMP6_NS) {
    if (k.sip_zero)
      CNT(nb, si, probes);
    else if (k.lla != NULL)
      bind(sw, si, VL2_AF_INET6, k.sip, k.lla, f->port, BIND_OVERRIDE, now);
  } else {
    unsigned how = 0;
    if (k.na_flags & NA_F_OVERRIDE)
      how |= BIND_OVERRIDE;
    if (k.na_flags & NA_F_SOLICITED)
      how |= BIND_CONFIRMED;
    if (k.na_flags & NA_F_ROUTER)
      how |= BIND_ROUTER;
    garp = !(k.na_flags & NA_F_SOLICITED) && (k.na_flags & NA_F_OVERRIDE);
    bind(sw, si, VL2_AF_INET6, k.sip, lla, f->port, how, now);
  }
  if (garp)
    CNT(nb, si, garp);
  if (!k.is_req)
    return VL2_NB_PASS;

  /* Suppression: broadcast/multicast requests from a local port, not a
   * probe, not gratuitous. */
  uint32_t mode = seg->flags & (VL2_SEG_F_ARP_SUPPRESS | VL2_SEG_F_DIRECTORY);
  if (mode == 0 || p == NULL || k.sip_zero || garp || !vl2_mac_is_group(d)) {
    CNT(nb, si, req_passed);
    return VL2_NB_PASS;
  }
  nb_ent *e = ent_lookup(sw, si, k.family, k.tip, now);
  /* The asker's address: ARP sha; NS SLLA, else the source MAC. */
  uint8_t asker_ip[16];
  memset(asker_ip, 0, sizeof(asker_ip));
  memcpy(asker_ip, k.sip, ip_len(k.family));
  if (e != NULL && usable(eff_state(e, now))) {
    if (queue_reply(sw, e, f->port, lla, asker_ip)) {
      CNT(nb, si, req_answered);
      return VL2_NB_CONSUME;
    }
    CNT(nb, si, req_flooded); /* output queue full: let the target answer */
    return VL2_NB_PASS;
  }
  CNT(nb, si, req_missed);
  if (seg->flags & VL2_SEG_F_DIRECTORY) {
    int r = dir_ask(sw, si, k.family, k.tip, f->port, lla, asker_ip, now);
    if (r == VL2_NB_DROP)
      *reason = VL2_DROP_DIR_FULL;
    return r;
  }
  CNT(nb, si, req_flooded);
  return VL2_NB_PASS;
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
static int ip_unicast(const vl2_ipaddr *a) {
  if (a->family == VL2_AF_INET) {
    for (int i = 4; i < 16; i++)
      if (a->addr[i] != 0)
        return 0;
    uint32_t v = vl2_load_be32(a->addr);
    return v != 0 && v != 0xffffffffu && (a->addr[0] & 0xf0) != 0xe0;
  }
  if (a->family == VL2_AF_INET6)
    return !ip6_unspec(a->addr) && a->addr[0] != 0xff;
  return 0;
}

int vl2_neigh_send(vl2_switch *sw, uint32_t vni, const vl2_ipaddr *nexthop,
                   const vl2_mac *src, const uint8_t *pkt, size_t len,
                   vl2_tstamp now) {
  if (sw == NULL || nexthop == NULL || pkt == NULL || len == 0 ||
      !ip_unicast(nexthop))
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

  nb_ent *e = ent_lookup(sw, si, nexthop->family, nexthop->addr, now);
  if (e != NULL && usable(eff_state(e, now))) {
    uint32_t b = buf_get(sw, BUF_GEN);
    if (b == NB_NONE) {
      CNT(nb, si, tx_overflow);
      return VL2_ERR_AGAIN;
    }
    uint8_t *f = buf_at(nb, b);
    eth_hdr(f, e->mac, smac, et);
    memcpy(f + VL2_ETH_HLEN, pkt, len);
    nb->buf_len[b] = (uint32_t)(VL2_ETH_HLEN + len);
    tx_push(sw, b, si, VL2_TX_PACKET, TO_MAC, 0, 0);
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
    e = ent_new(sw, si, nexthop->family, nexthop->addr);
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
      (nb->wait_used >= sw->cfg.neigh_queue_max && e->q_len > 0)) {
    uint32_t old = e->q_head;
    e->q_head = nb->buf_next[old];
    if (e->q_head == NB_NONE)
      e->q_tail = NB_NONE;
    e->q_len--;
    buf_put(nb, old);
    CNT(nb, si, queue_drops_full);
  }
  uint32_t b = buf_get(sw, BUF_WAIT);
  int rv = VL2_NEIGH_QUEUED;
  if (b == NB_NONE) {
    CNT(nb, si, queue_drops_full);
    rv = VL2_ERR_AGAIN;
  } else {
    uint8_t *f = buf_at(nb, b);
    eth_hdr(f, mac_zero, smac, et);
    memcpy(f + VL2_ETH_HLEN, pkt, len);
    nb->buf_len[b] = (uint32_t)(VL2_ETH_HLEN + len);
    if (e->q_tail == NB_NONE)
      e->q_head = b;
    else
      nb->buf_next[e->q_tail] = b;
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

/* ------------------------------------------------------------------ */
/* Timers                                                               */

vl2_tstamp vl2_neigh_next_deadline(const vl2_switch *sw) {
  return sw->neigh->next_at;
}

/* Resolver timer of |e| fired at |now|. */
static void ent_timer(vl2_switch *sw, nb_ent *e, vl2_tstamp now) {
  vl2_neigh_state *nb = sw->neigh;
  switch (e->state) {
  case VL2_NEIGH_INCOMPLETE:
  case VL2_NEIGH_PROBE:
    if (e->probes >= sw->cfg.neigh_max_retries) {
      uint32_t n = queue_drop(nb, e);
      nb->st.queue_drops_failed += n;
      nb->segs[e->seg].st.queue_drops_failed += n;
      CNT(nb, e->seg, res_failed);
      emit_nb(sw, VL2_EV_NEIGH_FAILED, (uint16_t)(n > 0xffff ? 0xffff : n),
              sw->segs[e->seg].vni, e->family, e->ip, e->mac, NULL, e->port,
              now);
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
      emit_nb(sw, VL2_EV_NEIGH_AGED, 0, sw->segs[e->seg].vni, e->family, e->ip,
              e->mac, NULL, e->port, now);
      ent_remove(sw, e);
      continue;
    }
    if (e->frozen_until != 0) {
      if (e->frozen_until <= now)
        thaw_ip(sw, e, now);
      else if (e->frozen_until < exact)
        exact = e->frozen_until;
    }
    if (e->timer <= now)
      ent_timer(sw, e, now);
    if (e->timer != VL2_TSTAMP_NONE && e->state != VL2_NEIGH_REACHABLE &&
        e->timer < exact)
      exact = e->timer;
    if (e->gc_at < gc)
      gc = e->gc_at;
  }
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++) {
    dir_pend *d = &nb->dir[i];
    if (!d->in_use)
      continue;
    if (d->expires <= now) {
      d->in_use = 0;
      CNT(nb, d->seg, dir_timeouts);
      emit_nb(sw, VL2_EV_NEIGH_LOOKUP_TIMEOUT, 0, d->vni, d->family, d->ip,
              NULL, NULL, 0, now);
    } else if (d->expires < exact) {
      exact = d->expires;
    }
  }
  for (size_t i = 0; i < (nb->mt_mask + 1) * 4; i++) {
    mt_ent *t = &nb->mt[i];
    if (t->key == 0 || t->frozen_until == 0)
      continue;
    if (t->frozen_until <= now)
      thaw_mac(sw, t, now);
    else if (t->frozen_until < exact)
      exact = t->frozen_until;
  }
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
      ent_remove(sw, &nb->ent[i]);
  for (uint32_t i = 0; i < sw->cfg.dir_max_pending; i++)
    if (nb->dir[i].in_use && nb->dir[i].seg == seg_idx)
      nb->dir[i].in_use = 0;
  for (size_t i = 0; i < (nb->mt_mask + 1) * 4; i++)
    if (nb->mt[i].key != 0 && vl2_fdb_key_seg(nb->mt[i].key) == seg_idx)
      memset(&nb->mt[i], 0, sizeof(nb->mt[i]));
  memset(&nb->segs[seg_idx], 0, sizeof(nb->segs[seg_idx]));
}

int vl2_neigh_add_static(vl2_switch *sw, const vl2_neigh_entry *e) {
  if (sw == NULL || e == NULL || !ip_unicast(&e->ip) ||
      vl2_mac_is_group(e->mac.b) || vl2_mac_is_zero(e->mac.b))
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, e->vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_neigh_state *nb = sw->neigh;
  nb_ent *x = ent_find(sw, seg->idx, e->ip.family, e->ip.addr);
  if (x == NULL) {
    x = ent_new(sw, seg->idx, e->ip.family, e->ip.addr);
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
    queue_release(sw, x); /* it was resolving: the binding answers it */
  return 0;
}

int vl2_neigh_del(vl2_switch *sw, uint32_t vni, const vl2_ipaddr *ip) {
  if (sw == NULL || ip == NULL)
    return VL2_ERR_INVALID;
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL || (ip->family != VL2_AF_INET && ip->family != VL2_AF_INET6))
    return VL2_ERR_NOTFOUND;
  nb_ent *e = ent_find(sw, seg->idx, ip->family, ip->addr);
  if (e == NULL)
    return VL2_ERR_NOTFOUND;
  ent_remove(sw, e);
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
  const nb_ent *x = ent_find(sw, seg->idx, ip->family, ip->addr);
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
      ent_remove(sw, e);
      n++;
    }
  }
  return n;
}

size_t vl2_neigh_count(const vl2_switch *sw) {
  return sw != NULL ? sw->cfg.max_neigh - sw->neigh->n_free : 0;
}

int vl2_neigh_get_stats(const vl2_switch *sw, uint32_t vni,
                        vl2_neigh_stats *st) {
  if (sw == NULL || st == NULL)
    return VL2_ERR_INVALID;
  const vl2_neigh_state *nb = sw->neigh;
  if (vni == VL2_NEIGH_ALL_SEGMENTS) {
    *st = nb->st;
    st->entries = sw->cfg.max_neigh - nb->n_free;
    st->entries_static = nb->n_static;
    return 0;
  }
  const vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  *st = nb->segs[seg->idx].st;
  st->entries = nb->segs[seg->idx].count;
  uint64_t ns = 0;
  for (uint32_t i = 0; i < sw->cfg.max_neigh; i++)
    if (nb->ent[i].in_use && nb->ent[i].seg == seg->idx &&
        (nb->ent[i].flags & VL2_NEIGH_F_STATIC))
      ns++;
  st->entries_static = ns;
  return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the neighbour (ARP/ND) stage's shared state, split by concept:
 *   vl2_neigh.c          the per-segment IP -> MAC table, bindings, ageing,
 *                        timers, control-plane calls and counters
 *   vl2_neigh_pkt.c      ARP/ND packet parsing and building
 *   vl2_neigh_suppress.c snooping, spoof guard, inspection, suppression
 *                        (vl2_neigh_input)
 *   vl2_neigh_resolve.c  the resolver (vl2_neigh_send, wait queues,
 *                        retransmissions)
 *   vl2_neigh_dir.c      directory mode (lookups, answers, timeouts)
 * The stage uses the instance's segments (VNIs), ports (flags), config,
 * the event queue and the originated-frame queue (vl2_txq.h); it never
 * touches the MAC table or the forwarding path.
 */
#ifndef VL2_NEIGH_INT_H
#define VL2_NEIGH_INT_H

#include "vl2_neigh.h"
#include "vl2_switch_int.h"
#include "vl2_txq.h"

/* RFC 4861 section 10: DELAY_FIRST_PROBE_TIME. */
#define DELAY_FIRST_PROBE_NS (5 * VL2_SEC)
/* Hosts one directory lookup answers at most. */
#define DIR_ASKERS 8
#define VL2_TXQ_NONE UINT32_MAX

#define ARP_LEN 28
#define IP6_HLEN 40
#define ICMP6_NS 135
#define ICMP6_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define NA_F_ROUTER 0x80u
#define NA_F_SOLICITED 0x40u
#define NA_F_OVERRIDE 0x20u

/* Hosts one directory lookup answers at most. */

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
  uint32_t q_head, q_tail; /* wait queue (buffer indices), VL2_TXQ_NONE */
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

struct vl2_neigh_state {
  nb_ent *ent;   /* [max_neigh] */
  uint32_t *map; /* open addressing: entry index + 1, 0 = empty */
  size_t map_mask;
  uint32_t *free_ent; /* stack of free entry indices */
  uint32_t n_free;
  uint32_t n_static;
  nb_seg *segs; /* [max_segments] */

  dir_pend *dir; /* [dir_max_pending] */

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

#define BIND_CONFIRMED 0x01u /* a reply / solicited NA: reachable */
#define BIND_OVERRIDE 0x02u  /* may replace a different MAC */
#define BIND_ROUTER 0x04u
#define BIND_DIRECTORY 0x08u

/* vl2_neigh.c: the table. |ip| is always 16 bytes (IPv4 zero-padded). */
nb_ent *vl2_neigh_ent_find(const vl2_switch *sw, uint32_t seg, uint8_t family,
                           const uint8_t *ip);
/* A live entry; an expired one is reclaimed on the way (AGED event). */
nb_ent *vl2_neigh_ent_lookup(vl2_switch *sw, uint32_t seg, uint8_t family,
                             const uint8_t *ip, vl2_tstamp now);
/* A new entry for the key, or NULL when a limit is reached. */
nb_ent *vl2_neigh_ent_new(vl2_switch *sw, uint32_t seg, uint8_t family,
                          const uint8_t *ip);
/* Remove |e|, its wait queue dropped (counted as flushed). */
void vl2_neigh_ent_remove(vl2_switch *sw, nb_ent *e);
/* Drop |e|'s wait queue; returns the packets dropped. */
uint32_t vl2_neigh_queue_drop(vl2_switch *sw, nb_ent *e);
/* When an entry refreshed at |now| is reclaimed. */
vl2_tstamp vl2_neigh_gc_time(const vl2_switch *sw, vl2_tstamp now);
/* Emit a neighbour event; |ip|, |mac|, |old_mac| may be NULL. */
void vl2_neigh_emit(vl2_switch *sw, uint16_t type, uint16_t reason,
                    uint32_t vni, uint8_t family, const uint8_t *ip,
                    const uint8_t *mac, const uint8_t *old_mac, uint32_t port,
                    vl2_tstamp now);
/* Record that |ip| is at |mac| in segment |seg|, as seen on |port|, with
 * BIND_* |how|. Returns 1 when the table changed. */
int vl2_neigh_bind(vl2_switch *sw, uint32_t seg, uint8_t family,
                   const uint8_t *ip, const uint8_t *mac, uint32_t port,
                   unsigned how, vl2_tstamp now);
/* What vl2_neigh_bind() would do, changing nothing: VL2_TRACE_BIND_*. */
unsigned vl2_neigh_bind_peek(const vl2_switch *sw, uint32_t seg, uint8_t family,
                             const uint8_t *ip, const uint8_t *mac,
                             unsigned how, vl2_tstamp now);

/* vl2_neigh_pkt.c: packets (RFC 826, RFC 4861). */
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

extern const uint8_t vl2_neigh_mac_bcast[6];
extern const uint8_t vl2_neigh_mac_zero[6];
extern const uint8_t vl2_neigh_ip6_all_nodes[16];

int vl2_ip6_unspec(const uint8_t *a);
size_t vl2_neigh_eth_hdr(uint8_t *b, const uint8_t *dst, const uint8_t *src,
                         uint16_t et);
size_t vl2_neigh_arp_build(uint8_t *b, uint16_t op, const uint8_t *eth_dst,
                           const uint8_t *sha, const uint8_t *spa,
                           const uint8_t *tha, const uint8_t *tpa);
size_t vl2_neigh_nd_build(uint8_t *b, const uint8_t *eth_dst,
                          const uint8_t *eth_src, const uint8_t *ip_src,
                          const uint8_t *ip_dst, uint8_t type, uint8_t flags,
                          const uint8_t *target, uint8_t opt_type,
                          const uint8_t *lladdr);
/* 0 when the packet is usable; fills |k|. */
int vl2_neigh_parse_arp(const uint8_t *a, size_t len, nb_pkt *k);
int vl2_neigh_parse_nd(const uint8_t *ip, size_t len, nb_pkt *k);

/* vl2_neigh_suppress.c: queue a reply for the host |asker_mac| /
 * |asker_ip| on |port| about |e|. 1 when queued, 0 when the output queue
 * is full (counted). */
int vl2_neigh_queue_reply(vl2_switch *sw, const nb_ent *e, uint32_t port,
                          const uint8_t *asker_mac, const uint8_t *asker_ip);

/* vl2_neigh_resolve.c: the resolver. */
/* Send |e|'s wait queue, in order, to its now-known MAC. */
void vl2_neigh_queue_release(vl2_switch *sw, nb_ent *e);
/* |e|'s resolver timer fired at |now|. */
void vl2_neigh_ent_timer(vl2_switch *sw, nb_ent *e, vl2_tstamp now);
/* A unicast, specified address in |a|'s family, with IPv4 padding zero. */
int vl2_neigh_ip_unicast(const vl2_ipaddr *a);

/* vl2_neigh_dir.c: directory mode. */
/* A request for |tip| from the asker on |port| missed: start or join a
 * lookup. Returns VL2_NB_CONSUME or VL2_NB_DROP (counted). */
int vl2_neigh_dir_ask(vl2_switch *sw, uint32_t seg, uint8_t family,
                      const uint8_t *tip, uint32_t port,
                      const uint8_t *asker_mac, const uint8_t *asker_ip,
                      vl2_tstamp now);
/* What vl2_neigh_dir_ask() would return, changing nothing (a trace). */
int vl2_neigh_dir_peek(const vl2_switch *sw, uint32_t seg, uint8_t family,
                       const uint8_t *tip, uint32_t port,
                       const uint8_t *asker_mac, const uint8_t *asker_ip);
/* Time out lookups due at |now|; lowers *|next| to the earliest pending
 * one. */
void vl2_neigh_dir_run_timers(vl2_switch *sw, vl2_tstamp now, vl2_tstamp *next);
/* Forget segment index |seg|'s pending lookups. */
void vl2_neigh_dir_segment_gone(vl2_switch *sw, uint32_t seg);

#endif /* !defined(VL2_NEIGH_INT_H) */

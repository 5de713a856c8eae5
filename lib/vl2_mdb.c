/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * IGMP/MLD snooping (RFC 4541): message validation, the per (segment,
 * group) membership table, router ports, the optional querier, and the
 * forwarding marks the flood path reads.
 *
 * Where it fits: the switch's flood path calls vl2_mdb_input() for frames
 * to a multicast MAC when sw->mdb exists; it returns whether to flood, to
 * send to the marked destinations only, to drop an invalid message, or to
 * absorb a report. Tables are allocated in vl2_mdb_setup(); nothing
 * allocates afterwards. Queries leave through the neighbour module's
 * output queue (vl2_switch_poll_tx()).
 */
#include "vl2_mdb.h" /* own header first: proves it is self-contained */

#include <stdint.h>
#include <string.h>

#include "vl2_csum.h"
#include "vl2_mem.h"
#include "vl2_oamap.h"
#include "vl2_stats.h"
#include "vl2_trace.h"
#include "vl2_neigh.h"
#include "vl2_wire.h"

#define NONE UINT32_MAX
/* Internal member flag: a router entry set to "never a router port". */
#define E_ROUTER_OFF 0x100u

#define IGMP_QUERY 0x11
#define IGMP_V1_REPORT 0x12
#define IGMP_V2_REPORT 0x16
#define IGMP_V2_LEAVE 0x17
#define IGMP_V3_REPORT 0x22
#define MLD_QUERY 130
#define MLD_V1_REPORT 131
#define MLD_V1_DONE 132
#define MLD_V2_REPORT 143

/* Group record types (RFC 3376 section 4.2.12, RFC 3810 section 5.2.12). */
#define REC_IS_IN 1
#define REC_IS_EX 2
#define REC_TO_IN 3
#define REC_TO_EX 4
#define REC_ALLOW 5
#define REC_BLOCK 6

typedef struct mdb_member {
  uint32_t dest;  /* port id or VL2_FDB_DEST_REMOTE | remote index */
  uint32_t next;  /* next in its list, or NONE */
  uint32_t flags; /* VL2_MDB_E_*, E_ROUTER_OFF */
  uint32_t reserved;
  vl2_tstamp expires; /* VL2_TSTAMP_NONE: permanent */
} mdb_member;

typedef struct mdb_group {
  uint32_t seg;
  uint8_t in_use;
  uint8_t family;
  uint8_t overflow; /* a member could not be recorded */
  uint8_t reserved;
  uint8_t addr[16];
  uint32_t head; /* members */
  uint32_t n_members;
} mdb_group;

typedef struct mdb_seg {
  uint8_t on;
  uint8_t reserved[3];
  uint32_t n_groups;
  uint32_t routers; /* list head */
  uint32_t q_startup[2];
  vl2_mdb_segment_config cfg;
  vl2_tstamp q_next[2];      /* [0] IGMP, [1] MLD: next general query */
  vl2_tstamp other_until[2]; /* another querier is present until */
  vl2_tstamp older_until[2]; /* an older-version querier is present until */
  vl2_mdb_stats st;
} mdb_seg;

struct vl2_mdb_state {
  vl2_mdb_marks marks;
  vl2_mdb_config cfg; /* with computed intervals */
  mdb_group *groups;  /* [max_groups] */
  uint32_t *gmap;     /* open addressing: group index + 1, 0 = empty */
  size_t gmask;
  uint32_t *gfree; /* stack */
  uint32_t n_gfree;
  uint32_t mfree_head; /* free members (linked by next) */
  mdb_member *mem;     /* [max_members] */
  mdb_seg *segs;       /* [max_segments] */
  uint8_t *fast_leave; /* [max_ports] */
  vl2_tstamp next_at;  /* earliest deadline (may be early), or NONE */
  vl2_mdb_stats st;    /* switch-wide */
};

#define CNT(sw, s, field)                                                      \
  do {                                                                         \
    (sw)->mdb->st.field++;                                                     \
    (s)->st.field++;                                                           \
  } while (0)
/* CNT, except in a trace (a function with a `vl2_tracer *T`). */
#define TCNT(sw, s, field)                                                     \
  do {                                                                         \
    if (T == NULL)                                                             \
      CNT(sw, s, field);                                                       \
  } while (0)

/* An MDB step of a trace about group |addr| (family |family|, or none). */
static void mstep(vl2_tracer *T, uint16_t result, uint8_t family,
                  const uint8_t *addr, uint64_t value) {
  vl2_trace_step *st = vl2_trace_add(T, VL2_TRACE_MDB, result);
  if (addr != NULL && family != VL2_AF_NONE) {
    st->ip.family = family;
    memcpy(st->ip.addr, addr, family == VL2_AF_INET ? 4 : 16);
  }
  if (result == VL2_TRACE_R_DROP)
    st->reason = VL2_DROP_MCAST_INVALID;
  st->value = value;
}

/* ------------------------------------------------------------------ */
/* Set-up                                                               */

int vl2_mdb_config_default_versioned(int version, vl2_mdb_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_MDB_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  cfg->max_groups = 4096;
  cfg->max_members = 16384;
  cfg->robustness = 2;
  cfg->query_interval_ns = 125 * VL2_SEC;
  cfg->query_response_ns = 10 * VL2_SEC;
  cfg->last_member_ns = VL2_SEC;
  return 0;
}

void vl2_mdb_fini(vl2_switch *sw) {
  vl2_mdb_state *m = sw->mdb;
  if (m == NULL)
    return;
  const vl2_mem *mm = &sw->mem;
  vl2_mem_free(mm, m->marks.port);
  vl2_mem_free(mm, m->marks.remote);
  vl2_mem_free(mm, m->groups);
  vl2_mem_free(mm, m->gmap);
  vl2_mem_free(mm, m->gfree);
  vl2_mem_free(mm, m->mem);
  vl2_mem_free(mm, m->segs);
  vl2_mem_free(mm, m->fast_leave);
  vl2_mem_free(mm, m);
  sw->mdb = NULL;
}

static void cfg_resolve(vl2_mdb_config *c) {
  vl2_duration qi = c->query_interval_ns, qr = c->query_response_ns;
  if (c->membership_ns == 0)
    c->membership_ns = c->robustness * qi + qr;
  if (c->router_ns == 0)
    c->router_ns = c->robustness * qi + qr / 2;
  if (c->last_member_count == 0)
    c->last_member_count = c->robustness;
}

int vl2_mdb_setup_versioned(vl2_switch *sw, int version,
                            const vl2_mdb_config *cfg) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_mdb_config c;
  int rv = vl2_mdb_config_default_versioned(version, &c);
  if (rv != 0)
    return rv;
  if (cfg != NULL)
    c = *cfg;
  if (c.max_groups == 0 || c.max_groups > (1u << 20) || c.max_members == 0 ||
      c.max_members > (1u << 22) || c.robustness == 0 || c.robustness > 7 ||
      c.query_interval_ns < VL2_SEC || c.query_interval_ns > 3600 * VL2_SEC ||
      c.query_response_ns < 100 * VL2_MS ||
      c.query_response_ns > c.query_interval_ns ||
      c.last_member_ns < 100 * VL2_MS || c.last_member_ns > 25 * VL2_SEC ||
      c.last_member_count > 7 || c.membership_ns > 86400 * VL2_SEC ||
      c.router_ns > 86400 * VL2_SEC || c.reserved != 0)
    return VL2_ERR_INVALID;
  cfg_resolve(&c);
  vl2_mdb_state *m = sw->mdb;
  if (m != NULL) {
    if (c.max_groups != m->cfg.max_groups ||
        c.max_members != m->cfg.max_members)
      return VL2_ERR_INVALID;
    m->cfg = c;
    return 0;
  }
  const vl2_mem *mm = &sw->mem;
  m = vl2_mem_calloc(mm, 1, sizeof(*m));
  if (m == NULL)
    return VL2_ERR_NOMEM;
  sw->mdb = m;
  m->cfg = c;
  m->next_at = VL2_TSTAMP_NONE;
  size_t gcap = vl2_oamap_cap(c.max_groups);
  m->gmask = gcap - 1;
  m->marks.gen = 1;
  m->marks.port = vl2_mem_calloc(mm, sw->cfg.max_ports, sizeof(uint32_t));
  m->marks.remote = vl2_mem_calloc(mm, sw->cfg.max_remotes, sizeof(uint32_t));
  m->groups = vl2_mem_calloc(mm, c.max_groups, sizeof(*m->groups));
  m->gmap = vl2_mem_calloc(mm, gcap, sizeof(uint32_t));
  m->gfree = vl2_mem_calloc(mm, c.max_groups, sizeof(uint32_t));
  m->mem = vl2_mem_calloc(mm, c.max_members, sizeof(*m->mem));
  m->segs = vl2_mem_calloc(mm, sw->cfg.max_segments, sizeof(*m->segs));
  m->fast_leave = vl2_mem_calloc(mm, sw->cfg.max_ports, 1);
  if (m->marks.port == NULL || m->marks.remote == NULL || m->groups == NULL ||
      m->gmap == NULL || m->gfree == NULL || m->mem == NULL ||
      m->segs == NULL || m->fast_leave == NULL) {
    vl2_mdb_fini(sw);
    return VL2_ERR_NOMEM;
  }
  for (uint32_t i = 0; i < c.max_groups; i++)
    m->gfree[i] = c.max_groups - 1 - i;
  m->n_gfree = c.max_groups;
  for (uint32_t i = 0; i < c.max_members; i++)
    m->mem[i].next = i + 1 < c.max_members ? i + 1 : NONE;
  m->mfree_head = 0;
  for (uint32_t i = 0; i < sw->cfg.max_segments; i++)
    m->segs[i].routers = NONE;
  return 0;
}

const vl2_mdb_marks *vl2_mdb_get_marks(const vl2_switch *sw) {
  return &sw->mdb->marks;
}

static inline void arm(vl2_mdb_state *m, vl2_tstamp t) {
  if (t < m->next_at)
    m->next_at = t;
}

static vl2_tstamp add_sat(vl2_tstamp a, vl2_duration d) {
  return a < VL2_TSTAMP_NONE - d ? a + d : VL2_TSTAMP_NONE - 1;
}

/* ------------------------------------------------------------------ */
/* Members                                                              */

static uint32_t member_get(vl2_mdb_state *m) {
  uint32_t i = m->mfree_head;
  if (i == NONE)
    return NONE;
  m->mfree_head = m->mem[i].next;
  memset(&m->mem[i], 0, sizeof(m->mem[i]));
  m->mem[i].next = NONE;
  m->st.members++;
  return i;
}

static void member_put(vl2_mdb_state *m, uint32_t i) {
  m->mem[i].next = m->mfree_head;
  m->mfree_head = i;
  m->st.members--;
}

/* Find |dest| in the list at |head|; *|prev| gets the link that points to
 * it. */
static uint32_t list_find(vl2_mdb_state *m, uint32_t *head, uint32_t dest,
                          uint32_t **prev) {
  uint32_t *link = head;
  while (*link != NONE) {
    if (m->mem[*link].dest == dest) {
      *prev = link;
      return *link;
    }
    link = &m->mem[*link].next;
  }
  return NONE;
}

static void emit(vl2_switch *sw, uint16_t type, uint16_t reason, uint32_t vni,
                 uint8_t family, const uint8_t *addr, uint32_t dest,
                 vl2_tstamp at) {
  vl2_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.reason = reason;
  ev.vni = vni;
  if (family != VL2_AF_NONE) {
    ev.ip.family = family;
    memcpy(ev.ip.addr, addr, family == VL2_AF_INET ? 4 : 16);
  }
  if (dest == NONE) {
    ev.port = NONE;
  } else if (dest & VL2_FDB_DEST_REMOTE) {
    ev.port = VL2_PORT_REMOTE;
    ev.remote = sw->rt.remotes[dest & ~VL2_FDB_DEST_REMOTE].addr;
  } else {
    ev.port = dest;
  }
  ev.old_port = ev.port;
  ev.at = at;
  vl2_switch_emit(sw, &ev);
}

/* ------------------------------------------------------------------ */
/* Groups                                                               */

static size_t group_hash(const vl2_switch *sw, uint32_t seg, uint8_t family,
                         const uint8_t *addr) {
  uint64_t h = sw->cfg.hash_seed ^ 0x9e3779b97f4a7c15ull;
  h ^= (uint64_t)seg << 8 | family;
  h *= 0xff51afd7ed558ccdull;
  for (int i = 0; i < 16; i += 8) {
    uint64_t w;
    memcpy(&w, addr + i, 8);
    h ^= w;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 29;
  }
  h ^= h >> 32;
  return (size_t)h & sw->mdb->gmask;
}

/* A group map key (vl2_oamap.h): segment, family, 16-byte address. */
typedef struct group_key {
  uint32_t seg;
  uint8_t family;
  const uint8_t *addr;
} group_key;

static int group_match(const void *ctx, uint32_t idx, const void *vkey) {
  const mdb_group *g = &((const vl2_switch *)ctx)->mdb->groups[idx];
  const group_key *k = vkey;
  return g->seg == k->seg && g->family == k->family &&
         memcmp(g->addr, k->addr, 16) == 0;
}

static size_t group_home(const void *ctx, uint32_t idx) {
  const vl2_switch *sw = ctx;
  const mdb_group *o = &sw->mdb->groups[idx];
  return group_hash(sw, o->seg, o->family, o->addr);
}

static mdb_group *group_find(const vl2_switch *sw, uint32_t seg, uint8_t family,
                             const uint8_t *addr, size_t *slot) {
  const vl2_mdb_state *m = sw->mdb;
  group_key k = {seg, family, addr};
  size_t i =
      vl2_oamap_slot(m->gmap, m->gmask, group_hash(sw, seg, family, addr), &k,
                     group_match, sw);
  if (slot != NULL)
    *slot = i;
  return m->gmap[i] != 0 ? &m->groups[m->gmap[i] - 1] : NULL;
}

static void group_remove(vl2_switch *sw, mdb_group *g) {
  vl2_mdb_state *m = sw->mdb;
  size_t hole;
  group_find(sw, g->seg, g->family, g->addr, &hole);
  for (uint32_t i = g->head; i != NONE;) {
    uint32_t n = m->mem[i].next;
    member_put(m, i);
    i = n;
  }
  vl2_oamap_remove(m->gmap, m->gmask, hole, group_home, sw);
  m->segs[g->seg].n_groups--;
  m->segs[g->seg].st.groups--;
  m->st.groups--;
  g->in_use = 0;
  m->gfree[m->n_gfree++] = (uint32_t)(g - m->groups);
}

static int not_snooped4(const uint8_t *a) {
  return a[0] == 224 && a[1] == 0 && a[2] == 0; /* 224.0.0.0/24 */
}

static int not_snooped6(const uint8_t *a) {
  static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                        0,    0,    0, 0, 0, 0, 0, 1};
  return (a[1] & 0x0f) <= 1 || memcmp(a, all_nodes, 16) == 0;
}

/* A report from |dest| asks for |addr|. */
static void join(vl2_switch *sw, const vl2_segment *seg, uint8_t family,
                 const uint8_t *addr, uint32_t dest, uint32_t flags,
                 vl2_tstamp now) {
  vl2_mdb_state *m = sw->mdb;
  mdb_seg *s = &m->segs[seg->idx];
  uint8_t key[16] = {0};
  memcpy(key, addr, family == VL2_AF_INET ? 4 : 16);
  size_t slot;
  mdb_group *g = group_find(sw, seg->idx, family, key, &slot);
  if (g == NULL) {
    uint32_t lim = s->cfg.max_groups != 0 ? s->cfg.max_groups
                                          : m->cfg.max_groups_per_segment;
    uint16_t why = m->n_gfree == 0 ? 1 : lim != 0 && s->n_groups >= lim ? 2 : 0;
    if (why != 0) {
      CNT(sw, s, group_limit_hits);
      emit(sw, VL2_EV_MDB_LIMIT, why, seg->vni, family, key, dest, now);
      return;
    }
    uint32_t gi = m->gfree[--m->n_gfree];
    g = &m->groups[gi];
    memset(g, 0, sizeof(*g));
    g->in_use = 1;
    g->seg = seg->idx;
    g->family = family;
    memcpy(g->addr, key, 16);
    g->head = NONE;
    m->gmap[slot] = gi + 1;
    s->n_groups++;
    s->st.groups++;
    m->st.groups++;
  }
  uint32_t *prev;
  uint32_t i = list_find(m, &g->head, dest, &prev);
  if (i == NONE) {
    i = member_get(m);
    if (i == NONE) {
      g->overflow = 1;
      CNT(sw, s, member_limit_hits);
      emit(sw, VL2_EV_MDB_LIMIT, 3, seg->vni, family, key, dest, now);
      if (g->head == NONE)
        group_remove(sw, g);
      return;
    }
    m->mem[i].dest = dest;
    m->mem[i].next = g->head;
    g->head = i;
    g->n_members++;
    CNT(sw, s, joins);
    emit(sw, VL2_EV_MDB_JOIN, 0, seg->vni, family, key, dest, now);
  }
  mdb_member *e = &m->mem[i];
  e->flags = flags;
  e->expires = add_sat(now, m->cfg.membership_ns);
  arm(m, e->expires);
}

static void remove_member(vl2_switch *sw, mdb_group *g, uint32_t *prev,
                          uint32_t i) {
  vl2_mdb_state *m = sw->mdb;
  *prev = m->mem[i].next;
  member_put(m, i);
  g->n_members--;
  if (g->head == NONE)
    group_remove(sw, g);
}

static void send_query(vl2_switch *sw, const vl2_segment *seg, int v6,
                       const uint8_t *group, vl2_tstamp now);

/* A leave (v2 leave, MLD done, TO_IN{} / IS_IN{}) from |dest|. */
static void leave(vl2_switch *sw, const vl2_segment *seg, uint8_t family,
                  const uint8_t *addr, uint32_t dest, vl2_tstamp now) {
  vl2_mdb_state *m = sw->mdb;
  mdb_seg *s = &m->segs[seg->idx];
  uint8_t key[16] = {0};
  memcpy(key, addr, family == VL2_AF_INET ? 4 : 16);
  mdb_group *g = group_find(sw, seg->idx, family, key, NULL);
  if (g == NULL)
    return;
  uint32_t *prev;
  uint32_t i = list_find(m, &g->head, dest, &prev);
  if (i == NONE)
    return;
  if (!(dest & VL2_FDB_DEST_REMOTE) && dest < sw->cfg.max_ports &&
      m->fast_leave[dest]) {
    CNT(sw, s, leaves);
    emit(sw, VL2_EV_MDB_LEAVE, 0, seg->vni, family, key, dest, now);
    remove_member(sw, g, prev, i);
    return;
  }
  /* RFC 3376 section 6.4: membership lasts last member query time. */
  vl2_tstamp t = add_sat(now, m->cfg.last_member_count * m->cfg.last_member_ns);
  mdb_member *e = &m->mem[i];
  if (e->expires > t) {
    e->expires = t;
    e->flags |= VL2_MDB_E_LEAVING;
    arm(m, t);
  }
  int v6 = family == VL2_AF_INET6;
  if ((s->cfg.flags & VL2_MDB_F_QUERIER) && s->other_until[v6] <= now)
    send_query(sw, seg, v6, key, now);
}

/* A query from |dest| with source |src| (family |family|); |older|: an
 * IGMPv1/v2 or MLDv1 query. */
static void query_seen(vl2_switch *sw, const vl2_segment *seg, uint8_t family,
                       const uint8_t *src, int older, uint32_t dest,
                       vl2_tstamp now) {
  vl2_mdb_state *m = sw->mdb;
  mdb_seg *s = &m->segs[seg->idx];
  size_t alen = family == VL2_AF_INET ? 4 : 16;
  static const uint8_t zero[16] = {0};
  int v6 = family == VL2_AF_INET6;
  /* RFC 3376 section 7.3.1, RFC 3810 section 8.3.1: the lowest version
   * present, for the Older Version Querier Present Timeout (section
   * 8.12 / 9.12), whatever the election (hosts heard it too). */
  if (older)
    s->older_until[v6] =
        add_sat(now, m->cfg.robustness * m->cfg.query_interval_ns +
                         m->cfg.query_response_ns);
  if (memcmp(src, zero, alen) == 0)
    return; /* RFC 4541 section 2.1.1 (1): not a router */
  if (s->cfg.flags & VL2_MDB_F_QUERIER) {
    const uint8_t *ours =
        v6 ? s->cfg.querier_ip6.addr : s->cfg.querier_ip4.addr;
    /* RFC 3376 section 6.6.2: the lowest address is the querier. */
    if (memcmp(ours, zero, alen) == 0 || memcmp(src, ours, alen) < 0) {
      if (s->other_until[v6] <= now)
        CNT(sw, s, querier_lost);
      s->other_until[v6] = add_sat(now, m->cfg.router_ns);
      arm(m, s->other_until[v6]);
    }
  }
  if (dest == NONE)
    return;
  uint32_t *prev;
  uint32_t i = list_find(m, &s->routers, dest, &prev);
  if (i == NONE) {
    i = member_get(m);
    if (i == NONE) {
      CNT(sw, s, member_limit_hits);
      return;
    }
    m->mem[i].dest = dest;
    m->mem[i].flags = VL2_MDB_E_ROUTER;
    m->mem[i].next = s->routers;
    s->routers = i;
    emit(sw, VL2_EV_MDB_ROUTER, 1, seg->vni, VL2_AF_NONE, NULL, dest, now);
  }
  mdb_member *e = &m->mem[i];
  if (e->flags & (VL2_MDB_E_PERMANENT | E_ROUTER_OFF))
    return;
  e->expires = add_sat(now, m->cfg.router_ns);
  arm(m, e->expires);
}

/* ------------------------------------------------------------------ */
/* Validation and parsing                                               */

/* Is |src_dest| a destination snooping may record in |seg|: a member
 * port, or an endpoint of the flood list? */
static int dest_ok(const vl2_switch *sw, const vl2_segment *seg,
                   uint32_t src_dest) {
  if (src_dest == UINT32_MAX)
    return 0;
  if (!(src_dest & VL2_FDB_DEST_REMOTE))
    return src_dest < sw->cfg.max_ports && sw->ports[src_dest].in_use &&
           sw->ports[src_dest].seg2vid[seg->idx] != 0;
  uint32_t r = src_dest & ~VL2_FDB_DEST_REMOTE;
  for (uint32_t i = 0; i < seg->n_remotes; i++)
    if (seg->remotes[i] == r)
      return 1;
  return 0;
}

typedef struct report_rec {
  uint8_t type;
  uint8_t has_src;
  const uint8_t *group;
} report_rec;

/* Apply one group record (any-source: see mdb.h). */
static void apply_rec(vl2_switch *sw, const vl2_segment *seg, uint8_t family,
                      const report_rec *r, uint32_t dest, int may_record,
                      vl2_tstamp now) {
  mdb_seg *s = &sw->mdb->segs[seg->idx];
  int ns =
      family == VL2_AF_INET ? not_snooped4(r->group) : not_snooped6(r->group);
  if (ns || !may_record) {
    CNT(sw, s, ignored);
    return;
  }
  switch (r->type) {
  case REC_IS_EX:
  case REC_TO_EX:
    join(sw, seg, family, r->group, dest, 0, now);
    break;
  case REC_IS_IN:
  case REC_TO_IN:
  case REC_ALLOW:
    if (r->has_src)
      join(sw, seg, family, r->group, dest, VL2_MDB_E_SOURCES, now);
    else if (r->type != REC_ALLOW)
      leave(sw, seg, family, r->group, dest, now);
    break;
  default: /* BLOCK_OLD_SOURCES, unknown types: no change */
    break;
  }
}

/* Mark the router ports of |s|; returns how many. */
static uint32_t mark_routers(vl2_switch *sw, mdb_seg *s, uint32_t except,
                             vl2_tstamp now) {
  vl2_mdb_state *m = sw->mdb;
  uint32_t n = 0;
  for (uint32_t i = s->routers; i != NONE; i = m->mem[i].next) {
    const mdb_member *e = &m->mem[i];
    if ((e->flags & E_ROUTER_OFF) || e->expires <= now || e->dest == except)
      continue;
    if (e->dest & VL2_FDB_DEST_REMOTE)
      m->marks.remote[e->dest & ~VL2_FDB_DEST_REMOTE] = m->marks.gen;
    else
      m->marks.port[e->dest] = m->marks.gen;
    n++;
  }
  return n;
}

static void new_gen(vl2_switch *sw) {
  vl2_mdb_marks *mk = &sw->mdb->marks;
  if (++mk->gen == 0) {
    memset(mk->port, 0, sw->cfg.max_ports * sizeof(uint32_t));
    memset(mk->remote, 0, sw->cfg.max_remotes * sizeof(uint32_t));
    mk->gen = 1;
  }
}

/* A report: recorded; forwarded to router ports only. */
static int report_verdict(vl2_switch *sw, mdb_seg *s, uint32_t src_dest,
                          vl2_tstamp now) {
  new_gen(sw);
  return mark_routers(sw, s, src_dest, now) != 0 ? VL2_MDB_FWD_MARKED
                                                 : VL2_MDB_FWD_CONSUME;
}

static int is_group(uint8_t family, const uint8_t *a) {
  return family == VL2_AF_INET ? (a[0] & 0xf0) == 0xe0 : a[0] == 0xff;
}

/* An IGMP/MLD message that failed validation: counted, dropped. */
static int invalid(vl2_switch *sw, mdb_seg *s, vl2_tracer *T) {
  TCNT(sw, s, invalid);
  return VL2_MDB_FWD_DROP;
}

/* A query about |grp| (the unspecified address: general) from |src|;
 * |older| an IGMPv1/v2 or MLDv1 query. Flooded: queries reach every
 * host. */
static int query_input(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                       uint8_t family, const uint8_t *src, const uint8_t *grp,
                       int older, uint32_t src_dest, int rec_ok, vl2_tstamp now,
                       vl2_tracer *T) {
  static const uint8_t zero[16] = {0};
  if (!is_group(family, grp) &&
      memcmp(grp, zero, family == VL2_AF_INET ? 4 : 16) != 0)
    return invalid(sw, s, T);
  if (family == VL2_AF_INET)
    TCNT(sw, s, igmp_queries);
  else
    TCNT(sw, s, mld_queries);
  if (T == NULL)
    query_seen(sw, seg, family, src, older, rec_ok ? src_dest : NONE, now);
  return VL2_MDB_FWD_FLOOD;
}

/* An IGMPv1/v2 report or an MLDv1 report about |grp|, or (|leave|) an
 * IGMPv2 leave or MLDv1 done. */
static int report_v1(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                     uint8_t family, int leave, const uint8_t *grp,
                     uint32_t src_dest, int rec_ok, vl2_tstamp now,
                     vl2_tracer *T) {
  if (!is_group(family, grp))
    return invalid(sw, s, T);
  if (family == VL2_AF_INET && leave)
    TCNT(sw, s, igmp_leaves);
  else if (family == VL2_AF_INET)
    TCNT(sw, s, igmp_reports);
  else if (leave)
    TCNT(sw, s, mld_dones);
  else
    TCNT(sw, s, mld_reports);
  report_rec r = {leave ? REC_TO_IN : REC_IS_EX, 0, grp};
  if (T == NULL)
    apply_rec(sw, seg, family, &r, src_dest, rec_ok, now);
  return report_verdict(sw, s, src_dest, now);
}

/* The group records of an IGMPv3 (RFC 3376 section 4.2.4) or MLDv2
 * (RFC 3810 section 5.2.4) report: a header of |hdr| bytes (record type,
 * auxiliary data length in 32-bit words, number of sources, the group at
 * offset 4), the sources of |alen| bytes each, the auxiliary data. */
typedef struct report_layout {
  uint8_t family;
  uint8_t hdr;
  uint8_t alen;
} report_layout;

static const report_layout igmp3_layout = {VL2_AF_INET, 8, 4};
static const report_layout mld2_layout = {VL2_AF_INET6, 20, 16};

static size_t rec_len(const report_layout *L, const uint8_t *r) {
  return L->hdr + L->alen * (size_t)vl2_load_be16(r + 2) + 4 * (size_t)r[1];
}

/* An IGMPv3 or MLDv2 report of |len| bytes at |msg|: every record is
 * validated before any is applied. */
static int report_v3(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                     const report_layout *L, const uint8_t *msg, size_t len,
                     uint32_t src_dest, int rec_ok, vl2_tstamp now,
                     vl2_tracer *T) {
  uint32_t nrec = vl2_load_be16(msg + 6);
  size_t o = 8;
  for (uint32_t k = 0; k < nrec; k++) {
    if (o + L->hdr > len)
      return invalid(sw, s, T);
    size_t rl = rec_len(L, msg + o);
    if (o + rl > len || !is_group(L->family, msg + o + 4))
      return invalid(sw, s, T);
    o += rl;
  }
  if (L->family == VL2_AF_INET)
    TCNT(sw, s, igmp_reports);
  else
    TCNT(sw, s, mld_reports);
  o = 8;
  for (uint32_t k = 0; k < nrec && T == NULL; k++) {
    report_rec r = {msg[o], vl2_load_be16(msg + o + 2) != 0, msg + o + 4};
    apply_rec(sw, seg, L->family, &r, src_dest, rec_ok, now);
    o += rec_len(L, msg + o);
  }
  return report_verdict(sw, s, src_dest, now);
}

static int igmp_input(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                      const uint8_t *ip, size_t ihl, size_t tot,
                      uint32_t src_dest, vl2_tstamp now, vl2_tracer *T) {
  const uint8_t *ig = ip + ihl;
  size_t len = tot - ihl;
  if (vl2_csum_be_of(ip, ihl) != 0 || len < 8 || vl2_csum_be_of(ig, len) != 0)
    return invalid(sw, s, T);
  int rec_ok = dest_ok(sw, seg, src_dest);
  switch (ig[0]) {
  case IGMP_QUERY:
    if (len != 8 && len < 12)
      break; /* RFC 3376 section 7.1: ignore other lengths */
    /* An IGMPv3 query's sources must fit (section 4.1.8). */
    if (len >= 12 && len < 12 + 4 * (size_t)vl2_load_be16(ig + 10))
      return invalid(sw, s, T);
    return query_input(sw, seg, s, VL2_AF_INET, ip + 12, ig + 4, len == 8,
                       src_dest, rec_ok, now, T);
  case IGMP_V1_REPORT:
  case IGMP_V2_REPORT:
  case IGMP_V2_LEAVE:
    return report_v1(sw, seg, s, VL2_AF_INET, ig[0] == IGMP_V2_LEAVE, ig + 4,
                     src_dest, rec_ok, now, T);
  case IGMP_V3_REPORT:
    return report_v3(sw, seg, s, &igmp3_layout, ig, len, src_dest, rec_ok, now,
                     T);
  default:
    break;
  }
  return VL2_MDB_FWD_FLOOD; /* RFC 4541 section 2.1.2 (1): unknown types */
}

static int mld_input(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                     const uint8_t *ip6, const uint8_t *ic, size_t len,
                     uint32_t src_dest, vl2_tstamp now, vl2_tracer *T) {
  if (len < 24 || vl2_csum_icmp6(ip6 + 8, ip6 + 24, ic, len) != 0)
    return invalid(sw, s, T);
  int rec_ok = dest_ok(sw, seg, src_dest);
  switch (ic[0]) {
  case MLD_QUERY:
    /* MLDv1: 24 bytes; MLDv2: 28 and its sources (RFC 3810 section
     * 5.1.10). */
    if (len > 24 &&
        (len < 28 || len < 28 + 16 * (size_t)vl2_load_be16(ic + 26)))
      return invalid(sw, s, T);
    return query_input(sw, seg, s, VL2_AF_INET6, ip6 + 8, ic + 8, len == 24,
                       src_dest, rec_ok, now, T);
  case MLD_V1_REPORT:
  case MLD_V1_DONE:
    return report_v1(sw, seg, s, VL2_AF_INET6, ic[0] == MLD_V1_DONE, ic + 8,
                     src_dest, rec_ok, now, T);
  case MLD_V2_REPORT:
    return report_v3(sw, seg, s, &mld2_layout, ic, len, src_dest, rec_ok, now,
                     T);
  default:
    return VL2_MDB_FWD_FLOOD;
  }
}

/* Data to |addr|: mark members and router ports. */
static int data_verdict(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                        uint8_t family, const uint8_t *addr, uint32_t src_dest,
                        vl2_tstamp now, int *unreg, vl2_tracer *T) {
  vl2_mdb_state *m = sw->mdb;
  uint8_t key[16] = {0};
  memcpy(key, addr, family == VL2_AF_INET ? 4 : 16);
  mdb_group *g = group_find(sw, seg->idx, family, key, NULL);
  uint32_t live = 0;
  if (g != NULL && !g->overflow) {
    new_gen(sw);
    for (uint32_t i = g->head; i != NONE; i = m->mem[i].next) {
      const mdb_member *e = &m->mem[i];
      if (e->expires <= now)
        continue;
      live++;
      if (e->dest == src_dest)
        continue;
      if (e->dest & VL2_FDB_DEST_REMOTE)
        m->marks.remote[e->dest & ~VL2_FDB_DEST_REMOTE] = m->marks.gen;
      else
        m->marks.port[e->dest] = m->marks.gen;
    }
  }
  if (live != 0) {
    *unreg = 0;
    TCNT(sw, s, fwd_registered);
    mark_routers(sw, s, src_dest, now);
    return VL2_MDB_FWD_MARKED;
  }
  TCNT(sw, s, fwd_unregistered);
  if (s->cfg.unreg_policy != VL2_MDB_UNREG_ROUTERS)
    return VL2_MDB_FWD_FLOOD;
  new_gen(sw);
  mark_routers(sw, s, src_dest, now);
  return VL2_MDB_FWD_MARKED;
}

/* The MDB step of a trace for an IGMP/MLD message of |type| (a query
 * when |query|) that snooping answered with |mode|. */
static void trace_ctl(vl2_tracer *T, int mode, int query, uint8_t family,
                      const uint8_t *group) {
  uint16_t r = mode == VL2_MDB_FWD_DROP      ? VL2_TRACE_R_DROP
               : mode == VL2_MDB_FWD_MARKED  ? VL2_TRACE_R_REPORT
               : mode == VL2_MDB_FWD_CONSUME ? VL2_TRACE_R_CONSUMED
               : query                       ? VL2_TRACE_R_QUERY
                                             : VL2_TRACE_R_FLOODED;
  mstep(T, r, family, group, 0);
}

/* The MDB step of a trace for data to |group| that snooping answered
 * with |mode|. */
static void trace_data(vl2_tracer *T, int mode, int unreg, uint8_t family,
                       const uint8_t *group) {
  mstep(T,
        mode != VL2_MDB_FWD_MARKED ? VL2_TRACE_R_FLOODED
        : unreg                    ? VL2_TRACE_R_ROUTERS
                                   : VL2_TRACE_R_REGISTERED,
        family, group, 0);
}

/* Data (not IGMP/MLD) to |dst|: flooded to a group snooping leaves
 * alone, else by the MDB. */
static int data_input(vl2_switch *sw, const vl2_segment *seg, mdb_seg *s,
                      uint8_t family, const uint8_t *dst, uint32_t src_dest,
                      vl2_tstamp now, int *unreg, vl2_tracer *T) {
  if (family == VL2_AF_INET ? not_snooped4(dst) : not_snooped6(dst)) {
    TCNT(sw, s, fwd_link_local);
    if (T)
      mstep(T, VL2_TRACE_R_FLOODED, family, dst, 0);
    return VL2_MDB_FWD_FLOOD;
  }
  int mode = data_verdict(sw, seg, s, family, dst, src_dest, now, unreg, T);
  if (T)
    trace_data(T, mode, *unreg, family, dst);
  return mode;
}

int vl2_mdb_input(vl2_switch *sw, const vl2_segment *seg, const vl2_frame *f,
                  size_t l3off, uint16_t et, uint32_t src_dest, vl2_tstamp now,
                  int *unreg, vl2_tracer *T) {
  *unreg = 1;
  mdb_seg *s = &sw->mdb->segs[seg->idx];
  const uint8_t *d = f->data;
  size_t len = f->len;
  int mode;
  if (!s->on)
    goto flood;
  if (et == VL2_ETH_P_IPV4 && d[0] == 0x01 && d[1] == 0x00 && d[2] == 0x5e) {
    if (len < l3off + 20)
      goto flood;
    const uint8_t *ip = d + l3off;
    size_t ihl = (size_t)(ip[0] & 0x0f) * 4;
    size_t tot = vl2_load_be16(ip + 2);
    const uint8_t *dst = ip + 16;
    /* Not IP multicast as RFC 1112 section 6.4 maps it: flood. */
    if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || l3off + tot > len ||
        (dst[0] & 0xf0) != 0xe0 || (dst[1] & 0x7f) != d[3] || dst[2] != d[4] ||
        dst[3] != d[5])
      goto flood;
    if (ip[9] == 2 && (vl2_load_be16(ip + 6) & 0x3fff) == 0) {
      mode = igmp_input(sw, seg, s, ip, ihl, tot, src_dest, now, T);
      if (T)
        trace_ctl(T, mode, tot >= ihl + 8 && ip[ihl] == IGMP_QUERY, VL2_AF_INET,
                  dst);
      return mode;
    }
    return data_input(sw, seg, s, VL2_AF_INET, dst, src_dest, now, unreg, T);
  }
  if (et == VL2_ETH_P_IPV6 && d[0] == 0x33 && d[1] == 0x33) {
    if (len < l3off + 40)
      goto flood;
    const uint8_t *ip6 = d + l3off;
    size_t plen = vl2_load_be16(ip6 + 4);
    const uint8_t *dst = ip6 + 24;
    if ((ip6[0] >> 4) != 6 || l3off + 40 + plen > len || dst[0] != 0xff ||
        memcmp(dst + 12, d + 2, 4) != 0)
      goto flood;
    /* Hop-by-hop and destination options may precede MLD (RFC 3810
     * section 5: with a Router Alert option). */
    uint8_t nh = ip6[6];
    size_t o = 40;
    while ((nh == 0 || nh == 60) && o + 8 <= 40 + plen) {
      size_t hl = ((size_t)ip6[o + 1] + 1) * 8;
      if (o + hl > 40 + plen)
        break;
      nh = ip6[o];
      o += hl;
    }
    if (nh == 58 && o + 4 <= 40 + plen &&
        (ip6[o] == MLD_QUERY || ip6[o] == MLD_V1_REPORT ||
         ip6[o] == MLD_V1_DONE || ip6[o] == MLD_V2_REPORT)) {
      mode =
          mld_input(sw, seg, s, ip6, ip6 + o, 40 + plen - o, src_dest, now, T);
      if (T)
        trace_ctl(T, mode, ip6[o] == MLD_QUERY, VL2_AF_INET6, dst);
      return mode;
    }
    return data_input(sw, seg, s, VL2_AF_INET6, dst, src_dest, now, unreg, T);
  }
flood: /* snooping off, or not IP multicast: unchanged */
  if (T)
    mstep(T, VL2_TRACE_R_FLOODED, VL2_AF_NONE, NULL, 0);
  return VL2_MDB_FWD_FLOOD;
}

/* ------------------------------------------------------------------ */
/* The querier                                                          */

uint16_t vl2_mdb_exp_code(uint64_t v, unsigned mant_bits) {
  uint64_t min = 1ull << (mant_bits + 3);
  uint64_t max = ((2ull << mant_bits) - 1) << 10; /* (mant | 1 << bits) << 10 */
  if (v < min)
    return (uint16_t)v;
  if (v >= max)
    return (uint16_t)(2 * min - 1);
  unsigned top = 0; /* the highest bit set */
  while ((v >> top) > 1)
    top++;
  unsigned exp = top - (mant_bits + 3);
  uint64_t mant = (v >> (exp + 3)) & ((1ull << mant_bits) - 1);
  return (uint16_t)(min | (uint64_t)exp << mant_bits | mant);
}

/* A query for |group| (NULL: a general query), with the Router Alert
 * option: IGMPv3 (RFC 3376 section 4.1) or MLDv2 (RFC 3810 section 5.1)
 * when |v3|, else IGMPv2 (RFC 2236 section 2) or MLDv1 (RFC 2710 section
 * 3). General queries go to 224.0.0.1 / ff02::1, group-specific ones to
 * the group (RFC 3376 section 4.1.12, RFC 3810 section 5.1.15). */
static size_t build_query(const vl2_switch *sw, const mdb_seg *s, int v6,
                          int v3, const uint8_t *group, uint8_t *b) {
  const vl2_mdb_config *c = &sw->mdb->cfg;
  static const uint8_t zero[16] = {0};
  static const uint8_t all_hosts[4] = {224, 0, 0, 1};
  static const uint8_t all_nodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                        0,    0,    0, 0, 0, 0, 0, 1};
  const uint8_t *g = group != NULL ? group : zero;
  const uint8_t *dst = group != NULL ? group : v6 ? all_nodes : all_hosts;
  vl2_duration resp = group != NULL ? c->last_member_ns : c->query_response_ns;
  /* IP header with the Router Alert (RFC 2113 option, RFC 2711
   * hop-by-hop header), then the message. */
  size_t hlen = v6 ? 40 + 8 : 24;
  size_t mlen = v6 ? (v3 ? 28 : 24) : (v3 ? 12 : 8);
  uint8_t *ip = b + 14, *msg = ip + hlen;
  memcpy(b + 6, s->cfg.querier_mac.b, 6);
  memset(ip, 0, hlen + mlen);
  if (!v6) {
    b[0] = 0x01;
    b[1] = 0x00;
    b[2] = 0x5e;
    b[3] = dst[1] & 0x7f;
    b[4] = dst[2];
    b[5] = dst[3];
    vl2_store_be16(b + 12, VL2_ETH_P_IPV4);
    ip[0] = 0x46; /* IHL 6 */
    ip[1] = 0xc0; /* Internetwork Control */
    vl2_store_be16(ip + 2, (uint16_t)(hlen + mlen));
    ip[8] = 1; /* TTL */
    ip[9] = 2;
    memcpy(ip + 12, s->cfg.querier_ip4.addr, 4);
    memcpy(ip + 16, dst, 4);
    ip[20] = 0x94;
    ip[21] = 0x04;
    vl2_store_be16(ip + 10, vl2_csum_be_of(ip, hlen));
    msg[0] = IGMP_QUERY;
    uint64_t ds = resp / (100 * VL2_MS); /* units of 1/10 s */
    if (ds == 0)
      ds = 1;
    msg[1] = (uint8_t)(v3 ? vl2_mdb_exp_code(ds, 4) : ds > 255 ? 255 : ds);
    memcpy(msg + 4, g, 4);
  } else {
    b[0] = 0x33;
    b[1] = 0x33;
    memcpy(b + 2, dst + 12, 4);
    vl2_store_be16(b + 12, VL2_ETH_P_IPV6);
    vl2_store_be32(ip, 0x60000000u);
    vl2_store_be16(ip + 4, (uint16_t)(8 + mlen));
    ip[6] = 0; /* hop-by-hop */
    ip[7] = 1; /* hop limit */
    memcpy(ip + 8, s->cfg.querier_ip6.addr, 16);
    memcpy(ip + 24, dst, 16);
    uint8_t *hbh = ip + 40;
    hbh[0] = 58;
    hbh[2] = 5; /* Router Alert, value 0: MLD */
    hbh[3] = 2;
    hbh[6] = 1; /* PadN */
    msg[0] = MLD_QUERY;
    uint64_t ms = resp / VL2_MS;
    vl2_store_be16(msg + 4, v3 ? vl2_mdb_exp_code(ms, 12)
                               : (uint16_t)(ms > 65535 ? 65535 : ms));
    memcpy(msg + 8, g, 16);
  }
  if (v3) {
    /* Resv, S (clear: routers process it), QRV; QQIC; no sources (RFC
     * 3376 sections 4.1.5 to 4.1.8, RFC 3810 sections 5.1.7 to 5.1.10). */
    uint8_t *q = msg + mlen - 4;
    q[0] = (uint8_t)(c->robustness <= 7 ? c->robustness : 0);
    q[1] = (uint8_t)vl2_mdb_exp_code(c->query_interval_ns / VL2_SEC, 4);
  }
  if (!v6)
    vl2_store_be16(msg + 2, vl2_csum_be_of(msg, mlen));
  else
    vl2_store_be16(msg + 2, vl2_csum_icmp6(ip + 8, ip + 24, msg, mlen));
  return 14 + hlen + mlen;
}

/* Does |s| send IGMPv3 (!|v6|) or MLDv2 (|v6|) queries at |now|? */
static int query_v3(const mdb_seg *s, int v6, vl2_tstamp now) {
  int newest = v6 ? s->cfg.mld_version == VL2_MDB_MLD_V2
                  : s->cfg.igmp_version == VL2_MDB_IGMP_V3;
  return newest && s->older_until[v6] <= now;
}

static void send_query(vl2_switch *sw, const vl2_segment *seg, int v6,
                       const uint8_t *group, vl2_tstamp now) {
  mdb_seg *s = &sw->mdb->segs[seg->idx];
  uint8_t b[128];
  size_t len = build_query(sw, s, v6, query_v3(s, v6, now), group, b);
  if (vl2_txq_flood(sw, seg->idx, VL2_TX_MCAST_QUERY, b, len) == 0 &&
      group == NULL)
    CNT(sw, s, queries_sent);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

static void seg_flush(vl2_switch *sw, uint32_t seg_idx) {
  vl2_mdb_state *m = sw->mdb;
  for (uint32_t i = 0; i < m->cfg.max_groups; i++)
    if (m->groups[i].in_use && m->groups[i].seg == seg_idx)
      group_remove(sw, &m->groups[i]);
  mdb_seg *s = &m->segs[seg_idx];
  for (uint32_t i = s->routers; i != NONE;) {
    uint32_t n = m->mem[i].next;
    member_put(m, i);
    i = n;
  }
  s->routers = NONE;
}

int vl2_mdb_segment_set(vl2_switch *sw, uint32_t vni,
                        const vl2_mdb_segment_config *cfg, vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  vl2_mdb_segment_config c;
  memset(&c, 0, sizeof(c));
  if (cfg != NULL)
    c = *cfg;
  if ((c.flags & ~(VL2_MDB_F_SNOOP | VL2_MDB_F_QUERIER)) != 0 ||
      c.unreg_policy > VL2_MDB_UNREG_ROUTERS ||
      ((c.flags & VL2_MDB_F_QUERIER) && !(c.flags & VL2_MDB_F_SNOOP)) ||
      (c.querier_ip4.family != VL2_AF_NONE &&
       c.querier_ip4.family != VL2_AF_INET) ||
      (c.querier_ip6.family != VL2_AF_NONE &&
       c.querier_ip6.family != VL2_AF_INET6) ||
      (c.igmp_version != 0 && c.igmp_version != VL2_MDB_IGMP_V2 &&
       c.igmp_version != VL2_MDB_IGMP_V3) ||
      c.mld_version > VL2_MDB_MLD_V2 ||
      /* Room to grow: a later field may take a reserved one. */
      c.reserved != 0 || c.reserved1 != 0)
    return VL2_ERR_INVALID;
  if (c.igmp_version == 0)
    c.igmp_version = VL2_MDB_IGMP_V3;
  if (c.mld_version == 0)
    c.mld_version = VL2_MDB_MLD_V2;
  if (!(c.flags & VL2_MDB_F_SNOOP) && sw->mdb == NULL)
    return 0;
  if (sw->mdb == NULL) {
    int rv = vl2_mdb_setup(sw, NULL);
    if (rv != 0)
      return rv;
  }
  if (now < sw->now)
    now = sw->now;
  mdb_seg *s = &sw->mdb->segs[seg->idx];
  if (!(c.flags & VL2_MDB_F_SNOOP)) {
    seg_flush(sw, seg->idx);
    s->on = 0;
    memset(&s->cfg, 0, sizeof(s->cfg));
    return 0;
  }
  int was_querier = s->on && (s->cfg.flags & VL2_MDB_F_QUERIER);
  s->cfg = c;
  s->on = 1;
  if ((c.flags & VL2_MDB_F_QUERIER) && !was_querier) {
    for (int v = 0; v < 2; v++) {
      s->q_next[v] = now;
      s->q_startup[v] = sw->mdb->cfg.robustness;
      s->other_until[v] = 0;
    }
    arm(sw->mdb, now);
  }
  return 0;
}

int vl2_mdb_segment_get(const vl2_switch *sw, uint32_t vni,
                        vl2_mdb_segment_config *cfg) {
  if (sw == NULL || cfg == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (sw->mdb != NULL && sw->mdb->segs[seg->idx].on)
    *cfg = sw->mdb->segs[seg->idx].cfg;
  else
    memset(cfg, 0, sizeof(*cfg));
  return 0;
}

int vl2_mdb_router_set(vl2_switch *sw, uint32_t vni, uint32_t port,
                       const vl2_ipaddr *remote, unsigned mode,
                       vl2_tstamp now) {
  if (sw == NULL || mode > VL2_MDB_ROUTER_ON ||
      (port == VL2_PORT_REMOTE && remote == NULL))
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL || sw->mdb == NULL || !sw->mdb->segs[seg->idx].on)
    return VL2_ERR_NOTFOUND;
  uint32_t dest;
  if (port == VL2_PORT_REMOTE) {
    int32_t r = vl2_remote_lookup(&sw->rt, remote, 0);
    if (r < 0)
      return VL2_ERR_NOTFOUND;
    dest = VL2_FDB_DEST_REMOTE | (uint32_t)r;
    if (!dest_ok(sw, seg, dest))
      return VL2_ERR_NOTFOUND;
  } else {
    if (port >= sw->cfg.max_ports || !sw->ports[port].in_use ||
        sw->ports[port].seg2vid[seg->idx] == 0)
      return VL2_ERR_NOTFOUND;
    dest = port;
  }
  vl2_mdb_state *m = sw->mdb;
  mdb_seg *s = &m->segs[seg->idx];
  uint32_t *prev;
  uint32_t i = list_find(m, &s->routers, dest, &prev);
  if (mode == VL2_MDB_ROUTER_AUTO) {
    if (i != NONE && (m->mem[i].flags & (VL2_MDB_E_PERMANENT | E_ROUTER_OFF))) {
      *prev = m->mem[i].next;
      member_put(m, i);
    }
    return 0;
  }
  if (i == NONE) {
    i = member_get(m);
    if (i == NONE)
      return VL2_ERR_LIMIT;
    m->mem[i].dest = dest;
    m->mem[i].next = s->routers;
    s->routers = i;
  }
  m->mem[i].flags =
      VL2_MDB_E_ROUTER |
      (mode == VL2_MDB_ROUTER_ON ? VL2_MDB_E_PERMANENT : E_ROUTER_OFF);
  m->mem[i].expires = VL2_TSTAMP_NONE;
  (void)now;
  return 0;
}

int vl2_mdb_port_fast_leave(vl2_switch *sw, uint32_t port, int on) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return VL2_ERR_NOTFOUND;
  if (sw->mdb == NULL) {
    if (!on)
      return 0;
    int rv = vl2_mdb_setup(sw, NULL);
    if (rv != 0)
      return rv;
  }
  sw->mdb->fast_leave[port] = on != 0;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Inspection                                                           */

static void describe(const vl2_switch *sw, uint32_t dest, vl2_mdb_entry *e) {
  if (dest & VL2_FDB_DEST_REMOTE) {
    e->port = VL2_PORT_REMOTE;
    e->remote = sw->rt.remotes[dest & ~VL2_FDB_DEST_REMOTE].addr;
  } else {
    e->port = dest;
  }
}

int vl2_mdb_next(const vl2_switch *sw, uint64_t *cursor, vl2_mdb_entry *e,
                 vl2_tstamp now) {
  if (sw == NULL || cursor == NULL || e == NULL)
    return VL2_ERR_INVALID;
  const vl2_mdb_state *m = sw->mdb;
  if (m == NULL)
    return 0;
  /* Cursor: bit 63 router phase; bits 32..62 group or segment index;
   * bits 0..31 position in its list. */
  for (;;) {
    int routers = (*cursor >> 63) != 0;
    uint32_t idx = (uint32_t)(*cursor >> 32) & 0x7fffffffu;
    uint32_t pos = (uint32_t)*cursor;
    uint32_t limit = routers ? sw->cfg.max_segments : m->cfg.max_groups;
    if (idx >= limit) {
      if (routers)
        return 0;
      *cursor = 1ull << 63;
      continue;
    }
    uint32_t head = NONE;
    uint32_t seg_idx = idx;
    if (routers) {
      if (m->segs[idx].on)
        head = m->segs[idx].routers;
    } else if (m->groups[idx].in_use) {
      head = m->groups[idx].head;
      seg_idx = m->groups[idx].seg;
    }
    uint32_t i = head;
    for (uint32_t k = 0; i != NONE && k < pos; k++)
      i = m->mem[i].next;
    if (i == NONE) {
      *cursor = (*cursor & (1ull << 63)) | (uint64_t)(idx + 1) << 32;
      continue;
    }
    *cursor += 1;
    const mdb_member *me = &m->mem[i];
    if (me->expires <= now || (me->flags & E_ROUTER_OFF))
      continue;
    memset(e, 0, sizeof(*e));
    e->vni = sw->segs[seg_idx].vni;
    e->flags = me->flags;
    if (!routers) {
      const mdb_group *g = &m->groups[idx];
      e->group.family = g->family;
      memcpy(e->group.addr, g->addr, g->family == VL2_AF_INET ? 4 : 16);
    }
    describe(sw, me->dest, e);
    e->expires = me->expires;
    return 1;
  }
}

int vl2_mdb_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                size_t st_size, vl2_mdb_stats *st) {
  if (sw == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_mdb_stats full;
  memset(&full, 0, sizeof(full));
  if (vni == UINT32_MAX) {
    if (sw->mdb != NULL)
      full = sw->mdb->st;
    vl2_stats_copy(st, st_size, &full, sizeof(full));
    return 0;
  }
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  if (sw->mdb != NULL) {
    full = sw->mdb->segs[seg->idx].st;
    full.members = 0;
    const vl2_mdb_state *m = sw->mdb;
    for (uint32_t i = 0; i < m->cfg.max_groups; i++)
      if (m->groups[i].in_use && m->groups[i].seg == seg->idx)
        full.members += m->groups[i].n_members;
  }
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

/* ------------------------------------------------------------------ */
/* Hooks and timers                                                     */

void vl2_mdb_dest_gone(vl2_switch *sw, uint32_t seg_idx, uint32_t dest) {
  vl2_mdb_state *m = sw->mdb;
  if (m == NULL)
    return;
  for (uint32_t gi = 0; gi < m->cfg.max_groups; gi++) {
    mdb_group *g = &m->groups[gi];
    if (!g->in_use || (seg_idx != UINT32_MAX && g->seg != seg_idx))
      continue;
    uint32_t *prev;
    uint32_t i = list_find(m, &g->head, dest, &prev);
    if (i != NONE)
      remove_member(sw, g, prev, i);
  }
  for (uint32_t si = 0; si < sw->cfg.max_segments; si++) {
    if (seg_idx != UINT32_MAX && si != seg_idx)
      continue;
    uint32_t *prev;
    uint32_t i = list_find(m, &m->segs[si].routers, dest, &prev);
    if (i != NONE) {
      *prev = m->mem[i].next;
      member_put(m, i);
    }
  }
  if (!(dest & VL2_FDB_DEST_REMOTE) && dest < sw->cfg.max_ports &&
      seg_idx == UINT32_MAX)
    m->fast_leave[dest] = 0;
}

void vl2_mdb_segment_gone(vl2_switch *sw, uint32_t seg_idx) {
  if (sw->mdb == NULL)
    return;
  seg_flush(sw, seg_idx);
  mdb_seg *s = &sw->mdb->segs[seg_idx];
  memset(s, 0, sizeof(*s));
  s->routers = NONE;
}

vl2_tstamp vl2_mdb_next_deadline(const vl2_switch *sw) {
  return sw->mdb != NULL ? sw->mdb->next_at : VL2_TSTAMP_NONE;
}

/* Remove the entries of segment |seg_idx|'s list at |link| (a group's
 * members, or its router ports) that expired by |now|, each counted and
 * announced by event |type| (|reason|) about |family|/|addr|; *|next|
 * gets the earliest remaining expiry. Returns how many were removed. */
static uint32_t expire_list(vl2_switch *sw, uint32_t seg_idx, uint32_t *link,
                            uint16_t type, uint16_t reason, uint8_t family,
                            const uint8_t *addr, vl2_tstamp now,
                            vl2_tstamp *next) {
  vl2_mdb_state *m = sw->mdb;
  mdb_seg *s = &m->segs[seg_idx];
  uint32_t n = 0;
  while (*link != NONE) {
    uint32_t i = *link;
    mdb_member *e = &m->mem[i];
    if (e->expires > now) {
      if (e->expires < *next)
        *next = e->expires;
      link = &e->next;
      continue;
    }
    CNT(sw, s, expired);
    emit(sw, type, reason, sw->segs[seg_idx].vni, family, addr, e->dest,
         e->expires);
    *link = e->next;
    member_put(m, i);
    n++;
  }
  return n;
}

void vl2_mdb_run_timers(vl2_switch *sw, vl2_tstamp now) {
  vl2_mdb_state *m = sw->mdb;
  if (m == NULL || now < m->next_at)
    return;
  vl2_tstamp next = VL2_TSTAMP_NONE;
  for (uint32_t gi = 0; gi < m->cfg.max_groups; gi++) {
    mdb_group *g = &m->groups[gi];
    if (!g->in_use)
      continue;
    g->n_members -= expire_list(sw, g->seg, &g->head, VL2_EV_MDB_LEAVE, 1,
                                g->family, g->addr, now, &next);
    if (g->head == NONE)
      group_remove(sw, g);
  }
  for (uint32_t si = 0; si < sw->cfg.max_segments; si++) {
    mdb_seg *s = &m->segs[si];
    if (!s->on)
      continue;
    const vl2_segment *seg = &sw->segs[si];
    expire_list(sw, si, &s->routers, VL2_EV_MDB_ROUTER, 0, VL2_AF_NONE, NULL,
                now, &next);
    if (!(s->cfg.flags & VL2_MDB_F_QUERIER))
      continue;
    for (int v = 0; v < 2; v++) {
      if (s->other_until[v] > now) {
        if (s->other_until[v] < next)
          next = s->other_until[v];
        continue;
      }
      if (s->q_next[v] <= now) {
        send_query(sw, seg, v, NULL, now);
        vl2_duration iv = m->cfg.query_interval_ns;
        if (s->q_startup[v] > 0) {
          s->q_startup[v]--;
          iv /= 4; /* RFC 3376 section 8.6 startup query interval */
        }
        s->q_next[v] = add_sat(now, iv);
      }
      if (s->q_next[v] < next)
        next = s->q_next[v];
    }
  }
  m->next_at = next;
}

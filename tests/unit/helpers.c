/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
#include "helpers.h"

#include <string.h>
#include <stdio.h>
#include <stdlib.h>

uint16_t vl2t_csum(const uint8_t *p, size_t n, uint32_t sum) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

size_t vl2t_ip6_icmp(uint8_t *b, uint64_t src, const uint8_t *dst,
                     const uint8_t *ic, size_t iclen, int hbh) {
  static const uint8_t from[16] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0,
                                   0,    0,    0, 0, 0, 0, 0, 0x0a};
  b[0] = 0x33;
  b[1] = 0x33;
  memcpy(b + 2, dst + 12, 4);
  vl2_mac m = vl2t_mac(src);
  memcpy(b + 6, m.b, 6);
  b[12] = 0x86;
  b[13] = 0xdd;
  uint8_t *ip = b + 14;
  memset(ip, 0, 48);
  ip[0] = 0x60;
  size_t plen = iclen + (hbh ? 8 : 0);
  ip[4] = (uint8_t)(plen >> 8);
  ip[5] = (uint8_t)plen;
  ip[6] = hbh ? 0 : 58;
  ip[7] = 1;
  memcpy(ip + 8, from, 16);
  memcpy(ip + 24, dst, 16);
  uint8_t *p = ip + 40;
  if (hbh) {
    p[0] = 58;
    p[2] = 5;
    p[3] = 2;
    p[6] = 1;
    p += 8;
  }
  memcpy(p, ic, iclen);
  p[2] = p[3] = 0;
  uint32_t sum = 0;
  for (int i = 0; i < 32; i += 2)
    sum += (uint32_t)ip[8 + i] << 8 | ip[9 + i];
  sum += (uint32_t)iclen + 58;
  uint16_t c = vl2t_csum(p, iclen, sum);
  p[2] = (uint8_t)(c >> 8);
  p[3] = (uint8_t)c;
  return 14 + 40 + plen;
}

vl2_mac vl2t_mac(uint64_t v) {
  vl2_mac m;
  for (int i = 5; i >= 0; i--) {
    m.b[i] = (uint8_t)v;
    v >>= 8;
  }
  return m;
}

size_t vl2t_frame_tags(uint8_t *buf, uint64_t dst, uint64_t src,
                       const uint16_t *tpid, const uint16_t *tci, int ntags,
                       uint16_t et, size_t payload) {
  vl2_mac d = vl2t_mac(dst), s = vl2t_mac(src);
  memcpy(buf, d.b, 6);
  memcpy(buf + 6, s.b, 6);
  size_t off = 12;
  for (int i = 0; i < ntags; i++) {
    buf[off] = (uint8_t)(tpid[i] >> 8);
    buf[off + 1] = (uint8_t)tpid[i];
    buf[off + 2] = (uint8_t)(tci[i] >> 8);
    buf[off + 3] = (uint8_t)tci[i];
    off += 4;
  }
  buf[off] = (uint8_t)(et >> 8);
  buf[off + 1] = (uint8_t)et;
  off += 2;
  for (size_t i = 0; i < payload; i++)
    buf[off + i] = (uint8_t)i;
  return off + payload;
}

size_t vl2t_frame(uint8_t *buf, uint64_t dst, uint64_t src, int vid) {
  if (vid < 0)
    return vl2t_frame_tags(buf, dst, src, NULL, NULL, 0, 0x0800, 50);
  uint16_t tpid = VL2_TPID_8021Q, tci = (uint16_t)vid;
  return vl2t_frame_tags(buf, dst, src, &tpid, &tci, 1, 0x0800, 46);
}

vl2_switch *vl2t_switch(vl2t_mem *tm, uint32_t max_fdb,
                        vl2_duration ageing_ns) {
  vl2_switch_config cfg;
  ck_assert_int_eq(vl2_switch_config_default(&cfg), 0);
  cfg.max_fdb = max_fdb;
  cfg.ageing_ns = ageing_ns;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, tm != NULL ? &tm->mem : NULL), 0);
  ck_assert_ptr_nonnull(sw);
  return sw;
}

void vl2t_segment(vl2_switch *sw, uint32_t vni, uint32_t flags) {
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = flags;
  int rv = vl2_switch_segment_add(sw, vni, &sc);
  ck_assert(rv == 0 || rv == VL2_ERR_EXISTS);
}

void vl2t_access(vl2_switch *sw, uint32_t port, vl2_vid vid, uint32_t vni) {
  vl2t_segment(sw, vni, VL2_SEG_F_LEARN_REMOTE);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = vid;
  ck_assert_int_eq(vl2_switch_port_add(sw, port, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, port, vid, vni), 0);
}

void vl2t_trunk(vl2_switch *sw, uint32_t port, vl2_vid native) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_TRUNK);
  pc.pvid = native;
  ck_assert_int_eq(vl2_switch_port_add(sw, port, &pc), 0);
}

vl2_ipaddr vl2t_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  vl2_ipaddr ip;
  memset(&ip, 0, sizeof(ip));
  ip.family = VL2_AF_INET;
  ip.addr[0] = a;
  ip.addr[1] = b;
  ip.addr[2] = c;
  ip.addr[3] = d;
  return ip;
}

void vl2t_one(vl2_switch *sw, const uint8_t *data, size_t len, uint32_t port,
              vl2_verdict *v, vl2_dest *dests, vl2_tstamp now) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = port;
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, v, dests, 256, now), 1);
}

void vl2t_one_remote(vl2_switch *sw, const uint8_t *data, size_t len,
                     uint32_t vni, const vl2_ipaddr *r, vl2_verdict *v,
                     vl2_dest *dests, vl2_tstamp now) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = VL2_PORT_REMOTE;
  f.vni = vni;
  f.remote = *r;
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, v, dests, 256, now), 1);
}

const vl2_dest *vl2t_find_port(const vl2_verdict *v, const vl2_dest *dests,
                               uint32_t port) {
  if (v->action != VL2_ACT_FORWARD)
    return NULL;
  for (uint32_t i = 0; i < v->dest_cnt; i++) {
    const vl2_dest *d = &dests[v->dest_off + i];
    if (d->type == VL2_DEST_PORT && d->port == port)
      return d;
  }
  return NULL;
}

uint64_t vl2t_drops(const vl2_switch *sw, unsigned reason) {
  vl2_switch_stats st;
  ck_assert_int_eq(vl2_switch_get_stats(sw, &st), 0);
  return st.drops[reason];
}

int vl2t_count_events(vl2_switch *sw, uint16_t type) {
  vl2_event ev;
  int n = 0;
  while (vl2_switch_poll_event(sw, &ev) == 1)
    if (ev.type == type)
      n++;
  return n;
}

/* ---- state snapshots ---- */

void vl2t_snap_take(vl2t_snap *s, const vl2_switch *sw, const uint32_t *vnis,
                    size_t n_vni, vl2_tstamp now) {
  memset(s, 0, sizeof(*s));
  ck_assert_int_le(n_vni, VL2T_SNAP_SEGS);
  ck_assert_int_eq(vl2_switch_get_stats(sw, &s->st), 0);
  for (uint32_t p = 0; p < VL2T_SNAP_PORTS; p++) {
    s->port_rc[p] = vl2_switch_port_get_stats(sw, p, &s->ps[p]);
    if (s->port_rc[p] == 0)
      ck_assert_int_eq(vl2_storm_port_get_stats(sw, p, &s->sps[p]), 0);
  }
  s->n_vni = n_vni;
  for (size_t i = 0; i < n_vni; i++) {
    s->vni[i] = vnis[i];
    s->seg_rc[i] = vl2_switch_segment_get_stats(sw, vnis[i], &s->ss[i]);
    if (s->seg_rc[i] != 0)
      continue;
    ck_assert_int_eq(vl2_neigh_get_stats(sw, vnis[i], &s->ns[i]), 0);
    ck_assert_int_eq(vl2_storm_segment_get_stats(sw, vnis[i], &s->sss[i]), 0);
    ck_assert_int_eq(vl2_mdb_get_stats(sw, vnis[i], &s->ms[i]), 0);
  }
  ck_assert_int_eq(vl2_neigh_get_stats(sw, VL2_NEIGH_ALL_SEGMENTS, &s->ns_all),
                   0);
  ck_assert_int_eq(vl2_mdb_get_stats(sw, UINT32_MAX, &s->ms_all), 0);
  s->fdb_count = vl2_fdb_count(sw);
  s->neigh_count = vl2_neigh_count(sw);
  s->max_fanout = vl2_switch_max_fanout(sw);
  s->deadline = vl2_switch_next_deadline(sw);

  size_t cap = s->fdb_count + 1;
  s->fdb = calloc(cap, sizeof(*s->fdb));
  ck_assert_ptr_nonnull(s->fdb);
  uint64_t cur = 0;
  vl2_fdb_entry fe;
  memset(&fe, 0, sizeof(fe));
  while (vl2_fdb_next(sw, &cur, &fe, now) == 1) {
    ck_assert_uint_lt(s->n_fdb, cap);
    s->fdb[s->n_fdb++] = fe;
    memset(&fe, 0, sizeof(fe));
  }
  cap = s->neigh_count + 1;
  s->neigh = calloc(cap, sizeof(*s->neigh));
  ck_assert_ptr_nonnull(s->neigh);
  cur = 0;
  vl2_neigh_entry ne;
  memset(&ne, 0, sizeof(ne));
  while (vl2_neigh_next(sw, &cur, &ne, now) == 1) {
    ck_assert_uint_lt(s->n_neigh, cap);
    s->neigh[s->n_neigh++] = ne;
    memset(&ne, 0, sizeof(ne));
  }
  cap = (size_t)s->ms_all.members + 1;
  s->mdb = calloc(cap, sizeof(*s->mdb));
  ck_assert_ptr_nonnull(s->mdb);
  cur = 0;
  vl2_mdb_entry me;
  memset(&me, 0, sizeof(me));
  while (vl2_mdb_next(sw, &cur, &me, now) == 1) {
    ck_assert_uint_lt(s->n_mdb, cap);
    s->mdb[s->n_mdb++] = me;
    memset(&me, 0, sizeof(me));
  }
}

void vl2t_snap_free(vl2t_snap *s) {
  free(s->fdb);
  free(s->neigh);
  free(s->mdb);
  s->fdb = NULL;
  s->neigh = NULL;
  s->mdb = NULL;
}

/* The first differing uint64_t of two counter structs, or -1. */
static long u64_diff(const void *a, const void *b, size_t size) {
  const uint8_t *pa = a, *pb = b;
  for (size_t i = 0; i + 8 <= size; i += 8) {
    uint64_t x, y;
    memcpy(&x, pa + i, 8);
    memcpy(&y, pb + i, 8);
    if (x != y)
      return (long)(i / 8);
  }
  return memcmp(a, b, size) != 0 ? 0 : -1;
}

#define SNAP_STRUCT(what, fa, fb)                                              \
  do {                                                                         \
    long i_ = u64_diff(&(fa), &(fb), sizeof(fa));                              \
    if (i_ >= 0) {                                                             \
      uint64_t x_, y_;                                                         \
      memcpy(&x_, (const uint8_t *)&(fa) + 8 * i_, 8);                         \
      memcpy(&y_, (const uint8_t *)&(fb) + 8 * i_, 8);                         \
      snprintf(buf, sizeof(buf), "%s: counter #%ld (byte %ld) %llu != %llu",   \
               what, i_, 8 * i_, (unsigned long long)x_,                       \
               (unsigned long long)y_);                                        \
      return buf;                                                              \
    }                                                                          \
  } while (0)

const char *vl2t_snap_diff(const vl2t_snap *a, const vl2t_snap *b) {
  static char buf[256];
  char what[64];
  SNAP_STRUCT("switch stats", a->st, b->st);
  for (uint32_t p = 0; p < VL2T_SNAP_PORTS; p++) {
    if (a->port_rc[p] != b->port_rc[p]) {
      snprintf(buf, sizeof(buf), "port %u: exists %d vs %d", p, a->port_rc[p],
               b->port_rc[p]);
      return buf;
    }
    snprintf(what, sizeof(what), "port %u stats", p);
    SNAP_STRUCT(what, a->ps[p], b->ps[p]);
    snprintf(what, sizeof(what), "port %u storm stats", p);
    SNAP_STRUCT(what, a->sps[p], b->sps[p]);
  }
  if (a->n_vni != b->n_vni)
    return "different segment lists";
  for (size_t i = 0; i < a->n_vni; i++) {
    if (a->seg_rc[i] != b->seg_rc[i]) {
      snprintf(buf, sizeof(buf), "segment %u: exists %d vs %d", a->vni[i],
               a->seg_rc[i], b->seg_rc[i]);
      return buf;
    }
    snprintf(what, sizeof(what), "segment %u stats", a->vni[i]);
    SNAP_STRUCT(what, a->ss[i], b->ss[i]);
    snprintf(what, sizeof(what), "segment %u neigh stats", a->vni[i]);
    SNAP_STRUCT(what, a->ns[i], b->ns[i]);
    snprintf(what, sizeof(what), "segment %u storm stats", a->vni[i]);
    SNAP_STRUCT(what, a->sss[i], b->sss[i]);
    snprintf(what, sizeof(what), "segment %u mdb stats", a->vni[i]);
    SNAP_STRUCT(what, a->ms[i], b->ms[i]);
  }
  SNAP_STRUCT("neigh stats (all)", a->ns_all, b->ns_all);
  SNAP_STRUCT("mdb stats (all)", a->ms_all, b->ms_all);
  if (a->fdb_count != b->fdb_count || a->n_fdb != b->n_fdb) {
    snprintf(buf, sizeof(buf), "fdb: count %zu/%zu, live %zu/%zu", a->fdb_count,
             b->fdb_count, a->n_fdb, b->n_fdb);
    return buf;
  }
  for (size_t i = 0; i < a->n_fdb; i++)
    if (memcmp(&a->fdb[i], &b->fdb[i], sizeof(a->fdb[i])) != 0) {
      const vl2_fdb_entry *x = &a->fdb[i], *y = &b->fdb[i];
      snprintf(buf, sizeof(buf),
               "fdb entry %zu: %02x:%02x:%02x:%02x:%02x:%02x vni %u port %u "
               "flags %u expires %llu vs %02x:%02x:%02x:%02x:%02x:%02x vni "
               "%u port %u flags %u expires %llu",
               i, x->mac.b[0], x->mac.b[1], x->mac.b[2], x->mac.b[3],
               x->mac.b[4], x->mac.b[5], x->vni, x->port, x->flags,
               (unsigned long long)x->expires_at, y->mac.b[0], y->mac.b[1],
               y->mac.b[2], y->mac.b[3], y->mac.b[4], y->mac.b[5], y->vni,
               y->port, y->flags, (unsigned long long)y->expires_at);
      return buf;
    }
  if (a->neigh_count != b->neigh_count || a->n_neigh != b->n_neigh) {
    snprintf(buf, sizeof(buf), "neigh: count %zu/%zu, live %zu/%zu",
             a->neigh_count, b->neigh_count, a->n_neigh, b->n_neigh);
    return buf;
  }
  for (size_t i = 0; i < a->n_neigh; i++)
    if (memcmp(&a->neigh[i], &b->neigh[i], sizeof(a->neigh[i])) != 0) {
      snprintf(buf, sizeof(buf),
               "neigh entry %zu (%u.%u.%u.%u vni %u): state %u/%u flags "
               "%u/%u port %u/%u expires %llu/%llu",
               i, a->neigh[i].ip.addr[0], a->neigh[i].ip.addr[1],
               a->neigh[i].ip.addr[2], a->neigh[i].ip.addr[3], a->neigh[i].vni,
               a->neigh[i].state, b->neigh[i].state, a->neigh[i].flags,
               b->neigh[i].flags, a->neigh[i].port, b->neigh[i].port,
               (unsigned long long)a->neigh[i].expires_at,
               (unsigned long long)b->neigh[i].expires_at);
      return buf;
    }
  if (a->n_mdb != b->n_mdb) {
    snprintf(buf, sizeof(buf), "mdb: %zu rows vs %zu", a->n_mdb, b->n_mdb);
    return buf;
  }
  for (size_t i = 0; i < a->n_mdb; i++)
    if (memcmp(&a->mdb[i], &b->mdb[i], sizeof(a->mdb[i])) != 0) {
      snprintf(buf, sizeof(buf), "mdb row %zu differs (vni %u port %u)", i,
               a->mdb[i].vni, a->mdb[i].port);
      return buf;
    }
  if (a->max_fanout != b->max_fanout)
    return "max fan-out differs";
  if (a->deadline != b->deadline) {
    snprintf(buf, sizeof(buf), "next deadline %llu vs %llu",
             (unsigned long long)a->deadline, (unsigned long long)b->deadline);
    return buf;
  }
  return NULL;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* vl2_switch_trace() (<vl2/trace.h>) against its contract, through the
 * public API only:
 *
 *   - exact: for every frame, the verdict and destinations the trace
 *     reports are those vl2_switch_process() then decides for the same
 *     frame at the same time (as the first frame of a burst);
 *   - read-only: every counter (switch, port, segment, neighbour, storm,
 *     MDB), the FDB, neighbour and MDB dumps, the next deadline, the event
 *     queue and the output queue are the same after a trace;
 *   - the steps it reports name what decided the frame (per case below).
 *
 * The "differential" case does this for thousands of random frames drawn
 * from a small universe against a switch with every feature on, and runs
 * a twin switch that never traces beside it: any hidden state a trace
 * changes (move dampening trackers, storm buckets, the remote endpoint
 * table, the clock, snooping timers) shows as a divergence of the twins.
 * A mismatch prints the frame's bytes and the steps. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/trace.h>
#include <vl2/vl2.h>

#include "helpers.h"

#define T0 (1000 * VL2_SEC)
#define DCAP 256
#define SCAP 128

/* The segments every case reads back. */
static const uint32_t VNIS[] = {100, 200, 300, 400, 500};
#define N_VNIS (sizeof(VNIS) / sizeof(VNIS[0]))

static vl2t_mem tm;

/* ------------------------------------------------------------------ */
/* Running a trace and checking it                                     */

typedef struct tr {
  int rc;
  vl2_verdict v;
  vl2_dest d[DCAP];
  vl2_trace_step st[SCAP];
  size_t n;
} tr;

static vl2_frame fr_port(const uint8_t *data, size_t len, uint32_t port) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = port;
  return f;
}

static vl2_frame fr_remote(const uint8_t *data, size_t len, uint32_t vni,
                           vl2_ipaddr r) {
  vl2_frame f = fr_port(data, len, VL2_PORT_REMOTE);
  f.vni = vni;
  f.remote = r;
  return f;
}

static void print_frame(const vl2_frame *f, vl2_tstamp now) {
  fprintf(stderr, "frame: port %u vni %u remote %u.%u.%u.%u len %u now %llu\n",
          f->port, f->vni, f->remote.addr[0], f->remote.addr[1],
          f->remote.addr[2], f->remote.addr[3], f->len,
          (unsigned long long)now);
  for (uint32_t i = 0; f->data != NULL && i < f->len; i++)
    fprintf(stderr, "%02x%s", f->data[i], (i % 32 == 31) ? "\n" : "");
  fprintf(stderr, "\n");
}

static void print_steps(const tr *r) {
  size_t n = r->n < SCAP ? r->n : SCAP;
  for (size_t i = 0; i < n; i++) {
    const vl2_trace_step *s = &r->st[i];
    fprintf(stderr,
            "  step %zu: %s %s reason %s vid %u vni %u port %u aux %u "
            "mac %02x:%02x:%02x:%02x:%02x:%02x ip %u.%u.%u.%u value %llu\n",
            i, vl2_trace_kind_name(s->kind), vl2_trace_result_name(s->result),
            vl2_drop_reason_name(s->reason), s->vid, s->vni, s->port, s->aux,
            s->mac.b[0], s->mac.b[1], s->mac.b[2], s->mac.b[3], s->mac.b[4],
            s->mac.b[5], s->ip.addr[0], s->ip.addr[1], s->ip.addr[2],
            s->ip.addr[3], (unsigned long long)s->value);
  }
}

static void print_verdict(const char *who, int rc, const vl2_verdict *v,
                          const vl2_dest *d) {
  fprintf(stderr,
          "%s: rc %d action %u reason %s vni %u flags 0x%x dests %u:", who, rc,
          v->action, vl2_drop_reason_name(v->reason), v->vni, v->flags,
          v->dest_cnt);
  for (uint32_t i = 0; rc >= 0 && i < v->dest_cnt && i < DCAP; i++) {
    const vl2_dest *x = &d[v->dest_off + i];
    if (x->type == VL2_DEST_PORT)
      fprintf(stderr, " port%u/e%u/%u", x->port, x->edit, x->vid);
    else
      fprintf(stderr, " remote%u(%u.%u.%u.%u)/e%u/sp%u", x->remote_id,
              x->remote.addr[0], x->remote.addr[1], x->remote.addr[2],
              x->remote.addr[3], x->edit, x->udp_sport);
  }
  fprintf(stderr, "\n");
}

/* NULL when two destinations are the same, else what differs. */
static const char *dest_diff(const vl2_dest *a, const vl2_dest *b) {
  if (a->type != b->type)
    return "type";
  if (a->edit != b->edit)
    return "edit";
  if (a->vid != b->vid)
    return "vid";
  if (a->tpid != b->tpid)
    return "tpid";
  if (a->udp_sport != b->udp_sport)
    return "udp_sport";
  if (a->port != b->port)
    return "port";
  if (a->vni != b->vni)
    return "vni";
  if (a->type == VL2_DEST_REMOTE &&
      (a->remote_id != b->remote_id ||
       memcmp(&a->remote, &b->remote, sizeof(a->remote)) != 0))
    return "remote";
  return NULL;
}

/* NULL when two decisions (return code, verdict, destinations) are the
 * same, else what differs. */
static const char *decision_diff(int rca, const vl2_verdict *a,
                                 const vl2_dest *da, int rcb,
                                 const vl2_verdict *b, const vl2_dest *db) {
  static char buf[128];
  if (rca != rcb)
    return "return code";
  if (rca < 0)
    return NULL;
  if (a->action != b->action)
    return "action";
  if (a->reason != b->reason)
    return "reason";
  if (a->vni != b->vni)
    return "vni";
  if (a->flags != b->flags)
    return "flags";
  if (a->dest_cnt != b->dest_cnt)
    return "dest_cnt";
  if (a->reserved != b->reserved)
    return "reserved";
  for (uint32_t i = 0; i < a->dest_cnt; i++) {
    const char *w = dest_diff(&da[a->dest_off + i], &db[b->dest_off + i]);
    if (w != NULL) {
      snprintf(buf, sizeof(buf), "destination %u: %s", i, w);
      return buf;
    }
  }
  return NULL;
}

/* The contract's structural rules for a successful trace |r| of |f|;
 * NULL when they hold, else the rule broken. */
static const char *steps_rule(const tr *r, const vl2_frame *f) {
  static char buf[160];
  const vl2_verdict *v = &r->v;
  size_t n = r->n < SCAP ? r->n : SCAP;
  if (r->n < 2)
    return "fewer than two steps";
  if (r->st[0].kind != VL2_TRACE_INGRESS)
    return "first step is not ingress";
  const vl2_trace_step *in = &r->st[0];
  if (in->value != f->len)
    return "ingress value is not the frame's length";
  if (in->result == VL2_TRACE_R_PORT && f->port == VL2_PORT_REMOTE)
    return "ingress says port for a remote frame";
  if (in->result == VL2_TRACE_R_REMOTE && f->port != VL2_PORT_REMOTE)
    return "ingress says remote for a port frame";
  if (in->result != VL2_TRACE_R_PORT && in->result != VL2_TRACE_R_REMOTE &&
      in->result != VL2_TRACE_R_DROP)
    return "ingress result";
  if (in->port != f->port)
    return "ingress port";
  if (r->n <= SCAP) {
    const vl2_trace_step *ve = &r->st[n - 1];
    if (ve->kind != VL2_TRACE_VERDICT)
      return "last step is not the verdict";
    unsigned want = v->action == VL2_ACT_DROP       ? VL2_TRACE_R_DROP
                    : v->action == VL2_ACT_CONSUMED ? VL2_TRACE_R_CONSUMED
                    : (v->flags & VL2_VFLAG_FLOOD)  ? VL2_TRACE_R_FLOOD
                                                    : VL2_TRACE_R_FORWARD;
    if (ve->result != want) {
      snprintf(buf, sizeof(buf), "verdict step result %s, verdict wants %s",
               vl2_trace_result_name(ve->result), vl2_trace_result_name(want));
      return buf;
    }
    if (v->action == VL2_ACT_DROP && ve->reason != v->reason)
      return "verdict step reason";
    if (ve->value != (v->action == VL2_ACT_FORWARD ? v->dest_cnt : 0))
      return "verdict step value is not the destination count";
  }
  size_t taken = 0, verdicts = 0;
  for (size_t i = 0; i < n; i++) {
    const vl2_trace_step *s = &r->st[i];
    if (s->kind >= VL2_TRACE_KIND_COUNT || s->result >= VL2_TRACE_RESULT_COUNT)
      return "kind or result out of range";
    if (strcmp(vl2_trace_kind_name(s->kind), "unknown") == 0 ||
        strcmp(vl2_trace_result_name(s->result), "unknown") == 0)
      return "a step without a name";
    if (s->reserved != 0)
      return "reserved field set";
    if (s->kind == VL2_TRACE_VERDICT)
      verdicts++;
    if (s->result == VL2_TRACE_R_DROP &&
        (v->action != VL2_ACT_DROP || s->reason != v->reason)) {
      snprintf(buf, sizeof(buf), "step %zu drops (%s) but the verdict is %u/%s",
               i, vl2_drop_reason_name(s->reason), v->action,
               vl2_drop_reason_name(v->reason));
      return buf;
    }
    if (s->result != VL2_TRACE_R_DROP && s->reason != 0)
      return "a reason on a step that does not drop";
    /* The MAC each kind names: the destination for the FDB lookup, the
     * source for learning. */
    if (s->kind == VL2_TRACE_FDB_LOOKUP && f->data != NULL &&
        memcmp(s->mac.b, f->data, 6) != 0)
      return "fdb_lookup step's mac is not the destination MAC";
    if (s->kind == VL2_TRACE_LEARN && f->data != NULL &&
        memcmp(s->mac.b, f->data + 6, 6) != 0)
      return "learn step's mac is not the source MAC";
    if (s->kind == VL2_TRACE_CLASSIFY && s->aux != 0 &&
        s->aux != VL2_TPID_8021Q && s->aux != VL2_TPID_8021AD)
      return "classify step's aux is no TPID";
    /* Once classified, every step names the frame's segment. */
    if (s->kind > VL2_TRACE_CLASSIFY && v->vni != 0 && s->vni != v->vni) {
      snprintf(buf, sizeof(buf), "step %zu (%s) names segment %u, not %u", i,
               vl2_trace_kind_name(s->kind), s->vni, v->vni);
      return buf;
    }
    if (s->kind == VL2_TRACE_FLOOD_MEMBER && s->result == VL2_TRACE_R_TAKEN &&
        v->action == VL2_ACT_FORWARD && (v->flags & VL2_VFLAG_FLOOD)) {
      /* The members taken are the destinations, in order. */
      if (taken >= v->dest_cnt)
        return "more members taken than destinations";
      const vl2_dest *d = &r->d[v->dest_off + taken];
      if (s->port != d->port)
        return "taken member differs from its destination";
      if (d->type == VL2_DEST_REMOTE &&
          memcmp(&s->remote, &d->remote, sizeof(d->remote)) != 0)
        return "taken remote member differs from its destination";
      taken++;
    }
  }
  if (r->n <= SCAP && verdicts != 1)
    return "not exactly one verdict step";
  if (r->n <= SCAP && v->action == VL2_ACT_FORWARD &&
      (v->flags & VL2_VFLAG_FLOOD) && taken != v->dest_cnt)
    return "members taken != destinations";
  return NULL;
}

static void drain_events(vl2_switch *sw) {
  vl2_event ev;
  while (vl2_switch_poll_event(sw, &ev) == 1)
    ;
}

static int drain_tx(vl2_switch *sw, vl2_tstamp now) {
  uint8_t buf[2048];
  vl2_tx_meta m;
  int n = 0;
  while (vl2_switch_poll_tx(sw, buf, sizeof(buf), &m, now) > 0)
    n++;
  return n;
}

/* Options of check(). */
#define CK_KEEP_TX 0x1u /* leave the output queue as it is (else drained) */

/* Trace |f| at |now| (destination capacity |dcap|) into |r|, check that
 * nothing changed, then process it and check it was decided as traced.
 * Events are drained before the trace, and the output queue too unless
 * CK_KEEP_TX. Returns the rc of vl2_switch_process(). */
static int check_opt(vl2_switch *sw, const vl2_frame *f, vl2_tstamp now,
                     size_t dcap, unsigned opt, tr *r) {
  drain_events(sw);
  if (!(opt & CK_KEEP_TX))
    drain_tx(sw, now);
  vl2t_snap a, b;
  vl2t_snap_take(&a, sw, VNIS, N_VNIS, now);
  memset(r, 0, sizeof(*r));
  memset(&r->v, 0xa5, sizeof(r->v));
  r->rc = vl2_switch_trace(sw, f, now, &r->v, r->d, dcap, r->st, SCAP, &r->n);
  vl2t_snap_take(&b, sw, VNIS, N_VNIS, now);
  const char *diff = vl2t_snap_diff(&a, &b);
  vl2t_snap_free(&a);
  vl2t_snap_free(&b);
  if (diff != NULL) {
    print_frame(f, now);
    print_steps(r);
  }
  ck_assert_msg(diff == NULL, "the trace changed state: %s", diff);
  vl2_event ev;
  ck_assert_msg(vl2_switch_poll_event(sw, &ev) == 0,
                "the trace emitted event %u", ev.type);
  if (!(opt & CK_KEEP_TX))
    ck_assert_msg(drain_tx(sw, now) == 0, "the trace queued a frame");

  vl2_verdict pv;
  static vl2_dest pd[DCAP];
  memset(pd, 0, sizeof(pd));
  vl2_ssize prc = vl2_switch_process(sw, f, 1, &pv, pd, dcap, now);
  int prc_i = prc == 1 ? 0 : (int)prc;
  if (prc == 1)
    ck_assert_uint_eq(pv.dest_off, 0);
  if (r->rc == 0)
    ck_assert_uint_eq(r->v.dest_off, 0);
  diff = decision_diff(r->rc, &r->v, r->d, prc_i, &pv, pd);
  const char *rule = r->rc == 0 ? steps_rule(r, f) : NULL;
  if (diff != NULL || rule != NULL) {
    print_frame(f, now);
    print_verdict("trace  ", r->rc, &r->v, r->d);
    print_verdict("process", prc_i, &pv, pd);
    print_steps(r);
  }
  ck_assert_msg(diff == NULL, "trace and process differ: %s", diff);
  ck_assert_msg(rule == NULL, "trace steps: %s", rule);
  return prc_i;
}

static void check(vl2_switch *sw, const vl2_frame *f, vl2_tstamp now, tr *r) {
  ck_assert_int_eq(check_opt(sw, f, now, DCAP, 0, r), 0);
  ck_assert_int_eq(r->rc, 0);
}

/* The first step of |kind| at or after |from|, or -1. */
static int find(const tr *r, unsigned kind, int from) {
  size_t n = r->n < SCAP ? r->n : SCAP;
  for (size_t i = (size_t)from; i < n; i++)
    if (r->st[i].kind == kind)
      return (int)i;
  return -1;
}

/* The first step of |kind| with |result|, which must exist. */
static const vl2_trace_step *step(const tr *r, unsigned kind, unsigned result) {
  for (int i = find(r, kind, 0); i >= 0; i = find(r, kind, i + 1))
    if (r->st[i].result == result)
      return &r->st[i];
  print_steps(r);
  ck_abort_msg("no %s step with result %s", vl2_trace_kind_name(kind),
               vl2_trace_result_name(result));
  return NULL;
}

/* The FLOOD_MEMBER step of local port |port| (or remote |rem| when port
 * is VL2_PORT_REMOTE), which must exist and have |result|. */
static void member(const tr *r, uint32_t port, const vl2_ipaddr *rem,
                   unsigned result) {
  for (int i = find(r, VL2_TRACE_FLOOD_MEMBER, 0); i >= 0;
       i = find(r, VL2_TRACE_FLOOD_MEMBER, i + 1)) {
    const vl2_trace_step *s = &r->st[i];
    if (s->port != port)
      continue;
    if (port == VL2_PORT_REMOTE &&
        memcmp(s->remote.addr, rem->addr, sizeof(rem->addr)) != 0)
      continue;
    if (s->result != result)
      print_steps(r);
    ck_assert_msg(s->result == result, "member %u: %s, expected %s", port,
                  vl2_trace_result_name(s->result),
                  vl2_trace_result_name(result));
    return;
  }
  print_steps(r);
  ck_abort_msg("no flood member step for port %u", port);
}

/* The steps' (kind, result) pairs in |want| appear in this order. */
typedef struct kr {
  uint16_t kind, result;
} kr;
static void expect_seq(const tr *r, const kr *want, size_t n_want) {
  size_t n = r->n < SCAP ? r->n : SCAP, j = 0;
  for (size_t i = 0; i < n && j < n_want; i++)
    if (r->st[i].kind == want[j].kind && r->st[i].result == want[j].result)
      j++;
  if (j != n_want)
    print_steps(r);
  ck_assert_msg(j == n_want, "step %s/%s missing or out of order",
                vl2_trace_kind_name(want[j].kind),
                vl2_trace_result_name(want[j].result));
}
#define EXPECT_SEQ(r, ...)                                                     \
  do {                                                                         \
    static const kr w_[] = {__VA_ARGS__};                                      \
    expect_seq((r), w_, sizeof(w_) / sizeof(w_[0]));                           \
  } while (0)

static int mac_is(const vl2_mac *m, uint64_t v) {
  vl2_mac w = vl2t_mac(v);
  return memcmp(m->b, w.b, 6) == 0;
}

/* ------------------------------------------------------------------ */
/* Frames                                                               */

static void put_mac(uint8_t *p, uint64_t v) {
  vl2_mac m = vl2t_mac(v);
  memcpy(p, m.b, 6);
}

/* An IPv4/UDP frame with |ntags| tags (TPIDs/TCIs) and |pl| payload
 * bytes. */
static size_t ipf(uint8_t *b, uint64_t dst, uint64_t src, int ntags,
                  const uint16_t *tpid, const uint16_t *tci, size_t pl) {
  return vl2t_frame_tags(b, dst, src, tpid, tci, ntags, 0x0800, pl);
}

/* An untagged IPv4 frame of 64 bytes. */
static size_t plain(uint8_t *b, uint64_t dst, uint64_t src) {
  return ipf(b, dst, src, 0, NULL, NULL, 50);
}

/* One 802.1Q tag with |vid|. */
static size_t tagged(uint8_t *b, uint64_t dst, uint64_t src, uint16_t vid) {
  uint16_t tp = VL2_TPID_8021Q;
  return ipf(b, dst, src, 1, &tp, &vid, 46);
}

/* An ARP frame (RFC 826), untagged; IPs 10.0.0.x. */
static size_t arp(uint8_t *b, uint16_t op, uint64_t dst, uint64_t src,
                  uint64_t sha, uint8_t spa, uint64_t tha, uint8_t tpa) {
  memset(b, 0, 60);
  put_mac(b, dst);
  put_mac(b + 6, src);
  b[12] = 0x08;
  b[13] = 0x06;
  static const uint8_t hdr[6] = {0, 1, 8, 0, 6, 4};
  memcpy(b + 14, hdr, 6);
  b[20] = (uint8_t)(op >> 8);
  b[21] = (uint8_t)op;
  put_mac(b + 22, sha);
  if (spa != 0) {
    b[28] = 10;
    b[31] = spa;
  }
  put_mac(b + 32, tha);
  b[38] = 10;
  b[41] = tpa;
  return 60;
}

/* An IPv4 frame from |src| (10.0.0.11) to IPv4 |dst| (the MAC derived from
 * it when multicast, else |dmac|) with protocol |proto| and payload |pl|;
 * the payload's checksum at |csum_off| when not negative. */
static size_t ip4(uint8_t *b, uint64_t dmac, uint64_t src, const uint8_t *dst,
                  uint8_t proto, const uint8_t *pl, size_t plen, int csum_off) {
  if (dst[0] >= 224 && dst[0] <= 239) {
    b[0] = 0x01;
    b[1] = 0x00;
    b[2] = 0x5e;
    b[3] = dst[1] & 0x7f;
    b[4] = dst[2];
    b[5] = dst[3];
  } else {
    put_mac(b, dmac);
  }
  put_mac(b + 6, src);
  b[12] = 0x08;
  b[13] = 0x00;
  uint8_t *ip = b + 14;
  memset(ip, 0, 20);
  ip[0] = 0x45;
  ip[2] = (uint8_t)((20 + plen) >> 8);
  ip[3] = (uint8_t)(20 + plen);
  ip[8] = 1;
  ip[9] = proto;
  ip[12] = 10;
  ip[15] = 11;
  memcpy(ip + 16, dst, 4);
  uint16_t c = vl2t_csum(ip, 20, 0);
  ip[10] = (uint8_t)(c >> 8);
  ip[11] = (uint8_t)c;
  memcpy(ip + 20, pl, plen);
  if (csum_off >= 0) {
    uint8_t *p = ip + 20;
    p[csum_off] = p[csum_off + 1] = 0;
    c = vl2t_csum(p, plen, 0);
    p[csum_off] = (uint8_t)(c >> 8);
    p[csum_off + 1] = (uint8_t)c;
  }
  return 14 + 20 + plen;
}

/* IGMPv2 |type| (0x16 report, 0x17 leave, 0x11 query) about |group|. */
static size_t igmp(uint8_t *b, uint64_t src, uint8_t type,
                   const uint8_t *group) {
  static const uint8_t all_hosts[4] = {224, 0, 0, 1};
  static const uint8_t all_routers[4] = {224, 0, 0, 2};
  uint8_t m[8] = {type, type == 0x11 ? 100 : 0, 0, 0, 0, 0, 0, 0};
  memcpy(m + 4, group, 4);
  const uint8_t *to = type == 0x11   ? all_hosts
                      : type == 0x17 ? all_routers
                                     : group;
  return ip4(b, 0, src, to, 2, m, 8, 2);
}

static size_t udp_to(uint8_t *b, uint64_t src, const uint8_t *group) {
  uint8_t pl[32];
  memset(pl, 0xab, sizeof(pl));
  return ip4(b, 0, src, group, 17, pl, sizeof(pl), -1);
}

/* An IPv6 neighbour solicitation (|type| 135) or advertisement (136,
 * |flags| R/S/O) about 2001:db8::|tgt|, from 2001:db8::|from| (0: ::),
 * with a link-layer address option carrying |lla| (0: none), untagged
 * from |src| to |dst| (0: the solicited-node or all-nodes group). */
static size_t nd(uint8_t *b, uint8_t type, uint64_t dst, uint64_t src,
                 uint8_t from, uint8_t tgt, uint8_t flags, uint64_t lla) {
  size_t plen = 24 + (lla != 0 ? 8 : 0);
  memset(b, 0, 14 + 40 + plen);
  if (dst != 0) {
    put_mac(b, dst);
  } else if (type == 135) {
    static const uint8_t sn[6] = {0x33, 0x33, 0xff, 0, 0, 0};
    memcpy(b, sn, 6);
    b[5] = tgt;
  } else {
    static const uint8_t all[6] = {0x33, 0x33, 0, 0, 0, 1};
    memcpy(b, all, 6);
  }
  put_mac(b + 6, src);
  b[12] = 0x86;
  b[13] = 0xdd;
  uint8_t *ip = b + 14;
  ip[0] = 0x60;
  ip[5] = (uint8_t)plen;
  ip[6] = 58;
  ip[7] = 255;
  if (from != 0) {
    ip[8] = 0x20;
    ip[9] = 0x01;
    ip[10] = 0x0d;
    ip[11] = 0xb8;
    ip[23] = from;
  }
  if (type == 135 && dst == 0) {
    static const uint8_t sn[13] = {0xff, 0x02, 0, 0, 0, 0,   0,
                                   0,    0,    0, 0, 1, 0xff};
    memcpy(ip + 24, sn, 13);
    ip[39] = tgt;
  } else if (dst == 0) {
    ip[24] = 0xff;
    ip[25] = 0x02;
    ip[39] = 1;
  } else {
    ip[24] = 0x20;
    ip[25] = 0x01;
    ip[26] = 0x0d;
    ip[27] = 0xb8;
    ip[39] = 99;
  }
  uint8_t *ic = ip + 40;
  ic[0] = type;
  ic[4] = flags;
  ic[8] = 0x20;
  ic[9] = 0x01;
  ic[10] = 0x0d;
  ic[11] = 0xb8;
  ic[23] = tgt;
  if (lla != 0) {
    ic[24] = type == 135 ? 1 : 2;
    ic[25] = 1;
    put_mac(ic + 26, lla);
  }
  /* Checksum over the pseudo-header (RFC 8200 section 8.1). */
  uint32_t sum = 0;
  for (int i = 8; i < 40; i += 2)
    sum += (uint32_t)ip[i] << 8 | ip[i + 1];
  sum += (uint32_t)plen + 58;
  uint16_t c = vl2t_csum(ic, plen, sum);
  ic[2] = (uint8_t)(c >> 8);
  ic[3] = (uint8_t)c;
  return 14 + 40 + plen;
}

/* MLD: |k| 0 a v2 report joining (CHANGE_TO_EXCLUDE) |group|, 1 a v2
 * report leaving it (TO_INCLUDE, no source), 2 a v1 report, 3 a v1 done,
 * 4 a general query, else UDP data to the group. */
static size_t mld(uint8_t *b, uint64_t src, uint32_t k, const uint8_t *group) {
  static const uint8_t all[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                  0,    0,    0, 0, 0, 0, 0, 1};
  static const uint8_t v2[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0,
                                 0,    0,    0, 0, 0, 0, 0, 0x16};
  uint8_t ic[28];
  memset(ic, 0, sizeof(ic));
  if (k <= 1) {
    ic[0] = 143;
    ic[7] = 1;
    ic[8] = k == 0 ? 4 : 3;
    memcpy(ic + 12, group, 16);
    return vl2t_ip6_icmp(b, src, v2, ic, 28, 1);
  }
  if (k <= 3) {
    ic[0] = k == 2 ? 131 : 132;
    memcpy(ic + 8, group, 16);
    return vl2t_ip6_icmp(b, src, k == 2 ? group : all, ic, 24, 1);
  }
  if (k == 4) {
    ic[0] = 130;
    ic[4] = 0x27;
    ic[5] = 0x10;
    return vl2t_ip6_icmp(b, src, all, ic, 24, 1);
  }
  size_t n = vl2t_ip6_icmp(b, src, group, ic, 16, 0);
  b[14 + 6] = 17; /* UDP: data, no checksum checked */
  return n;
}

/* ------------------------------------------------------------------ */
/* The switch of the cases                                             */

/* MACs */
#define MA VL2T_MAC(0xa)
#define MB VL2T_MAC(0xb)
#define MC VL2T_MAC(0xc)
#define MX VL2T_MAC(0xee) /* never seen */

static vl2_ipaddr R1, R2, R3;

static void add_port(vl2_switch *sw, uint32_t port, uint8_t mode, vl2_vid pvid,
                     uint32_t flags) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, mode);
  pc.pvid = pvid;
  pc.flags = flags;
  ck_assert_int_eq(vl2_switch_port_add(sw, port, &pc), 0);
}

/* Segment 100 (ARP suppression) and 200 (strict remotes):
 *   port 1  access VLAN 10 -> 100
 *   port 2  access VLAN 10 -> 100, spoof guard
 *   port 3  trunk: VLAN 10 -> 100, VLAN 20 -> 200, no native VLAN
 *   port 4  access VLAN 10 -> 100, no unknown-unicast flooding
 *   port 5  802.1ad trunk: S-VLAN 30 -> 100
 *   port 6  access VLAN 20 -> 200
 *   remotes R1, R2 in 100; R1 in 200; R3 in none.
 * Overlay settings with a 1500-byte underlay MTU. */
static vl2_switch *world(const vl2_switch_config *cfg_in) {
  vl2t_mem_init(&tm);
  R1 = vl2t_ip4(192, 0, 2, 1);
  R2 = vl2t_ip4(192, 0, 2, 2);
  R3 = vl2t_ip4(192, 0, 2, 3);
  vl2_switch_config cfg;
  if (cfg_in != NULL)
    cfg = *cfg_in;
  else
    vl2_switch_config_default(&cfg);
  cfg.max_ports = 16;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, &tm.mem), 0);
  vl2t_segment(sw, 100, VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_ARP_SUPPRESS);
  vl2t_segment(sw, 200, VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES);
  add_port(sw, 1, VL2_PORT_ACCESS, 10, VL2_PORT_F_DEFAULT);
  add_port(sw, 2, VL2_PORT_ACCESS, 10,
           VL2_PORT_F_DEFAULT | VL2_PORT_F_SPOOF_GUARD);
  add_port(sw, 3, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT);
  add_port(sw, 4, VL2_PORT_ACCESS, 10,
           VL2_PORT_F_DEFAULT & ~VL2_PORT_F_FLOOD_UNKNOWN);
  add_port(sw, 5, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT | VL2_PORT_F_QINQ);
  add_port(sw, 6, VL2_PORT_ACCESS, 20, VL2_PORT_F_DEFAULT);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 2, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 3, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 3, 20, 200), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 4, 10, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 5, 30, 100), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 6, 20, 200), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &R1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &R2), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 200, &R1), 0);
  vl2_vxlan_config vc;
  ck_assert_int_eq(vl2_vxlan_config_default(&vc), 0);
  vc.underlay_mtu = 1500;
  ck_assert_int_eq(vl2_switch_set_overlay(sw, &vc), 0);
  return sw;
}

static void done(vl2_switch *sw) {
  vl2_switch_del(sw);
  VL2T_ASSERT_NO_LEAKS(&tm);
}

/* Process one frame (no trace). */
static void feed(vl2_switch *sw, const vl2_frame *f, vl2_tstamp now) {
  vl2_verdict v;
  static vl2_dest d[DCAP];
  ck_assert_int_eq(vl2_switch_process(sw, f, 1, &v, d, DCAP, now), 1);
}

/* Teach the switch |mac| on |port| (a frame to an unknown MAC). */
static void learn_at(vl2_switch *sw, uint64_t mac, uint32_t port,
                     vl2_tstamp now) {
  uint8_t b[128];
  vl2_frame f = fr_port(b, plain(b, MX, mac), port);
  feed(sw, &f, now);
}

static void learn_remote(vl2_switch *sw, uint64_t mac, uint32_t vni,
                         vl2_ipaddr r, vl2_tstamp now) {
  uint8_t b[128];
  vl2_frame f = fr_remote(b, plain(b, MX, mac), vni, r);
  feed(sw, &f, now);
}

static void add_static_neigh(vl2_switch *sw, uint32_t vni, uint8_t ip,
                             uint64_t mac) {
  vl2_neigh_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = vni;
  e.ip = vl2t_ip4(10, 0, 0, ip);
  e.mac = vl2t_mac(mac);
  e.port = VL2_NEIGH_PORT_ANY;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &e), 0);
}

/* ------------------------------------------------------------------ */
/* Cases                                                                */

START_TEST(known_unicast) {
  vl2_switch *sw = world(NULL);
  learn_at(sw, MA, 1, T0);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, MA, MB), 2);
  check(sw, &f, T0 + 1, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(r.v.dest_cnt, 1);
  ck_assert_uint_eq(r.d[0].port, 1);
  EXPECT_SEQ(&r, {VL2_TRACE_INGRESS, VL2_TRACE_R_PORT},
             {VL2_TRACE_CLASSIFY, VL2_TRACE_R_UNTAGGED},
             {VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_HIT},
             {VL2_TRACE_LEARN, VL2_TRACE_R_NEW},
             {VL2_TRACE_VERDICT, VL2_TRACE_R_FORWARD});
  const vl2_trace_step *s = step(&r, VL2_TRACE_CLASSIFY, VL2_TRACE_R_UNTAGGED);
  ck_assert_uint_eq(s->vid, 10);
  ck_assert_uint_eq(s->vni, 100);
  ck_assert_uint_eq(s->aux, 0);
  s = step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_HIT);
  ck_assert_uint_eq(s->port, 1);
  ck_assert(mac_is(&s->mac, MA));
  ck_assert_uint_eq(s->aux, 0);
  ck_assert_uint_eq(s->value, T0 + 300 * VL2_SEC); /* its expiry */
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_NEW);
  ck_assert(mac_is(&s->mac, MB));
  /* The trace did not learn MB; the process that followed did. */
  ck_assert_uint_eq(r.v.flags, VL2_VFLAG_LEARNED);
  vl2_fdb_entry e;
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &s->mac, &e, T0 + 1), 0);

  /* Tagged from the trunk, to an access port: the tag is popped. */
  uint16_t tp = VL2_TPID_8021Q, tci = 10;
  vl2_frame g = fr_port(b, ipf(b, MA, MC, 1, &tp, &tci, 46), 3);
  check(sw, &g, T0 + 2, &r);
  s = step(&r, VL2_TRACE_CLASSIFY, VL2_TRACE_R_TAGGED);
  ck_assert_uint_eq(s->vid, 10);
  ck_assert_uint_eq(s->aux, VL2_TPID_8021Q);
  ck_assert_int_eq(r.d[0].edit, VL2_EDIT_POP);
  /* Priority-tagged from an access port. */
  tci = 0;
  vl2_frame h = fr_port(b, ipf(b, MA, MB, 1, &tp, &tci, 46), 2);
  check(sw, &h, T0 + 3, &r);
  step(&r, VL2_TRACE_CLASSIFY, VL2_TRACE_R_PRIORITY_TAGGED);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_REFRESH);
  done(sw);
}
END_TEST

START_TEST(unknown_unicast) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, MX, MA), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  ck_assert_uint_eq(r.v.flags, VL2_VFLAG_FLOOD | VL2_VFLAG_LEARNED);
  ck_assert_uint_eq(r.v.dest_cnt, 5); /* ports 2, 3, 5; R1, R2 */
  EXPECT_SEQ(&r, {VL2_TRACE_INGRESS, VL2_TRACE_R_PORT},
             {VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_MISS},
             {VL2_TRACE_LEARN, VL2_TRACE_R_NEW},
             {VL2_TRACE_FLOOD_MEMBER, VL2_TRACE_R_SKIP_INGRESS},
             {VL2_TRACE_VERDICT, VL2_TRACE_R_FLOOD});
  member(&r, 1, NULL, VL2_TRACE_R_SKIP_INGRESS);
  member(&r, 2, NULL, VL2_TRACE_R_TAKEN);
  member(&r, 3, NULL, VL2_TRACE_R_TAKEN);
  member(&r, 4, NULL, VL2_TRACE_R_SKIP_FLOOD_OFF);
  member(&r, 5, NULL, VL2_TRACE_R_TAKEN);
  member(&r, VL2_PORT_REMOTE, &R1, VL2_TRACE_R_TAKEN);
  member(&r, VL2_PORT_REMOTE, &R2, VL2_TRACE_R_TAKEN);
  const vl2_trace_step *v = step(&r, VL2_TRACE_VERDICT, VL2_TRACE_R_FLOOD);
  ck_assert_uint_eq(v->value, 5);
  done(sw);
}
END_TEST

START_TEST(broadcast) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, VL2T_BCAST, MA), 1);
  check(sw, &f, T0, &r);
  ck_assert_uint_eq(r.v.dest_cnt, 6);
  step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_GROUP);
  member(&r, 4, NULL, VL2_TRACE_R_TAKEN);
  member(&r, 1, NULL, VL2_TRACE_R_SKIP_INGRESS);
  /* Again, now MA is known: a refresh. */
  check(sw, &f, T0 + VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_REFRESH);
  ck_assert_uint_eq(r.v.flags, VL2_VFLAG_FLOOD);
  done(sw);
}
END_TEST

START_TEST(arp_suppressed) {
  vl2_switch *sw = world(NULL);
  add_static_neigh(sw, 100, 5, MC);
  uint8_t b[128];
  tr r;
  vl2_frame f =
      fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 11, 0, 5), 1); /* who-has .5 */
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_CONSUMED);
  const vl2_trace_step *s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_ANSWERED);
  ck_assert_uint_eq(s->ip.family, VL2_AF_INET);
  ck_assert_uint_eq(s->ip.addr[3], 5);
  ck_assert(mac_is(&s->mac, MC));
  ck_assert_uint_eq(s->aux, 1);
  step(&r, VL2_TRACE_VERDICT, VL2_TRACE_R_CONSUMED);
  /* The process that followed queued the reply (the trace did not). */
  ck_assert_int_eq(drain_tx(sw, T0), 1);
  /* A miss is flooded. */
  vl2_frame g = fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 11, 0, 99), 1);
  check(sw, &g, T0, &r);
  step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_FLOODED);
  step(&r, VL2_TRACE_VERDICT, VL2_TRACE_R_FLOOD);
  done(sw);
}
END_TEST

START_TEST(arp_queue_full) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.tx_queue_cap = 1;
  vl2_switch *sw = world(&cfg);
  add_static_neigh(sw, 100, 5, MC);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 11, 0, 5), 1);
  check_opt(sw, &f, T0, DCAP, CK_KEEP_TX, &r);
  step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_ANSWERED);
  /* The reply waits in the queue (cap 1): the next one cannot. */
  check_opt(sw, &f, T0, DCAP, CK_KEEP_TX, &r);
  step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_QUEUE_FULL);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  ck_assert_int_eq(drain_tx(sw, T0), 1);
  done(sw);
}
END_TEST

START_TEST(arp_bind) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  /* GARP: sender and target IP the same. */
  vl2_frame f = fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 7, 0, 7), 1);
  check(sw, &f, T0, &r);
  const vl2_trace_step *s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->ip.addr[3], 7);
  ck_assert(mac_is(&s->mac, MA));
  ck_assert_uint_eq(s->value, VL2_TRACE_BIND_NEW);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  vl2_ipaddr ip = vl2t_ip4(10, 0, 0, 7);
  vl2_neigh_entry ne;
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &ip, &ne, T0), 0);
  /* Again: the same binding; then .7 claimed by MC: a move. */
  check(sw, &f, T0 + VL2_SEC, &r);
  s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->value, VL2_TRACE_BIND_SAME);
  vl2_frame m = fr_port(b, arp(b, 1, VL2T_BCAST, MC, MC, 7, 0, 7), 1);
  check(sw, &m, T0 + VL2_SEC, &r);
  s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->value, VL2_TRACE_BIND_MOVE);
  ck_assert(mac_is(&s->mac, MC));
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &ip, &ne, T0 + VL2_SEC), 0);
  ck_assert(memcmp(ne.mac.b, vl2t_mac(MC).b, 6) == 0);
  /* A static binding is never learned over. */
  add_static_neigh(sw, 100, 9, MB);
  vl2_frame n = fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 9, 0, 9), 1);
  check(sw, &n, T0 + VL2_SEC, &r);
  s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->value, VL2_TRACE_BIND_NONE);
  /* A unicast reply from another host to the known MA binds .8. */
  vl2_frame g = fr_port(b, arp(b, 2, MA, MB, MB, 8, MA, 7), 3);
  uint8_t t[128];
  memcpy(t, b, 12);
  t[12] = 0x81;
  t[13] = 0x00;
  t[14] = 0;
  t[15] = 10;
  memcpy(t + 16, b + 12, 48);
  g = fr_port(t, 64, 3);
  check(sw, &g, T0, &r);
  s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->ip.addr[3], 8);
  step(&r, VL2_TRACE_VERDICT, VL2_TRACE_R_FORWARD);
  /* A probe binds nothing. */
  vl2_frame h = fr_port(b, arp(b, 1, VL2T_BCAST, MC, MC, 0, 0, 9), 1);
  check(sw, &h, T0, &r);
  step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_PROBE);
  done(sw);
}
END_TEST

START_TEST(spoof_guard) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  /* Port 2 guards: the ARP sender MAC is not the frame's source. */
  vl2_frame f = fr_port(b, arp(b, 2, VL2T_BCAST, MA, MB, 7, 0, 7), 2);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_DROP);
  ck_assert_int_eq(r.v.reason, VL2_DROP_ARP_SPOOF);
  const vl2_trace_step *s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_DROP);
  ck_assert_int_eq(s->reason, VL2_DROP_ARP_SPOOF);
  ck_assert_int_lt(find(&r, VL2_TRACE_LEARN, 0), 0); /* learns nothing */
  done(sw);
}
END_TEST

START_TEST(vlan_hop) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  /* Two C-tags on a trunk: the classic double-tagging hop. */
  uint16_t tp[2] = {VL2_TPID_8021Q, VL2_TPID_8021Q}, tci[2] = {10, 20};
  vl2_frame f = fr_port(b, ipf(b, MX, MA, 2, tp, tci, 42), 3);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_STACKED_TAG);
  const vl2_trace_step *s = step(&r, VL2_TRACE_CLASSIFY, VL2_TRACE_R_DROP);
  ck_assert_int_eq(s->reason, VL2_DROP_STACKED_TAG);
  /* An S-tag with a C-tag inside on the 802.1ad port: flooded only where
   * it keeps an outer tag (the trunk), never to access ports or
   * remotes. */
  uint16_t tp2[2] = {VL2_TPID_8021AD, VL2_TPID_8021Q}, tci2[2] = {30, 5};
  vl2_frame g = fr_port(b, ipf(b, MX, MA, 2, tp2, tci2, 42), 5);
  check(sw, &g, T0, &r);
  s = step(&r, VL2_TRACE_CLASSIFY, VL2_TRACE_R_TAGGED);
  ck_assert_uint_eq(s->aux, VL2_TPID_8021AD);
  ck_assert_uint_eq(s->vid, 30);
  member(&r, 1, NULL, VL2_TRACE_R_SKIP_STACKED_TAG);
  member(&r, 3, NULL, VL2_TRACE_R_TAKEN);
  member(&r, VL2_PORT_REMOTE, &R1, VL2_TRACE_R_SKIP_STACKED_TAG);
  ck_assert_uint_eq(r.v.dest_cnt, 1);
  /* Known unicast to an access port: dropped. */
  learn_at(sw, MB, 1, T0);
  vl2_frame h = fr_port(b, ipf(b, MB, MA, 2, tp2, tci2, 42), 5);
  check(sw, &h, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_STACKED_TAG);
  step(&r, VL2_TRACE_UNICAST, VL2_TRACE_R_DROP);
  /* A C-tag alone on the 802.1ad port. */
  uint16_t c = VL2_TPID_8021Q, ci = 30;
  vl2_frame k = fr_port(b, ipf(b, MX, MA, 1, &c, &ci, 46), 5);
  check(sw, &k, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_QINQ);
  done(sw);
}
END_TEST

START_TEST(ingress_rules) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  static const struct {
    uint32_t port;
    int vid; /* -1 untagged */
    uint16_t reason;
  } cases[] = {
      {1, 10, VL2_DROP_TAGGED_ON_ACCESS},  {3, 99, VL2_DROP_VLAN_NOT_ALLOWED},
      {3, -1, VL2_DROP_UNTAGGED_ON_TRUNK}, {3, 0xfff, VL2_DROP_VID_RESERVED},
      {9, -1, VL2_DROP_PORT_UNKNOWN},      {1000, -1, VL2_DROP_PORT_UNKNOWN},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    size_t len = cases[i].vid < 0 ? plain(b, MX, MA)
                                  : tagged(b, MX, MA, (uint16_t)cases[i].vid);
    vl2_frame f = fr_port(b, len, cases[i].port);
    check(sw, &f, T0, &r);
    ck_assert_msg(r.v.reason == cases[i].reason, "case %zu: %s", i,
                  vl2_drop_reason_name(r.v.reason));
    step(&r, VL2_TRACE_VERDICT, VL2_TRACE_R_DROP);
  }
  /* Runts, from a port and from a remote. */
  vl2_frame f = fr_port(b, 13, 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_RUNT);
  f = fr_remote(b, 10, 100, R1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_RUNT);
  /* No segment for a VNI. */
  f = fr_remote(b, plain(b, MX, MA), 777, R1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_NO_SEGMENT);
  /* A tagged inner frame from a remote. */
  f = fr_remote(b, tagged(b, MX, MA, 5), 100, R1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_REMOTE_TAGGED);
  done(sw);
}
END_TEST

START_TEST(address_checks) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, 0x0180c2000000ULL, MA), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_RESERVED_GROUP);
  const vl2_trace_step *s = step(&r, VL2_TRACE_ADDRESS_CHECK, VL2_TRACE_R_DROP);
  ck_assert_int_eq(s->reason, VL2_DROP_RESERVED_GROUP);
  f = fr_port(b, plain(b, MX, 0x01005e010101ULL), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_SRC_MULTICAST);
  step(&r, VL2_TRACE_ADDRESS_CHECK, VL2_TRACE_R_DROP);
  f = fr_port(b, plain(b, MX, 0), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_SRC_ZERO);
  done(sw);
}
END_TEST

START_TEST(storm_limited) {
  vl2_switch *sw = world(NULL);
  vl2_storm_port_config pc;
  memset(&pc, 0, sizeof(pc));
  pc.rate[VL2_STORM_BCAST].pps = 1;
  pc.rate[VL2_STORM_BCAST].burst_frames = 2;
  ck_assert_int_eq(vl2_storm_port_set(sw, 1, &pc, T0), 0);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, VL2T_BCAST, MA), 1);
  check(sw, &f, T0, &r); /* token 1 of 2 */
  step(&r, VL2_TRACE_STORM, VL2_TRACE_R_OK);
  for (int i = 0; i < 5; i++) { /* traces take no token */
    vl2_verdict v;
    ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v, r.d, DCAP, NULL, 0, NULL),
                     0);
    ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  }
  check(sw, &f, T0, &r); /* token 2 of 2 */
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  /* The bucket is empty now (the second process took the last token). */
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_STORM_CONTROL);
  const vl2_trace_step *s = step(&r, VL2_TRACE_STORM, VL2_TRACE_R_DROP);
  ck_assert_uint_eq(s->aux, VL2_STORM_BCAST);
  ck_assert_uint_eq(s->port, 1);
  /* One token back after a second: many traces, then one process passes
   * and the next is dropped. */
  vl2_tstamp t1 = T0 + VL2_SEC;
  for (int i = 0; i < 10; i++) {
    vl2_verdict v;
    ck_assert_int_eq(vl2_switch_trace(sw, &f, t1, &v, r.d, DCAP, NULL, 0, NULL),
                     0);
    ck_assert_int_eq(v.action, VL2_ACT_FORWARD);
  }
  check(sw, &f, t1, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  check(sw, &f, t1, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_STORM_CONTROL);
  /* Unicast is never policed. */
  learn_at(sw, MB, 2, t1);
  vl2_frame g = fr_port(b, plain(b, MB, MA), 1);
  check(sw, &g, t1, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);

  /* A segment budget: 3 copies, then nothing (fan-out 6 > burst 3 never
   * conforms; fan-out 1 does). */
  vl2_storm_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.budget.pps = 1;
  sc.budget.burst_frames = 8;
  ck_assert_int_eq(vl2_storm_segment_set(sw, 100, &sc, t1), 0);
  vl2_frame h = fr_port(b, plain(b, VL2T_BCAST, MC), 2);
  check(sw, &h, t1, &r); /* 6 copies of 8 */
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  check(sw, &h, t1, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_STORM_CONTROL);
  s = step(&r, VL2_TRACE_STORM, VL2_TRACE_R_DROP);
  ck_assert_uint_eq(s->port, VL2_PORT_REMOTE);
  ck_assert_uint_eq(s->value, 6); /* the copies it would charge */
  done(sw);
}
END_TEST

START_TEST(remote_strict) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_remote(b, plain(b, MX, MA), 200, R1);
  check(sw, &f, T0, &r);
  EXPECT_SEQ(&r, {VL2_TRACE_INGRESS, VL2_TRACE_R_REMOTE},
             {VL2_TRACE_CLASSIFY, VL2_TRACE_R_VNI},
             {VL2_TRACE_REMOTE_CHECK, VL2_TRACE_R_FLOOD_LIST},
             {VL2_TRACE_VERDICT, VL2_TRACE_R_FLOOD});
  const vl2_trace_step *s = step(&r, VL2_TRACE_INGRESS, VL2_TRACE_R_REMOTE);
  ck_assert_uint_eq(s->port, VL2_PORT_REMOTE);
  ck_assert_uint_eq(s->vni, 200);
  ck_assert_mem_eq(s->remote.addr, R1.addr, 4);
  member(&r, 3, NULL, VL2_TRACE_R_TAKEN);
  member(&r, 6, NULL, VL2_TRACE_R_TAKEN);
  member(&r, VL2_PORT_REMOTE, &R1, VL2_TRACE_R_SKIP_SPLIT_HORIZON);
  /* R3 is no member. */
  vl2_frame g = fr_remote(b, plain(b, MX, MB), 200, R3);
  check(sw, &g, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_REMOTE_NOT_MEMBER);
  s = step(&r, VL2_TRACE_INGRESS, VL2_TRACE_R_REMOTE);
  ck_assert_uint_eq(s->aux, UINT32_MAX); /* not in the table */
  step(&r, VL2_TRACE_REMOTE_CHECK, VL2_TRACE_R_DROP);
  /* ... unless the control plane names R3 for the source MAC. */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 200;
  e.mac = vl2t_mac(MB);
  e.flags = VL2_FDB_F_REMOTE;
  e.port = VL2_PORT_REMOTE;
  e.remote = R3;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  check(sw, &g, T0, &r);
  step(&r, VL2_TRACE_REMOTE_CHECK, VL2_TRACE_R_CONTROL_PLANE);
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_STATIC);
  ck_assert_uint_eq(s->value, 0);
  /* A learning remote frame into 100 (not strict): the endpoint R3 is
   * created by learning only. */
  vl2_frame h = fr_remote(b, plain(b, MX, MC), 100, R3);
  check(sw, &h, T0, &r);
  ck_assert_int_lt(find(&r, VL2_TRACE_REMOTE_CHECK, 0), 0);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_NEW);
  done(sw);
}
END_TEST

START_TEST(split_horizon_and_mtu) {
  vl2_switch *sw = world(NULL);
  learn_remote(sw, MB, 100, R2, T0);
  uint8_t b[2048];
  tr r;
  vl2_frame f = fr_remote(b, plain(b, MB, MA), 100, R1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_SPLIT_HORIZON);
  step(&r, VL2_TRACE_UNICAST, VL2_TRACE_R_DROP);
  /* Known unicast to a remote: fits, then too large. */
  vl2_frame g = fr_port(b, plain(b, MB, MC), 1);
  check(sw, &g, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  ck_assert_int_eq(r.d[0].type, VL2_DEST_REMOTE);
  ck_assert_uint_ne(r.d[0].udp_sport, 0);
  step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_HIT);
  g = fr_port(b, ipf(b, MB, MC, 0, NULL, NULL, 1480), 1);
  check(sw, &g, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_OVERLAY_MTU);
  /* A large flood: the remotes are skipped, the ports take it. */
  g = fr_port(b, ipf(b, MX, MC, 0, NULL, NULL, 1480), 1);
  check(sw, &g, T0, &r);
  member(&r, VL2_PORT_REMOTE, &R1, VL2_TRACE_R_SKIP_MTU);
  member(&r, VL2_PORT_REMOTE, &R2, VL2_TRACE_R_SKIP_MTU);
  member(&r, 2, NULL, VL2_TRACE_R_TAKEN);
  ck_assert_uint_eq(r.v.dest_cnt, 3);
  /* Flood from a remote into a segment with no other member: nothing. */
  vl2_frame h = fr_remote(b, plain(b, MX, MA), 200, R1);
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 3, 20), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_del(sw, 6, 20), 0);
  check(sw, &h, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_NO_DESTINATION);
  done(sw);
}
END_TEST

START_TEST(learning) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.move_threshold = 2;
  vl2_switch *sw = world(&cfg);
  uint8_t b[128];
  tr r;
  vl2_frame f1 = fr_port(b, plain(b, MX, MA), 1);
  vl2_frame f2 = fr_port(b, plain(b, MX, MA), 2);
  check(sw, &f1, T0, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_NEW);
  check(sw, &f1, T0 + VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_REFRESH);
  /* Move 1 to port 2 (traced many times first: tracked once). */
  for (int i = 0; i < 5; i++) {
    vl2_verdict v;
    ck_assert_int_eq(
        vl2_switch_trace(sw, &f2, T0 + VL2_SEC, &v, r.d, DCAP, NULL, 0, NULL),
        0);
  }
  check(sw, &f2, T0 + VL2_SEC, &r);
  const vl2_trace_step *s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_MOVE);
  ck_assert_uint_eq(s->port, 1); /* where it was */
  ck_assert_uint_eq(r.v.flags & VL2_VFLAG_MOVED, VL2_VFLAG_MOVED);
  /* Move 2 back: still allowed (threshold 2). */
  check(sw, &f1, T0 + VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_MOVE);
  /* Move 3 would freeze it. */
  check(sw, &f2, T0 + VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_FROZEN);
  ck_assert_uint_eq(r.v.flags & VL2_VFLAG_FROZEN, VL2_VFLAG_FROZEN);
  /* Frozen now. */
  check(sw, &f2, T0 + 2 * VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_FROZEN);

  /* Static entries stay: a conflict elsewhere, none in place. */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(MB);
  e.port = 3;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  vl2_frame g = fr_port(b, plain(b, MX, MB), 1);
  check(sw, &g, T0 + 2 * VL2_SEC, &r);
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_STATIC);
  ck_assert_uint_eq(s->value, 1);
  ck_assert_uint_eq(s->aux & VL2_FDB_F_STATIC, VL2_FDB_F_STATIC);
  uint16_t tp = VL2_TPID_8021Q, tci = 10;
  g = fr_port(b, ipf(b, MX, MB, 1, &tp, &tci, 46), 3);
  check(sw, &g, T0 + 2 * VL2_SEC, &r);
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_STATIC);
  ck_assert_uint_eq(s->value, 0);
  /* A static destination: flags STATIC, never expires. */
  g = fr_port(b, plain(b, MB, MA), 2);
  check(sw, &g, T0 + 2 * VL2_SEC, &r);
  s = step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_HIT);
  ck_assert_uint_eq(s->aux, VL2_FDB_F_STATIC);
  ck_assert_uint_eq(s->value, VL2_TSTAMP_NONE);
  ck_assert_uint_eq(s->port, 3);

  /* The port's MAC limit. */
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.max_macs = 1;
  ck_assert_int_eq(vl2_switch_port_set(sw, 1, &pc), 0);
  g = fr_port(b, plain(b, MX, MC), 1);
  check(sw, &g, T0 + 2 * VL2_SEC, &r); /* MA is on port 1 already */
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_LIMIT);
  ck_assert_uint_eq(s->aux, VL2_LIMIT_PORT);
  ck_assert_uint_eq(r.v.flags & VL2_VFLAG_LIMIT, VL2_VFLAG_LIMIT);

  /* Learning off. */
  pc.flags &= ~VL2_PORT_F_LEARN;
  pc.max_macs = 0;
  ck_assert_int_eq(vl2_switch_port_set(sw, 1, &pc), 0);
  check(sw, &g, T0 + 2 * VL2_SEC, &r);
  step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_OFF);

  /* The remote's MAC limit does not exist; the segment's does. */
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES;
  sc.max_macs = 1;
  ck_assert_int_eq(vl2_switch_segment_set(sw, 200, &sc), 0);
  learn_at(sw, MA, 6, T0 + 2 * VL2_SEC);
  g = fr_port(b, plain(b, MX, MC), 6);
  check(sw, &g, T0 + 2 * VL2_SEC, &r);
  s = step(&r, VL2_TRACE_LEARN, VL2_TRACE_R_LIMIT);
  ck_assert_uint_eq(s->aux, VL2_LIMIT_SEGMENT);

  /* An entry past its expiry is a miss. */
  learn_at(sw, MC, 2, T0 + 3 * VL2_SEC);
  vl2_frame h = fr_port(b, plain(b, MC, MB), 3);
  uint8_t t[128];
  memcpy(t, b, 12);
  t[12] = 0x81;
  t[13] = 0;
  t[14] = 0;
  t[15] = 10;
  memcpy(t + 16, b + 12, 52);
  h = fr_port(t, 68, 3);
  check(sw, &h, T0 + 400 * VL2_SEC, &r);
  step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_EXPIRED);
  done(sw);
}
END_TEST

START_TEST(mdb_snooping) {
  vl2_switch *sw = world(NULL);
  vl2t_segment(sw, 300, VL2_SEG_F_LEARN_REMOTE);
  for (uint32_t p = 7; p <= 9; p++) {
    add_port(sw, p, VL2_PORT_ACCESS, 40, VL2_PORT_F_DEFAULT);
    ck_assert_int_eq(vl2_switch_port_vlan_add(sw, p, 40, 300), 0);
  }
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_SNOOP;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, 300, &mc, T0), 0);
  static const uint8_t G1[4] = {239, 1, 1, 1};
  uint8_t b[256];
  tr r;
  /* Unregistered: flooded. */
  vl2_frame d = fr_port(b, udp_to(b, MA, G1), 8);
  check(sw, &d, T0, &r);
  step(&r, VL2_TRACE_MDB, VL2_TRACE_R_FLOODED);
  ck_assert_uint_eq(r.v.dest_cnt, 2);
  /* A report with no router port: consumed, recorded by the process. */
  vl2_frame rep = fr_port(b, igmp(b, MB, 0x16, G1), 7);
  check(sw, &rep, T0, &r);
  const vl2_trace_step *s = step(&r, VL2_TRACE_MDB, VL2_TRACE_R_CONSUMED);
  ck_assert_uint_eq(s->ip.family, VL2_AF_INET);
  ck_assert_mem_eq(s->ip.addr, G1, 4);
  ck_assert_int_eq(r.v.action, VL2_ACT_CONSUMED);
  /* Registered: to the member only. */
  d = fr_port(b, udp_to(b, MA, G1), 8);
  check(sw, &d, T0 + 1, &r);
  s = step(&r, VL2_TRACE_MDB, VL2_TRACE_R_REGISTERED);
  ck_assert_mem_eq(s->ip.addr, G1, 4);
  member(&r, 7, NULL, VL2_TRACE_R_TAKEN);
  member(&r, 9, NULL, VL2_TRACE_R_SKIP_NOT_MARKED);
  ck_assert_uint_eq(r.v.dest_cnt, 1);
  /* A query makes its port a router port (after the process only). */
  static const uint8_t Z[4] = {0, 0, 0, 0};
  uint8_t q[256];
  size_t ql = igmp(q, MC, 0x11, Z);
  q[14 + 15] = 1; /* source 10.0.0.1, not 0.0.0.0 */
  q[14 + 10] = q[14 + 11] = 0;
  uint16_t c = vl2t_csum(q + 14, 20, 0);
  q[14 + 10] = (uint8_t)(c >> 8);
  q[14 + 11] = (uint8_t)c;
  vl2_frame qf = fr_port(q, ql, 9);
  check(sw, &qf, T0 + 2, &r);
  step(&r, VL2_TRACE_MDB, VL2_TRACE_R_QUERY);
  /* Now a report goes to the router port. */
  rep = fr_port(b, igmp(b, MB, 0x16, G1), 8);
  check(sw, &rep, T0 + 3, &r);
  step(&r, VL2_TRACE_MDB, VL2_TRACE_R_REPORT);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  /* A broken report. */
  b[14 + 20 + 2] ^= 0xff; /* IGMP checksum */
  check(sw, &rep, T0 + 4, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_MCAST_INVALID);
  step(&r, VL2_TRACE_MDB, VL2_TRACE_R_DROP);
  done(sw);
}
END_TEST

START_TEST(src_is_dst) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  tr r;
  /* Unknown MAC to itself: learned on port 1, then found there. */
  vl2_frame f = fr_port(b, plain(b, MA, MA), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_SAME_PORT);
  ck_assert_uint_eq(r.v.flags, VL2_VFLAG_LEARNED);
  /* Known on port 2, sent to itself from port 1: moved, then same
   * port. */
  learn_at(sw, MB, 2, T0);
  f = fr_port(b, plain(b, MB, MB), 1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.reason, VL2_DROP_SAME_PORT);
  ck_assert_uint_eq(r.v.flags, VL2_VFLAG_MOVED);
  /* Learning off: forwarded to where it is. */
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.flags &= ~VL2_PORT_F_LEARN;
  ck_assert_int_eq(vl2_switch_port_set(sw, 4, &pc), 0);
  f = fr_port(b, plain(b, MB, MB), 4);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_FORWARD);
  /* Over the port's limit: not learned, so flooded. */
  pc.flags = VL2_PORT_F_DEFAULT;
  pc.max_macs = 1;
  ck_assert_int_eq(vl2_switch_port_set(sw, 4, &pc), 0);
  learn_at(sw, MC, 4, T0);
  f = fr_port(b, plain(b, VL2T_MAC(0x77), VL2T_MAC(0x77)), 4);
  check(sw, &f, T0, &r);
  ck_assert_uint_eq(r.v.flags & VL2_VFLAG_LIMIT, VL2_VFLAG_LIMIT);
  /* From a remote, to itself. */
  f = fr_remote(b, plain(b, VL2T_MAC(0x78), VL2T_MAC(0x78)), 100, R1);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_DROP);
  done(sw);
}
END_TEST

START_TEST(directory_mode) {
  vl2_switch *sw = world(NULL);
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_DIRECTORY;
  ck_assert_int_eq(vl2_switch_segment_set(sw, 100, &sc), 0);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, arp(b, 1, VL2T_BCAST, MA, MA, 11, 0, 42), 1);
  check(sw, &f, T0, &r);
  step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_DIRECTORY);
  ck_assert_int_eq(r.v.action, VL2_ACT_CONSUMED);
  ck_assert_int_eq(vl2t_count_events(sw, VL2_EV_NEIGH_LOOKUP), 1);
  /* A second asker joins the pending lookup. */
  f = fr_port(b, arp(b, 1, VL2T_BCAST, MB, MB, 12, 0, 42), 2);
  check(sw, &f, T0, &r);
  ck_assert_int_eq(r.v.action, VL2_ACT_CONSUMED);
  done(sw);
}
END_TEST

START_TEST(nobuf) {
  vl2_switch *sw = world(NULL);
  learn_at(sw, MA, 1, T0);
  uint8_t b[128];
  tr r;
  /* Known unicast with no room. */
  vl2_frame f = fr_port(b, plain(b, MA, MB), 2);
  ck_assert_int_eq(check_opt(sw, &f, T0, 0, 0, &r), VL2_ERR_NOBUF);
  ck_assert_int_eq(r.rc, VL2_ERR_NOBUF);
  vl2_verdict pat;
  memset(&pat, 0xa5, sizeof(pat));
  ck_assert_mem_eq(&r.v, &pat, sizeof(pat)); /* not written */
  /* A flood needs the segment's members (7) of room. */
  f = fr_port(b, plain(b, MX, MB), 2);
  ck_assert_int_eq(check_opt(sw, &f, T0, 6, 0, &r), VL2_ERR_NOBUF);
  ck_assert_int_eq(check_opt(sw, &f, T0, 7, 0, &r), 0);
  ck_assert_int_eq(r.rc, 0);
  ck_assert_uint_eq(r.v.dest_cnt, 5);
  /* A frame dropped at ingress needs none. */
  f = fr_port(b, tagged(b, MA, MB, 10), 1);
  ck_assert_int_eq(check_opt(sw, &f, T0, 0, 0, &r), 0);
  ck_assert_int_eq(r.v.reason, VL2_DROP_TAGGED_ON_ACCESS);
  /* vl2_switch_max_fanout() always suffices. */
  f = fr_port(b, plain(b, VL2T_BCAST, MB), 2);
  ck_assert_int_eq(check_opt(sw, &f, T0, vl2_switch_max_fanout(sw), 0, &r), 0);
  ck_assert_int_eq(r.rc, 0);
  done(sw);
}
END_TEST

START_TEST(steps_cap) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  vl2_frame f = fr_port(b, plain(b, MX, MA), 1);
  vl2_verdict v, v2;
  vl2_dest d[DCAP];
  vl2_trace_step all[SCAP], few[SCAP];
  size_t n = 0, n2 = 0;
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v, d, DCAP, all, SCAP, &n), 0);
  ck_assert_uint_gt(n, 3);
  ck_assert_uint_le(n, SCAP);
  for (size_t cap = 0; cap < n; cap++) {
    memset(few, 0x5a, sizeof(few));
    n2 = 0;
    ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v2, d, DCAP,
                                      cap > 0 ? few : NULL, cap, &n2),
                     0);
    ck_assert_uint_eq(n2, n); /* the total, not what was written */
    ck_assert_int_eq(memcmp(&v, &v2, sizeof(v)), 0);
    if (cap > 0)
      ck_assert_int_eq(memcmp(few, all, cap * sizeof(few[0])), 0);
    for (size_t i = cap; i < SCAP; i++) {
      const uint8_t *p = (const uint8_t *)&few[i];
      for (size_t k = 0; k < sizeof(few[i]); k++)
        ck_assert_msg(p[k] == 0x5a, "step %zu written past the cap %zu", i,
                      cap);
    }
  }
  /* n_steps may be NULL. */
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v2, d, DCAP, few, 2, NULL), 0);
  done(sw);
}
END_TEST

START_TEST(invalid_args) {
  vl2_switch *sw = world(NULL);
  uint8_t b[128];
  vl2_frame f = fr_port(b, plain(b, MX, MA), 1);
  vl2_verdict v;
  vl2_dest d[DCAP];
  vl2_trace_step s[4];
  size_t n;
  vl2t_snap a, c;
  vl2t_snap_take(&a, sw, VNIS, N_VNIS, T0);
  ck_assert_int_eq(vl2_switch_trace(NULL, &f, T0, &v, d, DCAP, s, 4, &n),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_trace(sw, NULL, T0, &v, d, DCAP, s, 4, &n),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, NULL, d, DCAP, s, 4, &n),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v, NULL, 1, s, 4, &n),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0, &v, d, DCAP, NULL, 1, &n),
                   VL2_ERR_INVALID);
  /* NULL data is a runt, as for vl2_switch_process(). */
  vl2_frame z = fr_port(NULL, 0, 1);
  ck_assert_int_eq(vl2_switch_trace(sw, &z, T0, &v, d, DCAP, s, 4, &n), 0);
  ck_assert_int_eq(v.reason, VL2_DROP_RUNT);
  vl2t_snap_take(&c, sw, VNIS, N_VNIS, T0);
  const char *diff = vl2t_snap_diff(&a, &c);
  ck_assert_msg(diff == NULL, "%s", diff);
  vl2t_snap_free(&a);
  vl2t_snap_free(&c);
  /* Names. */
  ck_assert_str_eq(vl2_trace_kind_name(VL2_TRACE_FDB_LOOKUP), "fdb_lookup");
  ck_assert_str_eq(vl2_trace_result_name(VL2_TRACE_R_SKIP_SPLIT_HORIZON),
                   "skip_split_horizon");
  ck_assert_str_eq(vl2_trace_kind_name(VL2_TRACE_KIND_COUNT), "unknown");
  ck_assert_str_eq(vl2_trace_result_name(VL2_TRACE_RESULT_COUNT), "unknown");
  ck_assert_str_eq(vl2_trace_result_name(~0u), "unknown");
  for (unsigned k = 0; k < VL2_TRACE_KIND_COUNT; k++)
    for (unsigned j = 0; j < k; j++)
      ck_assert_str_ne(vl2_trace_kind_name(k), vl2_trace_kind_name(j));
  for (unsigned k = 0; k < VL2_TRACE_RESULT_COUNT; k++) {
    ck_assert_str_ne(vl2_trace_result_name(k), "unknown");
    for (unsigned j = 0; j < k; j++)
      ck_assert_str_ne(vl2_trace_result_name(k), vl2_trace_result_name(j));
  }
  done(sw);
}
END_TEST

/* The resolver: packets wait for 10.0.0.6; a traced reply releases
 * nothing (the output queue stays empty), the processed one releases
 * them. */
START_TEST(resolver_release) {
  vl2_switch *sw = world(NULL);
  vl2_neigh_gateway gw;
  memset(&gw, 0, sizeof(gw));
  gw.mac = vl2t_mac(VL2T_MAC(0x99));
  gw.ip4 = vl2t_ip4(10, 0, 0, 254);
  ck_assert_int_eq(vl2_neigh_set_gateway(sw, 100, &gw), 0);
  uint8_t pkt[28];
  memset(pkt, 0, sizeof(pkt));
  pkt[0] = 0x45;
  pkt[3] = sizeof(pkt);
  pkt[9] = 17;
  vl2_ipaddr six = vl2t_ip4(10, 0, 0, 6);
  ck_assert_int_eq(vl2_neigh_send(sw, 100, &six, NULL, pkt, sizeof(pkt), T0),
                   VL2_NEIGH_QUEUED);
  ck_assert_int_gt(drain_tx(sw, T0), 0); /* the ARP request, flooded */
  uint8_t b[128];
  tr r;
  /* The reply: MA has 10.0.0.6, to the gateway. */
  vl2_frame f =
      fr_port(b, arp(b, 2, VL2T_MAC(0x99), MA, MA, 6, VL2T_MAC(0x99), 254), 1);
  check_opt(sw, &f, T0 + VL2_MS, DCAP, CK_KEEP_TX, &r);
  const vl2_trace_step *s = step(&r, VL2_TRACE_NEIGH, VL2_TRACE_R_BIND);
  ck_assert_uint_eq(s->ip.addr[3], 6);
  /* The process released the waiting packet to MA's port. */
  uint8_t out[2048];
  vl2_tx_meta m;
  ck_assert_int_eq(vl2_switch_poll_tx(sw, out, sizeof(out), &m, T0 + VL2_MS),
                   14 + (vl2_ssize)sizeof(pkt));
  ck_assert_int_eq(m.kind, VL2_TX_PACKET);
  ck_assert_uint_eq(m.dest.port, 1);
  done(sw);
}
END_TEST

/* The clock: a trace in the future does not advance the switch's time
 * (what a later process learns expires by its own `now`), and a trace in
 * the past decides at the switch's newest time, as the process does. */
START_TEST(clock_unchanged) {
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.ageing_ns = 10 * VL2_SEC;
  vl2_switch *sw = world(&cfg);
  uint8_t b[128];
  tr r;
  vl2_frame f = fr_port(b, plain(b, MX, MA), 1);
  vl2_verdict v;
  ck_assert_int_eq(vl2_switch_trace(sw, &f, T0 + 1000 * VL2_SEC, &v, r.d, DCAP,
                                    NULL, 0, NULL),
                   0);
  check(sw, &f, T0, &r);
  vl2_fdb_entry e;
  vl2_mac ma = vl2t_mac(MA);
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &ma, &e, T0), 0);
  ck_assert_uint_eq(e.expires_at, T0 + 10 * VL2_SEC);
  /* In the past: at T0 + 20 s MA has expired; a trace at T0 sees that. */
  learn_at(sw, MB, 2, T0 + 20 * VL2_SEC);
  vl2_frame g = fr_port(b, plain(b, MA, MB), 2);
  check(sw, &g, T0, &r);
  step(&r, VL2_TRACE_FDB_LOOKUP, VL2_TRACE_R_EXPIRED);
  done(sw);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Differential: random frames, trace == process, twins stay equal      */

static uint64_t rng_state;
static uint32_t rnd(void) {
  /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1DULL) >> 32);
}
static uint32_t pick(uint32_t n) { return rnd() % n; }

/* The IPv6 endpoint of segment 100's flood list (a larger overhead). */
static vl2_ipaddr d_ip6_remote(void) {
  vl2_ipaddr a;
  memset(&a, 0, sizeof(a));
  a.family = VL2_AF_INET6;
  a.addr[0] = 0x20;
  a.addr[1] = 0x01;
  a.addr[2] = 0x0d;
  a.addr[3] = 0xb8;
  a.addr[15] = 1;
  return a;
}

/* Every feature on: segments 100 (ARP suppression, learning from
 * remotes), 200 (strict remotes), 300 (IGMP snooping, a replication
 * budget, a segment MAC limit), 400 (directory mode, suppression from
 * control-plane bindings only), 500 (EVPN); ports of every mode, storm
 * control on two ports, move dampening, a small FDB. Deterministic: two
 * calls build equal switches. */
static vl2_switch *diff_world(vl2t_mem *mem) {
  vl2t_mem_init(mem);
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = 16;
  cfg.max_fdb = 48;
  cfg.max_segments = 8;
  /* r1, r2, the IPv6 one and r3 (a static entry's): r4 cannot learn. */
  cfg.max_remotes = 4;
  cfg.ageing_ns = 20 * VL2_SEC;
  cfg.move_threshold = 2;
  cfg.move_window_ns = 10 * VL2_SEC;
  cfg.move_holddown_ns = 15 * VL2_SEC;
  cfg.max_macs_per_remote = 6;
  cfg.tx_queue_cap = 4;
  cfg.dir_max_pending = 2;
  cfg.max_neigh = 24;
  cfg.event_queue_cap = 64;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, &mem->mem), 0);
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_ARP_SUPPRESS;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 100, &sc), 0);
  sc.flags = VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 200, &sc), 0);
  sc.flags = VL2_SEG_F_LEARN_REMOTE;
  sc.max_macs = 5;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 300, &sc), 0);
  sc.max_macs = 0;
  sc.flags = VL2_SEG_F_DIRECTORY | VL2_SEG_F_SUPPRESS_CP_ONLY;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 400, &sc), 0);
  sc.flags = VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 500, &sc), 0);

  /* port 0: access 10 (100); 1: access 10 (100), spoof guard + inspect,
   * max 2 MACs; 2: trunk native 10, 20 (200), 40 (300), 50 (400);
   * 3: 802.1ad S-VLAN 10 (100), 30 (300); 4: access 40 (300) fast leave;
   * 5: access 40 (300), multicast flooding off; 6: access 20 (200) no
   * unknown flooding, no learning; 7: trunk, no native, 60 (500), 10
   * (100); 8: access 50 (400). Port 9 does not exist. */
  add_port(sw, 0, VL2_PORT_ACCESS, 10, VL2_PORT_F_DEFAULT);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  pc.flags |= VL2_PORT_F_SPOOF_GUARD | VL2_PORT_F_NEIGH_INSPECT;
  pc.max_macs = 2;
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  add_port(sw, 2, VL2_PORT_TRUNK, 10, VL2_PORT_F_DEFAULT);
  add_port(sw, 3, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT | VL2_PORT_F_QINQ);
  add_port(sw, 4, VL2_PORT_ACCESS, 40, VL2_PORT_F_DEFAULT);
  add_port(sw, 5, VL2_PORT_ACCESS, 40,
           VL2_PORT_F_DEFAULT & ~VL2_PORT_F_FLOOD_MCAST);
  add_port(sw, 6, VL2_PORT_ACCESS, 20,
           VL2_PORT_F_DEFAULT & ~(VL2_PORT_F_FLOOD_UNKNOWN | VL2_PORT_F_LEARN));
  add_port(sw, 7, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT);
  add_port(sw, 8, VL2_PORT_ACCESS, 50, VL2_PORT_F_DEFAULT);
  static const struct {
    uint32_t port;
    vl2_vid vid;
    uint32_t vni;
  } maps[] = {{0, 10, 100}, {1, 10, 100}, {2, 10, 100}, {2, 20, 200},
              {2, 40, 300}, {2, 50, 400}, {3, 10, 100}, {3, 30, 300},
              {4, 40, 300}, {5, 40, 300}, {6, 20, 200}, {7, 60, 500},
              {7, 10, 100}, {8, 50, 400}};
  for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
    ck_assert_int_eq(
        vl2_switch_port_vlan_add(sw, maps[i].port, maps[i].vid, maps[i].vni),
        0);
  vl2_ipaddr r1 = vl2t_ip4(192, 0, 2, 1), r2 = vl2t_ip4(192, 0, 2, 2);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r2), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 200, &r1), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 300, &r2), 0);
  ck_assert_int_eq(vl2_switch_remote_add(sw, 500, &r1), 0);
  vl2_ipaddr r6 = d_ip6_remote();
  ck_assert_int_eq(vl2_switch_remote_add(sw, 100, &r6), 0);
  vl2_neigh_gateway gw;
  memset(&gw, 0, sizeof(gw));
  gw.mac = vl2t_mac(VL2T_MAC(0x99));
  gw.ip4 = vl2t_ip4(10, 0, 0, 254);
  ck_assert_int_eq(vl2_neigh_set_gateway(sw, 100, &gw), 0);
  vl2_vxlan_config vc;
  ck_assert_int_eq(vl2_vxlan_config_default(&vc), 0);
  vc.underlay_mtu = 1200;
  ck_assert_int_eq(vl2_switch_set_overlay(sw, &vc), 0);

  /* Static FDB: MAC 7 on port 0 in 100; MAC 8 behind 192.0.2.3 in 200
   * (names an endpoint outside the flood list); MAC 9 EVPN behind r1 in
   * 500. */
  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = vl2t_mac(VL2T_MAC(7));
  e.port = 0;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  e.vni = 200;
  e.mac = vl2t_mac(VL2T_MAC(8));
  e.flags = VL2_FDB_F_REMOTE;
  e.port = VL2_PORT_REMOTE;
  e.remote = vl2t_ip4(192, 0, 2, 3);
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);
  e.vni = 500;
  e.mac = vl2t_mac(VL2T_MAC(9));
  e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
  e.remote = r1;
  ck_assert_int_eq(vl2_fdb_add_static(sw, &e), 0);

  /* Static neighbours: 10.0.0.1 -> MAC 1 in 100, bound to port 1 (for
   * inspection); 10.0.0.2 -> MAC 9 in 500 (EVPN); 10.0.0.3 -> MAC 3 in
   * 400. */
  vl2_neigh_entry ne;
  memset(&ne, 0, sizeof(ne));
  ne.vni = 100;
  ne.ip = vl2t_ip4(10, 0, 0, 1);
  ne.mac = vl2t_mac(VL2T_MAC(1));
  ne.port = 1;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &ne), 0);
  ne.vni = 500;
  ne.ip = vl2t_ip4(10, 0, 0, 2);
  ne.mac = vl2t_mac(VL2T_MAC(9));
  ne.port = VL2_PORT_REMOTE;
  ne.flags = VL2_NEIGH_F_EVPN;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &ne), 0);
  ne.vni = 400;
  ne.ip = vl2t_ip4(10, 0, 0, 3);
  ne.mac = vl2t_mac(VL2T_MAC(3));
  ne.port = VL2_NEIGH_PORT_ANY;
  ne.flags = 0;
  ck_assert_int_eq(vl2_neigh_add_static(sw, &ne), 0);

  /* Snooping in 300 (at most 3 groups, 8 memberships), port 4 fast
   * leave, r2 a router port. */
  vl2_mdb_config mdc;
  ck_assert_int_eq(vl2_mdb_config_default(&mdc), 0);
  mdc.max_groups = 3;
  mdc.max_members = 8;
  ck_assert_int_eq(vl2_mdb_setup(sw, &mdc), 0);
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_SNOOP;
  mc.unreg_policy = VL2_MDB_UNREG_FLOOD;
  ck_assert_int_eq(vl2_mdb_segment_set(sw, 300, &mc, T0), 0);
  ck_assert_int_eq(vl2_mdb_port_fast_leave(sw, 4, 1), 0);
  ck_assert_int_eq(
      vl2_mdb_router_set(sw, 300, VL2_PORT_REMOTE, &r2, VL2_MDB_ROUTER_ON, T0),
      0);

  /* Storm control: port 0 broadcast 1/s burst 2; port 3 unknown unicast
   * and unregistered multicast 1/s burst 2 with a 5 s hold-down; segment
   * 300 a budget of 10 copies/s burst 12. */
  vl2_storm_port_config spc;
  memset(&spc, 0, sizeof(spc));
  spc.rate[VL2_STORM_BCAST].pps = 1;
  spc.rate[VL2_STORM_BCAST].burst_frames = 2;
  ck_assert_int_eq(vl2_storm_port_set(sw, 0, &spc, T0), 0);
  memset(&spc, 0, sizeof(spc));
  spc.rate[VL2_STORM_UNKNOWN].pps = 1;
  spc.rate[VL2_STORM_UNKNOWN].burst_frames = 2;
  spc.rate[VL2_STORM_MCAST_UNREG].pps = 1;
  spc.rate[VL2_STORM_MCAST_UNREG].burst_frames = 2;
  spc.holddown_ns = 5 * VL2_SEC;
  ck_assert_int_eq(vl2_storm_port_set(sw, 3, &spc, T0), 0);
  vl2_storm_segment_config ssc;
  memset(&ssc, 0, sizeof(ssc));
  ssc.budget.pps = 10;
  ssc.budget.burst_frames = 12;
  ck_assert_int_eq(vl2_storm_segment_set(sw, 300, &ssc, T0), 0);
  return sw;
}

/* The universe of random frames. */
static const uint32_t D_PORTS[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
static const uint32_t D_VNIS[] = {100, 200, 300, 400, 500, 600};

static uint64_t d_mac(void) {
  static const uint64_t special[] = {VL2T_BCAST,        0x01005e010101ULL,
                                     0x01005e000001ULL, 0x01005e7f0001ULL,
                                     0x333300000001ULL, 0x0180c2000000ULL,
                                     0x0180c200000eULL, 0,
                                     0x010000000001ULL};
  uint32_t k = pick(20);
  if (k < 11)
    return VL2T_MAC(1 + pick(12)); /* MACs 1..12 */
  if (k < 14)
    return VL2T_BCAST;
  return special[pick(sizeof(special) / sizeof(special[0]))];
}

static vl2_ipaddr d_remote(void) {
  if (pick(5) == 0)
    return d_ip6_remote();
  return vl2t_ip4(192, 0, 2, (uint8_t)(1 + pick(4)));
}

/* A random control-plane change, made to both twins alike (same return
 * code): port flags, static FDB and neighbour entries, flushes, segment
 * flags, router ports, flood lists, storm rates. */
static void d_control(vl2_switch *a, vl2_switch *b, vl2_tstamp now) {
  vl2_switch *tw[2] = {a, b};
  int rc[2];
  uint32_t op = pick(11);
  static const uint32_t vnis[] = {100, 200, 300, 400, 500};
  uint32_t vni = vnis[pick(5)];
  vl2_ipaddr r = d_remote();
  uint64_t mac = VL2T_MAC(1 + pick(12));
  /* The switch's ports: mode and PVID (port_set keeps them). */
  static const uint8_t mode[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
  static const vl2_vid pvid[9] = {10, 10, 10, 0, 40, 40, 20, 0, 50};
  uint32_t port = pick(9);
  static const uint32_t pflags[] = {
      VL2_PORT_F_DEFAULT, VL2_PORT_F_DEFAULT | VL2_PORT_F_SPOOF_GUARD,
      VL2_PORT_F_DEFAULT & ~VL2_PORT_F_LEARN,
      VL2_PORT_F_DEFAULT & ~VL2_PORT_F_FLOOD_BCAST,
      VL2_PORT_F_DEFAULT | VL2_PORT_F_NEIGH_INSPECT};
  uint32_t pf = pflags[pick(5)], mm = pick(3);
  static const uint32_t sflags[] = {
      VL2_SEG_F_LEARN_REMOTE, VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_ARP_SUPPRESS,
      VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES,
      VL2_SEG_F_DIRECTORY | VL2_SEG_F_SUPPRESS_CP_ONLY,
      VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS};
  uint32_t sf = sflags[pick(5)];
  uint32_t k = pick(3), evpn = pick(3) == 0;
  uint64_t rate = pick(4);
  unsigned router = (unsigned)pick(3);
  for (int i = 0; i < 2; i++) {
    vl2_switch *sw = tw[i];
    switch (op) {
    case 0: {
      vl2_port_config pc;
      vl2_port_config_default(&pc, mode[port]);
      pc.pvid = pvid[port];
      pc.flags = pf | (port == 3 ? VL2_PORT_F_QINQ : 0);
      pc.max_macs = mm;
      rc[i] = vl2_switch_port_set(sw, port, &pc);
      break;
    }
    case 1: {
      vl2_fdb_entry e;
      memset(&e, 0, sizeof(e));
      e.vni = vni;
      e.mac = vl2t_mac(mac);
      if (k == 0) {
        e.port = port;
      } else {
        e.flags = VL2_FDB_F_REMOTE | (evpn ? VL2_FDB_F_EVPN : 0);
        e.port = VL2_PORT_REMOTE;
        e.remote = r;
      }
      rc[i] = vl2_fdb_add_static(sw, &e);
      break;
    }
    case 2: {
      vl2_mac m = vl2t_mac(mac);
      rc[i] = vl2_fdb_del(sw, vni, &m);
      break;
    }
    case 3: {
      vl2_neigh_entry ne;
      memset(&ne, 0, sizeof(ne));
      ne.vni = vni;
      ne.ip = vl2t_ip4(10, 0, 0, (uint8_t)(1 + k));
      ne.mac = vl2t_mac(mac);
      ne.port = evpn ? VL2_NEIGH_PORT_ANY : port;
      rc[i] = vl2_neigh_add_static(sw, &ne);
      break;
    }
    case 4: {
      vl2_ipaddr ip = vl2t_ip4(10, 0, 0, (uint8_t)(1 + k));
      rc[i] = vl2_neigh_del(sw, vni, &ip);
      break;
    }
    case 5:
      rc[i] = (int)vl2_fdb_flush_all(sw, VL2_FDB_FLUSH_DYNAMIC);
      break;
    case 6: {
      vl2_segment_config sc;
      memset(&sc, 0, sizeof(sc));
      sc.flags = sf;
      sc.max_macs = vni == 300 ? 5 : 0;
      rc[i] = vl2_switch_segment_set(sw, vni, &sc);
      break;
    }
    case 7:
      rc[i] = vl2_mdb_router_set(sw, 300, k == 0 ? VL2_PORT_REMOTE : 4 + k, &r,
                                 router, now);
      break;
    case 8:
      rc[i] = evpn ? vl2_switch_remote_del(sw, vni, &r)
                   : vl2_switch_remote_add(sw, vni, &r);
      break;
    case 9: {
      /* The resolver: a packet for 10.0.0.1..3 (queued until a reply,
       * or sent at once to a known binding). */
      static const uint8_t pkt[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17};
      vl2_ipaddr nh = vl2t_ip4(10, 0, 0, (uint8_t)(1 + k));
      rc[i] = vl2_neigh_send(sw, 100, &nh, NULL, pkt, sizeof(pkt), now);
      break;
    }
    default: {
      vl2_storm_port_config spc;
      memset(&spc, 0, sizeof(spc));
      spc.rate[k].pps = rate;
      spc.rate[k].burst_frames = (uint32_t)rate;
      rc[i] = vl2_storm_port_set(sw, port, &spc, now);
      break;
    }
    }
  }
  ck_assert_msg(rc[0] == rc[1], "control op %u: %d vs %d", op, rc[0], rc[1]);
}

/* A random frame into |b|; returns its length and sets |f|. */
static size_t d_frame(uint8_t *b, vl2_frame *f) {
  memset(f, 0, sizeof(*f));
  uint64_t dst = d_mac(), src = pick(6) == 0 ? d_mac() : VL2T_MAC(1 + pick(12));
  int from_remote = pick(5) == 0;
  if (from_remote) {
    f->port = VL2_PORT_REMOTE;
    f->vni = D_VNIS[pick(sizeof(D_VNIS) / sizeof(D_VNIS[0]))];
    f->remote = d_remote();
  } else {
    f->port = D_PORTS[pick(sizeof(D_PORTS) / sizeof(D_PORTS[0]))];
  }
  /* Tags: mostly what the port takes (diff_world's maps); else none, one
   * 802.1Q, one 802.1ad, S+C, C+C at random. */
  uint16_t tp[2], tci[2];
  int nt = 0;
  static const uint16_t vids[] = {0, 10, 20, 30, 40, 50, 60, 99, 4095};
  if (!from_remote && f->port < 9 && pick(3) != 0) {
    static const uint16_t trunk2[] = {0, 20, 40, 50};
    static const uint16_t trunk7[] = {60, 10};
    static const uint16_t trunk3[] = {10, 30};
    uint16_t vid = 0;
    if (f->port == 2)
      vid = trunk2[pick(4)];
    else if (f->port == 7)
      vid = trunk7[pick(2)];
    if (vid != 0) {
      tp[0] = VL2_TPID_8021Q;
      tci[0] = vid;
      nt = 1;
    } else if (f->port == 3) {
      tp[0] = VL2_TPID_8021AD;
      tci[0] = trunk3[pick(2)];
      nt = 1;
      if (pick(3) == 0) { /* a customer tag inside */
        tp[1] = VL2_TPID_8021Q;
        tci[1] = vids[pick(9)];
        nt = 2;
      }
    }
  } else
    /* From a remote: untagged, or rarely one tag. */
    switch (from_remote ? (pick(10) == 0 ? 3 : 0) : pick(8)) {
    case 0:
    case 1:
    case 2:
      break;
    case 3:
    case 4:
      tp[0] = VL2_TPID_8021Q;
      tci[0] = vids[pick(9)] | (uint16_t)(pick(8) << 13);
      nt = 1;
      break;
    case 5:
      tp[0] = VL2_TPID_8021AD;
      tci[0] = vids[pick(9)];
      nt = 1;
      break;
    case 6:
      tp[0] = VL2_TPID_8021AD;
      tci[0] = vids[pick(9)];
      tp[1] = VL2_TPID_8021Q;
      tci[1] = vids[pick(9)];
      nt = 2;
      break;
    default:
      tp[0] = tp[1] = VL2_TPID_8021Q;
      tci[0] = vids[pick(9)];
      tci[1] = vids[pick(9)];
      nt = 2;
      break;
    }
  size_t len = 0;
  uint32_t kind = pick(16);
  if (kind < 4) { /* ARP */
    uint16_t op = (uint16_t)(1 + pick(2));
    uint64_t sha = pick(4) == 0 ? VL2T_MAC(1 + pick(12)) : src;
    uint8_t spa = (uint8_t)pick(5), tpa = (uint8_t)(1 + pick(5));
    if (pick(3) == 0)
      tpa = spa; /* gratuitous */
    uint64_t tha = op == 2 ? dst : 0;
    if (pick(3) == 0)
      dst = VL2T_BCAST;
    uint8_t a[64];
    arp(a, op, dst, src, sha, spa, tha, tpa);
    if (pick(20) == 0)
      a[20] = (uint8_t)pick(256); /* malformed */
    len = vl2t_frame_tags(b, dst, src, tp, tci, nt, 0x0806, 0);
    memcpy(b + len, a + 14, 46);
    len += pick(10) == 0 ? pick(28) : 46;
  } else if (kind < 7) { /* IGMP and multicast data */
    static const uint8_t groups[][4] = {
        {239, 1, 1, 1}, {239, 1, 1, 2}, {224, 0, 0, 251}, {224, 0, 0, 1}};
    const uint8_t *g = groups[pick(4)];
    uint8_t a[128];
    size_t al;
    uint32_t k = pick(4);
    if (k == 0)
      al = igmp(a, src, 0x16, g);
    else if (k == 1)
      al = igmp(a, src, 0x17, g);
    else if (k == 2) {
      static const uint8_t z[4] = {0, 0, 0, 0};
      al = igmp(a, src, 0x11, pick(2) ? z : g);
    } else
      al = udp_to(a, src, g);
    if (pick(12) == 0)
      a[14 + 20 + pick(8)] ^= (uint8_t)(1 + pick(255)); /* broken */
    len = vl2t_frame_tags(b, 0, src, tp, tci, nt, 0x0800, 0);
    memcpy(b, a, 6);
    if (pick(6) == 0)
      memcpy(b, vl2t_mac(dst).b, 6);
    memcpy(b + len, a + 14, al - 14);
    len += al - 14;
  } else if (kind == 8) { /* MLD and IPv6 multicast data */
    static const uint8_t groups[][16] = {
        {0xff, 0x05, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34},
        {0xff, 0x0e, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42},
        {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfb}};
    uint8_t a[128];
    size_t al = mld(a, src, pick(6), groups[pick(3)]);
    if (pick(12) == 0)
      a[14 + 48 + pick(8)] ^= (uint8_t)(1 + pick(255)); /* broken */
    len = vl2t_frame_tags(b, 0, src, tp, tci, nt, 0x86dd, 0);
    memcpy(b, a, 6);
    memcpy(b + len, a + 14, al - 14);
    len += al - 14;
  } else if (kind == 7 && pick(2) == 0) { /* IPv6 ND */
    uint8_t a[128];
    uint8_t type = (uint8_t)(135 + pick(2));
    uint64_t lla = pick(4) == 0 ? VL2T_MAC(1 + pick(12)) : src;
    if (pick(6) == 0)
      lla = 0;
    uint8_t flags = (uint8_t)(pick(8) << 5);
    size_t al = nd(a, type, pick(3) == 0 ? dst : 0, src, (uint8_t)pick(4),
                   (uint8_t)(1 + pick(4)), flags, lla);
    if (pick(20) == 0)
      a[14 + 40 + pick(8)] ^= (uint8_t)(1 + pick(255)); /* broken */
    len = vl2t_frame_tags(b, 0, src, tp, tci, nt, 0x86dd, 0);
    memcpy(b, a, 6);
    memcpy(b + len, a + 14, al - 14);
    len += al - 14;
  } else if (kind == 7) { /* RARP, IPv6, other EtherTypes */
    static const uint16_t ets[] = {0x8035, 0x86dd, 0x88cc, 0x0842, 0x8100};
    len = vl2t_frame_tags(b, dst, src, tp, tci, nt,
                          ets[pick(sizeof(ets) / sizeof(ets[0]))], 46);
    if (pick(2) == 0)
      for (size_t i = len - 46; i < len; i++)
        b[i] = (uint8_t)rnd();
  } else { /* IPv4 data, sometimes large */
    size_t n = pick(8) == 0 ? 1100 + pick(300) : 46;
    len = vl2t_frame_tags(b, dst, src, tp, tci, nt, 0x0800, n);
  }
  if (pick(50) == 0)
    len = pick((uint32_t)len + 1); /* truncated, runts */
  f->data = b;
  f->len = (uint32_t)len;
  return len;
}

/* Drain |a| and |b|'s event queues and compare them. */
static void twin_events(vl2_switch *a, vl2_switch *b, unsigned it) {
  vl2_event ea, eb;
  for (;;) {
    memset(&ea, 0, sizeof(ea));
    memset(&eb, 0, sizeof(eb));
    int ra = vl2_switch_poll_event(a, &ea), rb = vl2_switch_poll_event(b, &eb);
    ck_assert_msg(ra == rb, "iteration %u: twins' event queues differ", it);
    if (ra == 0)
      return;
    ck_assert_msg(memcmp(&ea, &eb, sizeof(ea)) == 0,
                  "iteration %u: twins' events differ (type %u vs %u)", it,
                  ea.type, eb.type);
  }
}

static void twin_tx(vl2_switch *a, vl2_switch *b, vl2_tstamp now, unsigned it) {
  static uint8_t ba[2048], bb[2048];
  vl2_tx_meta ma, mb;
  for (;;) {
    memset(&ma, 0, sizeof(ma));
    memset(&mb, 0, sizeof(mb));
    vl2_ssize ra = vl2_switch_poll_tx(a, ba, sizeof(ba), &ma, now);
    vl2_ssize rb = vl2_switch_poll_tx(b, bb, sizeof(bb), &mb, now);
    ck_assert_msg(ra == rb, "iteration %u: twins' output differs", it);
    if (ra <= 0)
      return;
    ck_assert_msg(memcmp(ba, bb, (size_t)ra) == 0 && ma.kind == mb.kind &&
                      dest_diff(&ma.dest, &mb.dest) == NULL,
                  "iteration %u: twins' output frames differ", it);
  }
}

static unsigned diff_iterations(void) {
  const char *e = getenv("VL2T_TRACE_ITERS");
  if (e != NULL)
    return (unsigned)strtoul(e, NULL, 10);
  /* Under valgrind (unit.valgrind) a tenth. */
  const char *pre = getenv("LD_PRELOAD");
  if (pre != NULL && strstr(pre, "vgpreload") != NULL)
    return 1000;
  return 10000;
}

START_TEST(differential) {
  vl2t_mem ma, mb;
  vl2_switch *a = diff_world(&ma);
  vl2_switch *b = diff_world(&mb);
  rng_state = 0x9e3779b97f4a7c15ULL ^ (uint64_t)_i;
  vl2_tstamp now = T0;
  unsigned iters = diff_iterations();
  static uint8_t raw[16 + 2048];
  uint8_t *buf = raw + 16;
  static tr r;
  static vl2_dest pd[DCAP], pd_b[DCAP];
  unsigned counts[4] = {0, 0, 0, 0};
  unsigned n_nobuf = 0, kinds_seen = 0;
  for (unsigned it = 0; it < iters; it++) {
    vl2_frame f;
    d_frame(buf, &f);
    if (pick(12) == 0) {
      /* A virtio-net header in front: a GSO super-frame is checked
       * against the underlay MTU by its segment size. */
      uint8_t *h = buf - VL2_VNET_HDR_LEN;
      uint16_t hl = (uint16_t)(14 + pick(60)), gs = (uint16_t)pick(1600);
      memset(h, 0, VL2_VNET_HDR_LEN);
      h[0] = (uint8_t)pick(2);
      h[1] = (uint8_t)pick(3);
      memcpy(h + 2, &hl, 2);
      memcpy(h + 4, &gs, 2);
      f.flags = VL2_FRAME_F_VNET_HDR;
    }
    /* Time: mostly small steps (bursts that exhaust storm buckets),
     * sometimes long ones (ageing, thaws, hold-downs); sometimes a `now`
     * in the past (taken as the newest by both). */
    uint32_t tk = pick(100);
    if (tk < 70)
      now += pick(5) * VL2_MS;
    else if (tk < 99)
      now += pick(300) * VL2_MS;
    else
      now += (5 + pick(30)) * VL2_SEC;
    vl2_tstamp at = pick(20) == 0 ? now - pick(3000) * VL2_MS : now;
    size_t dcap = pick(10) == 0 ? pick(9) : DCAP;

    /* Sometimes a trace at another time first: it must change nothing
     * either (the twin shows it). */
    if (pick(10) == 0) {
      vl2_verdict v;
      int rc = vl2_switch_trace(a, &f, now + pick(100) * VL2_SEC, &v, r.d, DCAP,
                                r.st, SCAP, &r.n);
      ck_assert_int_eq(rc, 0);
    }
    drain_events(a);
    drain_events(b);
    vl2t_snap s0, s1;
    vl2t_snap_take(&s0, a, VNIS, N_VNIS, now);
    memset(&r.v, 0xa5, sizeof(r.v));
    r.rc = vl2_switch_trace(a, &f, at, &r.v, r.d, dcap, r.st, SCAP, &r.n);
    vl2t_snap_take(&s1, a, VNIS, N_VNIS, now);
    const char *why = vl2t_snap_diff(&s0, &s1);
    vl2t_snap_free(&s0);
    vl2t_snap_free(&s1);
    vl2_event ev;
    if (why == NULL && vl2_switch_poll_event(a, &ev) == 1)
      why = "an event was emitted";
    if (why != NULL) {
      fprintf(stderr, "iteration %u (seed %d):\n", it, _i);
      print_frame(&f, at);
      print_steps(&r);
    }
    ck_assert_msg(why == NULL, "iteration %u: the trace changed state: %s", it,
                  why);

    vl2_verdict pv, pv_b;
    vl2_ssize prc = vl2_switch_process(a, &f, 1, &pv, pd, dcap, at);
    vl2_ssize prc_b = vl2_switch_process(b, &f, 1, &pv_b, pd_b, dcap, at);
    int pi = prc == 1 ? 0 : (int)prc, pi_b = prc_b == 1 ? 0 : (int)prc_b;
    const char *d1 = decision_diff(r.rc, &r.v, r.d, pi, &pv, pd);
    const char *d2 = decision_diff(pi, &pv, pd, pi_b, &pv_b, pd_b);
    const char *d3 = r.rc == 0 ? steps_rule(&r, &f) : NULL;
    if (d1 != NULL || d2 != NULL || d3 != NULL) {
      fprintf(stderr, "iteration %u (seed %d):\n", it, _i);
      print_frame(&f, at);
      print_verdict("trace  ", r.rc, &r.v, r.d);
      print_verdict("process", pi, &pv, pd);
      print_verdict("twin   ", pi_b, &pv_b, pd_b);
      print_steps(&r);
    }
    ck_assert_msg(d1 == NULL, "iteration %u: trace and process differ: %s", it,
                  d1);
    ck_assert_msg(d2 == NULL,
                  "iteration %u: the traced switch and its twin differ: %s", it,
                  d2);
    ck_assert_msg(d3 == NULL, "iteration %u: trace steps: %s", it, d3);
    if (r.rc == VL2_ERR_NOBUF)
      n_nobuf++;
    else {
      counts[pv.action]++;
      for (size_t i = 0; i < r.n && i < SCAP; i++)
        kinds_seen |= 1u << r.st[i].kind;
    }

    /* Sometimes: a burst of a few more frames through both twins (no
     * trace), a control-plane change, timers, draining the output,
     * comparing the twins. */
    if (pick(30) == 0) {
      static uint8_t bb[4][2048];
      vl2_frame burst[4];
      vl2_verdict va[4], vb[4];
      size_t nb = 1 + pick(4);
      for (size_t j = 0; j < nb; j++)
        d_frame(bb[j], &burst[j]);
      if (pick(2) == 0 && nb > 1)
        burst[1] = burst[0]; /* a repeat: the one-entry flow cache */
      vl2_ssize ra = vl2_switch_process(a, burst, nb, va, pd, DCAP, now);
      vl2_ssize rb = vl2_switch_process(b, burst, nb, vb, pd_b, DCAP, now);
      ck_assert_int_eq(ra, rb);
      for (vl2_ssize j = 0; j < ra; j++)
        ck_assert_msg(decision_diff(0, &va[j], pd, 0, &vb[j], pd_b) == NULL,
                      "iteration %u: the twins decided a burst differently",
                      it);
    }
    if (pick(40) == 0)
      d_control(a, b, now);
    if (pick(25) == 0) {
      ck_assert_int_eq(vl2_switch_run_timers(a, now), 0);
      ck_assert_int_eq(vl2_switch_run_timers(b, now), 0);
    }
    twin_events(a, b, it);
    if (pick(4) == 0)
      twin_tx(a, b, now, it);
    if (pick(20) == 0 || it + 1 == iters) {
      vl2t_snap_take(&s0, a, VNIS, N_VNIS, now);
      vl2t_snap_take(&s1, b, VNIS, N_VNIS, now);
      why = vl2t_snap_diff(&s0, &s1);
      vl2t_snap_free(&s0);
      vl2t_snap_free(&s1);
      ck_assert_msg(why == NULL, "iteration %u: the twins differ: %s", it, why);
    }
  }
  /* The universe reached every outcome and every kind of step. */
  ck_assert_uint_gt(counts[VL2_ACT_DROP], iters / 20);
  ck_assert_uint_gt(counts[VL2_ACT_FORWARD], iters / 20);
  ck_assert_uint_gt(counts[VL2_ACT_CONSUMED], 0);
  ck_assert_uint_gt(n_nobuf, 0);
  ck_assert_msg(kinds_seen == (1u << VL2_TRACE_KIND_COUNT) - 1,
                "step kinds seen: 0x%x", kinds_seen);
  /* ... and every feature was exercised. */
  vl2_switch_stats st;
  vl2_neigh_stats ns;
  vl2_mdb_stats ms;
  vl2_storm_port_stats sp;
  ck_assert_int_eq(vl2_switch_get_stats(a, &st), 0);
  ck_assert_int_eq(vl2_neigh_get_stats(a, VL2_NEIGH_ALL_SEGMENTS, &ns), 0);
  ck_assert_int_eq(vl2_mdb_get_stats(a, UINT32_MAX, &ms), 0);
  ck_assert_int_eq(vl2_storm_port_get_stats(a, 0, &sp), 0);
  fprintf(
      stderr,
      "differential %d: drop %u forward %u consumed %u nobuf %u; moved "
      "%llu limit %llu static %llu mtu %llu stacked %llu; arp %llu nd "
      "%llu answered %llu spoof %llu inspect %llu frozen %llu dir %llu "
      "full %llu; joins %llu invalid %llu; storm %llu\n",
      _i, counts[0], counts[1], counts[2], n_nobuf,
      (unsigned long long)st.moved, (unsigned long long)st.limit_hits,
      (unsigned long long)st.static_conflicts,
      (unsigned long long)st.overlay_mtu_skips,
      (unsigned long long)st.stacked_tag_skips, (unsigned long long)ns.arp_in,
      (unsigned long long)ns.nd_in, (unsigned long long)ns.req_answered,
      (unsigned long long)ns.spoof_drops, (unsigned long long)ns.inspect_drops,
      (unsigned long long)ns.mac_frozen, (unsigned long long)ns.dir_lookups,
      (unsigned long long)ns.dir_full, (unsigned long long)ms.joins,
      (unsigned long long)ms.invalid,
      (unsigned long long)st.drops[VL2_DROP_STORM_CONTROL]);
  vl2_switch_del(a);
  vl2_switch_del(b);
  VL2T_ASSERT_NO_LEAKS(&ma);
  VL2T_ASSERT_NO_LEAKS(&mb);
}
END_TEST

Suite *vl2_trace_suite(void) {
  Suite *s = suite_create("trace");
  TCase *tc = tcase_create("cases");
  tcase_add_test(tc, known_unicast);
  tcase_add_test(tc, unknown_unicast);
  tcase_add_test(tc, broadcast);
  tcase_add_test(tc, arp_suppressed);
  tcase_add_test(tc, arp_queue_full);
  tcase_add_test(tc, arp_bind);
  tcase_add_test(tc, spoof_guard);
  tcase_add_test(tc, vlan_hop);
  tcase_add_test(tc, ingress_rules);
  tcase_add_test(tc, address_checks);
  tcase_add_test(tc, storm_limited);
  tcase_add_test(tc, remote_strict);
  tcase_add_test(tc, split_horizon_and_mtu);
  tcase_add_test(tc, learning);
  tcase_add_test(tc, mdb_snooping);
  tcase_add_test(tc, src_is_dst);
  tcase_add_test(tc, directory_mode);
  tcase_add_test(tc, nobuf);
  tcase_add_test(tc, steps_cap);
  tcase_add_test(tc, invalid_args);
  tcase_add_test(tc, clock_unchanged);
  tcase_add_test(tc, resolver_release);
  suite_add_tcase(s, tc);
  TCase *td = tcase_create("differential");
  tcase_set_timeout(td, 600);
  /* Two seeds of 10,000 frames each. */
  tcase_add_loop_test(td, differential, 0, 2);
  suite_add_tcase(s, td);
  return s;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: the whole switch, driven by a stream of frames
 * (ingress port or remote endpoint, time step, bytes) and control-plane
 * operations decoded from the input, checked against a shadow model of
 * port VLAN membership, segments and flood lists kept by the harness.
 *
 * Input: 8 config bytes (see fz_config), then records until the end:
 *   K < 0xc0: a frame. port = K & 0x0f (ids past max_ports are unknown
 *       ports); K & 0x10: from a remote endpoint instead (two more bytes:
 *       VNI selector, remote selector); K & 0x20: the burst ends after this
 *       frame. Then a time-step byte, a 16-bit big-endian length (clamped
 *       to what is left and to 2048) and the frame bytes. Frames collect
 *       into a burst of at most 8.
 *   K >= 0xc0: op = (K - 0xc0) % 16 (the burst so far is processed first):
 *       0..12 control plane (fz_control_op, 3 argument bytes), 13 timers
 *       (1 step byte), 14 drain events and originated frames (1 byte: how
 *       many), 15 set the destination array's capacity (1 byte: 0..7, or
 *       full).
 *
 * Invariants checked on every verdict:
 *   - isolation: the frame's segment is the one the model derives from the
 *     ingress port's mode, PVID, TPID and VLAN map (or the decapsulated
 *     VNI); every destination port maps a VLAN to that segment; flooded
 *     copies go only to ports with the matching flood flag and to remotes
 *     in the segment's flood list; after the destination's egress edit the
 *     frame carries exactly the port's tag (or none when the port sends
 *     the VLAN untagged);
 *   - no copy back to the ingress port, no remote-to-remote copy (split
 *     horizon), no destination twice in one verdict;
 *   - dest_off/dest_cnt inside what was written, spans disjoint, one
 *     destination unless flooded, no destination on a drop, at most the
 *     switch's max fan-out;
 *   - counters: switch, port and segment deltas match the verdicts
 *     exactly; rx_frames == forwarded + flooded + dropped; sum of drops[]
 *     == dropped;
 *   - frames the switch originates (vl2_switch_poll_tx(), with neigh.h):
 *     to a member of their segment, with the port's tag already applied,
 *     untagged to remote endpoints;
 *   - memory: no allocation while processing or running timers,
 *     vl2_fdb_count <= max_fdb, live bytes under the config's bound,
 *     nothing left after vl2_switch_del().
 *
 * Build with -DFZ_STRICT=1 to also check what two known findings break
 * (tests/fuzz/README.md, "Known findings"; reproducers in tests/fuzz/known/):
 *   - an untagged egress (and every copy to a remote endpoint) carries no
 *     tag at all, even for a frame that entered on an 802.1ad port with a
 *     customer tag inside;
 *   - a destination array of vl2_switch_max_fanout() entries always takes
 *     a frame, even when that is 0 and a known-unicast frame needs 1.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>

#include "fuzz_common.h"

#ifdef VL2_EV_NEIGH_ADDED /* the neighbour table is built in */
#define FZ_NEIGH 1
#else
#define FZ_NEIGH 0
#endif

/* 1: also check what the known findings break (see the header comment). */
#ifndef FZ_STRICT
#define FZ_STRICT 1
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BURST 8
#define MAX_LEN 2048
#define DESTS_FULL (FZ_MAX_PORTS + 64)

static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static int is_tpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }

typedef struct fz_ctx {
  vl2_switch *sw;
  fz_model m;
  fz_mem mem;
  size_t bound;
  vl2_tstamp now;
  size_t dests_cap;
  vl2_frame frames[BURST];
  uint8_t bufs[BURST][MAX_LEN];
  unsigned n;
} fz_ctx;

/* What the model expects of a frame's classification. */
typedef struct expect {
  int must_drop;    /* dropped at ingress (reason in the ingress set) */
  uint32_t vni;     /* the segment otherwise */
  uint16_t in_tpid; /* the classifying tag's TPID, 0 when untagged */
  int inner_tagged; /* a tag stays behind the classifying one */
} expect;

static uint16_t port_tpid(const fz_port *p) {
  return (p->flags & VL2_PORT_F_QINQ) ? 0x88a8 : 0x8100;
}

static expect classify(fz_model *m, const vl2_frame *f) {
  expect e;
  memset(&e, 0, sizeof(e));
  e.must_drop = 1;
  const uint8_t *d = f->data;
  if (f->len < 14)
    return e;
  if (f->port == VL2_PORT_REMOTE) {
    if (is_tpid(ld16(d + 12)))
      return e;
    fz_seg *s = fz_model_seg(m, f->vni);
    if (s == NULL)
      return e;
    if ((s->flags & VL2_SEG_F_STRICT_REMOTES) &&
        !fz_model_seg_has_remote(s, &f->remote))
      return e;
    e.vni = f->vni;
  } else {
    fz_port *p = fz_model_port(m, f->port);
    if (p == NULL)
      return e;
    uint16_t tp = port_tpid(p);
    uint16_t et = ld16(d + 12);
    unsigned vid = 0;
    if (et == tp) {
      if (f->len < 18)
        return e;
      vid = ld16(d + 14) & 0x0fff;
      if (vid == 0xfff)
        return e;
      uint16_t inner = ld16(d + 16);
      if (inner == tp || (tp == 0x8100 && is_tpid(inner)))
        return e;
      e.in_tpid = tp;
      e.inner_tagged = is_tpid(inner);
    } else if (is_tpid(et)) {
      return e;
    }
    if (vid == 0) {
      if (p->pvid == 0)
        return e;
      vid = p->pvid;
    } else if (p->mode == VL2_PORT_ACCESS) {
      return e;
    }
    if (p->vni_of_vid[vid] == UINT32_MAX)
      return e;
    e.vni = p->vni_of_vid[vid];
  }
  /* Source and destination MAC filters (after classification). */
  if ((d[6] & 1) || !(d[6] | d[7] | d[8] | d[9] | d[10] | d[11]))
    return e;
  if (d[0] == 0x01 && d[1] == 0x80 && d[2] == 0xc2 && d[3] == 0 && d[4] == 0 &&
      (d[5] & 0xf0) == 0)
    return e;
  e.must_drop = 0;
  return e;
}

static int ingress_reason(unsigned r) {
  switch (r) {
  case VL2_DROP_RUNT:
  case VL2_DROP_PORT_UNKNOWN:
  case VL2_DROP_SRC_MULTICAST:
  case VL2_DROP_SRC_ZERO:
  case VL2_DROP_TAGGED_ON_ACCESS:
  case VL2_DROP_UNTAGGED_ON_TRUNK:
  case VL2_DROP_VLAN_NOT_ALLOWED:
  case VL2_DROP_VID_RESERVED:
  case VL2_DROP_STACKED_TAG:
  case VL2_DROP_QINQ:
  case VL2_DROP_NO_SEGMENT:
  case VL2_DROP_RESERVED_GROUP:
  case VL2_DROP_REMOTE_NOT_MEMBER:
  case VL2_DROP_REMOTE_TAGGED:
    return 1;
  default:
    return 0;
  }
}

/* Apply |d|'s edit to frame |f| and check the result's tags. */
static void check_egress(fz_model *m, const vl2_frame *f, const expect *x,
                         const vl2_dest *d) {
  static uint8_t buf[16 + MAX_LEN];
  size_t off = 16;
  memcpy(buf + off, f->data, f->len);
  vl2_ssize len = vl2_vlan_apply_edit(buf, &off, f->len, d);
  FZ_CHECK(len >= 14);
  const uint8_t *o = buf + off;
  uint16_t et = ld16(o + 12);
  if (d->type == VL2_DEST_REMOTE) {
    /* RFC 7348 section 6.1: the inner frame goes untagged. */
    if (FZ_STRICT || !x->inner_tagged)
      FZ_CHECK(!is_tpid(et));
    return;
  }
  const fz_port *p = &m->ports[d->port];
  vl2_vid vid = fz_model_port_vid(m, d->port, d->vni);
  int out_tagged = p->mode == VL2_PORT_TRUNK && vid != p->pvid;
  if (out_tagged) {
    FZ_CHECK(len >= 18);
    FZ_CHECK(et == port_tpid(p));
    FZ_CHECK((ld16(o + 14) & 0x0fff) == vid);
  } else if (FZ_STRICT || !x->inner_tagged || x->in_tpid == port_tpid(p)) {
    FZ_CHECK(et != port_tpid(p));
    if (FZ_STRICT)
      FZ_CHECK(!is_tpid(et));
  }
}

typedef struct snap {
  vl2_switch_stats st;
  vl2_port_stats ps[FZ_MAX_PORTS];
  int have_port[FZ_MAX_PORTS];
  vl2_segment_stats ss[FZ_MAX_SEGS + 1];
} snap;

static void take_snap(fz_ctx *c, snap *s) {
  FZ_CHECK(vl2_switch_get_stats(c->sw, &s->st) == 0);
  for (uint32_t p = 0; p < FZ_MAX_PORTS; p++) {
    int rv = vl2_switch_port_get_stats(c->sw, p, &s->ps[p]);
    s->have_port[p] = rv == 0;
    FZ_CHECK((rv == 0) == (fz_model_port(&c->m, p) != NULL));
  }
  for (unsigned i = 0; i < FZ_MAX_SEGS + 1; i++)
    if (c->m.segs[i].in_use)
      FZ_CHECK(vl2_switch_segment_get_stats(c->sw, c->m.segs[i].vni,
                                            &s->ss[i]) == 0);
}

static int same_dest(const vl2_dest *a, const vl2_dest *b) {
  if (a->type != b->type)
    return 0;
  if (a->type == VL2_DEST_PORT)
    return a->port == b->port;
  return a->remote_id == b->remote_id || fz_addr_eq(&a->remote, &b->remote);
}

/* Process frames [first, first + n) and check every verdict. Returns how
 * many were decided (0 on NOBUF). */
static size_t run(fz_ctx *c, unsigned first, unsigned n, size_t cap) {
  static vl2_verdict out[BURST];
  static vl2_dest dests[DESTS_FULL];
  expect x[BURST];
  for (unsigned i = 0; i < n; i++)
    x[i] = classify(&c->m, &c->frames[first + i]);
  snap before, after, mid;
  memset(&before, 0, sizeof(before));
  memset(&mid, 0, sizeof(mid));
  take_snap(c, &before);
  size_t fanout = vl2_switch_max_fanout(c->sw);
  /* Known finding: a known-unicast frame needs one destination even when
   * every flood set is empty (max_fanout 0). */
  if (!FZ_STRICT && fanout == 0)
    fanout = 1;
  memset(dests, 0xee, sizeof(dests));

  /* The trace of the burst's first frame (<vl2/trace.h>): changes no
   * counter and allocates nothing; compared with its verdict below. */
  static vl2_dest tdests[DESTS_FULL];
  static vl2_trace_step steps[64];
  vl2_verdict tv;
  size_t n_steps = 0;
  uint64_t calls = c->mem.n_calls;
  int tr = vl2_switch_trace(c->sw, c->frames + first, c->now, &tv, tdests, cap,
                            steps, 64, &n_steps);
  FZ_CHECK(tr == 0 || tr == VL2_ERR_NOBUF);
  FZ_CHECK(tr != 0 || (n_steps >= 2 && steps[0].kind == VL2_TRACE_INGRESS));
  FZ_CHECK(c->mem.n_calls == calls);
  take_snap(c, &mid);
  FZ_CHECK(memcmp(&before, &mid, sizeof(before)) == 0);

  vl2_ssize r =
      vl2_switch_process(c->sw, c->frames + first, n, out, dests, cap, c->now);
  FZ_CHECK(c->mem.n_calls == calls);
  take_snap(c, &after);
  FZ_CHECK((tr == VL2_ERR_NOBUF) == (r == VL2_ERR_NOBUF));
  if (tr == 0) {
    FZ_CHECK(tv.action == out[0].action && tv.reason == out[0].reason &&
             tv.vni == out[0].vni && tv.flags == out[0].flags &&
             tv.dest_cnt == out[0].dest_cnt);
    for (uint32_t i = 0; i < tv.dest_cnt; i++)
      FZ_CHECK(fz_dest_same(&tdests[i], &dests[out[0].dest_off + i]));
  }
  if (r == VL2_ERR_NOBUF) {
    FZ_CHECK(cap < fanout);
    FZ_CHECK(memcmp(&before.st, &after.st, sizeof(before.st)) == 0);
    return 0;
  }
  FZ_CHECK(r >= 1 && (size_t)r <= n);

  uint64_t fwd = 0, fld = 0, drp = 0, cons = 0;
  uint64_t drops[VL2_DROP_REASON_COUNT] = {0};
  uint64_t p_rx[FZ_MAX_PORTS] = {0}, p_tx[FZ_MAX_PORTS] = {0},
           p_drop[FZ_MAX_PORTS] = {0}, p_rxb[FZ_MAX_PORTS] = {0};
  uint64_t s_tx[FZ_MAX_SEGS + 1] = {0}, s_bum[FZ_MAX_SEGS + 1] = {0};
  uint64_t bytes = 0;
  uint32_t end = 0;
  for (unsigned i = 0; i < (unsigned)r; i++) {
    const vl2_frame *f = &c->frames[first + i];
    const vl2_verdict *v = &out[i];
    const expect *e = &x[i];
    bytes += f->len;
    int from_port = f->port != VL2_PORT_REMOTE;
    if (from_port && f->port < FZ_MAX_PORTS && before.have_port[f->port]) {
      p_rx[f->port]++;
      p_rxb[f->port] += f->len;
    }
    FZ_CHECK(v->reserved == 0);
    if (e->must_drop) {
      FZ_CHECK(v->action == VL2_ACT_DROP);
      FZ_CHECK(ingress_reason(v->reason));
    } else {
      FZ_CHECK(v->vni == e->vni);
    }
    if (v->action == VL2_ACT_DROP) {
      FZ_CHECK(v->reason > VL2_DROP_NONE && v->reason < VL2_DROP_REASON_COUNT);
      FZ_CHECK(v->dest_cnt == 0);
      if (!e->must_drop)
        FZ_CHECK(!ingress_reason(v->reason));
      drp++;
      drops[v->reason]++;
      if (from_port && f->port < FZ_MAX_PORTS && before.have_port[f->port])
        p_drop[f->port]++;
      continue;
    }
    if (v->action == VL2_ACT_CONSUMED) {
      /* Answered or held by the switch (ARP/ND suppression, directory). */
      FZ_CHECK(FZ_NEIGH);
      FZ_CHECK(v->reason == 0 && v->dest_cnt == 0);
      cons++;
      continue;
    }
    FZ_CHECK(v->action == VL2_ACT_FORWARD);
    FZ_CHECK(v->reason == 0);
    FZ_CHECK(v->dest_cnt >= 1 && v->dest_cnt <= fanout);
    FZ_CHECK(v->dest_off >= end);
    FZ_CHECK((uint64_t)v->dest_off + v->dest_cnt <= cap);
    end = v->dest_off + v->dest_cnt;
    int flood = (v->flags & VL2_VFLAG_FLOOD) != 0;
    if (flood) {
      fld++;
    } else {
      fwd++;
      FZ_CHECK(v->dest_cnt == 1);
    }
    fz_seg *seg = fz_model_seg(&c->m, v->vni);
    FZ_CHECK(seg != NULL);
    unsigned si = (unsigned)(seg - c->m.segs);
    s_tx[si] += v->dest_cnt;
    if (flood)
      s_bum[si]++;
    const uint8_t *dmac = f->data;
    uint32_t need =
        !(dmac[0] & 1) ? VL2_PORT_F_FLOOD_UNKNOWN
        : (dmac[0] & dmac[1] & dmac[2] & dmac[3] & dmac[4] & dmac[5]) == 0xff
            ? VL2_PORT_F_FLOOD_BCAST
            : VL2_PORT_F_FLOOD_MCAST;
    if (dmac[0] & 1)
      FZ_CHECK(flood);
    for (uint32_t k = 0; k < v->dest_cnt; k++) {
      const vl2_dest *d = &dests[v->dest_off + k];
      FZ_CHECK(d->vni == v->vni);
      if (d->type == VL2_DEST_PORT) {
        /* Isolation: the port is a member of the frame's segment. */
        FZ_CHECK(d->port < FZ_MAX_PORTS);
        FZ_CHECK(fz_model_port(&c->m, d->port) != NULL);
        FZ_CHECK(fz_model_port_vid(&c->m, d->port, v->vni) != 0);
        FZ_CHECK(d->port != f->port); /* no reflection */
        if (flood)
          FZ_CHECK(c->m.ports[d->port].flags & need);
        p_tx[d->port]++;
      } else {
        FZ_CHECK(d->type == VL2_DEST_REMOTE);
        FZ_CHECK(from_port); /* split horizon */
        FZ_CHECK(d->port == VL2_PORT_REMOTE);
        FZ_CHECK(d->remote.family == VL2_AF_INET ||
                 d->remote.family == VL2_AF_INET6);
        if (flood)
          FZ_CHECK(fz_model_seg_has_remote(seg, &d->remote));
      }
      check_egress(&c->m, f, e, d);
      for (uint32_t j = 0; j < k; j++)
        FZ_CHECK(!same_dest(d, &dests[v->dest_off + j]));
    }
    /* A single-frame unicast forward agrees with the FDB. */
    if (!flood && r == 1) {
      vl2_fdb_entry fe;
      vl2_mac dm;
      memcpy(dm.b, dmac, 6);
      FZ_CHECK(vl2_fdb_lookup(c->sw, v->vni, &dm, &fe, c->now) == 0);
      const vl2_dest *d = &dests[v->dest_off];
      if (d->type == VL2_DEST_PORT)
        FZ_CHECK(fe.port == d->port);
      else
        FZ_CHECK(fe.port == VL2_PORT_REMOTE &&
                 fz_addr_eq(&fe.remote, &d->remote));
    }
  }

  /* Stopping early is only allowed when the next frame might not fit. */
  if ((size_t)r < n)
    FZ_CHECK(end + fanout > cap);

  /* Counter deltas match the verdicts exactly. */
  FZ_CHECK(after.st.rx_frames - before.st.rx_frames == (uint64_t)r);
  FZ_CHECK(after.st.rx_bytes - before.st.rx_bytes == bytes);
  FZ_CHECK(after.st.forwarded - before.st.forwarded == fwd);
  FZ_CHECK(after.st.flooded - before.st.flooded == fld);
  FZ_CHECK(after.st.dropped - before.st.dropped == drp);
#if FZ_NEIGH
  FZ_CHECK(after.st.consumed - before.st.consumed == cons);
#else
  FZ_CHECK(cons == 0);
#endif
  for (unsigned k = 0; k < VL2_DROP_REASON_COUNT; k++)
    FZ_CHECK(after.st.drops[k] - before.st.drops[k] == drops[k]);
  for (uint32_t p = 0; p < FZ_MAX_PORTS; p++) {
    if (!before.have_port[p])
      continue;
    FZ_CHECK(after.ps[p].rx_frames - before.ps[p].rx_frames == p_rx[p]);
    FZ_CHECK(after.ps[p].rx_bytes - before.ps[p].rx_bytes == p_rxb[p]);
    FZ_CHECK(after.ps[p].rx_drops - before.ps[p].rx_drops == p_drop[p]);
    FZ_CHECK(after.ps[p].tx_frames - before.ps[p].tx_frames == p_tx[p]);
  }
  for (unsigned i = 0; i < FZ_MAX_SEGS + 1; i++) {
    if (!c->m.segs[i].in_use)
      continue;
    FZ_CHECK(after.ss[i].tx_frames - before.ss[i].tx_frames == s_tx[i]);
    FZ_CHECK(after.ss[i].bum_frames - before.ss[i].bum_frames == s_bum[i]);
  }
  fz_check_stats(c->sw);
  FZ_CHECK(vl2_fdb_count(c->sw) <= c->m.cfg.max_fdb);
  FZ_CHECK(c->mem.live_bytes <= c->bound);
  return (size_t)r;
}

/* Take up to |max| frames the switch originated (ARP/ND replies and
 * requests, resolver packets) and check their destinations like verdicts':
 * an existing segment, a member port, the port's tag already applied. */
static void drain_tx(fz_ctx *c, unsigned max) {
#if FZ_NEIGH
  static uint8_t buf[MAX_LEN + 64];
  for (unsigned i = 0; i < max; i++) {
    vl2_tx_meta meta;
    uint64_t calls = c->mem.n_calls;
    size_t cap = (i & 1) ? 20 : sizeof(buf); /* sometimes too small */
    vl2_ssize n = vl2_switch_poll_tx(c->sw, buf, cap, &meta, c->now);
    FZ_CHECK(c->mem.n_calls == calls);
    if (n == 0)
      return;
    if (n == VL2_ERR_NOBUF) {
      FZ_CHECK(meta.len > cap);
      continue;
    }
    FZ_CHECK(n >= 14 && (size_t)n <= cap && meta.len == (uint32_t)n);
    const vl2_dest *d = &meta.dest;
    FZ_CHECK(d->edit == VL2_EDIT_KEEP);
    FZ_CHECK(d->vni == meta.vni);
    /* The segment may have gone since the frame was queued; when it is
     * still there, its destination must be a member. */
    if (fz_model_seg(&c->m, meta.vni) == NULL)
      continue;
    uint16_t et = ld16(buf + 12);
    if (d->type == VL2_DEST_PORT) {
      const fz_port *p = fz_model_port(&c->m, d->port);
      if (p == NULL)
        continue;
      vl2_vid vid = fz_model_port_vid(&c->m, d->port, meta.vni);
      if (vid == 0)
        continue; /* unmapped since queued */
      if (p->mode == VL2_PORT_TRUNK && vid != p->pvid) {
        FZ_CHECK(et == port_tpid(p));
        FZ_CHECK((ld16(buf + 14) & 0x0fff) == vid);
      } else {
        FZ_CHECK(!is_tpid(et));
      }
    } else {
      FZ_CHECK(d->type == VL2_DEST_REMOTE);
      FZ_CHECK(!is_tpid(et));
    }
  }
#else
  (void)c;
  (void)max;
#endif
}

static void flush_burst(fz_ctx *c) {
  unsigned first = 0;
  size_t cap = c->dests_cap;
  while (first < c->n) {
    size_t r = run(c, first, c->n - first, cap);
    if (r == 0)
      cap = DESTS_FULL; /* as a caller would: grow the array and retry */
    first += (unsigned)r;
  }
  c->n = 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fz_ctx c;
  fz_in in = {data, size};
  vl2_switch_config cfg;
  fz_config(&in, &cfg);

  vl2_mem hooks;
  fz_mem_init(&c.mem, &hooks);
  c.sw = NULL;
  FZ_CHECK(vl2_switch_new(&c.sw, &cfg, &hooks) == 0);
  c.bound = fz_mem_bound(&cfg, c.mem.live_bytes);
  fz_model_init(&c.m, &cfg);
  c.now = 0;
  c.n = 0;
  c.dests_cap = DESTS_FULL;

  while (fz_left(&in)) {
    uint8_t k = fz_u8(&in);
    if (k >= 0xc0) {
      flush_burst(&c);
      unsigned op = (unsigned)(k - 0xc0) % 16;
      if (op < FZ_N_CONTROL_OPS) {
        fz_control_op(c.sw, &c.m, &c.mem, op, &in, c.now);
      } else if (op == 13) {
        fz_step(&in, &c.now, &cfg);
        uint64_t calls = c.mem.n_calls;
        FZ_CHECK(vl2_switch_run_timers(c.sw, c.now) == 0);
        FZ_CHECK(c.mem.n_calls == calls);
        fz_check_fdb(c.sw, &c.m, c.now, cfg.ageing_ns == 0);
        drain_tx(&c, 64);
      } else if (op == 14) {
        unsigned max = fz_u8(&in);
        vl2_event ev;
        for (unsigned i = 0; i < max && vl2_switch_poll_event(c.sw, &ev); i++)
          FZ_CHECK(fz_event_type_ok(ev.type) && ev.at <= c.now);
        drain_tx(&c, max);
      } else {
        uint8_t b = fz_u8(&in);
        c.dests_cap = b & 0x80 ? DESTS_FULL : (size_t)(b & 7);
      }
      continue;
    }
    vl2_frame *f = &c.frames[c.n];
    memset(f, 0, sizeof(*f));
    if (k & 0x10) {
      f->port = VL2_PORT_REMOTE;
      f->vni = fz_vni(fz_u8(&in));
      f->remote = fz_remote(fz_u8(&in));
    } else {
      f->port = k & 0x0f;
    }
    fz_step(&in, &c.now, &cfg);
    size_t len = fz_u16(&in);
    if (len > MAX_LEN)
      len = MAX_LEN;
    const uint8_t *p;
    len = fz_bytes(&in, len, &p);
    memcpy(c.bufs[c.n], p, len);
    f->data = c.bufs[c.n];
    f->len = (uint32_t)len;
    f->rx_ts = c.now;
    c.n++;
    if ((k & 0x20) || c.n == BURST)
      flush_burst(&c);
  }
  flush_burst(&c);
  fz_check_fdb(c.sw, &c.m, c.now, cfg.ageing_ns == 0);
  fz_check_stats(c.sw);
  if (getenv("FZ_VERBOSE") != NULL) {
    vl2_switch_stats st;
    vl2_switch_get_stats(c.sw, &st);
    fprintf(stderr,
            "segments %u rx %llu forwarded %llu flooded %llu dropped %llu "
            "learned %llu fdb %zu\n",
            c.m.n_segs, (unsigned long long)st.rx_frames,
            (unsigned long long)st.forwarded, (unsigned long long)st.flooded,
            (unsigned long long)st.dropped, (unsigned long long)st.learned,
            vl2_fdb_count(c.sw));
#if FZ_NEIGH
    fprintf(stderr, "  consumed %llu\n", (unsigned long long)st.consumed);
#endif
    for (unsigned r = 1; r < VL2_DROP_REASON_COUNT; r++)
      if (st.drops[r] != 0)
        fprintf(stderr, "  drop %s %llu\n", vl2_drop_reason_name(r),
                (unsigned long long)st.drops[r]);
  }
  vl2_switch_del(c.sw);
  c.sw = NULL;
  FZ_CHECK(c.mem.live_bytes == 0 && c.mem.live_blocks == 0);
  return 0;
}

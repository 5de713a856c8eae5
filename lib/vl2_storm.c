/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Storm control: per-port, per-class token buckets and per-segment
 * budgets charged by fan-out, with edge-triggered events and an optional
 * err-disable hold-down.
 *
 * Where it fits: the switch's flood path calls vl2_storm_admit() once per
 * replicated frame, after the destinations are known (the segment budget
 * needs the fan-out) and only when sw->storm exists; known unicast never
 * comes here. The state is allocated by the first call that sets a rate
 * and never afterwards.
 */
#include "vl2_storm.h" /* own header first: proves it is self-contained */

#include <stdint.h>
#include <string.h>

#include "vl2_mem.h"
#include "vl2_stats.h"
#include "vl2_trace.h"

#define DEFAULT_QUIET_NS VL2_SEC
#define MIN_BURST_BYTES 1518u

typedef struct cls_state {
  vl2_tb f; /* frames (copies at a segment) */
  vl2_tb b; /* bytes */
  uint8_t on;
  uint8_t limited;
  uint8_t reserved[6];
  vl2_tstamp last_drop;
} cls_state;

typedef struct port_storm {
  uint8_t on; /* any rate or a hold-down set */
  uint8_t blocked;
  uint8_t block_cls; /* the class whose drop started the hold-down */
  uint8_t reserved[5];
  cls_state c[VL2_STORM_CLASS_COUNT];
  vl2_storm_port_config cfg; /* as in effect */
  vl2_tstamp blocked_until;
  vl2_storm_port_stats st;
} port_storm;

typedef struct seg_storm {
  uint8_t on;
  uint8_t reserved[7];
  cls_state c;
  vl2_storm_segment_config cfg;
  vl2_storm_segment_stats st;
} seg_storm;

struct vl2_storm_state {
  port_storm *ports;  /* [max_ports] */
  seg_storm *segs;    /* [max_segments] */
  vl2_tstamp next_at; /* earliest deadline (may be early), or NONE */
};

void vl2_tb_init(vl2_tb *b, uint64_t rate, uint64_t burst, vl2_tstamp now) {
  b->rate = rate;
  b->cap = burst * VL2_TB_SCALE;
  b->level = b->cap;
  b->last = now;
}

void vl2_storm_fini(vl2_switch *sw) {
  vl2_storm_state *st = sw->storm;
  if (st == NULL)
    return;
  vl2_mem_free(&sw->mem, st->ports);
  vl2_mem_free(&sw->mem, st->segs);
  vl2_mem_free(&sw->mem, st);
  sw->storm = NULL;
}

static int ensure_state(vl2_switch *sw) {
  if (sw->storm != NULL)
    return 0;
  vl2_storm_state *st = vl2_mem_calloc(&sw->mem, 1, sizeof(*st));
  if (st == NULL)
    return VL2_ERR_NOMEM;
  st->ports = vl2_mem_calloc(&sw->mem, sw->cfg.max_ports, sizeof(*st->ports));
  st->segs = vl2_mem_calloc(&sw->mem, sw->cfg.max_segments, sizeof(*st->segs));
  st->next_at = VL2_TSTAMP_NONE;
  sw->storm = st;
  if (st->ports == NULL || st->segs == NULL) {
    vl2_storm_fini(sw);
    return VL2_ERR_NOMEM;
  }
  return 0;
}

static inline void arm(vl2_storm_state *st, vl2_tstamp t) {
  if (t < st->next_at)
    st->next_at = t;
}

static vl2_tstamp add_sat(vl2_tstamp a, vl2_duration d) {
  return a < VL2_TSTAMP_NONE - d ? a + d : VL2_TSTAMP_NONE - 1;
}

static void emit(vl2_switch *sw, uint16_t type, unsigned cls, uint32_t port,
                 uint32_t vni, vl2_tstamp at) {
  vl2_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.type = type;
  ev.reason = (uint16_t)cls;
  ev.port = port;
  ev.old_port = port;
  ev.vni = vni;
  ev.at = at;
  vl2_switch_emit(sw, &ev);
}

/* ------------------------------------------------------------------ */
/* Configuration                                                        */

static int rate_valid(const vl2_storm_rate *r) {
  return r->pps <= VL2_STORM_RATE_MAX && r->bps <= VL2_STORM_RATE_MAX;
}

static int rate_on(const vl2_storm_rate *r) { return r->pps || r->bps; }

static uint32_t burst_or(uint32_t burst, uint64_t rate, uint32_t min) {
  if (burst != 0 || rate == 0)
    return rate == 0 ? 0 : burst;
  uint64_t b = rate / 10;
  if (b < min)
    b = min;
  return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

/* Fill in default bursts; set up |c| full at |now|. */
static void cls_setup(cls_state *c, vl2_storm_rate *r, vl2_tstamp now) {
  r->burst_frames = burst_or(r->burst_frames, r->pps, 1);
  r->burst_bytes = burst_or(r->burst_bytes, r->bps, MIN_BURST_BYTES);
  memset(c, 0, sizeof(*c));
  vl2_tb_init(&c->f, r->pps, r->burst_frames, now);
  vl2_tb_init(&c->b, r->bps, r->burst_bytes, now);
  c->on = (uint8_t)rate_on(r);
}

static port_storm *port_state(const vl2_switch *sw, uint32_t port) {
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return NULL;
  return sw->storm != NULL ? &sw->storm->ports[port] : NULL;
}

/* The getters' arguments: a switch, an output (|out|), an existing port;
 * *|ps| gets its state, NULL when storm control never ran. */
static int port_arg(const vl2_switch *sw, uint32_t port, const void *out,
                    const port_storm **ps) {
  if (sw == NULL || out == NULL)
    return VL2_ERR_INVALID;
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return VL2_ERR_NOTFOUND;
  *ps = port_state(sw, port);
  return 0;
}

/* The same for a segment |vni|. */
static int seg_arg(const vl2_switch *sw, uint32_t vni, const void *out,
                   const seg_storm **ss) {
  if (sw == NULL || out == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  *ss = sw->storm != NULL ? &sw->storm->segs[seg->idx] : NULL;
  return 0;
}

/* The bytes of a port or segment config (|full|: this library's struct)
 * of |version|: a caller built for an older version has a shorter struct,
 * as in vl2_switch.c's config_size(). 0 for an unknown version. */
static size_t cfg_size(int version, size_t full) {
  switch (version) {
  case VL2_STORM_CONFIG_V1:
    return full;
  default:
    return 0;
  }
}

/* Copy |n| bytes of |src| to |dst|, or zero them when |src| is NULL. */
static void copy_or_zero(void *dst, const void *src, size_t n) {
  if (src != NULL)
    memcpy(dst, src, n);
  else
    memset(dst, 0, n);
}

int vl2_storm_port_set_versioned(vl2_switch *sw, uint32_t port, int version,
                                 const vl2_storm_port_config *cfg,
                                 vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return VL2_ERR_NOTFOUND;
  size_t n = cfg_size(version, sizeof(*cfg));
  if (n == 0)
    return VL2_ERR_VERSION;
  vl2_storm_port_config c;
  memset(&c, 0, sizeof(c));
  if (cfg != NULL)
    memcpy(&c, cfg, n); /* later fields stay 0 */
  int on = c.holddown_ns != 0;
  for (unsigned k = 0; k < VL2_STORM_CLASS_COUNT; k++) {
    if (!rate_valid(&c.rate[k]))
      return VL2_ERR_INVALID;
    on |= rate_on(&c.rate[k]);
  }
  if (!on && sw->storm == NULL)
    return 0;
  int rv = ensure_state(sw);
  if (rv != 0)
    return rv;
  if (now < sw->now)
    now = sw->now;
  port_storm *ps = &sw->storm->ports[port];
  vl2_storm_port_stats keep = ps->st;
  memset(ps, 0, sizeof(*ps));
  ps->st = keep;
  ps->st.blocked = 0;
  ps->st.limited = 0;
  if (c.quiet_ns == 0)
    c.quiet_ns = DEFAULT_QUIET_NS;
  for (unsigned k = 0; k < VL2_STORM_CLASS_COUNT; k++)
    cls_setup(&ps->c[k], &c.rate[k], now);
  ps->cfg = c;
  ps->on = (uint8_t)on;
  return 0;
}

int vl2_storm_port_get_versioned(const vl2_switch *sw, uint32_t port,
                                 int version, vl2_storm_port_config *cfg) {
  const port_storm *ps;
  int rv = port_arg(sw, port, cfg, &ps);
  size_t n = cfg_size(version, sizeof(*cfg));
  if (rv == 0 && n == 0)
    rv = VL2_ERR_VERSION;
  if (rv == 0)
    copy_or_zero(cfg, ps != NULL && ps->on ? &ps->cfg : NULL, n);
  return rv;
}

int vl2_storm_port_recover(vl2_switch *sw, uint32_t port, vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  if (port >= sw->cfg.max_ports || !sw->ports[port].in_use)
    return VL2_ERR_NOTFOUND;
  port_storm *ps = port_state(sw, port);
  if (ps == NULL || !ps->blocked)
    return 0;
  if (now < sw->now)
    now = sw->now;
  ps->blocked = 0;
  ps->st.blocked = 0;
  for (unsigned k = 0; k < VL2_STORM_CLASS_COUNT; k++) {
    vl2_tb_init(&ps->c[k].f, ps->c[k].f.rate, ps->cfg.rate[k].burst_frames,
                now);
    vl2_tb_init(&ps->c[k].b, ps->c[k].b.rate, ps->cfg.rate[k].burst_bytes, now);
  }
  emit(sw, VL2_EV_STORM_UNBLOCKED, ps->block_cls, port, 0, now);
  return 0;
}

int vl2_storm_segment_set_versioned(vl2_switch *sw, uint32_t vni, int version,
                                    const vl2_storm_segment_config *cfg,
                                    vl2_tstamp now) {
  if (sw == NULL)
    return VL2_ERR_INVALID;
  vl2_segment *seg = vl2_switch_find_segment(sw, vni);
  if (seg == NULL)
    return VL2_ERR_NOTFOUND;
  size_t n = cfg_size(version, sizeof(*cfg));
  if (n == 0)
    return VL2_ERR_VERSION;
  vl2_storm_segment_config c;
  memset(&c, 0, sizeof(c));
  if (cfg != NULL)
    memcpy(&c, cfg, n); /* later fields stay 0 */
  if (!rate_valid(&c.budget))
    return VL2_ERR_INVALID;
  int on = rate_on(&c.budget);
  if (!on && sw->storm == NULL)
    return 0;
  int rv = ensure_state(sw);
  if (rv != 0)
    return rv;
  if (now < sw->now)
    now = sw->now;
  seg_storm *ss = &sw->storm->segs[seg->idx];
  vl2_storm_segment_stats keep = ss->st;
  memset(ss, 0, sizeof(*ss));
  ss->st = keep;
  ss->st.limited = 0;
  if (c.quiet_ns == 0)
    c.quiet_ns = DEFAULT_QUIET_NS;
  cls_setup(&ss->c, &c.budget, now);
  ss->cfg = c;
  ss->on = (uint8_t)on;
  return 0;
}

int vl2_storm_segment_get_versioned(const vl2_switch *sw, uint32_t vni,
                                    int version,
                                    vl2_storm_segment_config *cfg) {
  const seg_storm *ss;
  int rv = seg_arg(sw, vni, cfg, &ss);
  size_t n = cfg_size(version, sizeof(*cfg));
  if (rv == 0 && n == 0)
    rv = VL2_ERR_VERSION;
  if (rv == 0)
    copy_or_zero(cfg, ss != NULL && ss->on ? &ss->cfg : NULL, n);
  return rv;
}

/* The counters out by the size rule of lib/vl2_stats.h (zero when there
 * is no state); a size of 0 is refused first, as in vl2_switch.c. */
int vl2_storm_port_get_stats_versioned(const vl2_switch *sw, uint32_t port,
                                       size_t st_size,
                                       vl2_storm_port_stats *st) {
  static const vl2_storm_port_stats zero;
  const port_storm *ps;
  int rv = st_size == 0 ? VL2_ERR_INVALID : port_arg(sw, port, st, &ps);
  if (rv == 0)
    vl2_stats_copy(st, st_size, ps != NULL ? &ps->st : &zero, sizeof(zero));
  return rv;
}

int vl2_storm_segment_get_stats_versioned(const vl2_switch *sw, uint32_t vni,
                                          size_t st_size,
                                          vl2_storm_segment_stats *st) {
  static const vl2_storm_segment_stats zero;
  const seg_storm *ss;
  int rv = st_size == 0 ? VL2_ERR_INVALID : seg_arg(sw, vni, st, &ss);
  if (rv == 0)
    vl2_stats_copy(st, st_size, ss != NULL ? &ss->st : &zero, sizeof(zero));
  return rv;
}

const char *vl2_storm_class_name(unsigned cls) {
  static const char *const names[] = {"broadcast", "unknown_unicast",
                                      "multicast_unregistered", "multicast",
                                      "segment"};
  return cls < sizeof(names) / sizeof(names[0]) ? names[cls] : "unknown";
}

void vl2_storm_port_gone(vl2_switch *sw, uint32_t port) {
  if (sw->storm != NULL && port < sw->cfg.max_ports)
    memset(&sw->storm->ports[port], 0, sizeof(sw->storm->ports[port]));
}

void vl2_storm_segment_gone(vl2_switch *sw, uint32_t seg_idx) {
  if (sw->storm != NULL && seg_idx < sw->cfg.max_segments)
    memset(&sw->storm->segs[seg_idx], 0, sizeof(sw->storm->segs[seg_idx]));
}

/* ------------------------------------------------------------------ */
/* Data path                                                            */

/* End |c|'s limited episode when it has been quiet for |quiet| by |now|.
 */
static void maybe_end(vl2_switch *sw, cls_state *c, vl2_duration quiet,
                      unsigned cls, uint32_t port, uint32_t vni,
                      uint64_t *limited_bits, vl2_tstamp now) {
  if (!c->limited)
    return;
  vl2_tstamp end = add_sat(c->last_drop, quiet);
  if (end > now) {
    arm(sw->storm, end);
    return;
  }
  c->limited = 0;
  *limited_bits &= ~(cls == VL2_STORM_SEGMENT ? 1ull : 1ull << cls);
  emit(sw, VL2_EV_STORM_END, cls, port, vni, end);
}

static void unblock_if_due(vl2_switch *sw, port_storm *ps, uint32_t port,
                           vl2_tstamp now) {
  if (!ps->blocked)
    return;
  if (ps->blocked_until > now) {
    arm(sw->storm, ps->blocked_until);
    return;
  }
  ps->blocked = 0;
  ps->st.blocked = 0;
  emit(sw, VL2_EV_STORM_UNBLOCKED, ps->block_cls, port, 0, ps->blocked_until);
}

/* Refill and test one class bucket for one frame of |len| bytes costing
 * |copies| frame tokens. */
static inline int cls_ok(cls_state *c, uint64_t copies, uint64_t len,
                         vl2_tstamp now) {
  if (!c->on)
    return 1;
  vl2_tb_refill(&c->f, now);
  vl2_tb_refill(&c->b, now);
  return vl2_tb_conforms(&c->f, copies) && vl2_tb_conforms(&c->b, copies * len);
}

static inline void cls_take(cls_state *c, uint64_t copies, uint64_t len) {
  if (!c->on)
    return;
  vl2_tb_take(&c->f, copies);
  vl2_tb_take(&c->b, copies * len);
}

/* Record a drop by |c|; returns 1 on the edge into "limited". */
static int cls_drop(vl2_switch *sw, cls_state *c, vl2_duration quiet,
                    vl2_tstamp now) {
  c->last_drop = now;
  arm(sw->storm, add_sat(now, quiet));
  if (c->limited)
    return 0;
  c->limited = 1;
  return 1;
}

/* The STORM step of a trace: bucket class |cls| of |port| decided. */
static void storm_step(vl2_tracer *T, int ok, unsigned cls, uint32_t port,
                       uint64_t copies) {
  vl2_trace_step *st =
      vl2_trace_add(T, VL2_TRACE_STORM, ok ? VL2_TRACE_R_OK : VL2_TRACE_R_DROP);
  st->aux = cls;
  st->port = port;
  st->value = copies;
  if (!ok)
    st->reason = VL2_DROP_STORM_CONTROL;
}

int vl2_storm_admit(vl2_switch *sw, uint32_t port, const vl2_segment *seg,
                    unsigned cls, int unreg, uint32_t len, uint32_t fanout,
                    vl2_tstamp now, vl2_tracer *T) {
  vl2_storm_state *st = sw->storm;
  port_storm *ps = NULL;
  if (port < sw->cfg.max_ports && st->ports[port].on)
    ps = &st->ports[port];
  seg_storm *ss = st->segs[seg->idx].on ? &st->segs[seg->idx] : NULL;
  if (ps == NULL && ss == NULL)
    return 1;

  unsigned k2 = unreg ? VL2_STORM_MCAST_UNREG : cls; /* second class */
  int fail_cls = -1;
  /* A trace refills copies of the buckets, so it decides with the tokens
   * a frame would find and takes none. */
  cls_state copy[2];
  if (ps != NULL) {
    if (!T)
      unblock_if_due(sw, ps, port, now);
    if (ps->blocked && (!T || ps->blocked_until > now)) {
      if (T)
        storm_step(T, 0, ps->block_cls, port, 1);
      else
        ps->st.blocked_drops++;
      return 0;
    }
    if (!T) {
      maybe_end(sw, &ps->c[cls], ps->cfg.quiet_ns, cls, port, 0,
                &ps->st.limited, now);
      if (k2 != cls)
        maybe_end(sw, &ps->c[k2], ps->cfg.quiet_ns, k2, port, 0,
                  &ps->st.limited, now);
    }
    cls_state *c2 = &ps->c[k2], *c1 = &ps->c[cls];
    if (T) {
      copy[0] = *c2;
      copy[1] = *c1;
      c2 = &copy[0];
      c1 = &copy[1];
    }
    if (!cls_ok(c2, 1, len, now))
      fail_cls = (int)k2;
    else if (k2 != cls && !cls_ok(c1, 1, len, now))
      fail_cls = (int)cls;
  }
  if (fail_cls >= 0) {
    unsigned k = (unsigned)fail_cls;
    if (T) {
      storm_step(T, 0, k, port, 1);
      return 0;
    }
    ps->st.dropped[k]++;
    ps->st.dropped_bytes[k] += len;
    if (cls_drop(sw, &ps->c[k], ps->cfg.quiet_ns, now)) {
      ps->st.episodes[k]++;
      ps->st.limited |= 1ull << k;
      emit(sw, VL2_EV_STORM_START, k, port, 0, now);
      if (ps->cfg.holddown_ns != 0) {
        ps->blocked = 1;
        ps->block_cls = (uint8_t)k;
        ps->st.blocked = 1;
        ps->st.holddowns++;
        ps->blocked_until = add_sat(now, ps->cfg.holddown_ns);
        arm(st, ps->blocked_until);
        emit(sw, VL2_EV_STORM_BLOCKED, k, port, 0, now);
      }
    }
    return 0;
  }
  if (ps != NULL && T)
    storm_step(T, 1, k2, port, 1);
  if (ss != NULL) {
    cls_state *sc = &ss->c;
    if (T) {
      copy[0] = *sc;
      sc = &copy[0];
    } else {
      maybe_end(sw, sc, ss->cfg.quiet_ns, VL2_STORM_SEGMENT, VL2_PORT_REMOTE,
                seg->vni, &ss->st.limited, now);
    }
    int ok = cls_ok(sc, fanout, len, now);
    if (T) {
      storm_step(T, ok, VL2_STORM_SEGMENT, VL2_PORT_REMOTE, fanout);
      return ok;
    }
    if (!ok) {
      ss->st.dropped++;
      ss->st.dropped_copies += fanout;
      if (port == VL2_PORT_REMOTE)
        ss->st.dropped_remote++;
      if (cls_drop(sw, &ss->c, ss->cfg.quiet_ns, now)) {
        ss->st.episodes++;
        ss->st.limited = 1;
        emit(sw, VL2_EV_STORM_START, VL2_STORM_SEGMENT, VL2_PORT_REMOTE,
             seg->vni, now);
      }
      return 0;
    }
    cls_take(&ss->c, fanout, len);
    ss->st.passed++;
    ss->st.passed_copies += fanout;
  }
  if (T)
    return 1;
  if (ps != NULL) {
    cls_take(&ps->c[k2], 1, len);
    if (k2 != cls)
      cls_take(&ps->c[cls], 1, len);
    ps->st.passed++;
  }
  return 1;
}

/* ------------------------------------------------------------------ */
/* Timers                                                               */

vl2_tstamp vl2_storm_next_deadline(const vl2_switch *sw) {
  return sw->storm != NULL ? sw->storm->next_at : VL2_TSTAMP_NONE;
}

void vl2_storm_run_timers(vl2_switch *sw, vl2_tstamp now) {
  vl2_storm_state *st = sw->storm;
  if (st == NULL || now < st->next_at)
    return;
  st->next_at = VL2_TSTAMP_NONE;
  for (uint32_t p = 0; p < sw->cfg.max_ports; p++) {
    port_storm *ps = &st->ports[p];
    if (!ps->on)
      continue;
    unblock_if_due(sw, ps, p, now);
    for (unsigned k = 0; k < VL2_STORM_CLASS_COUNT; k++)
      maybe_end(sw, &ps->c[k], ps->cfg.quiet_ns, k, p, 0, &ps->st.limited, now);
  }
  for (uint32_t i = 0; i < sw->cfg.max_segments; i++) {
    seg_storm *ss = &st->segs[i];
    if (ss->on)
      maybe_end(sw, &ss->c, ss->cfg.quiet_ns, VL2_STORM_SEGMENT,
                VL2_PORT_REMOTE, sw->segs[i].vni, &ss->st.limited, now);
  }
}

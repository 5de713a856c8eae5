/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Shared by the libFuzzer harnesses (header-only, every function static):
 * an input reader, an invariant check that survives NDEBUG, a counting
 * and failure-injecting vl2_mem, and a shadow model of the switch's
 * control plane (ports, their VLAN maps, segments, flood lists) kept in
 * step with the API calls the harness makes, against which every verdict
 * and every FDB entry is checked.
 *
 * Only the public API is used, so the harnesses link the ordinary static
 * library and the corpora replay under any compiler.
 */
#ifndef VL2_FUZZ_COMMON_H
#define VL2_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vl2/vl2.h>

/* ---- invariant checks (not assert(): RelWithDebInfo defines NDEBUG) ---- */

#define FZ_CHECK(cond)                                                         \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                          \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/* ---- input reader: reads past the end return zeros ---------------------- */

typedef struct fz_in {
  const uint8_t *p;
  size_t n;
} fz_in;

static inline int fz_left(const fz_in *in) { return in->n > 0; }

static inline uint8_t fz_u8(fz_in *in) {
  if (in->n == 0)
    return 0;
  in->n--;
  return *in->p++;
}
static inline uint16_t fz_u16(fz_in *in) {
  uint16_t v = fz_u8(in);
  return (uint16_t)(v << 8 | fz_u8(in));
}
static inline uint32_t fz_u32(fz_in *in) {
  uint32_t v = fz_u16(in);
  return v << 16 | fz_u16(in);
}
/* Take up to |want| bytes; returns how many (pointer in *out). */
static inline size_t fz_bytes(fz_in *in, size_t want, const uint8_t **out) {
  if (want > in->n)
    want = in->n;
  *out = in->p;
  in->p += want;
  in->n -= want;
  return want;
}

/* ---- counting, failure-injecting allocator ------------------------------ */

/* Every block carries a header with its size, so live bytes are exact. */
typedef struct fz_mem {
  size_t live_bytes;
  size_t live_blocks;
  size_t peak_bytes;
  uint64_t n_allocs; /* successful malloc/calloc/realloc calls */
  uint64_t fail_at;  /* fail when n_calls reaches this (0: never) */
  uint64_t n_calls;
  uint64_t n_failed;
} fz_mem;

#define FZ_HDR 16

static inline void *fz_take(fz_mem *m, size_t size, int zero) {
  m->n_calls++;
  if (m->fail_at != 0 && m->n_calls == m->fail_at) {
    m->n_failed++;
    return NULL;
  }
  if (size > ((size_t)1 << 30))
    return NULL;
  uint8_t *b = zero ? calloc(1, size + FZ_HDR) : malloc(size + FZ_HDR);
  if (b == NULL)
    return NULL;
  memcpy(b, &size, sizeof(size));
  m->live_bytes += size;
  m->live_blocks++;
  m->n_allocs++;
  if (m->live_bytes > m->peak_bytes)
    m->peak_bytes = m->live_bytes;
  return b + FZ_HDR;
}
static inline void *fz_malloc(size_t size, void *ud) {
  return fz_take(ud, size, 0);
}
static inline void *fz_calloc(size_t nmemb, size_t size, void *ud) {
  if (size != 0 && nmemb > ((size_t)1 << 30) / size)
    return NULL;
  return fz_take(ud, nmemb * size, 1);
}
static inline void fz_free(void *ptr, void *ud) {
  fz_mem *m = ud;
  if (ptr == NULL)
    return;
  uint8_t *b = (uint8_t *)ptr - FZ_HDR;
  size_t size;
  memcpy(&size, b, sizeof(size));
  FZ_CHECK(m->live_bytes >= size && m->live_blocks > 0);
  m->live_bytes -= size;
  m->live_blocks--;
  free(b);
}
static inline void *fz_realloc(void *ptr, size_t size, void *ud) {
  fz_mem *m = ud;
  if (ptr == NULL)
    return fz_take(m, size, 0);
  m->n_calls++;
  if (m->fail_at != 0 && m->n_calls == m->fail_at) {
    m->n_failed++;
    return NULL;
  }
  uint8_t *b = (uint8_t *)ptr - FZ_HDR;
  size_t old;
  memcpy(&old, b, sizeof(old));
  uint8_t *nb = realloc(b, size + FZ_HDR);
  if (nb == NULL)
    return NULL;
  memcpy(nb, &size, sizeof(size));
  m->live_bytes = m->live_bytes - old + size;
  m->n_allocs++;
  if (m->live_bytes > m->peak_bytes)
    m->peak_bytes = m->live_bytes;
  return nb + FZ_HDR;
}
static inline void fz_mem_init(fz_mem *m, vl2_mem *hooks) {
  memset(m, 0, sizeof(*m));
  hooks->user_data = m;
  hooks->malloc = fz_malloc;
  hooks->free = fz_free;
  hooks->calloc = fz_calloc;
  hooks->realloc = fz_realloc;
}

/* ---- small value domains, so random bytes hit the same objects ---------- */

#define FZ_MAX_PORTS 8
#define FZ_MAX_SEGS 8
#define FZ_N_VNIS 8
#define FZ_N_REMOTES 6
#define FZ_N_MACS 16

/* VNIs used by the harnesses (the last ones are edge values). */
static const uint32_t fz_vnis[FZ_N_VNIS] = {1,    2, 3,        100,
                                            4242, 0, 0xffffff, 0x123456};
static inline uint32_t fz_vni(uint8_t b) {
  if (b == 0xff)
    return 0x1000000; /* invalid: above 24 bits */
  return fz_vnis[b % FZ_N_VNIS];
}
/* Every VID the harnesses use (4095 is invalid). */
static const vl2_vid fz_vids[8] = {1, 2, 10, 100, 123, 200, 4094, 4095};
static inline vl2_vid fz_vid(uint8_t b) { return fz_vids[b % 8]; }
/* Remote endpoints: IPv4 and IPv6 (the last is invalid: IPv4 with junk in
 * the unused bytes). */
static inline vl2_ipaddr fz_remote(uint8_t b) {
  vl2_ipaddr a;
  memset(&a, 0, sizeof(a));
  switch (b % FZ_N_REMOTES) {
  case 0:
    a.family = VL2_AF_INET;
    a.addr[0] = 192;
    a.addr[1] = 0;
    a.addr[2] = 2;
    a.addr[3] = 1;
    break;
  case 1:
    a.family = VL2_AF_INET;
    a.addr[0] = 192;
    a.addr[1] = 0;
    a.addr[2] = 2;
    a.addr[3] = 2;
    break;
  case 2:
    a.family = VL2_AF_INET;
    a.addr[0] = 198;
    a.addr[1] = 51;
    a.addr[2] = 100;
    a.addr[3] = 7;
    break;
  case 3:
    a.family = VL2_AF_INET6;
    a.addr[0] = 0x20;
    a.addr[1] = 0x01;
    a.addr[2] = 0x0d;
    a.addr[3] = 0xb8;
    a.addr[15] = 1;
    break;
  case 4:
    a.family = VL2_AF_INET6;
    a.addr[0] = 0x20;
    a.addr[1] = 0x01;
    a.addr[2] = 0x0d;
    a.addr[3] = 0xb8;
    a.addr[15] = 2;
    break;
  default:
    a.family = VL2_AF_INET;
    a.addr[0] = 10;
    a.addr[9] = 1;
    break;
  }
  return a;
}
/* MACs: mostly unicast 02:00:00:00:00:0i; a few edge values. */
static inline vl2_mac fz_mac(uint8_t b) {
  vl2_mac m;
  memset(&m, 0, sizeof(m));
  unsigned i = b % FZ_N_MACS;
  if (i == 13) {
    memset(m.b, 0xff, 6); /* broadcast */
  } else if (i == 14) {
    /* all zero */
  } else if (i == 15) {
    m.b[0] = 0x01;
    m.b[1] = 0x80;
    m.b[2] = 0xc2; /* reserved group */
  } else {
    m.b[0] = 0x02;
    m.b[5] = (uint8_t)(i + 1);
  }
  return m;
}
static inline int fz_addr_eq(const vl2_ipaddr *a, const vl2_ipaddr *b) {
  return memcmp(a, b, sizeof(*a)) == 0;
}

/* Build a minimal frame dst, src, [tag tpid/vid], ethertype 0x0800,
 * padded to 60 bytes, into |buf| (at least 64 bytes). Returns its length. */
static inline uint32_t fz_build_frame(uint8_t *buf, const vl2_mac *dst,
                                      const vl2_mac *src, uint16_t tpid,
                                      uint16_t tci) {
  memset(buf, 0, 64);
  memcpy(buf, dst->b, 6);
  memcpy(buf + 6, src->b, 6);
  size_t o = 12;
  if (tpid != 0) {
    buf[o] = (uint8_t)(tpid >> 8);
    buf[o + 1] = (uint8_t)tpid;
    buf[o + 2] = (uint8_t)(tci >> 8);
    buf[o + 3] = (uint8_t)tci;
    o += 4;
  }
  buf[o] = 0x08;
  buf[o + 1] = 0x00;
  return tpid != 0 ? 64 : 60;
}

/* Switch config from 8 input bytes: small limits, so they are reached. */
static inline void fz_config(fz_in *in, vl2_switch_config *cfg) {
  vl2_switch_config_default(cfg);
  cfg->max_ports = 1u + fz_u8(in) % FZ_MAX_PORTS;
  cfg->max_segments = 1u + fz_u8(in) % FZ_MAX_SEGS;
  cfg->max_remotes = 1u + fz_u8(in) % 8;
  cfg->max_fdb = 1u + fz_u8(in) % 64;
  uint8_t b = fz_u8(in);
  cfg->max_macs_per_port = b & 3;
  cfg->max_macs_per_segment = (b >> 2) & 7;
  cfg->event_queue_cap = 1u + fz_u8(in) % 16;
  static const vl2_duration ageing[8] = {
      0, VL2_MS, 10 * VL2_MS, VL2_SEC, 300 * VL2_SEC, 0, 5 * VL2_SEC, 1};
  cfg->ageing_ns = ageing[fz_u8(in) % 8];
  cfg->hash_seed = fz_u8(in);
}

/* Advance |*now| by a step chosen by one input byte (never backwards;
 * kept far below 2^63 so now + ageing cannot wrap). */
static inline void fz_step(fz_in *in, vl2_tstamp *now,
                           const vl2_switch_config *cfg) {
  uint8_t b = fz_u8(in);
  vl2_duration unit;
  switch (b & 7) {
  case 0:
    unit = 0;
    break;
  case 1:
    unit = VL2_US;
    break;
  case 2:
    unit = VL2_MS;
    break;
  case 3:
    unit = 100 * VL2_MS;
    break;
  case 4:
    unit = VL2_SEC;
    break;
  case 5:
    unit = cfg->ageing_ns / 2;
    break;
  case 6:
    unit = cfg->ageing_ns;
    break;
  default:
    unit = 100 * VL2_SEC;
    break;
  }
  vl2_duration d = unit * (1u + (b >> 3));
  if (*now + d < ((vl2_tstamp)1 << 60))
    *now += d;
}

/* ---- shadow model of the control plane --------------------------------- */

typedef struct fz_port {
  int in_use;
  uint8_t mode;
  vl2_vid pvid;
  uint32_t flags;
  uint32_t vni_of_vid[4096]; /* UINT32_MAX: unmapped */
} fz_port;

typedef struct fz_seg {
  int in_use;
  uint32_t vni;
  uint32_t flags;
  vl2_ipaddr remotes[64];
  unsigned n_remotes;
} fz_seg;

typedef struct fz_model {
  vl2_switch_config cfg;
  fz_port ports[FZ_MAX_PORTS];
  fz_seg segs[FZ_MAX_SEGS + 1];
  unsigned n_segs;
} fz_model;

static inline void fz_model_init(fz_model *m, const vl2_switch_config *cfg) {
  memset(m, 0, sizeof(*m));
  m->cfg = *cfg;
}
static inline fz_seg *fz_model_seg(fz_model *m, uint32_t vni) {
  for (unsigned i = 0; i < FZ_MAX_SEGS + 1; i++)
    if (m->segs[i].in_use && m->segs[i].vni == vni)
      return &m->segs[i];
  return NULL;
}
static inline fz_port *fz_model_port(fz_model *m, uint32_t port) {
  if (port >= FZ_MAX_PORTS || !m->ports[port].in_use)
    return NULL;
  return &m->ports[port];
}
/* The VID through which |port| reaches segment |vni|, or 0. */
static inline vl2_vid fz_model_port_vid(const fz_model *m, uint32_t port,
                                        uint32_t vni) {
  if (port >= FZ_MAX_PORTS || !m->ports[port].in_use)
    return 0;
  /* Only VIDs from fz_vids are ever mapped. */
  for (unsigned i = 0; i < 8; i++) {
    vl2_vid v = fz_vids[i];
    if (v >= 1 && v <= VL2_VID_MAX && m->ports[port].vni_of_vid[v] == vni)
      return v;
  }
  return 0;
}
static inline int fz_model_seg_has_remote(const fz_seg *s,
                                          const vl2_ipaddr *a) {
  for (unsigned i = 0; i < s->n_remotes; i++)
    if (fz_addr_eq(&s->remotes[i], a))
      return 1;
  return 0;
}
static inline int fz_model_seg_has_ports(const fz_model *m, uint32_t vni) {
  for (unsigned p = 0; p < FZ_MAX_PORTS; p++)
    if (fz_model_port_vid(m, p, vni) != 0)
      return 1;
  return 0;
}

/* ---- control-plane operations, applied to switch and model -------------- */

/* Decode one control-plane operation from |in| and apply it to |sw|; keep
 * |m| in step with what the library accepted, and check that what it
 * refused it had to refuse (and the reverse, where the outcome is fully
 * determined by the model). |op| is below FZ_N_CONTROL_OPS. |mem| is told
 * to fail an allocation when the input asks; the operation must then fail
 * cleanly with NOMEM and leave no trace. */
#define FZ_N_CONTROL_OPS 13
static inline void fz_control_op(vl2_switch *sw, fz_model *m, fz_mem *mem,
                                 unsigned op, fz_in *in, vl2_tstamp now) {
  uint8_t a = fz_u8(in), b = fz_u8(in), c = fz_u8(in);
  int rv;
  /* One allocation in ten ops fails, when the input says so. */
  int inject = (c & 0xe0) == 0xe0;
  if (inject)
    mem->fail_at = mem->n_calls + 1 + (c & 0x3);
  uint64_t failed0 = mem->n_failed;

  switch (op) {
  case 0: {                                 /* port add */
    uint32_t port = a % (FZ_MAX_PORTS + 1); /* one past max_ports sometimes */
    vl2_port_config pc;
    vl2_port_config_default(&pc, (uint8_t)(b & 1));
    if (b & 2)
      pc.pvid = fz_vid(b >> 2);
    if (b & 0x80)
      pc.flags = c & 0x7f;
    pc.max_macs = (c >> 6) & 1 ? 2 : 0;
    rv = vl2_switch_port_add(sw, port, &pc);
    int valid =
        port < m->cfg.max_ports &&
        (pc.mode == VL2_PORT_ACCESS ? pc.pvid >= 1 && pc.pvid <= VL2_VID_MAX
                                    : pc.pvid <= VL2_VID_MAX);
    if (!valid) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (m->ports[port].in_use) {
      FZ_CHECK(rv == VL2_ERR_EXISTS);
    } else if (rv == VL2_ERR_NOMEM) {
      FZ_CHECK(mem->n_failed > failed0);
    } else {
      FZ_CHECK(rv == 0);
      fz_port *p = &m->ports[port];
      p->in_use = 1;
      p->mode = pc.mode;
      p->pvid = pc.pvid;
      p->flags = pc.flags;
      for (unsigned v = 0; v < 4096; v++)
        p->vni_of_vid[v] = UINT32_MAX;
    }
    break;
  }
  case 1: { /* port del */
    uint32_t port = a % (FZ_MAX_PORTS + 1);
    rv = vl2_switch_port_del(sw, port);
    if (fz_model_port(m, port) == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else {
      FZ_CHECK(rv == 0);
      m->ports[port].in_use = 0;
    }
    break;
  }
  case 2: { /* port set: flags and limit */
    uint32_t port = a % FZ_MAX_PORTS;
    fz_port *p = fz_model_port(m, port);
    vl2_port_config pc;
    memset(&pc, 0, sizeof(pc));
    pc.mode = p != NULL ? p->mode : 0;
    pc.pvid = p != NULL ? p->pvid : 1;
    pc.flags = b & 0x3f;
    if (p != NULL && !(c & 1))
      pc.flags = (pc.flags & ~VL2_PORT_F_QINQ) | (p->flags & VL2_PORT_F_QINQ);
    pc.max_macs = c >> 5;
    rv = vl2_switch_port_set(sw, port, &pc);
    if (p == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else if ((pc.flags ^ p->flags) & VL2_PORT_F_QINQ) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else {
      FZ_CHECK(rv == 0);
      p->flags = pc.flags;
    }
    break;
  }
  case 3: { /* map VLAN */
    uint32_t port = a % FZ_MAX_PORTS;
    vl2_vid vid = (a & 0x80) && fz_model_port(m, port) != NULL
                      ? m->ports[port].pvid
                      : fz_vid(b);
    uint32_t vni = fz_vni(c & 0x1f ? b >> 3 : 0xff);
    rv = vl2_switch_port_vlan_add(sw, port, vid, vni);
    fz_port *p = fz_model_port(m, port);
    if (vid < 1 || vid > VL2_VID_MAX) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (p == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else if (p->mode == VL2_PORT_ACCESS && vid != p->pvid) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (fz_model_seg(m, vni) == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else if (p->vni_of_vid[vid] != UINT32_MAX ||
               fz_model_port_vid(m, port, vni) != 0) {
      FZ_CHECK(rv == VL2_ERR_EXISTS);
    } else if (rv == VL2_ERR_NOMEM) {
      FZ_CHECK(mem->n_failed > failed0);
    } else {
      FZ_CHECK(rv == 0);
      p->vni_of_vid[vid] = vni;
    }
    break;
  }
  case 4: { /* unmap VLAN */
    uint32_t port = a % FZ_MAX_PORTS;
    vl2_vid vid = fz_vid(b);
    rv = vl2_switch_port_vlan_del(sw, port, vid);
    fz_port *p = fz_model_port(m, port);
    if (vid < 1 || vid > VL2_VID_MAX) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (p == NULL || p->vni_of_vid[vid] == UINT32_MAX) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else {
      FZ_CHECK(rv == 0);
      p->vni_of_vid[vid] = UINT32_MAX;
    }
    break;
  }
  case 5: { /* segment add */
    uint32_t vni = fz_vni(a);
    vl2_segment_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.flags = b & 0x0f;
    sc.max_macs = c & 0x10 ? (c & 3) + 1 : 0;
    rv = vl2_switch_segment_add(sw, vni, (a & 0x40) ? NULL : &sc);
    if (vni > VL2_VNI_MAX) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (fz_model_seg(m, vni) != NULL) {
      FZ_CHECK(rv == VL2_ERR_EXISTS);
    } else if (m->n_segs >= m->cfg.max_segments) {
      FZ_CHECK(rv == VL2_ERR_LIMIT);
    } else if (rv == VL2_ERR_NOMEM) {
      FZ_CHECK(mem->n_failed > failed0);
    } else {
      FZ_CHECK(rv == 0);
      for (unsigned i = 0; i < FZ_MAX_SEGS + 1; i++) {
        if (!m->segs[i].in_use) {
          memset(&m->segs[i], 0, sizeof(m->segs[i]));
          m->segs[i].in_use = 1;
          m->segs[i].vni = vni;
          m->segs[i].flags = (a & 0x40) ? VL2_SEG_F_LEARN_REMOTE : sc.flags;
          m->n_segs++;
          break;
        }
      }
    }
    break;
  }
  case 6: { /* segment del */
    uint32_t vni = fz_vni(a);
    rv = vl2_switch_segment_del(sw, vni);
    fz_seg *s = fz_model_seg(m, vni);
    if (s == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else if (fz_model_seg_has_ports(m, vni)) {
      FZ_CHECK(rv == VL2_ERR_BUSY);
    } else {
      FZ_CHECK(rv == 0);
      s->in_use = 0;
      m->n_segs--;
    }
    break;
  }
  case 7: { /* segment set */
    uint32_t vni = fz_vni(a);
    vl2_segment_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.flags = b & 0x0f;
    sc.max_macs = c & 3;
    rv = vl2_switch_segment_set(sw, vni, &sc);
    fz_seg *s = fz_model_seg(m, vni);
    if (s == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else {
      FZ_CHECK(rv == 0);
      s->flags = sc.flags;
    }
    break;
  }
  case 8: { /* remote add */
    uint32_t vni = fz_vni(a);
    vl2_ipaddr r = fz_remote(b);
    rv = vl2_switch_remote_add(sw, vni, &r);
    fz_seg *s = fz_model_seg(m, vni);
    int valid = r.family == VL2_AF_INET6 ||
                (r.family == VL2_AF_INET &&
                 !memcmp(r.addr + 4, "\0\0\0\0\0\0\0\0\0\0\0\0", 12));
    if (!valid) {
      FZ_CHECK(rv == VL2_ERR_INVALID);
    } else if (s == NULL) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND);
    } else if (fz_model_seg_has_remote(s, &r)) {
      FZ_CHECK(rv == VL2_ERR_EXISTS);
    } else if (rv == VL2_ERR_NOMEM) {
      FZ_CHECK(mem->n_failed > failed0);
    } else if (rv == VL2_ERR_LIMIT) {
      /* The remote table is shared with FDB entries: not modelled. */
    } else {
      FZ_CHECK(rv == 0);
      FZ_CHECK(s->n_remotes < 64);
      s->remotes[s->n_remotes++] = r;
    }
    break;
  }
  case 9: { /* remote del */
    uint32_t vni = fz_vni(a);
    vl2_ipaddr r = fz_remote(b);
    rv = vl2_switch_remote_del(sw, vni, &r);
    fz_seg *s = fz_model_seg(m, vni);
    if (s == NULL || !fz_model_seg_has_remote(s, &r)) {
      FZ_CHECK(rv == VL2_ERR_NOTFOUND || rv == VL2_ERR_INVALID);
    } else {
      FZ_CHECK(rv == 0);
      for (unsigned i = 0; i < s->n_remotes; i++) {
        if (fz_addr_eq(&s->remotes[i], &r)) {
          s->remotes[i] = s->remotes[--s->n_remotes];
          break;
        }
      }
    }
    break;
  }
  case 10: { /* static FDB entry */
    vl2_fdb_entry e;
    memset(&e, 0, sizeof(e));
    e.vni = fz_vni(a);
    e.mac = fz_mac(b);
    if (c & 0x10) {
      e.flags = VL2_FDB_F_REMOTE;
      e.remote = fz_remote(c);
    } else {
      e.port = c % (FZ_MAX_PORTS + 1);
    }
    rv = vl2_fdb_add_static(sw, &e);
    size_t cnt = vl2_fdb_count(sw);
    FZ_CHECK(cnt <= m->cfg.max_fdb);
    if (rv == 0) {
      vl2_fdb_entry g;
      FZ_CHECK(vl2_fdb_lookup(sw, e.vni, &e.mac, &g, now) == 0);
      FZ_CHECK(g.flags & VL2_FDB_F_STATIC);
      FZ_CHECK(g.expires_at == VL2_TSTAMP_NONE);
      if (e.flags & VL2_FDB_F_REMOTE) {
        FZ_CHECK(g.port == VL2_PORT_REMOTE && fz_addr_eq(&g.remote, &e.remote));
      } else {
        FZ_CHECK(g.port == e.port);
        FZ_CHECK(fz_model_port_vid(m, e.port, e.vni) != 0);
      }
      FZ_CHECK(fz_model_seg(m, e.vni) != NULL);
    } else {
      FZ_CHECK(rv == VL2_ERR_INVALID || rv == VL2_ERR_NOTFOUND ||
               rv == VL2_ERR_LIMIT);
      if (rv == VL2_ERR_NOTFOUND)
        FZ_CHECK(fz_model_seg(m, e.vni) == NULL ||
                 (!(e.flags & VL2_FDB_F_REMOTE) &&
                  fz_model_port_vid(m, e.port, e.vni) == 0));
    }
    break;
  }
  case 11: { /* FDB del */
    uint32_t vni = fz_vni(a);
    vl2_mac mac = fz_mac(b);
    vl2_fdb_entry g;
    size_t cnt = vl2_fdb_count(sw);
    int had = vl2_fdb_lookup(sw, vni, &mac, &g, now) == 0;
    rv = vl2_fdb_del(sw, vni, &mac);
    if (had)
      FZ_CHECK(rv == 0);
    if (rv == 0)
      FZ_CHECK(vl2_fdb_count(sw) == cnt - 1);
    else
      FZ_CHECK(rv == VL2_ERR_NOTFOUND && vl2_fdb_count(sw) == cnt);
    FZ_CHECK(vl2_fdb_lookup(sw, vni, &mac, &g, now) == VL2_ERR_NOTFOUND);
    break;
  }
  case 12: { /* flushes */
    unsigned which = (b & 3);
    size_t cnt = vl2_fdb_count(sw);
    vl2_ssize r;
    switch (a % 3) {
    case 0: {
      uint32_t port = c % (FZ_MAX_PORTS + 1);
      r = vl2_fdb_flush_port(sw, port, which);
      if (port >= m->cfg.max_ports) { /* not a port id: refused */
        FZ_CHECK(r == VL2_ERR_INVALID && vl2_fdb_count(sw) == cnt);
        r = 0;
      }
      break;
    }
    case 1:
      r = vl2_fdb_flush_segment(sw, fz_vni(c), which);
      if (fz_model_seg(m, fz_vni(c)) == NULL) {
        FZ_CHECK(r == VL2_ERR_NOTFOUND);
        r = 0;
      }
      break;
    default:
      r = vl2_fdb_flush_all(sw, which);
      if (which == VL2_FDB_FLUSH_ALL)
        FZ_CHECK(vl2_fdb_count(sw) == 0);
      break;
    }
    FZ_CHECK(r >= 0 && (size_t)r <= cnt);
    FZ_CHECK(vl2_fdb_count(sw) == cnt - (size_t)r);
    if (which == 0)
      FZ_CHECK(r == 0);
    break;
  }
  default:
    break;
  }
  mem->fail_at = 0;
}

/* Check the FDB as a whole against the model; |exact| when no entry can
 * have expired without being reclaimed (ageing off). */
static inline void fz_check_fdb(const vl2_switch *sw, fz_model *m,
                                vl2_tstamp now, int exact) {
  size_t count = vl2_fdb_count(sw);
  FZ_CHECK(count <= m->cfg.max_fdb);
  vl2_switch_stats st;
  FZ_CHECK(vl2_switch_get_stats(sw, &st) == 0);
  FZ_CHECK(st.fdb_entries == count);
  FZ_CHECK(st.fdb_static <= count);

  uint64_t cursor = 0;
  vl2_fdb_entry e;
  size_t n = 0, n_static = 0;
  uint64_t port_macs[FZ_MAX_PORTS] = {0};
  uint64_t seg_macs[FZ_MAX_SEGS + 1] = {0};
  /* Keys seen, to catch an entry reported twice. */
  uint64_t seen[512];
  size_t n_seen = 0;
  while (vl2_fdb_next(sw, &cursor, &e, now) == 1) {
    FZ_CHECK(n < count);
    n++;
    fz_seg *s = fz_model_seg(m, e.vni);
    FZ_CHECK(s != NULL);
    FZ_CHECK(!(e.mac.b[0] & 1));
    uint64_t key = (uint64_t)(s - m->segs) << 48;
    for (int i = 0; i < 6; i++)
      key |= (uint64_t)e.mac.b[i] << (40 - 8 * i);
    for (size_t i = 0; i < n_seen; i++)
      FZ_CHECK(seen[i] != key);
    if (n_seen < 512)
      seen[n_seen++] = key;
    if (e.flags & VL2_FDB_F_REMOTE) {
      FZ_CHECK(e.port == VL2_PORT_REMOTE);
      FZ_CHECK(e.remote.family == VL2_AF_INET ||
               e.remote.family == VL2_AF_INET6);
    } else {
      /* A port entry points at a member of the entry's segment. */
      FZ_CHECK(e.port < FZ_MAX_PORTS);
      FZ_CHECK(fz_model_port_vid(m, e.port, e.vni) != 0);
    }
    if (e.flags & VL2_FDB_F_STATIC) {
      n_static++;
      FZ_CHECK(e.expires_at == VL2_TSTAMP_NONE);
    } else {
      FZ_CHECK(e.expires_at > now);
      if (!(e.flags & VL2_FDB_F_REMOTE))
        port_macs[e.port]++;
      seg_macs[s - m->segs]++;
    }
    vl2_fdb_entry g;
    FZ_CHECK(vl2_fdb_lookup(sw, e.vni, &e.mac, &g, now) == 0);
    FZ_CHECK(memcmp(&g, &e, sizeof(g)) == 0);
  }
  /* Static entries never expire, so every one is iterated. */
  FZ_CHECK(n_static == st.fdb_static);
  if (exact) {
    FZ_CHECK(n == count);
    for (uint32_t p = 0; p < FZ_MAX_PORTS; p++) {
      vl2_port_stats ps;
      if (vl2_switch_port_get_stats(sw, p, &ps) == 0)
        FZ_CHECK(ps.macs == port_macs[p]);
    }
    for (unsigned i = 0; i < FZ_MAX_SEGS + 1; i++) {
      vl2_segment_stats ss;
      if (m->segs[i].in_use) {
        FZ_CHECK(vl2_switch_segment_get_stats(sw, m->segs[i].vni, &ss) == 0);
        FZ_CHECK(ss.macs == seg_macs[i]);
      }
    }
  } else {
    FZ_CHECK(n <= count);
  }
}

/* Switch-wide counters agree with each other. */
static inline void fz_check_stats(const vl2_switch *sw) {
  vl2_switch_stats st;
  FZ_CHECK(vl2_switch_get_stats(sw, &st) == 0);
  uint64_t sum = 0;
  for (unsigned r = 0; r < VL2_DROP_REASON_MAX; r++)
    sum += st.drops[r];
  FZ_CHECK(sum == st.dropped);
  FZ_CHECK(st.drops[VL2_DROP_NONE] == 0);
  for (unsigned r = VL2_DROP_REASON_COUNT; r < VL2_DROP_REASON_MAX; r++)
    FZ_CHECK(st.drops[r] == 0);
#ifdef VL2_EV_NEIGH_ADDED /* switch.h with the neighbour table */
  FZ_CHECK(st.rx_frames ==
           st.forwarded + st.flooded + st.consumed + st.dropped);
#else
  FZ_CHECK(st.rx_frames == st.forwarded + st.flooded + st.dropped);
#endif
}

/* A valid event type: FDB events, and the neighbour ones when built in. */
static inline int fz_event_type_ok(unsigned t) {
  if (t >= VL2_EV_FDB_LEARNED && t <= VL2_EV_FDB_LIMIT)
    return 1;
#ifdef VL2_EV_NEIGH_ADDED
  if (t >= VL2_EV_NEIGH_ADDED && t <= VL2_EV_NEIGH_LOOKUP_TIMEOUT)
    return 1;
#endif
  return 0;
}

/* An upper bound on what a switch with |cfg| may hold, given |base| bytes
 * live right after vl2_switch_new(): per port its two VLAN maps, per
 * segment flood lists that hold every port and remote (doubling), and the
 * segment hash's buckets. Nothing may grow beyond it whatever the traffic. */
static inline size_t fz_mem_bound(const vl2_switch_config *cfg, size_t base) {
  size_t per_port = 4096 * 2 + (size_t)cfg->max_segments * 2 + 64;
  size_t per_seg = 2 * 4 * ((size_t)cfg->max_ports + 4) +
                   2 * 4 * ((size_t)cfg->max_remotes + 4) + 128;
  return base + cfg->max_ports * per_port + cfg->max_segments * per_seg + 8192;
}

/* What a trace must leave alone, cheaply: the switch-wide counters of the
 * switch, the neighbour table and the MDB, and the table sizes. */
typedef struct fz_state {
  vl2_switch_stats sw;
  vl2_neigh_stats nb;
  vl2_mdb_stats mdb;
  size_t fdb, neigh;
} fz_state;

static inline void fz_state_take(const vl2_switch *sw, fz_state *s) {
  memset(s, 0, sizeof(*s));
  FZ_CHECK(vl2_switch_get_stats(sw, &s->sw) == 0);
  FZ_CHECK(vl2_neigh_get_stats(sw, VL2_NEIGH_ALL_SEGMENTS, &s->nb) == 0);
  FZ_CHECK(vl2_mdb_get_stats(sw, UINT32_MAX, &s->mdb) == 0);
  s->fdb = vl2_fdb_count(sw);
  s->neigh = vl2_neigh_count(sw);
}

/* Whether two destinations are the same (the fields their type uses). */
static inline int fz_dest_same(const vl2_dest *x, const vl2_dest *y) {
  if (x->type != y->type || x->edit != y->edit || x->vid != y->vid ||
      x->tpid != y->tpid || x->udp_sport != y->udp_sport || x->vni != y->vni)
    return 0;
  return x->type == VL2_DEST_PORT
             ? x->port == y->port
             : x->remote_id == y->remote_id &&
                   memcmp(&x->remote, &y->remote, sizeof(x->remote)) == 0;
}

/* vl2_switch_process() of the one frame |f|, after tracing it
 * (<vl2/trace.h>): the trace changes none of the above and decides what
 * processing then decides, destination by destination. */
static inline vl2_ssize fz_trace_process(vl2_switch *sw, const vl2_frame *f,
                                         vl2_verdict *v, vl2_dest *dests,
                                         size_t cap, vl2_tstamp now) {
  static vl2_dest td[256];
  static vl2_trace_step steps[32];
  fz_state a, b;
  vl2_verdict tv;
  size_t n_steps;
  fz_state_take(sw, &a);
  int tr = vl2_switch_trace(sw, f, now, &tv, td, cap < 256 ? cap : 256, steps,
                            32, &n_steps);
  fz_state_take(sw, &b);
  FZ_CHECK(memcmp(&a, &b, sizeof(a)) == 0);
  vl2_ssize rv = vl2_switch_process(sw, f, 1, v, dests, cap, now);
  FZ_CHECK((tr == VL2_ERR_NOBUF) == (rv == VL2_ERR_NOBUF));
  if (tr != 0 || rv != 1)
    return rv;
  FZ_CHECK(n_steps >= 2 && steps[0].kind == VL2_TRACE_INGRESS);
  FZ_CHECK(tv.action == v->action && tv.reason == v->reason &&
           tv.vni == v->vni && tv.flags == v->flags &&
           tv.dest_cnt == v->dest_cnt);
  for (uint32_t i = 0; i < tv.dest_cnt; i++)
    FZ_CHECK(fz_dest_same(&td[i], &dests[v->dest_off + i]));
  return rv;
}

#endif /* !defined(VL2_FUZZ_COMMON_H) */

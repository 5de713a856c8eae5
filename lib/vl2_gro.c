/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Receive coalescing of inner TCP segments (see include/vl2/gro.h).
 *
 * Where it fits: between decapsulation and the switch in a program that
 * delivers overlay traffic to TAP ports with offload (vl2-switch). One
 * call looks at a burst: each frame is parsed once (meta), grouped into
 * items (a run of mergeable segments of one flow, linked through next[]),
 * and only items of two or more segments are copied into a super-frame
 * buffer at the end. Checksums are summed in host order over native words
 * (RFC 1071 section 2(B)); every multi-byte field is read with memcpy or
 * byte by byte, so no alignment is assumed.
 */
#include <vl2/gro.h>

#include <stdint.h>
#include <string.h>

#include "vl2_csum.h"
#include "vl2_mem.h"
#include "vl2_stats.h"
#include "vl2_wire.h"

#define MAX_FRAMES_LIMIT 4096u
#define MAX_SUPERS_LIMIT 1024u
#define MAX_L2 22u        /* Ethernet + two tags */
#define MAX_IP_LEN 65535u /* IPv4 total length / IPv6 payload + 40 */
#define BUF_LEN (VL2_VNET_HDR_LEN + MAX_L2 + MAX_IP_LEN + 64u)

#define TCP_FIN 0x01u
#define TCP_SYN 0x02u
#define TCP_RST 0x04u
#define TCP_PSH 0x08u
#define TCP_ACK 0x10u
#define TCP_URG 0x20u
#define TCP_CWR 0x80u

/* virtio_net_hdr values (linux/virtio_net.h), without the kernel header */
#define VNET_F_NEEDS_CSUM 1u
#define VNET_GSO_TCPV4 1u
#define VNET_GSO_TCPV6 4u

enum { K_OTHER = 0, K_IPPAIR, K_TCP, K_SEG };

#define MEMBER (UINT32_MAX - 1) /* owner[] of a merged segment */

/* What one frame is. K_SEG: a mergeable TCP segment; K_TCP: TCP that
 * cannot merge (flags, no payload, ...) but ends its flow's item; K_IPPAIR:
 * IP this code cannot read to the TCP header (a fragment, extension
 * headers): it ends the items of its address pair; K_OTHER: anything
 * else, which ends nothing. */
typedef struct meta {
  uint8_t kind;
  uint8_t v6;
  uint8_t l3;     /* IP header offset */
  uint8_t csum;   /* 0 unknown, 1 good, 2 bad */
  uint16_t l4;    /* TCP header offset */
  uint16_t hlen;  /* bytes before the payload */
  uint32_t plen;  /* payload bytes */
  uint32_t seq;   /* TCP sequence number */
  uint32_t hash;  /* of the flow */
  uint8_t tflags; /* TCP flags */
  uint8_t pad[3];
} meta;

typedef struct item {
  uint32_t first, last; /* frame indexes */
  uint32_t cnt;         /* segments */
  uint32_t bytes;       /* payload bytes */
  uint8_t open;         /* may still take a segment */
  uint8_t has_buf;      /* counted against max_supers */
  uint8_t pad[2];
} item;

struct vl2_gro {
  vl2_mem mem;
  vl2_gro_config cfg;
  meta *m;         /* max_frames */
  item *items;     /* max_frames */
  uint32_t *next;  /* max_frames: next segment of the same item */
  uint32_t *owner; /* max_frames: the item a frame heads, or UINT32_MAX */
  uint8_t *bufs;   /* max_supers * BUF_LEN */
  vl2_gro_stats st;
};

/* The pseudo-header sum of the TCP segment of frame |f| (RFC 793 section
 * 3.1, RFC 8200 section 8.1) for |l4len| bytes of TCP. */
static uint64_t pseudo_sum(const uint8_t *f, const meta *m, uint32_t l4len) {
  const uint8_t *ip = f + m->l3;
  if (!m->v6) {
    uint8_t ph[4] = {0, 6, (uint8_t)(l4len >> 8), (uint8_t)l4len};
    return vl2_csum_partial(ip + 12, 8, vl2_csum_partial(ph, 4, 0));
  }
  uint8_t ph[8] = {(uint8_t)(l4len >> 24),
                   (uint8_t)(l4len >> 16),
                   (uint8_t)(l4len >> 8),
                   (uint8_t)l4len,
                   0,
                   0,
                   0,
                   6};
  return vl2_csum_partial(ip + 8, 32, vl2_csum_partial(ph, 8, 0));
}

static uint32_t mix(uint32_t h, uint32_t v) {
  h ^= v;
  h *= 0x9e3779b1u;
  return h ^ (h >> 15);
}

/* Parse frame |f| into |m|. */
static void parse(const vl2_frame *f, meta *m) {
  memset(m, 0, sizeof(*m));
  m->kind = K_OTHER;
  const uint8_t *p = f->data;
  uint32_t len = f->len;
  if ((f->flags & VL2_FRAME_F_VNET_HDR) || len < 14)
    return;
  uint32_t off = 14;
  uint16_t type = vl2_load_be16(p + 12);
  for (int t = 0; t < 2 && (type == 0x8100 || type == 0x88a8); t++) {
    if (off + 4 > len)
      return;
    type = vl2_load_be16(p + off + 2);
    off += 4;
  }
  m->l3 = (uint8_t)off;
  uint32_t iplen, l4;
  const uint8_t *ip = p + off;
  uint32_t h = mix(f->vni, f->port);
  if (type == 0x0800) {
    if (len < off + 20 || (ip[0] >> 4) != 4)
      return;
    uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
    iplen = vl2_load_be16(ip + 2);
    if (ihl < 20 || iplen < ihl || off + iplen > len)
      return;
    h = mix(h, vl2_load_be32(ip + 12));
    h = mix(h, vl2_load_be32(ip + 16));
    m->hash = h;
    if (ip[9] != 6 || (vl2_load_be16(ip + 6) & 0x3fff) != 0) {
      m->kind = K_IPPAIR;
      return;
    }
    l4 = off + ihl;
  } else if (type == 0x86dd) {
    if (len < off + 40 || (ip[0] >> 4) != 6)
      return;
    iplen = 40u + vl2_load_be16(ip + 4);
    if (off + iplen > len)
      return;
    for (int i = 0; i < 8; i++)
      h = mix(h, vl2_load_be32(ip + 8 + 4 * i));
    m->hash = h;
    if (ip[6] != 6) {
      m->kind = K_IPPAIR;
      return;
    }
    m->v6 = 1;
    l4 = off + 40;
  } else {
    return;
  }
  if (l4 + 20 > off + iplen) {
    m->kind = K_IPPAIR;
    return;
  }
  const uint8_t *th = p + l4;
  uint32_t doff = (uint32_t)(th[12] >> 4) * 4;
  if (doff < 20 || l4 + doff > off + iplen) {
    m->kind = K_IPPAIR;
    return;
  }
  m->hash = mix(m->hash, vl2_load_be32(th));
  m->kind = K_TCP;
  m->l4 = (uint16_t)l4;
  m->hlen = (uint16_t)(l4 + doff);
  m->plen = off + iplen - m->hlen;
  m->seq = vl2_load_be32(th + 4);
  m->tflags = th[13];
  if (m->plen > 0 && (m->tflags & TCP_ACK) &&
      !(m->tflags & (TCP_FIN | TCP_SYN | TCP_RST | TCP_URG | TCP_CWR)))
    m->kind = K_SEG;
}

/* The same flow: context, addresses and ports (TCP) or the address pair
 * (|ports| false). */
static bool same_flow(const vl2_frame *a, const meta *ma, const vl2_frame *b,
                      const meta *mb, bool ports) {
  if (ma->hash != mb->hash && ports)
    return false;
  if (a->vni != b->vni || a->port != b->port || ma->v6 != mb->v6 ||
      memcmp(&a->remote, &b->remote, sizeof(a->remote)) != 0)
    return false;
  const uint8_t *ia = a->data + ma->l3, *ib = b->data + mb->l3;
  if (ma->v6 ? memcmp(ia + 8, ib + 8, 32) != 0
             : memcmp(ia + 12, ib + 12, 8) != 0)
    return false;
  return !ports || memcmp(a->data + ma->l4, b->data + mb->l4, 4) == 0;
}

/* Whether segment |c| may follow segment |l| (the last of an item whose
 * first is |fs|). */
static bool can_follow(const vl2_frame *fs, const meta *mfs, const vl2_frame *l,
                       const meta *ml, const vl2_frame *c, const meta *mc) {
  if (mc->l3 != ml->l3 || mc->l4 != ml->l4 || mc->hlen != ml->hlen)
    return false;
  if (memcmp(c->data, l->data, ml->l3) != 0) /* Ethernet header and tags */
    return false;
  if ((ml->tflags & TCP_PSH) || ml->plen != mfs->plen || mc->plen > mfs->plen)
    return false; /* the item ended */
  if (mc->seq != ml->seq + ml->plen)
    return false;
  const uint8_t *il = l->data + ml->l3, *ic = c->data + mc->l3;
  if (!ml->v6) {
    /* version/IHL, TOS; flags/fragment (DF); TTL, protocol; addresses and
     * options; identification + 1 */
    uint32_t ihl = (uint32_t)(il[0] & 0xf) * 4;
    if (il[0] != ic[0] || il[1] != ic[1] || memcmp(il + 6, ic + 6, 4) != 0 ||
        memcmp(il + 12, ic + 12, ihl - 12) != 0 ||
        (uint16_t)(vl2_load_be16(il + 4) + 1) != vl2_load_be16(ic + 4))
      return false;
  } else {
    /* version, traffic class, flow label; next header, hop limit */
    if (memcmp(il, ic, 4) != 0 || memcmp(il + 6, ic + 6, 2) != 0)
      return false;
  }
  const uint8_t *tl = l->data + ml->l4, *tc = c->data + mc->l4;
  /* ports, ack, data offset, flags but PSH, window; options as the
   * first's */
  if (memcmp(tl, tc, 4) != 0 || memcmp(tl + 8, tc + 8, 5) != 0 ||
      ((tl[13] ^ tc[13]) & (uint8_t)~TCP_PSH) != 0 ||
      memcmp(tl + 14, tc + 14, 2) != 0)
    return false;
  const uint8_t *tf = fs->data + mfs->l4;
  uint32_t optlen = (uint32_t)mc->hlen - mc->l4 - 20;
  return optlen == 0 || memcmp(tf + 20, tc + 20, optlen) == 0;
}

/* Verify (once) the TCP checksum of frame |f|. */
static bool csum_ok(const vl2_gro *g, const vl2_frame *f, meta *m) {
  if (g->cfg.flags & VL2_GRO_F_NO_CSUM_VERIFY)
    return true;
  if (m->csum == 0) {
    uint32_t l4len = m->hlen - m->l4 + m->plen;
    uint64_t s =
        vl2_csum_partial(f->data + m->l4, l4len, pseudo_sum(f->data, m, l4len));
    m->csum = vl2_csum_fold(s) == 0xffff ? 1 : 2;
  }
  return m->csum == 1;
}

int vl2_gro_config_default_versioned(int version, vl2_gro_config *cfg) {
  if (cfg == NULL)
    return VL2_ERR_INVALID;
  if (version != VL2_GRO_CONFIG_V1)
    return VL2_ERR_VERSION;
  memset(cfg, 0, sizeof(*cfg));
  cfg->max_frames = 256;
  cfg->max_supers = 16;
  return 0;
}

int vl2_gro_new(vl2_gro **pg, const vl2_gro_config *cfg, const vl2_mem *mem) {
  if (pg == NULL)
    return VL2_ERR_INVALID;
  *pg = NULL;
  vl2_gro_config c;
  if (cfg != NULL)
    c = *cfg;
  else
    vl2_gro_config_default(&c);
  if (c.max_frames == 0 || c.max_frames > MAX_FRAMES_LIMIT ||
      c.max_supers == 0 || c.max_supers > MAX_SUPERS_LIMIT ||
      (c.flags & ~VL2_GRO_F_NO_CSUM_VERIFY) != 0)
    return VL2_ERR_INVALID;
  for (size_t i = 0; i < sizeof(c.reserved) / sizeof(c.reserved[0]); i++)
    if (c.reserved[i] != 0)
      return VL2_ERR_INVALID;
  vl2_mem m = vl2_mem_resolve(mem);
  vl2_gro *g = vl2_mem_calloc(&m, 1, sizeof(*g));
  if (g == NULL)
    return VL2_ERR_NOMEM;
  g->mem = m;
  g->cfg = c;
  g->m = vl2_mem_calloc(&m, c.max_frames, sizeof(*g->m));
  g->items = vl2_mem_calloc(&m, c.max_frames, sizeof(*g->items));
  g->next = vl2_mem_calloc(&m, c.max_frames, sizeof(*g->next));
  g->owner = vl2_mem_calloc(&m, c.max_frames, sizeof(*g->owner));
  g->bufs = vl2_mem_malloc(&m, (size_t)c.max_supers * BUF_LEN);
  if (!g->m || !g->items || !g->next || !g->owner || !g->bufs) {
    vl2_gro_del(g);
    return VL2_ERR_NOMEM;
  }
  *pg = g;
  return 0;
}

void vl2_gro_del(vl2_gro *g) {
  if (g == NULL)
    return;
  vl2_mem m = g->mem;
  vl2_mem_free(&m, g->m);
  vl2_mem_free(&m, g->items);
  vl2_mem_free(&m, g->next);
  vl2_mem_free(&m, g->owner);
  vl2_mem_free(&m, g->bufs);
  vl2_mem_free(&m, g);
}

int vl2_gro_get_stats_versioned(const vl2_gro *g, size_t st_size,
                                vl2_gro_stats *st) {
  if (g == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_stats_copy(st, st_size, &g->st, sizeof(g->st));
  return 0;
}

/* Build the super-frame of item |it| into |buf| (VL2_VNET_HDR_LEN of
 * headroom first); returns its length. */
static uint32_t build(const vl2_gro *g, const vl2_frame *in, const item *it,
                      uint8_t *buf) {
  const vl2_frame *f0 = &in[it->first];
  const meta *m0 = &g->m[it->first];
  uint8_t *d = buf + VL2_VNET_HDR_LEN;
  uint32_t n = m0->hlen;
  memcpy(d, f0->data, n);
  uint8_t last_flags = 0;
  for (uint32_t i = it->first;; i = g->next[i]) {
    const meta *m = &g->m[i];
    memcpy(d + n, in[i].data + m->hlen, m->plen);
    n += m->plen;
    last_flags = m->tflags;
    if (i == it->last)
      break;
  }
  uint8_t *ip = d + m0->l3;
  uint32_t l4len = n - m0->l4;
  if (!m0->v6) {
    uint32_t ihl = (uint32_t)(ip[0] & 0xf) * 4;
    vl2_store_be16(ip + 2, (uint16_t)(n - m0->l3));
    ip[10] = ip[11] = 0;
    uint16_t c = (uint16_t)~vl2_csum_fold(vl2_csum_partial(ip, ihl, 0));
    memcpy(ip + 10, &c, 2);
  } else {
    vl2_store_be16(ip + 4, (uint16_t)(n - m0->l3 - 40));
  }
  uint8_t *th = d + m0->l4;
  th[13] = (uint8_t)((th[13] & ~TCP_PSH) | (last_flags & TCP_PSH));
  /* CHECKSUM_PARTIAL: the field holds the folded pseudo-header sum. */
  uint16_t ps = vl2_csum_fold(pseudo_sum(d, m0, l4len));
  memcpy(th + 16, &ps, 2);
  /* struct virtio_net_hdr, host order: flags, gso_type, hdr_len,
   * gso_size, csum_start, csum_offset */
  uint8_t vh[VL2_VNET_HDR_LEN];
  uint16_t v16[4] = {m0->hlen, (uint16_t)m0->plen, m0->l4, 16};
  vh[0] = VNET_F_NEEDS_CSUM;
  vh[1] = (uint8_t)(m0->v6 ? VNET_GSO_TCPV6 : VNET_GSO_TCPV4);
  memcpy(vh + 2, v16, sizeof(v16));
  memcpy(buf, vh, sizeof(vh));
  return n;
}

vl2_ssize vl2_gro_coalesce(vl2_gro *g, const vl2_frame *in, size_t n,
                           vl2_frame *out, size_t out_cap) {
  if (g == NULL || (n > 0 && (in == NULL || out == NULL)) ||
      n > g->cfg.max_frames || out_cap < n)
    return VL2_ERR_INVALID;
  uint32_t nitems = 0, nbufs = 0;
  for (uint32_t i = 0; i < n; i++) {
    meta *m = &g->m[i];
    parse(&in[i], m);
    g->next[i] = UINT32_MAX;
    g->owner[i] = UINT32_MAX;
    if (m->kind == K_OTHER)
      continue;
    bool ports = m->kind != K_IPPAIR;
    /* The open item of this flow (the latest one), if any. */
    uint32_t hit = UINT32_MAX;
    for (uint32_t k = nitems; k-- > 0;) {
      item *it = &g->items[k];
      if (!it->open)
        continue;
      const meta *ml = &g->m[it->last];
      if (same_flow(&in[it->last], ml, &in[i], m, ports)) {
        if (!ports) {
          it->open = 0; /* an unreadable frame of that address pair */
          continue;
        }
        hit = k;
        break;
      }
    }
    if (m->kind != K_SEG) {
      if (hit != UINT32_MAX)
        g->items[hit].open = 0;
      continue;
    }
    if (hit != UINT32_MAX) {
      item *it = &g->items[hit];
      const meta *ml = &g->m[it->last];
      bool ok = can_follow(&in[it->first], &g->m[it->first], &in[it->last], ml,
                           &in[i], m) &&
                it->bytes + m->plen + m->hlen - m->l3 <= MAX_IP_LEN;
      if (ok && !csum_ok(g, &in[i], m)) {
        g->st.csum_bad++;
        ok = false;
      }
      if (ok && it->cnt == 1 && !csum_ok(g, &in[it->first], &g->m[it->first])) {
        g->st.csum_bad++;
        ok = false;
      }
      if (ok && !it->has_buf) {
        if (nbufs == g->cfg.max_supers) {
          g->st.no_buffer++;
          ok = false;
        } else {
          nbufs++;
          it->has_buf = 1;
        }
      }
      if (ok) {
        g->next[it->last] = i;
        g->owner[i] = MEMBER;
        it->last = i;
        it->cnt++;
        it->bytes += m->plen;
        if ((m->tflags & TCP_PSH) || m->plen < g->m[it->first].plen)
          it->open = 0;
        continue;
      }
      it->open = 0; /* this flow's order: nothing joins it any more */
    }
    item *it = &g->items[nitems];
    it->first = it->last = i;
    it->cnt = 1;
    it->bytes = m->plen;
    it->open = (m->tflags & TCP_PSH) ? 0 : 1;
    it->has_buf = 0;
    g->owner[i] = nitems++;
  }
  /* Output in input order; the segments merged into an earlier one's
   * super-frame are skipped. */
  size_t k = 0;
  uint32_t b = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint32_t o = g->owner[i];
    if (o == MEMBER)
      continue;
    out[k] = in[i];
    if (o != UINT32_MAX && g->items[o].cnt > 1) {
      const item *it = &g->items[o];
      uint8_t *buf = g->bufs + (size_t)b++ * BUF_LEN;
      out[k].len = build(g, in, it, buf);
      out[k].data = buf + VL2_VNET_HDR_LEN;
      out[k].flags |= VL2_FRAME_F_VNET_HDR;
      g->st.supers++;
      g->st.merged += it->cnt;
    }
    k++;
  }
  g->st.frames_in += n;
  g->st.frames_out += k;
  return (vl2_ssize)k;
}

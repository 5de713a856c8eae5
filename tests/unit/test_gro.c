/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Receive coalescing of inner TCP segments (vl2_gro_coalesce()): what
 * merges (sequence numbers, flags, IPv4 IDs, checksums, IPv6, VLAN-tagged
 * frames), what must not (a gap, another flow, other options, window,
 * TTL, a bad checksum, FIN), that a flow is never reordered, the limits;
 * and the way back: a super-frame segmented again (vl2_gso_segment() of
 * <vl2/egress.h>) gives the original segments byte for byte. */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

#include <vl2/egress.h>

/* One segment to build. */
typedef struct seg {
  int v6;
  int ntags;        /* 0, 1 (802.1Q) or 2 (802.1ad + 802.1Q) */
  uint16_t sport;   /* TCP source port (the flow) */
  uint32_t off;     /* stream offset of the payload (seq = ISN + off) */
  uint32_t plen;    /* payload bytes */
  uint16_t ipid;    /* IPv4 identification */
  uint8_t flags;    /* TCP flags; 0 means ACK */
  uint8_t ttl;      /* 0 means 64 */
  uint16_t win;     /* 0 means 512 */
  uint8_t tsval;    /* timestamp option value's low byte */
  uint8_t bad_csum; /* spoil the TCP checksum */
  uint8_t frag;     /* IPv4: set MF */
} seg;

#define ISN 0x10000000u
#define TCP_ACK 0x10u
#define TCP_PSH 0x08u
#define TCP_FIN 0x01u

static uint8_t stream_byte(uint32_t p) { return (uint8_t)(p * 7u + 3u); }

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc) {
  for (size_t i = 0; i + 1 < n; i += 2)
    acc += (uint32_t)p[i] << 8 | p[i + 1];
  if (n & 1)
    acc += (uint32_t)p[n - 1] << 8;
  return acc;
}

static uint16_t fold16(uint32_t acc) {
  while (acc >> 16)
    acc = (acc & 0xffff) + (acc >> 16);
  return (uint16_t)acc;
}

/* The TCP pseudo-header sum for the IP header at |ip|. */
static uint32_t pseudo(const uint8_t *ip, int v6, uint32_t l4len) {
  uint32_t acc = 6 + (l4len & 0xffff) + (l4len >> 16);
  return v6 ? sum16(ip + 8, 32, acc) : sum16(ip + 12, 8, acc);
}

/* Whether the TCP checksum of the segment at |ip| is right. */
static int tcp_csum_ok(const uint8_t *ip, int v6, const uint8_t *th,
                       uint32_t l4len) {
  return fold16(sum16(th, l4len, pseudo(ip, v6, l4len))) == 0xffff;
}

/* Build segment |s| into |b|; returns its length. MACs 02::1 -> 02::2,
 * 10.1.0.1 -> 10.1.0.2 (fd00::1 -> fd00::2), port |sport| -> 80, a
 * 12-byte timestamp option. */
static size_t mk(uint8_t *b, const seg *s) {
  static const uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
  memcpy(b, macs, 12);
  size_t o = 12;
  if (s->ntags == 2) {
    b[o] = 0x88, b[o + 1] = 0xa8, b[o + 2] = 0x00, b[o + 3] = 100;
    o += 4;
  }
  if (s->ntags >= 1) {
    b[o] = 0x81, b[o + 1] = 0x00, b[o + 2] = 0x00, b[o + 3] = 10;
    o += 4;
  }
  b[o] = s->v6 ? 0x86 : 0x08;
  b[o + 1] = s->v6 ? 0xdd : 0x00;
  o += 2;
  uint8_t *ip = b + o;
  uint32_t thl = 32, l4len = thl + s->plen;
  size_t iphl = s->v6 ? 40 : 20;
  memset(ip, 0, iphl);
  if (!s->v6) {
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + l4len) >> 8), ip[3] = (uint8_t)(20 + l4len);
    ip[4] = (uint8_t)(s->ipid >> 8), ip[5] = (uint8_t)s->ipid;
    ip[6] = s->frag ? 0x20 : 0x40; /* MF or DF */
    ip[8] = s->ttl ? s->ttl : 64;
    ip[9] = 6;
    ip[12] = 10, ip[13] = 1, ip[15] = 1;
    ip[16] = 10, ip[17] = 1, ip[19] = 2;
    uint16_t c = (uint16_t)~fold16(sum16(ip, 20, 0));
    ip[10] = (uint8_t)(c >> 8), ip[11] = (uint8_t)c;
  } else {
    ip[0] = 0x60;
    ip[4] = (uint8_t)(l4len >> 8), ip[5] = (uint8_t)l4len;
    ip[6] = 6;
    ip[7] = s->ttl ? s->ttl : 64;
    ip[8] = 0xfd, ip[23] = 1;
    ip[24] = 0xfd, ip[39] = 2;
  }
  uint8_t *th = ip + iphl;
  memset(th, 0, thl);
  th[0] = (uint8_t)(s->sport >> 8), th[1] = (uint8_t)s->sport;
  th[3] = 80;
  uint32_t seq = ISN + s->off;
  for (int i = 0; i < 4; i++)
    th[4 + i] = (uint8_t)(seq >> (24 - 8 * i));
  th[8] = 0x55, th[11] = 0x77; /* ack */
  th[12] = (uint8_t)((thl / 4) << 4);
  th[13] = s->flags ? s->flags : TCP_ACK;
  uint16_t w = s->win ? s->win : 512;
  th[14] = (uint8_t)(w >> 8), th[15] = (uint8_t)w;
  /* NOP NOP TS(8, 10, tsval, tsecr) */
  th[20] = 1, th[21] = 1, th[22] = 8, th[23] = 10;
  th[27] = s->tsval;
  th[31] = 9;
  for (uint32_t i = 0; i < s->plen; i++)
    th[thl + i] = stream_byte(s->off + i);
  uint16_t c = (uint16_t)~fold16(sum16(th, l4len, pseudo(ip, s->v6, l4len)));
  if (s->bad_csum)
    c ^= 0x0100;
  th[16] = (uint8_t)(c >> 8), th[17] = (uint8_t)c;
  return o + iphl + l4len;
}

/* A burst: frames built from |ss| into one buffer. */
typedef struct burst {
  uint8_t *buf;
  vl2_frame f[300];
  vl2_frame out[300];
  size_t n;
} burst;

static void bmake(burst *b, const seg *ss, size_t n) {
  b->buf = malloc(n * 1600);
  ck_assert_ptr_nonnull(b->buf);
  b->n = n;
  for (size_t i = 0; i < n; i++) {
    memset(&b->f[i], 0, sizeof(b->f[i]));
    b->f[i].data = b->buf + i * 1600;
    b->f[i].len = (uint32_t)mk(b->buf + i * 1600, &ss[i]);
    b->f[i].port = VL2_PORT_REMOTE;
    b->f[i].vni = 42;
    b->f[i].remote = vl2t_ip4(192, 168, 1, 1);
  }
}

static vl2_gro *gro_new(vl2t_mem *tm, uint32_t max_supers) {
  vl2_gro_config c;
  ck_assert_int_eq(vl2_gro_config_default(&c), 0);
  if (max_supers)
    c.max_supers = max_supers;
  vl2_gro *g = NULL;
  ck_assert_int_eq(vl2_gro_new(&g, &c, tm ? &tm->mem : NULL), 0);
  return g;
}

static size_t run(vl2_gro *g, burst *b) {
  vl2_ssize k = vl2_gro_coalesce(g, b->f, b->n, b->out, 300);
  ck_assert_int_ge(k, 0);
  return (size_t)k;
}

/* Check super-frame |f| made of |cnt| segments of |mss| from stream
 * offset |off0| with |plen| bytes in all. */
static void check_super(const vl2_frame *f, int v6, int ntags, uint32_t mss,
                        uint32_t off0, uint32_t plen, uint16_t ipid0,
                        uint8_t tflags) {
  ck_assert(f->flags & VL2_FRAME_F_VNET_HDR);
  const uint8_t *vh = f->data - VL2_VNET_HDR_LEN;
  uint16_t hdr_len, gso_size, csum_start, csum_off;
  memcpy(&hdr_len, vh + 2, 2);
  memcpy(&gso_size, vh + 4, 2);
  memcpy(&csum_start, vh + 6, 2);
  memcpy(&csum_off, vh + 8, 2);
  uint32_t l3 = 14u + 4u * (uint32_t)ntags, l4 = l3 + (v6 ? 40u : 20u);
  ck_assert_uint_eq(vh[0], 1);          /* NEEDS_CSUM */
  ck_assert_uint_eq(vh[1], v6 ? 4 : 1); /* GSO_TCPV6 / GSO_TCPV4 */
  ck_assert_uint_eq(hdr_len, l4 + 32);
  ck_assert_uint_eq(gso_size, mss);
  ck_assert_uint_eq(csum_start, l4);
  ck_assert_uint_eq(csum_off, 16);
  ck_assert_uint_eq(f->len, l4 + 32 + plen);
  const uint8_t *ip = f->data + l3, *th = f->data + l4;
  if (!v6) {
    ck_assert_uint_eq((uint32_t)ip[2] << 8 | ip[3], f->len - l3);
    ck_assert_uint_eq((uint32_t)ip[4] << 8 | ip[5], ipid0);
    ck_assert_uint_eq(fold16(sum16(ip, 20, 0)), 0xffff);
  } else {
    ck_assert_uint_eq((uint32_t)ip[4] << 8 | ip[5], f->len - l3 - 40);
  }
  uint32_t seq = (uint32_t)th[4] << 24 | (uint32_t)th[5] << 16 |
                 (uint32_t)th[6] << 8 | th[7];
  ck_assert_uint_eq(seq, ISN + off0);
  ck_assert_uint_eq(th[13], tflags);
  for (uint32_t i = 0; i < plen; i++)
    ck_assert_uint_eq(th[32 + i], stream_byte(off0 + i));
  /* The field holds the pseudo-header sum: finishing it as a NIC would
   * gives a valid checksum. */
  uint32_t l4len = f->len - l4;
  uint8_t *copy = malloc(f->len);
  memcpy(copy, f->data, f->len);
  uint16_t fin = (uint16_t)~fold16(sum16(copy + l4, l4len, 0));
  copy[l4 + 16] = (uint8_t)(fin >> 8), copy[l4 + 17] = (uint8_t)fin;
  ck_assert(tcp_csum_ok(copy + l3, v6, copy + l4, l4len));
  free(copy);
}

/* |n| contiguous segments of |mss| of flow |sport|, PSH on the last. */
static void stream(seg *ss, size_t n, int v6, int ntags, uint32_t mss) {
  for (size_t i = 0; i < n; i++) {
    memset(&ss[i], 0, sizeof(ss[i]));
    ss[i].v6 = v6;
    ss[i].ntags = ntags;
    ss[i].sport = 1000;
    ss[i].off = (uint32_t)i * mss;
    ss[i].plen = mss;
    ss[i].ipid = (uint16_t)(0xfff0 + i); /* wraps past 0xffff */
    ss[i].flags = i + 1 == n ? (TCP_ACK | TCP_PSH) : TCP_ACK;
  }
}

static const struct {
  int v6, ntags;
} shapes[] = {{0, 0}, {1, 0}, {0, 1}, {1, 2}, {0, 2}};

START_TEST(merge_shapes) {
  int v6 = shapes[_i].v6, nt = shapes[_i].ntags;
  vl2t_mem tm;
  vl2t_mem_init(&tm);
  vl2_gro *g = gro_new(&tm, 0);
  seg ss[20];
  stream(ss, 20, v6, nt, 1000);
  burst b;
  bmake(&b, ss, 20);
  ck_assert_uint_eq(run(g, &b), 1);
  check_super(&b.out[0], v6, nt, 1000, 0, 20000, 0xfff0, TCP_ACK | TCP_PSH);
  ck_assert_uint_eq(b.out[0].vni, 42);
  ck_assert_uint_eq(b.out[0].port, VL2_PORT_REMOTE);
  /* Segmented again (as for a destination without offload): the very
   * bytes that came in, sequence numbers, IDs, PSH only on the last,
   * checksums. */
  vl2_gso og;
  const uint8_t *vh = b.out[0].data - VL2_VNET_HDR_LEN;
  uint16_t gso_size;
  memcpy(&gso_size, vh + 4, 2);
  ck_assert_int_eq(
      vl2_gso_prepare(b.out[0].data, b.out[0].len, vh[1], gso_size, &og), 0);
  ck_assert_uint_eq(og.nseg, 20);
  uint8_t segbuf[1600];
  for (uint32_t i = 0; i < og.nseg; i++) {
    uint32_t l = vl2_gso_segment(b.out[0].data, &og, i, segbuf);
    ck_assert_uint_eq(l, b.f[i].len);
    ck_assert_mem_eq(segbuf, b.f[i].data, l);
  }
  vl2_gro_stats st;
  ck_assert_int_eq(vl2_gro_get_stats(g, &st), 0);
  ck_assert_uint_eq(st.frames_in, 20);
  ck_assert_uint_eq(st.frames_out, 1);
  ck_assert_uint_eq(st.supers, 1);
  ck_assert_uint_eq(st.merged, 20);
  /* The size rule of the `_versioned` getters: an older (shorter) struct
   * gets its prefix, a newer (longer) one zeros after it, size 0 is
   * refused. */
  VL2T_STATS_SIZE_RULE(vl2_gro_stats, offsetof(vl2_gro_stats, supers),
                       vl2_gro_get_stats_versioned(g, vl2t_sz, vl2t_st));
  ck_assert_int_eq(vl2_gro_get_stats_versioned(NULL, sizeof(st), &st),
                   VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_gro_get_stats_versioned(g, sizeof(st), NULL),
                   VL2_ERR_INVALID);
  vl2_gro_del(g);
  free(b.buf);
  VL2T_ASSERT_NO_LEAKS(&tm);
}
END_TEST

/* A shorter segment ends the super-frame; a FIN is never merged and
 * keeps its place. */
START_TEST(short_last_and_fin) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[7];
  stream(ss, 7, 0, 0, 1000);
  for (int i = 0; i < 7; i++)
    ss[i].flags = TCP_ACK;
  ss[2].plen = 500; /* ends the first super-frame */
  ss[3].off = 2500, ss[4].off = 3500, ss[5].off = 4500, ss[6].off = 5500;
  ss[5].flags = TCP_ACK | TCP_FIN;
  burst b;
  bmake(&b, ss, 7);
  size_t k = run(g, &b);
  /* [0,1,2] [3,4] [5 FIN] [6] */
  ck_assert_uint_eq(k, 4);
  check_super(&b.out[0], 0, 0, 1000, 0, 2500, 0xfff0, TCP_ACK);
  check_super(&b.out[1], 0, 0, 1000, 2500, 2000, 0xfff3, TCP_ACK);
  ck_assert_ptr_eq(b.out[2].data, b.f[5].data);
  ck_assert_uint_eq(b.out[2].flags, 0);
  ck_assert_ptr_eq(b.out[3].data, b.f[6].data);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

/* Two flows interleaved: each merges on its own, never with the other,
 * and each super-frame sits where its first segment was. */
START_TEST(two_flows_interleaved) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[12];
  for (int i = 0; i < 12; i++) {
    memset(&ss[i], 0, sizeof(ss[i]));
    ss[i].sport = (uint16_t)(i % 2 ? 2000 : 1000);
    ss[i].off = (uint32_t)(i / 2) * 1200;
    ss[i].plen = 1200;
    ss[i].ipid = (uint16_t)(i % 2 ? 500 + i / 2 : 9000 + i / 2);
  }
  /* An ARP frame in between passes where it was. */
  burst b;
  bmake(&b, ss, 12);
  uint8_t arp[60];
  memset(arp, 0, sizeof(arp));
  arp[12] = 0x08, arp[13] = 0x06;
  memmove(&b.f[7], &b.f[6], 6 * sizeof(b.f[0]));
  b.f[6] = b.f[0];
  b.f[6].data = arp;
  b.f[6].len = 60;
  b.n = 13;
  size_t k = run(g, &b);
  ck_assert_uint_eq(k, 3);
  check_super(&b.out[0], 0, 0, 1200, 0, 7200, 9000, TCP_ACK);
  ck_assert_uint_eq(b.out[0].data[34], 1000 >> 8);
  check_super(&b.out[1], 0, 0, 1200, 0, 7200, 500, TCP_ACK);
  ck_assert_uint_eq(b.out[1].data[34], 2000 >> 8);
  ck_assert_ptr_eq(b.out[2].data, arp);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

/* What must not merge with segment 0 (the second segment changed). */
enum {
  D_GAP,
  D_OPTS,
  D_WIN,
  D_TTL,
  D_IPID,
  D_FLOW,
  D_CSUM,
  D_FRAG,
  D_VNI,
  D_REMOTE,
  D_TAG,
  D_NOPAYLOAD,
  D_COUNT
};

START_TEST(must_not_merge) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[3];
  stream(ss, 3, 0, 1, 1000);
  for (int i = 0; i < 3; i++)
    ss[i].flags = TCP_ACK;
  int d = _i;
  switch (d) {
  case D_GAP:
    ss[1].off += 1, ss[2].off += 1;
    break;
  case D_OPTS:
    ss[1].tsval = 1;
    break;
  case D_WIN:
    ss[1].win = 1024;
    break;
  case D_TTL:
    ss[1].ttl = 63;
    break;
  case D_IPID:
    ss[1].ipid = (uint16_t)(ss[0].ipid + 2);
    break;
  case D_FLOW:
    ss[1].sport = 1001;
    break;
  case D_CSUM:
    ss[1].bad_csum = 1;
    break;
  case D_FRAG:
    ss[1].frag = 1;
    break;
  case D_NOPAYLOAD:
    ss[1].plen = 0;
    break;
  default:
    break;
  }
  burst b;
  bmake(&b, ss, 3);
  if (d == D_VNI)
    b.f[1].vni = 43;
  if (d == D_REMOTE)
    b.f[1].remote = vl2t_ip4(192, 168, 1, 2);
  if (d == D_TAG)
    b.buf[1600 + 15] = 11; /* VLAN 11 instead of 10 */
  size_t k = run(g, &b);
  /* Nothing merged with segment 0; segment 2 follows segment 1 only when
   * they are a stream (a flow of their own, or a changed window / TTL /
   * options carried on), never across the changed one back to 0. */
  ck_assert_ptr_eq(b.out[0].data, b.f[0].data);
  ck_assert_uint_eq(b.out[0].flags, 0);
  ck_assert_uint_ge(k, 2);
  /* Segment 1 never vanished and is never before segment 0. */
  int seen1 = 0;
  for (size_t i = 1; i < k; i++)
    if (b.out[i].data == b.f[1].data || (b.out[i].flags & VL2_FRAME_F_VNET_HDR))
      seen1 = 1;
  ck_assert(seen1);
  vl2_gro_stats st;
  vl2_gro_get_stats(g, &st);
  if (d == D_CSUM)
    ck_assert_uint_ge(st.csum_bad, 1);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

/* A segment of a flow that cannot join ends the flow's super-frame: a
 * later segment that would fit the old one starts a new one, so the flow
 * is never reordered. */
START_TEST(never_reorder) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[4];
  stream(ss, 4, 0, 0, 1000);
  for (int i = 0; i < 4; i++)
    ss[i].flags = TCP_ACK;
  /* 0, 1, then a retransmission of 0, then 2: 2 fits after 1 but must
   * not jump over the retransmission. */
  ss[2] = ss[0];
  ss[2].ipid = (uint16_t)(ss[1].ipid + 1);
  ss[3].off = 2000;
  ss[3].ipid = (uint16_t)(ss[2].ipid + 1);
  burst b;
  bmake(&b, ss, 4);
  size_t k = run(g, &b);
  ck_assert_uint_eq(k, 3);
  check_super(&b.out[0], 0, 0, 1000, 0, 2000, 0xfff0, TCP_ACK);
  ck_assert_ptr_eq(b.out[1].data, b.f[2].data);
  ck_assert_ptr_eq(b.out[2].data, b.f[3].data);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

/* A bad checksum anywhere: the segment passes as it came; the ones around
 * it are not merged across it. */
START_TEST(bad_checksum_first) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[3];
  stream(ss, 3, 1, 0, 1000);
  ss[0].bad_csum = 1;
  burst b;
  bmake(&b, ss, 3);
  size_t k = run(g, &b);
  ck_assert_uint_eq(k, 2);
  ck_assert_ptr_eq(b.out[0].data, b.f[0].data);
  check_super(&b.out[1], 1, 0, 1000, 1000, 2000, 0, TCP_ACK | TCP_PSH);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

/* Limits: at most 65535 bytes of IP packet; no buffer left means no
 * merge (counted); bad arguments. */
START_TEST(limits) {
  vl2_gro *g = gro_new(NULL, 1);
  enum { N = 60 };
  seg ss[N];
  stream(ss, N, 0, 0, 1400);
  for (int i = 0; i < N; i++)
    ss[i].flags = TCP_ACK;
  burst b;
  bmake(&b, ss, N);
  size_t k = run(g, &b);
  /* 46 segments fit (20 + 32 + 46 * 1400 = 64452), then one buffer only:
   * the rest pass unmerged. */
  ck_assert_uint_eq(k, 1 + (N - 46));
  check_super(&b.out[0], 0, 0, 1400, 0, 46 * 1400, 0xfff0, TCP_ACK);
  vl2_gro_stats st;
  vl2_gro_get_stats(g, &st);
  ck_assert_uint_ge(st.no_buffer, 1);
  ck_assert_int_eq(vl2_gro_coalesce(g, b.f, N, b.out, N - 1), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_gro_coalesce(NULL, b.f, N, b.out, N), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_gro_coalesce(g, b.f, 0, b.out, 0), 0);
  vl2_gro_del(g);
  vl2_gro_config c;
  vl2_gro_config_default(&c);
  c.max_frames = 4;
  ck_assert_int_eq(vl2_gro_new(&g, &c, NULL), 0);
  ck_assert_int_eq(vl2_gro_coalesce(g, b.f, 5, b.out, 300), VL2_ERR_INVALID);
  vl2_gro_del(g);
  c.max_frames = 0;
  ck_assert_int_eq(vl2_gro_new(&g, &c, NULL), VL2_ERR_INVALID);
  vl2_gro_config_default(&c);
  c.reserved[0] = 1;
  ck_assert_int_eq(vl2_gro_new(&g, &c, NULL), VL2_ERR_INVALID);
  vl2_gro_config_default(&c);
  c.flags = 0x80;
  ck_assert_int_eq(vl2_gro_new(&g, &c, NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_gro_config_default_versioned(99, &c), VL2_ERR_VERSION);
  ck_assert_int_eq(vl2_gro_get_stats(NULL, &st), VL2_ERR_INVALID);
  vl2_gro_del(NULL);
  /* Frames that already carry a virtio-net header pass. */
  g = gro_new(NULL, 0);
  uint8_t *vbuf = malloc(N * 1700);
  for (int i = 0; i < 3; i++) {
    memcpy(vbuf + i * 1700 + 16, b.f[i].data, b.f[i].len);
    memset(vbuf + i * 1700 + 6, 0, 10);
    b.f[i].data = vbuf + i * 1700 + 16;
    b.f[i].flags = VL2_FRAME_F_VNET_HDR;
  }
  b.n = 3;
  ck_assert_uint_eq(run(g, &b), 3);
  vl2_gro_del(g);
  free(vbuf);
  free(b.buf);
}
END_TEST

/* Hostile: truncated and inconsistent headers never merge and never read
 * past the frame (ASan and valgrind watch). */
START_TEST(hostile_lengths) {
  vl2_gro *g = gro_new(NULL, 0);
  seg ss[2];
  stream(ss, 2, _i & 1, 0, 600);
  burst b;
  bmake(&b, ss, 2);
  for (uint32_t cut = 0; cut < b.f[1].len; cut += 7) {
    uint8_t *copy = malloc(cut ? cut : 1);
    memcpy(copy, b.f[1].data, cut);
    vl2_frame in[2] = {b.f[0], b.f[1]}, out[2];
    in[1].data = copy;
    in[1].len = cut;
    vl2_ssize k = vl2_gro_coalesce(g, in, 2, out, 2);
    ck_assert_int_eq(k, 2);
    free(copy);
  }
  /* IP length claiming more than the frame holds. */
  uint8_t *p = b.buf + 1600 + 14;
  if (_i & 1)
    p[4] = 0x7f;
  else
    p[2] = 0x7f;
  ck_assert_uint_eq(run(g, &b), 2);
  vl2_gro_del(g);
  free(b.buf);
}
END_TEST

START_TEST(alloc_failures) {
  for (long n = 1; n <= 6; n++) {
    vl2t_mem tm;
    vl2t_mem_init(&tm);
    tm.fail_at = n;
    vl2_gro *g = NULL;
    int rv = vl2_gro_new(&g, NULL, &tm.mem);
    if (rv == 0)
      vl2_gro_del(g);
    else
      ck_assert_int_eq(rv, VL2_ERR_NOMEM);
    VL2T_ASSERT_NO_LEAKS(&tm);
  }
}
END_TEST

Suite *vl2_gro_suite(void) {
  Suite *s = suite_create("gro");
  TCase *tc = tcase_create("gro");
  tcase_add_loop_test(tc, merge_shapes, 0,
                      (int)(sizeof(shapes) / sizeof(shapes[0])));
  tcase_add_test(tc, short_last_and_fin);
  tcase_add_test(tc, two_flows_interleaved);
  tcase_add_loop_test(tc, must_not_merge, 0, D_COUNT);
  tcase_add_test(tc, never_reorder);
  tcase_add_test(tc, bad_checksum_first);
  tcase_add_test(tc, limits);
  tcase_add_loop_test(tc, hostile_lengths, 0, 2);
  tcase_add_test(tc, alloc_failures);
  suite_add_tcase(s, tc);
  return s;
}

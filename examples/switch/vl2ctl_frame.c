/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl trace's frame builder: a field list (VLAN tags, MACs, EtherType,
 * ARP operation, IP addresses, length) becomes the bytes of an Ethernet
 * frame, which vl2ctl sends to the switch as hex. The frames are minimal
 * and valid: RFC 826 ARP for Ethernet/IPv4; an IPv4 (RFC 791) or IPv6
 * (RFC 8200) packet carrying an ICMP echo request (RFC 792, RFC 4443) or
 * a UDP datagram (RFC 768), checksums filled in; padded to the 60 bytes
 * of a minimum Ethernet frame without FCS.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vl2ctl.h"

#define MAX_TAGS 8

typedef struct fspec {
  uint16_t tpid[MAX_TAGS];
  uint16_t vid[MAX_TAGS];
  int ntags;
  bool svlan; /* an S-tag given (it goes first) */
  uint8_t src[6], dst[6];
  bool have_src, have_dst;
  int type; /* -1: not given; else the EtherType */
  int arp_op;
  int proto;      /* 1 ICMP, 17 UDP */
  int sfam, dfam; /* 0, 4 or 6 */
  uint8_t sip[16], dip[16];
  long len; /* 0: minimal */
} fspec;

__attribute__((format(printf, 3, 4))) static int ferr(char *err, size_t errlen,
                                                      const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

int vl2ctl_parse_mac(const char *s, uint8_t mac[6]) {
  unsigned b[6];
  char sep[5], tail;
  if (strlen(s) != 17 || sscanf(s, "%2x%c%2x%c%2x%c%2x%c%2x%c%2x%c", &b[0],
                                &sep[0], &b[1], &sep[1], &b[2], &sep[2], &b[3],
                                &sep[3], &b[4], &sep[4], &b[5], &tail) != 11)
    return -1;
  for (int i = 0; i < 5; i++)
    if (sep[i] != ':' && sep[i] != '-')
      return -1;
  for (int i = 0; i < 17; i++)
    if (i % 3 != 2 && !strchr("0123456789abcdefABCDEF", s[i]))
      return -1;
  for (int i = 0; i < 6; i++)
    mac[i] = (uint8_t)b[i];
  return 0;
}

static int parse_num(const char *s, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 0);
  if (!*s || *end || errno || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int parse_ip(const char *s, int *fam, uint8_t ip[16]) {
  memset(ip, 0, 16);
  if (inet_pton(AF_INET, s, ip) == 1) {
    *fam = 4;
    return 0;
  }
  if (inet_pton(AF_INET6, s, ip) == 1) {
    *fam = 6;
    return 0;
  }
  return -1;
}

static int parse(char **w, int n, fspec *sp, char *err, size_t errlen) {
  memset(sp, 0, sizeof *sp);
  sp->type = -1;
  sp->proto = 1;
  uint16_t ctags[MAX_TAGS];
  int nc = 0;
  long svid = -1;
  for (int i = 0; i < n; i += 2) { /* KEY VALUE pairs */
    const char *k = w[i], *v = i + 1 < n ? w[i + 1] : NULL;
    if (!v)
      return ferr(err, errlen, "trace: '%s' needs a value", k);
    long x;
    if (strcmp(k, "vlan") == 0) {
      if (parse_num(v, 0, 4095, &x))
        return ferr(err, errlen, "trace: vlan '%s' is not a VID (0..4095)", v);
      if (nc == MAX_TAGS - 1)
        return ferr(err, errlen, "trace: at most %d VLAN tags", MAX_TAGS - 1);
      ctags[nc++] = (uint16_t)x;
    } else if (strcmp(k, "svlan") == 0) {
      if (parse_num(v, 0, 4095, &x))
        return ferr(err, errlen, "trace: svlan '%s' is not a VID (0..4095)", v);
      if (svid >= 0)
        return ferr(err, errlen, "trace: one svlan at most");
      svid = x;
    } else if (strcmp(k, "src") == 0 || strcmp(k, "dst") == 0) {
      bool s = k[0] == 's';
      if (vl2ctl_parse_mac(v, s ? sp->src : sp->dst))
        return ferr(err, errlen,
                    "trace: %s '%s' is not a MAC address (like "
                    "02:00:00:00:00:01)",
                    k, v);
      *(s ? &sp->have_src : &sp->have_dst) = true;
    } else if (strcmp(k, "type") == 0) {
      if (strcmp(v, "arp") == 0)
        sp->type = 0x0806;
      else if (strcmp(v, "ipv4") == 0)
        sp->type = 0x0800;
      else if (strcmp(v, "ipv6") == 0)
        sp->type = 0x86dd;
      else if (strncmp(v, "0x", 2) == 0 && strlen(v) <= 6 &&
               !parse_num(v, 0, 0xffff, &x))
        sp->type = (int)x;
      else
        return ferr(err, errlen,
                    "trace: type '%s' (expected arp, ipv4, ipv6 or an "
                    "EtherType like 0x88b5)",
                    v);
    } else if (strcmp(k, "arp") == 0) {
      if (strcmp(v, "request") == 0)
        sp->arp_op = 1;
      else if (strcmp(v, "reply") == 0)
        sp->arp_op = 2;
      else
        return ferr(err, errlen, "trace: arp '%s' (expected request or reply)",
                    v);
    } else if (strcmp(k, "proto") == 0) {
      if (strcmp(v, "icmp") == 0)
        sp->proto = 1;
      else if (strcmp(v, "udp") == 0)
        sp->proto = 17;
      else
        return ferr(err, errlen, "trace: proto '%s' (expected icmp or udp)", v);
    } else if (strcmp(k, "sip") == 0 || strcmp(k, "dip") == 0) {
      bool s = k[0] == 's';
      if (parse_ip(v, s ? &sp->sfam : &sp->dfam, s ? sp->sip : sp->dip))
        return ferr(err, errlen, "trace: %s '%s' is not an IP address", k, v);
    } else if (strcmp(k, "len") == 0) {
      if (parse_num(v, 14, VL2CTL_FRAME_MAX, &x))
        return ferr(err, errlen, "trace: len '%s' (expected 14..%d bytes)", v,
                    VL2CTL_FRAME_MAX);
      sp->len = x;
    } else {
      return ferr(err, errlen,
                  "trace: unknown field '%s' (expected vlan, svlan, src, "
                  "dst, type, arp, proto, sip, dip, len)",
                  k);
    }
  }
  /* the S-tag outermost, then the C-tags in the order given */
  if (svid >= 0) {
    sp->tpid[sp->ntags] = 0x88a8;
    sp->vid[sp->ntags++] = (uint16_t)svid;
  }
  for (int i = 0; i < nc; i++) {
    sp->tpid[sp->ntags] = 0x8100;
    sp->vid[sp->ntags++] = ctags[i];
  }
  if (sp->type < 0) {
    if (sp->arp_op)
      sp->type = 0x0806;
    else if (sp->sfam == 6 || sp->dfam == 6)
      sp->type = 0x86dd;
    else if (sp->sfam == 4 || sp->dfam == 4)
      sp->type = 0x0800;
    else
      sp->type = 0x88b5; /* IEEE Std 802 local experimental */
  }
  if (sp->arp_op && sp->type != 0x0806)
    return ferr(err, errlen, "trace: 'arp' with a type other than arp");
  if (sp->type == 0x0806 && !sp->arp_op)
    sp->arp_op = 1;
  if (!sp->have_src)
    return ferr(err, errlen, "trace: the source MAC is missing (src MAC)");
  bool ip = sp->type == 0x0806 || sp->type == 0x0800 || sp->type == 0x86dd;
  int want = sp->type == 0x86dd ? 6 : 4;
  if (ip && (sp->sfam != want || sp->dfam != want))
    return ferr(err, errlen, "trace: type %s needs sip and dip (IPv%d)",
                sp->type == 0x0806   ? "arp"
                : sp->type == 0x0800 ? "ipv4"
                                     : "ipv6",
                want);
  if (!ip && (sp->sfam || sp->dfam))
    return ferr(err, errlen,
                "trace: sip and dip are for type arp, ipv4 or ipv6");
  if (!sp->have_dst) {
    /* derived: broadcast for an ARP request, the group's MAC for a
     * multicast destination (RFC 1112 section 6.4, RFC 2464 section 7) */
    if (sp->type == 0x0806 && sp->arp_op == 1) {
      memset(sp->dst, 0xff, 6);
    } else if (sp->type == 0x0800 && (sp->dip[0] & 0xf0) == 0xe0) {
      uint8_t m[6] = {0x01,       0x00,      0x5e, sp->dip[1] & 0x7f,
                      sp->dip[2], sp->dip[3]};
      memcpy(sp->dst, m, 6);
    } else if (sp->type == 0x0800 &&
               memcmp(sp->dip, "\xff\xff\xff\xff", 4) == 0) {
      memset(sp->dst, 0xff, 6);
    } else if (sp->type == 0x86dd && sp->dip[0] == 0xff) {
      uint8_t m[6] = {0x33,        0x33,        sp->dip[12],
                      sp->dip[13], sp->dip[14], sp->dip[15]};
      memcpy(sp->dst, m, 6);
    } else {
      return ferr(err, errlen,
                  "trace: the destination MAC is missing (dst MAC; derived "
                  "only for an ARP request or a multicast dip)");
    }
  }
  return 0;
}

static void wr16(uint8_t *p, unsigned v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}

/* The Internet checksum (RFC 1071) of |n| bytes, added to |sum|. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n) {
  for (size_t i = 0; i + 1 < n; i += 2)
    sum += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (n & 1)
    sum += (uint32_t)p[n - 1] << 8;
  return sum;
}

static uint16_t csum_fold(uint32_t sum) {
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* ICMP echo request or UDP datagram at |p|: 8 header bytes and |pay|
 * zero bytes of payload, its checksum over the pseudo header sum
 * |ph_sum| (0 for ICMP over IPv4). The length. */
static size_t l4(uint8_t *p, int proto, bool v6, uint32_t ph_sum, size_t pay) {
  memset(p, 0, 8 + pay);
  if (proto == 17) {
    wr16(p, 49152);
    wr16(p + 2, 5000);
    wr16(p + 4, (unsigned)(8 + pay));
  } else {
    p[0] = v6 ? 128 : 8; /* echo request */
    wr16(p + 4, 0x7632); /* identifier */
    wr16(p + 6, 1);      /* sequence */
  }
  uint16_t c = csum_fold(csum_add(ph_sum, p, 8 + pay));
  if (proto == 17 && c == 0)
    c = 0xffff; /* RFC 768: zero means none */
  wr16(p + (proto == 17 ? 6 : 2), c);
  return 8 + pay;
}

long vl2ctl_frame_build(char **w, int n, uint8_t *buf, size_t cap, char *err,
                        size_t errlen) {
  fspec sp;
  if (parse(w, n, &sp, err, errlen))
    return -1;
  uint8_t f[VL2CTL_FRAME_MAX];
  memset(f, 0, sizeof f);
  memcpy(f, sp.dst, 6);
  memcpy(f + 6, sp.src, 6);
  size_t off = 12;
  for (int i = 0; i < sp.ntags; i++) {
    wr16(f + off, sp.tpid[i]);
    wr16(f + off + 2, sp.vid[i]);
    off += 4;
  }
  wr16(f + off, (unsigned)sp.type);
  off += 2;
  uint8_t *l3 = f + off;
  int l4proto = sp.proto;
  /* with len, an IP packet's payload fills the frame (zeros) */
  size_t iph = sp.type == 0x0800 ? 20 : 40;
  size_t pay = 0;
  if (sp.len && (sp.type == 0x0800 || sp.type == 0x86dd) &&
      (size_t)sp.len > off + iph + 8)
    pay = (size_t)sp.len - off - iph - 8;
  if (sp.type == 0x0806) {
    wr16(l3, 1); /* Ethernet */
    wr16(l3 + 2, 0x0800);
    l3[4] = 6;
    l3[5] = 4;
    wr16(l3 + 6, (unsigned)sp.arp_op);
    memcpy(l3 + 8, sp.src, 6);
    memcpy(l3 + 14, sp.sip, 4);
    if (sp.arp_op == 2)
      memcpy(l3 + 18, sp.dst, 6);
    memcpy(l3 + 24, sp.dip, 4);
    off += 28;
  } else if (sp.type == 0x0800) {
    l3[0] = 0x45;
    wr16(l3 + 2, (unsigned)(20 + 8 + pay));
    l3[8] = 64;
    l3[9] = (uint8_t)l4proto;
    memcpy(l3 + 12, sp.sip, 4);
    memcpy(l3 + 16, sp.dip, 4);
    wr16(l3 + 10, csum_fold(csum_add(0, l3, 20)));
    uint32_t ph = 0;
    if (l4proto == 17)
      ph = csum_add(0, l3 + 12, 8) + 17 + (uint32_t)(8 + pay);
    off += 20 + l4(l3 + 20, l4proto, false, ph, pay);
  } else if (sp.type == 0x86dd) {
    l3[0] = 0x60;
    wr16(l3 + 4, (unsigned)(8 + pay));
    l3[6] = (uint8_t)(l4proto == 17 ? 17 : 58);
    l3[7] = 64;
    memcpy(l3 + 8, sp.sip, 16);
    memcpy(l3 + 24, sp.dip, 16);
    uint32_t ph = csum_add(0, l3 + 8, 32) + (uint32_t)(8 + pay) + l3[6];
    off += 40 + l4(l3 + 40, l4proto, true, ph, pay);
  }
  size_t len = off < 60 ? 60 : off;
  if (sp.len) {
    if ((size_t)sp.len < off)
      return ferr(err, errlen,
                  "trace: len %ld is shorter than the headers (%zu bytes)",
                  sp.len, off);
    len = (size_t)sp.len;
  }
  if (len > cap)
    return ferr(err, errlen, "trace: a frame of %zu bytes (at most %zu)", len,
                cap);
  memcpy(buf, f, len);
  return (long)len;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-replay --decode: decode a frame's L2 headers (and the outer IP/UDP
 * of tunnels) into json-c layer objects. Every read is bounds-checked
 * against the captured length: captures may be truncated or hostile.
 */
#include "decode.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include <vl2/vl2.h>

/* Nesting limit: Ethernet in VXLAN in Geneve in ... */
#define DEC_MAX_DEPTH 8

typedef struct dec {
  const dec_opts *o;
  json_object *layers;
} dec;

static void decode_eth(dec *d, const uint8_t *p, size_t len, int depth);
static void decode_l3(dec *d, uint16_t type, const uint8_t *p, size_t len,
                      int depth);

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

void dec_hex_colon(char *buf, const uint8_t *b, size_t n) {
  static const char hx[] = "0123456789abcdef";
  char *w = buf;
  for (size_t i = 0; i < n; i++) {
    if (i > 0)
      *w++ = ':';
    *w++ = hx[b[i] >> 4];
    *w++ = hx[b[i] & 15];
  }
  *w = '\0';
}

static void add_hex_colon(json_object *o, const char *k, const uint8_t *b,
                          size_t n) {
  char buf[3 * 256 + 1];
  if (n > 256)
    n = 256;
  dec_hex_colon(buf, b, n);
  json_object_object_add(o, k, json_object_new_string(buf));
}

static void add_hex(json_object *o, const char *k, unsigned v, int width) {
  char buf[16];
  snprintf(buf, sizeof(buf), "0x%0*x", width, v);
  json_object_object_add(o, k, json_object_new_string(buf));
}

static void add_int(json_object *o, const char *k, int64_t v) {
  json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_str(json_object *o, const char *k, const char *v) {
  json_object_object_add(o, k, json_object_new_string(v));
}

static void add_ip(json_object *o, const char *k, int af, const uint8_t *b) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(af, b, buf, sizeof(buf)) == NULL)
    snprintf(buf, sizeof(buf), "?");
  add_str(o, k, buf);
}

static json_object *new_layer(dec *d, const char *name) {
  json_object *l = json_object_new_object();
  add_str(l, "layer", name);
  json_object_array_add(d->layers, l);
  return l;
}

static void truncated(json_object *l, size_t need, size_t have) {
  add_str(l, "error", "truncated");
  add_int(l, "need", (int64_t)need);
  add_int(l, "have", (int64_t)have);
}

/* ARP and RARP (RFC 826, RFC 903): any hardware/protocol lengths. */
static void decode_arp(dec *d, const uint8_t *p, size_t len, uint16_t type) {
  json_object *l = new_layer(d, type == 0x8035 ? "rarp" : "arp");
  if (len < 8) {
    truncated(l, 8, len);
    return;
  }
  unsigned hlen = p[4], plen = p[5];
  add_int(l, "htype", rd16(p));
  add_hex(l, "ptype", rd16(p + 2), 4);
  add_int(l, "hlen", hlen);
  add_int(l, "plen", plen);
  add_int(l, "op", rd16(p + 6));
  size_t need = 8 + 2 * (size_t)hlen + 2 * (size_t)plen;
  if (len < need) {
    truncated(l, need, len);
    return;
  }
  const uint8_t *sha = p + 8, *spa = sha + hlen, *tha = spa + plen,
                *tpa = tha + hlen;
  add_hex_colon(l, "sha", sha, hlen);
  if (plen == 4)
    add_ip(l, "spa", AF_INET, spa);
  else
    add_hex_colon(l, "spa", spa, plen);
  add_hex_colon(l, "tha", tha, hlen);
  if (plen == 4)
    add_ip(l, "tpa", AF_INET, tpa);
  else
    add_hex_colon(l, "tpa", tpa, plen);
}

/* VXLAN (RFC 7348): the header through vl2_vxlan_decap() on the UDP
 * payload; "check" is what vl2_vxlan_decap() says of the whole packet from
 * the outer IP header (what a VTEP receiving it would do). */
static void decode_vxlan(dec *d, const uint8_t *ip, size_t ip_len,
                         uint16_t dport, const uint8_t *p, size_t len,
                         int depth) {
  json_object *l = new_layer(d, "vxlan");
  vl2_vxlan_info vi;
  memset(&vi, 0, sizeof(vi));
  int rv = vl2_vxlan_decap(NULL, p, len, VL2_VXLAN_LAYER_UDP, &vi);
  if (len < VL2_VXLAN_HLEN) {
    truncated(l, VL2_VXLAN_HLEN, len);
    return;
  }
  /* On a refusal (I flag clear, inner frame missing) the header is still
   * worth showing, as tcpdump does. */
  add_hex(l, "flags", p[0], 2);
  add_int(l, "vni",
          rv == 0
              ? (int64_t)vi.vni
              : (int64_t)((uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6]));
  vl2_vxlan_config cfg;
  vl2_vxlan_config_default(&cfg);
  cfg.dst_port = dport != 0 ? dport : VL2_VXLAN_PORT;
  cfg.underlay_mtu = 0;
  cfg.flags = VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  vl2_vxlan_info full;
  memset(&full, 0, sizeof(full));
  int frv = vl2_vxlan_decap(&cfg, ip, ip_len, VL2_VXLAN_LAYER_IP, &full);
  add_str(l, "check", frv == 0 ? "ok" : vl2_vxlan_reason_name(full.reason));
  if (rv != 0) {
    add_str(l, "error", vl2_vxlan_reason_name(vi.reason));
    return;
  }
  decode_eth(d, p + vi.inner_off, vi.inner_len, depth + 1);
}

/* Geneve (RFC 8926): the header and options through vl2_geneve_decap() on
 * the UDP payload; "check" is what vl2_geneve_decap() says of the whole
 * packet from the outer IP header (what a tunnel endpoint receiving it
 * would do, with the options listed by --geneve-known as known). */
static void decode_geneve(dec *d, const uint8_t *ip, size_t ip_len,
                          uint16_t dport, const uint8_t *p, size_t len,
                          int depth) {
  json_object *l = new_layer(d, "geneve");
  if (len < VL2_GENEVE_HLEN) {
    truncated(l, VL2_GENEVE_HLEN, len);
    return;
  }
  vl2_geneve_config cfg;
  vl2_geneve_config_default(&cfg);
  cfg.tun.dst_port = dport;
  cfg.tun.underlay_mtu = 0;
  cfg.tun.flags = VL2_VXLAN_F_UDP6_ZERO_CSUM_RX;
  cfg.known_cnt = (uint32_t)d->o->n_geneve_known;
  memcpy(cfg.known, d->o->geneve_known,
         d->o->n_geneve_known * sizeof(cfg.known[0]));
  vl2_geneve_info gi;
  int rv = vl2_geneve_decap(&cfg, p, len, VL2_VXLAN_LAYER_UDP, &gi);
  unsigned optlen = (p[0] & 0x3fu) * 4u;
  uint16_t proto = rd16(p + 2);
  add_int(l, "version", p[0] >> 6);
  add_hex(l, "flags", p[1], 2);
  add_hex(l, "proto", proto, 4);
  add_int(l, "vni",
          (int64_t)((uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6]));
  add_int(l, "optlen", optlen);
  /* The options as the core walks them (as far as they are whole). */
  size_t have = len - VL2_GENEVE_HLEN < optlen ? len - VL2_GENEVE_HLEN : optlen;
  json_object *opts = json_object_new_array();
  size_t pos = 0;
  vl2_geneve_opt o;
  while (vl2_geneve_opt_next(p + VL2_GENEVE_HLEN, have, &pos, &o) == 1) {
    json_object *j = json_object_new_object();
    add_hex(j, "class", o.opt_class, 4);
    add_hex(j, "type", o.type, 2);
    add_int(j, "len", o.data_len);
    json_object_array_add(opts, j);
  }
  json_object_object_add(l, "options", opts);
  vl2_geneve_info full;
  int frv = vl2_geneve_decap(&cfg, ip, ip_len, VL2_VXLAN_LAYER_IP, &full);
  add_str(l, "check", frv == 0 ? "ok" : vl2_vxlan_reason_name(full.tun.reason));
  if (len < VL2_GENEVE_HLEN + (size_t)optlen) {
    truncated(l, VL2_GENEVE_HLEN + (size_t)optlen, len);
    return;
  }
  if (rv != 0)
    add_str(l, "error", vl2_vxlan_reason_name(gi.tun.reason));
  /* Shown whatever the verdict (an unknown critical option, the O bit, a
   * payload that is not Ethernet), as tcpdump does. */
  p += VL2_GENEVE_HLEN + optlen;
  len -= VL2_GENEVE_HLEN + optlen;
  if (proto == VL2_GENEVE_PROTO_ETH)
    decode_eth(d, p, len, depth + 1);
  else
    decode_l3(d, proto, p, len, depth + 1);
}

static bool is_vxlan_port(const dec_opts *o, uint16_t port) {
  for (size_t i = 0; i < o->n_vxlan_ports; i++)
    if (o->vxlan_ports[i] == port)
      return true;
  return false;
}

static void decode_udp(dec *d, const uint8_t *ip, size_t ip_len,
                       const uint8_t *p, size_t len, int depth) {
  json_object *l = new_layer(d, "udp");
  if (len < 8) {
    truncated(l, 8, len);
    return;
  }
  uint16_t sport = rd16(p), dport = rd16(p + 2), ulen = rd16(p + 4);
  add_int(l, "sport", sport);
  add_int(l, "dport", dport);
  add_int(l, "length", ulen);
  size_t plen = len - 8;
  if (ulen >= 8 && (size_t)ulen - 8 < plen)
    plen = (size_t)ulen - 8; /* padding after the datagram */
  /* tcpdump's choice: VXLAN on either port, Geneve on the destination. */
  if (is_vxlan_port(d->o, dport) || is_vxlan_port(d->o, sport))
    decode_vxlan(d, ip, ip_len, dport, p + 8, plen, depth);
  else if (dport == d->o->geneve_port)
    decode_geneve(d, ip, ip_len, dport, p + 8, plen, depth);
}

static void decode_ipv4(dec *d, const uint8_t *p, size_t len, int depth) {
  json_object *l = new_layer(d, "ipv4");
  if (len < 20) {
    truncated(l, 20, len);
    return;
  }
  unsigned ver = p[0] >> 4, ihl = (p[0] & 15u) * 4u;
  if (ver != 4 || ihl < 20) {
    add_int(l, "version", ver);
    add_int(l, "ihl", ihl);
    add_str(l, "error", "bad header");
    return;
  }
  add_ip(l, "src", AF_INET, p + 12);
  add_ip(l, "dst", AF_INET, p + 16);
  add_int(l, "proto", p[9]);
  add_int(l, "ttl", p[8]);
  uint16_t tot = rd16(p + 2), frag = rd16(p + 6);
  add_int(l, "length", tot);
  if ((frag & 0x1fffu) != 0) {
    add_int(l, "frag_offset", (frag & 0x1fffu) * 8);
    return; /* a non-first fragment: no L4 header */
  }
  if (len < ihl) {
    truncated(l, ihl, len);
    return;
  }
  size_t end = len;
  if (tot >= ihl && tot < end)
    end = tot; /* Ethernet padding */
  if (p[9] == 17)
    decode_udp(d, p, len, p + ihl, end - ihl, depth);
}

static void decode_ipv6(dec *d, const uint8_t *p, size_t len, int depth) {
  json_object *l = new_layer(d, "ipv6");
  if (len < 40) {
    truncated(l, 40, len);
    return;
  }
  if (p[0] >> 4 != 6) {
    add_int(l, "version", p[0] >> 4);
    add_str(l, "error", "bad header");
    return;
  }
  add_ip(l, "src", AF_INET6, p + 8);
  add_ip(l, "dst", AF_INET6, p + 24);
  uint8_t nh = p[6];
  add_int(l, "next", nh);
  add_int(l, "hlim", p[7]);
  size_t end = len, off = 40, plen = rd16(p + 4);
  if (40 + plen < end)
    end = 40 + plen;
  /* Hop-by-hop, routing and destination options: skip to the payload. */
  while ((nh == 0 || nh == 43 || nh == 60) && off + 8 <= end) {
    size_t el = ((size_t)p[off + 1] + 1) * 8;
    nh = p[off];
    off += el;
  }
  if (off > end)
    return;
  if (nh == 17)
    decode_udp(d, p, len, p + off, end - off, depth);
}

/* The payload after an EtherType (or after LLC/SNAP, or a tunnel's
 * protocol field). */
static void decode_l3(dec *d, uint16_t type, const uint8_t *p, size_t len,
                      int depth) {
  if (depth > DEC_MAX_DEPTH) {
    json_object *l = new_layer(d, "limit");
    add_str(l, "error", "nesting too deep");
    return;
  }
  switch (type) {
  case 0x0806:
  case 0x8035:
    decode_arp(d, p, len, type);
    break;
  case 0x0800:
    decode_ipv4(d, p, len, depth);
    break;
  case 0x86dd:
    decode_ipv6(d, p, len, depth);
    break;
  case 0x6558:
    decode_eth(d, p, len, depth + 1);
    break;
  default:
    break;
  }
}

/* 802.2 LLC, and SNAP with OUI 0 (RFC 1042) which carries an EtherType. */
static void decode_llc(dec *d, const uint8_t *p, size_t len, int depth) {
  json_object *l = new_layer(d, "llc");
  if (len < 3) {
    truncated(l, 3, len);
    return;
  }
  add_hex(l, "dsap", p[0], 2);
  add_hex(l, "ssap", p[1], 2);
  add_hex(l, "ctrl", p[2], 2);
  if (p[0] != 0xaa || p[1] != 0xaa || p[2] != 0x03)
    return;
  json_object *s = new_layer(d, "snap");
  if (len < 8) {
    truncated(s, 8, len);
    return;
  }
  uint32_t oui = (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
  uint16_t pid = rd16(p + 6);
  add_hex(s, "oui", oui, 6);
  add_hex(s, "pid", pid, 4);
  if (oui == 0)
    decode_l3(d, pid, p + 8, len - 8, depth);
}

static void decode_eth(dec *d, const uint8_t *p, size_t len, int depth) {
  json_object *l = new_layer(d, "eth");
  if (depth > DEC_MAX_DEPTH) {
    add_str(l, "error", "nesting too deep");
    return;
  }
  vl2_eth_info ei;
  memset(&ei, 0, sizeof(ei));
  int rv = vl2_eth_parse(p, len, &ei);
  if (rv == VL2_ERR_MALFORMED && len < VL2_ETH_HLEN) {
    truncated(l, VL2_ETH_HLEN, len);
    return;
  }
  if (rv == VL2_ERR_MALFORMED) {
    /* The MACs are there, a tag is cut short. */
    add_hex_colon(l, "dst", p, 6);
    add_hex_colon(l, "src", p + 6, 6);
    add_str(l, "error", "truncated tag");
    return;
  }
  add_hex_colon(l, "dst", ei.dst.b, 6);
  add_hex_colon(l, "src", ei.src.b, 6);
  json_object *tags = json_object_new_array();
  for (unsigned i = 0; i < ei.tag_cnt && i < VL2_ETH_MAX_TAGS; i++) {
    json_object *t = json_object_new_object();
    add_hex(t, "tpid", ei.tpid[i], 4);
    add_int(t, "vid", ei.tci[i] & 0xfff);
    add_int(t, "pcp", ei.tci[i] >> 13);
    add_int(t, "dei", (ei.tci[i] >> 12) & 1);
    json_object_array_add(tags, t);
  }
  json_object_object_add(l, "tags", tags);
  if (rv == VL2_ERR_UNSUPPORTED) {
    add_str(l, "error", "too many tags");
    return;
  }
  if (rv != 0) {
    add_str(l, "error", vl2_strerror(rv));
    return;
  }
  add_hex(l, "ethertype", ei.ethertype, 4);
  const uint8_t *pl = p + ei.l3_off;
  size_t pl_len = len - ei.l3_off;
  if (ei.ethertype < 0x0600) {
    add_int(l, "length", ei.ethertype); /* 802.3 */
    if (ei.ethertype < pl_len)
      pl_len = ei.ethertype;
    decode_llc(d, pl, pl_len, depth);
    return;
  }
  decode_l3(d, ei.ethertype, pl, pl_len, depth);
}

void dec_opts_default(dec_opts *o) {
  memset(o, 0, sizeof(*o));
  o->vxlan_ports[0] = VL2_VXLAN_PORT;
  o->vxlan_ports[1] = 8472; /* Linux's pre-IANA VXLAN port */
  o->n_vxlan_ports = 2;
  o->geneve_port = 6081;
}

json_object *dec_frame(const uint8_t *data, size_t len, const dec_opts *o) {
  dec d = {o, json_object_new_array()};
  if (d.layers == NULL)
    return NULL;
  decode_eth(&d, data, len, 0);
  return d.layers;
}

static void print_value(FILE *out, json_object *v) {
  if (json_object_is_type(v, json_type_array)) {
    fputc('[', out);
    size_t n = json_object_array_length(v);
    for (size_t i = 0; i < n; i++) {
      if (i > 0)
        fputc(' ', out);
      print_value(out, json_object_array_get_idx(v, i));
    }
    fputc(']', out);
  } else if (json_object_is_type(v, json_type_object)) {
    int first = 1;
    json_object_object_foreach(v, k, x) {
      fprintf(out, "%s%s=", first ? "" : ",", k);
      print_value(out, x);
      first = 0;
    }
  } else {
    fputs(json_object_get_string(v), out);
  }
}

void dec_print_text(FILE *out, json_object *layers) {
  size_t n = json_object_array_length(layers);
  for (size_t i = 0; i < n; i++) {
    json_object *l = json_object_array_get_idx(layers, i);
    json_object *name;
    if (json_object_object_get_ex(l, "layer", &name))
      fprintf(out, "%s%s", i > 0 ? " | " : "", json_object_get_string(name));
    json_object_object_foreach(l, k, v) {
      if (strcmp(k, "layer") == 0)
        continue;
      if (strcmp(k, "tags") == 0 && json_object_array_length(v) == 0)
        continue;
      fprintf(out, " %s=", k);
      print_value(out, v);
    }
  }
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl trace's frame builder (vl2ctl_frame.c): the bytes of each kind
 * of frame, their checksums verified by summing them to 0xffff (RFC 1071
 * section 1), derived destination MACs, tag order, padding, and refusals
 * in words. Exit 0 when every check passes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vl2ctl.h"

static int failures;

#define CHECK(c)                                                               \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c);    \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static uint8_t F[VL2CTL_FRAME_MAX];
static char E[256];

/* Build from a space-separated field list; the length or -1. */
static long build(const char *fields) {
  char buf[512], *w[32];
  int n = 0;
  snprintf(buf, sizeof buf, "%s", fields);
  for (char *t = strtok(buf, " "); t && n < 32; t = strtok(NULL, " "))
    w[n++] = t;
  memset(F, 0xee, sizeof F);
  E[0] = 0;
  return vl2ctl_frame_build(w, n, F, sizeof F, E, sizeof E);
}

static unsigned rd16(const uint8_t *p) { return (unsigned)(p[0] << 8 | p[1]); }

/* The one's complement sum of |n| bytes and |extra|, folded. */
static unsigned sum(const uint8_t *p, size_t n, unsigned long extra) {
  unsigned long s = extra;
  for (size_t i = 0; i + 1 < n; i += 2)
    s += rd16(p + i);
  if (n & 1)
    s += (unsigned long)p[n - 1] << 8;
  while (s >> 16)
    s = (s & 0xffff) + (s >> 16);
  return (unsigned)s;
}

static const uint8_t SRC[6] = {2, 0, 0, 0, 0, 1}, DST[6] = {2, 0, 0, 0, 0, 2};

static void test_arp(void) {
  CHECK(build("src 02:00:00:00:00:01 arp request sip 10.0.0.1 dip 10.0.0.2") ==
        60);
  static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  CHECK(memcmp(F, bc, 6) == 0); /* a request goes to broadcast */
  CHECK(memcmp(F + 6, SRC, 6) == 0);
  CHECK(rd16(F + 12) == 0x0806);
  CHECK(rd16(F + 14) == 1 && rd16(F + 16) == 0x0800 && F[18] == 6 &&
        F[19] == 4 && rd16(F + 20) == 1);
  CHECK(memcmp(F + 22, SRC, 6) == 0);                /* sha */
  CHECK(memcmp(F + 28, "\x0a\x00\x00\x01", 4) == 0); /* spa */
  CHECK(memcmp(F + 32, "\0\0\0\0\0\0", 6) == 0);     /* tha */
  CHECK(memcmp(F + 38, "\x0a\x00\x00\x02", 4) == 0); /* tpa */
  CHECK(F[42] == 0 && F[59] == 0);                   /* padded with zeros */
  CHECK(build("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 arp reply sip "
              "10.0.0.1 dip 10.0.0.2") == 60);
  CHECK(rd16(F + 20) == 2 && memcmp(F + 32, DST, 6) == 0);
}

static void test_ipv4(void) {
  CHECK(build("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 type ipv4 sip "
              "10.0.0.1 dip 10.0.0.2") == 60);
  const uint8_t *ip = F + 14;
  CHECK(rd16(F + 12) == 0x0800 && ip[0] == 0x45 && rd16(ip + 2) == 28);
  CHECK(ip[9] == 1 && sum(ip, 20, 0) == 0xffff);
  CHECK(ip[20] == 8 && sum(ip + 20, 8, 0) == 0xffff); /* echo request */
  /* UDP, the payload filling len */
  CHECK(build("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 sip 10.0.0.1 dip "
              "10.0.0.2 proto udp len 200") == 200);
  CHECK(rd16(ip + 2) == 186 && ip[9] == 17 && sum(ip, 20, 0) == 0xffff);
  CHECK(rd16(ip + 24) == 166);
  CHECK(sum(ip + 20, 166, sum(ip + 12, 8, 0) + 17 + 166) == 0xffff);
  /* a group: its MAC (RFC 1112 section 6.4), high bit of 23 dropped */
  CHECK(build("src 02:00:00:00:00:01 sip 10.0.0.1 dip 239.129.2.3") == 60);
  CHECK(memcmp(F, "\x01\x00\x5e\x01\x02\x03", 6) == 0);
}

static void test_ipv6(void) {
  CHECK(build("src 02:00:00:00:00:01 sip 2001:db8::1 dip ff02::1:ff00:1234") ==
        62);
  CHECK(memcmp(F, "\x33\x33\xff\x00\x12\x34", 6) == 0);
  const uint8_t *ip = F + 14;
  CHECK(rd16(F + 12) == 0x86dd && ip[0] == 0x60 && rd16(ip + 4) == 8);
  CHECK(ip[6] == 58 && ip[40] == 128);
  CHECK(sum(ip + 40, 8, sum(ip + 8, 32, 0) + 58 + 8) == 0xffff);
  CHECK(build("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 sip 2001:db8::1 "
              "dip 2001:db8::2 proto udp len 150") == 150);
  CHECK(ip[6] == 17 && rd16(ip + 4) == 96);
  CHECK(sum(ip + 40, 96, sum(ip + 8, 32, 0) + 17 + 96) == 0xffff);
}

static void test_tags(void) {
  /* the S-tag outermost, then the C-tags as given */
  CHECK(build("vlan 10 svlan 100 vlan 20 src 02:00:00:00:00:01 dst "
              "ff:ff:ff:ff:ff:ff type 0x1234") == 60);
  CHECK(rd16(F + 12) == 0x88a8 && rd16(F + 14) == 100);
  CHECK(rd16(F + 16) == 0x8100 && rd16(F + 18) == 10);
  CHECK(rd16(F + 20) == 0x8100 && rd16(F + 22) == 20);
  CHECK(rd16(F + 24) == 0x1234);
  /* no type: IEEE 802 local experimental */
  CHECK(build("src 02:00:00:00:00:01 dst 02:00:00:00:00:02 len 1500") == 1500);
  CHECK(rd16(F + 12) == 0x88b5);
}

static void test_refusals(void) {
  static const struct {
    const char *fields, *says;
  } bad[] = {
      {"dst 02:00:00:00:00:02", "source MAC is missing"},
      {"src 02:00:00:00:00:01", "destination MAC is missing"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00", "not a MAC"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:0g", "not a MAC"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 vlan 4096", "not a VID"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 vlan", "needs a value"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 type ip", "type 'ip'"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 type ipv4", "needs sip"},
      {"src 02:00:00:00:00:01 type ipv4 sip 10.0.0.1 dip ::1", "needs sip"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 sip 1.2.3", "not an IP"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 len 5000", "len '5000'"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 type ipv4 sip 1.1.1.1 "
       "dip 1.1.1.2 len 20",
       "shorter than the headers"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 type 0x1234 arp request",
       "other than arp"},
      {"src 02:00:00:00:00:01 dst 02:00:00:00:00:02 colour red",
       "unknown field"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    long n = build(bad[i].fields);
    if (n >= 0 || !strstr(E, bad[i].says)) {
      fprintf(stderr, "'%s': %ld, '%s' (expected '%s')\n", bad[i].fields, n, E,
              bad[i].says);
      failures++;
    }
  }
}

int main(void) {
  test_arp();
  test_ipv4();
  test_ipv6();
  test_tags();
  test_refusals();
  if (failures) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("vl2ctl frame builder: all checks passed\n");
  return 0;
}

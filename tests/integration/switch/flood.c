/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2s-flood: what a misbehaving VM sends, for the vl2-switch tests.
 * Usage: vl2s-flood IFACE MACS GARBAGE [SEED]
 * Sends MACS frames with distinct random unicast source MACs (to random
 * unknown unicast destinations), then GARBAGE frames of random bytes and
 * lengths (runts, bogus tags, group source MACs, oversized), through a
 * packet socket on IFACE. Prints how many the kernel took.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static int send_one(int fd, const struct sockaddr_ll *sa, const uint8_t *b,
                    size_t len) {
  for (int tries = 0; tries < 1000; tries++) {
    if (sendto(fd, b, len, 0, (const struct sockaddr *)sa, sizeof *sa) >= 0)
      return 0;
    if (errno != ENOBUFS && errno != EAGAIN)
      return -1;
    struct timespec ts = {0, 100000};
    nanosleep(&ts, NULL);
  }
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s IFACE MACS GARBAGE [SEED]\n", argv[0]);
    return 2;
  }
  unsigned ifindex = if_nametoindex(argv[1]);
  if (!ifindex) {
    perror(argv[1]);
    return 1;
  }
  long macs = atol(argv[2]), garbage = atol(argv[3]);
  if (argc > 4)
    rng ^= (uint64_t)atoll(argv[4]) * 0x2545f4914f6cdd1dull;
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  struct sockaddr_ll sa = {
      .sll_family = AF_PACKET, .sll_ifindex = (int)ifindex, .sll_halen = 6};
  uint8_t b[2048];
  long sent = 0, refused = 0;
  for (long i = 0; i < macs; i++) {
    memset(b, 0, 64);
    uint64_t r = next();
    b[0] = 0x06; /* locally administered unicast destination */
    memcpy(b + 1, &r, 5);
    b[6] = 0x0a;
    b[7] = (uint8_t)(i >> 24);
    b[8] = (uint8_t)(i >> 16);
    b[9] = (uint8_t)(i >> 8);
    b[10] = (uint8_t)i;
    b[11] = (uint8_t)(r >> 40);
    b[12] = 0x08; /* IPv4, no payload worth parsing */
    b[13] = 0x00;
    if (send_one(fd, &sa, b, 60) == 0)
      sent++;
    else
      refused++;
  }
  for (long i = 0; i < garbage; i++) {
    size_t len = 14 + next() % 1500;
    for (size_t k = 0; k < len; k += 8) {
      uint64_t r = next();
      memcpy(b + k, &r, 8);
    }
    switch (i % 6) {
    case 0: /* group source */
      b[6] |= 1;
      break;
    case 1: /* VLAN tag on an access port */
      b[12] = 0x81;
      b[13] = 0x00;
      break;
    case 2: /* QinQ */
      b[12] = 0x88;
      b[13] = 0xa8;
      break;
    case 3: /* ARP with junk */
      b[12] = 0x08;
      b[13] = 0x06;
      b[6] &= 0xfe;
      break;
    case 4: /* IPv6 with junk (ND parser) */
      b[12] = 0x86;
      b[13] = 0xdd;
      b[6] &= 0xfe;
      break;
    default:
      break;
    }
    if (send_one(fd, &sa, b, len) == 0)
      sent++;
    else
      refused++;
  }
  printf("sent %ld frames (%ld refused by the kernel)\n", sent, refused);
  close(fd);
  return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * blast: a 64-byte frame generator for tests/bench/e2e.
 *
 * Sends minimum-size Ethernet frames (60 bytes + 4 of FCS on the wire =
 * 64) from IFACE to DSTMAC for SECONDS through an AF_PACKET socket with
 * sendmmsg() bursts of 64 and PACKET_QDISC_BYPASS, as fast as the kernel
 * takes them; the EtherType is 0x88b5 (IEEE local experimental), so the
 * receiving stack counts and drops them. Prints the frames handed to the
 * kernel. The receiver side is the destination interface's rx_packets.
 *
 * Usage: blast IFACE DSTMAC SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s IFACE DSTMAC SECONDS\n", argv[0]);
    return 2;
  }
  unsigned m[6];
  if (sscanf(argv[2], "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
             &m[5]) != 6) {
    fprintf(stderr, "blast: bad MAC %s\n", argv[2]);
    return 2;
  }
  double secs = atof(argv[3]);
  int fd = socket(AF_PACKET, SOCK_RAW, 0);
  if (fd < 0) {
    perror("blast: socket");
    return 1;
  }
  int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
    perror("blast: SIOCGIFHWADDR");
    return 1;
  }
  struct sockaddr_ll sll = {.sll_family = AF_PACKET,
                            .sll_ifindex = (int)if_nametoindex(argv[1]),
                            .sll_halen = 6};
  if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
    perror("blast: bind");
    return 1;
  }
  unsigned char fr[60];
  memset(fr, 0, sizeof fr);
  for (int i = 0; i < 6; i++)
    fr[i] = (unsigned char)m[i];
  memcpy(fr + 6, ifr.ifr_hwaddr.sa_data, 6);
  fr[12] = 0x88;
  fr[13] = 0xb5;
  struct iovec iov[BATCH];
  struct mmsghdr mm[BATCH];
  memset(mm, 0, sizeof mm);
  for (int i = 0; i < BATCH; i++) {
    iov[i].iov_base = fr;
    iov[i].iov_len = sizeof fr;
    mm[i].msg_hdr.msg_iov = &iov[i];
    mm[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long sent = 0;
  double t0 = now_s(), end = t0 + secs;
  unsigned iter = 0;
  for (;;) {
    if ((++iter & 63) == 0 && now_s() >= end)
      break;
    int r = sendmmsg(fd, mm, BATCH, 0);
    if (r > 0)
      sent += (unsigned)r;
    else if (r < 0 && errno != ENOBUFS && errno != EAGAIN && errno != EINTR) {
      perror("blast: sendmmsg");
      return 1;
    }
  }
  printf("%llu %.3f\n", sent, now_s() - t0);
  return 0;
}

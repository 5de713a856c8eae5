/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2s-blast: a VM that blasts broadcast, for the storm-control test.
 * Usage: vl2s-blast IFACE SECONDS
 * Sends 64-byte broadcast frames (EtherType 0x88b5, local experimental)
 * from IFACE's MAC through a packet socket as fast as the kernel takes
 * them for SECONDS, then prints "sent N rate R" (frames, frames/s).
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
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: vl2s-blast IFACE SECONDS\n");
    return 2;
  }
  double secs = atof(argv[2]);
  int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
  if (fd < 0) {
    perror("socket");
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", argv[1]);
  if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
    perror("SIOCGIFHWADDR");
    return 1;
  }
  struct sockaddr_ll sa;
  memset(&sa, 0, sizeof sa);
  sa.sll_family = AF_PACKET;
  sa.sll_ifindex = (int)if_nametoindex(argv[1]);
  sa.sll_halen = 6;
  uint8_t f[64];
  memset(f, 0, sizeof f);
  memset(f, 0xff, 6);
  memcpy(f + 6, ifr.ifr_hwaddr.sa_data, 6);
  f[12] = 0x88;
  f[13] = 0xb5;
  double t0 = now_s(), end = t0 + secs;
  unsigned long n = 0;
  while (now_s() < end) {
    for (int i = 0; i < 64; i++) {
      memcpy(f + 14, &n, sizeof n);
      if (sendto(fd, f, sizeof f, 0, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (errno == ENOBUFS || errno == EAGAIN)
          continue;
        perror("sendto");
        return 1;
      }
      n++;
    }
  }
  double dt = now_s() - t0;
  printf("sent %lu rate %.0f\n", n, (double)n / dt);
  return 0;
}

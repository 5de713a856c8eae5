/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * tap_relay: the floor of a user-space switch, for tests/bench/e2e.
 *
 * Opens two TAPs, then moves every frame from one to the other, both
 * directions, with one epoll loop: read() a frame, write() it, no
 * decision. With -o both TAPs get IFF_VNET_HDR and TUNSETOFFLOAD
 * (CSUM|TSO4|TSO6) and the virtio-net header is relayed with the frame
 * unchanged, so TSO super-frames cross as one read and one write.
 *
 * Usage: tap_relay [-o] TAP_A TAP_B    (runs until SIGINT/SIGTERM)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <unistd.h>

static volatile sig_atomic_t stop;
static void on_sig(int s) {
  (void)s;
  stop = 1;
}

static int tap_open(const char *name, int offload) {
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
  snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0)
    return -1;
  if (offload) {
    int sz = (int)sizeof(struct virtio_net_hdr);
    if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0 ||
        ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0)
      return -1;
  }
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  if (s >= 0) {
    if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
      ifr.ifr_flags |= IFF_UP;
      ioctl(s, SIOCSIFFLAGS, &ifr);
    }
    close(s);
  }
  return fd;
}

int main(int argc, char **argv) {
  int offload = 0, ai = 1;
  if (argc > 1 && strcmp(argv[1], "-o") == 0) {
    offload = 1;
    ai++;
  }
  if (argc - ai != 2) {
    fprintf(stderr, "usage: %s [-o] TAP_A TAP_B\n", argv[0]);
    return 2;
  }
  int fd[2];
  for (int i = 0; i < 2; i++)
    if ((fd[i] = tap_open(argv[ai + i], offload)) < 0) {
      fprintf(stderr, "tap_relay: %s: %s\n", argv[ai + i], strerror(errno));
      return 1;
    }
  signal(SIGINT, on_sig);
  signal(SIGTERM, on_sig);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < 2; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
    epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev);
  }
  static unsigned char buf[65536 + 64];
  unsigned long long frames = 0;
  while (!stop) {
    struct epoll_event evs[2];
    int n = epoll_wait(ep, evs, 2, 200);
    for (int e = 0; e < n; e++) {
      int in = (int)evs[e].data.u32, out = fd[in ^ 1];
      for (int k = 0; k < 256; k++) { /* bounded: keep both directions fair */
        ssize_t r = read(fd[in], buf, sizeof buf);
        if (r <= 0)
          break;
        if (write(out, buf, (size_t)r) >= 0)
          frames++;
      }
    }
  }
  fprintf(stderr, "tap_relay: %llu frames relayed\n", frames);
  return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * AF_PACKET backend throughput on a veth pair, beside a plain packet
 * socket loop (recvmsg / send, one frame per syscall) in the same run.
 *
 *   afp_bench IF_A IF_B SECONDS
 *
 * Receive: a sender thread blasts 64-byte frames into IF_A (sendmmsg,
 * batches of 64) while the receiver counts what it gets on IF_B, first
 * with the backend's rx_burst, then with recvmsg(). Transmit: frames/s
 * sent on IF_A with the backend's tx_burst (bursts of 64) vs send(), as
 * counted by IF_B's kernel rx_packets. Prints a table with the ratios.
 * Run it as root in a scratch namespace (run_bench.sh does).
 */
#include <vl2/af_packet.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint8_t g_frame[64];
static volatile int g_stop;
static const char *g_if_a, *g_if_b;

static int raw_socket(const char *ifname, int proto) {
  int fd = socket(AF_PACKET, SOCK_RAW, htons((uint16_t)proto));
  if (fd < 0) {
    perror("socket");
    exit(1);
  }
  struct sockaddr_ll sll;
  memset(&sll, 0, sizeof(sll));
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons((uint16_t)proto);
  sll.sll_ifindex = (int)if_nametoindex(ifname);
  if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
    perror("bind");
    exit(1);
  }
  return fd;
}

static void *blaster(void *arg) {
  (void)arg;
  int fd = raw_socket(g_if_a, 0);
  struct mmsghdr msgs[64];
  struct iovec iov = {.iov_base = g_frame, .iov_len = sizeof(g_frame)};
  memset(msgs, 0, sizeof(msgs));
  for (int i = 0; i < 64; i++) {
    msgs[i].msg_hdr.msg_iov = &iov;
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  while (!g_stop)
    sendmmsg(fd, msgs, 64, 0);
  close(fd);
  return NULL;
}

static uint64_t sys_counter(const char *ifname, const char *what) {
  char path[128];
  snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, what);
  FILE *f = fopen(path, "r");
  unsigned long long v = 0;
  if (f != NULL) {
    if (fscanf(f, "%llu", &v) != 1)
      v = 0;
    fclose(f);
  }
  return v;
}

static double rx_backend(double secs) {
  vl2_backend *be;
  char args[64];
  snprintf(args, sizeof(args), "iface=%s", g_if_b);
  if (vl2_backend_open(&be, &vl2_af_packet_ops, args, 0, NULL) != 0)
    exit(1);
  vl2_frame fr[64];
  uint64_t n = 0;
  struct pollfd pfd = {.fd = vl2_backend_get_fd(be), .events = POLLIN};
  double t0 = now_s(), t;
  while ((t = now_s()) - t0 < secs) {
    vl2_ssize k = vl2_backend_rx_burst(be, fr, 64, 0);
    if (k > 0)
      n += (uint64_t)k;
    else
      poll(&pfd, 1, 10);
  }
  vl2_backend_close(be);
  return (double)n / (t - t0);
}

static double rx_plain(double secs) {
  int fd = raw_socket(g_if_b, ETH_P_ALL);
  uint8_t buf[2048];
  uint64_t n = 0;
  struct timeval tv = {0, 10000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  double t0 = now_s(), t;
  while ((t = now_s()) - t0 < secs) {
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
    if (recvmsg(fd, &mh, 0) > 0)
      n++;
  }
  close(fd);
  return (double)n / (t - t0);
}

static double tx_backend(double secs) {
  vl2_backend *be;
  char args[64];
  snprintf(args, sizeof(args), "iface=%s", g_if_a);
  if (vl2_backend_open(&be, &vl2_af_packet_ops, args, 0, NULL) != 0)
    exit(1);
  vl2_frame fr[64];
  for (int i = 0; i < 64; i++)
    fr[i] = (vl2_frame){.data = g_frame, .len = sizeof(g_frame)};
  uint64_t c0 = sys_counter(g_if_b, "rx_packets");
  double t0 = now_s(), t;
  while ((t = now_s()) - t0 < secs)
    vl2_backend_tx_burst(be, fr, 64);
  usleep(100000);
  uint64_t c1 = sys_counter(g_if_b, "rx_packets");
  vl2_backend_close(be);
  return (double)(c1 - c0) / (t - t0);
}

static double tx_plain(double secs) {
  int fd = raw_socket(g_if_a, 0);
  uint64_t c0 = sys_counter(g_if_b, "rx_packets");
  double t0 = now_s(), t;
  while ((t = now_s()) - t0 < secs)
    for (int i = 0; i < 64; i++)
      send(fd, g_frame, sizeof(g_frame), 0);
  usleep(100000);
  uint64_t c1 = sys_counter(g_if_b, "rx_packets");
  close(fd);
  return (double)(c1 - c0) / (t - t0);
}

static double with_blaster(double (*fn)(double), double secs) {
  pthread_t th;
  g_stop = 0;
  pthread_create(&th, NULL, blaster, NULL);
  usleep(100000);
  double r = fn(secs);
  g_stop = 1;
  pthread_join(th, NULL);
  return r;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: afp_bench IF_A IF_B SECONDS\n");
    return 1;
  }
  g_if_a = argv[1];
  g_if_b = argv[2];
  double secs = atof(argv[3]);
  memset(g_frame, 0xff, 6);
  memcpy(g_frame + 6, "\x02\x00\x00\x00\x00\x01", 6);
  g_frame[12] = 0x88, g_frame[13] = 0xb5;

  double rb = with_blaster(rx_backend, secs);
  double rp = with_blaster(rx_plain, secs);
  double tb = tx_backend(secs);
  double tp = tx_plain(secs);
  printf("af_packet backend vs plain packet socket, veth pair, 64-byte "
         "frames, %.1f s each\n",
         secs);
  printf("%-10s %18s %18s %8s\n", "direction", "vl2 af_packet f/s",
         "plain socket f/s", "ratio");
  printf("%-10s %18.0f %18.0f %8.2f\n", "rx", rb, rp, rp > 0 ? rb / rp : 0);
  printf("%-10s %18.0f %18.0f %8.2f\n", "tx", tb, tp, tp > 0 ? tb / tp : 0);
  printf("(rx: offered load is one sendmmsg thread on the other end; the "
         "plain loop is recvmsg per frame, tx: send per frame)\n");
  return rb > 0 && tb > 0 ? 0 : 1;
}

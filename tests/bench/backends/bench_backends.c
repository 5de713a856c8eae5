/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* Frames/s through the TAP backend beside a plain read()/write() loop on
 * the same TAP, in the same run, in a private network namespace.
 *
 * Usage: bench_backends [-d MS] [-s FRAME_LEN] [--smoke]
 * rx: a thread blasts frames into the TAP through an AF_PACKET socket;
 *     the reader (backend rx_burst, or read() on the TAP fd) counts what
 *     it gets in MS milliseconds.
 * tx: tx_burst of 64 frames, or one write() per frame, for MS ms.
 * Needs root and /dev/net/tun, else exits 77. */
#define _GNU_SOURCE
#include <vl2/backend.h>
#include <vl2/tap.h>

#include <pthread.h>
#include <stdatomic.h>

#include "../../integration/tap/netns_util.h"

static atomic_bool g_stop;
static int g_ps;
static size_t g_len = 64;

static void *blaster(void *arg) {
  (void)arg;
  uint8_t b[1514];
  vl2t_frame(b, g_len, 1, 0);
  while (!atomic_load(&g_stop)) {
    if (send(g_ps, b, g_len, 0) < 0 && errno != EAGAIN && errno != ENOBUFS)
      break;
  }
  return NULL;
}

typedef struct result {
  const char *path, *dir;
  uint64_t frames;
  double secs;
} result;

static double rate(const result *r) {
  return r->secs > 0 ? (double)r->frames / r->secs : 0;
}

static result rx_bench(vl2_backend *be, int fd, bool use_be, int ms) {
  static uint8_t buf[65536];
  vl2_frame fr[64];
  uint64_t n = 0;
  atomic_store(&g_stop, false);
  pthread_t th;
  pthread_create(&th, NULL, blaster, NULL);
  uint64_t t0 = vl2t_now_ns(), end = t0 + (uint64_t)ms * 1000000u;
  while (vl2t_now_ns() < end) {
    if (use_be) {
      vl2_ssize k = vl2_backend_rx_burst(be, fr, 64, 0);
      if (k < 0)
        break;
      n += (uint64_t)k;
    } else {
      for (int i = 0; i < 64; i++) {
        if (read(fd, buf, sizeof(buf)) < 0)
          break;
        n++;
      }
    }
  }
  double secs = (double)(vl2t_now_ns() - t0) / 1e9;
  atomic_store(&g_stop, true);
  pthread_join(th, NULL);
  /* drain */
  while (read(fd, buf, sizeof(buf)) > 0)
    ;
  return (result){use_be ? "vl2 tap backend" : "read() loop", "rx", n, secs};
}

static result tx_bench(vl2_backend *be, int fd, bool use_be, int ms) {
  static uint8_t b[64][1514];
  vl2_frame fr[64];
  for (int i = 0; i < 64; i++) {
    vl2t_frame(b[i], g_len, (uint32_t)i, 0);
    fr[i] = (vl2_frame){.data = b[i], .len = (uint32_t)g_len};
  }
  uint64_t n = 0;
  uint64_t t0 = vl2t_now_ns(), end = t0 + (uint64_t)ms * 1000000u;
  while (vl2t_now_ns() < end) {
    if (use_be) {
      vl2_ssize k = vl2_backend_tx_burst(be, fr, 64);
      if (k < 0)
        break;
      n += (uint64_t)k;
    } else {
      for (int i = 0; i < 64; i++)
        if (write(fd, b[i], g_len) > 0)
          n++;
    }
  }
  double secs = (double)(vl2t_now_ns() - t0) / 1e9;
  return (result){use_be ? "vl2 tap backend" : "write() loop", "tx", n, secs};
}

int main(int argc, char **argv) {
  int ms = 2000;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--smoke") == 0)
      ms = 50;
    else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
      ms = atoi(argv[++i]);
    else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
      g_len = (size_t)atoi(argv[++i]);
    else {
      fprintf(stderr, "usage: %s [-d MS] [-s FRAME_LEN] [--smoke]\n", argv[0]);
      return 2;
    }
  }
  if (g_len < 60 || g_len > 1514 || ms <= 0) {
    fprintf(stderr, "bad -s or -d\n");
    return 2;
  }
  int rv = vl2t_enter_netns(true);
  if (rv != 0)
    return rv;
  char name[IF_NAMESIZE], args[128];
  vl2t_ifname(name, "k");
  snprintf(args, sizeof(args), "name=%s,burst=64", name);
  vl2_backend *be = NULL;
  rv = vl2_backend_open(&be, &vl2_tap_ops, args, 0, NULL);
  if (rv != 0) {
    fprintf(stderr, "open tap: %s: %s\n", vl2_strerror(rv),
            be ? vl2_backend_last_error(be) : "");
    return 1;
  }
  /* The same queue fd serves the plain loop (the backend's fd is
   * non-blocking). */
  int fd = vl2_tap_queue_fd(be, 0);
  g_ps = vl2t_psock(vl2_tap_ifindex(be));
  if (g_ps < 0) {
    perror("packet socket");
    return 1;
  }
  result r[4];
  r[0] = rx_bench(be, fd, false, ms);
  r[1] = rx_bench(be, fd, true, ms);
  r[2] = tx_bench(be, fd, false, ms);
  r[3] = tx_bench(be, fd, true, ms);
  printf("TAP %s, %zu-byte frames, %d ms per row\n", name, g_len, ms);
  printf("%-18s %-4s %12s %8s %14s %7s\n", "path", "dir", "frames", "secs",
         "frames/s", "ratio");
  for (int i = 0; i < 4; i++) {
    double base = rate(&r[i & ~1]);
    printf("%-18s %-4s %12llu %8.3f %14.0f %7.2f\n", r[i].path, r[i].dir,
           (unsigned long long)r[i].frames, r[i].secs, rate(&r[i]),
           base > 0 ? rate(&r[i]) / base : 0.0);
  }
  close(g_ps);
  vl2_backend_close(be);
  /* Smoke check: both paths moved frames. */
  for (int i = 0; i < 4; i++)
    if (r[i].frames == 0)
      return 1;
  return 0;
}

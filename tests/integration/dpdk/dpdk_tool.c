/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Test driver for the DPDK backend, run by dpdk_test.py in a namespace:
 *
 *   rx ARGS COUNT TIMEOUT_MS   print "READY", then each received frame as
 *                              "F <hex>" until COUNT arrived
 *   tx ARGS COUNT HEX...       print "READY", wait for a line on stdin,
 *                              send each HEX frame COUNT times
 *   open ARGS...               open each ARGS in turn, print the results
 *
 * Exit status: 0 success, 1 failure, 2 timeout.
 */
#include <vl2/dpdk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

static vl2_backend *open_or_die(const char *args) {
  vl2_backend *be = NULL;
  int rv = vl2_backend_open(&be, &vl2_dpdk_ops, args, 9, NULL);
  if (rv != 0) {
    fprintf(stderr, "open '%s': %d %s\n", args, rv,
            rv > -200 ? strerror(-rv) : vl2_strerror(rv));
    exit(1);
  }
  return be;
}

static int cmd_rx(const char *args, long count, long timeout_ms) {
  vl2_backend *be = open_or_die(args);
  vl2_frame fr[32];
  long got = 0;
  vl2_tstamp end = now_ns() + (vl2_tstamp)timeout_ms * VL2_MS;
  printf("READY\n");
  fflush(stdout);
  while (got < count && now_ns() < end) {
    vl2_ssize n = vl2_backend_rx_burst(be, fr, 32, now_ns());
    if (n < 0) {
      fprintf(stderr, "rx: %td %s\n", n, vl2_backend_last_error(be));
      return 1;
    }
    if (n == 0)
      usleep(1000);
    for (vl2_ssize i = 0; i < n; i++) {
      if (fr[i].port != 9)
        return 1;
      printf("F ");
      for (uint32_t j = 0; j < fr[i].len; j++)
        printf("%02x", fr[i].data[j]);
      printf("\n");
    }
    got += n;
  }
  fflush(stdout);
  vl2_backend_close(be);
  vl2_dpdk_eal_cleanup();
  return got >= count ? 0 : 2;
}

static int cmd_tx(const char *args, long count, int nhex, char **hex) {
  vl2_backend *be = open_or_die(args);
  char line[16];
  printf("READY\n");
  fflush(stdout);
  if (fgets(line, sizeof(line), stdin) == NULL)
    return 1;
  for (int h = 0; h < nhex; h++) {
    static uint8_t buf[9000];
    size_t len = strlen(hex[h]) / 2;
    for (size_t i = 0; i < len && i < sizeof(buf); i++) {
      unsigned v;
      sscanf(hex[h] + 2 * i, "%2x", &v);
      buf[i] = (uint8_t)v;
    }
    vl2_frame f = {.data = buf, .len = (uint32_t)len};
    for (long c = 0; c < count; c++) {
      vl2_tstamp end = now_ns() + 2 * VL2_SEC;
      vl2_ssize k;
      while ((k = vl2_backend_tx_burst(be, &f, 1)) == 0 && now_ns() < end)
        usleep(100);
      if (k != 1) {
        fprintf(stderr, "tx: %td %s\n", k, vl2_backend_last_error(be));
        return 1;
      }
    }
  }
  usleep(200000);
  vl2_backend_stats st;
  vl2_backend_get_stats(be, &st);
  printf("SENT %llu\n", (unsigned long long)st.tx_frames);
  vl2_backend_close(be);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 5 && strcmp(argv[1], "rx") == 0)
    return cmd_rx(argv[2], atol(argv[3]), atol(argv[4]));
  if (argc >= 5 && strcmp(argv[1], "tx") == 0)
    return cmd_tx(argv[2], atol(argv[3]), argc - 4, argv + 4);
  if (argc >= 3 && strcmp(argv[1], "open") == 0) {
    for (int i = 2; i < argc; i++) {
      vl2_backend *be = NULL;
      int rv = vl2_backend_open(&be, &vl2_dpdk_ops, argv[i], 0, NULL);
      printf("OPEN %d\n", rv);
      vl2_backend_close(be);
    }
    return 0;
  }
  fprintf(stderr, "usage: see dpdk_tool.c\n");
  return 1;
}

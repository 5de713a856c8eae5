/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * DPDK backend forwarding rate between two net_null ports, beside a plain
 * rte_ethdev macswap loop (what `dpdk-testpmd --forward-mode=macswap`
 * does; testpmd itself is not installed by Debian 12's dpdk package) on
 * two other net_null ports of the same EAL, in the same run.
 *
 *   dpdk_bench SECONDS
 *
 * What is measured: backend rx -> tx only (vl2_backend_rx_burst on one
 * port, vl2_backend_tx_burst of the same frames on the other, which takes
 * the by-reference path), not the switch core. net_null's receive returns
 * mbufs whose bytes are not meaningful frames (zero source MACs), which
 * the core would drop; core switching needs a generator that writes real
 * frames and is left for later. No hugepages (--no-huge).
 */
#include <vl2/dpdk.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define BURST 32

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double bench_backend(vl2_backend *a, vl2_backend *b, double secs) {
  vl2_frame fr[BURST];
  uint64_t n = 0;
  double t0 = now_s(), t;
  unsigned iter = 0;
  while (1) {
    if ((++iter & 1023) == 0 && (t = now_s()) - t0 >= secs)
      break;
    vl2_ssize k = vl2_backend_rx_burst(a, fr, BURST, 0);
    if (k > 0)
      n += (uint64_t)vl2_backend_tx_burst(b, fr, (size_t)k);
  }
  return (double)n / (t - t0);
}

static void port_setup(uint16_t port, struct rte_mempool *mp) {
  struct rte_eth_conf conf;
  memset(&conf, 0, sizeof(conf));
  if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
      rte_eth_rx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL, mp) != 0 ||
      rte_eth_tx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
      rte_eth_dev_start(port) != 0) {
    fprintf(stderr, "port %u setup failed\n", port);
    exit(1);
  }
}

/* testpmd's macswap: swap the Ethernet addresses, send, free the rest. */
static double bench_macswap(uint16_t a, uint16_t b, double secs) {
  struct rte_mbuf *m[BURST];
  uint64_t n = 0;
  double t0 = now_s(), t;
  unsigned iter = 0;
  while (1) {
    if ((++iter & 1023) == 0 && (t = now_s()) - t0 >= secs)
      break;
    uint16_t k = rte_eth_rx_burst(a, 0, m, BURST);
    for (uint16_t i = 0; i < k; i++) {
      struct rte_ether_hdr *eh = rte_pktmbuf_mtod(m[i], struct rte_ether_hdr *);
      struct rte_ether_addr tmp = eh->dst_addr;
      eh->dst_addr = eh->src_addr;
      eh->src_addr = tmp;
    }
    uint16_t s = rte_eth_tx_burst(b, 0, m, k);
    if (s < k)
      rte_pktmbuf_free_bulk(m + s, (unsigned)(k - s));
    n += s;
  }
  return (double)n / (t - t0);
}

int main(int argc, char **argv) {
  double secs = argc > 1 ? atof(argv[1]) : 2.0;
  char prefix[64];
  snprintf(prefix, sizeof(prefix), "--file-prefix=vl2pb%ld", (long)getpid());
  static char a0[] = "bench", a1[] = "--no-huge", a2[] = "-m", a3[] = "512",
              a4[] = "--no-pci", a5[] = "--no-shconf",
              a7[] = "--no-telemetry", a8[] = "-l", a9[] = "0",
              a10[] = "--log-level=*:warning", vd[] = "--vdev",
              n0[] = "net_null0", n1[] = "net_null1", n2[] = "net_null2",
              n3[] = "net_null3";
  char *eal[] = {a0, a1, a2, a3, a4, a5, prefix, a7, a8, a9, a10,
                 vd, n0, vd, n1, vd, n2, vd, n3};
  int rv = vl2_dpdk_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal);
  if (rv != 0) {
    fprintf(stderr, "EAL init: %d %s\n", rv, vl2_strerror(rv));
    return rv == -EACCES || rv == -EPERM ? 77 : 1;
  }
  vl2_backend *a, *b;
  if (vl2_backend_open(&a, &vl2_dpdk_ops, "dev=net_null0", 0, NULL) != 0 ||
      vl2_backend_open(&b, &vl2_dpdk_ops, "dev=net_null1", 1, NULL) != 0) {
    fprintf(stderr, "backend open failed\n");
    return 1;
  }
  struct rte_mempool *mp =
      rte_pktmbuf_pool_create("bench_pool", 8191, 256, 0,
                              RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  uint16_t p2, p3;
  if (mp == NULL || rte_eth_dev_get_port_by_name("net_null2", &p2) != 0 ||
      rte_eth_dev_get_port_by_name("net_null3", &p3) != 0)
    return 1;
  port_setup(p2, mp);
  port_setup(p3, mp);

  double vb = bench_backend(a, b, secs);
  double mb = bench_macswap(p2, p3, secs);
  printf("DPDK backend rx->tx vs rte_ethdev macswap loop, net_null ports, "
         "--no-huge, %.1f s each, burst %d\n",
         secs, BURST);
  printf("%-28s %16s\n", "path", "frames/s");
  printf("%-28s %16.0f\n", "vl2 dpdk backend rx->tx", vb);
  printf("%-28s %16.0f\n", "macswap (testpmd-style)", mb);
  printf("%-28s %16.2f\n", "ratio backend/macswap", mb > 0 ? vb / mb : 0);
  vl2_backend_close(a);
  vl2_backend_close(b);
  rte_eth_dev_stop(p2);
  rte_eth_dev_stop(p3);
  return vb > 0 ? 0 : 1;
}

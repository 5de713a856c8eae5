/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The libvl2 core switching between two DPDK net_null ports, beside
 * `dpdk-testpmd --forward-mode=macswap` on the same kind of virtual
 * devices, in the same run (issue 7).
 *
 *   vl2_dpdk_bench [--seconds S] [--rounds R] [--testpmd PATH | --no-testpmd]
 *   vl2_dpdk_bench --smoke                      (a CTest: quick checks)
 *   vl2_dpdk_bench --case core|backend|macswap --frames N
 *                                               (one row, for profiling)
 *
 * Rows, each one forwarding core (the EAL's `-l 1`, the core testpmd's
 * forwarding lcore runs on), both directions (port 0 -> 1 and 1 -> 0, as
 * testpmd's io/macswap engines do with two ports), bursts of 32:
 *
 *  (a) dpdk-testpmd --forward-mode=macswap on --vdev net_null0/net_null1,
 *      run non-interactively for S seconds (`timeout -s INT`), with
 *      `--stats-period 1`: the figure is the median over the 1-second
 *      periods (skipping the first two) of port 0 Tx-pps + port 1 Tx-pps.
 *  (b) libvl2: vl2_backend_rx_burst() on a DPDK backend port,
 *      vl2_switch_process() (two access ports of one segment; the switch has
 *      learned the MAC behind each port, so every frame is known unicast),
 *      vl2_backend_tx_burst() on the port of the verdict (the backend's
 *      by-reference path: no copy), then the other direction.
 *  (c) the same two backend ports, rx -> tx without the core.
 *  (d) a hand-written rte_ethdev macswap loop (testpmd's per-packet work
 *      without testpmd's framework) on two more net_null ports.
 * (b), (c) and (d) are measured like (a): per-second rates (the first
 * period is warm-up). R rounds (default 3) run all rows in turn for S
 * seconds each (default 4); each row's figure is the median of all its
 * periods, so a change in the machine's load hits every row alike.
 *
 * Frames: net_null (copy=0, size=64) hands out mbufs of its rx pool with
 * their lengths set and their bytes left as they are, so whatever a buffer
 * held is received again. Before timing, every mbuf of each backend
 * port's pool gets a real 64-byte frame written into it once (port 0's:
 * 02:00:00:00:00:01 -> 02:00:00:00:00:02, port 1's the reverse); since the
 * backend transmits the received mbuf itself and net_null frees it back
 * into that pool, the frames stay valid. So the libvl2 rows write nothing
 * per frame (a switch forwards frames unchanged); testpmd's macswap reads
 * and writes both MACs of every frame. Both read every header.
 */
#include <vl2/dpdk.h>
#include <vl2/vl2.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>

#define BURST 32
#define MAX_PERIODS 256

static const uint8_t MAC_A[6] = {2, 0, 0, 0, 0, 1}; /* behind port 0 */
static const uint8_t MAC_B[6] = {2, 0, 0, 0, 0, 2}; /* behind port 1 */

static int fail(const char *what) {
  fprintf(stderr, "dpdk_bench: %s\n", what);
  exit(1);
}

static double tsc_hz;

/* --- measuring: per-period rates, median ---------------------------------*/

typedef struct rate {
  double median;         /* frames/s */
  unsigned periods;      /* periods it is the median of */
  uint64_t frames;       /* in total */
  double v[MAX_PERIODS]; /* the periods' rates, over all rounds */
} rate;

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n) {
  if (n == 0)
    return 0;
  qsort(v, n, sizeof(*v), cmp_d);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

typedef uint64_t (*step_fn)(void *ctx);

/* Run |step| (one round over both directions; returns frames sent) for
 * |secs| in periods of |period| s, or, with |frames| > 0, until that many
 * frames were sent. The first period is warm-up. */
static void measure(rate *rp, step_fn step, void *ctx, double secs,
                    double period, uint64_t frames) {
  rate r = *rp;
  unsigned nv = r.periods;
  double *v = r.v;
  if (frames > 0) {
    while (r.frames < frames)
      r.frames += step(ctx);
    *rp = r;
    return;
  }
  uint64_t per = (uint64_t)(period * tsc_hz);
  uint64_t t0 = rte_rdtsc(), ts = t0, end = t0 + (uint64_t)(secs * tsc_hz);
  uint64_t n = 0;
  unsigned idx = 0;
  for (;;) {
    n += step(ctx);
    uint64_t t = rte_rdtsc();
    if (t - ts >= per) {
      if (idx++ > 0 && nv < MAX_PERIODS)
        v[nv++] = (double)n * tsc_hz / (double)(t - ts);
      r.frames += n;
      n = 0;
      ts = t;
      if (t >= end)
        break;
    }
  }
  r.periods = nv;
  *rp = r;
}

/* --- (a) dpdk-testpmd ------------------------------------------------------*/

static void run_testpmd(rate *rp, const char *bin, double secs) {
  rate r = *rp;
  char cmd[1024];
  snprintf(cmd, sizeof(cmd),
           "timeout -s INT %.0f %s --no-huge -m 512 --no-pci --no-shconf "
           "--file-prefix=vl2tp%ld --no-telemetry --log-level=*:warning "
           "--vdev net_null0 --vdev net_null1 -l 0-1 -- "
           "--forward-mode=macswap --nb-cores=1 --stats-period 1 "
           "--total-num-mbufs=16384 --auto-start </dev/null 2>&1",
           secs + 2, bin, (long)getpid());
  FILE *f = popen(cmd, "r");
  if (f == NULL)
    return;
  /* Each stats period prints "Tx-pps: N" for port 0, then port 1. */
  double v[MAX_PERIODS], pend = 0;
  unsigned nv = 0, seen = 0;
  char line[512];
  while (fgets(line, sizeof(line), f) != NULL) {
    const char *p = strstr(line, "Tx-pps:");
    if (p != NULL) {
      double x = strtod(p + 7, NULL);
      if (seen++ % 2 == 0) {
        pend = x;
      } else {
        unsigned period = seen / 2; /* 1-based */
        if (period > 2 && nv < MAX_PERIODS)
          v[nv++] = pend + x;
      }
    }
    if ((p = strstr(line, "TX-packets:")) != NULL &&
        strstr(line, "TX-dropped") != NULL)
      r.frames += strtoull(p + 11, NULL, 10);
  }
  pclose(f);
  /* The last period may be cut by the signal: drop it. */
  if (nv > 1)
    nv--;
  for (unsigned i = 0; i < nv && r.periods < MAX_PERIODS; i++)
    r.v[r.periods++] = v[i];
  *rp = r;
}

/* --- (b) the core through the backend --------------------------------------*/

typedef struct core_ctx {
  vl2_switch *sw;
  vl2_backend *be[2];
  uint64_t unexpected; /* destinations other than "port 0/1, keep" */
  uint64_t decided, sent;
} core_ctx;

static inline vl2_tstamp now_ns(void) {
  return (vl2_tstamp)((double)rte_rdtsc() * (1e9 / tsc_hz));
}

static uint64_t core_dir(core_ctx *c, unsigned a) {
  vl2_frame fr[BURST], out[2][BURST * 2];
  vl2_verdict v[BURST];
  vl2_dest d[BURST * 2];
  unsigned no[2] = {0, 0};
  vl2_tstamp now = now_ns();
  vl2_ssize k = vl2_backend_rx_burst(c->be[a], fr, BURST, now);
  if (k <= 0)
    return 0;
  /* The common case, every frame to one port unchanged, sends |fr| as it
   * is; otherwise per-port lists are built. */
  bool one = true;
  unsigned q = 2;
  for (vl2_ssize i = 0; i < k;) {
    vl2_ssize r = vl2_switch_process(c->sw, fr + i, (size_t)(k - i), v, d,
                                     BURST * 2, now);
    if (r <= 0)
      fail("vl2_switch_process");
    for (vl2_ssize j = 0; one && j < r; j++) {
      const vl2_dest *ds = &d[v[j].dest_off];
      if (v[j].action != VL2_ACT_FORWARD || v[j].dest_cnt != 1 ||
          ds->type != VL2_DEST_PORT || ds->port > 1 ||
          ds->edit != VL2_EDIT_KEEP || (q != 2 && ds->port != q)) {
        one = false; /* earlier calls' frames all went to q */
        for (vl2_ssize x = 0; q != 2 && x < i; x++)
          out[q][no[q]++] = fr[x];
      } else
        q = ds->port;
    }
    if (one) {
      i += r;
      continue;
    }
    for (vl2_ssize j = 0; j < r; j++) {
      if (v[j].action != VL2_ACT_FORWARD)
        continue;
      for (uint32_t x = 0; x < v[j].dest_cnt; x++) {
        const vl2_dest *ds = &d[v[j].dest_off + x];
        if (ds->type != VL2_DEST_PORT || ds->port > 1 ||
            ds->edit != VL2_EDIT_KEEP) {
          c->unexpected++;
          continue;
        }
        out[ds->port][no[ds->port]++] = fr[i + j];
      }
    }
    i += r;
  }
  c->decided += (uint64_t)k;
  uint64_t s = 0;
  if (one) {
    vl2_ssize t = vl2_backend_tx_burst(c->be[q], fr, (size_t)k);
    s = t > 0 ? (uint64_t)t : 0;
    c->sent += s;
    return s;
  }
  for (unsigned p = 0; p < 2; p++) {
    if (no[p] > 0) {
      vl2_ssize t = vl2_backend_tx_burst(c->be[p], out[p], no[p]);
      if (t > 0)
        s += (uint64_t)t;
    }
  }
  c->sent += s;
  return s;
}

static uint64_t core_step(void *ctx) {
  core_ctx *c = ctx;
  return core_dir(c, 0) + core_dir(c, 1);
}

/* --- (c) the backend alone -------------------------------------------------*/

static uint64_t backend_dir(vl2_backend *a, vl2_backend *b) {
  vl2_frame fr[BURST];
  vl2_ssize k = vl2_backend_rx_burst(a, fr, BURST, 0);
  if (k <= 0)
    return 0;
  vl2_ssize s = vl2_backend_tx_burst(b, fr, (size_t)k);
  return s > 0 ? (uint64_t)s : 0;
}

static uint64_t backend_step(void *ctx) {
  core_ctx *c = ctx;
  return backend_dir(c->be[0], c->be[1]) + backend_dir(c->be[1], c->be[0]);
}

/* --- (d) hand-written macswap
 * ------------------------------------------------*/

typedef struct swap_ctx {
  uint16_t p[2];
} swap_ctx;

static uint64_t swap_dir(uint16_t a, uint16_t b) {
  struct rte_mbuf *m[BURST];
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
  return s;
}

static uint64_t swap_step(void *ctx) {
  swap_ctx *c = ctx;
  return swap_dir(c->p[0], c->p[1]) + swap_dir(c->p[1], c->p[0]);
}

static void port_setup(uint16_t port, struct rte_mempool *mp) {
  struct rte_eth_conf conf;
  memset(&conf, 0, sizeof(conf));
  if (rte_eth_dev_configure(port, 1, 1, &conf) != 0 ||
      rte_eth_rx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL, mp) != 0 ||
      rte_eth_tx_queue_setup(port, 0, 1024, SOCKET_ID_ANY, NULL) != 0 ||
      rte_eth_dev_start(port) != 0)
    fail("raw port setup failed");
}

/* --- frames in the backend pools
 * --------------------------------------------*/

typedef struct fill_arg {
  const uint8_t *dst, *src;
  unsigned n;
} fill_arg;

static void fill_obj(struct rte_mempool *mp, void *opaque, void *obj,
                     unsigned idx) {
  (void)mp;
  (void)idx;
  fill_arg *fa = opaque;
  struct rte_mbuf *m = obj;
  uint8_t *p = (uint8_t *)m->buf_addr + RTE_PKTMBUF_HEADROOM;
  memset(p, 0, 64);
  memcpy(p, fa->dst, 6);
  memcpy(p + 6, fa->src, 6);
  p[12] = 0x08; /* IPv4 ethertype; the payload is not looked at */
  p[13] = 0x00;
  fa->n++;
}

/* The backend names its pool "vl2_<port>_<seq>". */
static void fill_pool(struct rte_mempool *mp, void *arg) {
  unsigned *filled = arg;
  unsigned port, seq;
  if (sscanf(mp->name, "vl2_%u_%u", &port, &seq) != 2 || port > 1)
    return;
  fill_arg fa = {port == 0 ? MAC_B : MAC_A, port == 0 ? MAC_A : MAC_B, 0};
  rte_mempool_obj_iter(mp, fill_obj, &fa);
  if (fa.n > 0)
    filled[port]++;
}

static vl2_switch *make_switch(void) {
  vl2_switch *sw;
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = 2;
  cfg.max_fdb = 1024;
  if (vl2_switch_new(&sw, &cfg, NULL) != 0 ||
      vl2_switch_segment_add(sw, 1, NULL) != 0)
    fail("switch setup");
  for (uint32_t p = 0; p < 2; p++) {
    vl2_port_config pc;
    vl2_port_config_default(&pc, VL2_PORT_ACCESS);
    if (vl2_switch_port_add(sw, p, &pc) != 0 ||
        vl2_switch_port_vlan_add(sw, p, 1, 1) != 0)
      fail("switch port setup");
  }
  return sw;
}

static void usage(void) {
  fprintf(stderr,
          "usage: vl2_dpdk_bench [--seconds S] [--rounds R]\n"
          "                      [--testpmd PATH|--no-testpmd]\n"
          "       vl2_dpdk_bench --smoke\n"
          "       vl2_dpdk_bench --case core|backend|macswap --frames N\n");
  exit(2);
}

int main(int argc, char **argv) {
  double secs = 4;
  unsigned rounds = 3;
  const char *testpmd = "dpdk-testpmd";
  const char *only = NULL;
  uint64_t frames = 0;
  bool smoke = false;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc)
      secs = atof(argv[++i]);
    else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < argc)
      rounds = (unsigned)atoi(argv[++i]);
    else if (strcmp(argv[i], "--testpmd") == 0 && i + 1 < argc)
      testpmd = argv[++i];
    else if (strcmp(argv[i], "--no-testpmd") == 0)
      testpmd = NULL;
    else if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
      only = argv[++i];
    else if (strcmp(argv[i], "--frames") == 0 && i + 1 < argc)
      frames = strtoull(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--smoke") == 0)
      smoke = true;
    else
      usage();
  }
  if (only != NULL && frames == 0)
    usage();
  if (smoke) {
    testpmd = NULL;
    frames = 100000;
  }
  if (secs < 3)
    secs = 3; /* at least two periods after the warm-up */
  if (rounds < 1 || rounds > MAX_PERIODS / 16)
    usage();

  bool tp_ok = false;
  if (testpmd != NULL && only == NULL) {
    char probe[600];
    snprintf(probe, sizeof(probe), "command -v %s >/dev/null 2>&1", testpmd);
    tp_ok = system(probe) == 0;
  }

  char prefix[64];
  snprintf(prefix, sizeof(prefix), "--file-prefix=vl2pb%ld", (long)getpid());
  static char a0[] = "bench", a1[] = "--no-huge", a2[] = "-m", a3[] = "512",
              a4[] = "--no-pci", a5[] = "--no-shconf", a7[] = "--no-telemetry",
              a8[] = "-l", a9[] = "1", a10[] = "--log-level=*:warning",
              vd[] = "--vdev", n0[] = "net_null0", n1[] = "net_null1",
              n2[] = "net_null2", n3[] = "net_null3";
  char *eal[] = {a0,  a1, a2, a3, a4, a5, prefix, a7, a8, a9,
                 a10, vd, n0, vd, n1, vd, n2,     vd, n3};
  if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
    a9[0] = '0';
  int rv = vl2_dpdk_eal_init((int)(sizeof(eal) / sizeof(eal[0])), eal);
  if (rv != 0) {
    fprintf(stderr, "dpdk_bench: EAL init: %d %s; skipped\n", rv,
            rv > -200 ? strerror(-rv) : vl2_strerror(rv));
    return 77;
  }
  tsc_hz = (double)rte_get_tsc_hz();

  core_ctx cc;
  memset(&cc, 0, sizeof(cc));
  if (vl2_backend_open(&cc.be[0], &vl2_dpdk_ops, "dev=net_null0", 0, NULL) !=
          0 ||
      vl2_backend_open(&cc.be[1], &vl2_dpdk_ops, "dev=net_null1", 1, NULL) != 0)
    fail("backend open failed");
  unsigned filled[2] = {0, 0};
  rte_mempool_walk(fill_pool, filled);
  if (filled[0] != 1 || filled[1] != 1)
    fail("could not find the backend ports' pools to write frames into");
  cc.sw = make_switch();

  swap_ctx sc;
  struct rte_mempool *mp = rte_pktmbuf_pool_create(
      "bench_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
  if (mp == NULL || rte_eth_dev_get_port_by_name("net_null2", &sc.p[0]) != 0 ||
      rte_eth_dev_get_port_by_name("net_null3", &sc.p[1]) != 0)
    fail("raw ports");
  port_setup(sc.p[0], mp);
  port_setup(sc.p[1], mp);

  bool all = only == NULL;
  static rate tp, rb, rc, rd;
  /* Rounds of all rows in turn, so that a change in the machine's load
   * during the run affects every row alike. */
  for (unsigned round = 0; round < (frames > 0 ? 1 : rounds); round++) {
    if (tp_ok)
      run_testpmd(&tp, testpmd, secs);
    if (all || strcmp(only, "core") == 0)
      measure(&rb, core_step, &cc, secs, 1.0, frames);
    if (all || strcmp(only, "backend") == 0)
      measure(&rc, backend_step, &cc, secs, 1.0, frames);
    if (all || strcmp(only, "macswap") == 0)
      measure(&rd, swap_step, &sc, secs, 1.0, frames);
  }
  rate *rs[] = {&tp, &rb, &rc, &rd};
  for (unsigned i = 0; i < 4; i++)
    rs[i]->median = median(rs[i]->v, rs[i]->periods);

  vl2_switch_stats st;
  vl2_switch_get_stats(cc.sw, &st);
  int rc_exit = 0;
  if (all || strcmp(only, "core") == 0) {
    /* Learning floods the first burst of port 0 (port 1's MAC is not
     * known yet); everything else
     * must be known unicast, forwarded, and sent. */
    if (cc.unexpected != 0 || st.dropped != 0 || st.flooded > BURST ||
        st.forwarded + st.flooded != cc.decided || cc.sent != cc.decided) {
      fprintf(stderr,
              "dpdk_bench: core path wrong: decided %llu sent %llu "
              "forwarded %llu flooded %llu dropped %llu unexpected %llu\n",
              (unsigned long long)cc.decided, (unsigned long long)cc.sent,
              (unsigned long long)st.forwarded, (unsigned long long)st.flooded,
              (unsigned long long)st.dropped,
              (unsigned long long)cc.unexpected);
      rc_exit = 1;
    }
  }

  if (smoke) {
    printf("dpdk_bench smoke: core %llu frames decided, %llu sent, "
           "%llu flooded; backend %llu; macswap %llu\n",
           (unsigned long long)cc.decided, (unsigned long long)cc.sent,
           (unsigned long long)st.flooded, (unsigned long long)rc.frames,
           (unsigned long long)rd.frames);
  } else if (only != NULL) {
    printf("%s: %llu frames\n", only,
           (unsigned long long)(rb.frames + rc.frames + rd.frames));
  } else {
    double base = tp_ok && tp.median > 0 ? tp.median : 0;
    printf("Two net_null ports, both directions, one forwarding core, "
           "burst %d, 64-byte frames, --no-huge;\n"
           "%u rounds of all rows in turn, %.0f s per row and round; figure = "
           "median\n"
           "of its 1-s periods (warm-up period dropped), all rows in this "
           "run.\n\n",
           BURST, rounds, secs);
    printf("%-52s %12s %8s\n", "path", "frames/s", "x testpmd");
    if (tp_ok)
      printf("%-52s %12.0f %8s\n", "(a) dpdk-testpmd --forward-mode=macswap",
             tp.median, tp.median > 0 ? "1.00" : "failed");
    else
      printf("%-52s %12s %8s\n", "(a) dpdk-testpmd --forward-mode=macswap", "-",
             "absent");
    struct {
      const char *name;
      double v;
    } rows[] = {
        {"(b) libvl2 core: backend rx -> switch -> backend tx", rb.median},
        {"(c) DPDK backend rx -> tx, no core", rc.median},
        {"(d) hand-written rte_ethdev macswap loop", rd.median},
    };
    for (unsigned i = 0; i < 3; i++) {
      if (base > 0)
        printf("%-52s %12.0f %8.2f\n", rows[i].name, rows[i].v,
               rows[i].v / base);
      else
        printf("%-52s %12.0f %8s\n", rows[i].name, rows[i].v, "-");
    }
    printf("\n(b) switch: %llu decided, %llu forwarded, %llu flooded "
           "(learning), %llu dropped\n",
           (unsigned long long)cc.decided, (unsigned long long)st.forwarded,
           (unsigned long long)st.flooded, (unsigned long long)st.dropped);
    if (base > 0)
      printf("target (b) >= 0.80 x testpmd: %s\n",
             rb.median >= 0.8 * base ? "met" : "NOT met");
  }

  vl2_switch_del(cc.sw);
  vl2_backend_close(cc.be[0]);
  vl2_backend_close(cc.be[1]);
  rte_eth_dev_stop(sc.p[0]);
  rte_eth_dev_stop(sc.p[1]);
  rte_eth_dev_close(sc.p[0]);
  rte_eth_dev_close(sc.p[1]);
  rte_mempool_free(mp);
  vl2_dpdk_eal_cleanup();
  if (rc_exit == 0 && (rb.frames + rc.frames + rd.frames) == 0)
    rc_exit = 1;
  return rc_exit;
}

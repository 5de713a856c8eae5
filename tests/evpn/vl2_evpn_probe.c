/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-evpn-probe: a switch (no ports) and the EVPN adapter for the VNIs
 * given, in a poll loop. Used by the EVPN tests to watch the adapter
 * alone: it prints a state line every --every ms (and on SIGUSR1):
 *   t_ms=T vteps=N macs=N neighs=N fdb_evpn=N flood=N rss_kb=N msgs=N
 * and on exit the flood list and EVPN FDB entries, one per line. With
 * --until-macs N it exits as soon as the switch holds N EVPN MACs and
 * prints how long that took from start (the scale test).
 *
 * usage: vl2-evpn-probe --local IP --vni N [--vni N]... [--prefix P]
 *                       [--seconds S] [--every MS] [--until-macs N]
 *                       [--until-vteps N] [--rcvbuf BYTES]
 */
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vl2/evpn.h>
#include <vl2/fdb.h>
#include <vl2/switch.h>

static volatile sig_atomic_t stop, dump;
static void on_sig(int s) {
  if (s == SIGUSR1)
    dump = 1;
  else
    stop = 1;
}

static vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

static long rss_kb(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kb = -1;
  while (f != NULL && fgets(line, sizeof line, f) != NULL)
    if (sscanf(line, "VmRSS: %ld", &kb) == 1)
      break;
  if (f != NULL)
    fclose(f);
  return kb;
}

static void fmt_ip(const vl2_ipaddr *a, char *b, size_t n) {
  inet_ntop(a->family == VL2_AF_INET ? AF_INET : AF_INET6, a->addr, b,
            (socklen_t)n);
}

static size_t count_evpn(vl2_switch *sw, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_fdb_entry e;
  size_t n = 0;
  while (vl2_fdb_next(sw, &cur, &e, now))
    n += (e.flags & VL2_FDB_F_EVPN) != 0;
  return n;
}

int main(int argc, char **argv) {
  vl2_evpn_config ec;
  vl2_evpn_config_default(&ec);
  uint32_t vnis[16];
  size_t nv = 0;
  double seconds = 3600;
  long every = 0, until_macs = -1, until_vteps = -1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const char *k = argv[i], *v = argv[i + 1];
    if (strcmp(k, "--local") == 0) {
      if (inet_pton(AF_INET, v, ec.local.addr) == 1)
        ec.local.family = VL2_AF_INET;
      else if (inet_pton(AF_INET6, v, ec.local.addr) == 1)
        ec.local.family = VL2_AF_INET6;
    } else if (strcmp(k, "--vni") == 0 && nv < 16) {
      vnis[nv++] = (uint32_t)strtoul(v, NULL, 0);
    } else if (strcmp(k, "--prefix") == 0) {
      snprintf(ec.name_prefix, sizeof ec.name_prefix, "%s", v);
    } else if (strcmp(k, "--seconds") == 0) {
      seconds = atof(v);
    } else if (strcmp(k, "--every") == 0) {
      every = atol(v);
    } else if (strcmp(k, "--until-macs") == 0) {
      until_macs = atol(v);
    } else if (strcmp(k, "--rcvbuf") == 0) {
      ec.rcvbuf = (uint32_t)strtoul(v, NULL, 0);
    } else if (strcmp(k, "--until-vteps") == 0) {
      until_vteps = atol(v);
    } else {
      fprintf(stderr, "unknown option %s\n", k);
      return 2;
    }
  }
  if (ec.local.family == VL2_AF_NONE || nv == 0) {
    fprintf(stderr, "usage: %s --local IP --vni N [...]\n", argv[0]);
    return 2;
  }
  signal(SIGINT, on_sig);
  signal(SIGTERM, on_sig);
  signal(SIGUSR1, on_sig);
  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_fdb = 1 << 16;
  sc.max_remotes = 4096;
  vl2_switch *sw = NULL;
  if (vl2_switch_new(&sw, &sc, NULL) != 0)
    return 1;
  vl2_tstamp t0 = now_ns();
  for (size_t i = 0; i < nv; i++) {
    vl2_segment_config g;
    memset(&g, 0, sizeof g);
    g.flags = VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS;
    if (vl2_switch_segment_add(sw, vnis[i], &g) != 0)
      return 1;
  }
  vl2_evpn *ev = NULL;
  int rv = vl2_evpn_new(&ev, &ec, sw, NULL);
  if (rv != 0) {
    fprintf(stderr, "vl2_evpn_new: %d\n", rv);
    return 1;
  }
  for (size_t i = 0; i < nv; i++) {
    rv = vl2_evpn_segment_add(ev, vnis[i], now_ns());
    if (rv != 0) {
      fprintf(stderr, "segment_add %u: %d\n", vnis[i], rv);
      vl2_evpn_del(ev);
      return 1;
    }
  }
  printf("ready\n");
  fflush(stdout);
  vl2_tstamp t_start = now_ns(), next_print = t_start;
  int status = 0;
  while (!stop) {
    struct pollfd p = {.fd = vl2_evpn_get_fd(ev), .events = POLLIN};
    poll(&p, 1, 20);
    vl2_tstamp now = now_ns();
    vl2_evpn_process(ev, now);
    vl2_event e;
    while (vl2_switch_poll_event(sw, &e) == 1)
      vl2_evpn_handle_event(ev, &e, now);
    vl2_evpn_stats st;
    vl2_evpn_get_stats(ev, &st);
    size_t fe =
        (until_macs >= 0 || every > 0 || dump) ? count_evpn(sw, now) : 0;
    if (dump || (every > 0 && now >= next_print)) {
      printf("t_ms=%llu vteps=%llu macs=%llu neighs=%llu fdb_evpn=%zu "
             "rss_kb=%ld msgs=%llu overruns=%llu resyncs=%llu\n",
             (unsigned long long)((now - t_start) / VL2_MS),
             (unsigned long long)st.vteps, (unsigned long long)st.macs,
             (unsigned long long)st.neighs, fe, rss_kb(),
             (unsigned long long)st.msgs, (unsigned long long)st.overruns,
             (unsigned long long)st.resyncs);
      fflush(stdout);
      dump = 0;
      next_print = now + (vl2_tstamp)every * VL2_MS;
    }
    if ((until_macs >= 0 && fe >= (size_t)until_macs) &&
        (until_vteps < 0 || st.vteps >= (uint64_t)until_vteps)) {
      printf("reached macs=%zu vteps=%llu after_ms=%.1f rss_kb=%ld msgs=%llu "
             "overruns=%llu resyncs=%llu\n",
             fe, (unsigned long long)st.vteps, (double)(now - t_start) / 1e6,
             rss_kb(), (unsigned long long)st.msgs,
             (unsigned long long)st.overruns, (unsigned long long)st.resyncs);
      break;
    }
    if ((double)(now - t0) / 1e9 > seconds) {
      status = 3;
      break;
    }
  }
  /* Final state: the flood list and the EVPN FDB, for the test to read. */
  uint64_t cur = 0;
  vl2_fdb_entry e;
  char ip[64], mac[32];
  while (vl2_fdb_next(sw, &cur, &e, now_ns())) {
    fmt_ip(&e.remote, ip, sizeof ip);
    snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", e.mac.b[0],
             e.mac.b[1], e.mac.b[2], e.mac.b[3], e.mac.b[4], e.mac.b[5]);
    printf("fdb vni=%u mac=%s %s remote=%s\n", e.vni, mac,
           (e.flags & VL2_FDB_F_EVPN) ? "evpn" : "other",
           (e.flags & VL2_FDB_F_REMOTE) ? ip : "-");
  }
  vl2_evpn_stats st;
  vl2_evpn_get_stats(ev, &st);
  printf("stats msgs=%llu flood_adds=%llu flood_dels=%llu mac_adds=%llu "
         "mac_dels=%llu neigh_adds=%llu kernel_errors=%llu core_errors=%llu\n",
         (unsigned long long)st.msgs, (unsigned long long)st.flood_adds,
         (unsigned long long)st.flood_dels, (unsigned long long)st.mac_adds,
         (unsigned long long)st.mac_dels, (unsigned long long)st.neigh_adds,
         (unsigned long long)st.kernel_errors,
         (unsigned long long)st.core_errors);
  vl2_evpn_del(ev);
  vl2_switch_del(sw);
  return status;
}

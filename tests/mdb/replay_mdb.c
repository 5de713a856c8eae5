/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2_mdb_replay: real IGMP and MLD captures through the core with
 * snooping on, and the membership they imply asserted.
 *
 * Usage: vl2_mdb_replay PCAPDIR CAPTURE
 * Each source MAC of the capture gets its own access port (in order of
 * appearance, ports 1..), frames go through vl2_switch_process() at the
 * capture's timestamps, and the MDB is then compared with what the
 * capture's messages mean (RFC 3376 / RFC 3810 timers, RFC 4541
 * link-local groups not snooped). Exit 0 pass, 1 fail, 77 when the
 * capture is absent.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <vl2/vl2.h>

#define VNI 1
#define MAXP 32

static vl2_mac macs[MAXP];
static int nmacs;
static int failed;

#define CHECK(c, ...)                                                          \
  do {                                                                         \
    if (!(c)) {                                                                \
      printf("FAIL: ");                                                        \
      printf(__VA_ARGS__);                                                     \
      printf("\n");                                                            \
      failed = 1;                                                              \
    }                                                                          \
  } while (0)

static uint32_t port_of(const uint8_t *src) {
  for (int i = 0; i < nmacs; i++)
    if (memcmp(macs[i].b, src, 6) == 0)
      return (uint32_t)i + 1;
  if (nmacs == MAXP)
    return MAXP;
  memcpy(macs[nmacs].b, src, 6);
  return (uint32_t)++nmacs;
}

static int port_of_mac(const char *s) {
  unsigned v[6];
  sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]);
  for (int i = 0; i < nmacs; i++) {
    int eq = 1;
    for (int k = 0; k < 6; k++)
      eq &= macs[i].b[k] == v[k];
    if (eq)
      return i + 1;
  }
  return -1;
}

/* A row of the MDB: group (NULL: router port), port (by MAC), flags. */
typedef struct want {
  const char *group;
  const char *mac;
  uint32_t flags_set; /* must be set */
} want;

static int has_row(vl2_switch *sw, const want *w, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_mdb_entry e;
  int port = port_of_mac(w->mac);
  while (vl2_mdb_next(sw, &cur, &e, now) == 1) {
    if ((int)e.port != port || (e.flags & w->flags_set) != w->flags_set)
      continue;
    if (w->group == NULL) {
      if (e.flags & VL2_MDB_E_ROUTER)
        return 1;
      continue;
    }
    char buf[64];
    inet_ntop(e.group.family == VL2_AF_INET ? AF_INET : AF_INET6, e.group.addr,
              buf, sizeof buf);
    if (strcmp(buf, w->group) == 0)
      return 1;
  }
  return 0;
}

static int count_rows(vl2_switch *sw, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_mdb_entry e;
  int n = 0;
  while (vl2_mdb_next(sw, &cur, &e, now) == 1)
    n++;
  return n;
}

static void show(vl2_switch *sw, vl2_tstamp now) {
  uint64_t cur = 0;
  vl2_mdb_entry e;
  while (vl2_mdb_next(sw, &cur, &e, now) == 1) {
    char buf[64] = "router";
    if (!(e.flags & VL2_MDB_E_ROUTER))
      inet_ntop(e.group.family == VL2_AF_INET ? AF_INET : AF_INET6,
                e.group.addr, buf, sizeof buf);
    const uint8_t *m = macs[e.port - 1].b;
    printf("  %-28s port %u (%02x:%02x:%02x:%02x:%02x:%02x) flags %#x "
           "expires in %.1f s\n",
           buf, e.port, m[0], m[1], m[2], m[3], m[4], m[5], e.flags,
           (double)(e.expires - now) / 1e9);
  }
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: vl2_mdb_replay PCAPDIR CAPTURE\n");
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", argv[1], argv[2]);
  char eb[PCAP_ERRBUF_SIZE];
  pcap_t *pc = pcap_open_offline(path, eb);
  if (pc == NULL) {
    printf("SKIP: %s: %s\n", path, eb);
    return 77;
  }
  vl2_switch *sw = NULL;
  if (vl2_switch_new(&sw, NULL, NULL) != 0)
    return 1;
  vl2_switch_segment_add(sw, VNI, NULL);
  for (uint32_t p = 1; p <= MAXP; p++) {
    vl2_port_config pcfg;
    vl2_port_config_default(&pcfg, VL2_PORT_ACCESS);
    pcfg.pvid = 1;
    vl2_switch_port_add(sw, p, &pcfg);
    vl2_switch_port_vlan_add(sw, p, 1, VNI);
  }
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof mc);
  mc.flags = VL2_MDB_F_SNOOP;
  if (vl2_mdb_segment_set(sw, VNI, &mc, 0) != 0)
    return 1;
  struct pcap_pkthdr *h;
  const u_char *data;
  vl2_tstamp now = 0;
  vl2_dest dests[64];
  int frames = 0;
  while (pcap_next_ex(pc, &h, &data) == 1) {
    if (h->caplen < 14 || h->caplen != h->len)
      continue;
    vl2_tstamp t =
        (vl2_tstamp)h->ts.tv_sec * VL2_SEC + (vl2_tstamp)h->ts.tv_usec * VL2_US;
    if (t > now)
      now = t;
    vl2_frame f;
    memset(&f, 0, sizeof f);
    f.data = data;
    f.len = h->caplen;
    f.port = port_of(data + 6);
    vl2_verdict v;
    if (vl2_switch_process(sw, &f, 1, &v, dests, 64, now) != 1)
      return 1;
    vl2_switch_run_timers(sw, now);
    frames++;
  }
  pcap_close(pc);
  vl2_mdb_stats st;
  vl2_mdb_get_stats(sw, VNI, &st);
  vl2_switch_stats ss;
  vl2_switch_get_stats(sw, &ss);
  printf("%s: %d frames, %d sources; MDB at the last frame:\n", argv[2], frames,
         nmacs);
  show(sw, now);
  printf("  igmp q/r/l %llu/%llu/%llu mld q/r/d %llu/%llu/%llu invalid %llu "
         "ignored %llu\n",
         (unsigned long long)st.igmp_queries,
         (unsigned long long)st.igmp_reports,
         (unsigned long long)st.igmp_leaves, (unsigned long long)st.mld_queries,
         (unsigned long long)st.mld_reports, (unsigned long long)st.mld_dones,
         (unsigned long long)st.invalid, (unsigned long long)st.ignored);

  const char *n = strrchr(argv[2], '/');
  n = n ? n + 1 : argv[2];
  if (strcmp(n, "IGMP_V1.pcap") == 0) {
    /* v1 reports, no leaves, within 260 s; 224.0.0.x not snooped. */
    static const want w[] = {{"239.255.255.250", "00:0f:1f:53:18:b5", 0},
                             {"239.255.255.250", "00:24:e8:00:3b:a0", 0},
                             {"239.255.255.250", "00:24:e8:7c:be:d5", 0},
                             {"239.255.255.250", "78:2b:cb:99:fb:5b", 0},
                             {"224.0.1.24", "00:24:e8:7c:be:d5", 0},
                             {"239.255.255.254", "00:24:e8:7c:be:d5", 0},
                             {"224.0.1.60", "78:e7:d1:a7:b9:a4", 0},
                             {NULL, "5c:d9:98:f9:1c:18", VL2_MDB_E_ROUTER}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
      CHECK(has_row(sw, &w[i], now), "missing %s on %s",
            w[i].group ? w[i].group : "router", w[i].mac);
    CHECK(count_rows(sw, now) == 8, "%d rows, expected 8", count_rows(sw, now));
    CHECK(st.igmp_queries == 3 && st.igmp_reports == 24 && st.invalid == 0,
          "counters");
    /* 260 s after its last report every membership has gone. */
    vl2_switch_run_timers(sw, now + 261 * VL2_SEC);
    CHECK(count_rows(sw, now + 261 * VL2_SEC) == 0, "not expired");
  } else if (strcmp(n, "IGMP_V2.pcap") == 0) {
    /* 225.1.1.3 and 225.1.1.4 were left (2 s last-member time). */
    static const want w[] = {{"225.10.10.10", "00:02:02:19:51:28", 0},
                             {"225.1.1.5", "00:02:02:19:51:28", 0},
                             {"239.255.255.250", "00:1c:23:aa:be:ad", 0},
                             {NULL, "00:1b:11:10:26:11", VL2_MDB_E_ROUTER}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
      CHECK(has_row(sw, &w[i], now), "missing %s on %s",
            w[i].group ? w[i].group : "router", w[i].mac);
    CHECK(count_rows(sw, now) == 4, "%d rows, expected 4", count_rows(sw, now));
    CHECK(st.igmp_leaves == 2 && st.leaves == 0 && st.invalid == 0,
          "leaves %llu", (unsigned long long)st.igmp_leaves);
  } else if (strcmp(n, "igmpv3-queries.pcap") == 0) {
    static const want w = {NULL, "02:00:01:63:00:00", VL2_MDB_E_ROUTER};
    CHECK(has_row(sw, &w, now), "no router port");
    CHECK(count_rows(sw, now) == 1, "%d rows", count_rows(sw, now));
    CHECK(st.igmp_queries == 6 && st.invalid == 0, "queries %llu",
          (unsigned long long)st.igmp_queries);
  } else if (strcmp(n, "icmpv6.pcap") == 0) {
    /* MLDv2: TO_EX, then IS_EX of 4 groups, then TO_IN {} of one. */
    static const want w[] = {
        {"ff02::1:ffcc:e546", "00:15:17:cc:e5:46", 0},
        {"ff02::1:ffa7:10ad", "00:15:17:cc:e5:46", 0},
        {"ff02::1:ff00:2", "00:15:17:cc:e5:46", 0},
        {"ff02::db8:1122:3344", "00:15:17:cc:e5:46", VL2_MDB_E_LEAVING},
        {NULL, "b0:a8:6e:0c:d4:e8", VL2_MDB_E_ROUTER}};
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
      CHECK(has_row(sw, &w[i], now), "missing %s on %s",
            w[i].group ? w[i].group : "router", w[i].mac);
    CHECK(st.mld_reports == 3 && st.mld_queries == 1 && st.invalid == 0,
          "mld counters");
    vl2_switch_run_timers(sw, now + 3 * VL2_SEC);
    CHECK(count_rows(sw, now + 3 * VL2_SEC) == 4, "leave not applied");
  } else if (strcmp(n, "igmp-bad-checksum.pcap") == 0) {
    static const want w = {"239.255.255.250", "50:dc:e7:a2:d8:95", 0};
    CHECK(has_row(sw, &w, now), "v3 TO_EX not learned");
    CHECK(count_rows(sw, now) == 1, "%d rows (224.0.0.251 is link-local)",
          count_rows(sw, now));
    CHECK(st.invalid == 1 && ss.drops[VL2_DROP_MCAST_INVALID] == 1,
          "the bad checksum: invalid %llu", (unsigned long long)st.invalid);
  } else {
    printf("no expectations for %s\n", n);
    failed = 1;
  }
  vl2_switch_del(sw);
  printf("%s\n", failed ? "FAIL" : "PASS");
  return failed;
}

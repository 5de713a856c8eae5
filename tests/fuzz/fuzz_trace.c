/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: vl2_switch_trace() (<vl2/trace.h>) is exact and
 * read-only. Two equal switches (every feature on: ARP suppression,
 * strict remotes, IGMP snooping, storm control, move dampening, directory
 * mode, EVPN, 802.1ad, an overlay MTU) take the same stream of frames;
 * before each frame switch A traces it, and then both process it.
 *
 * Input: records until the end:
 *   K < 0x80: a frame. port = K & 0x0f (ports 0..8 exist, 9..15 do not);
 *       K & 0x10: from a remote endpoint instead (one more byte: VNI index
 *       in bits 0..2 of 100, 200, 300, 400, 500, 600, 0, 0xffffff; endpoint
 *       192.0.2.(1 + bits 3..4)); K & 0x20: a destination array of
 *       (next byte & 7) entries instead of the full one; K & 0x40: trace
 *       it once more first at a later time (next byte: seconds). Then a
 *       time-step byte (fz_step), a 16-bit big-endian length (clamped to
 *       what is left and to 2048) and the frame bytes.
 *   K >= 0x80: op = K & 7: 0 run the timers, 1 drain the output queues
 *       (compared), 2 flush the dynamic FDB entries, 3 a `now` in the past
 *       for the next frame (next byte: milliseconds back); control-plane
 *       changes made to both switches (same return code): 4 port flags
 *       and MAC limit (2 bytes), 5 a static FDB entry (2 bytes), 6 a
 *       packet through the resolver of VNI 100 (1 byte: next hop), 7
 *       segment flags (1 byte).
 *
 * Invariants (abort() on a violation, with the frame's bytes):
 *   - the trace changes nothing: the switch, port, segment, neighbour,
 *     storm and MDB counters, FDB/neighbour counts and the next deadline
 *     are the same after it, and it emits no event;
 *   - its return code, verdict and destinations are those of
 *     vl2_switch_process() for the same frame right after (as the first
 *     frame of a burst); its steps start with the ingress and end with
 *     one verdict step that agrees with the verdict;
 *   - the twin switch, which never traces, decides every frame the same
 *     and has the same counters, FDB and neighbour entries, events and
 *     output: a trace changes no hidden state either (dampening trackers, storm
 * buckets, the remote endpoint table, the clock).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vl2/trace.h>
#include <vl2/vl2.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LEN 2048
#define DCAP 64
#define SCAP 96
#define N_PORTS 10

static const uint32_t VNIS[] = {100, 200, 300, 400, 500};
#define N_VNIS (sizeof(VNIS) / sizeof(VNIS[0]))
static const uint32_t IN_VNIS[8] = {100, 200, 300, 400, 500, 600, 0, 0xffffff};

static vl2_ipaddr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  vl2_ipaddr x;
  memset(&x, 0, sizeof(x));
  x.family = VL2_AF_INET;
  x.addr[0] = a;
  x.addr[1] = b;
  x.addr[2] = c;
  x.addr[3] = d;
  return x;
}

static vl2_mac mac_n(uint8_t n) {
  vl2_mac m = {{0x02, 0, 0, 0, 0, n}};
  return m;
}

static void port(vl2_switch *sw, uint32_t id, uint8_t mode, vl2_vid pvid,
                 uint32_t flags, uint32_t max_macs) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, mode);
  pc.pvid = pvid;
  pc.flags = flags;
  pc.max_macs = max_macs;
  FZ_CHECK(vl2_switch_port_add(sw, id, &pc) == 0);
}

/* The switch of tests/unit/test_trace.c's differential case. */
static vl2_switch *build(fz_mem *mem) {
  vl2_mem hooks;
  fz_mem_init(mem, &hooks);
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = 16;
  cfg.max_fdb = 48;
  cfg.max_segments = 8;
  cfg.max_remotes = 3;
  cfg.ageing_ns = 20 * VL2_SEC;
  cfg.move_threshold = 2;
  cfg.move_window_ns = 10 * VL2_SEC;
  cfg.move_holddown_ns = 15 * VL2_SEC;
  cfg.max_macs_per_remote = 6;
  cfg.tx_queue_cap = 4;
  cfg.dir_max_pending = 2;
  cfg.max_neigh = 24;
  cfg.event_queue_cap = 64;
  vl2_switch *sw = NULL;
  FZ_CHECK(vl2_switch_new(&sw, &cfg, &hooks) == 0);
  static const uint32_t seg_flags[] = {
      VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_ARP_SUPPRESS,
      VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES,
      VL2_SEG_F_LEARN_REMOTE,
      VL2_SEG_F_DIRECTORY | VL2_SEG_F_SUPPRESS_CP_ONLY,
      VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS,
  };
  for (size_t i = 0; i < N_VNIS; i++) {
    vl2_segment_config sc;
    memset(&sc, 0, sizeof(sc));
    sc.flags = seg_flags[i];
    sc.max_macs = VNIS[i] == 300 ? 5 : 0;
    FZ_CHECK(vl2_switch_segment_add(sw, VNIS[i], &sc) == 0);
  }
  port(sw, 0, VL2_PORT_ACCESS, 10, VL2_PORT_F_DEFAULT, 0);
  port(sw, 1, VL2_PORT_ACCESS, 10,
       VL2_PORT_F_DEFAULT | VL2_PORT_F_SPOOF_GUARD | VL2_PORT_F_NEIGH_INSPECT,
       2);
  port(sw, 2, VL2_PORT_TRUNK, 10, VL2_PORT_F_DEFAULT, 0);
  port(sw, 3, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT | VL2_PORT_F_QINQ, 0);
  port(sw, 4, VL2_PORT_ACCESS, 40, VL2_PORT_F_DEFAULT, 0);
  port(sw, 5, VL2_PORT_ACCESS, 40, VL2_PORT_F_DEFAULT & ~VL2_PORT_F_FLOOD_MCAST,
       0);
  port(sw, 6, VL2_PORT_ACCESS, 20,
       VL2_PORT_F_DEFAULT & ~(VL2_PORT_F_FLOOD_UNKNOWN | VL2_PORT_F_LEARN), 0);
  port(sw, 7, VL2_PORT_TRUNK, 0, VL2_PORT_F_DEFAULT, 0);
  port(sw, 8, VL2_PORT_ACCESS, 50, VL2_PORT_F_DEFAULT, 0);
  static const uint32_t maps[][3] = {
      {0, 10, 100}, {1, 10, 100}, {2, 10, 100}, {2, 20, 200}, {2, 40, 300},
      {2, 50, 400}, {3, 10, 100}, {3, 30, 300}, {4, 40, 300}, {5, 40, 300},
      {6, 20, 200}, {7, 60, 500}, {7, 10, 100}, {8, 50, 400}};
  for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++)
    FZ_CHECK(vl2_switch_port_vlan_add(sw, maps[i][0], (vl2_vid)maps[i][1],
                                      maps[i][2]) == 0);
  vl2_ipaddr r1 = ip4(192, 0, 2, 1), r2 = ip4(192, 0, 2, 2);
  FZ_CHECK(vl2_switch_remote_add(sw, 100, &r1) == 0);
  FZ_CHECK(vl2_switch_remote_add(sw, 100, &r2) == 0);
  FZ_CHECK(vl2_switch_remote_add(sw, 200, &r1) == 0);
  FZ_CHECK(vl2_switch_remote_add(sw, 300, &r2) == 0);
  FZ_CHECK(vl2_switch_remote_add(sw, 500, &r1) == 0);
  vl2_neigh_gateway gw;
  memset(&gw, 0, sizeof(gw));
  gw.mac = mac_n(0x99);
  gw.ip4 = ip4(10, 0, 0, 254);
  FZ_CHECK(vl2_neigh_set_gateway(sw, 100, &gw) == 0);
  vl2_vxlan_config vc;
  FZ_CHECK(vl2_vxlan_config_default(&vc) == 0);
  vc.underlay_mtu = 1200;
  FZ_CHECK(vl2_switch_set_overlay(sw, &vc) == 0);

  vl2_fdb_entry e;
  memset(&e, 0, sizeof(e));
  e.vni = 100;
  e.mac = mac_n(7);
  e.port = 0;
  FZ_CHECK(vl2_fdb_add_static(sw, &e) == 0);
  e.vni = 200;
  e.mac = mac_n(8);
  e.flags = VL2_FDB_F_REMOTE;
  e.port = VL2_PORT_REMOTE;
  e.remote = ip4(192, 0, 2, 3);
  FZ_CHECK(vl2_fdb_add_static(sw, &e) == 0);
  e.vni = 500;
  e.mac = mac_n(9);
  e.flags = VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN;
  e.remote = r1;
  FZ_CHECK(vl2_fdb_add_static(sw, &e) == 0);

  vl2_neigh_entry ne;
  memset(&ne, 0, sizeof(ne));
  ne.vni = 100;
  ne.ip = ip4(10, 0, 0, 1);
  ne.mac = mac_n(1);
  ne.port = 1;
  FZ_CHECK(vl2_neigh_add_static(sw, &ne) == 0);
  ne.vni = 500;
  ne.ip = ip4(10, 0, 0, 2);
  ne.mac = mac_n(9);
  ne.port = VL2_PORT_REMOTE;
  ne.flags = VL2_NEIGH_F_EVPN;
  FZ_CHECK(vl2_neigh_add_static(sw, &ne) == 0);
  ne.vni = 400;
  ne.ip = ip4(10, 0, 0, 3);
  ne.mac = mac_n(3);
  ne.port = VL2_NEIGH_PORT_ANY;
  ne.flags = 0;
  FZ_CHECK(vl2_neigh_add_static(sw, &ne) == 0);

  vl2_mdb_config mdc;
  FZ_CHECK(vl2_mdb_config_default(&mdc) == 0);
  mdc.max_groups = 3;
  mdc.max_members = 8;
  FZ_CHECK(vl2_mdb_setup(sw, &mdc) == 0);
  vl2_mdb_segment_config mc;
  memset(&mc, 0, sizeof(mc));
  mc.flags = VL2_MDB_F_SNOOP;
  FZ_CHECK(vl2_mdb_segment_set(sw, 300, &mc, 0) == 0);
  FZ_CHECK(vl2_mdb_port_fast_leave(sw, 4, 1) == 0);
  FZ_CHECK(vl2_mdb_router_set(sw, 300, VL2_PORT_REMOTE, &r2, VL2_MDB_ROUTER_ON,
                              0) == 0);

  vl2_storm_port_config spc;
  memset(&spc, 0, sizeof(spc));
  spc.rate[VL2_STORM_BCAST].pps = 1;
  spc.rate[VL2_STORM_BCAST].burst_frames = 2;
  FZ_CHECK(vl2_storm_port_set(sw, 0, &spc, 0) == 0);
  memset(&spc, 0, sizeof(spc));
  spc.rate[VL2_STORM_UNKNOWN].pps = 1;
  spc.rate[VL2_STORM_UNKNOWN].burst_frames = 2;
  spc.rate[VL2_STORM_MCAST_UNREG].pps = 1;
  spc.rate[VL2_STORM_MCAST_UNREG].burst_frames = 2;
  spc.holddown_ns = 5 * VL2_SEC;
  FZ_CHECK(vl2_storm_port_set(sw, 3, &spc, 0) == 0);
  vl2_storm_segment_config ssc;
  memset(&ssc, 0, sizeof(ssc));
  ssc.budget.pps = 10;
  ssc.budget.burst_frames = 12;
  FZ_CHECK(vl2_storm_segment_set(sw, 300, &ssc, 0) == 0);
  return sw;
}

/* The counters and table sizes a trace must leave alone (cheap). */
typedef struct snap {
  vl2_switch_stats st;
  vl2_port_stats ps[N_PORTS];
  vl2_storm_port_stats sps[N_PORTS];
  vl2_segment_stats ss[N_VNIS];
  vl2_storm_segment_stats sss[N_VNIS];
  vl2_mdb_stats ms[N_VNIS];
  vl2_neigh_stats ns;
  vl2_mdb_stats ms_all;
  uint64_t fdb_count, neigh_count, deadline;
} snap;

static void take(const vl2_switch *sw, snap *s) {
  memset(s, 0, sizeof(*s));
  FZ_CHECK(vl2_switch_get_stats(sw, &s->st) == 0);
  for (uint32_t p = 0; p < N_PORTS; p++) {
    if (vl2_switch_port_get_stats(sw, p, &s->ps[p]) == 0)
      FZ_CHECK(vl2_storm_port_get_stats(sw, p, &s->sps[p]) == 0);
  }
  for (size_t i = 0; i < N_VNIS; i++) {
    FZ_CHECK(vl2_switch_segment_get_stats(sw, VNIS[i], &s->ss[i]) == 0);
    FZ_CHECK(vl2_storm_segment_get_stats(sw, VNIS[i], &s->sss[i]) == 0);
    FZ_CHECK(vl2_mdb_get_stats(sw, VNIS[i], &s->ms[i]) == 0);
  }
  FZ_CHECK(vl2_neigh_get_stats(sw, VL2_NEIGH_ALL_SEGMENTS, &s->ns) == 0);
  FZ_CHECK(vl2_mdb_get_stats(sw, UINT32_MAX, &s->ms_all) == 0);
  s->fdb_count = vl2_fdb_count(sw);
  s->neigh_count = vl2_neigh_count(sw);
  s->deadline = vl2_switch_next_deadline(sw);
}

static void dump(const char *why, const vl2_frame *f, vl2_tstamp now,
                 const vl2_trace_step *st, size_t n) {
  fprintf(stderr,
          "fuzz_trace: %s\nframe: port %u vni %u remote %u.%u.%u.%u len %u "
          "now %llu\n",
          why, f->port, f->vni, f->remote.addr[0], f->remote.addr[1],
          f->remote.addr[2], f->remote.addr[3], f->len,
          (unsigned long long)now);
  for (uint32_t i = 0; i < f->len; i++)
    fprintf(stderr, "%02x%s", f->data[i], i % 32 == 31 ? "\n" : "");
  fprintf(stderr, "\n");
  for (size_t i = 0; st != NULL && i < n && i < SCAP; i++)
    fprintf(stderr, "  %s %s %s port %u value %llu\n",
            vl2_trace_kind_name(st[i].kind),
            vl2_trace_result_name(st[i].result),
            vl2_drop_reason_name(st[i].reason), st[i].port,
            (unsigned long long)st[i].value);
}

#define TR_CHECK(cond, why)                                                    \
  do {                                                                         \
    if (!(cond)) {                                                             \
      dump(why, f, at, steps, n_steps);                                        \
      FZ_CHECK(cond);                                                          \
    }                                                                          \
  } while (0)

static int dest_eq(const vl2_dest *a, const vl2_dest *b) {
  if (a->type != b->type || a->edit != b->edit || a->vid != b->vid ||
      a->tpid != b->tpid || a->udp_sport != b->udp_sport ||
      a->port != b->port || a->vni != b->vni)
    return 0;
  if (a->type == VL2_DEST_REMOTE &&
      (a->remote_id != b->remote_id ||
       memcmp(&a->remote, &b->remote, sizeof(a->remote)) != 0))
    return 0;
  return 1;
}

static int decision_eq(int rca, const vl2_verdict *a, const vl2_dest *da,
                       int rcb, const vl2_verdict *b, const vl2_dest *db) {
  if (rca != rcb)
    return 0;
  if (rca < 0)
    return 1;
  if (a->action != b->action || a->reason != b->reason || a->vni != b->vni ||
      a->flags != b->flags || a->dest_cnt != b->dest_cnt || a->dest_off != 0 ||
      b->dest_off != 0)
    return 0;
  for (uint32_t i = 0; i < a->dest_cnt; i++)
    if (!dest_eq(&da[i], &db[i]))
      return 0;
  return 1;
}

static void drain_compare(vl2_switch *a, vl2_switch *b, vl2_tstamp now) {
  static uint8_t ba[2048], bb[2048];
  for (;;) {
    vl2_tx_meta ma, mb;
    memset(&ma, 0, sizeof(ma));
    memset(&mb, 0, sizeof(mb));
    vl2_ssize ra = vl2_switch_poll_tx(a, ba, sizeof(ba), &ma, now);
    vl2_ssize rb = vl2_switch_poll_tx(b, bb, sizeof(bb), &mb, now);
    FZ_CHECK(ra == rb);
    if (ra <= 0)
      break;
    FZ_CHECK(memcmp(ba, bb, (size_t)ra) == 0);
    FZ_CHECK(ma.kind == mb.kind && dest_eq(&ma.dest, &mb.dest));
  }
}

/* The twins' FDB and neighbour tables, entry by entry (small tables). */
static void tables_compare(vl2_switch *a, vl2_switch *b, vl2_tstamp now) {
  uint64_t ca = 0, cb = 0;
  vl2_fdb_entry fa, fb;
  for (;;) {
    memset(&fa, 0, sizeof(fa));
    memset(&fb, 0, sizeof(fb));
    int ra = vl2_fdb_next(a, &ca, &fa, now),
        rb = vl2_fdb_next(b, &cb, &fb, now);
    FZ_CHECK(ra == rb);
    if (ra == 0)
      break;
    FZ_CHECK(memcmp(&fa, &fb, sizeof(fa)) == 0);
  }
  ca = cb = 0;
  vl2_neigh_entry na, nb;
  for (;;) {
    memset(&na, 0, sizeof(na));
    memset(&nb, 0, sizeof(nb));
    int ra = vl2_neigh_next(a, &ca, &na, now);
    int rb = vl2_neigh_next(b, &cb, &nb, now);
    FZ_CHECK(ra == rb);
    if (ra == 0)
      break;
    FZ_CHECK(memcmp(&na, &nb, sizeof(na)) == 0);
  }
}

static void events_compare(vl2_switch *a, vl2_switch *b) {
  for (;;) {
    vl2_event ea, eb;
    memset(&ea, 0, sizeof(ea));
    memset(&eb, 0, sizeof(eb));
    int ra = vl2_switch_poll_event(a, &ea);
    int rb = vl2_switch_poll_event(b, &eb);
    FZ_CHECK(ra == rb);
    if (ra == 0)
      break;
    FZ_CHECK(memcmp(&ea, &eb, sizeof(ea)) == 0);
  }
}

/* Control-plane change |op| (4..7 of the input format), made to both
 * switches with the same return code. */
static void control(vl2_switch *a, vl2_switch *b, unsigned op, fz_in *in,
                    vl2_tstamp now) {
  static const uint8_t mode[9] = {0, 0, 1, 1, 0, 0, 0, 1, 0};
  static const vl2_vid pvid[9] = {10, 10, 10, 0, 40, 40, 20, 0, 50};
  static const uint32_t pflags[5] = {
      VL2_PORT_F_DEFAULT, VL2_PORT_F_DEFAULT | VL2_PORT_F_SPOOF_GUARD,
      VL2_PORT_F_DEFAULT & ~VL2_PORT_F_LEARN,
      VL2_PORT_F_DEFAULT & ~VL2_PORT_F_FLOOD_BCAST,
      VL2_PORT_F_DEFAULT | VL2_PORT_F_NEIGH_INSPECT};
  static const uint32_t sflags[5] = {
      VL2_SEG_F_LEARN_REMOTE, VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_ARP_SUPPRESS,
      VL2_SEG_F_LEARN_REMOTE | VL2_SEG_F_STRICT_REMOTES,
      VL2_SEG_F_DIRECTORY | VL2_SEG_F_SUPPRESS_CP_ONLY,
      VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS};
  uint8_t x = fz_u8(in), y = op == 4 || op == 5 ? fz_u8(in) : 0;
  vl2_switch *tw[2] = {a, b};
  int rc[2];
  for (int i = 0; i < 2; i++) {
    vl2_switch *sw = tw[i];
    if (op == 4) {
      uint32_t p = x % 9;
      vl2_port_config pc;
      vl2_port_config_default(&pc, mode[p]);
      pc.pvid = pvid[p];
      pc.flags = pflags[(x >> 4) % 5] | (p == 3 ? VL2_PORT_F_QINQ : 0);
      pc.max_macs = y % 3;
      rc[i] = vl2_switch_port_set(sw, p, &pc);
    } else if (op == 5) {
      vl2_fdb_entry e;
      memset(&e, 0, sizeof(e));
      e.vni = VNIS[y % N_VNIS];
      e.mac = mac_n((uint8_t)(1 + x % 12));
      if ((y >> 3) % 3 == 0) {
        e.port = (uint32_t)(y >> 5) % 9;
      } else {
        e.flags = VL2_FDB_F_REMOTE | ((y >> 3) % 3 == 2 ? VL2_FDB_F_EVPN : 0);
        e.port = VL2_PORT_REMOTE;
        e.remote = ip4(192, 0, 2, (uint8_t)(1 + (x >> 4) % 4));
      }
      rc[i] = vl2_fdb_add_static(sw, &e);
    } else if (op == 6) {
      static const uint8_t pkt[28] = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17};
      vl2_ipaddr nh = ip4(10, 0, 0, (uint8_t)(1 + x % 6));
      rc[i] = vl2_neigh_send(sw, 100, &nh, NULL, pkt, sizeof(pkt), now);
    } else {
      vl2_segment_config sc;
      memset(&sc, 0, sizeof(sc));
      sc.flags = sflags[(x >> 3) % 5];
      sc.max_macs = VNIS[x % N_VNIS] == 300 ? 5 : 0;
      rc[i] = vl2_switch_segment_set(sw, VNIS[x % N_VNIS], &sc);
    }
  }
  FZ_CHECK(rc[0] == rc[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static fz_mem mem_a, mem_b;
  static uint8_t buf[MAX_LEN];
  static vl2_dest td[DCAP], pd[DCAP], bd[DCAP];
  static vl2_trace_step steps[SCAP];
  fz_in in = {data, size};
  vl2_switch *a = build(&mem_a);
  vl2_switch *b = build(&mem_b);
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  vl2_tstamp now = 0;
  vl2_duration back = 0;

  while (fz_left(&in)) {
    uint8_t k = fz_u8(&in);
    if (k >= 0x80) {
      switch (k & 7) {
      case 0:
        FZ_CHECK(vl2_switch_run_timers(a, now) == 0);
        FZ_CHECK(vl2_switch_run_timers(b, now) == 0);
        break;
      case 1:
        drain_compare(a, b, now);
        break;
      case 2:
        FZ_CHECK(vl2_fdb_flush_all(a, VL2_FDB_FLUSH_DYNAMIC) ==
                 vl2_fdb_flush_all(b, VL2_FDB_FLUSH_DYNAMIC));
        break;
      case 3:
        back = (vl2_duration)fz_u8(&in) * VL2_MS;
        break;
      default:
        control(a, b, k & 7, &in, now);
        break;
      }
      events_compare(a, b);
      continue;
    }
    vl2_frame fr;
    memset(&fr, 0, sizeof(fr));
    const vl2_frame *f = &fr;
    fr.port = k & 0x0f;
    if (k & 0x10) {
      uint8_t sel = fz_u8(&in);
      fr.port = VL2_PORT_REMOTE;
      fr.vni = IN_VNIS[sel & 7];
      fr.remote = ip4(192, 0, 2, (uint8_t)(1 + ((sel >> 3) & 3)));
    }
    size_t dcap = DCAP;
    if (k & 0x20)
      dcap = fz_u8(&in) & 7;
    vl2_duration later = 0;
    if (k & 0x40)
      later = (vl2_duration)(1 + fz_u8(&in)) * VL2_SEC;
    fz_step(&in, &now, &cfg);
    size_t len = fz_u16(&in);
    if (len > MAX_LEN)
      len = MAX_LEN;
    const uint8_t *p;
    len = fz_bytes(&in, len, &p);
    memcpy(buf, p, len);
    fr.data = buf;
    fr.len = (uint32_t)len;
    vl2_tstamp at = now > back ? now - back : 0;
    back = 0;

    size_t n_steps = 0;
    vl2_verdict tv, pv, bv;
    if (later != 0) {
      FZ_CHECK(vl2_switch_trace(a, f, now + later, &tv, td, DCAP, steps, SCAP,
                                &n_steps) == 0);
    }
    events_compare(a, b);
    snap s0, s1;
    take(a, &s0);
    memset(&tv, 0, sizeof(tv));
    int trc = vl2_switch_trace(a, f, at, &tv, td, dcap, steps, SCAP, &n_steps);
    take(a, &s1);
    TR_CHECK(memcmp(&s0, &s1, sizeof(s0)) == 0, "the trace changed counters");
    vl2_event ev;
    TR_CHECK(vl2_switch_poll_event(a, &ev) == 0, "the trace emitted an event");

    vl2_ssize prc = vl2_switch_process(a, f, 1, &pv, pd, dcap, at);
    vl2_ssize brc = vl2_switch_process(b, f, 1, &bv, bd, dcap, at);
    int pi = prc == 1 ? 0 : (int)prc, bi = brc == 1 ? 0 : (int)brc;
    TR_CHECK(decision_eq(trc, &tv, td, pi, &pv, pd),
             "trace and process decided differently");
    TR_CHECK(decision_eq(pi, &pv, pd, bi, &bv, bd),
             "the traced switch and its twin decided differently");
    if (trc == 0) {
      TR_CHECK(n_steps >= 2 && steps[0].kind == VL2_TRACE_INGRESS,
               "the steps do not start with the ingress");
      if (n_steps <= SCAP) {
        const vl2_trace_step *last = &steps[n_steps - 1];
        unsigned want = tv.action == VL2_ACT_DROP       ? VL2_TRACE_R_DROP
                        : tv.action == VL2_ACT_CONSUMED ? VL2_TRACE_R_CONSUMED
                        : (tv.flags & VL2_VFLAG_FLOOD)  ? VL2_TRACE_R_FLOOD
                                                        : VL2_TRACE_R_FORWARD;
        TR_CHECK(last->kind == VL2_TRACE_VERDICT && last->result == want,
                 "the last step is not the verdict");
        TR_CHECK(tv.action != VL2_ACT_DROP || last->reason == tv.reason,
                 "the verdict step's reason");
      }
    }
    events_compare(a, b);
    take(a, &s0);
    take(b, &s1);
    FZ_CHECK(memcmp(&s0, &s1, sizeof(s0)) == 0);
    tables_compare(a, b, now);
  }
  drain_compare(a, b, now);
  vl2_switch_del(a);
  vl2_switch_del(b);
  FZ_CHECK(mem_a.live_bytes == 0 && mem_b.live_bytes == 0);
  return 0;
}

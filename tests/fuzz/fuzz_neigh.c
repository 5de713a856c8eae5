/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: the neighbour table, suppression, resolver, directory
 * mode and move dampening driven by frames, API calls and times drawn from
 * the input.
 *
 * Input: 8 config bytes (max_neigh 1..16, per-segment limit 0..7, tx queue
 * 1..8, wait queues 1..4 per entry / 1..8 in total, retries 1..4,
 * dampening threshold 0..3, directory pending 1..4, ageing, seed), 2 bytes
 * of segment and port flags, then operations; op % 12:
 *   0  an ARP frame (op, addresses from small sets, sometimes tagged,
 *      sometimes from a remote endpoint)
 *   1  a Neighbor Solicitation / Advertisement (valid checksum, flags and
 *      options from the input; sometimes corrupted)
 *   2  a RARP frame
 *   3  raw bytes as a frame (EtherType ARP or IPv6 forced half the time)
 *   4  vl2_neigh_send() to a small IP set
 *   5  vl2_neigh_dir_answer() (a binding or a refusal)
 *   6  static add / delete / flush / gateway set or clear
 *   7  time steps forward; vl2_switch_run_timers()
 *   8  vl2_switch_poll_tx() drained (checked)
 *   9  events drained (checked)
 *   10 table checks (iteration vs count, limits, lookups)
 *   11 the segment is deleted and re-created
 *
 * Always: no allocation after set-up (the data path, timers and every
 * neighbour call are allocation-free), the table never exceeds its
 * limits, frames polled fit their destination, and vl2_switch_del()
 * frees everything.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define VNI 100

static void put_ip4(uint8_t *p, uint8_t sel) {
  p[0] = 10;
  p[1] = 0;
  p[2] = 0;
  p[3] = (uint8_t)(sel % 6); /* 0 = probe sender */
}

static void put_mac(uint8_t *p, uint8_t sel) {
  static const uint8_t macs[6][6] = {{2, 0, 0, 0, 0, 1},
                                     {2, 0, 0, 0, 0, 2},
                                     {2, 0, 0, 0, 0, 3},
                                     {2, 0, 0, 0, 0, 4},
                                     {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                                     {0, 0, 0, 0, 0, 0}};
  memcpy(p, macs[sel % 6], 6);
}

static vl2_ipaddr ip_sel(uint8_t sel) {
  vl2_ipaddr a;
  memset(&a, 0, sizeof(a));
  if (sel & 0x80) {
    a.family = VL2_AF_INET6;
    a.addr[0] = 0x20;
    a.addr[1] = 0x01;
    a.addr[15] = (uint8_t)(1 + sel % 5);
  } else {
    a.family = VL2_AF_INET;
    put_ip4(a.addr, (uint8_t)(1 + sel % 5));
  }
  return a;
}

static uint16_t csum6(const uint8_t *ip, size_t plen) {
  uint32_t sum = 0;
  for (int i = 8; i < 40; i += 2)
    sum += (uint32_t)ip[i] << 8 | ip[i + 1];
  sum += (uint32_t)plen + 58;
  for (size_t i = 0; i + 1 < plen; i += 2)
    sum += (uint32_t)ip[40 + i] << 8 | ip[40 + i + 1];
  if (plen & 1)
    sum += (uint32_t)ip[40 + plen - 1] << 8;
  while (sum >> 16)
    sum = (sum & 0xffff) + (sum >> 16);
  return (uint16_t)~sum;
}

/* Ethernet header (maybe 802.1Q VLAN 100 for the trunk); returns offset. */
static size_t eth(uint8_t *b, fz_in *in, uint16_t et, int tagged) {
  uint8_t s = fz_u8(in);
  put_mac(b, (uint8_t)(s & 0x0f));
  put_mac(b + 6, (uint8_t)((s >> 4) % 4));
  size_t o = 12;
  if (tagged) {
    b[12] = 0x81;
    b[13] = 0;
    b[14] = 0;
    b[15] = 100;
    o = 16;
  }
  b[o] = (uint8_t)(et >> 8);
  b[o + 1] = (uint8_t)et;
  return o + 2;
}

static size_t build_arp(uint8_t *b, fz_in *in, int tagged, uint16_t et) {
  size_t o = eth(b, in, et, tagged);
  uint8_t x = fz_u8(in), y = fz_u8(in);
  static const uint8_t hdr[6] = {0, 1, 8, 0, 6, 4};
  memcpy(b + o, hdr, 6);
  b[o + 6] = 0;
  b[o + 7] = (uint8_t)(1 + (x & 3) % 3); /* 1, 2 or 3 */
  put_mac(b + o + 8, (uint8_t)((x >> 2) % 5));
  put_ip4(b + o + 14, y & 7);
  put_mac(b + o + 18, (uint8_t)((x >> 5) % 6));
  put_ip4(b + o + 24, (uint8_t)(y >> 3));
  if (y & 0x80) /* gratuitous */
    memcpy(b + o + 24, b + o + 14, 4);
  return o + 28;
}

static size_t build_nd(uint8_t *b, fz_in *in, int tagged) {
  size_t o = eth(b, in, 0x86dd, tagged);
  uint8_t x = fz_u8(in), y = fz_u8(in);
  uint8_t *ip = b + o;
  memset(ip, 0, 40 + 32);
  ip[0] = 0x60;
  ip[6] = 58;
  ip[7] = (y & 0x40) ? 64 : 255;
  int opt = (x & 1) != 0;
  size_t plen = 24 + (opt ? 8 : 0);
  ip[5] = (uint8_t)plen;
  ip[8] = 0x20;
  ip[9] = 0x01;
  ip[23] = (uint8_t)(y % 6); /* 0: :: (DAD) */
  if (ip[23] == 0)
    ip[8] = ip[9] = 0;
  ip[24] = 0xff;
  ip[25] = 0x02;
  ip[39] = 1;
  uint8_t *ic = ip + 40;
  int is_ns = (x & 2) != 0;
  ic[0] = is_ns ? 135 : 136;
  ic[4] = (uint8_t)(x & 0xe0); /* R S O */
  ic[8] = 0x20;
  ic[9] = 0x01;
  ic[23] = (uint8_t)(1 + (y >> 3) % 5);
  if (opt) {
    ic[24] = is_ns ? 1 : 2;
    ic[25] = 1;
    put_mac(ic + 26, (uint8_t)((x >> 2) % 6));
  }
  uint16_t c = csum6(ip, plen);
  ic[2] = (uint8_t)(c >> 8);
  ic[3] = (uint8_t)c;
  if (y & 0x80)
    ic[25 + (y & 3)] ^= 0x5a; /* corrupt */
  return o + 40 + plen;
}

static void check_tx(vl2_switch *sw, const vl2_switch_config *cfg,
                     vl2_tstamp now) {
  uint8_t buf[2048];
  for (int i = 0; i < 4096; i++) {
    vl2_tx_meta m;
    size_t cap = (i & 7) == 7 ? 20 : sizeof(buf);
    vl2_ssize n = vl2_switch_poll_tx(sw, buf, cap, &m, now);
    if (n == VL2_ERR_NOBUF) {
      FZ_CHECK(m.len > cap && m.len <= cfg->neigh_mtu + 18u);
      continue;
    }
    FZ_CHECK(n >= 0);
    if (n == 0)
      return;
    FZ_CHECK((size_t)n <= cfg->neigh_mtu + 18u && n >= 34);
    FZ_CHECK(m.kind >= VL2_TX_ARP_REPLY && m.kind <= VL2_TX_PACKET);
    FZ_CHECK(m.dest.edit == VL2_EDIT_KEEP);
    if (m.dest.type == VL2_DEST_PORT) {
      FZ_CHECK(m.dest.port >= 1 && m.dest.port <= 3);
      int tagged = buf[12] == 0x81 && buf[13] == 0;
      FZ_CHECK(tagged == (m.dest.port == 3));
    } else {
      FZ_CHECK(m.dest.type == VL2_DEST_REMOTE);
      FZ_CHECK(buf[12] != 0x81);
    }
    /* Never a group source MAC. */
    FZ_CHECK(!(buf[6] & 1));
  }
  FZ_CHECK(0 && "output queue never drained");
}

static void check_events(vl2_switch *sw, vl2_tstamp now) {
  vl2_event ev;
  for (int i = 0; i < 100000 && vl2_switch_poll_event(sw, &ev) == 1; i++) {
    FZ_CHECK(ev.at <= now);
    FZ_CHECK((ev.type >= VL2_EV_FDB_LEARNED && ev.type <= VL2_EV_FDB_LIMIT) ||
             (ev.type >= VL2_EV_NEIGH_ADDED &&
              ev.type <= VL2_EV_NEIGH_LOOKUP_TIMEOUT));
    if (ev.type == VL2_EV_NEIGH_ADDED || ev.type == VL2_EV_NEIGH_MOVED)
      FZ_CHECK(!(ev.mac.b[0] & 1) &&
               (ev.ip.family == VL2_AF_INET || ev.ip.family == VL2_AF_INET6));
  }
}

static void check_table(vl2_switch *sw, const vl2_switch_config *cfg,
                        vl2_tstamp now) {
  size_t count = vl2_neigh_count(sw);
  FZ_CHECK(count <= cfg->max_neigh);
  uint64_t cur = 0;
  vl2_neigh_entry e;
  size_t n = 0, in_seg = 0;
  while (vl2_neigh_next(sw, &cur, &e, now) == 1) {
    n++;
    FZ_CHECK(n <= count);
    FZ_CHECK(e.state >= VL2_NEIGH_INCOMPLETE && e.state <= VL2_NEIGH_FAILED);
    FZ_CHECK(e.queued <= cfg->neigh_queue_per_entry);
    if (e.state != VL2_NEIGH_INCOMPLETE && e.state != VL2_NEIGH_FAILED)
      FZ_CHECK(!(e.mac.b[0] & 1));
    if (e.vni == VNI)
      in_seg++;
    vl2_neigh_entry l;
    FZ_CHECK(vl2_neigh_lookup(sw, e.vni, &e.ip, &l, now) == 0);
    FZ_CHECK(memcmp(&l, &e, sizeof(l)) == 0);
  }
  if (cfg->max_neigh_per_segment != 0)
    FZ_CHECK(in_seg <= cfg->max_neigh_per_segment);
  vl2_neigh_stats st;
  FZ_CHECK(vl2_neigh_get_stats(sw, VL2_NEIGH_ALL_SEGMENTS, &st) == 0);
  FZ_CHECK(st.entries == count);
  FZ_CHECK(st.released + st.queue_drops_full + st.queue_drops_failed +
               st.queue_drops_flushed <=
           st.queued + st.queue_drops_full);
  FZ_CHECK(vl2_switch_next_deadline(sw) != 0);
}

static int make_topology(vl2_switch *sw, uint32_t seg_flags,
                         uint32_t port_flags) {
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = seg_flags;
  if (vl2_switch_segment_add(sw, VNI, &sc) != 0)
    return -1;
  vl2_port_config pc;
  for (uint32_t p = 1; p <= 3; p++) {
    if (p < 3) {
      vl2_port_config_default(&pc, VL2_PORT_ACCESS);
      pc.pvid = 10;
    } else {
      vl2_port_config_default(&pc, VL2_PORT_TRUNK);
    }
    pc.flags |= (p == 1) ? port_flags : 0;
    if (vl2_switch_port_add(sw, p, &pc) != 0 ||
        vl2_switch_port_vlan_add(sw, p, p < 3 ? 10 : 100, VNI) != 0)
      return -1;
  }
  vl2_ipaddr r;
  memset(&r, 0, sizeof(r));
  r.family = VL2_AF_INET;
  r.addr[0] = 192;
  r.addr[3] = 1;
  return vl2_switch_remote_add(sw, VNI, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in in = {data, size};
  vl2_switch_config cfg;
  vl2_switch_config_default(&cfg);
  cfg.max_ports = 4;
  cfg.max_segments = 2;
  cfg.max_fdb = 16;
  cfg.event_queue_cap = 8;
  uint8_t b0 = fz_u8(&in), b1 = fz_u8(&in), b2 = fz_u8(&in), b3 = fz_u8(&in),
          b4 = fz_u8(&in), b5 = fz_u8(&in);
  cfg.max_neigh = 1u + b0 % 16;
  cfg.max_neigh_per_segment = (b0 >> 4) & 7;
  cfg.tx_queue_cap = 1u + b1 % 8;
  cfg.neigh_queue_per_entry = 1u + (b1 >> 3) % 4;
  cfg.neigh_queue_max = 1u + (b1 >> 5) % 8;
  cfg.neigh_max_retries = 1u + b2 % 4;
  cfg.move_threshold = (b2 >> 2) % 4;
  cfg.dir_max_pending = 1u + (b2 >> 4) % 4;
  static const vl2_duration t[8] = {
      0, VL2_MS,       VL2_SEC,      5 * VL2_SEC, 60 * VL2_SEC,
      1, 30 * VL2_SEC, 300 * VL2_SEC};
  cfg.neigh_ageing_ns = t[b3 % 8];
  cfg.neigh_reachable_ns = t[(b3 >> 3) % 8] + 1;
  cfg.neigh_retrans_ns = VL2_MS << ((b3 >> 6) * 4);
  cfg.move_window_ns = t[b4 % 8];
  cfg.move_holddown_ns = t[(b4 >> 3) % 8];
  cfg.dir_timeout_ns = t[(b4 >> 5) % 8];
  cfg.hash_seed = b5;
  cfg.neigh_mtu = 256;
  uint8_t fl = fz_u8(&in);
  uint32_t seg_flags = (fl & 3) == 0   ? 0
                       : (fl & 3) == 1 ? VL2_SEG_F_ARP_SUPPRESS
                                       : VL2_SEG_F_DIRECTORY;
  seg_flags |= VL2_SEG_F_LEARN_REMOTE;
  uint32_t port_flags = ((fl >> 2) & 1 ? VL2_PORT_F_SPOOF_GUARD : 0u) |
                        ((fl >> 3) & 1 ? VL2_PORT_F_NEIGH_INSPECT : 0u);
  uint8_t fail = fz_u8(&in);

  fz_mem mem;
  vl2_mem hooks;
  fz_mem_init(&mem, &hooks);
  vl2_switch *sw = NULL;
  if (fail & 0x80) {
    mem.fail_at = 1u + (fail & 0x1f);
    int rv = vl2_switch_new(&sw, &cfg, &hooks);
    FZ_CHECK(rv == 0 || rv == VL2_ERR_NOMEM);
    vl2_switch_del(sw);
    FZ_CHECK(mem.live_bytes == 0 && mem.live_blocks == 0);
    return 0;
  }
  FZ_CHECK(vl2_switch_new(&sw, &cfg, &hooks) == 0);
  if (make_topology(sw, seg_flags, port_flags) != 0) {
    vl2_switch_del(sw);
    FZ_CHECK(mem.live_blocks == 0);
    return 0;
  }
  uint64_t allocs = mem.n_allocs;
  vl2_tstamp now = VL2_SEC;
  static vl2_dest dests[64];
  uint8_t f[512];
  int recreate = 0;

  for (int ops = 0; fz_left(&in) && ops < 2000; ops++) {
    uint8_t op = fz_u8(&in);
    size_t n = 0;
    int tagged = (op & 0x40) != 0;
    uint32_t port = tagged ? 3u : 1u + ((op >> 5) & 1);
    switch (op % 12) {
    case 0:
      n = build_arp(f, &in, tagged, 0x0806);
      break;
    case 1:
      n = build_nd(f, &in, tagged);
      break;
    case 2:
      n = build_arp(f, &in, tagged, 0x8035);
      break;
    case 3: {
      const uint8_t *raw;
      size_t len = fz_bytes(&in, fz_u8(&in) % 128, &raw);
      memcpy(f, raw, len);
      n = len;
      if (n >= 14 && (op & 0x80)) {
        f[12] = (op & 0x10) ? 0x86 : 0x08;
        f[13] = (op & 0x10) ? 0xdd : 0x06;
      }
      port = 1u + (op >> 6) % 3;
      break;
    }
    case 4: {
      vl2_ipaddr nh = ip_sel(fz_u8(&in));
      uint8_t pkt[300];
      size_t len = 20u + fz_u8(&in);
      memset(pkt, 0, len);
      pkt[0] = nh.family == VL2_AF_INET ? 0x45 : 0x60;
      vl2_mac src;
      put_mac(src.b, fz_u8(&in) % 4);
      int rv = vl2_neigh_send(sw, VNI, &nh, (op & 0x80) ? &src : NULL, pkt, len,
                              now);
      FZ_CHECK(rv == VL2_NEIGH_SENT || rv == VL2_NEIGH_QUEUED ||
               rv == VL2_ERR_NOTFOUND || rv == VL2_ERR_AGAIN ||
               rv == VL2_ERR_LIMIT || rv == VL2_ERR_NOBUF);
      break;
    }
    case 5: {
      vl2_ipaddr ip = ip_sel(fz_u8(&in));
      vl2_mac m;
      put_mac(m.b, fz_u8(&in) % 4);
      vl2_ssize rv =
          vl2_neigh_dir_answer(sw, VNI, &ip, (op & 0x80) ? NULL : &m, now);
      FZ_CHECK(rv >= 0 || rv == VL2_ERR_NOTFOUND || rv == VL2_ERR_LIMIT);
      break;
    }
    case 6: {
      uint8_t k = fz_u8(&in);
      vl2_neigh_entry e;
      memset(&e, 0, sizeof(e));
      e.vni = VNI;
      e.ip = ip_sel(fz_u8(&in));
      put_mac(e.mac.b, k % 4);
      e.port = (k & 0x10) ? VL2_NEIGH_PORT_ANY : 1u;
      if ((k >> 5) == 0) {
        int rv = vl2_neigh_add_static(sw, &e);
        FZ_CHECK(rv == 0 || rv == VL2_ERR_LIMIT);
      } else if ((k >> 5) == 1) {
        int rv = vl2_neigh_del(sw, VNI, &e.ip);
        FZ_CHECK(rv == 0 || rv == VL2_ERR_NOTFOUND);
      } else if ((k >> 5) == 2) {
        FZ_CHECK(vl2_neigh_flush(sw, (k & 8) ? VL2_NEIGH_ALL_SEGMENTS : VNI,
                                 1u + (k & 3) % 3) >= 0);
      } else {
        vl2_neigh_gateway gw;
        memset(&gw, 0, sizeof(gw));
        gw.mac.b[0] = 2;
        gw.mac.b[5] = 0x99;
        if (k & 1)
          gw.ip4 = ip_sel(0);
        if (k & 2)
          gw.ip6 = ip_sel(0x80);
        FZ_CHECK(vl2_neigh_set_gateway(sw, VNI, (k & 4) ? NULL : &gw) == 0);
      }
      break;
    }
    case 7:
      fz_step(&in, &now, &cfg);
      FZ_CHECK(vl2_switch_run_timers(sw, now) == 0);
      break;
    case 8:
      check_tx(sw, &cfg, now);
      break;
    case 9:
      check_events(sw, now);
      break;
    case 10:
      check_table(sw, &cfg, now);
      break;
    default:
      recreate = 1;
      break;
    }
    if (n >= 14) {
      vl2_frame fr;
      memset(&fr, 0, sizeof(fr));
      fr.data = f;
      fr.len = (uint32_t)n;
      fr.port = port;
      if ((op & 0xa0) == 0xa0 && !tagged) {
        fr.port = VL2_PORT_REMOTE;
        fr.vni = VNI;
        fr.remote.family = VL2_AF_INET;
        fr.remote.addr[0] = 192;
        fr.remote.addr[3] = 1;
      }
      vl2_verdict v;
      vl2_ssize rv = fz_trace_process(sw, &fr, &v, dests, 64, now);
      FZ_CHECK(rv == 1);
      FZ_CHECK(v.action <= VL2_ACT_CONSUMED);
      if (v.action == VL2_ACT_CONSUMED)
        FZ_CHECK(fr.port != VL2_PORT_REMOTE && v.dest_cnt == 0);
    }
    if (recreate) {
      recreate = 0;
      for (uint32_t p = 1; p <= 3; p++)
        FZ_CHECK(vl2_switch_port_del(sw, p) == 0);
      FZ_CHECK(vl2_switch_segment_del(sw, VNI) == 0);
      check_tx(sw, &cfg, now); /* items of the old segment are dropped */
      FZ_CHECK(vl2_neigh_count(sw) == 0);
      /* Re-creating allocates (VLAN maps, flood lists): re-baseline. */
      FZ_CHECK(make_topology(sw, seg_flags, port_flags) == 0);
      allocs = mem.n_allocs;
    }
    /* Nothing above may allocate (only the topology does). */
    FZ_CHECK(mem.n_allocs == allocs);
  }
  check_tx(sw, &cfg, now);
  check_table(sw, &cfg, now);
  check_events(sw, now);
  vl2_switch_del(sw);
  FZ_CHECK(mem.live_bytes == 0 && mem.live_blocks == 0);
  return 0;
}

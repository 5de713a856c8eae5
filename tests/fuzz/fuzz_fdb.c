/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: the FDB and the switch's control plane driven by
 * operation sequences (ngtcp2's ksl harness style).
 *
 * Input: 8 config bytes (fz_config: limits 1..8 ports, segments and
 * remotes, 1..64 FDB entries, MAC limits, event queue 1..16, ageing
 * off/1 ns/1 ms/10 ms/1 s/5 s/300 s, seed), 1 byte selecting an allocation
 * to fail inside vl2_switch_new(), then operations of 4 bytes each
 * (op, a, b, c); op % 20:
 *   0..12  control plane (fz_control_op: ports, VLAN maps, segments,
 *          remotes, static entries, deletes, flushes; may inject an
 *          allocation failure)
 *   13     a frame from a port (learning; dst/src from a small MAC set,
 *          tagged with a VID sometimes)
 *   14     a frame from a remote endpoint (learning against the remote)
 *   15     a lookup, checked against the model
 *   16     a full FDB check (iteration vs count, static count, per-port
 *          and per-segment MAC counters, no duplicates, lookups agree)
 *   17     time steps forward (non-decreasing) and timers run
 *   18     events drained and checked
 *   19     counters and memory bound checked
 *
 * Always: no allocation on the data path or in the timers, vl2_fdb_count
 * <= max_fdb, live bytes under a bound derived from the config, and no
 * byte left after vl2_switch_del().
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vl2.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_events(vl2_switch *sw, const fz_model *m, vl2_tstamp now,
                         unsigned max) {
  vl2_event ev;
  unsigned n = 0;
  while (n < max && vl2_switch_poll_event(sw, &ev) == 1) {
    n++;
    FZ_CHECK(n <= m->cfg.event_queue_cap);
    FZ_CHECK(fz_event_type_ok(ev.type));
    FZ_CHECK(ev.at <= now);
    FZ_CHECK(ev.vni <= VL2_VNI_MAX);
    if (ev.type > VL2_EV_FDB_LIMIT)
      continue; /* neighbour events: fuzz_switch's business */
    FZ_CHECK(!(ev.mac.b[0] & 1));
    if (ev.type == VL2_EV_FDB_LIMIT)
      FZ_CHECK(ev.reason >= VL2_LIMIT_PORT && ev.reason <= VL2_LIMIT_TABLE);
    else
      FZ_CHECK(ev.reason == 0);
    if (ev.port == VL2_PORT_REMOTE)
      FZ_CHECK(ev.remote.family == VL2_AF_INET ||
               ev.remote.family == VL2_AF_INET6);
    else
      FZ_CHECK(ev.port < m->cfg.max_ports && ev.remote.family == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in in = {data, size};
  vl2_switch_config cfg;
  fz_config(&in, &cfg);
  uint8_t fail_new = fz_u8(&in);

  fz_mem mem;
  vl2_mem hooks;
  fz_mem_init(&mem, &hooks);
  vl2_switch *sw = NULL;
  if (fail_new & 0x80) {
    /* A failing allocation inside vl2_switch_new(): NOMEM, nothing leaked. */
    mem.fail_at = 1u + (fail_new & 0x0f);
    int rv = vl2_switch_new(&sw, &cfg, &hooks);
    if (rv == 0) {
      FZ_CHECK(mem.n_failed == 0);
      vl2_switch_del(sw);
      sw = NULL;
    } else {
      FZ_CHECK(rv == VL2_ERR_NOMEM && sw == NULL);
    }
    FZ_CHECK(mem.live_bytes == 0 && mem.live_blocks == 0);
    mem.fail_at = 0;
  }
  FZ_CHECK(vl2_switch_new(&sw, &cfg, &hooks) == 0);
  size_t bound = fz_mem_bound(&cfg, mem.live_bytes);

  static fz_model m;
  fz_model_init(&m, &cfg);
  vl2_tstamp now = 0;
  int exact = cfg.ageing_ns == 0;

  while (fz_left(&in)) {
    unsigned op = fz_u8(&in) % 20;
    if (op < FZ_N_CONTROL_OPS) {
      fz_control_op(sw, &m, &mem, op, &in, now);
      continue;
    }
    uint8_t a = fz_u8(&in), b = fz_u8(&in), c = fz_u8(&in);
    switch (op) {
    case 13:
    case 14: {
      uint8_t buf[64];
      vl2_mac dst = fz_mac(b >> 4), src = fz_mac(b);
      vl2_frame f;
      memset(&f, 0, sizeof(f));
      if (op == 13) {
        uint16_t tpid = (c & 3) == 1 ? 0x8100 : (c & 3) == 2 ? 0x88a8 : 0;
        f.len = fz_build_frame(buf, &dst, &src, tpid, fz_vid(c >> 2));
        f.port = a % (FZ_MAX_PORTS + 1);
      } else {
        f.len = fz_build_frame(buf, &dst, &src, 0, 0);
        f.port = VL2_PORT_REMOTE;
        f.vni = fz_vni(a);
        f.remote = fz_remote(c);
      }
      f.data = buf;
      vl2_verdict v;
      vl2_dest dests[FZ_MAX_PORTS + 64];
      uint64_t calls = mem.n_calls;
      vl2_ssize r = vl2_switch_process(sw, &f, 1, &v, dests,
                                       sizeof(dests) / sizeof(dests[0]), now);
      FZ_CHECK(mem.n_calls == calls);
      FZ_CHECK(r == 1);
      FZ_CHECK(v.dest_off + (uint64_t)v.dest_cnt <=
               sizeof(dests) / sizeof(dests[0]));
      if (v.action == VL2_ACT_DROP)
        FZ_CHECK(v.reason != 0 && v.dest_cnt == 0);
      if (v.flags & VL2_VFLAG_LEARNED) {
        vl2_fdb_entry e;
        FZ_CHECK(vl2_fdb_lookup(sw, v.vni, &src, &e, now) == 0);
        FZ_CHECK(!(e.flags & VL2_FDB_F_STATIC));
        if (op == 13)
          FZ_CHECK(e.port == f.port);
        else
          FZ_CHECK(e.port == VL2_PORT_REMOTE &&
                   fz_addr_eq(&e.remote, &f.remote));
      }
      FZ_CHECK(vl2_fdb_count(sw) <= cfg.max_fdb);
      break;
    }
    case 15: {
      vl2_fdb_entry e;
      uint32_t vni = fz_vni(a);
      vl2_mac mac = fz_mac(b);
      int rv = vl2_fdb_lookup(sw, vni, &mac, &e, now);
      if (rv == 0) {
        FZ_CHECK(e.vni == vni && memcmp(&e.mac, &mac, sizeof(mac)) == 0);
        FZ_CHECK(fz_model_seg(&m, vni) != NULL);
        if (!(e.flags & VL2_FDB_F_REMOTE))
          FZ_CHECK(fz_model_port_vid(&m, e.port, vni) != 0);
        FZ_CHECK(e.expires_at > now);
      } else {
        FZ_CHECK(rv == VL2_ERR_NOTFOUND);
      }
      break;
    }
    case 16:
      fz_check_fdb(sw, &m, now, exact);
      break;
    case 17: {
      fz_in step = {&a, 1};
      fz_step(&step, &now, &cfg);
      uint64_t calls = mem.n_calls;
      FZ_CHECK(vl2_switch_run_timers(sw, now) == 0);
      FZ_CHECK(mem.n_calls == calls);
      vl2_tstamp dl = vl2_switch_next_deadline(sw);
      FZ_CHECK(dl == VL2_TSTAMP_NONE || dl > now);
      if (b & 1)
        fz_check_fdb(sw, &m, now, exact);
      break;
    }
    case 18:
      check_events(sw, &m, now, 1u + a);
      break;
    default:
      fz_check_stats(sw);
      FZ_CHECK(mem.live_bytes <= bound);
      break;
    }
  }
  fz_check_fdb(sw, &m, now, exact);
  fz_check_stats(sw);
  /* Far in the future every dynamic entry has aged out. */
  if (cfg.ageing_ns != 0) {
    now += 1000 * cfg.ageing_ns + 10 * VL2_SEC;
    FZ_CHECK(vl2_switch_run_timers(sw, now) == 0);
    vl2_switch_stats st;
    FZ_CHECK(vl2_switch_get_stats(sw, &st) == 0);
    FZ_CHECK(st.fdb_entries == st.fdb_static);
    fz_check_fdb(sw, &m, now, 1);
  }
  FZ_CHECK(mem.live_bytes <= bound);
  vl2_switch_del(sw);
  FZ_CHECK(mem.live_bytes == 0 && mem.live_blocks == 0);
  return 0;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
#include "helpers.h"

#include <string.h>

vl2_mac vl2t_mac(uint64_t v) {
  vl2_mac m;
  for (int i = 5; i >= 0; i--) {
    m.b[i] = (uint8_t)v;
    v >>= 8;
  }
  return m;
}

size_t vl2t_frame_tags(uint8_t *buf, uint64_t dst, uint64_t src,
                       const uint16_t *tpid, const uint16_t *tci, int ntags,
                       uint16_t et, size_t payload) {
  vl2_mac d = vl2t_mac(dst), s = vl2t_mac(src);
  memcpy(buf, d.b, 6);
  memcpy(buf + 6, s.b, 6);
  size_t off = 12;
  for (int i = 0; i < ntags; i++) {
    buf[off] = (uint8_t)(tpid[i] >> 8);
    buf[off + 1] = (uint8_t)tpid[i];
    buf[off + 2] = (uint8_t)(tci[i] >> 8);
    buf[off + 3] = (uint8_t)tci[i];
    off += 4;
  }
  buf[off] = (uint8_t)(et >> 8);
  buf[off + 1] = (uint8_t)et;
  off += 2;
  for (size_t i = 0; i < payload; i++)
    buf[off + i] = (uint8_t)i;
  return off + payload;
}

size_t vl2t_frame(uint8_t *buf, uint64_t dst, uint64_t src, int vid) {
  if (vid < 0)
    return vl2t_frame_tags(buf, dst, src, NULL, NULL, 0, 0x0800, 50);
  uint16_t tpid = VL2_TPID_8021Q, tci = (uint16_t)vid;
  return vl2t_frame_tags(buf, dst, src, &tpid, &tci, 1, 0x0800, 46);
}

vl2_switch *vl2t_switch(vl2t_mem *tm, uint32_t max_fdb,
                        vl2_duration ageing_ns) {
  vl2_switch_config cfg;
  ck_assert_int_eq(vl2_switch_config_default(&cfg), 0);
  cfg.max_fdb = max_fdb;
  cfg.ageing_ns = ageing_ns;
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, &cfg, tm != NULL ? &tm->mem : NULL), 0);
  ck_assert_ptr_nonnull(sw);
  return sw;
}

void vl2t_segment(vl2_switch *sw, uint32_t vni, uint32_t flags) {
  vl2_segment_config sc;
  memset(&sc, 0, sizeof(sc));
  sc.flags = flags;
  int rv = vl2_switch_segment_add(sw, vni, &sc);
  ck_assert(rv == 0 || rv == VL2_ERR_EXISTS);
}

void vl2t_access(vl2_switch *sw, uint32_t port, vl2_vid vid, uint32_t vni) {
  vl2t_segment(sw, vni, VL2_SEG_F_LEARN_REMOTE);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = vid;
  ck_assert_int_eq(vl2_switch_port_add(sw, port, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, port, vid, vni), 0);
}

void vl2t_trunk(vl2_switch *sw, uint32_t port, vl2_vid native) {
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_TRUNK);
  pc.pvid = native;
  ck_assert_int_eq(vl2_switch_port_add(sw, port, &pc), 0);
}

vl2_ipaddr vl2t_ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  vl2_ipaddr ip;
  memset(&ip, 0, sizeof(ip));
  ip.family = VL2_AF_INET;
  ip.addr[0] = a;
  ip.addr[1] = b;
  ip.addr[2] = c;
  ip.addr[3] = d;
  return ip;
}

void vl2t_one(vl2_switch *sw, const uint8_t *data, size_t len, uint32_t port,
              vl2_verdict *v, vl2_dest *dests, vl2_tstamp now) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = port;
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, v, dests, 256, now), 1);
}

void vl2t_one_remote(vl2_switch *sw, const uint8_t *data, size_t len,
                     uint32_t vni, const vl2_ipaddr *r, vl2_verdict *v,
                     vl2_dest *dests, vl2_tstamp now) {
  vl2_frame f;
  memset(&f, 0, sizeof(f));
  f.data = data;
  f.len = (uint32_t)len;
  f.port = VL2_PORT_REMOTE;
  f.vni = vni;
  f.remote = *r;
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, v, dests, 256, now), 1);
}

const vl2_dest *vl2t_find_port(const vl2_verdict *v, const vl2_dest *dests,
                               uint32_t port) {
  if (v->action != VL2_ACT_FORWARD)
    return NULL;
  for (uint32_t i = 0; i < v->dest_cnt; i++) {
    const vl2_dest *d = &dests[v->dest_off + i];
    if (d->type == VL2_DEST_PORT && d->port == port)
      return d;
  }
  return NULL;
}

uint64_t vl2t_drops(const vl2_switch *sw, unsigned reason) {
  vl2_switch_stats st;
  ck_assert_int_eq(vl2_switch_get_stats(sw, &st), 0);
  return st.drops[reason];
}

int vl2t_count_events(vl2_switch *sw, uint16_t type) {
  vl2_event ev;
  int n = 0;
  while (vl2_switch_poll_event(sw, &ev) == 1)
    if (ev.type == type)
      n++;
  return n;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * The EVPN adapter's classification, without a kernel: netlink messages
 * built with libnl in the shapes zebra 8.4 writes on this kernel (recorded
 * with the adapter's debug output in a two-namespace run):
 *   type-3         AF_BRIDGE if=vxlan ntf=SELF       state=NOARP|PERMANENT
 *                  lladdr 0, NDA_DST VTEP
 *   MAC, master    AF_BRIDGE if=vxlan ntf=EXT_LEARNED state=REACHABLE
 *                  NDA_MASTER bridge (the bridge sets no NTF_MASTER)
 *   MAC, self      AF_BRIDGE if=vxlan ntf=SELF|EXT_LEARNED state=REACHABLE
 *                  NDA_DST VTEP
 *   MAC/IP         AF_INET if=bridge ntf=EXT_LEARNED state=NOARP
 * go in; the calls on the switch come out (recorded), or, through the
 * public offline adapter, the switch's state is checked.
 */
#include <check.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <vl2/evpn.h>
#include <vl2/fdb.h>
#include <vl2/neigh.h>
#include <vl2/switch.h>

#include "../unit/stats_rule.h"
#include "evpn_classify.h"

#define BR 10
#define VX 11
#define MP 12

static evc_call calls[64];
static size_t ncalls;

static void record(void *ctx, const evc_call *c) {
  (void)ctx;
  ck_assert_uint_lt(ncalls, 64);
  calls[ncalls++] = *c;
}

static vl2_ipaddr ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  vl2_ipaddr r;
  memset(&r, 0, sizeof r);
  r.family = VL2_AF_INET;
  r.addr[0] = a;
  r.addr[1] = b;
  r.addr[2] = c;
  r.addr[3] = d;
  return r;
}

static vl2_mac mac(uint8_t last) {
  vl2_mac m = {{0x02, 0, 0, 0, 0xb0, last}};
  return m;
}

/* Build one neighbour message with libnl: |ll| NULL for none, |dst| NULL
 * for none, |master| 0 for none. Returns an nl_msg the caller frees. */
static struct nl_msg *build(int type, uint8_t family, int ifindex, uint8_t ntf,
                            uint16_t state, const vl2_mac *ll,
                            const vl2_ipaddr *dst, uint32_t master) {
  struct nl_msg *msg = nlmsg_alloc_simple(type, 0);
  ck_assert_ptr_nonnull(msg);
  struct ndmsg ndm;
  memset(&ndm, 0, sizeof ndm);
  ndm.ndm_family = family;
  ndm.ndm_ifindex = ifindex;
  ndm.ndm_flags = ntf;
  ndm.ndm_state = state;
  ck_assert_int_eq(nlmsg_append(msg, &ndm, sizeof ndm, NLMSG_ALIGNTO), 0);
  if (ll != NULL)
    nla_put(msg, NDA_LLADDR, 6, ll->b);
  if (dst != NULL)
    nla_put(msg, NDA_DST, dst->family == VL2_AF_INET ? 4 : 16, dst->addr);
  if (master != 0)
    nla_put_u32(msg, NDA_MASTER, master);
  return msg;
}

static void feed(evc_state *st, struct nl_msg *msg) {
  evc_msg m;
  ck_assert_int_eq(evc_msg_from_nl(nlmsg_hdr(msg), &m), 0);
  evc_input(st, &m);
  nlmsg_free(msg);
}

static const vl2_mac zero_mac;

static void type3(evc_state *st, int type, vl2_ipaddr vtep) {
  feed(st, build(type, AF_BRIDGE, VX, NTF_SELF, NUD_NOARP | NUD_PERMANENT,
                 &zero_mac, &vtep, 0));
}
static void master(evc_state *st, int type, int ifindex, vl2_mac m) {
  feed(st, build(type, AF_BRIDGE, ifindex, NTF_EXT_LEARNED, NUD_REACHABLE, &m,
                 NULL, BR));
}
static void self(evc_state *st, int type, vl2_mac m, vl2_ipaddr vtep) {
  feed(st, build(type, AF_BRIDGE, VX, NTF_SELF | NTF_EXT_LEARNED, NUD_REACHABLE,
                 &m, &vtep, 0));
}
static void neigh(evc_state *st, int type, uint8_t ntf, uint16_t state,
                  vl2_ipaddr ip, const vl2_mac *m) {
  feed(st, build(type, AF_INET, BR, ntf, state, m, &ip, 0));
}

static evc_state st;

static void setup(void) {
  evc_limits lim = {4, 2, 100, 100};
  ck_assert_int_eq(evc_init(&st, NULL, &lim, record, NULL), 0);
  ck_assert_ptr_nonnull(evc_seg_add(&st, 100, BR, VX, MP));
  ncalls = 0;
}
static void teardown(void) { evc_fini(&st); }

static void expect(size_t i, uint8_t kind, const vl2_mac *m,
                   const vl2_ipaddr *vtep) {
  ck_assert_uint_gt(ncalls, i);
  ck_assert_uint_eq(calls[i].kind, kind);
  ck_assert_uint_eq(calls[i].vni, 100);
  if (m != NULL)
    ck_assert_mem_eq(calls[i].mac.b, m->b, 6);
  if (vtep != NULL)
    ck_assert_mem_eq(&calls[i].vtep, vtep, sizeof *vtep);
}

START_TEST(parse_fields) {
  vl2_mac m = mac(1);
  vl2_ipaddr v = ip4(10, 99, 0, 2);
  struct nl_msg *msg =
      build(RTM_NEWNEIGH, AF_BRIDGE, VX, NTF_SELF | NTF_EXT_LEARNED,
            NUD_REACHABLE, &m, &v, BR);
  evc_msg e;
  ck_assert_int_eq(evc_msg_from_nl(nlmsg_hdr(msg), &e), 0);
  ck_assert_uint_eq(e.type, RTM_NEWNEIGH);
  ck_assert_uint_eq(e.family, AF_BRIDGE);
  ck_assert_uint_eq(e.ntf, NTF_SELF | NTF_EXT_LEARNED);
  ck_assert_uint_eq(e.state, NUD_REACHABLE);
  ck_assert_int_eq(e.ifindex, VX);
  ck_assert_int_eq(e.master, BR);
  ck_assert(e.has_lladdr && e.has_dst);
  ck_assert_mem_eq(e.lladdr.b, m.b, 6);
  ck_assert_mem_eq(&e.dst, &v, sizeof v);
  nlmsg_free(msg);
  /* Not a neighbour message. */
  msg = nlmsg_alloc_simple(RTM_NEWLINK, 0);
  ck_assert_int_eq(evc_msg_from_nl(nlmsg_hdr(msg), &e), -1);
  nlmsg_free(msg);
}
END_TEST

START_TEST(flood_list_from_type3) {
  vl2_ipaddr a = ip4(10, 99, 0, 2), b = ip4(10, 99, 0, 3);
  type3(&st, RTM_NEWNEIGH, a);
  type3(&st, RTM_NEWNEIGH, a); /* again: nothing new */
  type3(&st, RTM_NEWNEIGH, b);
  ck_assert_uint_eq(ncalls, 2);
  expect(0, EVC_FLOOD_ADD, NULL, &a);
  expect(1, EVC_FLOOD_ADD, NULL, &b);
  type3(&st, RTM_DELNEIGH, a);
  ck_assert_uint_eq(ncalls, 3);
  expect(2, EVC_FLOOD_DEL, NULL, &a);
  /* A third VTEP would exceed max_vteps (2 here): dropped, counted. */
  type3(&st, RTM_NEWNEIGH, a);
  type3(&st, RTM_NEWNEIGH, ip4(10, 99, 0, 4));
  ck_assert_uint_eq(ncalls, 4);
  ck_assert_uint_eq(st.limit_drops, 1);
}
END_TEST

START_TEST(remote_mac_needs_master_and_self) {
  vl2_mac m = mac(1);
  vl2_ipaddr v = ip4(10, 99, 0, 2);
  master(&st, RTM_NEWNEIGH, VX, m);
  ck_assert_uint_eq(ncalls, 0); /* no VTEP yet */
  self(&st, RTM_NEWNEIGH, m, v);
  ck_assert_uint_eq(ncalls, 1);
  expect(0, EVC_MAC_ADD, &m, &v);
  /* Self first, then master: the same. */
  vl2_mac m2 = mac(2);
  self(&st, RTM_NEWNEIGH, m2, v);
  ck_assert_uint_eq(ncalls, 1);
  master(&st, RTM_NEWNEIGH, VX, m2);
  ck_assert_uint_eq(ncalls, 2);
  expect(1, EVC_MAC_ADD, &m2, &v);
  /* Withdrawal: master goes first, the delete names the VTEP. */
  master(&st, RTM_DELNEIGH, VX, m);
  ck_assert_uint_eq(ncalls, 3);
  expect(2, EVC_MAC_DEL, &m, &v);
  self(&st, RTM_DELNEIGH, m, v);
  ck_assert_uint_eq(ncalls, 3);
  ck_assert_uint_eq(st.n_macs, 1);
}
END_TEST

START_TEST(vtep_change_replaces_without_gap) {
  vl2_mac m = mac(1);
  vl2_ipaddr v1 = ip4(10, 99, 0, 2), v2 = ip4(10, 99, 0, 3);
  master(&st, RTM_NEWNEIGH, VX, m);
  self(&st, RTM_NEWNEIGH, m, v1);
  self(&st, RTM_NEWNEIGH, m, v2); /* the MAC moved between remote hosts */
  ck_assert_uint_eq(ncalls, 2);
  expect(1, EVC_MAC_ADD, &m, &v2);
}
END_TEST

START_TEST(remote_to_local_decided_by_master) {
  vl2_mac m = mac(1);
  vl2_ipaddr v = ip4(10, 99, 0, 2);
  master(&st, RTM_NEWNEIGH, VX, m);
  self(&st, RTM_NEWNEIGH, m, v);
  /* The MAC moved here: our master entry on the mirror port replaces
   * zebra's; zebra leaves the stale self entry behind. */
  master(&st, RTM_NEWNEIGH, MP, m);
  ck_assert_uint_eq(ncalls, 2);
  expect(1, EVC_MAC_DEL, &m, &v);
  /* The stale self entry refreshed: still local (no master on vxlan). */
  self(&st, RTM_NEWNEIGH, m, v);
  ck_assert_uint_eq(ncalls, 2);
  /* Local -> remote: only the master entry moves back to the vxlan port;
   * the VTEP comes from the (old) self entry. */
  master(&st, RTM_NEWNEIGH, VX, m);
  ck_assert_uint_eq(ncalls, 3);
  expect(2, EVC_MAC_ADD, &m, &v);
}
END_TEST

START_TEST(ignores_what_is_not_remote_state) {
  vl2_mac m = mac(1);
  vl2_ipaddr v = ip4(10, 99, 0, 2);
  /* The bridge's own permanent entry for the vxlan port's MAC. */
  feed(&st, build(RTM_NEWNEIGH, AF_BRIDGE, VX, 0, NUD_PERMANENT, &m, NULL, BR));
  /* A group MAC (the vxlan device's multicast entries). */
  vl2_mac g = {{0x01, 0x00, 0x5e, 0, 0, 1}};
  feed(&st, build(RTM_NEWNEIGH, AF_BRIDGE, VX, NTF_SELF, NUD_PERMANENT, &g,
                  NULL, 0));
  /* Another device entirely. */
  feed(&st,
       build(RTM_NEWNEIGH, AF_BRIDGE, 99, NTF_SELF, NUD_REACHABLE, &m, &v, 0));
  /* An IPv4 neighbour on the vxlan device (not the bridge). */
  vl2_ipaddr ip = ip4(10, 0, 0, 1);
  feed(&st, build(RTM_NEWNEIGH, AF_INET, VX, NTF_EXT_LEARNED, NUD_NOARP, &m,
                  &ip, 0));
  ck_assert_uint_eq(ncalls, 0);
  ck_assert_uint_eq(st.ignored, 4);
}
END_TEST

START_TEST(remote_neighbours) {
  vl2_mac m = mac(1), m2 = mac(2);
  vl2_ipaddr ip = ip4(10, 100, 0, 2);
  neigh(&st, RTM_NEWNEIGH, NTF_EXT_LEARNED, NUD_NOARP, ip, &m);
  neigh(&st, RTM_NEWNEIGH, NTF_EXT_LEARNED, NUD_NOARP, ip, &m); /* same */
  ck_assert_uint_eq(ncalls, 1);
  ck_assert_uint_eq(calls[0].kind, EVC_NEIGH_ADD);
  ck_assert_mem_eq(&calls[0].ip, &ip, sizeof ip);
  ck_assert_mem_eq(calls[0].mac.b, m.b, 6);
  vl2_mac got;
  ck_assert_int_eq(evc_neigh_lookup(evc_seg_find(&st, 100), &ip, &got), 1);
  /* Rebound to another MAC (the IP moved). */
  neigh(&st, RTM_NEWNEIGH, NTF_EXT_LEARNED, NUD_NOARP, ip, &m2);
  ck_assert_uint_eq(ncalls, 2);
  ck_assert_mem_eq(calls[1].mac.b, m2.b, 6);
  /* Withdrawn: it goes FAILED first, then is deleted. */
  neigh(&st, RTM_NEWNEIGH, NTF_EXT_LEARNED, NUD_FAILED, ip, NULL);
  ck_assert_uint_eq(ncalls, 3);
  ck_assert_uint_eq(calls[2].kind, EVC_NEIGH_DEL);
  neigh(&st, RTM_DELNEIGH, NTF_EXT_LEARNED, NUD_FAILED, ip, NULL);
  ck_assert_uint_eq(ncalls, 3);
  ck_assert_int_eq(evc_neigh_lookup(evc_seg_find(&st, 100), &ip, &got), 0);
  /* A local neighbour (our own NOARP write, no extern_learn): not
   * remote. */
  neigh(&st, RTM_NEWNEIGH, 0, NUD_NOARP, ip4(10, 100, 0, 9), &m);
  ck_assert_uint_eq(ncalls, 3);
}
END_TEST

START_TEST(dump_reconciles) {
  vl2_mac m1 = mac(1), m2 = mac(2);
  vl2_ipaddr a = ip4(10, 99, 0, 2), b = ip4(10, 99, 0, 3);
  vl2_ipaddr ip = ip4(10, 100, 0, 2);
  type3(&st, RTM_NEWNEIGH, a);
  type3(&st, RTM_NEWNEIGH, b);
  master(&st, RTM_NEWNEIGH, VX, m1);
  self(&st, RTM_NEWNEIGH, m1, a);
  master(&st, RTM_NEWNEIGH, VX, m2);
  self(&st, RTM_NEWNEIGH, m2, b);
  neigh(&st, RTM_NEWNEIGH, NTF_EXT_LEARNED, NUD_NOARP, ip, &m2);
  ncalls = 0;
  /* The dump (after an overrun) shows only a and m1: b, m2 and the
   * neighbour were withdrawn while notifications were lost. */
  evc_dump_begin(&st);
  type3(&st, RTM_NEWNEIGH, a);
  master(&st, RTM_NEWNEIGH, VX, m1);
  self(&st, RTM_NEWNEIGH, m1, a);
  evc_dump_end(&st);
  int flood_add_a = 0, mac_add_m1 = 0, flood_del_b = 0, mac_del_m2 = 0,
      neigh_del = 0;
  for (size_t i = 0; i < ncalls; i++) {
    const evc_call *c = &calls[i];
    if (c->kind == EVC_FLOOD_ADD && memcmp(&c->vtep, &a, sizeof a) == 0)
      flood_add_a++;
    if (c->kind == EVC_MAC_ADD && memcmp(c->mac.b, m1.b, 6) == 0)
      mac_add_m1++;
    if (c->kind == EVC_FLOOD_DEL && memcmp(&c->vtep, &b, sizeof b) == 0)
      flood_del_b++;
    if (c->kind == EVC_MAC_DEL && memcmp(c->mac.b, m2.b, 6) == 0)
      mac_del_m2++;
    if (c->kind == EVC_NEIGH_DEL)
      neigh_del++;
  }
  /* What is there is added again (idempotent in the switch). */
  ck_assert_int_ge(flood_add_a, 1);
  ck_assert_int_ge(mac_add_m1, 1);
  ck_assert_int_eq(flood_del_b, 1);
  ck_assert_int_eq(mac_del_m2, 1);
  ck_assert_int_eq(neigh_del, 1);
  ck_assert_uint_eq(st.n_vteps, 1);
  ck_assert_uint_eq(st.n_macs, 1);
  ck_assert_uint_eq(st.n_neighs, 0);
}
END_TEST

START_TEST(mirror_lost_clears_segment) {
  vl2_mac m = mac(1);
  vl2_ipaddr a = ip4(10, 99, 0, 2);
  type3(&st, RTM_NEWNEIGH, a);
  master(&st, RTM_NEWNEIGH, VX, m);
  self(&st, RTM_NEWNEIGH, m, a);
  ncalls = 0;
  evc_seg_clear(&st, evc_seg_find(&st, 100));
  ck_assert_uint_eq(ncalls, 2);
  expect(0, EVC_FLOOD_DEL, NULL, &a);
  expect(1, EVC_MAC_DEL, &m, &a);
  ck_assert_uint_eq(st.n_macs, 0);
}
END_TEST

/* ---- the public adapter, offline, on a real switch ---- */

START_TEST(offline_adapter_drives_the_switch) {
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, NULL), 0);
  vl2_segment_config g;
  memset(&g, 0, sizeof g);
  g.flags = VL2_SEG_F_EVPN | VL2_SEG_F_ARP_SUPPRESS | VL2_SEG_F_DIRECTORY;
  ck_assert_int_eq(vl2_switch_segment_add(sw, 100, &g), 0);
  vl2_port_config pc;
  vl2_port_config_default(&pc, VL2_PORT_ACCESS);
  pc.pvid = 10;
  ck_assert_int_eq(vl2_switch_port_add(sw, 1, &pc), 0);
  ck_assert_int_eq(vl2_switch_port_vlan_add(sw, 1, 10, 100), 0);
  vl2_evpn_config ec;
  vl2_evpn_config_default(&ec);
  ec.flags = VL2_EVPN_F_OFFLINE;
  ec.local = ip4(10, 99, 0, 1);
  vl2_evpn *ev = NULL;
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), 0);
  ck_assert_int_eq(vl2_evpn_segment_add(ev, 100, 0), 0);
  ck_assert_int_eq(vl2_evpn_segment_add(ev, 100, 0), VL2_ERR_EXISTS);
  ck_assert_int_eq(vl2_evpn_segment_add(ev, 200, 0), VL2_ERR_NOTFOUND);
  int ifx[3];
  ck_assert_int_eq(vl2_evpn_segment_ifindex(ev, 100, ifx), 0);
  ck_assert_int_eq(vl2_evpn_get_fd(ev), -1);

  vl2_mac m = mac(1);
  vl2_ipaddr vt = ip4(10, 99, 0, 2), ip = ip4(10, 100, 0, 2);
  /* One buffer with four messages, as one recv() would return them. */
  struct nl_msg *msgs[4] = {
      build(RTM_NEWNEIGH, AF_BRIDGE, ifx[1], NTF_SELF,
            NUD_NOARP | NUD_PERMANENT, &zero_mac, &vt, 0),
      build(RTM_NEWNEIGH, AF_BRIDGE, ifx[1], NTF_EXT_LEARNED, NUD_REACHABLE, &m,
            NULL, (uint32_t)ifx[0]),
      build(RTM_NEWNEIGH, AF_BRIDGE, ifx[1], NTF_SELF | NTF_EXT_LEARNED,
            NUD_REACHABLE, &m, &vt, 0),
      build(RTM_NEWNEIGH, AF_INET, ifx[0], NTF_EXT_LEARNED, NUD_NOARP, &m, &ip,
            0)};
  uint8_t buf[4096];
  size_t len = 0;
  for (int i = 0; i < 4; i++) {
    struct nlmsghdr *h = nlmsg_hdr(msgs[i]);
    memcpy(buf + len, h, h->nlmsg_len);
    len += NLMSG_ALIGN(h->nlmsg_len);
    nlmsg_free(msgs[i]);
  }
  ck_assert_int_eq(vl2_evpn_input(ev, buf, len, 0), 4);
  ck_assert_int_eq(vl2_evpn_input(ev, buf, 10, 0), 0);
  ck_assert_int_eq(vl2_evpn_input(ev, buf, 20, 0), VL2_ERR_MALFORMED);

  /* The MAC is an EVPN entry to the VTEP... */
  vl2_fdb_entry e;
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &m, &e, 0), 0);
  ck_assert_uint_eq(e.flags,
                    VL2_FDB_F_STATIC | VL2_FDB_F_REMOTE | VL2_FDB_F_EVPN);
  ck_assert_mem_eq(&e.remote, &vt, sizeof vt);
  /* ...the neighbour an EVPN entry behind a remote... */
  vl2_neigh_entry n;
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &ip, &n, 0), 0);
  ck_assert_uint_eq(n.flags, VL2_NEIGH_F_STATIC | VL2_NEIGH_F_EVPN);
  ck_assert_uint_eq(n.port, VL2_PORT_REMOTE);
  /* ...and the VTEP is in the flood list: a broadcast reaches it. */
  uint8_t fr[64];
  memset(fr, 0, sizeof fr);
  memset(fr, 0xff, 6);
  fr[6] = 0x02;
  fr[11] = 0x09;
  fr[12] = 0x08;
  vl2_frame f;
  memset(&f, 0, sizeof f);
  f.data = fr;
  f.len = sizeof fr;
  f.port = 1;
  vl2_verdict v;
  vl2_dest d[8];
  ck_assert_int_eq(vl2_switch_process(sw, &f, 1, &v, d, 8, 0), 1);
  ck_assert_uint_eq(v.dest_cnt, 1);
  ck_assert_uint_eq(d[v.dest_off].type, VL2_DEST_REMOTE);
  ck_assert_mem_eq(&d[v.dest_off].remote, &vt, sizeof vt);

  /* The local MAC learned from that frame is written for zebra. */
  vl2_event sev;
  int wrote = 0;
  while (vl2_switch_poll_event(sw, &sev) == 1)
    wrote += vl2_evpn_handle_event(ev, &sev, 0);
  ck_assert_int_eq(wrote, 1);
  vl2_evpn_stats s;
  ck_assert_int_eq(vl2_evpn_get_stats(ev, &s), 0);
  ck_assert_uint_eq(s.local_mac_writes, 1);
  ck_assert_uint_eq(s.flood_adds, 1);
  ck_assert_uint_eq(s.mac_adds, 1);
  ck_assert_uint_eq(s.neigh_adds, 1);
  ck_assert_uint_eq(s.vteps, 1);
  /* The size rule of the `_versioned` counter getters: an older
   * (shorter) struct gets its prefix, a newer (longer) one zeros after
   * the library's counters, size 0 is refused. */
  VL2T_STATS_SIZE_RULE(vl2_evpn_stats, offsetof(vl2_evpn_stats, mac_adds),
                       vl2_evpn_get_stats_versioned(ev, vl2t_sz, vl2t_st));
  ck_assert_int_eq(vl2_evpn_get_stats_versioned(NULL, sizeof(s), &s),
                   VL2_ERR_INVALID);

  /* Directory mode: a lookup of a known IP is answered, an unknown one
   * refused. */
  vl2_event q;
  memset(&q, 0, sizeof q);
  q.type = VL2_EV_NEIGH_LOOKUP;
  q.vni = 100;
  q.ip = ip4(10, 100, 0, 77);
  ck_assert_int_eq(vl2_evpn_handle_event(ev, &q, 0), 1);
  ck_assert_int_eq(vl2_evpn_get_stats(ev, &s), 0);
  ck_assert_uint_eq(s.dir_refused, 1);

  /* Withdrawal of the segment removes what the adapter installed. */
  ck_assert_int_eq(vl2_evpn_segment_del(ev, 100), 0);
  ck_assert_int_eq(vl2_fdb_lookup(sw, 100, &m, &e, 0), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_neigh_lookup(sw, 100, &ip, &n, 0), VL2_ERR_NOTFOUND);
  ck_assert_int_eq(vl2_evpn_segment_del(ev, 100), VL2_ERR_NOTFOUND);
  vl2_evpn_del(ev);
  vl2_evpn_del(NULL);
  vl2_switch_del(sw);
}
END_TEST

START_TEST(config_is_checked) {
  vl2_switch *sw = NULL;
  ck_assert_int_eq(vl2_switch_new(&sw, NULL, NULL), 0);
  vl2_evpn_config ec;
  vl2_evpn *ev = NULL;
  ck_assert_int_eq(vl2_evpn_config_default(NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_evpn_config_default_versioned(99, &ec), VL2_ERR_VERSION);
  vl2_evpn_config_default(&ec);
  ec.flags = VL2_EVPN_F_OFFLINE;
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), VL2_ERR_INVALID);
  ec.local = ip4(10, 99, 0, 1);
  memcpy(ec.name_prefix, "BAD!", 5);
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), VL2_ERR_INVALID);
  memcpy(ec.name_prefix, "toolong", 8);
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), VL2_ERR_INVALID);
  memcpy(ec.name_prefix, "ok", 3);
  ec.max_vteps = 0;
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), VL2_ERR_INVALID);
  ec.max_vteps = 4;
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, NULL, NULL), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_evpn_new(&ev, &ec, sw, NULL), 0);
  ck_assert_int_eq(vl2_evpn_segment_add(ev, 0, 0), VL2_ERR_INVALID);
  ck_assert_int_eq(vl2_evpn_segment_add(ev, 1u << 24, 0), VL2_ERR_INVALID);
  vl2_evpn_del(ev);
  vl2_switch_del(sw);
}
END_TEST

int main(void) {
  Suite *s = suite_create("evpn_classify");
  TCase *tc = tcase_create("classify");
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, parse_fields);
  tcase_add_test(tc, flood_list_from_type3);
  tcase_add_test(tc, remote_mac_needs_master_and_self);
  tcase_add_test(tc, vtep_change_replaces_without_gap);
  tcase_add_test(tc, remote_to_local_decided_by_master);
  tcase_add_test(tc, ignores_what_is_not_remote_state);
  tcase_add_test(tc, remote_neighbours);
  tcase_add_test(tc, dump_reconciles);
  tcase_add_test(tc, mirror_lost_clears_segment);
  suite_add_tcase(s, tc);
  TCase *tp = tcase_create("adapter");
  tcase_add_test(tp, offline_adapter_drives_the_switch);
  tcase_add_test(tp, config_is_checked);
  suite_add_tcase(s, tp);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * Internal: the EVPN adapter's pure part. Turns neighbour messages (what
 * zebra wrote on a mirror bridge and vxlan device) into calls on the
 * switch, keeping per segment the flood list, the remote MACs (master and
 * self entries paired) and the remote neighbours. No I/O: messages come
 * in as evc_msg records (evc_msg_from_nl() parses netlink bytes with
 * libnl, without a socket) and calls go out through |emit|, so unit tests
 * feed recorded or constructed messages and compare the calls.
 */
#ifndef VL2_EVPN_CLASSIFY_H
#define VL2_EVPN_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>

#include <vl2/common.h>

struct nlmsghdr;

/* A neighbour message as the classifier sees it. */
typedef struct evc_msg {
  uint16_t type;  /* RTM_NEWNEIGH or RTM_DELNEIGH */
  uint8_t family; /* AF_BRIDGE, AF_INET or AF_INET6 */
  uint8_t ntf;    /* ndm_flags: NTF_SELF, NTF_MASTER, NTF_EXT_LEARNED */
  uint16_t state; /* ndm_state: NUD_* */
  uint8_t has_lladdr;
  uint8_t has_dst;
  int ifindex;
  int master;     /* NDA_MASTER, 0 when absent */
  vl2_mac lladdr; /* NDA_LLADDR */
  vl2_ipaddr dst; /* NDA_DST: the VTEP (AF_BRIDGE) or the IP (AF_INET*) */
} evc_msg;

/* Parse one RTM_NEWNEIGH/RTM_DELNEIGH message (libnl's parser; no
 * socket). Returns 0, or -1 when it is not a neighbour message or does
 * not parse. */
int evc_msg_from_nl(struct nlmsghdr *nlh, evc_msg *m);

/* The calls the classifier makes on the switch. */
enum evc_kind {
  EVC_FLOOD_ADD = 1, /* vtep joins vni's flood list (type-3) */
  EVC_FLOOD_DEL,     /* vtep leaves it */
  EVC_MAC_ADD,       /* mac is behind vtep (type-2, control plane) */
  EVC_MAC_DEL,       /* mac no longer behind vtep (guarded delete) */
  EVC_NEIGH_ADD,     /* ip -> mac behind a remote endpoint (MAC/IP) */
  EVC_NEIGH_DEL,     /* withdrawn (guarded by mac) */
};

typedef struct evc_call {
  uint8_t kind; /* enum evc_kind */
  uint32_t vni;
  vl2_mac mac;
  vl2_ipaddr ip;
  vl2_ipaddr vtep;
} evc_call;

typedef void (*evc_emit_fn)(void *ctx, const evc_call *c);

typedef struct evc_mac evc_mac;
typedef struct evc_neigh evc_neigh;

typedef struct evc_vtep {
  vl2_ipaddr addr;
  uint8_t stale; /* not seen in the dump in progress */
} evc_vtep;

typedef struct evc_seg {
  uint32_t vni;
  int br, vx, mp; /* ifindexes of the bridge, vxlan device, mirror port */
  evc_vtep *vteps;
  uint32_t n_vteps;
  evc_mac *macs;     /* uthash by mac */
  evc_neigh *neighs; /* uthash by ip */
} evc_seg;

typedef struct evc_limits {
  uint32_t max_segments, max_vteps, max_macs, max_neigh;
} evc_limits;

typedef struct evc_state {
  vl2_mem mem;
  evc_limits lim;
  evc_seg *segs; /* [max_segments] */
  uint32_t n_segs;
  uint32_t n_macs, n_neighs, n_vteps;
  uint8_t dumping; /* a dump is in progress: refreshed entries re-add */
  uint64_t ignored, limit_drops;
  evc_emit_fn emit;
  void *ctx;
} evc_state;

/* Set up |st| (copies |mem|, NULL for libc). Returns 0 or VL2_ERR_NOMEM. */
int evc_init(evc_state *st, const vl2_mem *mem, const evc_limits *lim,
             evc_emit_fn emit, void *ctx);
/* Free everything; emits nothing. */
void evc_fini(evc_state *st);

/* Serve a segment with these ifindexes. Returns it, or NULL (limit). */
evc_seg *evc_seg_add(evc_state *st, uint32_t vni, int br, int vx, int mp);
evc_seg *evc_seg_find(evc_state *st, uint32_t vni);
/* Forget a segment; with |emit_dels|, emit the removal of everything it
 * installed first. */
void evc_seg_del(evc_state *st, evc_seg *seg, int emit_dels);
/* Drop every entry of |seg| (the mirror vxlan device is gone: the kernel
 * removed what was on it), emitting the removals. */
void evc_seg_clear(evc_state *st, evc_seg *seg);

/* Classify one message, emitting 0..2 calls. Returns 1 when it was about
 * a served mirror object, 0 when ignored. */
int evc_input(evc_state *st, const evc_msg *m);

/* Reconciliation: evc_dump_begin() marks every entry stale and makes
 * refreshed entries re-add (idempotent); feed the dump through
 * evc_input(); evc_dump_end() removes what was not refreshed. */
void evc_dump_begin(evc_state *st);
void evc_dump_end(evc_state *st);

/* The MAC of a remote neighbour |ip| in |seg|, for directory answers.
 * Returns 1 and writes |mac|, or 0. */
int evc_neigh_lookup(const evc_seg *seg, const vl2_ipaddr *ip, vl2_mac *mac);

#endif /* !defined(VL2_EVPN_CLASSIFY_H) */

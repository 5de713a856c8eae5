/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Software offloads shared by the backends and programs: finishing a
 * partial (CHECKSUM_PARTIAL) TCP/UDP checksum, and segmenting a GSO
 * super-frame described by a virtio_net_hdr, the way a NIC without those
 * offloads needs its frames.
 *
 * Where it fits: the AF_PACKET backend finishes received frames with it
 * before they reach the core; vl2-switch finishes frames carrying
 * ::VL2_FRAME_F_VNET_HDR for destinations that cannot take the offload
 * (the UDP underlay, AF_PACKET ports, TAPs without `offload=1`). Pure
 * functions on byte buffers; not installed. Build it into the user by
 * adding backends/common/vl2_offload.c to its sources.
 */
#ifndef VL2_OFFLOAD_H
#define VL2_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The GSO description of a super-frame (from a virtio_net_hdr). */
typedef struct vl2_off_gso {
  uint8_t type;     /* VIRTIO_NET_HDR_GSO_* without the ECN bit */
  uint16_t size;    /* payload bytes per segment (MSS) */
  uint32_t l3_off;  /* IP header offset in the (untagged) frame */
  uint32_t l4_off;  /* TCP/UDP header offset */
  uint32_t hdr_len; /* bytes of headers copied into every segment */
  uint32_t payload; /* payload bytes after hdr_len */
  uint32_t nseg;    /* number of segments */
  bool v6;          /* IPv6 (else IPv4) */
} vl2_off_gso;

/* Complete the Internet checksum of |f|[|start|, |len|) whose 16-bit
 * field at |start| + |off| holds the pseudo-header seed (CHECKSUM_PARTIAL
 * semantics). Returns false, leaving |f| unchanged, when the offsets do
 * not fit in |len|. */
bool vl2_off_csum_complete(uint8_t *f, uint32_t len, uint32_t start,
                           uint32_t off);

/* Find the L4 checksum of an Ethernet frame |f| of |len| bytes (tags in
 * the data are skipped) for IPv4/IPv6 TCP or UDP, and write its start and
 * field offset. Returns false for anything else. */
bool vl2_off_csum_locate(const uint8_t *f, uint32_t len, uint32_t *start,
                         uint32_t *off);

/* Fill |g| for a frame |f| of |len| bytes with virtio GSO type |type| and
 * segment size |gso_size|. Returns false for GSO this code cannot do
 * (UFO, unknown types, IP options it cannot parse, inconsistent lengths). */
bool vl2_off_gso_prepare(const uint8_t *f, uint32_t len, uint8_t type,
                         uint16_t gso_size, vl2_off_gso *g);

/* Write segment |i| (< g->nseg) of |f| into |dst| (room for at least
 * g->hdr_len + g->size bytes) with its IP length, IPv4 id and checksum,
 * TCP sequence number and flags or UDP length, and L4 checksum fixed.
 * Returns the segment's length. */
uint32_t vl2_off_gso_segment(const uint8_t *f, const vl2_off_gso *g, uint32_t i,
                             uint8_t *dst);

#endif /* !defined(VL2_OFFLOAD_H) */

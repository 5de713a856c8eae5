/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup af_packet AF_PACKET backend
 *
 * A port on an existing Linux network interface, through packet sockets:
 * a TPACKET_V3 receive ring and a TPACKET_V2 transmit ring (library
 * `libvl2-af_packet`, CMake target `vl2::af_packet`).
 *
 * Open it with vl2_backend_open() and ::vl2_af_packet_ops:
 *
 * @code
 * vl2_backend *be;
 * int rv = vl2_backend_open(&be, &vl2_af_packet_ops,
 *                           "iface=eth1,promisc=1", 3, NULL);
 * @endcode
 *
 * Keys of the argument string ("key=value,key=value"):
 * | key | default | meaning |
 * | --- | --- | --- |
 * | `iface` | (required) | interface name |
 * | `promisc` | 1 | 1: put the interface in promiscuous mode (a packet socket
 * membership, undone when the backend closes) | | `block_size` | 262144 |
 * receive ring block size in bytes: a multiple of the page size, a power of two
 * | | `block_count` | 16 | receive ring blocks | | `frame_size` | 2048 |
 * receive frame slot hint (a power of two, >= 128) and transmit slot size | |
 * `tx_frames` | 512 | transmit ring slots (rounded to fill whole pages) | |
 * `block_timeout_ms` | 1 | a partly filled receive block is handed over after
 * this long | | `vnet_hdr` | 1 | 1: receive the kernel's offload metadata
 * (struct virtio_net_hdr); see below | | `fanout` | none | join PACKET_FANOUT
 * group 0..65535 (several backends on one interface share its traffic) | |
 * `fanout_mode` | hash | `hash`, `lb`, `cpu`, `rollover`, `rnd` or `qm` | |
 * `qdisc_bypass` | 0 | 1: PACKET_QDISC_BYPASS on the transmit socket | |
 * `scratch_size` | 262144 | bytes of the per-instance buffer that holds frames
 * the backend had to rebuild (segments, see below) |
 *
 * What the core receives is always a complete frame as it was (or would
 * have been) on the wire:
 * - 802.1Q/802.1ad tags that the kernel moved into packet metadata are put
 *   back after the MAC addresses (TPID from the metadata when the kernel
 *   gives it, else 0x8100);
 * - a TCP/UDP checksum the kernel left partial (CHECKSUM_PARTIAL, as veth
 *   and local senders do) is completed in software;
 * - with `vnet_hdr=1`, a GSO super-frame (TSO from a veth peer, up to
 *   64 KiB) is segmented in software into frames of the sender's segment
 *   size (TCP over IPv4/IPv6, and UDP_L4); other GSO types are dropped and
 *   counted in `rx_errors`. With `vnet_hdr=0` the kernel gives no segment
 *   size, so a GSO super-frame arrives whole (longer than the MTU; egress
 *   backends drop it) and partial checksums are found by parsing the
 *   headers instead. Frames the ring had to truncate are never handed
 *   over; they are counted in `rx_dropped`.
 *
 * Frames this backend sends itself are not received back
 * (PACKET_IGNORE_OUTGOING). When the interface disappears, rx_burst and
 * tx_burst return ::VL2_ERR_CLOSED (and keep doing so); when it is only
 * down they return `-ENETDOWN` once and then nothing arrives until it is up.
 *
 * `rx_ts` of received frames is the caller's `now` (the kernel's packet
 * timestamps are wall-clock, not monotonic).
 *
 * Needs CAP_NET_RAW. Not thread-safe: one thread per instance (use
 * `fanout` for several threads on one interface).
 * @{
 */
#ifndef VL2_AF_PACKET_H
#define VL2_AF_PACKET_H

#include <vl2/backend_ops.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The AF_PACKET backend implementation; pass it to vl2_backend_open().
 * Its `open` may return, besides the errors of vl2_backend_open():
 * ::VL2_ERR_INVALID for a missing `iface` or a bad key/value,
 * `-ENODEV` for an unknown interface, `-EPERM` without CAP_NET_RAW, and
 * other `-errno` values from socket setup.
 *
 * @since 0.1.0
 */
VL2_EXTERN extern const vl2_backend_ops vl2_af_packet_ops;

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_AF_PACKET_H) */

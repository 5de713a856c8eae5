/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup egress Egress
 *
 * The last stage of the pipeline: turn a frame and one destination of its
 * verdict into the bytes to send.
 *
 * vl2_switch_process() (and vl2_switch_poll_tx()) say where a frame goes;
 * vl2_egress_build() makes what goes there, for one ::vl2_dest:
 *
 *  1. software completion of offloads the destination cannot take: a
 *     frame carrying a virtio-net header (::VL2_FRAME_F_VNET_HDR) that
 *     asks for a checksum gets it computed; a GSO super-frame (up to
 *     64 KiB) is cut into MSS-sized segments, each with its IP length,
 *     IPv4 id and header checksum, TCP sequence number and flags or UDP
 *     length, and L4 checksum fixed (as the kernel's GSO does);
 *  2. the 802.1Q tag edit of the destination (vl2_vlan_apply_edit());
 *  3. for a remote endpoint, the tunnel encapsulation (VXLAN, RFC 7348,
 *     or Geneve, RFC 8926) with the destination's outer UDP source port.
 *
 * A destination that takes offloads (::VL2_EGRESS_CAP_VNET_HDR, e.g. a
 * TAP opened with `offload=1`) gets the frame edited with its virtio-net
 * header kept in front and the header's offsets moved with the edit.
 *
 * The lower-level pieces (checksum completion, GSO segmentation) are
 * exported too, for backends that finish received frames (AF_PACKET) and
 * for tests.
 *
 * Pure: no allocation, no OS calls; every function is thread-safe on
 * distinct buffers.
 * @{
 */
#ifndef VL2_EGRESS_H
#define VL2_EGRESS_H

#include <vl2/common.h>
#include <vl2/geneve.h>
#include <vl2/switch.h>
#include <vl2/vxlan.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @name The virtio-net header (`struct virtio_net_hdr`)
 * @{ */

/** The header of ::VL2_FRAME_F_VNET_HDR, as `<linux/virtio_net.h>`
 * defines it (without `num_buffers`), fields in host byte order. Offsets
 * count from the start of the Ethernet frame. */
typedef struct vl2_vnet_hdr {
  uint8_t flags;        /**< ::VL2_VNET_F_NEEDS_CSUM, or 0. */
  uint8_t gso_type;     /**< `VL2_VNET_GSO_*`, maybe | ::VL2_VNET_GSO_ECN. */
  uint16_t hdr_len;     /**< Bytes of headers (Ethernet to L4). */
  uint16_t gso_size;    /**< Payload bytes per segment (the MSS). */
  uint16_t csum_start;  /**< Where checksumming starts (the L4 header). */
  uint16_t csum_offset; /**< The checksum field, from `csum_start`. */
} vl2_vnet_hdr;

/** `flags`: the L4 checksum field holds only the pseudo-header sum
 * (CHECKSUM_PARTIAL); complete it over `csum_start` .. end. */
#define VL2_VNET_F_NEEDS_CSUM 1u
/** `gso_type`: not a super-frame. */
#define VL2_VNET_GSO_NONE 0u
/** `gso_type`: TCP over IPv4 (TSO). */
#define VL2_VNET_GSO_TCPV4 1u
/** `gso_type`: UDP fragmentation offload (not supported: refused). */
#define VL2_VNET_GSO_UDP 3u
/** `gso_type`: TCP over IPv6 (TSO6). */
#define VL2_VNET_GSO_TCPV6 4u
/** `gso_type`: UDP segmentation (USO, UDP_SEGMENT). */
#define VL2_VNET_GSO_UDP_L4 5u
/** `gso_type` bit: the TCP stream uses ECN (CWR only on the first
 * segment). */
#define VL2_VNET_GSO_ECN 0x80u

/** @} */

/** @name Software offloads
 * @{ */

/**
 * Complete a partial (CHECKSUM_PARTIAL) TCP/UDP checksum in place: sum
 * `f[start .. len)`, whose 16-bit field at `start + off` holds the
 * pseudo-header sum, and store the complement there (0 becomes 0xffff),
 * as the kernel's skb_checksum_help() does (RFC 1071).
 *
 * @param f
 *   The frame (Ethernet header first); modified in place.
 * @param len
 *   Bytes at @p f.
 * @param start
 *   Offset of the checksummed data (`csum_start`).
 * @param off
 *   Offset of the checksum field from @p start (`csum_offset`: 16 for
 *   TCP, 6 for UDP).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p f is NULL.
 * @retval VL2_ERR_MALFORMED the field does not fit in @p len; @p f is
 *         unchanged.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_csum_complete(uint8_t *f, size_t len, size_t start,
                                 size_t off);

/**
 * Find the L4 checksum of an Ethernet frame: skip in-data 802.1Q/802.1ad
 * tags, IPv4 (unfragmented) or IPv6 (with hop-by-hop, routing and
 * destination options), then TCP or UDP.
 *
 * @param f
 *   The frame; borrowed for the call.
 * @param len
 *   Bytes at @p f.
 * @param start
 *   Written with the L4 header's offset.
 * @param off
 *   Written with the checksum field's offset from @p start.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID a NULL argument.
 * @retval VL2_ERR_UNSUPPORTED not TCP or UDP over IPv4/IPv6, or truncated.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_csum_locate(const uint8_t *f, size_t len, uint32_t *start,
                               uint32_t *off);

/** A GSO super-frame's layout (vl2_gso_prepare()). */
typedef struct vl2_gso {
  uint8_t type;     /**< `VL2_VNET_GSO_*` without ::VL2_VNET_GSO_ECN. */
  uint8_t v6;       /**< 1: IPv6; 0: IPv4. */
  uint16_t size;    /**< Payload bytes per segment (the MSS). */
  uint32_t l3_off;  /**< IP header offset. */
  uint32_t l4_off;  /**< TCP/UDP header offset. */
  uint32_t hdr_len; /**< Bytes of headers copied into every segment. */
  uint32_t payload; /**< Payload bytes after `hdr_len`. */
  uint32_t nseg;    /**< Number of segments (at least 1). */
} vl2_gso;

/**
 * Describe a super-frame for segmentation.
 *
 * @param f
 *   The super-frame (Ethernet header first, tags allowed); borrowed.
 * @param len
 *   Bytes at @p f.
 * @param type
 *   Its virtio `gso_type` (::VL2_VNET_GSO_ECN is ignored).
 * @param gso_size
 *   Payload bytes per segment (the MSS), at least 1.
 * @param g
 *   Written on success.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID a NULL argument.
 * @retval VL2_ERR_UNSUPPORTED UFO, an unknown type, a fragment, a
 *         transport that does not match @p type.
 * @retval VL2_ERR_MALFORMED headers truncated or inconsistent, or a
 *         @p gso_size of 0.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_gso_prepare(const uint8_t *f, size_t len, uint8_t type,
                               uint16_t gso_size, vl2_gso *g);

/**
 * Write segment @p i of a super-frame: its headers with lengths, IPv4 id
 * (+ @p i) and header checksum, TCP sequence number (+ @p i × `size`),
 * FIN/PSH only on the last and CWR only on the first segment, UDP length,
 * and the L4 checksum all fixed.
 *
 * @param f
 *   The super-frame @p g describes; borrowed.
 * @param g
 *   From vl2_gso_prepare().
 * @param i
 *   The segment, below `g->nseg`.
 * @param dst
 *   Written; room for `g->hdr_len + g->size` bytes. Must not overlap
 *   @p f.
 * @return
 *   The segment's length in bytes.
 * @since 0.2.0
 */
VL2_EXTERN uint32_t vl2_gso_segment(const uint8_t *f, const vl2_gso *g,
                                    uint32_t i, uint8_t *dst);

/** @} */

/** @name The egress stage
 * @{ */

/** Version 1 of ::vl2_egress_params. */
#define VL2_EGRESS_PARAMS_V1 1
/** The ::vl2_egress_params version these headers describe. */
#define VL2_EGRESS_PARAMS_VERSION VL2_EGRESS_PARAMS_V1

/** Destination capability: it takes a virtio-net header in front of the
 * frame and does the checksum and segmentation itself (a TAP opened with
 * `offload=1`). Only ::VL2_DEST_PORT destinations use it. */
#define VL2_EGRESS_CAP_VNET_HDR 0x1u

/** Tunnel: VXLAN (RFC 7348) with `vxlan`. */
#define VL2_EGRESS_TUNNEL_VXLAN 0u
/** Tunnel: Geneve (RFC 8926) with `geneve` and `geneve_opts`. */
#define VL2_EGRESS_TUNNEL_GENEVE 1u

/**
 * How to build what leaves for a class of destinations. Fill it with
 * vl2_egress_params_default(); vl2_egress_build() reads it for the call
 * only (the config it points to is borrowed for the call too).
 */
typedef struct vl2_egress_params {
  /** Tunnel configuration for ::VL2_DEST_REMOTE destinations (the local
   * address, UDP port, checksum policy, underlay MTU of
   * vl2_vxlan_encap()). NULL: a remote destination gets the edited inner
   * frame only, for programs whose underlay encapsulates (a kernel VXLAN
   * device, a capture of inner frames). Default NULL. */
  const vl2_vxlan_config *vxlan;
  /** With ::VL2_EGRESS_TUNNEL_GENEVE: the Geneve configuration
   * (vl2_geneve_encap()); NULL: inner frame only, as for `vxlan`. */
  const vl2_geneve_config *geneve;
  /** Geneve option TLVs every packet carries (vl2_geneve_opt_put()), or
   * NULL; borrowed for the call. */
  const uint8_t *geneve_opts;
  /** Bytes at `geneve_opts`: a multiple of 4, at most
   * ::VL2_GENEVE_OPT_MAX. Default 0. */
  uint16_t geneve_opt_len;
  /** `VL2_VXLAN_LAYER_*`: how much of the outer packet to build (UDP
   * payload, IP packet or Ethernet frame). Default
   * ::VL2_VXLAN_LAYER_UDP. */
  uint8_t layer;
  uint8_t tunnel;     /**< `VL2_EGRESS_TUNNEL_*`. Default VXLAN. */
  uint16_t caps;      /**< `VL2_EGRESS_CAP_*` of the destination. Default 0. */
  uint16_t reserved0; /**< Zero. */
  uint32_t reserved1; /**< Zero. */
  vl2_mac eth_dst;    /**< ::VL2_VXLAN_LAYER_ETH: the next hop's MAC. */
  vl2_mac eth_src;    /**< ::VL2_VXLAN_LAYER_ETH: the underlay port's MAC. */
} vl2_egress_params;

/**
 * Fill @p p with the defaults of version @p version. Call through
 * vl2_egress_params_default().
 *
 * @param version
 *   ::VL2_EGRESS_PARAMS_VERSION.
 * @param p
 *   Written.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p p is NULL.
 * @retval VL2_ERR_VERSION unknown @p version.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_egress_params_default_versioned(int version,
                                                   vl2_egress_params *p);
/** vl2_egress_params_default_versioned() with the version of these
 * headers. */
#define vl2_egress_params_default(p)                                           \
  vl2_egress_params_default_versioned(VL2_EGRESS_PARAMS_VERSION, (p))

/** ::vl2_egress_pkt flag: a ::vl2_vnet_hdr sits in the
 * ::VL2_VNET_HDR_LEN bytes before the packet (its offsets moved with the
 * tag edit); hand the packet on with ::VL2_FRAME_F_VNET_HDR. */
#define VL2_EGRESS_PKT_F_VNET_HDR VL2_FRAME_F_VNET_HDR
/** ::vl2_egress_pkt flag: its L4 checksum was completed in software. */
#define VL2_EGRESS_PKT_F_CSUM 0x2u
/** ::vl2_egress_pkt flag: one segment of a super-frame segmented in
 * software. */
#define VL2_EGRESS_PKT_F_GSO 0x4u

/** One packet vl2_egress_build() wrote. */
typedef struct vl2_egress_pkt {
  uint32_t off;   /**< Its first byte, as an offset into the output buffer. */
  uint32_t len;   /**< Its length in bytes. */
  uint32_t flags; /**< `VL2_EGRESS_PKT_F_*`. */
  uint32_t reserved; /**< Zero. */
} vl2_egress_pkt;

/**
 * Build the bytes that leave for destination @p d of frame @p f.
 *
 * Output shape: the packets are written back to back into @p buf:
 * `pkts[i + 1].off == pkts[i].off + pkts[i].len`. All segments of a
 * super-frame but the last have the same length, so for a UDP underlay
 * the whole run (`pkts[0].off` .. end of the last) can go to the kernel
 * as one UDP GSO send with segment size `pkts[0].len` (UDP_SEGMENT).
 * `pkts[0].off` may be above 0: room for a pushed tag's shift, or the
 * ::vl2_vnet_hdr in front (::VL2_EGRESS_PKT_F_VNET_HDR).
 *
 * Shapes by case:
 *  - no offload work (no header, or one asking for nothing): one packet,
 *    the frame with the edit, encapsulated for a remote;
 *  - a header asking for a checksum: one packet, checksum completed
 *    (::VL2_EGRESS_PKT_F_CSUM), unless the destination takes offloads;
 *  - a GSO super-frame: `nseg` packets (::VL2_EGRESS_PKT_F_GSO), each
 *    edited and encapsulated, unless the destination takes offloads;
 *  - a destination with ::VL2_EGRESS_CAP_VNET_HDR: one packet with the
 *    header in front (::VL2_EGRESS_PKT_F_VNET_HDR), `csum_start` and
 *    `hdr_len` moved by the edit (+4 push, -4 pop).
 *
 * Sizes: one packet needs at most `f->len + 4` bytes (+ the tunnel's
 * vl2_vxlan_overhead(), + ::VL2_VNET_HDR_LEN); a super-frame needs
 * `nseg × (hdr_len + gso_size + 4 + overhead)` bytes and `nseg` entries
 * in @p pkts (vl2_gso_prepare() gives `nseg`). 64 KiB + 64 × 128 bytes
 * and 64 entries cover any super-frame with an MSS of at least 1024.
 *
 * @param p
 *   The destination class's parameters; borrowed for the call.
 * @param f
 *   The frame as vl2_switch_process() saw it (or from
 *   vl2_switch_poll_tx()); borrowed, never modified. With
 *   ::VL2_FRAME_F_VNET_HDR its header is read at `f->data -
 *   VL2_VNET_HDR_LEN`.
 * @param d
 *   One destination of its verdict; borrowed.
 * @param buf
 *   Written with the packets; must not overlap the frame.
 * @param cap
 *   Bytes at @p buf.
 * @param pkts
 *   Written with one entry per packet.
 * @param pkts_cap
 *   Entries at @p pkts.
 * @return
 *   The number of packets written (at least 1).
 * @retval VL2_ERR_INVALID a NULL argument, an unknown `p->tunnel`, bad
 *         Geneve options, or a destination edit vl2_vlan_apply_edit()
 *         refuses.
 * @retval VL2_ERR_NOBUF @p cap or @p pkts_cap is too small; nothing is
 *         usable.
 * @retval VL2_ERR_MALFORMED the frame is too short for its edit, or its
 *         virtio-net header's offsets do not fit.
 * @retval VL2_ERR_UNSUPPORTED a super-frame vl2_gso_prepare() refuses.
 * @retval VL2_ERR_LIMIT a packet larger than the underlay MTU (from
 *         vl2_vxlan_encap() or vl2_geneve_encap()).
 * @since 0.2.0
 */
VL2_EXTERN vl2_ssize vl2_egress_build(const vl2_egress_params *p,
                                      const vl2_frame *f, const vl2_dest *d,
                                      uint8_t *buf, size_t cap,
                                      vl2_egress_pkt *pkts, size_t pkts_cap);

/**
 * Whether @p f can leave for @p d exactly as it is (a port destination
 * with ::VL2_EDIT_KEEP and no offload work the destination cannot take),
 * so a program may hand the received buffer on without a copy.
 *
 * @param p
 *   The destination class's parameters; borrowed.
 * @param f
 *   The frame; borrowed.
 * @param d
 *   The destination; borrowed.
 * @return
 *   1 when vl2_egress_build() would only copy the frame: hand @p f on
 *   as it is, with ::VL2_FRAME_F_VNET_HDR kept only for a destination
 *   with ::VL2_EGRESS_CAP_VNET_HDR (a header that asks for nothing is
 *   simply dropped for the others); 0 otherwise (also for a NULL
 *   argument).
 * @since 0.2.0
 */
VL2_EXTERN int vl2_egress_is_noop(const vl2_egress_params *p,
                                  const vl2_frame *f, const vl2_dest *d);

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_EGRESS_H) */

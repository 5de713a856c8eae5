/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup vxlan VXLAN encapsulation (RFC 7348)
 *
 * Pure helpers for the overlay: write the outer headers of a VXLAN packet
 * into the headroom in front of an inner Ethernet frame, parse and
 * validate a received VXLAN packet, and compute the flow hash that picks
 * the outer UDP source port (RFC 7348 section 5) so ECMP routers spread
 * flows while one flow always takes one path.
 *
 * Packet layout (RFC 7348 section 5):
 * @verbatim
   outer Ethernet (14)       only in layer ::VL2_VXLAN_LAYER_ETH
   outer IPv4 (20) or IPv6 (40), protocol / next header 17
   outer UDP (8)             dst port 4789 by default
   VXLAN (8)                 flags 0x08 (I), 24 reserved bits, VNI (24),
                             8 reserved bits
   inner Ethernet frame      from its destination MAC, no FCS
   @endverbatim
 *
 * Three layers are offered, for three kinds of underlay:
 * - ::VL2_VXLAN_LAYER_UDP: only the 8-byte VXLAN header; the UDP payload
 *   that a UDP-socket underlay (backends/udp, `vl2_udp_ops`) sends and
 *   receives, the kernel doing IP and UDP;
 * - ::VL2_VXLAN_LAYER_IP: outer IP + UDP + VXLAN, for raw IP sockets;
 * - ::VL2_VXLAN_LAYER_ETH: outer Ethernet + IP + UDP + VXLAN, for
 *   AF_PACKET, DPDK or pcap underlays.
 *
 * MTU: the underlay MTU is the outer IP packet's limit (what `ip link`
 * shows). An inner frame fits when its length plus the outer IP, UDP and
 * VXLAN headers (36 bytes over IPv4, 56 over IPv6) is at most the MTU, so
 * the inner IP MTU is the underlay MTU minus the familiar 50 (IPv4) or 70
 * (IPv6) bytes. Packets are never fragmented: a frame that does not fit
 * is refused with ::VL2_ERR_LIMIT (reason ::VL2_VXLAN_R_TOO_BIG), for the
 * caller to drop and count (RFC 7348 section 4.3: VTEPs MUST NOT fragment).
 * Outer IPv4 packets carry DF.
 *
 * Everything here is pure (no allocation, no OS calls) and thread-safe:
 * the functions touch only the memory they are given.
 * @{
 */
#ifndef VL2_VXLAN_H
#define VL2_VXLAN_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The IANA-assigned VXLAN UDP destination port (RFC 7348 section 5). */
#define VL2_VXLAN_PORT 4789
/** Length of the VXLAN header, bytes (RFC 7348 section 5). */
#define VL2_VXLAN_HLEN 8
/** The VXLAN flags byte's I flag: the VNI is valid (RFC 7348 section 5). */
#define VL2_VXLAN_FLAG_I 0x08u
/** Default low end of the outer UDP source-port range: the dynamic/private
 * range, as RFC 7348 section 5 recommends. */
#define VL2_VXLAN_SPORT_LO 49152
/** Default high end of the outer UDP source-port range. */
#define VL2_VXLAN_SPORT_HI 65535
/** The shortest inner frame accepted: an Ethernet header. */
#define VL2_VXLAN_INNER_MIN 14

/** Layer: the UDP payload only (VXLAN header + inner frame). */
#define VL2_VXLAN_LAYER_UDP 0
/** Layer: from the outer IP header (IPv4 or IPv6). */
#define VL2_VXLAN_LAYER_IP 1
/** Layer: from the outer Ethernet header (untagged). */
#define VL2_VXLAN_LAYER_ETH 2

/** Outer-header bytes in front of the inner frame, layer
 * ::VL2_VXLAN_LAYER_ETH, IPv4: 14 + 20 + 8 + 8. */
#define VL2_VXLAN_OVERHEAD_IPV4 50
/** Outer-header bytes in front of the inner frame, layer
 * ::VL2_VXLAN_LAYER_ETH, IPv6: 14 + 40 + 8 + 8. */
#define VL2_VXLAN_OVERHEAD_IPV6 70
/** The most headroom vl2_vxlan_encap() can need (IPv6, outer Ethernet). */
#define VL2_VXLAN_HEADROOM_MAX VL2_VXLAN_OVERHEAD_IPV6

/** @name Configuration
 * @{ */

/** Config flag: compute the outer UDP checksum over IPv4 too (RFC 7348
 * section 5 says it SHOULD be zero; this turns it on). */
#define VL2_VXLAN_F_UDP4_CSUM 0x01u
/** Config flag: send a zero UDP checksum over IPv6 (RFC 6935 and RFC 6936
 * allow it for tunnels whose endpoints agree); by default it is
 * computed. */
#define VL2_VXLAN_F_UDP6_ZERO_CSUM_TX 0x02u
/** Config flag: accept a zero UDP checksum over IPv6 on receipt (RFC 6936
 * section 5); by default such packets are refused
 * (::VL2_VXLAN_R_UDP_CSUM), as the Linux vxlan device does. */
#define VL2_VXLAN_F_UDP6_ZERO_CSUM_RX 0x04u
/** Config flag: set the outer IPv6 flow label from the inner flow's hash
 * (RFC 6438); by default it is zero. */
#define VL2_VXLAN_F_FLOWLABEL 0x08u
/** Config flag: copy the inner IPv4/IPv6 traffic class (DSCP and ECN, the
 * RFC 6040 "normal mode" copy on encapsulation) to the outer header;
 * frames that are not IP get the configured `tos`. */
#define VL2_VXLAN_F_TOS_INHERIT 0x10u
/** Config flag: skip verifying non-zero outer UDP checksums on receipt
 * (RFC 7348 section 5: a receiver MAY verify them; by default it does). */
#define VL2_VXLAN_F_NO_CSUM_VERIFY 0x20u
/** Every config flag this header defines. */
#define VL2_VXLAN_F_ALL 0x3fu

/** Version 1 of ::vl2_vxlan_config. */
#define VL2_VXLAN_CONFIG_V1 1
/** The ::vl2_vxlan_config version these headers describe. */
#define VL2_VXLAN_CONFIG_VERSION VL2_VXLAN_CONFIG_V1

/**
 * A VXLAN tunnel endpoint's settings. Fill it with
 * vl2_vxlan_config_default(), set `local` and what else you need, and
 * check it once with vl2_vxlan_config_check(). Functions taking one read
 * it for the call only. Later versions use the reserved fields, which must
 * be zero.
 */
typedef struct vl2_vxlan_config {
  /** The UDP destination port, sent and expected; default
   * ::VL2_VXLAN_PORT. Never 0. */
  uint16_t dst_port;
  /** Low end of the outer UDP source-port range; default
   * ::VL2_VXLAN_SPORT_LO. At least 1. */
  uint16_t sport_lo;
  /** High end of the range (inclusive); default ::VL2_VXLAN_SPORT_HI. At
   * least `sport_lo`. */
  uint16_t sport_hi;
  /** Outer IPv4 TTL / IPv6 hop limit, 1..255; default 64. */
  uint8_t ttl;
  /** Outer IPv4 TOS / IPv6 traffic class (DSCP << 2 | ECN); default 0. */
  uint8_t tos;
  /** `VL2_VXLAN_F_*`; default 0. */
  uint32_t flags;
  /** The underlay's IP MTU (outer IP header included, outer Ethernet
   * excluded): 68..65535, or 0 for no check (only the 16-bit length fields
   * limit); default 1500. */
  uint32_t underlay_mtu;
  /** Seed of the flow hash (vl2_vxlan_flow_hash()); supply randomness in
   * production; tests use 0. Default 0. */
  uint64_t hash_seed;
  /** The local VTEP address: the outer source of encapsulated packets,
   * and, when set, the only outer destination accepted on receipt.
   * ::VL2_AF_NONE by default, which layers ::VL2_VXLAN_LAYER_IP and
   * ::VL2_VXLAN_LAYER_ETH refuse for encapsulation. */
  vl2_ipaddr local;
  uint32_t reserved[5]; /**< Zero. */
} vl2_vxlan_config;

/**
 * Fill @p cfg with the defaults of config version @p version: UDP port
 * 4789, source ports 49152..65535, TTL 64, TOS 0, no flags, MTU 1500,
 * seed 0, no local address.
 *
 * @param version
 *   ::VL2_VXLAN_CONFIG_VERSION (use the vl2_vxlan_config_default() macro).
 * @param cfg
 *   Written; must not be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_vxlan_config_default_versioned(int version,
                                                  vl2_vxlan_config *cfg);

/** vl2_vxlan_config_default_versioned() for this header's version. */
#define vl2_vxlan_config_default(cfg)                                          \
  vl2_vxlan_config_default_versioned(VL2_VXLAN_CONFIG_VERSION, (cfg))

/**
 * Check a configuration. vl2_vxlan_encap() and vl2_vxlan_decap() make the
 * same checks on every call; check once here to learn which field is
 * wrong before traffic flows.
 *
 * @param cfg
 *   The configuration, read for the call.
 * @return
 *   0 when it is usable.
 * @retval VL2_ERR_INVALID @p cfg is NULL; `dst_port` is 0; `sport_lo` is
 *         0 or above `sport_hi`; `ttl` is 0; an unknown flag; `underlay_mtu`
 *         is between 1 and 67 or above 65535; `local` has an unknown
 *         family or non-zero padding; a reserved field is non-zero.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_vxlan_config_check(const vl2_vxlan_config *cfg);

/** @} */

/** @name Sizes and MTU
 * @{ */

/**
 * Bytes vl2_vxlan_encap() writes in front of the inner frame: the
 * headroom it needs.
 *
 * @param family
 *   The outer address family, ::VL2_AF_INET or ::VL2_AF_INET6 (ignored for
 *   ::VL2_VXLAN_LAYER_UDP).
 * @param layer
 *   `VL2_VXLAN_LAYER_*`.
 * @return
 *   8 for ::VL2_VXLAN_LAYER_UDP; 36 (IPv4) or 56 (IPv6) for
 *   ::VL2_VXLAN_LAYER_IP; 50 (IPv4) or 70 (IPv6) for ::VL2_VXLAN_LAYER_ETH;
 *   0 for an unknown family or layer.
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_vxlan_overhead(unsigned family, unsigned layer);

/**
 * The longest inner frame (from its destination MAC, tags included, no
 * FCS) that fits an underlay MTU once encapsulated: @p underlay_mtu - 36
 * over IPv4, - 56 over IPv6 (RFC 7348 section 4.3). The inner IP MTU is
 * 14 bytes less (the familiar MTU - 50 / MTU - 70).
 *
 * @param family
 *   The outer address family, ::VL2_AF_INET or ::VL2_AF_INET6.
 * @param underlay_mtu
 *   The underlay's IP MTU; 0 means no MTU, only the 16-bit IP and UDP
 *   length fields limit.
 * @return
 *   The length in bytes; 0 when nothing fits (an MTU below the headers,
 *   or an unknown family).
 * @since 0.1.0
 */
VL2_EXTERN size_t vl2_vxlan_max_frame(unsigned family, uint32_t underlay_mtu);

/** @} */

/** @name Flow hash and source port
 * @{ */

/**
 * Hash an inner frame's flow for ECMP entropy (RFC 7348 section 5).
 *
 * The hash covers the destination and source MACs and the EtherType after
 * any 802.1Q / 802.1ad tags (up to four, the tags themselves excluded);
 * for IPv4 and IPv6 also the addresses and the protocol; and for TCP, UDP,
 * UDP-Lite, SCTP and DCCP also the ports, except in IP fragments (so every
 * fragment of a datagram hashes alike). IPv6 hop-by-hop, routing,
 * destination-options and fragment extension headers are skipped. Frames
 * too short for a header are hashed over what is there. The same bytes
 * and seed always give the same hash; direction matters (A to B and B to
 * A may differ).
 *
 * Fast: no allocation, no loops over the payload.
 *
 * @param frame
 *   The inner Ethernet frame, from its destination MAC; read for the
 *   call. May be NULL when @p len is 0.
 * @param len
 *   Bytes at @p frame.
 * @param seed
 *   The hash seed (::vl2_vxlan_config.hash_seed).
 * @return
 *   The 32-bit flow hash.
 * @since 0.1.0
 */
VL2_EXTERN uint32_t vl2_vxlan_flow_hash(const uint8_t *frame, size_t len,
                                        uint64_t seed);

/**
 * Map a flow hash onto the source-port range [@p lo, @p hi] (uniformly,
 * by a multiply-shift on the hash).
 *
 * @param hash
 *   A vl2_vxlan_flow_hash() value.
 * @param lo
 *   Low end of the range.
 * @param hi
 *   High end (inclusive); if below @p lo the two are swapped.
 * @return
 *   A port in [@p lo, @p hi].
 * @since 0.1.0
 */
VL2_EXTERN uint16_t vl2_vxlan_sport_from_hash(uint32_t hash, uint16_t lo,
                                              uint16_t hi);

/**
 * The outer UDP source port for an inner frame (RFC 7348 section 5):
 * vl2_vxlan_sport_from_hash() of vl2_vxlan_flow_hash(). One flow (same
 * MACs, EtherType, addresses, protocol and ports) always gets the same
 * port; distinct flows spread uniformly over the range.
 *
 * @param frame
 *   The inner Ethernet frame, read for the call; may be NULL when @p len
 *   is 0.
 * @param len
 *   Bytes at @p frame.
 * @param seed
 *   The hash seed.
 * @param lo
 *   Low end of the port range (::VL2_VXLAN_SPORT_LO by default).
 * @param hi
 *   High end, inclusive (::VL2_VXLAN_SPORT_HI by default); if below @p lo
 *   the two are swapped.
 * @return
 *   A port in [@p lo, @p hi].
 * @since 0.1.0
 */
VL2_EXTERN uint16_t vl2_vxlan_sport(const uint8_t *frame, size_t len,
                                    uint64_t seed, uint16_t lo, uint16_t hi);

/** @} */

/** @name Reasons
 * @{ */

/**
 * Why a packet was refused by vl2_vxlan_decap() or vl2_geneve_decap() (or
 * a frame by vl2_vxlan_encap() or vl2_geneve_encap()): one list for every
 * UDP tunnel, so a tunnel ingress counts drops in one array. Callers count
 * drops by these; each has a name from vl2_vxlan_reason_name().
 */
typedef enum vl2_vxlan_reason {
  VL2_VXLAN_R_NONE = 0,    /**< Not refused. */
  VL2_VXLAN_R_TRUNC_ETH,   /**< Shorter than the outer Ethernet
                                header. */
  VL2_VXLAN_R_NOT_IP,      /**< Outer EtherType is not IPv4 or IPv6
                                (tagged outer frames included). */
  VL2_VXLAN_R_TRUNC_IP,    /**< Shorter than the outer IP header. */
  VL2_VXLAN_R_IP_VERSION,  /**< IP version is not the one the
                                EtherType names, or neither 4 nor 6. */
  VL2_VXLAN_R_IP_IHL,      /**< IPv4 header length below 20 bytes or
                                beyond the packet (RFC 791). */
  VL2_VXLAN_R_IP_LEN,      /**< IP total / payload length shorter than
                                its headers or longer than the bytes
                                received. */
  VL2_VXLAN_R_IP_CSUM,     /**< IPv4 header checksum wrong (RFC 1071). */
  VL2_VXLAN_R_IP_FRAGMENT, /**< An outer IPv4 fragment; VTEPs do not
                                reassemble (RFC 7348 section 4.3). */
  VL2_VXLAN_R_NOT_UDP,     /**< Protocol / next header is not UDP
                                (IPv6 extension headers included). */
  VL2_VXLAN_R_WRONG_DST,   /**< Outer destination is not the configured
                                local address. */
  VL2_VXLAN_R_TRUNC_UDP,   /**< Shorter than the UDP header. */
  VL2_VXLAN_R_UDP_LEN,     /**< UDP length below 8 or beyond the IP
                                payload (RFC 768). */
  VL2_VXLAN_R_UDP_CSUM,    /**< UDP checksum wrong, or zero over IPv6
                                when not allowed (RFC 6936). */
  VL2_VXLAN_R_WRONG_PORT,  /**< UDP destination port is not the
                                configured one. */
  VL2_VXLAN_R_TRUNC_VXLAN, /**< Shorter than the VXLAN header. */
  VL2_VXLAN_R_NO_I_FLAG,   /**< The I flag is clear (RFC 7348
                                section 5: MUST be set). */
  VL2_VXLAN_R_TRUNC_INNER, /**< The inner frame is shorter than an
                                Ethernet header. */
  VL2_VXLAN_R_UNKNOWN_VNI, /**< No segment has the VNI (decided by the
                                caller or the switch, never by
                                vl2_vxlan_decap()). */
  VL2_VXLAN_R_TOO_BIG,     /**< Encapsulation: the packet would exceed
                                the underlay MTU (never fragmented). */
  /* Geneve (RFC 8926, see geneve.h) shares the outer checks above and
   * adds these: */
  VL2_VXLAN_R_TRUNC_GENEVE,     /**< Shorter than the Geneve header (RFC 8926
                                     section 3.4). */
  VL2_VXLAN_R_GENEVE_VERSION,   /**< Geneve version is not 0 (RFC 8926
                                     section 3.4: MUST be dropped). */
  VL2_VXLAN_R_GENEVE_OPT_LEN,   /**< Geneve Opt Len runs past the UDP
                                     payload, or leaves less than an inner
                                     Ethernet header. */
  VL2_VXLAN_R_GENEVE_OPT_TRUNC, /**< A Geneve option's length runs past
                                     the options (RFC 8926 section 3.5). */
  VL2_VXLAN_R_GENEVE_CRIT_OPT,  /**< A Geneve option marked critical that
                                     this endpoint does not know (RFC 8926
                                     section 3.5.1: MUST be dropped). */
  VL2_VXLAN_R_GENEVE_OAM,       /**< The Geneve O bit: a control packet,
                                     never forwarded as data (RFC 8926
                                     section 3.4). */
  VL2_VXLAN_R_GENEVE_PROTO,     /**< Geneve protocol type is not
                                     Transparent Ethernet Bridging
                                     (0x6558). */
  VL2_VXLAN_R_NOT_MEMBER,       /**< The sending endpoint may not send into
                                     the segment (decided by the caller or
                                     the switch's tunnel ingress). */
  VL2_VXLAN_R_COUNT             /**< Number of reasons defined so far. */
} vl2_vxlan_reason;

/** Room for reasons added later: size counter arrays with this. */
#define VL2_VXLAN_R_MAX 32

/**
 * Name a reason.
 *
 * @param reason
 *   A `VL2_VXLAN_R_*` value.
 * @return
 *   A static lower-case identifier such as "no_i_flag", or "unknown".
 *   Never NULL. Thread-safe.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_vxlan_reason_name(unsigned reason);

/** @} */

/** @name Encapsulation
 * @{ */

/** What to encapsulate a frame into; read for the call. */
typedef struct vl2_vxlan_encap_params {
  uint32_t vni; /**< The segment's VNI, 0..::VL2_VNI_MAX. */
  /** Outer UDP source port; 0 means vl2_vxlan_sport_from_hash() of the
   * flow hash over the config's range (a switch destination's
   * `udp_sport` can be passed through). */
  uint16_t sport;
  uint8_t layer;     /**< `VL2_VXLAN_LAYER_*`. */
  uint8_t reserved0; /**< Zero. */
  /** The inner frame's vl2_vxlan_flow_hash(), when the caller has it (one
   * hash serves every copy of a flooded frame); 0 means compute it here
   * when needed (`sport` 0, or ::VL2_VXLAN_F_FLOWLABEL). */
  uint32_t flow_hash;
  /** The remote endpoint: the outer destination. Its family picks IPv4 or
   * IPv6 (and, for ::VL2_VXLAN_LAYER_UDP, the MTU arithmetic); for the IP
   * and Ethernet layers it must match the config's `local`. */
  vl2_ipaddr remote;
  vl2_mac eth_dst;    /**< ::VL2_VXLAN_LAYER_ETH: the next hop's MAC. */
  vl2_mac eth_src;    /**< ::VL2_VXLAN_LAYER_ETH: the underlay port's MAC. */
  uint32_t reserved1; /**< Zero. */
} vl2_vxlan_encap_params;

/**
 * Encapsulate an inner frame in place (RFC 7348 section 5): write the
 * outer headers of @p p's layer into the headroom in front of it.
 *
 * The frame is at `buf + *off`, @p len bytes long; the function needs
 * vl2_vxlan_overhead() bytes of headroom (`*off` at least that), writes
 * the headers there, and moves `*off` back to the packet's start. The
 * inner frame itself is not modified.
 *
 * Written headers: VXLAN flags 0x08 (I), reserved bits 0, the VNI;
 * UDP source port @p p->sport or the flow's, destination port
 * `cfg->dst_port`, length, and a checksum that is zero over IPv4 (unless
 * ::VL2_VXLAN_F_UDP4_CSUM) and computed over IPv6 (unless
 * ::VL2_VXLAN_F_UDP6_ZERO_CSUM_TX; a computed 0 is sent as 0xffff, RFC
 * 768); IPv4: version 4, IHL 5, the config's TOS, ID 0, DF (RFC 6864: the
 * ID of an atomic datagram carries nothing), TTL, protocol 17, header
 * checksum, `cfg->local` to @p p->remote; IPv6: traffic class, flow label
 * (0, or the flow hash's low 20 bits with ::VL2_VXLAN_F_FLOWLABEL), next
 * header 17, hop limit; Ethernet: @p p->eth_dst, @p p->eth_src, 0x0800 or
 * 0x86dd. For ::VL2_VXLAN_LAYER_UDP only the VXLAN header is written.
 *
 * @param buf
 *   The buffer, modified in front of the frame only.
 * @param off
 *   In: the inner frame's offset in @p buf; out on success: the packet's.
 * @param len
 *   The inner frame's length, at least ::VL2_VXLAN_INNER_MIN.
 * @param cfg
 *   The tunnel configuration, read for the call.
 * @param p
 *   The destination, read for the call.
 * @return
 *   The packet's length (@p len plus the overhead), or a negative error;
 *   on error @p buf and `*off` are unchanged.
 * @retval VL2_ERR_INVALID a NULL argument, a bad @p cfg (see
 *         vl2_vxlan_config_check()), a VNI above ::VL2_VNI_MAX, an unknown
 *         layer, non-zero reserved fields, a @p p->remote family that is
 *         not IPv4 or IPv6, or (IP and Ethernet layers) not the family of
 *         `cfg->local`.
 * @retval VL2_ERR_NOBUF `*off` is less than the headroom needed.
 * @retval VL2_ERR_MALFORMED @p len is below ::VL2_VXLAN_INNER_MIN
 *         (::VL2_VXLAN_R_TRUNC_INNER).
 * @retval VL2_ERR_LIMIT the packet would exceed `cfg->underlay_mtu` or the
 *         16-bit length fields (::VL2_VXLAN_R_TOO_BIG): drop the frame and
 *         count it; it is never fragmented (RFC 7348 section 4.3).
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_vxlan_encap(uint8_t *buf, size_t *off, size_t len,
                                     const vl2_vxlan_config *cfg,
                                     const vl2_vxlan_encap_params *p);

/** @} */

/** @name Decapsulation
 * @{ */

/** A decoded VXLAN packet. */
typedef struct vl2_vxlan_info {
  uint32_t vni;        /**< The VNI (24 bits). */
  uint16_t reason;     /**< `VL2_VXLAN_R_*`: why it was refused, else 0. */
  uint8_t vxlan_flags; /**< The VXLAN flags byte as received. */
  uint8_t layer;       /**< The layer parsed from. */
  uint32_t inner_off;  /**< Offset of the inner frame in the packet. */
  uint32_t inner_len;  /**< Length of the inner frame. */
  uint16_t sport;      /**< Outer UDP source port (0 for the UDP layer). */
  uint16_t dport;      /**< Outer UDP destination port (0 for the UDP
                            layer). */
  uint8_t tos;         /**< Outer TOS / traffic class (0 for the UDP
                            layer). */
  uint8_t ttl;         /**< Outer TTL / hop limit (0 for the UDP layer). */
  uint16_t reserved;   /**< Zero. */
  /** Outer source address: the remote endpoint (::VL2_AF_NONE for the UDP
   * layer, whose caller knows it from the socket). */
  vl2_ipaddr src;
  vl2_ipaddr dst; /**< Outer destination address (likewise). */
} vl2_vxlan_info;

/**
 * Parse and validate a received VXLAN packet (RFC 7348 section 5).
 *
 * Checks, by layer: the outer EtherType (0x0800 or 0x86dd, untagged);
 * the IP version, IPv4 IHL, total/payload length against the bytes
 * received (Ethernet padding after the IP packet is ignored), the IPv4
 * header checksum, IPv4 fragmentation (refused), protocol 17, the
 * destination against `cfg->local` when set; the UDP length, destination
 * port against `cfg->dst_port`, and a non-zero UDP checksum (unless
 * ::VL2_VXLAN_F_NO_CSUM_VERIFY; a zero one is accepted over IPv4 and,
 * with ::VL2_VXLAN_F_UDP6_ZERO_CSUM_RX, over IPv6); then the VXLAN header's
 * I flag, which must be set. Reserved bits (flags other than I, and the
 * reserved fields) are ignored on receipt, as section 5 says. The inner
 * frame must hold an Ethernet header. Mapping the VNI to a segment is the
 * caller's (or the switch's) job.
 *
 * @param cfg
 *   The tunnel configuration, read for the call; NULL means the defaults
 *   (port 4789, no local address check).
 * @param pkt
 *   The packet, starting at @p layer's header; read for the call.
 * @param len
 *   Bytes at @p pkt.
 * @param layer
 *   `VL2_VXLAN_LAYER_*`: where @p pkt starts.
 * @param out
 *   Written (also on ::VL2_ERR_MALFORMED, with `reason` set).
 * @return
 *   0 on success: the inner frame is at `pkt + out->inner_off`,
 *   `out->inner_len` bytes, in segment `out->vni`.
 * @retval VL2_ERR_INVALID NULL @p out, NULL @p pkt with @p len > 0, an
 *         unknown layer, or a bad @p cfg.
 * @retval VL2_ERR_MALFORMED the packet is refused; `out->reason` says why
 *         (a `VL2_VXLAN_R_*`): drop it and count that reason.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_vxlan_decap(const vl2_vxlan_config *cfg, const uint8_t *pkt,
                               size_t len, unsigned layer, vl2_vxlan_info *out);

/**
 * Decapsulate a frame received from an underlay backend in place, turning
 * it into the ::vl2_frame the switch takes from a remote endpoint: `data`
 * and `len` become the inner frame's, `port` becomes ::VL2_PORT_REMOTE
 * and `vni` the VNI. For ::VL2_VXLAN_LAYER_UDP `remote` is kept (the
 * backend filled it from the socket); for the other layers it becomes the
 * outer source address.
 *
 * @param cfg
 *   The tunnel configuration, read for the call; NULL means the defaults.
 * @param f
 *   The received frame; modified only on success.
 * @param layer
 *   `VL2_VXLAN_LAYER_*`: where `f->data` starts.
 * @param reason
 *   When not NULL, written with the `VL2_VXLAN_R_*` reason (0 on success).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p f, an unknown layer, or a bad @p cfg.
 * @retval VL2_ERR_MALFORMED refused; `*reason` says why.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_vxlan_decap_frame(const vl2_vxlan_config *cfg, vl2_frame *f,
                                     unsigned layer, uint16_t *reason);

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_VXLAN_H) */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup geneve Geneve encapsulation (RFC 8926)
 *
 * Pure helpers for Geneve, the overlay's other standard UDP encapsulation
 * (OVN's): write the outer headers and the Geneve header, with options,
 * into the headroom in front of an inner Ethernet frame; parse and
 * validate a received Geneve packet and report its options. Everything
 * but the Geneve header itself is VXLAN's machinery (vxlan.h): the same
 * layers (::VL2_VXLAN_LAYER_UDP, ::VL2_VXLAN_LAYER_IP,
 * ::VL2_VXLAN_LAYER_ETH), outer IPv4/IPv6/Ethernet headers, UDP checksum
 * rules (zero over IPv4, computed over IPv6 unless the RFC 6935/6936
 * zero-checksum flags say otherwise), the per-flow outer source port
 * (RFC 8926 section 3.3, as RFC 7348 section 5), the never-fragment MTU
 * rule (RFC 8926 section 4.1.1) and the drop reasons (`VL2_VXLAN_R_*`).
 *
 * Packet layout (RFC 8926 section 3):
 * @verbatim
   outer Ethernet (14)        only in layer ::VL2_VXLAN_LAYER_ETH
   outer IPv4 (20) or IPv6 (40), protocol / next header 17
   outer UDP (8)              dst port 6081 by default
   Geneve (8)                 Ver (2 bits) = 0, Opt Len (6 bits, 4-byte
                              words), O, C, 6 reserved bits, Protocol
                              Type 0x6558, VNI (24), 8 reserved bits
   options (0..252)           TLVs: class (16), type (8: C bit + 7),
                              3 reserved bits, length (5 bits, words),
                              data (0..124 bytes)
   inner Ethernet frame       from its destination MAC, no FCS
   @endverbatim
 *
 * Receipt (RFC 8926 sections 3.4, 3.5): a version other than 0 is
 * dropped; every option is walked, unknown non-critical options are
 * skipped, an option with the critical bit (type 0x80) that the
 * configuration does not list as known drops the packet
 * (::VL2_VXLAN_R_GENEVE_CRIT_OPT), whether or not the C bit is set; a
 * packet with the O bit is a control message, reported but never
 * returned as data (::VL2_VXLAN_R_GENEVE_OAM); only protocol type
 * 0x6558 (an Ethernet frame) is carried.
 *
 * Everything here is pure (no allocation, no OS calls) and thread-safe:
 * the functions touch only the memory they are given.
 * @{
 */
#ifndef VL2_GENEVE_H
#define VL2_GENEVE_H

#include <vl2/common.h>
#include <vl2/switch.h>
#include <vl2/vxlan.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The IANA-assigned Geneve UDP destination port (RFC 8926 section 3.3). */
#define VL2_GENEVE_PORT 6081
/** Length of the fixed Geneve header, bytes (RFC 8926 section 3.4). */
#define VL2_GENEVE_HLEN 8
/** The only Geneve version defined (RFC 8926 section 3.4). */
#define VL2_GENEVE_VERSION 0
/** Protocol Type of an Ethernet payload: Transparent Ethernet Bridging. */
#define VL2_GENEVE_PROTO_ETH 0x6558u
/** Flags byte (the header's second): O, a control (OAM) packet. */
#define VL2_GENEVE_FLAG_O 0x80u
/** Flags byte: C, critical options are present. */
#define VL2_GENEVE_FLAG_C 0x40u
/** The most option bytes a Geneve header holds (Opt Len is 6 bits of
 * 4-byte words). */
#define VL2_GENEVE_OPT_MAX 252
/** Length of one option's header (class, type, length). */
#define VL2_GENEVE_OPT_HLEN 4
/** The most data bytes one option holds (5 bits of 4-byte words). */
#define VL2_GENEVE_OPT_DATA_MAX 124
/** Option type bit: the option is critical (RFC 8926 section 3.5). */
#define VL2_GENEVE_OPT_CRIT 0x80u
/** The most headroom vl2_geneve_encap() can need: outer Ethernet, IPv6,
 * UDP, the Geneve header and ::VL2_GENEVE_OPT_MAX option bytes. */
#define VL2_GENEVE_HEADROOM_MAX (14 + 40 + 8 + VL2_GENEVE_HLEN + 252)
/** Known critical options a ::vl2_geneve_config can list. */
#define VL2_GENEVE_KNOWN_MAX 16

/** One option kind: a class (an IANA "Geneve Option Class") and a type. */
typedef struct vl2_geneve_opt_id {
  uint16_t opt_class; /**< Option class. */
  uint8_t type;       /**< Type, critical bit included. */
  uint8_t reserved;   /**< Zero. */
} vl2_geneve_opt_id;

/** Version 1 of ::vl2_geneve_config. */
#define VL2_GENEVE_CONFIG_V1 1
/** The ::vl2_geneve_config version these headers describe. */
#define VL2_GENEVE_CONFIG_VERSION VL2_GENEVE_CONFIG_V1

/**
 * A Geneve tunnel endpoint's settings: VXLAN's outer settings plus the
 * critical options this endpoint understands. Fill it with
 * vl2_geneve_config_default(); functions taking one read it for the call
 * only.
 */
typedef struct vl2_geneve_config {
  /** Outer settings exactly as for VXLAN (vxlan.h), but `dst_port`
   * defaults to ::VL2_GENEVE_PORT. */
  vl2_vxlan_config tun;
  /** Entries used in `known`, 0..::VL2_GENEVE_KNOWN_MAX; default 0. */
  uint32_t known_cnt;
  uint32_t reserved[3]; /**< Zero. */
  /** Critical options the embedding program processes: a packet carrying
   * one is accepted (and its options reported) instead of being dropped
   * with ::VL2_VXLAN_R_GENEVE_CRIT_OPT. Non-critical options never need
   * listing. */
  vl2_geneve_opt_id known[VL2_GENEVE_KNOWN_MAX];
} vl2_geneve_config;

/**
 * Fill @p cfg with the defaults of config version @p version: VXLAN's
 * defaults (vl2_vxlan_config_default()) with UDP port 6081, and no known
 * critical options.
 *
 * @param version
 *   ::VL2_GENEVE_CONFIG_VERSION (use the vl2_geneve_config_default()
 *   macro).
 * @param cfg
 *   Written; must not be NULL.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID @p cfg is NULL.
 * @retval VL2_ERR_VERSION @p version is unknown to this library.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_config_default_versioned(int version,
                                                   vl2_geneve_config *cfg);

/** vl2_geneve_config_default_versioned() for this header's version. */
#define vl2_geneve_config_default(cfg)                                         \
  vl2_geneve_config_default_versioned(VL2_GENEVE_CONFIG_VERSION, (cfg))

/**
 * Check a configuration: `tun` as vl2_vxlan_config_check() does, and the
 * known-option list.
 *
 * @param cfg
 *   The configuration, read for the call.
 * @return
 *   0 when it is usable.
 * @retval VL2_ERR_INVALID @p cfg is NULL; `tun` is refused by
 *         vl2_vxlan_config_check(); `known_cnt` exceeds
 *         ::VL2_GENEVE_KNOWN_MAX; a reserved field is non-zero.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_config_check(const vl2_geneve_config *cfg);

/** @name Sizes and MTU
 * @{ */

/**
 * Bytes vl2_geneve_encap() writes in front of the inner frame.
 *
 * @param family
 *   The outer address family, ::VL2_AF_INET or ::VL2_AF_INET6 (ignored for
 *   ::VL2_VXLAN_LAYER_UDP).
 * @param layer
 *   `VL2_VXLAN_LAYER_*`.
 * @param opt_len
 *   Option bytes, 0..::VL2_GENEVE_OPT_MAX.
 * @return
 *   8 + @p opt_len for ::VL2_VXLAN_LAYER_UDP; 36 (IPv4) or 56 (IPv6) +
 *   @p opt_len for ::VL2_VXLAN_LAYER_IP; 14 more for
 *   ::VL2_VXLAN_LAYER_ETH; 0 for an unknown family or layer or an
 *   @p opt_len above ::VL2_GENEVE_OPT_MAX.
 * @since 0.2.0
 */
VL2_EXTERN size_t vl2_geneve_overhead(unsigned family, unsigned layer,
                                      size_t opt_len);

/**
 * The longest inner frame that fits an underlay MTU once Geneve
 * encapsulated with @p opt_len option bytes (never fragmented, RFC 8926
 * section 4.1.1): @p underlay_mtu - 36 - @p opt_len over IPv4, - 56 -
 * @p opt_len over IPv6. Without options it equals vl2_vxlan_max_frame().
 *
 * @param family
 *   ::VL2_AF_INET or ::VL2_AF_INET6.
 * @param underlay_mtu
 *   The underlay's IP MTU; 0 means only the 16-bit length fields limit.
 * @param opt_len
 *   Option bytes, 0..::VL2_GENEVE_OPT_MAX.
 * @return
 *   The length in bytes; 0 when nothing fits or an argument is out of
 *   range.
 * @since 0.2.0
 */
VL2_EXTERN size_t vl2_geneve_max_frame(unsigned family, uint32_t underlay_mtu,
                                       size_t opt_len);

/** @} */

/** @name Options
 * @{ */

/** One option, as vl2_geneve_opt_next() reports it. */
typedef struct vl2_geneve_opt {
  uint16_t opt_class; /**< Option class. */
  uint8_t type;       /**< Type, critical bit (::VL2_GENEVE_OPT_CRIT)
                           included. */
  uint8_t flags;      /**< The three reserved bits as received (bits
                           7..5 of the length byte). */
  uint16_t data_off;  /**< Offset of the data from the options' start. */
  uint16_t data_len;  /**< Data bytes, a multiple of 4, 0..124. */
} vl2_geneve_opt;

/**
 * Append one option TLV to an options buffer (for
 * ::vl2_geneve_encap_params.opts). Data shorter than a multiple of 4
 * bytes is padded with zeros.
 *
 * @param opts
 *   The options buffer; written at `*len` only.
 * @param cap
 *   Bytes at @p opts; at most ::VL2_GENEVE_OPT_MAX are ever used.
 * @param len
 *   In: bytes already in @p opts (a multiple of 4); out on success: the
 *   new length.
 * @param opt_class
 *   Option class.
 * @param type
 *   Option type; set ::VL2_GENEVE_OPT_CRIT for a critical option.
 * @param data
 *   The option's data, read for the call; may be NULL when @p data_len is 0.
 * @param data_len
 *   0..::VL2_GENEVE_OPT_DATA_MAX bytes.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL @p opts or @p len, `*len` not a multiple of
 *         4, NULL @p data with @p data_len > 0, or @p data_len above
 *         ::VL2_GENEVE_OPT_DATA_MAX.
 * @retval VL2_ERR_NOBUF the option does not fit @p cap or
 *         ::VL2_GENEVE_OPT_MAX; nothing was written.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_opt_put(uint8_t *opts, size_t cap, size_t *len,
                                  uint16_t opt_class, uint8_t type,
                                  const void *data, size_t data_len);

/**
 * Walk the options of a Geneve header: report the option at `*pos` and
 * advance `*pos` past it.
 *
 * @param opts
 *   The options (for a decoded packet: `pkt + info.opt_off`), read for the
 *   call.
 * @param len
 *   Bytes of options (`info.opt_len`).
 * @param pos
 *   In: 0 for the first option, then what the last call left; out: the
 *   next option's offset.
 * @param opt
 *   Written when an option is returned.
 * @return
 *   1 when an option was written, 0 at the end.
 * @retval VL2_ERR_INVALID a NULL argument (@p opts may be NULL when @p len
 *         is 0).
 * @retval VL2_ERR_MALFORMED the option at `*pos` runs past @p len
 *         (::VL2_VXLAN_R_GENEVE_OPT_TRUNC).
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_opt_next(const uint8_t *opts, size_t len, size_t *pos,
                                   vl2_geneve_opt *opt);

/** @} */

/** @name Encapsulation
 * @{ */

/** What to encapsulate a frame into; read for the call. */
typedef struct vl2_geneve_encap_params {
  /** VNI, source port, layer, flow hash, remote and MACs exactly as for
   * vl2_vxlan_encap(). */
  vl2_vxlan_encap_params tun;
  /** Encoded option TLVs (vl2_geneve_opt_put()), borrowed for the call;
   * may be NULL when `opt_len` is 0. */
  const uint8_t *opts;
  /** Bytes at `opts`: a multiple of 4, 0..::VL2_GENEVE_OPT_MAX. */
  uint16_t opt_len;
  /** ::VL2_GENEVE_FLAG_O for a control packet, else 0. The C flag is set
   * from the options (any with ::VL2_GENEVE_OPT_CRIT), never from here. */
  uint8_t flags;
  uint8_t reserved0;  /**< Zero. */
  uint32_t reserved1; /**< Zero. */
} vl2_geneve_encap_params;

/**
 * Encapsulate an inner frame in place (RFC 8926 section 3): write the
 * Geneve header with its options and the outer headers of the layer into
 * the headroom in front of it, exactly as vl2_vxlan_encap() does for
 * VXLAN (same outer fields, checksums and source port; the UDP
 * destination port is `cfg->tun.dst_port`).
 *
 * Written Geneve header: version 0, Opt Len @p p->opt_len / 4, O from
 * @p p->flags, C when an option is critical, reserved bits 0, protocol
 * type 0x6558, the VNI, then the options as given.
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
 *   The destination and options, read for the call.
 * @return
 *   The packet's length (@p len plus vl2_geneve_overhead()), or a
 *   negative error; on error @p buf and `*off` are unchanged.
 * @retval VL2_ERR_INVALID a NULL argument, a bad @p cfg, anything
 *         vl2_vxlan_encap() refuses in @p p->tun, an @p p->opt_len that is
 *         not a multiple of 4 or above ::VL2_GENEVE_OPT_MAX, options whose
 *         TLV lengths do not add up to @p p->opt_len, a flag other than
 *         ::VL2_GENEVE_FLAG_O, or non-zero reserved fields.
 * @retval VL2_ERR_NOBUF `*off` is less than the headroom needed.
 * @retval VL2_ERR_MALFORMED @p len is below ::VL2_VXLAN_INNER_MIN.
 * @retval VL2_ERR_LIMIT the packet would exceed the underlay MTU or the
 *         16-bit length fields (::VL2_VXLAN_R_TOO_BIG): drop and count it.
 * @since 0.2.0
 */
VL2_EXTERN vl2_ssize vl2_geneve_encap(uint8_t *buf, size_t *off, size_t len,
                                      const vl2_geneve_config *cfg,
                                      const vl2_geneve_encap_params *p);

/** @} */

/** @name Decapsulation
 * @{ */

/** A decoded Geneve packet. */
typedef struct vl2_geneve_info {
  /** The outer fields, VNI, reason and inner frame exactly as
   * vl2_vxlan_decap() reports them; `vxlan_flags` holds the Geneve flags
   * byte (O, C, reserved bits) as received. */
  vl2_vxlan_info tun;
  uint16_t proto;    /**< Protocol Type as received. */
  uint8_t version;   /**< Version as received (0 when accepted). */
  uint8_t crit_cnt;  /**< Critical options present (all of them known
                          when the packet was accepted). */
  uint16_t opt_off;  /**< Offset of the options in the packet. */
  uint16_t opt_len;  /**< Option bytes (Opt Len * 4). */
  uint16_t opt_cnt;  /**< Options present. */
  uint16_t reserved; /**< Zero. */
  /** With ::VL2_VXLAN_R_GENEVE_CRIT_OPT: the first unknown critical
   * option. */
  vl2_geneve_opt_id unknown;
} vl2_geneve_info;

/**
 * Parse and validate a received Geneve packet (RFC 8926 sections 3.4,
 * 3.5, 4.2), reporting its options.
 *
 * The outer headers are checked exactly as vl2_vxlan_decap() checks them
 * (against `cfg->tun`, UDP port 6081 by default). Then: the Geneve header
 * fits (::VL2_VXLAN_R_TRUNC_GENEVE); version 0
 * (::VL2_VXLAN_R_GENEVE_VERSION); Opt Len within the payload
 * (::VL2_VXLAN_R_GENEVE_OPT_LEN); every option within the options
 * (::VL2_VXLAN_R_GENEVE_OPT_TRUNC); every critical option listed in
 * `cfg->known` (::VL2_VXLAN_R_GENEVE_CRIT_OPT); the O bit clear
 * (::VL2_VXLAN_R_GENEVE_OAM: a control message, whose fields and options
 * are still reported); protocol type 0x6558 (::VL2_VXLAN_R_GENEVE_PROTO);
 * an inner Ethernet header (::VL2_VXLAN_R_TRUNC_INNER). Reserved bits are
 * ignored on receipt.
 *
 * @param cfg
 *   The tunnel configuration, read for the call; NULL means the defaults.
 * @param pkt
 *   The packet, starting at @p layer's header; read for the call.
 * @param len
 *   Bytes at @p pkt.
 * @param layer
 *   `VL2_VXLAN_LAYER_*`: where @p pkt starts.
 * @param out
 *   Written (also on ::VL2_ERR_MALFORMED, with `tun.reason` set and every
 *   field decoded before the refusal).
 * @return
 *   0 on success: the inner frame is at `pkt + out->tun.inner_off`,
 *   `out->tun.inner_len` bytes, in segment `out->tun.vni`; the options at
 *   `pkt + out->opt_off`, `out->opt_len` bytes (walk them with
 *   vl2_geneve_opt_next()).
 * @retval VL2_ERR_INVALID NULL @p out, NULL @p pkt with @p len > 0, an
 *         unknown layer, or a bad @p cfg.
 * @retval VL2_ERR_MALFORMED the packet is refused; `out->tun.reason` says
 *         why: drop it and count that reason.
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_decap(const vl2_geneve_config *cfg,
                                const uint8_t *pkt, size_t len, unsigned layer,
                                vl2_geneve_info *out);

/**
 * Decapsulate a frame received from an underlay backend in place, as
 * vl2_vxlan_decap_frame() does for VXLAN: `data` and `len` become the
 * inner frame's, `port` ::VL2_PORT_REMOTE, `vni` the VNI, and (except
 * for ::VL2_VXLAN_LAYER_UDP) `remote` the outer source address. Options
 * are validated but not reported; use vl2_geneve_decap() for them.
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
 * @since 0.2.0
 */
VL2_EXTERN int vl2_geneve_decap_frame(const vl2_geneve_config *cfg,
                                      vl2_frame *f, unsigned layer,
                                      uint16_t *reason);

/** @} */

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_GENEVE_H) */

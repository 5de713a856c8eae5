/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup vlan Ethernet and VLAN helpers
 *
 * Pure helpers: decode an Ethernet header with its 802.1Q / 802.1ad tags,
 * and apply a destination's egress edit to a frame buffer with headroom.
 * They touch only the memory they are given and are thread-safe.
 * @{
 */
#ifndef VL2_VLAN_H
#define VL2_VLAN_H

#include <vl2/common.h>
#include <vl2/switch.h>

#ifdef __cplusplus
extern "C" {
#endif

/** TPID of an 802.1Q C-VLAN tag (802.1Q Table 9-1). */
#define VL2_TPID_8021Q 0x8100u
/** TPID of an 802.1ad S-VLAN tag (802.1Q Table 9-1). */
#define VL2_TPID_8021AD 0x88a8u
/** Length of a VLAN tag (TPID + TCI), bytes. */
#define VL2_VLAN_TAG_LEN 4
/** Length of an untagged Ethernet header, bytes. */
#define VL2_ETH_HLEN 14
/** The most tags vl2_eth_parse() reports. */
#define VL2_ETH_MAX_TAGS 4

/** The Ethernet header of a frame, decoded. */
typedef struct vl2_eth_info {
  vl2_mac dst;         /**< Destination MAC. */
  vl2_mac src;         /**< Source MAC. */
  uint16_t ethertype;  /**< EtherType (or 802.3 length) after the tags. */
  uint16_t l3_off;     /**< Offset of the payload after the tags. */
  uint8_t tag_cnt;     /**< Tags found, outermost first (at most
                            ::VL2_ETH_MAX_TAGS). */
  uint8_t reserved[3]; /**< Zero. */
  uint16_t tpid[VL2_ETH_MAX_TAGS]; /**< Each tag's TPID. */
  uint16_t tci[VL2_ETH_MAX_TAGS];  /**< Each tag's TCI (PCP 3, DEI 1,
                                        VID 12 bits). */
} vl2_eth_info;

/**
 * Decode an Ethernet II header and any 802.1Q (0x8100) or 802.1ad (0x88a8)
 * tags in front of the EtherType (802.1Q clause 9).
 *
 * @param data
 *   The frame, borrowed for the call.
 * @param len
 *   Bytes at @p data.
 * @param info
 *   Written on success.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID NULL argument.
 * @retval VL2_ERR_MALFORMED shorter than its header and tags.
 * @retval VL2_ERR_UNSUPPORTED more than ::VL2_ETH_MAX_TAGS tags; @p info
 *         holds the first ones.
 * @since 0.1.0
 */
VL2_EXTERN int vl2_eth_parse(const uint8_t *data, size_t len,
                             vl2_eth_info *info);

/**
 * Apply a destination's egress edit (push, pop or rewrite the outer tag)
 * to a frame in place.
 *
 * The frame is at `buf + *off` and is @p len bytes long; a push needs
 * ::VL2_VLAN_TAG_LEN bytes of headroom in front of it (`*off >= 4`), and
 * moves the start back; a pop moves it forward.
 *
 * @param buf
 *   The buffer holding the frame, modified.
 * @param off
 *   In: the frame's offset in @p buf; out: its new offset.
 * @param len
 *   The frame's length.
 * @param d
 *   The destination whose `edit`, `tpid` and `vid` are applied.
 * @return
 *   The new length, or a negative error (the frame is unchanged).
 * @retval VL2_ERR_INVALID NULL argument or an unknown edit.
 * @retval VL2_ERR_NOBUF not enough headroom to push.
 * @retval VL2_ERR_MALFORMED pop or rewrite of an untagged or short frame.
 * @since 0.1.0
 */
VL2_EXTERN vl2_ssize vl2_vlan_apply_edit(uint8_t *buf, size_t *off, size_t len,
                                         const vl2_dest *d);

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_VLAN_H) */

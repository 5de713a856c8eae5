/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * libFuzzer harness: vl2_eth_parse() and vl2_vlan_apply_edit().
 *
 * Input: 8 bytes of edit script (four edits of 2 bytes), 1 byte of
 * headroom selector, then the frame.
 *   edit byte e: kind = e >= 0xf8 ? e (an unknown edit) : e % 4
 *                (KEEP, PUSH, POP, REWRITE); TPID = {0, 0x8100, 0x88a8,
 *                0x9100}[(e >> 4) & 3]; VID high bits (e >> 6)
 *   vid byte v:  VID = v | (e >> 6) << 8, or 4095 when v is 0xff
 *   headroom h:  h & 0x10 ? h & 7 : 16 bytes in front of the frame
 *
 * Checks: the parse agrees with the bytes (tag count, TPIDs, TCIs,
 * EtherType, payload offset within the frame, the documented error for
 * each kind of short or over-tagged frame); each edit gives exactly the
 * bytes and length a reference implementation gives, moves the frame start
 * by the tag length, and leaves the frame untouched when it fails.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <vl2/vlan.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HDR 9
#define MAX_FRAME 9216
#define HEADROOM 16

static uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static int is_tpid(uint16_t t) { return t == 0x8100 || t == 0x88a8; }

static void check_parse(const uint8_t *f, size_t len) {
  vl2_eth_info info;
  int rv = vl2_eth_parse(f, len, &info);
  FZ_CHECK(vl2_eth_parse(NULL, len, &info) == VL2_ERR_INVALID);
  FZ_CHECK(vl2_eth_parse(f, len, NULL) == VL2_ERR_INVALID);

  /* Reference: walk the tags, then compare. */
  if (len < 14) {
    FZ_CHECK(rv == VL2_ERR_MALFORMED);
    return;
  }
  FZ_CHECK(memcmp(info.dst.b, f, 6) == 0);
  FZ_CHECK(memcmp(info.src.b, f + 6, 6) == 0);
  size_t off = 12;
  unsigned k = 0;
  int want = 0;
  while (is_tpid(ld16(f + off))) {
    if (k == VL2_ETH_MAX_TAGS) {
      want = VL2_ERR_UNSUPPORTED;
      break;
    }
    if (len < off + 2 + 4) {
      want = VL2_ERR_MALFORMED;
      break;
    }
    k++;
    off += 4;
  }
  FZ_CHECK(rv == want);
  if (rv == VL2_ERR_MALFORMED)
    return;
  /* Success, or UNSUPPORTED with the first tags reported. */
  FZ_CHECK(info.tag_cnt == k);
  for (unsigned i = 0; i < k; i++) {
    FZ_CHECK(info.tpid[i] == ld16(f + 12 + 4 * i));
    FZ_CHECK(info.tci[i] == ld16(f + 14 + 4 * i));
  }
  if (rv == VL2_ERR_UNSUPPORTED)
    return;
  FZ_CHECK(info.ethertype == ld16(f + off));
  FZ_CHECK(!is_tpid(info.ethertype));
  FZ_CHECK(info.l3_off == off + 2);
  FZ_CHECK(info.l3_off == VL2_ETH_HLEN + VL2_VLAN_TAG_LEN * info.tag_cnt);
  FZ_CHECK(info.l3_off <= len);
  FZ_CHECK(info.reserved[0] == 0 && info.reserved[1] == 0 &&
           info.reserved[2] == 0);
}

/* Reference edit: returns the new length or a negative error, writing the
 * result to |out| (which has the same headroom layout as the buffer). */
static vl2_ssize ref_edit(const uint8_t *f, size_t len, size_t off,
                          const vl2_dest *d, uint8_t *out) {
  uint16_t tpid = d->tpid != 0 ? d->tpid : 0x8100;
  switch (d->edit) {
  case VL2_EDIT_KEEP:
    memcpy(out, f, len);
    return (vl2_ssize)len;
  case VL2_EDIT_PUSH:
    if (off < 4)
      return VL2_ERR_NOBUF;
    if (len < 12)
      return VL2_ERR_MALFORMED;
    memcpy(out, f, 12);
    out[12] = (uint8_t)(tpid >> 8);
    out[13] = (uint8_t)tpid;
    out[14] = (uint8_t)((d->vid >> 8) & 0x0f);
    out[15] = (uint8_t)d->vid;
    memcpy(out + 16, f + 12, len - 12);
    return (vl2_ssize)len + 4;
  case VL2_EDIT_POP:
    if (len < 18 || !is_tpid(ld16(f + 12)))
      return VL2_ERR_MALFORMED;
    memcpy(out, f, 12);
    memcpy(out + 12, f + 16, len - 16);
    return (vl2_ssize)len - 4;
  case VL2_EDIT_REWRITE:
    if (len < 18 || !is_tpid(ld16(f + 12)))
      return VL2_ERR_MALFORMED;
    memcpy(out, f, len);
    out[12] = (uint8_t)(tpid >> 8);
    out[13] = (uint8_t)tpid;
    out[14] = (uint8_t)((f[14] & 0xf0) | ((d->vid >> 8) & 0x0f));
    out[15] = (uint8_t)d->vid;
    return (vl2_ssize)len;
  default:
    return VL2_ERR_INVALID;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < HDR)
    return 0;
  const uint8_t *script = data;
  uint8_t h = data[8];
  const uint8_t *frame = data + HDR;
  size_t len = size - HDR;
  if (len > MAX_FRAME)
    return 0;

  check_parse(frame, len);

  static uint8_t buf[HEADROOM + MAX_FRAME + 4 * 4];
  static uint8_t before[sizeof(buf)];
  static uint8_t expect[HEADROOM + MAX_FRAME + 4 * 4];
  size_t off = (h & 0x10) ? (h & 7) : HEADROOM;
  memset(buf, 0xa5, sizeof(buf));
  memcpy(buf + off, frame, len);

  for (int i = 0; i < 4; i++) {
    uint8_t e = script[2 * i], v = script[2 * i + 1];
    vl2_dest d;
    memset(&d, 0, sizeof(d));
    static const uint16_t tpids[4] = {0, 0x8100, 0x88a8, 0x9100};
    d.edit = e >= 0xf8 ? e : (uint8_t)(e % 4);
    d.tpid = tpids[(e >> 4) & 3];
    d.vid = v == 0xff ? 4095 : (vl2_vid)(v | (e >> 6) << 8);

    vl2_ssize want = ref_edit(buf + off, len, off, &d, expect);
    memcpy(before, buf, sizeof(buf));
    size_t noff = off;
    vl2_ssize got = vl2_vlan_apply_edit(buf, &noff, len, &d);
    FZ_CHECK(got == want);
    if (got < 0) {
      FZ_CHECK(noff == off);
      FZ_CHECK(memcmp(buf, before, sizeof(buf)) == 0);
      continue;
    }
    /* The start moves by exactly the length change. */
    FZ_CHECK((vl2_ssize)off - (vl2_ssize)noff == got - (vl2_ssize)len);
    FZ_CHECK(noff + (size_t)got <= sizeof(buf));
    FZ_CHECK(memcmp(buf + noff, expect, (size_t)got) == 0);
    /* Bytes after the frame are untouched. */
    FZ_CHECK(memcmp(buf + off + len, before + off + len,
                    sizeof(buf) - off - len) == 0);
    off = noff;
    len = (size_t)got;
    check_parse(buf + off, len);
  }
  vl2_dest d;
  memset(&d, 0, sizeof(d));
  size_t o = off;
  FZ_CHECK(vl2_vlan_apply_edit(NULL, &o, len, &d) == VL2_ERR_INVALID);
  FZ_CHECK(vl2_vlan_apply_edit(buf, NULL, len, &d) == VL2_ERR_INVALID);
  FZ_CHECK(vl2_vlan_apply_edit(buf, &o, len, NULL) == VL2_ERR_INVALID);
  return 0;
}

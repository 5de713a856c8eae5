/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/* The I/O of README.md's example, played from a script, and the check of
 * what the example sent (tests/readme/CMakeLists.txt builds the example
 * from README.md with this file).
 *
 * Ports 1-3 are access ports of VLAN 10, port 4 a trunk, and the VTEP
 * 192.0.2.2 is in the segment (README). Script:
 *   1 s    A (port 1) sends 32 broadcast ARP requests: 128 copies, more
 *          than the example's 64 destinations, so vl2_switch_process()
 *          must return short and be called again; the copies to the VTEP
 *          are VXLAN (RFC 7348: flags 0x08, VNI 100, the frame untagged);
 *   2 s    B (port 2) replies to A: one copy, to port 1;
 *   3 s    C (port 3) asks for A's IP: the switch answers from what it
 *          snooped; the reply comes from vl2_switch_poll_tx();
 *   400 s  nothing arrives; the timers age A, B and C out (300 s).
 * Then my_running() checks every port got exactly what it should, and
 * the events, and exits 1 if not. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vl2/vl2.h>

size_t my_rx(vl2_frame *frames, size_t cap);
void my_send(const vl2_dest *to, const uint8_t *frame, size_t len);
void my_event(const vl2_event *ev);
vl2_tstamp my_now_ns(void);
bool my_running(void);

enum { ARP_LEN = 42, NREQ = 32, SENT_MAX = 256 };

static const uint8_t mac_a[6] = {2, 0, 0, 0, 0, 0xa};
static const uint8_t mac_b[6] = {2, 0, 0, 0, 0, 0xb};
static const uint8_t mac_c[6] = {2, 0, 0, 0, 0, 0xc};
static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t zero[6] = {0};
static const uint8_t vtep[4] = {192, 0, 2, 2};

/* Where a copy went: ports 1-4, or REMOTE for the VTEP. */
enum { REMOTE = 5, NWHERE = 6 };

static uint8_t frames[NREQ + 2][ARP_LEN];
static int step;
static int failures;
static unsigned learned, aged;

typedef struct sent {
  uint32_t port;
  size_t len;
  uint8_t data[128];
} sent;
static sent out[SENT_MAX];
static size_t nout;

static void expect(bool ok, const char *what) {
  if (!ok) {
    printf("FAIL: %s\n", what);
    failures++;
  }
}

/* An Ethernet ARP frame (RFC 826), untagged. */
static void arp(uint8_t *f, const uint8_t *dst, uint16_t op, const uint8_t *sha,
                uint8_t spa, const uint8_t *tha, uint8_t tpa) {
  memcpy(f, dst, 6);
  memcpy(f + 6, sha, 6);
  static const uint8_t hdr[] = {0x08, 0x06, 0, 1, 0x08, 0, 6, 4};
  memcpy(f + 12, hdr, sizeof(hdr));
  f[20] = 0;
  f[21] = (uint8_t)op;
  memcpy(f + 22, sha, 6);
  const uint8_t sip[4] = {10, 0, 0, spa}, tip[4] = {10, 0, 0, tpa};
  memcpy(f + 28, sip, 4);
  memcpy(f + 32, tha, 6);
  memcpy(f + 38, tip, 4);
}

static void frame(vl2_frame *f, const uint8_t *data, uint32_t port) {
  memset(f, 0, sizeof(*f));
  f->data = data;
  f->len = ARP_LEN;
  f->port = port;
}

size_t my_rx(vl2_frame *f, size_t cap) {
  switch (step++) {
  case 0:
    expect(cap >= NREQ, "burst size");
    for (int i = 0; i < NREQ; i++) {
      arp(frames[i], bcast, 1, mac_a, 1, zero, (uint8_t)(2 + i));
      frame(&f[i], frames[i], 1);
    }
    return NREQ;
  case 1:
    arp(frames[NREQ], mac_a, 2, mac_b, 2, mac_a, 1);
    frame(&f[0], frames[NREQ], 2);
    return 1;
  case 2:
    arp(frames[NREQ + 1], bcast, 1, mac_c, 3, zero, 1);
    frame(&f[0], frames[NREQ + 1], 3);
    return 1;
  default:
    return 0;
  }
}

vl2_tstamp my_now_ns(void) {
  static const vl2_tstamp at[] = {1 * VL2_SEC, 2 * VL2_SEC, 3 * VL2_SEC,
                                  400 * VL2_SEC};
  return at[step - 1];
}

void my_send(const vl2_dest *to, const uint8_t *data, size_t len) {
  expect(nout < SENT_MAX && len <= sizeof(out[0].data), "output fits");
  if (nout >= SENT_MAX || len > sizeof(out[0].data))
    return;
  if (to->type == VL2_DEST_REMOTE) {
    expect(to->remote.family == VL2_AF_INET &&
               memcmp(to->remote.addr, vtep, 4) == 0 && to->vni == 100,
           "a remote copy goes to the VTEP in VNI 100");
    out[nout].port = REMOTE;
  } else {
    out[nout].port = to->port;
  }
  out[nout].len = len;
  memcpy(out[nout].data, data, len);
  nout++;
}

void my_event(const vl2_event *ev) {
  printf("event %u: vni %u port %u mac %02x\n", ev->type, ev->vni, ev->port,
         ev->mac.b[5]);
  if (ev->type == VL2_EV_FDB_LEARNED)
    learned++;
  if (ev->type == VL2_EV_FDB_AGED)
    aged++;
}

/* Frames sent to |port|. */
static size_t count(uint32_t port) {
  size_t n = 0;
  for (size_t i = 0; i < nout; i++)
    n += out[i].port == port;
  return n;
}

static void check(void) {
  /* seen[port][i]: copies of request i (target 10.0.0.(2+i)) on port. */
  unsigned seen[NWHERE][NREQ] = {{0}};
  size_t reply_b = 0, reply_sw = 0, other = 0;
  static const uint8_t tag[4] = {0x81, 0x00, 0x00, 0x0a}; /* VID 10 */
  for (size_t i = 0; i < nout; i++) {
    const sent *s = &out[i];
    uint8_t f[ARP_LEN];
    if (s->port < 1 || s->port > REMOTE) {
      other++;
      continue;
    }
    /* The VTEP's copies: the VXLAN header (I flag, VNI 100), then the
     * frame, untagged. */
    static const uint8_t vxlan[8] = {0x08, 0, 0, 0, 0, 0, 100, 0};
    if (s->port == REMOTE) {
      if (s->len != 8 + ARP_LEN || memcmp(s->data, vxlan, 8) != 0) {
        other++;
        continue;
      }
      memcpy(f, s->data + 8, ARP_LEN);
    } else if (s->port == 4) {
      /* The trunk's copies carry the tag the egress edit pushed. */
      if (s->len != ARP_LEN + 4 || memcmp(s->data + 12, tag, 4) != 0) {
        other++;
        continue;
      }
      memcpy(f, s->data, 12);
      memcpy(f + 12, s->data + 16, ARP_LEN - 12);
    } else if (s->len == ARP_LEN) {
      memcpy(f, s->data, ARP_LEN);
    } else {
      other++;
      continue;
    }
    unsigned k = (unsigned)f[41] - 2;
    if (k < NREQ && memcmp(f, frames[k], ARP_LEN) == 0)
      seen[s->port][k]++;
    else if (s->port == 1 && memcmp(f, frames[NREQ], ARP_LEN) == 0)
      reply_b++;
    else if (s->port == 3 && memcmp(f, mac_c, 6) == 0 && f[21] == 2 &&
             memcmp(f + 22, mac_a, 6) == 0 && f[31] == 1 &&
             memcmp(f + 32, mac_c, 6) == 0 && f[41] == 3)
      reply_sw++;
    else
      other++;
  }
  printf("sent: port 1 %zu, port 2 %zu, port 3 %zu, port 4 %zu, VTEP %zu; "
         "events: %u learned, %u aged\n",
         count(1), count(2), count(3), count(4), count(REMOTE), learned, aged);
  for (int k = 0; k < NREQ; k++) {
    expect(seen[1][k] == 0, "no request back to its source port");
    expect(seen[2][k] == 1 && seen[3][k] == 1 && seen[4][k] == 1,
           "each request once to ports 2, 3 and (tagged) 4");
    expect(seen[REMOTE][k] == 1, "each request once to the VTEP, in VXLAN");
  }
  expect(reply_b == 1, "B's reply to port 1");
  expect(reply_sw == 1, "the switch's answer to C, from poll_tx");
  expect(other == 0, "nothing else sent");
  expect(learned == 3, "A, B and C learned");
  expect(aged == 3, "A, B and C aged out");
}

bool my_running(void) {
  if (step < 4)
    return true;
  check();
  if (failures) {
    printf("readme example: %d failures\n", failures);
    exit(1);
  }
  printf("readme example: ok\n");
  return false;
}

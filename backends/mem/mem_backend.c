/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The in-memory backend: two bounded rings of fixed-size slots.
 *
 * Where it fits: a backend without a device, for tests, fuzzing and
 * examples. Frames returned by rx_burst stay in their slots (they are
 * "lent") until the next rx_burst, which is when the slots are freed, so
 * vl2_mem_backend_inject() between two bursts cannot overwrite them.
 */
#include <vl2/mem_backend.h>
#include <vl2/backend_ops.h>

#include <string.h>

#include "vl2_args.h"
#include "vl2_be_wrap.h"
#include "vl2_ring.h"

typedef struct ring {
  uint8_t *buf;   /* cap * frame_max bytes */
  uint32_t *len;  /* per slot */
  vl2_tstamp *ts; /* per slot */
  vl2_ring q;     /* indexes the slots (lib/vl2_ring.h) */
} ring;

typedef struct mem_priv {
  ring rx, tx;
  uint32_t frame_max;
  uint32_t rx_lent; /* slots at rx.head returned by the last rx_burst */
  bool closed;
  vl2_backend_stats st;
} mem_priv;

static int ring_init(vl2_backend *be, ring *r, uint32_t cap, uint32_t fmax) {
  vl2_ring_init(&r->q, cap);
  r->buf = vl2_be_calloc(be, cap, fmax);
  r->len = vl2_be_calloc(be, cap, sizeof(*r->len));
  r->ts = vl2_be_calloc(be, cap, sizeof(*r->ts));
  return r->buf != NULL && r->len != NULL && r->ts != NULL ? 0 : VL2_ERR_NOMEM;
}

static void ring_fini(vl2_backend *be, ring *r) {
  vl2_be_free(be, r->buf);
  vl2_be_free(be, r->len);
  vl2_be_free(be, r->ts);
}

static void mem_close(vl2_backend *be) {
  mem_priv *p = be->priv;
  if (p == NULL)
    return;
  ring_fini(be, &p->rx);
  ring_fini(be, &p->tx);
  vl2_be_free(be, p);
  be->priv = NULL;
}

static int mem_open(vl2_backend *be, const char *args) {
  uint32_t rx_cap = 256, tx_cap = 256, fmax = 2048;
  vl2_args it;
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  int rv;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "rx_cap") == 0)
      rv = vl2_args_u32(be, key, val, 1, 1u << 20, &rx_cap);
    else if (strcmp(key, "tx_cap") == 0)
      rv = vl2_args_u32(be, key, val, 1, 1u << 20, &tx_cap);
    else if (strcmp(key, "frame_max") == 0)
      rv = vl2_args_u32(be, key, val, 14, 65535, &fmax);
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "mem: malformed argument string");
  mem_priv *p = vl2_be_calloc(be, 1, sizeof(*p));
  if (p == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "mem: out of memory");
  be->priv = p;
  p->frame_max = fmax;
  if (ring_init(be, &p->rx, rx_cap, fmax) < 0 ||
      ring_init(be, &p->tx, tx_cap, fmax) < 0) {
    mem_close(be);
    return vl2_be_err(be, VL2_ERR_NOMEM, "mem: out of memory");
  }
  return 0;
}

static vl2_ssize mem_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                              vl2_tstamp now) {
  mem_priv *p = be->priv;
  ring *r = &p->rx;
  /* Give back the slots lent by the previous burst. */
  vl2_ring_pop_n(&r->q, p->rx_lent);
  p->rx_lent = 0;
  if (p->closed)
    return vl2_be_err(be, VL2_ERR_CLOSED, "mem: closed");
  size_t k = n < r->q.len ? n : r->q.len;
  for (size_t i = 0; i < k; i++) {
    uint32_t s = vl2_ring_at(&r->q, (uint32_t)i);
    memset(&frames[i], 0, sizeof(frames[i]));
    frames[i].data = r->buf + (size_t)s * p->frame_max;
    frames[i].len = r->len[s];
    frames[i].port = be->port;
    frames[i].rx_ts = r->ts[s] == VL2_TSTAMP_NONE ? now : r->ts[s];
    p->st.rx_bytes += r->len[s];
  }
  p->rx_lent = (uint32_t)k;
  p->st.rx_frames += k;
  return (vl2_ssize)k;
}

static vl2_ssize mem_tx_burst(vl2_backend *be, const vl2_frame *frames,
                              size_t n) {
  mem_priv *p = be->priv;
  ring *r = &p->tx;
  if (p->closed)
    return vl2_be_err(be, VL2_ERR_CLOSED, "mem: closed");
  size_t i;
  for (i = 0; i < n && !vl2_ring_full(&r->q); i++) {
    if (frames[i].len > p->frame_max || frames[i].len == 0 ||
        frames[i].data == NULL) {
      /* The device refuses it: consume and count it, as a NIC would. */
      p->st.tx_errors++;
      continue;
    }
    uint32_t s = vl2_ring_push(&r->q);
    memcpy(r->buf + (size_t)s * p->frame_max, frames[i].data, frames[i].len);
    r->len[s] = frames[i].len;
    r->ts[s] = VL2_TSTAMP_NONE;
    p->st.tx_frames++;
    p->st.tx_bytes += frames[i].len;
  }
  return (vl2_ssize)i;
}

static int mem_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const mem_priv *p = be->priv;
  *st = p->st;
  return 0;
}

const vl2_backend_ops vl2_mem_backend_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "mem",
    .rx_burst = mem_rx_burst,
    .tx_burst = mem_tx_burst,
    .open = mem_open,
    .close = mem_close,
    .get_fd = NULL,
    .get_stats = mem_get_stats,
};

static mem_priv *get_priv(const vl2_backend *be) {
  if (be == NULL || be->ops != &vl2_mem_backend_ops)
    return NULL;
  return be->priv;
}

int vl2_mem_backend_inject(vl2_backend *be, const void *data, size_t len,
                           vl2_tstamp ts) {
  mem_priv *p = get_priv(be);
  if (p == NULL || data == NULL || len == 0)
    return VL2_ERR_INVALID;
  if (p->closed)
    return vl2_be_err(be, VL2_ERR_CLOSED, "mem: closed");
  if (len > p->frame_max)
    return vl2_be_err(be, VL2_ERR_NOBUF, "mem: frame of %zu bytes > %u", len,
                      (unsigned)p->frame_max);
  ring *r = &p->rx;
  if (vl2_ring_full(&r->q)) {
    p->st.rx_dropped++;
    return vl2_be_err(be, VL2_ERR_LIMIT, "mem: receive queue full");
  }
  uint32_t s = vl2_ring_push(&r->q);
  memcpy(r->buf + (size_t)s * p->frame_max, data, len);
  r->len[s] = (uint32_t)len;
  r->ts[s] = ts;
  return 0;
}

vl2_ssize vl2_mem_backend_take(vl2_backend *be, void *buf, size_t cap) {
  mem_priv *p = get_priv(be);
  if (p == NULL || (buf == NULL && cap > 0))
    return VL2_ERR_INVALID;
  ring *r = &p->tx;
  if (r->q.len == 0)
    return 0;
  uint32_t len = r->len[r->q.head];
  if (cap < len)
    return VL2_ERR_NOBUF;
  memcpy(buf, r->buf + (size_t)r->q.head * p->frame_max, len);
  vl2_ring_pop(&r->q);
  return (vl2_ssize)len;
}

size_t vl2_mem_backend_rx_pending(const vl2_backend *be) {
  const mem_priv *p = get_priv(be);
  return p != NULL ? p->rx.q.len - p->rx_lent : 0;
}

size_t vl2_mem_backend_tx_pending(const vl2_backend *be) {
  const mem_priv *p = get_priv(be);
  return p != NULL ? p->tx.q.len : 0;
}

int vl2_mem_backend_set_closed(vl2_backend *be, bool closed) {
  mem_priv *p = get_priv(be);
  if (p == NULL)
    return VL2_ERR_INVALID;
  p->closed = closed;
  return 0;
}

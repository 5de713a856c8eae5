/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The faulty middleware: wraps a backend and injects short writes,
 * VL2_ERR_AGAIN, drops and reordering, deterministically from a seed.
 *
 * Where it fits: test tooling. It holds no device; the wrapped backend
 * does the I/O, and is owned (closed) by the wrapper.
 */
#include <vl2/mem_backend.h>
#include <vl2/backend_ops.h>

#include <string.h>

#include "vl2_args.h"
#include "vl2_be_wrap.h"

typedef struct faulty_priv {
  vl2_backend *inner;
  vl2_faulty_config cfg;
  uint64_t rng;
  vl2_frame *scratch; /* max_burst frames */
  uint32_t *orig;     /* scratch[i] came from frames[orig[i]] */
  uint64_t rx_dropped, tx_dropped;
} faulty_priv;

/* splitmix64 */
static uint64_t next_u64(faulty_priv *p) {
  uint64_t z = (p->rng += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

/* true with probability |prob|; draws nothing when prob is 0, so a zero
 * config does not advance the generator. */
static bool chance(faulty_priv *p, double prob) {
  if (prob <= 0.0)
    return false;
  return (double)(next_u64(p) >> 11) * (1.0 / 9007199254740992.0) < prob;
}

static size_t below(faulty_priv *p, size_t n) {
  return (size_t)(next_u64(p) % n);
}

static void shuffle(faulty_priv *p, vl2_frame *f, uint32_t *o, size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = below(p, i);
    vl2_frame t = f[i - 1];
    f[i - 1] = f[j];
    f[j] = t;
    if (o != NULL) {
      uint32_t u = o[i - 1];
      o[i - 1] = o[j];
      o[j] = u;
    }
  }
}

static void copy_err(vl2_backend *be) {
  faulty_priv *p = be->priv;
  memcpy(be->errmsg, p->inner->errmsg, sizeof(be->errmsg));
}

static vl2_ssize faulty_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                                 vl2_tstamp now) {
  faulty_priv *p = be->priv;
  if (chance(p, p->cfg.rx_again))
    return 0;
  vl2_ssize k = p->inner->ops->rx_burst(p->inner, frames, n, now);
  if (k < 0) {
    copy_err(be);
    return k;
  }
  size_t m = 0;
  for (size_t i = 0; i < (size_t)k; i++) {
    if (chance(p, p->cfg.rx_drop)) {
      p->rx_dropped++;
      continue;
    }
    frames[m++] = frames[i];
  }
  if (m > 1 && chance(p, p->cfg.rx_reorder))
    shuffle(p, frames, NULL, m);
  return (vl2_ssize)m;
}

static vl2_ssize faulty_tx_burst(vl2_backend *be, const vl2_frame *frames,
                                 size_t n) {
  faulty_priv *p = be->priv;
  if (chance(p, p->cfg.tx_again))
    return vl2_be_err(be, VL2_ERR_AGAIN, "faulty: injected EAGAIN");
  if (n > p->cfg.max_burst)
    n = p->cfg.max_burst;
  if (n > 1 && chance(p, p->cfg.tx_partial))
    n = 1 + below(p, n - 1);
  /* Keep the frames that are not dropped, remembering where they came
   * from so a short accept by the inner backend maps back to a prefix. */
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    if (chance(p, p->cfg.tx_drop)) {
      p->tx_dropped++;
      continue;
    }
    p->scratch[m] = frames[i];
    p->orig[m] = (uint32_t)i;
    m++;
  }
  if (m == 0)
    return (vl2_ssize)n;
  if (m > 1 && chance(p, p->cfg.tx_reorder))
    shuffle(p, p->scratch, p->orig, m);
  vl2_ssize k = p->inner->ops->tx_burst(p->inner, p->scratch, m);
  if (k < 0) {
    copy_err(be);
    return k;
  }
  if ((size_t)k == m)
    return (vl2_ssize)n;
  /* Accepted: every original frame before the first one not accepted. */
  uint32_t first = UINT32_MAX;
  for (size_t i = (size_t)k; i < m; i++)
    if (p->orig[i] < first)
      first = p->orig[i];
  return (vl2_ssize)first;
}

static int faulty_get_fd(const vl2_backend *be) {
  const faulty_priv *p = be->priv;
  return vl2_backend_get_fd(p->inner);
}

static int faulty_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const faulty_priv *p = be->priv;
  int rv = vl2_backend_get_stats(p->inner, st);
  if (rv < 0)
    return rv;
  st->rx_dropped += p->rx_dropped;
  st->tx_dropped += p->tx_dropped;
  return 0;
}

static int faulty_open(vl2_backend *be, const char *args) {
  (void)args;
  return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                    "faulty: open it with vl2_faulty_open()");
}

static void faulty_close(vl2_backend *be) {
  faulty_priv *p = be->priv;
  if (p == NULL)
    return;
  vl2_backend_close(p->inner);
  vl2_be_free(be, p->scratch);
  vl2_be_free(be, p->orig);
  vl2_be_free(be, p);
  be->priv = NULL;
}

static const vl2_backend_ops faulty_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "faulty",
    .rx_burst = faulty_rx_burst,
    .tx_burst = faulty_tx_burst,
    .open = faulty_open,
    .close = faulty_close,
    .get_fd = faulty_get_fd,
    .get_stats = faulty_get_stats,
};

static bool prob_ok(double x) { return x >= 0.0 && x <= 1.0; }

int vl2_faulty_open_versioned(vl2_backend **pbe, vl2_backend *inner,
                              int version, const vl2_faulty_config *cfg,
                              const vl2_mem *mem) {
  if (pbe == NULL || inner == NULL)
    return VL2_ERR_INVALID;
  *pbe = NULL;
  if (version != VL2_FAULTY_CONFIG_V1)
    return VL2_ERR_VERSION;
  vl2_faulty_config c;
  memset(&c, 0, sizeof(c));
  if (cfg != NULL)
    c = *cfg;
  if (!prob_ok(c.tx_partial) || !prob_ok(c.tx_again) || !prob_ok(c.tx_drop) ||
      !prob_ok(c.tx_reorder) || !prob_ok(c.rx_again) || !prob_ok(c.rx_drop) ||
      !prob_ok(c.rx_reorder))
    return VL2_ERR_INVALID;
  if (c.max_burst == 0)
    c.max_burst = 256;
  vl2_backend *be = vl2_be_wrap_alloc(&faulty_ops, inner->port, mem);
  if (be == NULL)
    return VL2_ERR_NOMEM;
  faulty_priv *p = vl2_be_calloc(be, 1, sizeof(*p));
  if (p == NULL) {
    vl2_be_wrap_free(be);
    return VL2_ERR_NOMEM;
  }
  p->scratch = vl2_be_calloc(be, c.max_burst, sizeof(*p->scratch));
  p->orig = vl2_be_calloc(be, c.max_burst, sizeof(*p->orig));
  if (p->scratch == NULL || p->orig == NULL) {
    vl2_be_free(be, p->scratch);
    vl2_be_free(be, p->orig);
    vl2_be_free(be, p);
    vl2_be_wrap_free(be);
    return VL2_ERR_NOMEM;
  }
  p->cfg = c;
  p->rng = c.seed;
  p->inner = inner;
  be->priv = p;
  *pbe = be;
  return 0;
}

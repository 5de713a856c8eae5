/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The pcapwrite middleware: records every frame a wrapped backend
 * receives and sends into a pcap file.
 *
 * Where it fits: test and debugging tooling. It lives in libvl2-pcap
 * because it writes with libpcap's pcap_dump(). A failing write never
 * fails the data path: it is counted in rx_errors/tx_errors and noted in
 * the error message.
 */
#include <vl2/pcap.h>
#include <vl2/backend_ops.h>

#include <string.h>

#include "pcap_internal.h"
#include "vl2_args.h"
#include "vl2_be_wrap.h"

typedef struct pcapwrite_priv {
  vl2_backend *inner;
  vl2_pcap_writer *w;
  uint32_t flags;
  vl2_tstamp last_now;
  uint64_t rec_errors;
} pcapwrite_priv;

static void record(vl2_backend *be, const vl2_frame *f, uint64_t ts) {
  pcapwrite_priv *p = be->priv;
  int rv = vl2_pcap_writer_write(p->w, f->data, f->len, ts);
  if (rv < 0) {
    if (p->rec_errors++ == 0)
      vl2_be_errno(be, rv > -200 ? -rv : 5, "pcapwrite: write");
  }
}

static vl2_ssize pw_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                             vl2_tstamp now) {
  pcapwrite_priv *p = be->priv;
  p->last_now = now;
  vl2_ssize k = p->inner->ops->rx_burst(p->inner, frames, n, now);
  if (k < 0) {
    memcpy(be->errmsg, p->inner->errmsg, sizeof(be->errmsg));
    return k;
  }
  if (p->flags & VL2_PCAPWRITE_RX) {
    uint64_t clk =
        (p->flags & VL2_PCAPWRITE_TS_FRAME) ? 0 : vl2_pcap_realtime_ns();
    for (vl2_ssize i = 0; i < k; i++)
      record(be, &frames[i],
             (p->flags & VL2_PCAPWRITE_TS_FRAME) ? frames[i].rx_ts : clk);
  }
  return k;
}

static vl2_ssize pw_tx_burst(vl2_backend *be, const vl2_frame *frames,
                             size_t n) {
  pcapwrite_priv *p = be->priv;
  vl2_ssize k = p->inner->ops->tx_burst(p->inner, frames, n);
  if (k < 0) {
    memcpy(be->errmsg, p->inner->errmsg, sizeof(be->errmsg));
    return k;
  }
  if (p->flags & VL2_PCAPWRITE_TX) {
    uint64_t ts = (p->flags & VL2_PCAPWRITE_TS_FRAME) ? p->last_now
                                                      : vl2_pcap_realtime_ns();
    for (vl2_ssize i = 0; i < k; i++)
      record(be, &frames[i], ts);
  }
  return k;
}

static int pw_get_fd(const vl2_backend *be) {
  const pcapwrite_priv *p = be->priv;
  return vl2_backend_get_fd(p->inner);
}

static int pw_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const pcapwrite_priv *p = be->priv;
  return vl2_backend_get_stats(p->inner, st);
}

static int pw_open(vl2_backend *be, const char *args) {
  (void)args;
  return vl2_be_err(be, VL2_ERR_UNSUPPORTED,
                    "pcapwrite: open it with vl2_pcapwrite_open()");
}

static void pw_close(vl2_backend *be) {
  pcapwrite_priv *p = be->priv;
  if (p == NULL)
    return;
  vl2_backend_close(p->inner);
  vl2_pcap_writer_close(p->w);
  vl2_be_free(be, p);
  be->priv = NULL;
}

static const vl2_backend_ops pcapwrite_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "pcapwrite",
    .rx_burst = pw_rx_burst,
    .tx_burst = pw_tx_burst,
    .open = pw_open,
    .close = pw_close,
    .get_fd = pw_get_fd,
    .get_stats = pw_get_stats,
};

int vl2_pcapwrite_open(vl2_backend **pbe, vl2_backend *inner, const char *path,
                       uint32_t flags, const vl2_mem *mem) {
  const uint32_t all = VL2_PCAPWRITE_RX | VL2_PCAPWRITE_TX |
                       VL2_PCAPWRITE_TS_FRAME | VL2_PCAPWRITE_NSEC;
  if (pbe == NULL || inner == NULL || path == NULL || (flags & ~all) != 0)
    return VL2_ERR_INVALID;
  *pbe = NULL;
  if ((flags & (VL2_PCAPWRITE_RX | VL2_PCAPWRITE_TX)) == 0)
    flags |= VL2_PCAPWRITE_RX | VL2_PCAPWRITE_TX;
  vl2_backend *be = vl2_be_wrap_alloc(&pcapwrite_ops, inner->port, mem);
  if (be == NULL)
    return VL2_ERR_NOMEM;
  pcapwrite_priv *p = vl2_be_calloc(be, 1, sizeof(*p));
  if (p == NULL) {
    vl2_be_wrap_free(be);
    return VL2_ERR_NOMEM;
  }
  int rv = vl2_pcap_writer_open(
      &p->w, path, 0, (flags & VL2_PCAPWRITE_NSEC) ? VL2_PCAP_WRITER_NSEC : 0,
      &be->mem);
  if (rv < 0) {
    vl2_be_free(be, p);
    vl2_be_wrap_free(be);
    return rv;
  }
  p->inner = inner;
  p->flags = flags;
  be->priv = p;
  *pbe = be;
  return 0;
}

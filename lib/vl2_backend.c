/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The generic backend wrapper: dispatches to a backend's ops.
 *
 * Where it fits: pure (it only calls through the ops and the allocator
 * hooks), so it lives in the core library that every backend links.
 */
#include <vl2/backend_ops.h>

#include <string.h>

#include "vl2_mem.h"
#include "vl2_stats.h"

/* Copy the NUL-terminated |msg| into |buf| of |len| bytes, truncated. */
static void copy_msg(char *buf, size_t len, const char *msg) {
  if (buf == NULL || len == 0)
    return;
  size_t n = 0;
  while (n + 1 < len && msg[n] != '\0')
    n++;
  memcpy(buf, msg, n);
  buf[n] = '\0';
}

int vl2_backend_open(vl2_backend **pbe, const vl2_backend_ops *ops,
                     const char *args, uint32_t port, const vl2_mem *mem) {
  return vl2_backend_open_err(pbe, ops, args, port, mem, NULL, 0);
}

int vl2_backend_open_err(vl2_backend **pbe, const vl2_backend_ops *ops,
                         const char *args, uint32_t port, const vl2_mem *mem,
                         char *errbuf, size_t errlen) {
  copy_msg(errbuf, errlen, "");
  if (pbe == NULL || ops == NULL)
    return VL2_ERR_INVALID;
  *pbe = NULL;
  if (ops->abi_version != VL2_BACKEND_OPS_VERSION)
    return VL2_ERR_VERSION;
  if (ops->rx_burst == NULL || ops->tx_burst == NULL || ops->open == NULL ||
      ops->close == NULL)
    return VL2_ERR_INVALID;
  vl2_mem m = vl2_mem_resolve(mem);
  vl2_backend *be = vl2_mem_calloc(&m, 1, sizeof(*be));
  if (be == NULL)
    return VL2_ERR_NOMEM;
  be->ops = ops;
  be->mem = m;
  be->port = port;
  int rv = ops->open(be, args != NULL ? args : "");
  if (rv != 0) {
    be->errmsg[VL2_BACKEND_ERRMSG_LEN - 1] = '\0';
    copy_msg(errbuf, errlen, be->errmsg);
    vl2_mem_free(&m, be);
    return rv;
  }
  *pbe = be;
  return 0;
}

vl2_ssize vl2_backend_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                               vl2_tstamp now) {
  if (be == NULL || (frames == NULL && n > 0))
    return VL2_ERR_INVALID;
  if (n == 0)
    return 0;
  return be->ops->rx_burst(be, frames, n, now);
}

vl2_ssize vl2_backend_tx_burst(vl2_backend *be, const vl2_frame *frames,
                               size_t n) {
  if (be == NULL || (frames == NULL && n > 0))
    return VL2_ERR_INVALID;
  if (n == 0)
    return 0;
  return be->ops->tx_burst(be, frames, n);
}

int vl2_backend_get_fd(const vl2_backend *be) {
  if (be == NULL || be->ops->get_fd == NULL)
    return -1;
  return be->ops->get_fd(be);
}

int vl2_backend_get_stats_versioned(const vl2_backend *be, size_t st_size,
                                    vl2_backend_stats *st) {
  if (be == NULL || st == NULL || st_size == 0)
    return VL2_ERR_INVALID;
  vl2_backend_stats full;
  memset(&full, 0, sizeof(full));
  if (be->ops->get_stats != NULL) {
    int rv = be->ops->get_stats(be, &full);
    if (rv != 0)
      return rv;
  }
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

const char *vl2_backend_last_error(const vl2_backend *be) {
  return be != NULL ? be->errmsg : "";
}

const char *vl2_backend_name(const vl2_backend *be) {
  return be != NULL && be->ops->name != NULL ? be->ops->name : "";
}

uint32_t vl2_backend_port(const vl2_backend *be) {
  return be != NULL ? be->port : 0;
}

void vl2_backend_close(vl2_backend *be) {
  if (be == NULL)
    return;
  vl2_mem m = be->mem;
  be->ops->close(be);
  vl2_mem_free(&m, be);
}

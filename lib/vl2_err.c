/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Error names and the library version.
 */
#include <vl2/common.h>
#include <vl2/version.h>

const char *vl2_strerror(int rv) {
  switch (rv) {
  case VL2_OK:
    return "success";
  case VL2_ERR_INVALID:
    return "invalid argument";
  case VL2_ERR_NOMEM:
    return "out of memory";
  case VL2_ERR_NOBUF:
    return "buffer too small";
  case VL2_ERR_EXISTS:
    return "already exists";
  case VL2_ERR_NOTFOUND:
    return "not found";
  case VL2_ERR_LIMIT:
    return "limit reached";
  case VL2_ERR_VERSION:
    return "unknown structure version";
  case VL2_ERR_BUSY:
    return "in use";
  case VL2_ERR_MALFORMED:
    return "malformed packet";
  case VL2_ERR_UNSUPPORTED:
    return "not supported";
  case VL2_ERR_AGAIN:
    return "try again";
  case VL2_ERR_CLOSED:
    return "device closed or gone";
  default:
    break;
  }
  if (rv < 0 && rv > -200)
    return "operating system error (see strerror(-rv))";
  return "unknown error";
}

static const vl2_info info = {VL2_VERSION_NUM, VL2_VERSION};

const vl2_info *vl2_version(int least_version) {
  if (least_version > VL2_VERSION_NUM)
    return NULL;
  return &info;
}

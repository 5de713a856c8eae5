/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Internal to the backends (not installed): the "key=value,key=value"
 * parser every backend uses for its vl2_backend_open() argument string,
 * value converters, and helpers that write ::vl2_backend's `errmsg`.
 *
 * Header-only (static inline), so a backend links nothing extra: add
 * `target_link_libraries(<tgt> PRIVATE $<BUILD_INTERFACE:vl2_be_common>)`
 * and `#include "vl2_args.h"`.
 *
 * Syntax: pairs separated by ','; key and value separated by the first
 * '='; surrounding blanks are not stripped; a value may contain ',' or
 * '\\' escaped with a backslash ("filter=port 53\\, or port 80" is not
 * needed for BPF, but file names may need it). A key without '=' is a
 * flag whose value is "1" ("persist" == "persist=1"). Empty items (",,")
 * are skipped.
 *
 * Typical use:
 * @code
 *   vl2_args it;
 *   char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
 *   int rv;
 *   vl2_args_init(&it, args);
 *   while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
 *     if (strcmp(key, "mtu") == 0)
 *       rv = vl2_args_u32(be, key, val, 68, 65535, &mtu);
 *     else
 *       rv = vl2_args_unknown(be, key);
 *     if (rv < 0)
 *       return rv;
 *   }
 *   if (rv < 0)
 *     return vl2_be_err(be, rv, "bad argument string");
 * @endcode
 */
#ifndef VL2_ARGS_H
#define VL2_ARGS_H

#include <vl2/backend_ops.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** Room for a key, NUL included, that callers should provide. */
#define VL2_ARGS_KEY_MAX 32
/** Room for a value, NUL included, that callers should provide. */
#define VL2_ARGS_VAL_MAX 256

/** An iterator over an argument string (borrowed, not copied). */
typedef struct vl2_args {
  const char *p; /**< Next unread character. */
} vl2_args;

/**
 * Start iterating over @p s.
 *
 * @param it
 *   The iterator.
 * @param s
 *   The argument string; NULL is treated as "". Borrowed while iterating.
 */
static inline void vl2_args_init(vl2_args *it, const char *s) {
  it->p = s != NULL ? s : "";
}

/**
 * Take the next key and value.
 *
 * @param it
 *   The iterator.
 * @param key
 *   Written: the key, NUL-terminated.
 * @param key_cap
 *   Room in @p key.
 * @param val
 *   Written: the unescaped value, NUL-terminated ("1" for a bare key).
 * @param val_cap
 *   Room in @p val.
 * @return
 *   1 when a pair was read, 0 at the end.
 * @retval VL2_ERR_INVALID an empty key, or a key or value too long for
 *         the buffers.
 */
static inline int vl2_args_next(vl2_args *it, char *key, size_t key_cap,
                                char *val, size_t val_cap) {
  const char *p = it->p;
  while (*p == ',')
    p++;
  if (*p == '\0') {
    it->p = p;
    return 0;
  }
  size_t k = 0;
  while (*p != '\0' && *p != '=' && *p != ',') {
    if (k + 1 >= key_cap)
      return VL2_ERR_INVALID;
    key[k++] = *p++;
  }
  key[k] = '\0';
  if (k == 0)
    return VL2_ERR_INVALID;
  size_t v = 0;
  if (*p == '=') {
    p++;
    while (*p != '\0' && *p != ',') {
      if (*p == '\\' && (p[1] == ',' || p[1] == '\\'))
        p++;
      if (v + 1 >= val_cap)
        return VL2_ERR_INVALID;
      val[v++] = *p++;
    }
  } else {
    if (val_cap < 2)
      return VL2_ERR_INVALID;
    val[v++] = '1';
  }
  val[v] = '\0';
  it->p = p;
  return 1;
}

/**
 * Write a formatted message into @p be's `errmsg` and return @p rv.
 *
 * @param be
 *   The backend (may be NULL: only @p rv is returned).
 * @param rv
 *   The error to return.
 * @param fmt
 *   printf(3) format.
 * @return
 *   @p rv.
 */
__attribute__((format(printf, 3, 4))) static inline int
vl2_be_err(vl2_backend *be, int rv, const char *fmt, ...) {
  if (be != NULL) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(be->errmsg, sizeof(be->errmsg), fmt, ap);
    va_end(ap);
  }
  return rv;
}

/**
 * Write "<message>: <strerror(err)>" into @p be's `errmsg`, return -@p err.
 *
 * @param be
 *   The backend (may be NULL).
 * @param err
 *   A positive errno value (0 is taken as EIO).
 * @param fmt
 *   printf(3) format of the message's first part.
 * @return
 *   -@p err, in (-200, 0).
 */
__attribute__((format(printf, 3, 4))) static inline int
vl2_be_errno(vl2_backend *be, int err, const char *fmt, ...) {
  if (err <= 0 || err >= 200)
    err = EIO;
  if (be != NULL) {
    char head[VL2_BACKEND_ERRMSG_LEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof(head), fmt, ap);
    va_end(ap);
    snprintf(be->errmsg, sizeof(be->errmsg), "%.100s: %s", head, strerror(err));
  }
  return -err;
}

/**
 * Report an unknown key.
 *
 * @param be
 *   The backend.
 * @param key
 *   The key.
 * @return
 *   ::VL2_ERR_INVALID, with "<backend>: unknown argument '<key>'" in
 *   `errmsg`.
 */
static inline int vl2_args_unknown(vl2_backend *be, const char *key) {
  return vl2_be_err(be, VL2_ERR_INVALID, "%s: unknown argument '%.40s'",
                    be != NULL && be->ops != NULL && be->ops->name != NULL
                        ? be->ops->name
                        : "backend",
                    key);
}

/**
 * Parse an unsigned integer value (decimal, 0x hex or 0 octal).
 *
 * @param be
 *   The backend, for the message.
 * @param key
 *   The key, for the message.
 * @param val
 *   The value text.
 * @param min
 *   Smallest accepted value.
 * @param max
 *   Largest accepted value.
 * @param out
 *   Written on success.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID not a number, or out of [@p min, @p max].
 */
static inline int vl2_args_u32(vl2_backend *be, const char *key,
                               const char *val, uint32_t min, uint32_t max,
                               uint32_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long x = strtoull(val, &end, 0);
  if (val[0] == '\0' || val[0] == '-' || end == NULL || *end != '\0' ||
      errno != 0 || x < min || x > max)
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "%.40s=%.40s: expected an integer in [%u, %u]", key, val,
                      (unsigned)min, (unsigned)max);
  *out = (uint32_t)x;
  return 0;
}

/**
 * Parse a probability or other real value in [@p min, @p max].
 *
 * @param be
 *   The backend, for the message.
 * @param key
 *   The key, for the message.
 * @param val
 *   The value text.
 * @param min
 *   Smallest accepted value.
 * @param max
 *   Largest accepted value.
 * @param out
 *   Written on success.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID not a number, or out of range.
 */
static inline int vl2_args_double(vl2_backend *be, const char *key,
                                  const char *val, double min, double max,
                                  double *out) {
  char *end = NULL;
  errno = 0;
  double x = strtod(val, &end);
  if (val[0] == '\0' || end == NULL || *end != '\0' || errno != 0 ||
      !(x >= min && x <= max))
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "%.40s=%.40s: expected a number in [%g, %g]", key, val,
                      min, max);
  *out = x;
  return 0;
}

/**
 * Parse a boolean: 1/0, yes/no, true/false, on/off.
 *
 * @param be
 *   The backend, for the message.
 * @param key
 *   The key, for the message.
 * @param val
 *   The value text.
 * @param out
 *   Written on success.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID anything else.
 */
static inline int vl2_args_bool(vl2_backend *be, const char *key,
                                const char *val, bool *out) {
  static const char *const yes[] = {"1", "yes", "true", "on"};
  static const char *const no[] = {"0", "no", "false", "off"};
  for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
    if (strcmp(val, yes[i]) == 0) {
      *out = true;
      return 0;
    }
    if (strcmp(val, no[i]) == 0) {
      *out = false;
      return 0;
    }
  }
  return vl2_be_err(be, VL2_ERR_INVALID, "%.40s=%.40s: expected 0 or 1", key,
                    val);
}

/**
 * Parse a MAC address "aa:bb:cc:dd:ee:ff" (or with '-').
 *
 * @param be
 *   The backend, for the message.
 * @param key
 *   The key, for the message.
 * @param val
 *   The value text.
 * @param out
 *   Written on success (6 bytes, wire order).
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID not a MAC address.
 */
static inline int vl2_args_mac(vl2_backend *be, const char *key,
                               const char *val, vl2_mac *out) {
  const char *p = val;
  for (int i = 0; i < 6; i++) {
    int b = 0;
    for (int j = 0; j < 2; j++, p++) {
      int c = *p, d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        goto bad;
      b = b * 16 + d;
    }
    out->b[i] = (uint8_t)b;
    if (i < 5) {
      if (*p != ':' && *p != '-')
        goto bad;
      p++;
    }
  }
  if (*p == '\0')
    return 0;
bad:
  return vl2_be_err(be, VL2_ERR_INVALID,
                    "%.40s=%.40s: expected a MAC address aa:bb:cc:dd:ee:ff",
                    key, val);
}

/**
 * Copy a string value into a fixed buffer.
 *
 * @param be
 *   The backend, for the message.
 * @param key
 *   The key, for the message.
 * @param val
 *   The value text.
 * @param out
 *   Written, NUL-terminated.
 * @param cap
 *   Room in @p out.
 * @return
 *   0 on success.
 * @retval VL2_ERR_INVALID empty, or longer than @p cap - 1.
 */
static inline int vl2_args_str(vl2_backend *be, const char *key,
                               const char *val, char *out, size_t cap) {
  size_t n = strlen(val);
  if (n == 0 || n >= cap)
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "%.40s: value empty or longer than %zu bytes", key,
                      cap - 1);
  memcpy(out, val, n + 1);
  return 0;
}

#endif /* !defined(VL2_ARGS_H) */

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup common Common types
 *
 * Types shared by every libvl2 header: error codes, time, the allocator
 * hooks, MAC and IP address records, and the export macro.
 *
 * Conventions used throughout the API:
 * - functions return `int` 0 on success or a negative `VL2_ERR_*` code in
 *   [-999, -200]; a function that returns a count or an error returns
 *   ::vl2_ssize;
 * - time is a ::vl2_tstamp, a monotonic nanosecond count from any origin,
 *   passed in by the caller as the last argument; the core never reads a
 *   clock;
 * - every object is created with an optional ::vl2_mem and is not
 *   thread-safe: use one object from one thread at a time.
 * @{
 */
#ifndef VL2_COMMON_H
#define VL2_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(VL2_STATICLIB)
#define VL2_EXTERN
#elif defined(BUILDING_VL2)
#define VL2_EXTERN __attribute__((visibility("default")))
#else
#define VL2_EXTERN
#endif
/** @endcond */

/**
 * A count or a negative `VL2_ERR_*` code (never `ssize_t`, which is POSIX).
 */
typedef ptrdiff_t vl2_ssize;

/**
 * A monotonic time in nanoseconds from an origin the caller chooses.
 * Every function that depends on time takes one as its last parameter. A
 * value older than the newest one an object has seen is treated as that
 * newest one, so time never runs backwards inside the library.
 */
typedef uint64_t vl2_tstamp;

/** A duration in nanoseconds. */
typedef uint64_t vl2_duration;

/** "No time": returned by deadline getters when nothing is scheduled. */
#define VL2_TSTAMP_NONE UINT64_MAX
/** One nanosecond, as a ::vl2_duration. */
#define VL2_NS ((vl2_duration)1ULL)
/** One microsecond, as a ::vl2_duration. */
#define VL2_US ((vl2_duration)1000ULL)
/** One millisecond, as a ::vl2_duration. */
#define VL2_MS ((vl2_duration)1000000ULL)
/** One second, as a ::vl2_duration. */
#define VL2_SEC ((vl2_duration)1000000000ULL)

/**
 * Error codes. Every public function that can fail returns one of these
 * (negated values are already negative). Backends may also return
 * `-errno` values, which lie in (-200, 0) and never collide with these.
 */
typedef enum vl2_error {
  VL2_OK = 0,                 /**< Success. */
  VL2_ERR_INVALID = -201,     /**< An argument is out of range or NULL. */
  VL2_ERR_NOMEM = -202,       /**< The allocator returned NULL. */
  VL2_ERR_NOBUF = -203,       /**< A caller-supplied buffer is too small. */
  VL2_ERR_EXISTS = -204,      /**< The object to add exists already. */
  VL2_ERR_NOTFOUND = -205,    /**< The object named does not exist. */
  VL2_ERR_LIMIT = -206,       /**< A limit set at creation was reached. */
  VL2_ERR_VERSION = -207,     /**< Unknown config struct version. */
  VL2_ERR_BUSY = -208,        /**< The object is still in use. */
  VL2_ERR_MALFORMED = -209,   /**< Input bytes are not a valid packet. */
  VL2_ERR_UNSUPPORTED = -210, /**< Valid, but not supported by libvl2. */
  VL2_ERR_AGAIN = -211,       /**< Nothing available now; try later. */
  VL2_ERR_CLOSED = -212,      /**< The device or object is gone. */
} vl2_error;

/**
 * Name an error code.
 *
 * @param rv
 *   A `VL2_ERR_*` code, 0, or a backend's `-errno` value.
 * @return
 *   A static, NUL-terminated English description; "unknown error" for a
 *   value that is neither. Never NULL. Thread-safe.
 * @since 0.1.0
 */
VL2_EXTERN const char *vl2_strerror(int rv);

/**
 * Allocator hooks, passed per object (never global).
 *
 * A NULL `const vl2_mem *` anywhere in the API means the C library's
 * malloc family. The hooks must behave like their C counterparts, and
 * `free` must accept NULL. The structure is copied by the object that
 * receives it; @p user_data is passed back unchanged and is owned by the
 * caller.
 */
typedef struct vl2_mem {
  void *user_data; /**< Passed as the first argument of every hook. */
  void *(*malloc)(size_t size, void *user_data);               /**< malloc(3) */
  void (*free)(void *ptr, void *user_data);                    /**< free(3) */
  void *(*calloc)(size_t nmemb, size_t size, void *user_data); /**< calloc(3) */
  void *(*realloc)(void *ptr, size_t size, void *user_data); /**< realloc(3) */
} vl2_mem;

/**
 * The C library's allocator as a ::vl2_mem.
 *
 * This is what a NULL `const vl2_mem *` means. It is the only place the
 * core names malloc(3) and friends, and the core reaches them only through
 * the hooks.
 *
 * @return
 *   A pointer to a static ::vl2_mem; never NULL.
 * @since 0.1.0
 */
VL2_EXTERN const vl2_mem *vl2_mem_default(void);

/** An Ethernet MAC address, in wire order. */
typedef struct vl2_mac {
  uint8_t b[6]; /**< The six octets, first transmitted first. */
} vl2_mac;

/** Address family of a ::vl2_ipaddr: none. */
#define VL2_AF_NONE 0
/** Address family of a ::vl2_ipaddr: IPv4 (in `addr[0..3]`). */
#define VL2_AF_INET 4
/** Address family of a ::vl2_ipaddr: IPv6 (in `addr[0..15]`). */
#define VL2_AF_INET6 6

/**
 * An IPv4 or IPv6 address as bytes in network order (no sockaddr, so the
 * headers stay free of POSIX). For IPv4 only `addr[0..3]` are used and the
 * rest must be zero, so two addresses compare equal with memcmp().
 */
typedef struct vl2_ipaddr {
  uint8_t family;   /**< ::VL2_AF_INET, ::VL2_AF_INET6 or ::VL2_AF_NONE. */
  uint8_t pad[3];   /**< Zero. */
  uint8_t addr[16]; /**< The address, network byte order. */
} vl2_ipaddr;

/** 802.1Q VLAN identifier (12 bits, 1..4094 usable). */
typedef uint16_t vl2_vid;

/** The largest valid VLAN ID (802.1Q clause 9.6: 0 and 4095 are reserved). */
#define VL2_VID_MAX 4094
/** A 24-bit VXLAN network identifier (RFC 7348 section 5). */
#define VL2_VNI_MAX 0xFFFFFFu

#ifdef __cplusplus
}
#endif

/** @} */
#endif /* !defined(VL2_COMMON_H) */

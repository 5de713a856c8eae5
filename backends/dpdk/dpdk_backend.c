/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The DPDK backend: one rte_ethdev port, queue 0, per instance.
 *
 * Receive hands frames to the caller in place in their mbufs and keeps the
 * mbufs until the next rx_burst (the ::vl2_frame lifetime), so nothing is
 * copied unless an mbuf is chained (multi-segment), which is linearized
 * into a per-instance buffer. Transmit copies each borrowed frame into a
 * fresh mbuf, except a frame that is still, unchanged, the data of an mbuf
 * some instance of this backend received and holds: that mbuf is sent by
 * reference (refcnt + 1). To recognise such frames without trusting the
 * frame bytes, each instance's pool is registered with its memory chunks
 * and a table of where objects start in them (see pool_reg), and a
 * candidate mbuf must be an object start of a registered pool.
 */
#include <vl2/dpdk.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_version.h>

#include "vl2_args.h"

#define EAL_ARGS_MAX 1024
#define EAL_ARGV_MAX 64
#define MAX_REGS 256       /* registered pool memory chunks */
#define MAX_POOL_CHUNKS 64 /* a pool in more chunks is not registered */

/* --- process-global state: the EAL and the pool registry ----------------*/

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static bool g_eal_ours;               /* initialized by this library */
static bool g_eal_cleaned;            /* rte_eal_cleanup() was called */
static char g_eal_args[EAL_ARGS_MAX]; /* the eal= string we used, if any */
static unsigned g_open;               /* open instances */

/* One memory chunk of a pool this library created. Objects are found by
 * address through |start|: the chunk is cut into buckets of 2^shift bytes,
 * no larger than one object (header + mbuf + buffer + trailer), so at most
 * one object starts in each; start[b] is the last object start at or
 * before the end of bucket b (0: none). This holds whatever the layout:
 * DPDK keeps objects from crossing page boundaries when it needs
 * IOVA-contiguous objects, so the distance between them is not constant. */
typedef struct pool_reg {
  struct rte_mempool *mp; /* NULL: free slot (written atomically) */
  uintptr_t lo, hi;       /* the chunk */
  unsigned shift;
  uintptr_t *start;
} pool_reg;
static pool_reg g_regs[MAX_REGS];
static unsigned g_nregs; /* slots in use are below this */

static bool eal_is_up(void) { return g_eal_ours || rte_lcore_count() > 0; }

/* Call with g_lock held. */
static int eal_init_locked(int argc, char *const argv[]) {
  if (g_eal_cleaned)
    return VL2_ERR_CLOSED;
  if (eal_is_up())
    return VL2_ERR_EXISTS;
  /* rte_eal_init() permutes argv and may keep pointers into it: give it a
   * private, static copy. */
  static char *args[EAL_ARGV_MAX + 1];
  static char store[EAL_ARGS_MAX * 2];
  size_t used = 0;
  if (argc > EAL_ARGV_MAX)
    return VL2_ERR_INVALID;
  for (int i = 0; i < argc; i++) {
    size_t l = strlen(argv[i]) + 1;
    if (used + l > sizeof(store))
      return VL2_ERR_NOMEM;
    memcpy(store + used, argv[i], l);
    args[i] = store + used;
    used += l;
  }
  args[argc] = NULL;
  if (rte_eal_init(argc, args) < 0) {
    int e = rte_errno;
    if (e == EALREADY)
      return VL2_ERR_EXISTS;
    if (e == EINVAL || e == 0)
      return VL2_ERR_INVALID;
    return e > 0 && e < 200 ? -e : -EIO;
  }
  g_eal_ours = true;
  return 0;
}

int vl2_dpdk_eal_init(int argc, char *const argv[]) {
  if (argc < 1 || argv == NULL)
    return VL2_ERR_INVALID;
  for (int i = 0; i < argc; i++)
    if (argv[i] == NULL)
      return VL2_ERR_INVALID;
  pthread_mutex_lock(&g_lock);
  int rv = eal_init_locked(argc, argv);
  pthread_mutex_unlock(&g_lock);
  return rv;
}

int vl2_dpdk_eal_cleanup(void) {
  int rv = 0;
  pthread_mutex_lock(&g_lock);
  if (g_open > 0) {
    rv = VL2_ERR_BUSY;
  } else if (g_eal_ours && !g_eal_cleaned) {
    int r = rte_eal_cleanup();
    g_eal_cleaned = true;
    g_eal_ours = false;
    if (r < 0)
      rv = r > -200 ? r : -EIO;
  }
  pthread_mutex_unlock(&g_lock);
  return rv;
}

/* Split the blank-separated |s| into argv (argv[0] = "vl2") and init. */
static int eal_from_string(vl2_backend *be, const char *s) {
  char buf[EAL_ARGS_MAX];
  char *argv[EAL_ARGV_MAX];
  int argc = 0;
  if (strlen(s) >= sizeof(buf))
    return vl2_be_err(be, VL2_ERR_INVALID, "dpdk: eal= too long");
  strcpy(buf, s);
  argv[argc++] = (char *)"vl2";
  for (char *save = NULL, *t = strtok_r(buf, " \t", &save); t != NULL;
       t = strtok_r(NULL, " \t", &save)) {
    if (argc == EAL_ARGV_MAX)
      return vl2_be_err(be, VL2_ERR_INVALID, "dpdk: too many eal= words");
    argv[argc++] = t;
  }
  pthread_mutex_lock(&g_lock);
  int rv;
  if (g_eal_ours && strcmp(g_eal_args, s) == 0) {
    rv = 0; /* a second port opened with the same eal= */
  } else {
    rv = eal_init_locked(argc, argv);
    if (rv == 0)
      snprintf(g_eal_args, sizeof(g_eal_args), "%s", s);
  }
  pthread_mutex_unlock(&g_lock);
  if (rv == VL2_ERR_EXISTS)
    return vl2_be_err(be, rv,
                      "dpdk: EAL already initialized differently; "
                      "drop eal= or make it equal");
  if (rv < 0)
    return vl2_be_err(be, rv, "dpdk: rte_eal_init(%.80s) failed: %s", s,
                      rv > -200 ? strerror(-rv) : vl2_strerror(rv));
  return 0;
}

typedef struct chunk_info {
  unsigned n;
  bool too_many;
  uintptr_t lo[MAX_POOL_CHUNKS], hi[MAX_POOL_CHUNKS];
  uintptr_t *start[MAX_POOL_CHUNKS];
  unsigned shift;
} chunk_info;

static void chunk_cb(struct rte_mempool *mp, void *opaque,
                     struct rte_mempool_memhdr *memhdr, unsigned idx) {
  (void)mp;
  (void)idx;
  chunk_info *c = opaque;
  if (c->n == MAX_POOL_CHUNKS) {
    c->too_many = true;
    return;
  }
  c->lo[c->n] = (uintptr_t)memhdr->addr;
  c->hi[c->n] = c->lo[c->n] + memhdr->len;
  c->n++;
}

static void obj_cb(struct rte_mempool *mp, void *opaque, void *obj,
                   unsigned idx) {
  (void)mp;
  (void)idx;
  chunk_info *c = opaque;
  uintptr_t a = (uintptr_t)obj;
  for (unsigned i = 0; i < c->n; i++)
    if (a >= c->lo[i] && a < c->hi[i]) {
      c->start[i][(a - c->lo[i]) >> c->shift] = a;
      return;
    }
}

/* Register |mp|'s chunks for by-reference transmit; if that fails (out of
 * memory or slots), frames of it are simply copied. */
static void pool_register(vl2_backend *be, struct rte_mempool *mp) {
  chunk_info *c = be->mem.calloc(1, sizeof(*c), be->mem.user_data);
  if (c == NULL)
    return;
  rte_mempool_mem_iter(mp, chunk_cb, c);
  size_t obj = (size_t)mp->header_size + mp->elt_size + mp->trailer_size;
  while (c->shift < 30 && ((size_t)2 << c->shift) <= obj)
    c->shift++;
  bool ok = !c->too_many && c->n > 0 && obj >= sizeof(struct rte_mbuf);
  for (unsigned i = 0; ok && i < c->n; i++) {
    size_t nb = ((c->hi[i] - c->lo[i]) >> c->shift) + 1;
    c->start[i] = be->mem.calloc(nb, sizeof(uintptr_t), be->mem.user_data);
    ok = c->start[i] != NULL;
  }
  if (ok) {
    rte_mempool_obj_iter(mp, obj_cb, c);
    for (unsigned i = 0; i < c->n; i++) {
      size_t nb = ((c->hi[i] - c->lo[i]) >> c->shift) + 1;
      for (size_t b = 1; b < nb; b++)
        if (c->start[i][b] == 0)
          c->start[i][b] = c->start[i][b - 1];
    }
    pthread_mutex_lock(&g_lock);
    unsigned freeslots = 0;
    for (unsigned i = 0; i < MAX_REGS; i++)
      freeslots += g_regs[i].mp == NULL && g_regs[i].start == NULL;
    if (freeslots >= c->n) {
      unsigned k = 0;
      for (unsigned i = 0; i < MAX_REGS && k < c->n; i++) {
        if (g_regs[i].mp != NULL || g_regs[i].start != NULL)
          continue;
        g_regs[i].lo = c->lo[k];
        g_regs[i].hi = c->hi[k];
        g_regs[i].shift = c->shift;
        g_regs[i].start = c->start[k];
        c->start[k++] = NULL; /* owned by the registry now */
        __atomic_store_n(&g_regs[i].mp, mp, __ATOMIC_RELEASE);
        if (i + 1 > g_nregs)
          __atomic_store_n(&g_nregs, i + 1, __ATOMIC_RELEASE);
      }
    }
    pthread_mutex_unlock(&g_lock);
  }
  for (unsigned i = 0; i < c->n; i++)
    be->mem.free(c->start[i], be->mem.user_data);
  be->mem.free(c, be->mem.user_data);
}

/* Called when |mp| is about to be freed: no frame of it can be in flight,
 * so no transmit looks into its tables any more. */
static void pool_unregister(vl2_backend *be, struct rte_mempool *mp) {
  pthread_mutex_lock(&g_lock);
  for (unsigned i = 0; i < MAX_REGS; i++)
    if (g_regs[i].mp == mp) {
      __atomic_store_n(&g_regs[i].mp, NULL, __ATOMIC_RELEASE);
      be->mem.free(g_regs[i].start, be->mem.user_data);
      g_regs[i].start = NULL;
    }
  pthread_mutex_unlock(&g_lock);
}

/* The held, unchanged received mbuf whose data |f| is, or NULL. */
static inline struct rte_mbuf *frame_mbuf(const vl2_frame *f) {
  uintptr_t p = (uintptr_t)f->data;
  unsigned n = __atomic_load_n(&g_nregs, __ATOMIC_ACQUIRE);
  for (unsigned i = 0; i < n; i++) {
    struct rte_mempool *mp = __atomic_load_n(&g_regs[i].mp, __ATOMIC_ACQUIRE);
    if (mp == NULL)
      continue;
    const pool_reg *r = &g_regs[i];
    if (p - r->lo >= r->hi - r->lo)
      continue;
    size_t b = (p - r->lo) >> r->shift;
    uintptr_t o = r->start[b];
    if (o > p)
      o = b > 0 ? r->start[b - 1] : 0;
    if (o == 0)
      return NULL;
    /* o is an object start: its mbuf header cannot be frame bytes. */
    struct rte_mbuf *m = (struct rte_mbuf *)o;
    if (m->pool == mp && m->buf_addr == (void *)(m + 1) && m->nb_segs == 1 &&
        rte_pktmbuf_mtod(m, const uint8_t *) == f->data &&
        m->data_len == f->len && rte_mbuf_refcnt_read(m) >= 1)
      return m;
    return NULL;
  }
  return NULL;
}

/* --- instance -----------------------------------------------------------*/

typedef struct dpdk_cfg {
  char eal[EAL_ARGS_MAX];
  char vdev[VL2_ARGS_VAL_MAX];
  char dev[VL2_ARGS_VAL_MAX];
  uint32_t port;
  uint32_t rx_desc, tx_desc, mbufs, mbuf_cache, max_burst;
  bool promisc;
} dpdk_cfg;

typedef struct dpdk {
  uint16_t port;
  bool started;
  bool plugged; /* we hot-plugged the vdev: remove it on close */
  bool dead;
  char devname[RTE_ETH_NAME_MAX_LEN];
  struct rte_mempool *mp;
  uint32_t max_burst;
  struct rte_mbuf **held; /* mbufs handed out by the last rx_burst */
  uint32_t held_n;
  struct rte_mbuf **txm; /* transmit scratch array */
  uint8_t *lin;          /* linearized chained frames */
  size_t lin_cap;
  uint64_t tx_dropped, rx_copied, tx_copied, tx_zero_copy;
} dpdk;

static dpdk *priv(const vl2_backend *be) { return (dpdk *)be->priv; }

static int parse_args(vl2_backend *be, const char *args, dpdk_cfg *c) {
  memset(c, 0, sizeof(*c));
  c->rx_desc = c->tx_desc = 1024;
  c->mbufs = 8191;
  c->mbuf_cache = 256;
  c->max_burst = 256;
  c->promisc = true;
  vl2_args it;
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  int rv;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "eal") == 0)
      rv = vl2_args_str(be, key, val, c->eal, sizeof(c->eal));
    else if (strcmp(key, "vdev") == 0)
      rv = vl2_args_str(be, key, val, c->vdev, sizeof(c->vdev));
    else if (strcmp(key, "dev") == 0)
      rv = vl2_args_str(be, key, val, c->dev, sizeof(c->dev));
    else if (strcmp(key, "port") == 0)
      rv = vl2_args_u32(be, key, val, 0, RTE_MAX_ETHPORTS - 1, &c->port);
    else if (strcmp(key, "rx_desc") == 0)
      rv = vl2_args_u32(be, key, val, 32, 32768, &c->rx_desc);
    else if (strcmp(key, "tx_desc") == 0)
      rv = vl2_args_u32(be, key, val, 32, 32768, &c->tx_desc);
    else if (strcmp(key, "mbufs") == 0)
      rv = vl2_args_u32(be, key, val, 256, 1u << 24, &c->mbufs);
    else if (strcmp(key, "mbuf_cache") == 0)
      rv = vl2_args_u32(be, key, val, 0, RTE_MEMPOOL_CACHE_MAX_SIZE,
                        &c->mbuf_cache);
    else if (strcmp(key, "max_burst") == 0)
      rv = vl2_args_u32(be, key, val, 1, 4096, &c->max_burst);
    else if (strcmp(key, "promisc") == 0)
      rv = vl2_args_bool(be, key, val, &c->promisc);
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "dpdk: bad argument string");
  return 0;
}

static int dpdk_errno(vl2_backend *be, int r, const char *what) {
  int e = r < 0 ? -r : rte_errno;
  if (e <= 0 || e >= 200)
    e = EIO;
  return vl2_be_errno(be, e, "dpdk %s", what);
}

static void dpdk_free(vl2_backend *be, dpdk *d) {
  if (d->held != NULL && d->held_n > 0)
    rte_pktmbuf_free_bulk(d->held, d->held_n);
  if (d->started)
    rte_eth_dev_stop(d->port);
  if (d->started || d->plugged) {
    rte_eth_dev_close(d->port);
  }
  if (d->plugged) {
    /* rte_eth_dev_close() released the port; detach the device. */
    rte_eal_hotplug_remove("vdev", d->devname);
  }
  if (d->mp != NULL) {
    pool_unregister(be, d->mp);
    rte_mempool_free(d->mp);
  }
  be->mem.free(d->held, be->mem.user_data);
  be->mem.free(d->txm, be->mem.user_data);
  be->mem.free(d->lin, be->mem.user_data);
  be->mem.free(d, be->mem.user_data);
}

static int setup_port(vl2_backend *be, dpdk *d, const dpdk_cfg *c) {
  struct rte_eth_dev_info info;
  int r = rte_eth_dev_info_get(d->port, &info);
  if (r != 0)
    return dpdk_errno(be, r, "rte_eth_dev_info_get");
  struct rte_eth_conf conf;
  memset(&conf, 0, sizeof(conf));
  /* Multi-segment transmit is not needed: we only send single mbufs. */
  if ((r = rte_eth_dev_configure(d->port, 1, 1, &conf)) != 0)
    return dpdk_errno(be, r, "rte_eth_dev_configure");
  uint16_t nrx = (uint16_t)c->rx_desc, ntx = (uint16_t)c->tx_desc;
  if ((r = rte_eth_dev_adjust_nb_rx_tx_desc(d->port, &nrx, &ntx)) != 0)
    return dpdk_errno(be, r, "rte_eth_dev_adjust_nb_rx_tx_desc");
  int sock = rte_eth_dev_socket_id(d->port);
  unsigned sid = sock < 0 ? (unsigned)SOCKET_ID_ANY : (unsigned)sock;
  if ((r = rte_eth_rx_queue_setup(d->port, 0, nrx, sid, NULL, d->mp)) != 0)
    return dpdk_errno(be, r, "rte_eth_rx_queue_setup");
  if ((r = rte_eth_tx_queue_setup(d->port, 0, ntx, sid, NULL)) != 0)
    return dpdk_errno(be, r, "rte_eth_tx_queue_setup");
  if ((r = rte_eth_dev_start(d->port)) != 0)
    return dpdk_errno(be, r, "rte_eth_dev_start");
  d->started = true;
  if (c->promisc) {
    r = rte_eth_promiscuous_enable(d->port);
    if (r != 0 && r != -ENOTSUP)
      return dpdk_errno(be, r, "rte_eth_promiscuous_enable");
  }
  return 0;
}

static int dpdk_open(vl2_backend *be, const char *args) {
  dpdk_cfg c;
  int rv = parse_args(be, args, &c);
  if (rv < 0)
    return rv;
  if (c.eal[0] != '\0') {
    if ((rv = eal_from_string(be, c.eal)) < 0)
      return rv;
  } else {
    pthread_mutex_lock(&g_lock);
    bool up = !g_eal_cleaned && eal_is_up();
    bool cleaned = g_eal_cleaned;
    pthread_mutex_unlock(&g_lock);
    if (!up)
      return vl2_be_err(be, cleaned ? VL2_ERR_CLOSED : VL2_ERR_UNSUPPORTED,
                        "dpdk: EAL not initialized: give eal= or call "
                        "vl2_dpdk_eal_init()");
  }

  dpdk *d = be->mem.calloc(1, sizeof(*d), be->mem.user_data);
  if (d == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "dpdk: out of memory");
  d->max_burst = c.max_burst;
  d->held = be->mem.calloc(c.max_burst, sizeof(*d->held), be->mem.user_data);
  d->txm = be->mem.calloc(c.max_burst, sizeof(*d->txm), be->mem.user_data);
  d->lin_cap = (size_t)c.max_burst * RTE_ETHER_MAX_JUMBO_FRAME_LEN;
  d->lin = be->mem.malloc(d->lin_cap, be->mem.user_data);
  if (d->held == NULL || d->txm == NULL || d->lin == NULL) {
    dpdk_free(be, d);
    return vl2_be_err(be, VL2_ERR_NOMEM, "dpdk: out of memory");
  }

  uint16_t port = 0;
  if (c.vdev[0] != '\0') {
    /* name is the part before the first ',' */
    size_t nl = strcspn(c.vdev, ",");
    snprintf(d->devname, sizeof(d->devname), "%.*s", (int)nl, c.vdev);
    const char *dargs = c.vdev[nl] == ',' ? c.vdev + nl + 1 : "";
    int r = rte_eal_hotplug_add("vdev", d->devname, dargs);
    if (r != 0) {
      rv = dpdk_errno(be, r, "hot-plug vdev");
      dpdk_free(be, d);
      return rv;
    }
    d->plugged = true;
    if (rte_eth_dev_get_port_by_name(d->devname, &port) != 0) {
      dpdk_free(be, d);
      return vl2_be_err(be, VL2_ERR_NOTFOUND, "dpdk: vdev %s has no port",
                        d->devname);
    }
  } else if (c.dev[0] != '\0') {
    if (rte_eth_dev_get_port_by_name(c.dev, &port) != 0) {
      dpdk_free(be, d);
      return vl2_be_err(be, VL2_ERR_NOTFOUND, "dpdk: no port named %s", c.dev);
    }
  } else {
    port = (uint16_t)c.port;
    if (!rte_eth_dev_is_valid_port(port)) {
      dpdk_free(be, d);
      return vl2_be_err(be, VL2_ERR_NOTFOUND, "dpdk: no port %u",
                        (unsigned)port);
    }
  }
  d->port = port;
  if (d->devname[0] == '\0')
    rte_eth_dev_get_name_by_port(port, d->devname);

  char pname[RTE_MEMPOOL_NAMESIZE];
  static unsigned pool_seq;
  snprintf(pname, sizeof(pname), "vl2_%u_%u", (unsigned)port,
           __atomic_fetch_add(&pool_seq, 1, __ATOMIC_RELAXED));
  int sock = rte_eth_dev_socket_id(port);
  d->mp = rte_pktmbuf_pool_create(pname, c.mbufs, c.mbuf_cache, 0,
                                  RTE_MBUF_DEFAULT_BUF_SIZE,
                                  sock < 0 ? SOCKET_ID_ANY : sock);
  if (d->mp == NULL) {
    rv = dpdk_errno(be, 0, "rte_pktmbuf_pool_create");
    dpdk_free(be, d);
    return rv;
  }
  pool_register(be, d->mp);
  if ((rv = setup_port(be, d, &c)) < 0) {
    dpdk_free(be, d);
    return rv;
  }
  pthread_mutex_lock(&g_lock);
  g_open++;
  pthread_mutex_unlock(&g_lock);
  be->priv = d;
  return 0;
}

static void dpdk_close(vl2_backend *be) {
  dpdk *d = priv(be);
  if (d == NULL)
    return;
  dpdk_free(be, d);
  be->priv = NULL;
  pthread_mutex_lock(&g_lock);
  g_open--;
  pthread_mutex_unlock(&g_lock);
}

static vl2_ssize gone(vl2_backend *be, dpdk *d) {
  d->dead = true;
  return vl2_be_err(be, VL2_ERR_CLOSED, "dpdk: port %u is gone",
                    (unsigned)d->port);
}

static vl2_ssize dpdk_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                               vl2_tstamp now) {
  dpdk *d = priv(be);
  /* The frames of the last call are invalid now: release their mbufs. */
  if (d->held_n > 0) {
    rte_pktmbuf_free_bulk(d->held, d->held_n);
    d->held_n = 0;
  }
  if (d->dead || !rte_eth_dev_is_valid_port(d->port))
    return gone(be, d);
  uint16_t want = (uint16_t)(n < d->max_burst ? n : d->max_burst);
  uint16_t got = rte_eth_rx_burst(d->port, 0, d->held, want);
  size_t lin_used = 0, out = 0;
  for (uint16_t i = 0; i < got; i++) {
    struct rte_mbuf *m = d->held[i];
    if (m->ol_flags & RTE_MBUF_F_RX_VLAN_STRIPPED) {
      /* Only if a PMD strips regardless of our (empty) offload config:
       * put the tag (m->vlan_tci) back into the data. */
      if (rte_vlan_insert(&m) != 0)
        continue; /* no headroom: dropped; freed with the others */
      d->held[i] = m;
    }
    const uint8_t *data;
    uint32_t len = m->pkt_len;
    if (m->nb_segs == 1) {
      data = rte_pktmbuf_mtod(m, const uint8_t *);
    } else {
      /* Chained: linearize (the one receive-side copy). */
      if (lin_used + len > d->lin_cap)
        continue; /* cannot happen with max_burst jumbo frames */
      data = rte_pktmbuf_read(m, 0, len, d->lin + lin_used);
      if (data == d->lin + lin_used)
        lin_used += len;
      d->rx_copied++;
    }
    memset(&frames[out], 0, sizeof(frames[out]));
    frames[out].data = data;
    frames[out].len = len;
    frames[out].port = be->port;
    frames[out].rx_ts = now;
    out++;
  }
  d->held_n = got;
  return (vl2_ssize)out;
}

static vl2_ssize dpdk_tx_burst(vl2_backend *be, const vl2_frame *frames,
                               size_t n) {
  dpdk *d = priv(be);
  if (d->dead || !rte_eth_dev_is_valid_port(d->port))
    return gone(be, d);
  size_t done = 0;
  while (done < n) {
    /* A batch of at most max_burst frames; an oversize frame at its head
     * is dropped (consumed), one later ends the batch before it. */
    uint16_t built = 0;
    while (done + built < n && built < d->max_burst) {
      const vl2_frame *f = &frames[done + built];
      if (f->len > RTE_MBUF_DEFAULT_DATAROOM) {
        if (built > 0)
          break;
        d->tx_dropped++; /* larger than an mbuf: can never be sent */
        done++;
        continue;
      }
      struct rte_mbuf *m = frame_mbuf(f);
      if (m != NULL) {
        /* By reference: the receiving instance keeps its own reference
         * until its next rx_burst; the driver frees this one. */
        rte_mbuf_refcnt_update(m, 1);
        d->tx_zero_copy++;
      } else {
        m = rte_pktmbuf_alloc(d->mp);
        if (m == NULL)
          break; /* pool empty: the rest stays with the caller */
        uint8_t *p = (uint8_t *)rte_pktmbuf_append(m, (uint16_t)f->len);
        memcpy(p, f->data, f->len);
        d->tx_copied++;
      }
      d->txm[built++] = m;
    }
    if (built == 0)
      break;
    uint16_t sent = rte_eth_tx_burst(d->port, 0, d->txm, built);
    done += sent;
    if (sent < built) {
      /* Device ring full: the unsent frames stay with the caller. */
      rte_pktmbuf_free_bulk(d->txm + sent, (unsigned)(built - sent));
      break;
    }
  }
  return (vl2_ssize)done;
}

static int dpdk_get_fd(const vl2_backend *be) {
  (void)be;
  return -1;
}

static int dpdk_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  dpdk *d = priv(be);
  struct rte_eth_stats es;
  memset(st, 0, sizeof(*st));
  if (d->dead || rte_eth_stats_get(d->port, &es) != 0)
    return 0;
  st->rx_frames = es.ipackets;
  st->rx_bytes = es.ibytes;
  st->tx_frames = es.opackets;
  st->tx_bytes = es.obytes;
  st->rx_dropped = es.imissed + es.rx_nombuf;
  st->rx_errors = es.ierrors;
  st->tx_errors = es.oerrors;
  st->tx_dropped = d->tx_dropped;
  return 0;
}

const vl2_backend_ops vl2_dpdk_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "dpdk",
    .rx_burst = dpdk_rx_burst,
    .tx_burst = dpdk_tx_burst,
    .open = dpdk_open,
    .close = dpdk_close,
    .get_fd = dpdk_get_fd,
    .get_stats = dpdk_get_stats,
};

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The UDP underlay backend: VXLAN UDP payloads through a bound UDP socket,
 * batched with recvmmsg/sendmmsg (see include/vl2/udp.h).
 *
 * Receive: one socket bound to the configured port, UDP_GRO on (the
 * kernel hands over runs of datagrams of one flow in one buffer; they are
 * split here at the reported segment size). Transmit: runs of equal-size
 * payloads to one address from one socket go in one sendmsg with
 * UDP_SEGMENT (GSO); with `sport_lo`/`sport_hi`, a pool of transmit
 * sockets bound across that range puts each frame on the outer source
 * port it asks for. Socket drops are read with SO_MEMINFO when asked for,
 * never per packet (not the per-packet drop-count cmsg: its copy hits a kernel
 * BUG under load).
 *
 * Where it fits: the I/O edge of the overlay. The embedding program
 * decapsulates what rx_burst returns (vl2_vxlan_decap_frame()) and
 * encapsulates what it gives tx_burst (vl2_vxlan_encap(), UDP layer).
 */
/* _GNU_SOURCE (recvmmsg, sendmmsg) comes from vl2_add_backend(). */
#include <vl2/udp.h>

#include <vl2/backend_ops.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/sock_diag.h> /* SK_MEMINFO_DROPS */
#include <netinet/in.h>
#include <netinet/udp.h> /* UDP_SEGMENT, UDP_GRO */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vl2_args.h"
#include "vl2_stats.h"

#ifndef SOL_UDP
#define SOL_UDP 17
#endif
#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif
#ifndef UDP_GRO
#define UDP_GRO 104
#endif

#define DEFAULT_BATCH 32
#define MAX_BATCH 1024
#define DEFAULT_BUFSIZE 9216
#define GRO_BUFSIZE 65535
#define CMSG_ROOM 64    /* UDP_GRO's int (CMSG_SPACE(4) is 24) */
#define TX_CMSG_ROOM 32 /* UDP_SEGMENT's uint16 (CMSG_SPACE(2) is 24) */
/* Datagrams per UDP_SEGMENT send: the kernel's UDP_MAX_SEGMENTS is 64 on
 * older kernels (128 since 6.9); payload bytes per send stay below the
 * 16-bit IP length with the IPv4 and UDP headers (65535 - 20 - 8). */
#define GSO_MAX_SEGS 64
#define GSO_MAX_BYTES 65507
#define MAX_TX_SOCKS 1024

typedef struct udp_priv {
  int fd;
  int family;     /* AF_INET or AF_INET6 */
  int dual_stack; /* IPv6 socket that also carries IPv4 */
  uint16_t dport; /* network order */
  uint32_t batch;
  uint32_t bufsize;
  uint8_t *rxbuf; /* batch * bufsize */
  struct mmsghdr *rx_msgs;
  struct iovec *rx_iov;
  struct sockaddr_storage *rx_addr;
  uint8_t *rx_cmsg; /* batch * CMSG_ROOM */
  /* Received messages not yet handed out: rx_cur < rx_got, the next
   * segment of message rx_cur starts at rx_off. */
  uint32_t rx_got, rx_cur, rx_off;
  uint32_t rx_seg; /* segment size of message rx_cur */
  struct mmsghdr *tx_msgs;
  struct iovec *tx_iov;             /* iov_cap: one per frame */
  uint32_t iov_cap;                 /* frames per sendmmsg */
  struct sockaddr_storage *tx_addr; /* batch: one per message */
  uint8_t *tx_cmsg;                 /* batch * TX_CMSG_ROOM */
  uint32_t *tx_first, *tx_nseg;     /* batch: a message's frames */
  uint32_t *tx_iovi;                /* batch: its first iov */
  /* Transmit sockets: txfd[0 .. ntx-1] bound to sport_lo .. sport_hi,
   * or none (ntx 0: everything leaves from fd). gso_ok[i] for txfd[i],
   * gso_ok[ntx] for fd. */
  int *txfd;
  uint32_t ntx;
  uint8_t *gso_ok;
  bool use_gso;
  bool drops_known; /* SO_MEMINFO works */
  vl2_udp_stats us;
  vl2_backend_stats st;
  bool zero_csum6_rx, zero_csum6_tx; /* RFC 6935/6936 */
} udp_priv;

static void *zalloc(vl2_backend *be, size_t n, size_t size) {
  return be->mem.calloc(n, size, be->mem.user_data);
}

static void priv_free(vl2_backend *be, udp_priv *p) {
  if (p == NULL)
    return;
  if (p->fd >= 0)
    close(p->fd);
  for (uint32_t i = 0; p->txfd != NULL && i < p->ntx; i++)
    if (p->txfd[i] >= 0)
      close(p->txfd[i]);
  void *bufs[] = {p->rxbuf,   p->rx_msgs, p->rx_iov,  p->rx_addr, p->rx_cmsg,
                  p->tx_msgs, p->tx_iov,  p->tx_addr, p->tx_cmsg, p->tx_first,
                  p->tx_nseg, p->tx_iovi, p->txfd,    p->gso_ok};
  for (size_t i = 0; i < sizeof(bufs) / sizeof(bufs[0]); i++)
    be->mem.free(bufs[i], be->mem.user_data);
  be->mem.free(p, be->mem.user_data);
}

/* Parse an IPv4 or IPv6 literal. */
static int parse_addr(const char *s, struct sockaddr_storage *ss,
                      socklen_t *sl) {
  memset(ss, 0, sizeof(*ss));
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
  if (inet_pton(AF_INET, s, &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    *sl = sizeof(*s4);
    return 0;
  }
  if (inet_pton(AF_INET6, s, &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    *sl = sizeof(*s6);
    return 0;
  }
  return -1;
}

/* Convert a received source address; an IPv4-mapped IPv6 one becomes
 * IPv4. */
static void to_ipaddr(const struct sockaddr_storage *ss, vl2_ipaddr *a) {
  memset(a, 0, sizeof(*a));
  if (ss->ss_family == AF_INET) {
    const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
    a->family = VL2_AF_INET;
    memcpy(a->addr, &s4->sin_addr, 4);
  } else if (ss->ss_family == AF_INET6) {
    const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
    if (IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
      a->family = VL2_AF_INET;
      memcpy(a->addr, s6->sin6_addr.s6_addr + 12, 4);
    } else {
      a->family = VL2_AF_INET6;
      memcpy(a->addr, &s6->sin6_addr, 16);
    }
  }
}

/* Fill |ss| with the destination for |a| on |p|'s socket; 0 on success,
 * -1 when the socket cannot reach that family. */
static int to_sockaddr(const udp_priv *p, const vl2_ipaddr *a,
                       struct sockaddr_storage *ss, socklen_t *sl) {
  memset(ss, 0, sizeof(*ss));
  if (a->family == VL2_AF_INET && p->family == AF_INET) {
    struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
    s4->sin_family = AF_INET;
    s4->sin_port = p->dport;
    memcpy(&s4->sin_addr, a->addr, 4);
    *sl = sizeof(*s4);
    return 0;
  }
  if (p->family == AF_INET6 && (a->family == VL2_AF_INET6 ||
                                (a->family == VL2_AF_INET && p->dual_stack))) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = p->dport;
    if (a->family == VL2_AF_INET6) {
      memcpy(&s6->sin6_addr, a->addr, 16);
    } else {
      s6->sin6_addr.s6_addr[10] = 0xff;
      s6->sin6_addr.s6_addr[11] = 0xff;
      memcpy(s6->sin6_addr.s6_addr + 12, a->addr, 4);
    }
    *sl = sizeof(*s6);
    return 0;
  }
  return -1;
}

static int set_buf(vl2_backend *be, int fd, int force_opt, int opt,
                   uint32_t bytes, const char *what) {
  int v = (int)bytes;
  if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) == 0)
    return 0;
  if (setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v)) == 0)
    return 0;
  return vl2_be_errno(be, errno, "udp: setsockopt(%s=%u)", what,
                      (unsigned)bytes);
}

/* A socket of |p|'s family with the options every one of them gets. */
/* RFC 6935/6936 zero UDP checksums over IPv6, as the kernel's vxlan and
 * geneve devices' udp6zerocsumtx / udp6zerocsumrx: |tx| sends them, |rx|
 * accepts them (the kernel drops them otherwise). Linux 3.16+. */
#ifndef UDP_NO_CHECK6_TX
#define UDP_NO_CHECK6_TX 101
#endif
#ifndef UDP_NO_CHECK6_RX
#define UDP_NO_CHECK6_RX 102
#endif
static int set_zero_csum6(vl2_backend *be, int fd, int opt, const char *what) {
  int one = 1;
  if (setsockopt(fd, SOL_UDP, opt, &one, sizeof(one)) != 0)
    return vl2_be_errno(be, errno, "%s", what);
  return 0;
}

static int new_socket(vl2_backend *be, const udp_priv *p, bool v6only,
                      uint32_t sndbuf, int *pfd) {
  int fd =
      socket(p->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0)
    return vl2_be_errno(be, errno, "udp: socket");
  int v6 = v6only ? 1 : 0, rv;
  if (p->family == AF_INET6 &&
      setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6)) != 0) {
    rv = vl2_be_errno(be, errno, "udp: setsockopt(IPV6_V6ONLY)");
    close(fd);
    return rv;
  }
  if (sndbuf != 0 && (rv = set_buf(be, fd, SO_SNDBUFFORCE, SO_SNDBUF, sndbuf,
                                   "sndbuf")) != 0) {
    close(fd);
    return rv;
  }
  if (p->family == AF_INET6 && p->zero_csum6_tx &&
      (rv = set_zero_csum6(be, fd, UDP_NO_CHECK6_TX,
                           "udp: setsockopt(UDP_NO_CHECK6_TX)")) != 0) {
    close(fd);
    return rv;
  }
  if (p->family == AF_INET6 && p->zero_csum6_rx &&
      (rv = set_zero_csum6(be, fd, UDP_NO_CHECK6_RX,
                           "udp: setsockopt(UDP_NO_CHECK6_RX)")) != 0) {
    close(fd);
    return rv;
  }
  *pfd = fd;
  return 0;
}

static void set_port(struct sockaddr_storage *ss, uint16_t port) {
  if (ss->ss_family == AF_INET)
    ((struct sockaddr_in *)ss)->sin_port = htons(port);
  else
    ((struct sockaddr_in6 *)ss)->sin6_port = htons(port);
}

/* The kernel's count of datagrams dropped on |fd| (full receive buffer,
 * bad checksum, ...): SO_MEMINFO's SK_MEMINFO_DROPS, read, never asked
 * for per packet (the per-packet drop-count cmsg crashes some kernels under
 * load). */
static int read_drops(int fd, uint64_t *drops) {
  uint32_t mi[SK_MEMINFO_VARS];
  socklen_t sl = sizeof(mi);
  memset(mi, 0, sizeof(mi));
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &sl) != 0 ||
      sl < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t))
    return -1;
  *drops = mi[SK_MEMINFO_DROPS];
  return 0;
}

static int udp_open(vl2_backend *be, const char *args) {
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  char local[64] = "0.0.0.0";
  uint32_t port = 4789, dport = 0, rcvbuf = 0, sndbuf = 0;
  uint32_t batch = DEFAULT_BATCH, bufsize = 0;
  uint32_t sport_lo = 0, sport_hi = 0;
  bool v6only = true, have_dport = false, gso = true, gro = true;
  bool zrx = false, ztx = false;
  vl2_args it;
  int rv;
  vl2_args_init(&it, args);
  while ((rv = vl2_args_next(&it, key, sizeof(key), val, sizeof(val))) > 0) {
    if (strcmp(key, "local") == 0)
      rv = vl2_args_str(be, key, val, local, sizeof(local));
    else if (strcmp(key, "port") == 0)
      rv = vl2_args_u32(be, key, val, 0, 65535, &port);
    else if (strcmp(key, "dport") == 0) {
      rv = vl2_args_u32(be, key, val, 1, 65535, &dport);
      have_dport = true;
    } else if (strcmp(key, "v6only") == 0)
      rv = vl2_args_bool(be, key, val, &v6only);
    else if (strcmp(key, "rcvbuf") == 0)
      rv = vl2_args_u32(be, key, val, 1024, INT32_MAX / 2, &rcvbuf);
    else if (strcmp(key, "sndbuf") == 0)
      rv = vl2_args_u32(be, key, val, 1024, INT32_MAX / 2, &sndbuf);
    else if (strcmp(key, "batch") == 0)
      rv = vl2_args_u32(be, key, val, 1, MAX_BATCH, &batch);
    else if (strcmp(key, "bufsize") == 0)
      rv = vl2_args_u32(be, key, val, 64, 65535, &bufsize);
    else if (strcmp(key, "gso") == 0)
      rv = vl2_args_bool(be, key, val, &gso);
    else if (strcmp(key, "gro") == 0)
      rv = vl2_args_bool(be, key, val, &gro);
    else if (strcmp(key, "zero_csum6_rx") == 0)
      rv = vl2_args_bool(be, key, val, &zrx);
    else if (strcmp(key, "zero_csum6_tx") == 0)
      rv = vl2_args_bool(be, key, val, &ztx);
    else if (strcmp(key, "sport_lo") == 0)
      rv = vl2_args_u32(be, key, val, 1, 65535, &sport_lo);
    else if (strcmp(key, "sport_hi") == 0)
      rv = vl2_args_u32(be, key, val, 1, 65535, &sport_hi);
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "udp: bad argument string");
  if (!have_dport)
    dport = port != 0 ? port : 4789;
  if ((sport_lo == 0) != (sport_hi == 0) || sport_hi < sport_lo ||
      sport_hi - sport_lo >= MAX_TX_SOCKS)
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "udp: sport_lo=%u,sport_hi=%u: give both, lo <= hi, at "
                      "most %u ports",
                      (unsigned)sport_lo, (unsigned)sport_hi,
                      (unsigned)MAX_TX_SOCKS);
  /* GRO hands over up to 64 KiB at once: it needs full-size buffers, so
   * an explicitly smaller bufsize turns it off. */
  if (bufsize == 0)
    bufsize = gro ? GRO_BUFSIZE : DEFAULT_BUFSIZE;
  else if (bufsize < GRO_BUFSIZE)
    gro = false;

  struct sockaddr_storage ss;
  socklen_t sl;
  if (parse_addr(local, &ss, &sl) != 0)
    return vl2_be_err(be, VL2_ERR_INVALID,
                      "udp: local=%.60s: not an IPv4 or IPv6 address", local);

  udp_priv *p = zalloc(be, 1, sizeof(*p));
  if (p == NULL)
    return vl2_be_err(be, VL2_ERR_NOMEM, "udp: out of memory");
  p->fd = -1;
  p->family = ss.ss_family;
  p->dual_stack = p->family == AF_INET6 && !v6only;
  p->zero_csum6_rx = zrx;
  p->zero_csum6_tx = ztx;
  p->dport = htons((uint16_t)dport);
  p->batch = batch;
  p->bufsize = bufsize;
  p->ntx = sport_lo != 0 ? sport_hi - sport_lo + 1 : 0;
  p->rxbuf = zalloc(be, batch, bufsize);
  p->rx_msgs = zalloc(be, batch, sizeof(*p->rx_msgs));
  p->rx_iov = zalloc(be, batch, sizeof(*p->rx_iov));
  p->rx_addr = zalloc(be, batch, sizeof(*p->rx_addr));
  p->rx_cmsg = zalloc(be, batch, CMSG_ROOM);
  p->tx_msgs = zalloc(be, batch, sizeof(*p->tx_msgs));
  p->iov_cap = batch * 2 + GSO_MAX_SEGS;
  p->tx_iov = zalloc(be, p->iov_cap, sizeof(*p->tx_iov));
  p->tx_addr = zalloc(be, batch, sizeof(*p->tx_addr));
  p->tx_cmsg = zalloc(be, batch, TX_CMSG_ROOM);
  p->tx_first = zalloc(be, batch, sizeof(*p->tx_first));
  p->tx_nseg = zalloc(be, batch, sizeof(*p->tx_nseg));
  p->tx_iovi = zalloc(be, batch, sizeof(*p->tx_iovi));
  p->txfd = zalloc(be, p->ntx + 1, sizeof(*p->txfd));
  p->gso_ok = zalloc(be, p->ntx + 1, 1);
  if (!p->rxbuf || !p->rx_msgs || !p->rx_iov || !p->rx_addr || !p->rx_cmsg ||
      !p->tx_msgs || !p->tx_iov || !p->tx_addr || !p->tx_cmsg || !p->tx_first ||
      !p->tx_nseg || !p->tx_iovi || !p->txfd || !p->gso_ok) {
    p->ntx = 0; /* no descriptors to close yet */
    priv_free(be, p);
    return vl2_be_err(be, VL2_ERR_NOMEM, "udp: out of memory");
  }
  for (uint32_t i = 0; i < p->ntx; i++)
    p->txfd[i] = -1;

  if ((rv = new_socket(be, p, v6only, sndbuf, &p->fd)) != 0) {
    priv_free(be, p);
    return rv;
  }
  if (rcvbuf != 0 && (rv = set_buf(be, p->fd, SO_RCVBUFFORCE, SO_RCVBUF, rcvbuf,
                                   "rcvbuf")) != 0) {
    priv_free(be, p);
    return rv;
  }
  set_port(&ss, (uint16_t)port);
  if (bind(p->fd, (struct sockaddr *)&ss, sl) != 0) {
    rv = vl2_be_errno(be, errno, "udp: bind %.60s port %u", local,
                      (unsigned)port);
    priv_free(be, p);
    return rv;
  }
  /* Kernel features, probed once: UDP_SEGMENT is there when the kernel
   * knows the option (getsockopt answers); UDP_GRO when it can be set. */
  int one = 1, v = 0;
  socklen_t vl = sizeof(v);
  p->use_gso = gso && getsockopt(p->fd, SOL_UDP, UDP_SEGMENT, &v, &vl) == 0;
  if (gro && setsockopt(p->fd, SOL_UDP, UDP_GRO, &one, sizeof(one)) == 0)
    p->us.gro = 1;
  uint64_t d;
  p->drops_known = read_drops(p->fd, &d) == 0;
  for (uint32_t i = 0; i < p->ntx; i++) {
    if ((rv = new_socket(be, p, v6only, sndbuf, &p->txfd[i])) != 0) {
      priv_free(be, p);
      return rv;
    }
    set_port(&ss, (uint16_t)(sport_lo + i));
    if (bind(p->txfd[i], (struct sockaddr *)&ss, sl) != 0) {
      rv = vl2_be_errno(be, errno, "udp: bind %.60s source port %u", local,
                        (unsigned)(sport_lo + i));
      priv_free(be, p);
      return rv;
    }
    /* Transmit only: anything sent to these ports is not read. */
    (void)shutdown(p->txfd[i], SHUT_RD);
  }
  for (uint32_t i = 0; i <= p->ntx; i++)
    p->gso_ok[i] = p->use_gso ? 1 : 0;
  p->us.gso = p->use_gso ? 1 : 0;
  p->us.drops_known = p->drops_known ? 1 : 0;
  p->us.tx_sockets = p->ntx;
  p->us.sport_lo = (uint16_t)sport_lo;
  p->us.sport_hi = (uint16_t)sport_hi;
  for (uint32_t i = 0; i < batch; i++) {
    p->rx_iov[i].iov_base = p->rxbuf + (size_t)i * bufsize;
    p->rx_iov[i].iov_len = bufsize;
  }
  be->priv = p;
  return 0;
}

static void udp_close(vl2_backend *be) {
  priv_free(be, be->priv);
  be->priv = NULL;
}

/* Receive a batch of messages into the (fully consumed) receive buffers;
 * 0 when none waited, 1 when some arrived, or an error. */
static int rx_fill(vl2_backend *be, udp_priv *p) {
  for (unsigned i = 0; i < p->batch; i++) {
    struct msghdr *m = &p->rx_msgs[i].msg_hdr;
    m->msg_name = &p->rx_addr[i];
    m->msg_namelen = sizeof(p->rx_addr[i]);
    m->msg_iov = &p->rx_iov[i];
    m->msg_iovlen = 1;
    m->msg_control = p->rx_cmsg + (size_t)i * CMSG_ROOM;
    m->msg_controllen = CMSG_ROOM;
    m->msg_flags = 0;
  }
  int got = recvmmsg(p->fd, p->rx_msgs, p->batch, MSG_DONTWAIT, NULL);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      return 0;
    p->st.rx_errors++;
    return vl2_be_errno(be, errno, "udp: recvmmsg");
  }
  p->rx_got = (uint32_t)got;
  p->rx_cur = 0;
  p->rx_off = 0;
  return got > 0;
}

/* The segment size of received message |m|: UDP_GRO's value when the
 * kernel coalesced several datagrams, else 0. */
static uint32_t gro_size(struct msghdr *m) {
  for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL; c = CMSG_NXTHDR(m, c))
    if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO &&
        c->cmsg_len >= CMSG_LEN(sizeof(int))) {
      int g;
      memcpy(&g, CMSG_DATA(c), sizeof(g));
      return g > 0 ? (uint32_t)g : 0;
    }
  return 0;
}

/* Hands out the datagrams of received messages; a message the kernel
 * coalesced (UDP_GRO) is split at its segment size, the last piece may be
 * shorter. Messages are received only when every piece of the previous
 * batch was handed out, so earlier frames stay valid until the next
 * call. */
static vl2_ssize udp_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                              vl2_tstamp now) {
  udp_priv *p = be->priv;
  size_t k = 0;
  if (p->rx_cur >= p->rx_got) {
    int rv = rx_fill(be, p);
    if (rv <= 0)
      return rv;
  }
  while (k < n && p->rx_cur < p->rx_got) {
    uint32_t i = p->rx_cur;
    struct msghdr *m = &p->rx_msgs[i].msg_hdr;
    uint32_t len = p->rx_msgs[i].msg_len;
    if (m->msg_flags & MSG_TRUNC) {
      p->us.truncated++;
      p->rx_cur++;
      continue;
    }
    if (p->rx_off == 0) {
      uint32_t seg = gro_size(m);
      if (seg == 0 || seg >= len)
        seg = len;
      else {
        p->us.gro_batches++;
        p->us.gro_segments += (len + seg - 1) / seg;
      }
      p->rx_seg = seg; /* for the rest of the message */
    }
    uint32_t seg = p->rx_seg;
    vl2_ipaddr remote;
    to_ipaddr(&p->rx_addr[i], &remote);
    const uint8_t *base = p->rx_iov[i].iov_base;
    while (k < n && p->rx_off < len) {
      uint32_t l = len - p->rx_off < seg ? len - p->rx_off : seg;
      vl2_frame *f = &frames[k++];
      memset(f, 0, sizeof(*f));
      f->data = base + p->rx_off;
      f->len = l;
      f->port = be->port;
      f->rx_ts = now;
      f->remote = remote;
      p->st.rx_frames++;
      p->st.rx_bytes += l;
      p->rx_off += l;
    }
    if (p->rx_off >= len) {
      p->rx_cur++;
      p->rx_off = 0;
    }
  }
  return (vl2_ssize)k;
}

/* Per-destination errors: retrying the frame cannot help, so it is
 * consumed and counted. */
static int is_dest_error(int e) {
  return e == ENETUNREACH || e == EHOSTUNREACH || e == EMSGSIZE ||
         e == EINVAL || e == EAFNOSUPPORT || e == EACCES || e == EPERM ||
         e == EADDRNOTAVAIL || e == ECONNREFUSED || e == EDESTADDRREQ;
}

/* The transmit socket index for a frame asking for source port |sport|:
 * the pool socket bound to it, another pool socket when it is outside the
 * range (the same one for the same port), or p->ntx (the receive socket)
 * without a pool or for port 0. */
static uint32_t sock_for(const udp_priv *p, uint32_t sport) {
  if (p->ntx == 0 || sport == 0 || sport > 65535)
    return p->ntx;
  if (sport >= p->us.sport_lo && sport <= p->us.sport_hi)
    return sport - p->us.sport_lo;
  return sport % p->ntx;
}

static int sock_fd(const udp_priv *p, uint32_t s) {
  return s == p->ntx ? p->fd : p->txfd[s];
}

/* Frames go out in order. Consecutive frames to the same address from the
 * same socket with equal lengths (the last may be shorter) become one
 * message with a UDP_SEGMENT control message: the kernel sends them as
 * separate datagrams from one buffer (GSO). Consecutive messages of one
 * socket go in one sendmmsg. */
static vl2_ssize udp_tx_burst(vl2_backend *be, const vl2_frame *frames,
                              size_t n) {
  udp_priv *p = be->priv;
  size_t done = 0;
  size_t nogso_until = 0; /* frames before this index are sent singly */
  while (done < n) {
    unsigned nmsg = 0, niov = 0;
    uint32_t sock = UINT32_MAX;
    socklen_t sls[MAX_BATCH];
    size_t i = done;
    for (; i < n && niov < p->iov_cap; i++) {
      const vl2_frame *f = &frames[i];
      uint32_t s = sock_for(p, f->port);
      if (sock != UINT32_MAX && s != sock)
        break;
      socklen_t sl;
      if (nmsg > 0) {
        /* Extend the previous message? */
        unsigned pm = nmsg - 1;
        uint32_t first = p->tx_first[pm], cnt = p->tx_nseg[pm];
        uint32_t seg = frames[first].len;
        uint32_t last = frames[first + cnt - 1].len;
        struct sockaddr_storage tmp;
        if (p->gso_ok[s] && i >= nogso_until && first + cnt == i &&
            last == seg && f->len <= seg && f->len > 0 && cnt < GSO_MAX_SEGS &&
            (size_t)seg * cnt + f->len <= GSO_MAX_BYTES &&
            to_sockaddr(p, &f->remote, &tmp, &sl) == 0 && sl == sls[pm] &&
            memcmp(&tmp, &p->tx_addr[pm], sl) == 0) {
          p->tx_iov[niov].iov_base = (void *)(uintptr_t)f->data;
          p->tx_iov[niov].iov_len = f->len;
          niov++;
          p->tx_nseg[pm]++;
          sock = s;
          continue;
        }
      }
      if (nmsg == p->batch)
        break;
      if (to_sockaddr(p, &f->remote, &p->tx_addr[nmsg], &sl) != 0) {
        if (nmsg != 0)
          break; /* send what is queued first; consumed next round */
        p->st.tx_errors++;
        vl2_be_err(be, VL2_ERR_INVALID,
                   "udp: remote family %u unreachable from this socket",
                   (unsigned)f->remote.family);
        done = i + 1;
        continue;
      }
      sls[nmsg] = sl;
      p->tx_iov[niov].iov_base = (void *)(uintptr_t)f->data;
      p->tx_iov[niov].iov_len = f->len;
      p->tx_first[nmsg] = (uint32_t)i;
      p->tx_nseg[nmsg] = 1;
      p->tx_iovi[nmsg] = niov;
      niov++;
      nmsg++;
      sock = s;
    }
    if (nmsg == 0)
      continue; /* only unreachable frames so far (done advanced) */
    for (unsigned m = 0; m < nmsg; m++) {
      struct msghdr *h = &p->tx_msgs[m].msg_hdr;
      memset(h, 0, sizeof(*h));
      h->msg_name = &p->tx_addr[m];
      h->msg_namelen = sls[m];
      h->msg_iov = &p->tx_iov[p->tx_iovi[m]];
      h->msg_iovlen = p->tx_nseg[m];
      if (p->tx_nseg[m] > 1) {
        uint8_t *cb = p->tx_cmsg + (size_t)m * TX_CMSG_ROOM;
        memset(cb, 0, TX_CMSG_ROOM);
        h->msg_control = cb;
        h->msg_controllen = CMSG_SPACE(sizeof(uint16_t));
        struct cmsghdr *c = CMSG_FIRSTHDR(h);
        c->cmsg_level = SOL_UDP;
        c->cmsg_type = UDP_SEGMENT;
        c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
        uint16_t gs = (uint16_t)frames[p->tx_first[m]].len;
        memcpy(CMSG_DATA(c), &gs, sizeof(gs));
      }
    }
    int sent = sendmmsg(sock_fd(p, sock), p->tx_msgs, nmsg, MSG_DONTWAIT);
    if (sent < 0) {
      int e = errno;
      uint32_t f0 = p->tx_first[0], c0 = p->tx_nseg[0];
      if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EINTR)
        break;
      if (c0 > 1 && e == EIO) {
        /* The kernel cannot segment on this route (no checksum offload
         * on the egress device): datagram by datagram from now on, on
         * this socket. */
        p->gso_ok[sock] = 0;
        p->us.gso_fallbacks++;
        vl2_be_errno(be, e, "udp: UDP_SEGMENT refused; sending singly");
        continue;
      }
      if (c0 > 1 && (e == EINVAL || e == EMSGSIZE)) {
        /* Too big for GSO on this path (segment above the path MTU):
         * these frames again, one datagram each. */
        p->us.gso_refused++;
        nogso_until = f0 + c0;
        continue;
      }
      if (is_dest_error(e)) {
        /* The first message failed for its destination: drop it. */
        p->st.tx_errors += c0;
        vl2_be_errno(be, e, "udp: sendmmsg");
        done = f0 + c0;
        continue;
      }
      if (done == 0)
        return vl2_be_errno(be, e, "udp: sendmmsg");
      break;
    }
    if (sent == 0)
      break;
    for (int s = 0; s < sent; s++) {
      uint32_t f0 = p->tx_first[s], c = p->tx_nseg[s];
      if (c > 1) {
        p->us.gso_sends++;
        p->us.gso_segments += c;
      }
      for (uint32_t j = 0; j < c; j++) {
        p->st.tx_frames++;
        p->st.tx_bytes += frames[f0 + j].len;
      }
    }
    /* When it stopped early, the next round retries the rest, which
     * classifies the error of the message that stopped it. */
    done = p->tx_first[sent - 1] + p->tx_nseg[sent - 1];
  }
  return (vl2_ssize)done;
}

static int udp_get_fd(const vl2_backend *be) {
  const udp_priv *p = be->priv;
  return p != NULL ? p->fd : -1;
}

static uint64_t socket_drops(const udp_priv *p) {
  uint64_t d = 0;
  if (p->drops_known && read_drops(p->fd, &d) != 0)
    d = 0;
  return d;
}

static int udp_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const udp_priv *p = be->priv;
  *st = p->st;
  st->rx_dropped = p->us.truncated + socket_drops(p);
  return 0;
}

const vl2_backend_ops vl2_udp_ops = {
    .abi_version = VL2_BACKEND_OPS_VERSION,
    .name = "udp",
    .rx_burst = udp_rx_burst,
    .tx_burst = udp_tx_burst,
    .open = udp_open,
    .close = udp_close,
    .get_fd = udp_get_fd,
    .get_stats = udp_get_stats,
};

int vl2_udp_get_local(const vl2_backend *be, vl2_ipaddr *addr, uint16_t *port) {
  if (be == NULL || be->ops != &vl2_udp_ops || be->priv == NULL)
    return VL2_ERR_INVALID;
  const udp_priv *p = be->priv;
  struct sockaddr_storage ss;
  socklen_t sl = sizeof(ss);
  if (getsockname(p->fd, (struct sockaddr *)&ss, &sl) != 0)
    return -errno;
  if (addr != NULL) {
    memset(addr, 0, sizeof(*addr));
    if (ss.ss_family == AF_INET6) {
      /* Keep the bound form: "::" stays IPv6 even on a dual-stack
       * socket. */
      addr->family = VL2_AF_INET6;
      memcpy(addr->addr, &((struct sockaddr_in6 *)&ss)->sin6_addr, 16);
    } else {
      to_ipaddr(&ss, addr);
    }
  }
  if (port != NULL)
    *port =
        ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                       : ((struct sockaddr_in *)&ss)->sin_port);
  return 0;
}

int vl2_udp_get_stats_versioned(const vl2_backend *be, size_t st_size,
                                vl2_udp_stats *st) {
  if (be == NULL || st == NULL || st_size == 0 || be->ops != &vl2_udp_ops ||
      be->priv == NULL)
    return VL2_ERR_INVALID;
  const udp_priv *p = be->priv;
  vl2_udp_stats full = p->us;
  uint32_t off = 0;
  for (uint32_t i = 0; i <= p->ntx; i++)
    off += p->gso_ok[i] ? 0 : 1;
  full.gso_off_sockets = off;
  full.socket_drops = socket_drops(p);
  vl2_stats_copy(st, st_size, &full, sizeof(full));
  return 0;
}

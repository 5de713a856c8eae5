/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * The UDP underlay backend: VXLAN UDP payloads through a bound UDP socket,
 * batched with recvmmsg/sendmmsg (see include/vl2/udp.h).
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
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "vl2_args.h"

#define DEFAULT_BATCH 32
#define MAX_BATCH 1024
#define DEFAULT_BUFSIZE 9216
#define CMSG_ROOM 64 /* SO_RXQ_OVFL's uint32 (CMSG_SPACE(4) is 24) */

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
  struct mmsghdr *tx_msgs;
  struct iovec *tx_iov;
  struct sockaddr_storage *tx_addr;
  uint32_t kernel_drops; /* last SO_RXQ_OVFL value */
  uint64_t truncated;
  vl2_backend_stats st;
} udp_priv;

static void *zalloc(vl2_backend *be, size_t n, size_t size) {
  return be->mem.calloc(n, size, be->mem.user_data);
}

static void priv_free(vl2_backend *be, udp_priv *p) {
  if (p == NULL)
    return;
  if (p->fd >= 0)
    close(p->fd);
  void *bufs[] = {p->rxbuf,   p->rx_msgs, p->rx_iov, p->rx_addr,
                  p->rx_cmsg, p->tx_msgs, p->tx_iov, p->tx_addr};
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

static int udp_open(vl2_backend *be, const char *args) {
  char key[VL2_ARGS_KEY_MAX], val[VL2_ARGS_VAL_MAX];
  char local[64] = "0.0.0.0";
  uint32_t port = 4789, dport = 0, rcvbuf = 0, sndbuf = 0;
  uint32_t batch = DEFAULT_BATCH, bufsize = DEFAULT_BUFSIZE;
  bool v6only = true, have_dport = false;
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
    else
      rv = vl2_args_unknown(be, key);
    if (rv < 0)
      return rv;
  }
  if (rv < 0)
    return vl2_be_err(be, rv, "udp: bad argument string");
  if (!have_dport)
    dport = port != 0 ? port : 4789;

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
  p->dport = htons((uint16_t)dport);
  p->batch = batch;
  p->bufsize = bufsize;
  p->rxbuf = zalloc(be, batch, bufsize);
  p->rx_msgs = zalloc(be, batch, sizeof(*p->rx_msgs));
  p->rx_iov = zalloc(be, batch, sizeof(*p->rx_iov));
  p->rx_addr = zalloc(be, batch, sizeof(*p->rx_addr));
  p->rx_cmsg = zalloc(be, batch, CMSG_ROOM);
  p->tx_msgs = zalloc(be, batch, sizeof(*p->tx_msgs));
  p->tx_iov = zalloc(be, batch, sizeof(*p->tx_iov));
  p->tx_addr = zalloc(be, batch, sizeof(*p->tx_addr));
  if (!p->rxbuf || !p->rx_msgs || !p->rx_iov || !p->rx_addr || !p->rx_cmsg ||
      !p->tx_msgs || !p->tx_iov || !p->tx_addr) {
    priv_free(be, p);
    return vl2_be_err(be, VL2_ERR_NOMEM, "udp: out of memory");
  }

  p->fd =
      socket(p->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (p->fd < 0) {
    rv = vl2_be_errno(be, errno, "udp: socket");
    priv_free(be, p);
    return rv;
  }
  int one = 1, v6 = v6only ? 1 : 0;
  if (p->family == AF_INET6 &&
      setsockopt(p->fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6, sizeof(v6)) != 0) {
    rv = vl2_be_errno(be, errno, "udp: setsockopt(IPV6_V6ONLY)");
    priv_free(be, p);
    return rv;
  }
  /* Count the kernel's drops for a full receive buffer (best effort). */
  (void)setsockopt(p->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof(one));
  if ((rcvbuf != 0 && (rv = set_buf(be, p->fd, SO_RCVBUFFORCE, SO_RCVBUF,
                                    rcvbuf, "rcvbuf")) != 0) ||
      (sndbuf != 0 && (rv = set_buf(be, p->fd, SO_SNDBUFFORCE, SO_SNDBUF,
                                    sndbuf, "sndbuf")) != 0)) {
    priv_free(be, p);
    return rv;
  }
  if (p->family == AF_INET)
    ((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
  else
    ((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
  if (bind(p->fd, (struct sockaddr *)&ss, sl) != 0) {
    rv = vl2_be_errno(be, errno, "udp: bind %.60s port %u", local,
                      (unsigned)port);
    priv_free(be, p);
    return rv;
  }
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

static vl2_ssize udp_rx_burst(vl2_backend *be, vl2_frame *frames, size_t n,
                              vl2_tstamp now) {
  udp_priv *p = be->priv;
  unsigned cnt = (unsigned)(n < p->batch ? n : p->batch);
  for (unsigned i = 0; i < cnt; i++) {
    struct msghdr *m = &p->rx_msgs[i].msg_hdr;
    m->msg_name = &p->rx_addr[i];
    m->msg_namelen = sizeof(p->rx_addr[i]);
    m->msg_iov = &p->rx_iov[i];
    m->msg_iovlen = 1;
    m->msg_control = p->rx_cmsg + (size_t)i * CMSG_ROOM;
    m->msg_controllen = CMSG_ROOM;
    m->msg_flags = 0;
  }
  int got = recvmmsg(p->fd, p->rx_msgs, cnt, MSG_DONTWAIT, NULL);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      return 0;
    p->st.rx_errors++;
    return vl2_be_errno(be, errno, "udp: recvmmsg");
  }
  size_t k = 0;
  for (int i = 0; i < got; i++) {
    struct msghdr *m = &p->rx_msgs[i].msg_hdr;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c != NULL;
         c = CMSG_NXTHDR(m, c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
          c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
        uint32_t d;
        memcpy(&d, CMSG_DATA(c), sizeof(d));
        p->kernel_drops = d;
      }
    }
    if (m->msg_flags & MSG_TRUNC) {
      p->truncated++;
      continue;
    }
    vl2_frame *f = &frames[k++];
    memset(f, 0, sizeof(*f));
    f->data = p->rx_iov[i].iov_base;
    f->len = p->rx_msgs[i].msg_len;
    f->port = be->port;
    f->rx_ts = now;
    to_ipaddr(&p->rx_addr[i], &f->remote);
    p->st.rx_frames++;
    p->st.rx_bytes += f->len;
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

static vl2_ssize udp_tx_burst(vl2_backend *be, const vl2_frame *frames,
                              size_t n) {
  udp_priv *p = be->priv;
  size_t done = 0;
  while (done < n) {
    /* Fill up to |batch| messages; frames whose address the socket cannot
     * reach are consumed as errors. */
    unsigned cnt = 0;
    size_t idx[MAX_BATCH];
    size_t i = done;
    for (; i < n && cnt < p->batch; i++) {
      socklen_t sl;
      if (to_sockaddr(p, &frames[i].remote, &p->tx_addr[cnt], &sl) != 0) {
        if (cnt != 0)
          break; /* send what is queued first; consumed next round */
        p->st.tx_errors++;
        vl2_be_err(be, VL2_ERR_INVALID,
                   "udp: remote family %u unreachable from this socket",
                   (unsigned)frames[i].remote.family);
        done = i + 1;
        continue;
      }
      struct msghdr *m = &p->tx_msgs[cnt].msg_hdr;
      memset(m, 0, sizeof(*m));
      p->tx_iov[cnt].iov_base = (void *)(uintptr_t)frames[i].data;
      p->tx_iov[cnt].iov_len = frames[i].len;
      m->msg_name = &p->tx_addr[cnt];
      m->msg_namelen = sl;
      m->msg_iov = &p->tx_iov[cnt];
      m->msg_iovlen = 1;
      idx[cnt++] = i;
    }
    if (cnt == 0)
      continue; /* only unreachable frames so far (done advanced) */
    int sent = sendmmsg(p->fd, p->tx_msgs, cnt, MSG_DONTWAIT);
    if (sent < 0) {
      int e = errno;
      if (e == EAGAIN || e == EWOULDBLOCK || e == ENOBUFS || e == EINTR)
        break;
      if (is_dest_error(e)) {
        /* The first message failed for its destination: drop it. */
        p->st.tx_errors++;
        vl2_be_errno(be, e, "udp: sendmmsg");
        done = idx[0] + 1;
        continue;
      }
      if (done == 0)
        return vl2_be_errno(be, e, "udp: sendmmsg");
      break;
    }
    if (sent == 0)
      break;
    for (int s = 0; s < sent; s++) {
      p->st.tx_frames++;
      p->st.tx_bytes += frames[idx[s]].len;
    }
    /* When it stopped early, the next round retries the rest, which
     * classifies the error of the message that stopped it. */
    done = idx[sent - 1] + 1;
  }
  return (vl2_ssize)done;
}

static int udp_get_fd(const vl2_backend *be) {
  const udp_priv *p = be->priv;
  return p != NULL ? p->fd : -1;
}

static int udp_get_stats(const vl2_backend *be, vl2_backend_stats *st) {
  const udp_priv *p = be->priv;
  *st = p->st;
  st->rx_dropped = p->truncated + p->kernel_drops;
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

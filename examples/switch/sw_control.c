/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's control server: a UNIX stream socket (see vl2ctl(8)); each
 * connection sends one request line and gets one reply line, except a
 * monitor, which gets events as they happen until it closes.
 *
 * It runs on the forwarding thread, so it must never make forwarding
 * wait: every socket is non-blocking; a reply is rendered once into the
 * client's own output buffer and written as the client takes it (EPOLLOUT),
 * never waited for. A big table view (fdb, neigh, mdb) is not even built
 * at once: it is streamed, CTL_STREAM_SLICE entries (or CTL_STREAM_SLICE_NS)
 * per pass of the event loop, at most half the loop's time (forwarding
 * runs between passes), the next slice only once the
 * client has taken all but CTL_STREAM_LOWAT bytes of the last (so a
 * client that does not read holds one slice, not the table); a view over
 * CTL_REPLY_MAX ends with an "error" member instead of its remaining
 * entries. Everything is bounded: MAX_CLIENTS connections (when
 * the table is full, the oldest connection that has not sent a complete
 * request is closed to make room; when every slot holds a reply in
 * progress, the newcomer is refused with an error line), CTL_REQ_MAX bytes
 * of request, CTL_REPLY_MAX bytes of reply, CTL_OUT_BUDGET bytes queued
 * for all clients together, and CTL_IDLE_NS without progress (a request
 * not sent, a reply not read) before a connection is closed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "sw_app.h"

static uint32_t client_idx(const app *a, const client *c) {
  return (uint32_t)(c - a->clients);
}

static void client_close(app *a, client *c) {
  ep_del(a, c->fd);
  close(c->fd);
  if (c->state != CL_MONITOR)
    a->out_queued -= c->out_len - c->out_off;
  free(c->out);
  c->out = NULL;
  c->out_len = c->out_off = c->out_cap = 0;
  c->vs.kind = VS_NONE; /* a view in progress ends: it holds nothing */
  c->reply_bytes = 0;
  c->fd = -1;
  c->state = CL_FREE;
  c->len = 0;
}

static void client_watch(app *a, client *c, uint32_t ev) {
  if (c->ev == ev)
    return;
  if (ep_mod(a, c->fd, ev, K_CLIENT, client_idx(a, c)) == 0)
    c->ev = ev;
  else
    client_close(a, c);
}

/* Write what the client takes now; close when all is written (one reply
 * per connection), wait for EPOLLOUT when its socket is full. */
static void client_flush(app *a, client *c, vl2_tstamp now) {
  while (c->out_off < c->out_len) {
    ssize_t k = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
                     MSG_NOSIGNAL | MSG_DONTWAIT);
    if (k > 0) {
      c->out_off += (size_t)k;
      if (c->state != CL_MONITOR) {
        a->out_queued -= (size_t)k;
        c->deadline = now + CTL_IDLE_NS;
      }
      continue;
    }
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      client_watch(a, c,
                   c->state == CL_MONITOR ? EPOLLIN | EPOLLOUT : EPOLLOUT);
      return;
    }
    client_close(a, c); /* the client went away */
    return;
  }
  if (c->state != CL_MONITOR && c->vs.kind != VS_NONE) {
    /* all written so far: control_stream() writes the next slice */
    c->out_off = c->out_len = 0;
    client_watch(a, c, 0);
    return;
  }
  if (c->state != CL_MONITOR) {
    client_close(a, c);
    return;
  }
  /* a monitor stays: all written, wait for the next event */
  c->out_off = c->out_len = 0;
  client_watch(a, c, EPOLLIN);
}

/* monitor [json]: this connection now receives events as they happen,
 * one line each, until it closes. Its buffer is bounded; a monitor that
 * does not read loses events (counted, then said in a line). */
static void monitor_start(app *a, client *c, const char *fmt, vl2_tstamp now) {
  c->out = malloc(CTL_MONITOR_BUF);
  if (!c->out) {
    client_close(a, c);
    return;
  }
  c->state = CL_MONITOR;
  c->mon_json = fmt && strcmp(fmt, "json") == 0;
  c->mon_lost = 0;
  c->out_len = c->out_off = 0;
  c->deadline = VL2_TSTAMP_NONE; /* a monitor may sit silent */
  logm(L_DEBUG, "control: a %s monitor connected",
       c->mon_json ? "JSON" : "text");
  client_watch(a, c, EPOLLIN);
  (void)now;
}

bool control_monitoring(const app *a) {
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0 && a->clients[i].state == CL_MONITOR)
      return true;
  return false;
}

static bool monitor_put(client *c, const char *s, size_t n) {
  if (c->out_off > 0 && c->out_len + n + 1 > CTL_MONITOR_BUF) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  if (c->out_len + n + 1 > CTL_MONITOR_BUF)
    return false;
  memcpy(c->out + c->out_len, s, n);
  c->out[c->out_len + n] = '\n';
  c->out_len += n + 1;
  return true;
}

void control_monitor_event(app *a, const char *text, const char *json) {
  vl2_tstamp now = now_ns();
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++) {
    client *c = &a->clients[i];
    if (c->fd < 0 || c->state != CL_MONITOR)
      continue;
    if (c->mon_lost) {
      char m[96];
      int k = c->mon_json ? snprintf(m, sizeof m, "{\"lost\":%llu}",
                                     (unsigned long long)c->mon_lost)
                          : snprintf(m, sizeof m,
                                     "lost: %llu event(s), not read in time",
                                     (unsigned long long)c->mon_lost);
      if (!monitor_put(c, m, (size_t)k)) {
        c->mon_lost++;
        continue;
      }
      c->mon_lost = 0;
    }
    const char *s = c->mon_json ? json : text;
    if (!monitor_put(c, s, strlen(s))) {
      c->mon_lost++;
      continue;
    }
    client_flush(a, c, now);
  }
}

/* Queue |s| (|n| bytes) plus a newline as the reply and start writing.
 * Replies over CTL_REPLY_MAX, or over what is left of CTL_OUT_BUDGET,
 * become an error line. */
static void client_reply(app *a, client *c, const char *s, size_t n,
                         vl2_tstamp now) {
  char e[160];
  if (n + 1 > CTL_REPLY_MAX) {
    a->ctl_reply_too_large++;
    n = (size_t)snprintf(e, sizeof e,
                         "{\"error\":\"reply of %zu bytes is over the "
                         "limit of %u bytes\"}",
                         n, CTL_REPLY_MAX);
    s = e;
  } else if (a->out_queued + n + 1 > CTL_OUT_BUDGET) {
    a->ctl_refused++;
    n = (size_t)snprintf(e, sizeof e,
                         "{\"error\":\"control server busy: %zu bytes of "
                         "replies unread by other clients; try again\"}",
                         a->out_queued);
    s = e;
  }
  c->out = malloc(n + 1);
  if (!c->out) {
    logm(L_ERR, "control: out of memory for a reply of %zu bytes", n + 1);
    client_close(a, c);
    return;
  }
  memcpy(c->out, s, n);
  c->out[n] = '\n';
  c->out_len = c->out_cap = n + 1;
  c->out_off = 0;
  a->out_queued += c->out_len;
  c->state = CL_WRITE;
  c->deadline = now + CTL_IDLE_NS;
  client_flush(a, c, now);
}

static void client_reply_json(app *a, client *c, json_object *r,
                              vl2_tstamp now) {
  size_t n;
  const char *s =
      json_object_to_json_string_length(r, JSON_C_TO_STRING_PLAIN, &n);
  client_reply(a, c, s, n, now);
  json_object_put(r);
}

/* Start streaming the view |vs| as the reply (control_stream() writes
 * it); refused like a reply when the output budget cannot take a slice. */
static void client_stream_start(app *a, client *c, const view_stream *vs,
                                vl2_tstamp now) {
  if (a->out_queued + 2 * CTL_STREAM_LOWAT > CTL_OUT_BUDGET) {
    a->ctl_refused++;
    client_reply_json(a, c,
                      jerr("control server busy: %zu bytes of replies "
                           "unread by other clients; try again",
                           a->out_queued),
                      now);
    return;
  }
  c->vs = *vs;
  c->reply_bytes = 0;
  c->out_len = c->out_off = 0;
  c->state = CL_WRITE;
  c->deadline = now + CTL_IDLE_NS;
}

static bool stream_ready(const client *c) {
  return c->fd >= 0 && c->state == CL_WRITE && c->vs.kind != VS_NONE &&
         c->out_len - c->out_off < CTL_STREAM_LOWAT;
}

bool control_streaming(const app *a) {
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++)
    if (stream_ready(&a->clients[i]))
      return true;
  return false;
}

/* The next slice of |c|'s view into its output, then written as it takes
 * it. A view that would pass CTL_REPLY_MAX (with room for the error) is
 * ended there with an error member: the client gets valid JSON that says
 * why the entries stop, never a silently short table. */
static void stream_slice(app *a, client *c, vl2_tstamp now) {
  sbuf *b = &a->stream_buf;
  b->len = 0;
  b->oom = false;
  uint64_t shown = c->vs.total; /* entries sent before this slice */
  vl2_tstamp t0 = now_ns();
  int more = view_stream_step(a, &c->vs, CTL_STREAM_SLICE,
                              t0 + CTL_STREAM_SLICE_NS, b);
  vl2_tstamp t1 = now_ns();
  a->stream_next = t1 + (t1 - t0); /* at most half the time in views */
  if (more < 0) {
    logm(L_ERR, "control: out of memory for a reply");
    client_close(a, c);
    return;
  }
  /* a slice ends below the cap by room for the error, so the error fits
   * whenever the next one would not */
  size_t cap = a->ctl_reply_max ? a->ctl_reply_max : CTL_REPLY_MAX;
  if (c->reply_bytes + b->len + (more ? 256 : 1) > cap) {
    char m[200];
    snprintf(m, sizeof m,
             "reply over the limit of %u bytes: stopped after %llu entries "
             "(show fewer with a filter: vni N, dev NAME)",
             (unsigned)cap, (unsigned long long)shown);
    a->ctl_reply_too_large++;
    b->len = 0;
    view_stream_truncate(&c->vs, b, c->reply_bytes > 0, m);
    more = 0;
  }
  if (!more)
    sbuf_put(b, "\n", 1);
  if (b->oom) {
    client_close(a, c);
    return;
  }
  if (!more)
    c->vs.kind = VS_NONE; /* the whole reply is queued */
  if (c->out_off > 0) {
    memmove(c->out, c->out + c->out_off, c->out_len - c->out_off);
    c->out_len -= c->out_off;
    c->out_off = 0;
  }
  if (c->out_len + b->len > c->out_cap) {
    size_t ncap = c->out_len + b->len + CTL_STREAM_LOWAT;
    char *p = realloc(c->out, ncap);
    if (!p) {
      logm(L_ERR, "control: out of memory for a reply");
      client_close(a, c);
      return;
    }
    c->out = p;
    c->out_cap = ncap;
  }
  memcpy(c->out + c->out_len, b->p, b->len);
  c->out_len += b->len;
  c->reply_bytes += b->len;
  a->out_queued += b->len;
  client_flush(a, c, now);
}

void control_stream(app *a, vl2_tstamp now) {
  if (now < a->stream_next)
    return;
  for (size_t k = 0; a->clients && k < MAX_CLIENTS; k++) {
    size_t i = (a->stream_rr + k) % MAX_CLIENTS;
    if (!stream_ready(&a->clients[i]))
      continue;
    a->stream_rr = i + 1;
    stream_slice(a, &a->clients[i], now);
    return; /* one slice per pass: forwarding runs before the next */
  }
}

static void client_read(app *a, client *c, vl2_tstamp now) {
  for (;;) {
    ssize_t k =
        recv(c->fd, c->in + c->len, sizeof c->in - 1 - c->len, MSG_DONTWAIT);
    if (k < 0 && errno == EINTR)
      continue;
    if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if (k <= 0) { /* closed before a whole request */
      client_close(a, c);
      return;
    }
    c->len += (size_t)k;
    c->in[c->len] = 0;
    char *nl = memchr(c->in, '\n', c->len);
    if (nl) {
      *nl = 0;
      if (strlen(c->in) != (size_t)(nl - c->in)) {
        client_reply_json(a, c, jusage("request contains a NUL byte"), now);
        return;
      }
      client_watch(a, c, 0);
      if (c->fd < 0)
        return;
      if (strncmp(c->in, "monitor", 7) == 0 &&
          (c->in[7] == 0 || c->in[7] == ' ')) {
        char *fmt = c->in + 7;
        fmt += strspn(fmt, " ");
        fmt[strcspn(fmt, " \r")] = 0;
        if (*fmt && strcmp(fmt, "json") != 0 && strcmp(fmt, "text") != 0) {
          client_reply_json(a, c, jusage("usage: monitor [json|text]"), now);
          return;
        }
        monitor_start(a, c, fmt, now);
        return;
      }
      view_stream vs;
      json_object *r = handle_request(a, c->in, &vs);
      if (r)
        client_reply_json(a, c, r, now);
      else
        client_stream_start(a, c, &vs, now);
      return;
    }
    if (c->len == sizeof c->in - 1) {
      a->ctl_req_too_long++;
      client_watch(a, c, 0);
      if (c->fd >= 0)
        client_reply_json(
            a, c, jusage("request longer than %d bytes", CTL_REQ_MAX - 1), now);
      return;
    }
  }
}

void client_event(app *a, client *c, uint32_t events, vl2_tstamp now) {
  if (c->state == CL_MONITOR) {
    /* a monitor only listens: anything it sends, or its hang-up, ends it */
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      client_close(a, c);
      return;
    }
    if (events & EPOLLOUT)
      client_flush(a, c, now);
    return;
  }
  if (c->state == CL_READ && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
    client_read(a, c, now);
  else if (c->state == CL_WRITE && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)))
    client_flush(a, c, now);
}

/* A free slot: an unused one, or the one of the oldest connection that
 * has not sent a whole request (closed to make room). NULL when every
 * connection has a reply in progress. */
static client *client_slot(app *a) {
  client *idle = NULL;
  for (size_t i = 0; i < MAX_CLIENTS; i++) {
    client *c = &a->clients[i];
    if (c->fd < 0)
      return c;
    if (c->state == CL_READ && (!idle || c->since < idle->since))
      idle = c;
  }
  if (idle) {
    static const char msg[] =
        "{\"error\":\"closed to make room: too many control connections "
        "without a request\"}\n";
    ssize_t k =
        send(idle->fd, msg, sizeof msg - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)k;
    client_close(a, idle);
    a->ctl_evicted++;
  }
  return idle;
}

void accept_clients(app *a, vl2_tstamp now) {
  for (int n = 0; n < 2 * MAX_CLIENTS; n++) {
    int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
          errno != ECONNABORTED)
        logm(L_WARN, "control: accept: %s", strerror(errno));
      return;
    }
    client *c = client_slot(a);
    if (!c) {
      char msg[160];
      int m = snprintf(msg, sizeof msg,
                       "{\"error\":\"control server busy: all %d "
                       "connections have replies in progress; try "
                       "again\"}\n",
                       MAX_CLIENTS);
      ssize_t k = send(fd, msg, (size_t)m, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)k;
      close(fd);
      a->ctl_refused++;
      continue;
    }
    a->ctl_accepted++;
    c->fd = fd;
    c->state = CL_READ;
    c->len = 0;
    c->since = now;
    c->deadline = now + CTL_IDLE_NS;
    c->ev = EPOLLIN;
    if (ep_add(a, fd, K_CLIENT, client_idx(a, c))) {
      logm(L_WARN, "control: epoll: %s", strerror(errno));
      client_close(a, c);
    }
  }
}

vl2_tstamp control_next_deadline(const app *a) {
  vl2_tstamp dl = control_streaming(a) ? a->stream_next : VL2_TSTAMP_NONE;
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0 && a->clients[i].deadline < dl)
      dl = a->clients[i].deadline;
  return dl;
}

void control_expire(app *a, vl2_tstamp now) {
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++) {
    client *c = &a->clients[i];
    if (c->fd < 0 || c->deadline > now)
      continue;
    logm(L_DEBUG, "control: connection closed after %llu s without %s",
         (unsigned long long)(CTL_IDLE_NS / VL2_SEC),
         c->state == CL_READ ? "a request" : "reading the reply");
    if (c->state == CL_READ) {
      static const char msg[] =
          "{\"error\":\"timed out waiting for a request\"}\n";
      ssize_t k = send(c->fd, msg, sizeof msg - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
      (void)k;
    }
    client_close(a, c);
    a->ctl_timeouts++;
  }
}

int control_open(app *a, char *err, size_t errlen) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
  if (!a->clients) {
    a->clients = xcalloc(MAX_CLIENTS, sizeof *a->clients);
    for (size_t i = 0; i < MAX_CLIENTS; i++)
      a->clients[i].fd = -1;
  }
  if (strlen(a->ctl_path) >= sizeof sa.sun_path) {
    snprintf(err, errlen, "--control %s: path too long (at most %zu bytes)",
             a->ctl_path, sizeof sa.sun_path - 1);
    return -1;
  }
  strcpy(sa.sun_path, a->ctl_path);
  /* The default's directory, when no service manager made it. */
  if (strcmp(a->ctl_path, SW_DEFAULT_SOCKET) == 0 &&
      mkdir("/run/vl2-switch", 0755) && errno != EEXIST) {
    snprintf(err, errlen, "control socket directory /run/vl2-switch: %s",
             strerror(errno));
    return -1;
  }
  a->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (a->lfd < 0) {
    snprintf(err, errlen, "control socket: %s", strerror(errno));
    return -1;
  }
  /* A socket file nobody answers on is left over from a crash. */
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (probe >= 0) {
    if (connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
      close(probe);
      snprintf(err, errlen,
               "control socket %s: another vl2-switch is "
               "running there",
               a->ctl_path);
      return -1;
    }
    close(probe);
  }
  /* Only ever remove a socket: --control pointed at a file by mistake
   * must not delete it. */
  struct stat st;
  if (lstat(a->ctl_path, &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      snprintf(err, errlen,
               "control socket %s: exists and is not a socket; not "
               "removing it",
               a->ctl_path);
      return -1;
    }
    unlink(a->ctl_path);
  }
  mode_t old = umask(0117);
  int rv = bind(a->lfd, (struct sockaddr *)&sa, sizeof sa);
  umask(old);
  if (rv || listen(a->lfd, 128)) {
    snprintf(err, errlen, "control socket %s: %s", a->ctl_path,
             strerror(errno));
    return -1;
  }
  return ep_add(a, a->lfd, K_LISTEN, 0);
}

/* Close every client and the listening socket, and remove its file. */
void control_close(app *a) {
  for (size_t i = 0; a->clients && i < MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0)
      client_close(a, &a->clients[i]);
  free(a->clients);
  a->clients = NULL;
  sbuf_free(&a->stream_buf);
  if (a->lfd >= 0) {
    close(a->lfd);
    a->lfd = -1;
    unlink(a->ctl_path);
  }
}

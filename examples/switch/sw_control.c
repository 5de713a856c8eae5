/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's control server: a UNIX stream socket (see vl2ctl(8)); each
 * connection sends one request line and gets one reply line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "sw_app.h"

static void client_close(app *a, client *c) {
  ep_del(a, c->fd);
  close(c->fd);
  c->fd = -1;
  c->len = 0;
  (void)a;
}

static void write_all(int fd, const char *s, size_t n) {
  while (n) {
    ssize_t k = write(fd, s, n);
    if (k < 0 && errno == EINTR)
      continue;
    if (k <= 0)
      return;
    s += k;
    n -= (size_t)k;
  }
}

void client_read(app *a, client *c) {
  ssize_t k = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
  if (k <= 0) {
    if (k < 0 && (errno == EAGAIN || errno == EINTR))
      return;
    client_close(a, c);
    return;
  }
  c->len += (size_t)k;
  c->buf[c->len] = 0;
  char *nl = strchr(c->buf, '\n');
  if (!nl) {
    if (c->len == sizeof c->buf - 1)
      client_close(a, c);
    return;
  }
  *nl = 0;
  json_object *r = handle_cmd(a, c->buf);
  const char *s = json_object_to_json_string_ext(r, JSON_C_TO_STRING_PLAIN);
  /* One reply per connection; the socket was made blocking with a send
   * timeout, so a stalled client cannot hold the loop for long. */
  int fl = fcntl(c->fd, F_GETFL);
  fcntl(c->fd, F_SETFL, fl & ~O_NONBLOCK);
  write_all(c->fd, s, strlen(s));
  write_all(c->fd, "\n", 1);
  json_object_put(r);
  client_close(a, c);
}

void accept_clients(app *a) {
  for (;;) {
    int fd = accept4(a->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
      return;
    struct timeval tv = {.tv_sec = 2};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    size_t i = 0;
    while (i < MAX_CLIENTS && a->clients[i].fd >= 0)
      i++;
    if (i == MAX_CLIENTS) {
      close(fd);
      continue;
    }
    a->clients[i].fd = fd;
    a->clients[i].len = 0;
    if (ep_add(a, fd, K_CLIENT, (uint32_t)i))
      client_close(a, &a->clients[i]);
  }
}

int control_open(app *a, char *err, size_t errlen) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX};
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
  if (rv || listen(a->lfd, 8)) {
    snprintf(err, errlen, "control socket %s: %s", a->ctl_path,
             strerror(errno));
    return -1;
  }
  return ep_add(a, a->lfd, K_LISTEN, 0);
}

/* Close every client and the listening socket, and remove its file. */
void control_close(app *a) {
  for (size_t i = 0; i < MAX_CLIENTS; i++)
    if (a->clients[i].fd >= 0)
      client_close(a, &a->clients[i]);
  if (a->lfd >= 0) {
    close(a->lfd);
    a->lfd = -1;
    unlink(a->ctl_path);
  }
}

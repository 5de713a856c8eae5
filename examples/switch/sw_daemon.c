/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch as a service: detaching into the background (daemon mode,
 * the default without --foreground), the pid file, and telling a service
 * manager (systemd, through libsystemd's sd_notify) when it is ready,
 * reloading and stopping.
 *
 * Daemon mode forks before anything that belongs to a process is made
 * (the epoll set, the signalfd: signalfd(2) says an epoll set that got a
 * signalfd before fork() never reports it ready in the child), so the
 * process that runs the loop is the one that created them. The parent
 * stays until the child reports that start-up is complete through a pipe,
 * so that start-up errors still reach the terminal, the exit status says
 * whether the switch runs, and the control socket answers when the
 * command returns.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#ifdef VL2SW_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "sw_app.h"

void service_notify(const char *fmt, ...) {
#ifdef VL2SW_HAVE_SYSTEMD
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  /* 0 when NOTIFY_SOCKET is unset (not under a service manager). */
  int rv = sd_notify(0, msg);
  if (rv < 0)
    logm(L_WARN, "sd_notify: %s", strerror(-rv));
#else
  (void)fmt;
#endif
}

int daemon_detach(int *ready_fd) {
  int p[2];
  if (pipe2(p, O_CLOEXEC)) {
    fprintf(stderr, "vl2-switch: pipe: %s\n", strerror(errno));
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) {
    fprintf(stderr, "vl2-switch: fork: %s\n", strerror(errno));
    close(p[0]);
    close(p[1]);
    return -1;
  }
  if (pid > 0) {
    /* The parent: exit 0 once the child is ready, else with its status. */
    close(p[1]);
    char c;
    ssize_t k;
    do
      k = read(p[0], &c, 1);
    while (k < 0 && errno == EINTR);
    if (k == 1)
      _exit(0);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
    if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
      _exit(WEXITSTATUS(st));
    if (WIFSIGNALED(st))
      fprintf(stderr, "vl2-switch: killed by %s during start-up\n",
              signal_name(WTERMSIG(st)));
    _exit(1);
  }
  close(p[0]);
  if (setsid() < 0) {
    fprintf(stderr, "vl2-switch: setsid: %s\n", strerror(errno));
    return -1;
  }
  *ready_fd = p[1];
  return 0;
}

void daemon_ready(int ready_fd) {
  if (ready_fd < 0)
    return;
  int nul = open("/dev/null", O_RDWR | O_CLOEXEC);
  if (nul >= 0) {
    fflush(NULL);
    dup2(nul, STDIN_FILENO);
    dup2(nul, STDOUT_FILENO);
    dup2(nul, STDERR_FILENO);
    if (nul > STDERR_FILENO)
      close(nul);
  }
  ssize_t k;
  do
    k = write(ready_fd, "1", 1);
  while (k < 0 && errno == EINTR);
  close(ready_fd);
}

char *abs_path(const char *path) {
  if (path[0] == '/')
    return strdup(path);
  char cwd[4096];
  if (!getcwd(cwd, sizeof cwd))
    return NULL;
  size_t n = strlen(cwd) + strlen(path) + 2;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s/%s", cwd, path);
  return p;
}

int pidfile_open(app *a, const char *path, char *err, size_t errlen) {
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    snprintf(err, errlen, "pid file %s: %s", path, strerror(errno));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB)) {
    char b[32] = "";
    ssize_t k = pread(fd, b, sizeof b - 1, 0);
    b[k > 0 ? k : 0] = 0;
    b[strcspn(b, "\n")] = 0;
    snprintf(err, errlen, "pid file %s: locked by a running vl2-switch%s%s",
             path, b[0] ? " with pid " : "", b);
    close(fd);
    return -1;
  }
  a->pid_fd = fd;
  a->pid_path = path;
  return 0;
}

int pidfile_write(app *a, char *err, size_t errlen) {
  if (a->pid_fd < 0)
    return 0;
  char b[32];
  int n = snprintf(b, sizeof b, "%ld\n", (long)getpid());
  if (ftruncate(a->pid_fd, 0) || pwrite(a->pid_fd, b, (size_t)n, 0) != n) {
    snprintf(err, errlen, "pid file %s: %s", a->pid_path, strerror(errno));
    return -1;
  }
  return 0;
}

void pidfile_remove(app *a) {
  if (a->pid_fd < 0)
    return;
  unlink(a->pid_path);
  close(a->pid_fd); /* drops the lock after the name is gone */
  a->pid_fd = -1;
}

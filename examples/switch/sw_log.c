/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's logging: one line per message, filtered by --log-level, to
 * one of three places: standard error (the foreground default; under
 * systemd that is the journal), syslog(3) (the daemon-mode default), or a
 * file (--log-file, and the daemon-mode fallback when nothing listens on
 * /dev/log, where syslog(3) would drop every line). Also the allocation
 * helper that logs before it gives up.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "sw_app.h"

int log_level = L_INFO;
static int log_target = LOG_TO_STDERR;
static FILE *log_fp;
static char *log_path;

static const char *const level_name[] = {"error", "warning", "info", "debug"};

void logm(int lvl, const char *fmt, ...) {
  if (lvl > log_level)
    return;
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  static const int prio[] = {LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG};
  if (log_target == LOG_TO_SYSLOG) {
    syslog(prio[lvl], "%s", msg);
  } else if (log_target == LOG_TO_FILE && log_fp) {
    struct timespec ts;
    struct tm tm;
    char when[40];
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    fprintf(log_fp, "%s.%03ldZ vl2-switch[%ld]: %s: %s\n", when,
            ts.tv_nsec / 1000000, (long)getpid(), level_name[lvl], msg);
    fflush(log_fp);
  } else {
    fprintf(stderr, "vl2-switch: %s: %s\n", level_name[lvl], msg);
  }
}

bool log_syslog_available(void) {
  struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
  static const int types[] = {SOCK_DGRAM, SOCK_STREAM};
  for (size_t i = 0; i < 2; i++) {
    int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
    if (fd < 0)
      continue;
    int rv = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    close(fd);
    if (rv == 0)
      return true;
  }
  return false;
}

static FILE *open_log_file(const char *path, char *err, size_t errlen) {
  int fd =
      open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0640);
  FILE *fp = fd >= 0 ? fdopen(fd, "a") : NULL;
  if (!fp) {
    snprintf(err, errlen, "log file %s: %s", path, strerror(errno));
    if (fd >= 0)
      close(fd);
  }
  return fp;
}

int log_to(int target, const char *path, char *err, size_t errlen) {
  if (target == LOG_TO_FILE) {
    FILE *fp = open_log_file(path, err, errlen);
    if (!fp)
      return -1;
    char *p = strdup(path);
    if (!p) {
      fclose(fp);
      snprintf(err, errlen, "out of memory");
      return -1;
    }
    log_close();
    log_fp = fp;
    log_path = p;
  } else {
    log_close();
    if (target == LOG_TO_SYSLOG)
      openlog("vl2-switch", LOG_PID | LOG_NDELAY, LOG_DAEMON);
  }
  log_target = target;
  return 0;
}

void log_reopen(void) {
  if (log_target != LOG_TO_FILE)
    return;
  char err[320];
  FILE *fp = open_log_file(log_path, err, sizeof err);
  if (!fp) {
    logm(L_ERR, "%s (still writing to the old file)", err);
    return;
  }
  fclose(log_fp);
  log_fp = fp;
}

void log_close(void) {
  if (log_target == LOG_TO_SYSLOG)
    closelog();
  if (log_fp)
    fclose(log_fp);
  log_fp = NULL;
  free(log_path);
  log_path = NULL;
  log_target = LOG_TO_STDERR;
}

int log_parse_level(const char *s) {
  for (int i = 0; i < 4; i++)
    if (strcmp(s, level_name[i]) == 0)
      return i;
  if (strcmp(s, "warn") == 0)
    return L_WARN;
  return -1;
}

const char *signal_name(int sig) {
  const char *n = sigabbrev_np(sig);
  static char buf[32];
  if (!n) {
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
  }
  snprintf(buf, sizeof buf, "SIG%s", n);
  return buf;
}

void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz);
  if (!p) {
    logm(L_ERR, "out of memory");
    exit(1);
  }
  return p;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch: a virtual Layer-2 switch daemon on libvl2.
 *
 * TAP ports for VMs and AF_PACKET ports on existing interfaces, access or
 * trunk, joined into segments (VNIs) and tunnelled to other hosts over
 * VXLAN through the UDP underlay backend, controlled over a UNIX socket
 * (see vl2ctl(8)).
 *
 * This file is the program's entry: options, start-up (the switch, the
 * signals, the control socket, the configuration applied against
 * nothing), daemon mode and shutdown. The other parts are listed in
 * sw_app.h.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <vl2/version.h>

#include "sw_app.h"

/* ------------------------------------------------------------ main */

static void usage(FILE *f) {
  fputs("Usage: vl2-switch [OPTION]...\n"
        "A virtual Layer-2 switch: TAP and AF_PACKET ports, VLANs, segments,\n"
        "and VXLAN tunnels to other hosts (libvl2).\n"
        "\n"
        "Without --config it runs the built-in default: TAP ports vl2tap0 and\n"
        "vl2tap1, access VLAN 1, in segment VNI 1.\n"
        "\n"
        "  -c, --config FILE      read the configuration from FILE (libconfig\n"
        "                         format, see vl2-switch.conf(5))\n"
        "  -t, --check            validate the configuration and exit\n"
        "  -f, --foreground       do not detach; log to stderr\n"
        "  -s, --socket PATH      control socket (default " SW_DEFAULT_SOCKET
        ";\n"
        "                         -C, --control PATH is the same)\n"
        "  -p, --pidfile FILE     write the process id to FILE (removed at "
        "exit)\n"
        "  -l, --log-level LEVEL  error, warning, info (default) or debug\n"
        "  -L, --log-file FILE    log to FILE (re-opened on SIGHUP)\n"
        "      --syslog           log to syslog (the default when detached)\n"
        "  -h, --help             show this help and exit\n"
        "  -V, --version          show the version and exit\n"
        "\n"
        "Without --foreground it detaches once it runs and logs to syslog, or\n"
        "to " SW_FALLBACK_LOG " when nothing listens on /dev/log.\n"
        "Signals: SIGHUP reloads the configuration, SIGINT/SIGTERM stop.\n"
        "Control it with vl2ctl(8).\n",
        f);
}

static void shutdown_all(app *a) {
  evpn_close(a); /* the mirror objects go; zebra withdraws */
  for (uint32_t i = 0; a->ports && i < a->nports; i++)
    port_close(a, &a->ports[i]);
  underlay_close(a);
  control_close(a);
  for (size_t i = 0; i < a->nsegs; i++)
    free(a->segs[i].v);
  free(a->segs);
  vl2_switch_del(a->sw);
  free(a->ports);
  free(a->dests);
  free(a->dirty);
  free(a->scratch);
  sw_config_free(&a->cfg);
  json_object_put(a->stats_base);
  pidfile_remove(a);
  if (a->sigfd >= 0)
    close(a->sigfd);
  if (a->ep >= 0)
    close(a->ep);
}

/* Where the log goes: --log-file; else syslog when asked for (--syslog,
 * or detached) and /dev/log answers; else stderr in the foreground, and
 * the fallback file when detached (said on stderr before detaching). */
static int log_setup(bool foreground, bool want_syslog, const char *log_file) {
  char err[512];
  if (log_file) {
    if (log_to(LOG_TO_FILE, log_file, err, sizeof err) == 0)
      return 0;
    fprintf(stderr, "vl2-switch: %s\n", err);
    return -1;
  }
  if (!want_syslog && foreground)
    return 0;
  if (log_syslog_available())
    return log_to(LOG_TO_SYSLOG, NULL, err, sizeof err);
  if (foreground) {
    fputs("vl2-switch: --syslog: nothing listens on /dev/log; logging to "
          "standard error\n",
          stderr);
    return 0;
  }
  if (log_to(LOG_TO_FILE, SW_FALLBACK_LOG, err, sizeof err)) {
    fprintf(stderr,
            "vl2-switch: nothing listens on /dev/log and %s; choose a log "
            "with --log-file FILE, or run with --foreground\n",
            err);
    return -1;
  }
  fprintf(stderr,
          "vl2-switch: nothing listens on /dev/log; logging to %s "
          "(choose with --log-file)\n",
          SW_FALLBACK_LOG);
  return 0;
}

int main(int argc, char **argv) {
  enum { OPT_SYSLOG = 256 };
  static const struct option opts[] = {
      {"config", required_argument, NULL, 'c'},
      {"check", no_argument, NULL, 't'},
      {"foreground", no_argument, NULL, 'f'},
      {"socket", required_argument, NULL, 's'},
      {"control", required_argument, NULL, 'C'},
      {"pidfile", required_argument, NULL, 'p'},
      {"log-level", required_argument, NULL, 'l'},
      {"log-file", required_argument, NULL, 'L'},
      {"syslog", no_argument, NULL, OPT_SYSLOG},
      {"help", no_argument, NULL, 'h'},
      {"version", no_argument, NULL, 'V'},
      {NULL, 0, NULL, 0}};
  const char *config = NULL, *control = SW_DEFAULT_SOCKET;
  const char *pidfile = NULL, *logfile = NULL;
  bool foreground = false, check = false, want_syslog = false;
  int c, rc = 1;
  while ((c = getopt_long(argc, argv, "c:tfs:C:p:l:L:hV", opts, NULL)) != -1) {
    switch (c) {
    case 'c':
      config = optarg;
      break;
    case 't':
      check = true;
      break;
    case 'f':
      foreground = true;
      break;
    case 'l':
      log_level = log_parse_level(optarg);
      if (log_level < 0) {
        fprintf(stderr,
                "vl2-switch: --log-level: unknown level '%s' "
                "(expected error, warning, info or debug)\n",
                optarg);
        return 2;
      }
      break;
    case OPT_SYSLOG:
      want_syslog = true;
      break;
    case 's':
    case 'C':
      control = optarg;
      break;
    case 'p':
      pidfile = optarg;
      break;
    case 'L':
      logfile = optarg;
      break;
    case 'h':
      usage(stdout);
      return 0;
    case 'V':
      printf("vl2-switch %s (libvl2 %s)\n", VL2_VERSION, VL2_VERSION);
      return 0;
    default:
      fputs("Try 'vl2-switch --help' for more information.\n", stderr);
      return 2;
    }
  }
  if (optind < argc) {
    fprintf(stderr,
            "vl2-switch: unexpected argument '%s' (use --config FILE)\n"
            "Try 'vl2-switch --help' for more information.\n",
            argv[optind]);
    return 2;
  }
  if (logfile && want_syslog) {
    fputs("vl2-switch: --log-file and --syslog exclude each other\n"
          "Try 'vl2-switch --help' for more information.\n",
          stderr);
    return 2;
  }

  app A;
  app *a = &A;
  memset(a, 0, sizeof *a);
  a->ep = a->sigfd = a->lfd = a->pid_fd = -1;

  char err[768];
  char abspath[PATH_MAX];
  if (config) {
    if (!realpath(config, abspath)) {
      fprintf(stderr, "vl2-switch: %s: cannot open: %s\n", config,
              strerror(errno));
      return 1;
    }
    a->cfg_path = abspath;
  }
  sw_config nc;
  if (sw_config_load(config ? abspath : NULL, &nc, err, sizeof err)) {
    /* name the file the way the user gave it */
    if (config && strncmp(err, abspath, strlen(abspath)) == 0)
      fprintf(stderr, "vl2-switch: %s%s\n", config, err + strlen(abspath));
    else
      fprintf(stderr, "vl2-switch: %s\n", err);
    return 1;
  }
  if (check) {
    printf("%s: configuration OK (%zu ports, %zu segments)\n",
           config ? config : "(built-in)", nc.port_cnt, nc.seg_cnt);
    sw_config_free(&nc);
    return 0;
  }

  /* Paths survive the daemon's chdir("/"). */
  char *ctl_abs = abs_path(control);
  char *pid_abs = pidfile ? abs_path(pidfile) : NULL;
  char *log_abs = logfile ? abs_path(logfile) : NULL;
  if (!ctl_abs || (pidfile && !pid_abs) || (logfile && !log_abs)) {
    fprintf(stderr, "vl2-switch: cannot resolve a relative path: %s\n",
            strerror(errno));
    sw_config_free(&nc);
    goto fail;
  }
  a->ctl_path = ctl_abs;
  if (log_setup(foreground, want_syslog, log_abs)) {
    sw_config_free(&nc);
    goto fail;
  }

  /* Detach before anything that belongs to the process exists: the child
   * makes the epoll set and the signalfd it waits on. */
  int ready_fd = -1;
  if (!foreground) {
    if (daemon_detach(&ready_fd)) {
      sw_config_free(&nc);
      goto fail;
    }
    if (chdir("/"))
      logm(L_WARN, "chdir /: %s", strerror(errno));
  }
  sigset_t ss;
  sigemptyset(&ss);
  sigaddset(&ss, SIGINT);
  sigaddset(&ss, SIGTERM);
  sigaddset(&ss, SIGHUP);
  sigprocmask(SIG_BLOCK, &ss, NULL);
  signal(SIGPIPE, SIG_IGN);

  if (pid_abs && (pidfile_open(a, pid_abs, err, sizeof err) ||
                  pidfile_write(a, err, sizeof err))) {
    fprintf(stderr, "vl2-switch: %s\n", err);
    pidfile_remove(a);
    sw_config_free(&nc);
    goto fail;
  }

  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = nc.max_ports;
  sc.max_segments = nc.max_segments;
  sc.max_remotes = nc.max_remotes;
  sc.max_fdb = nc.max_fdb;
  sc.max_macs_per_port = nc.max_macs_per_port;
  sc.max_macs_per_segment = nc.max_macs_per_segment;
  sc.max_macs_per_remote = nc.max_macs_per_remote;
  a->start_port_limit = nc.max_macs_per_port;
  a->start_seg_limit = nc.max_macs_per_segment;
  sc.ageing_ns = nc.ageing_s * VL2_SEC;
  /* MAC (and IP) move dampening, on by default (RFC 7432 section 15.1). */
  sc.move_threshold = nc.move_threshold;
  sc.move_window_ns = nc.move_window_s * VL2_SEC;
  sc.move_holddown_ns = nc.move_holddown_s * VL2_SEC;
  sc.max_neigh = nc.max_neigh;
  if (getrandom(&sc.hash_seed, sizeof sc.hash_seed, 0) !=
      (ssize_t)sizeof sc.hash_seed)
    sc.hash_seed = (uint64_t)now_ns() ^ (uint64_t)getpid();
  int rv = vl2_switch_new(&a->sw, &sc, NULL);
  if (rv) {
    fprintf(stderr, "vl2-switch: cannot create the switch: %s\n",
            vl2_strerror(rv));
    pidfile_remove(a);
    sw_config_free(&nc);
    goto fail;
  }
  a->nports = nc.max_ports;
  a->ports = xcalloc(a->nports, sizeof *a->ports);
  a->dirty = xcalloc((size_t)a->nports + 1, sizeof *a->dirty);
  a->dests_cap = 1024;
  a->dests = xcalloc(a->dests_cap, sizeof *a->dests);
  a->scratch = xcalloc(1, SLOT);

  a->ep = epoll_create1(EPOLL_CLOEXEC);
  a->sigfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
  if (a->ep < 0 || a->sigfd < 0 || ep_add(a, a->sigfd, K_SIG, 0)) {
    fprintf(stderr, "vl2-switch: epoll/signalfd: %s\n", strerror(errno));
    shutdown_all(a);
    sw_config_free(&nc);
    goto fail;
  }
  if (control_open(a, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: %s\n", err);
    a->lfd = a->lfd >= 0 ? (close(a->lfd), -1) : -1;
    shutdown_all(a);
    sw_config_free(&nc);
    goto fail;
  }
  /* Start-up is a reload against an empty configuration; any error undoes
   * everything (closing the ports removes the TAPs we created). */
  if (apply(a, &nc, err, sizeof err)) {
    fprintf(stderr, "vl2-switch: start-up failed, undoing it: %s\n", err);
    service_notify("STATUS=start-up failed: %s", err);
    sw_config_free(&nc);
    shutdown_all(a);
    goto fail;
  }
  logm(L_INFO, "running%s: %s, control socket %s%s%s",
       foreground ? "" : " in the background",
       a->cfg_path ? a->cfg_path : "built-in configuration", a->ctl_path,
       a->pid_path ? ", pid file " : "", a->pid_path ? a->pid_path : "");
  daemon_ready(ready_fd);
  service_notify("READY=1\nSTATUS=running: %zu port(s), %zu segment(s)",
                 a->cfg.port_cnt, a->cfg.seg_cnt);
  run(a);
  shutdown_all(a);
  logm(L_INFO, "stopped");
  rc = 0;
fail:
  log_close();
  free(ctl_abs);
  free(pid_abs);
  free(log_abs);
  return rc;
}

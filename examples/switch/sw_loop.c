/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's event loop: one thread, one epoll set holding the
 * backends' descriptors, a signalfd (SIGINT/SIGTERM stop, SIGHUP reloads)
 * and the control socket; the core's next deadline is the epoll timeout,
 * and time is CLOCK_MONOTONIC passed in as `now`.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "sw_app.h"

vl2_tstamp now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (vl2_tstamp)ts.tv_sec * VL2_SEC + (vl2_tstamp)ts.tv_nsec;
}

static uint64_t ev_data(int kind, uint32_t idx) {
  return ((uint64_t)kind << 32) | idx;
}

int ep_add(app *a, int fd, int kind, uint32_t idx) {
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = ev_data(kind, idx)};
  return epoll_ctl(a->ep, EPOLL_CTL_ADD, fd, &ev);
}

int ep_mod(app *a, int fd, uint32_t events, int kind, uint32_t idx) {
  struct epoll_event ev = {.events = events, .data.u64 = ev_data(kind, idx)};
  return epoll_ctl(a->ep, EPOLL_CTL_MOD, fd, &ev);
}

void ep_del(app *a, int fd) {
  if (fd >= 0)
    epoll_ctl(a->ep, EPOLL_CTL_DEL, fd, NULL);
}

static void handle_signals(app *a) {
  struct signalfd_siginfo si;
  while (read(a->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
    if (si.ssi_signo == SIGHUP) {
      char e[512];
      log_reopen();
      logm(L_INFO, "SIGHUP: reloading");
      reload(a, e, sizeof e);
    } else {
      logm(L_INFO, "%s (from pid %u): shutting down",
           signal_name((int)si.ssi_signo), si.ssi_pid);
      service_notify("STOPPING=1\nSTATUS=stopping on %s",
                     signal_name((int)si.ssi_signo));
      a->stop = true;
    }
  }
}

void run(app *a) {
  struct epoll_event evs[64];
  while (!a->stop) {
    vl2_tstamp now = now_ns();
    vl2_tstamp dl = vl2_switch_next_deadline(a->sw);
    vl2_tstamp cdl = control_next_deadline(a);
    if (cdl < dl)
      dl = cdl;
    int timeout = -1;
    if (dl != VL2_TSTAMP_NONE) {
      uint64_t ms = dl <= now ? 0 : (dl - now + VL2_MS - 1) / VL2_MS;
      timeout = ms > 60000 ? 60000 : (int)ms;
    }
    int n = epoll_wait(a->ep, evs, 64, timeout);
    if (n < 0 && errno != EINTR) {
      logm(L_ERR, "epoll_wait: %s", strerror(errno));
      return;
    }
    for (int i = 0; i < n; i++) {
      int kind = (int)(evs[i].data.u64 >> 32);
      uint32_t idx = (uint32_t)evs[i].data.u64;
      switch (kind) {
      case K_SIG:
        handle_signals(a);
        break;
      case K_LISTEN:
        accept_clients(a, now_ns());
        break;
      case K_CLIENT:
        if (idx < MAX_CLIENTS && a->clients[idx].fd >= 0)
          client_event(a, &a->clients[idx], evs[i].events, now_ns());
        break;
      case K_PORT:
        if (idx < a->nports && a->ports[idx].be)
          port_rx(a, &a->ports[idx]);
        break;
      case K_UDP:
        if (idx == SW_ENCAP_GENEVE ? a->gnv != NULL : a->udp != NULL)
          udp_rx(a, idx == SW_ENCAP_GENEVE ? SW_ENCAP_GENEVE : SW_ENCAP_VXLAN);
        break;
      case K_EVPN:
        evpn_input(a);
        break;
      default:
        break;
      }
    }
    now = now_ns();
    dl = vl2_switch_next_deadline(a->sw);
    if (dl != VL2_TSTAMP_NONE && dl <= now) {
      vl2_switch_run_timers(a->sw, now);
      drain_tx(a, now);
      flush_all(a);
    }
    drain_events(a);
    control_expire(a, now);
    control_stream(a, now_ns());
  }
}

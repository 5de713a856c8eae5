/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's shared state and the interfaces between its parts. One
 * file per concern, each with one job:
 *
 *   vl2-switch.c    options, start-up, shutdown (main)
 *   sw_daemon.c     daemon mode (detaching), the pid file
 *   sw_loop.c       the epoll loop: descriptors, timers, signals
 *   sw_datapath.c   the forwarding path: receive bursts, the core's
 *                   decision, egress (tag edit, VXLAN, offload), tx queues
 *   sw_events.c     the core's events (FDB learned, moved, aged, ...)
 *   sw_ports.c      TAP and AF_PACKET ports: open, add to the switch, close
 *   sw_overlay.c    segments' remote VTEPs and the VXLAN/UDP underlay
 *   sw_evpn.c       BGP EVPN segments through libvl2-evpn (FRR's zebra)
 *   sw_apply.c      applying a configuration as a difference; reload
 *   sw_views.c      JSON views of the running switch (ports, segments,
 *                   FDB, neighbours, counters)
 *   sw_commands.c   control requests: one line in, one JSON reply out
 *   sw_cmd_tables.c fdb/neigh show filters, flush, neigh add/del, stats
 *                   reset
 *   sw_control.c    the UNIX control socket server and its clients
 *   sw_log.c        logging (stderr or syslog) and allocation failure
 *   sw_config.c     the configuration file, parsed and validated
 *   sw_mcast.c      storm control and IGMP/MLD snooping: applied,
 *                   changed at run time, shown (mdb, storm)
 *   sw_trace.c      trace: a frame through the core's decision, every
 *                   step shown, nothing changed
 *
 * Everything runs on one thread; nothing here is reentrant.
 */
#ifndef VL2SW_APP_H
#define VL2SW_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include <vl2/backend.h>
#include <vl2/fdb.h>
#include <vl2/geneve.h>
#include <vl2/gro.h>
#include <vl2/mdb.h>
#include <vl2/neigh.h>
#include <vl2/switch.h>
#include <vl2/vxlan.h>

#include "sw_config.h"

#define BURST 32
/* Frames per underlay receive: a GRO buffer holds up to 64 datagrams, and
 * coalescing needs a flow's segments in one burst. */
#define UDP_BURST 256
#define HEADROOM 64
#define FRAME_MAX 9216
#define SLOT (HEADROOM + FRAME_MAX + 64)
#define TXQ_CAP 64
/* The control server's bounds (see sw_control.c, vl2ctl(8)). */
#define MAX_CLIENTS 64             /* connections at once */
#define CTL_REQ_MAX 4096           /* a request line, newline included */
#define CTL_REPLY_MAX (16u << 20)  /* one reply */
#define CTL_OUT_BUDGET (64u << 20) /* replies queued for all clients */
#define CTL_IDLE_NS (10 * VL2_SEC) /* no progress this long: closed */
/* A big table view (fdb, neigh, mdb) is streamed: a slice of at most
 * CTL_STREAM_SLICE entries or CTL_STREAM_SLICE_NS per pass of the event
 * loop, the next slice only when less than CTL_STREAM_LOWAT bytes of the
 * client's reply are left unsent, and slices take at most half the
 * loop's time (after a slice of t ns, the next waits t ns): forwarding
 * gets its turn, and the loop keeps sleeping, so the scheduler wakes it
 * at once when a frame comes. */
#define CTL_STREAM_SLICE 256u
#define CTL_STREAM_SLICE_NS (1 * VL2_MS)
#define CTL_STREAM_LOWAT (64u << 10)

/* What an epoll event's data names (kind << 32 | index). */
enum { K_SIG = 1, K_LISTEN, K_CLIENT, K_PORT, K_UDP, K_EVPN };
/* Log levels (--log-level). */
enum { L_ERR, L_WARN, L_INFO, L_DEBUG };

typedef struct txq {
  vl2_backend *be;
  vl2_frame f[TXQ_CAP];
  uint8_t *slots; /* TXQ_CAP * SLOT */
  size_t n;
  bool dirty;
  uint64_t dropped; /* frames the backend did not take */
} txq;

typedef struct port_rt {
  bool used;
  bool in_switch;
  bool created; /* we created the TAP (it goes when we close it) */
  uint32_t id;
  sw_port_cfg cfg; /* own copy (vlans owned) */
  vl2_backend *be;
  txq q;
} port_rt;

typedef struct vtep_rt {
  vl2_ipaddr addr;
  bool from_config;
} vtep_rt;

typedef struct seg_rt {
  uint32_t vni;
  uint8_t encap; /* SW_ENCAP_* */
  vtep_rt *v;
  size_t n, cap;
} seg_rt;

/* A growable text buffer (sw_stream.c); |oom| once an append failed. */
typedef struct sbuf {
  char *p; /* NUL-terminated when not NULL */
  size_t len, cap;
  bool oom;
} sbuf;

/* A table view streamed as JSON text (sw_stream.c): which view, where in
 * its reply, the core's cursor and the filter, all by value (no pointer
 * into the switch's state survives between steps). */
enum { VS_NONE, VS_FDB, VS_NEIGH, VS_MDB };
enum { VS_START, VS_FIRST, VS_SECOND, VS_DONE };
enum { VF_ANY, VF_DYNAMIC, VF_STATIC, VF_ALL };
typedef struct view_filter {
  bool has_vni;
  uint32_t vni;
  char dev[IFNAMSIZ]; /* a port name; "": any */
  bool remote;        /* only remote entries */
  int state;          /* VF_* */
} view_filter;
typedef struct view_stream {
  int kind;       /* VS_*; VS_NONE: no view in progress */
  int phase;      /* VS_START, in the first / second array, VS_DONE */
  uint64_t cur;   /* the core's cursor (vl2_fdb_next() and friends) */
  uint64_t count; /* entries in the array being written */
  uint64_t total; /* entries written */
  view_filter f;
} view_stream;

/* A control connection: reads one request, then writes its reply (or
 * streams, for a monitor) without ever blocking the loop. */
enum { CL_FREE, CL_READ, CL_WRITE, CL_MONITOR };
#define CTL_MONITOR_BUF (1u << 20) /* a monitor's unread events */
typedef struct client {
  int fd;              /* -1 when free */
  int state;           /* CL_* */
  uint32_t ev;         /* epoll events registered */
  vl2_tstamp since;    /* connected at */
  vl2_tstamp deadline; /* closed unless it makes progress before */
  size_t len;          /* request bytes in |in| */
  char in[CTL_REQ_MAX];
  char *out; /* reply, malloc'd (a monitor: CTL_MONITOR_BUF) */
  size_t out_len, out_off, out_cap;
  view_stream vs;       /* a streamed view in progress (vs.kind) */
  uint64_t reply_bytes; /* of the reply produced so far */
  bool mon_json;        /* monitor: JSON lines, else text */
  uint64_t mon_lost;    /* monitor: events dropped for a full buffer */
} client;

typedef struct app {
  sw_config cfg;
  const char *cfg_path; /* absolute, NULL: built-in */
  vl2_switch *sw;
  port_rt *ports;
  uint32_t nports; /* = cfg.max_ports at creation */
  seg_rt *segs;
  size_t nsegs;
  vl2_backend *udp;      /* VXLAN underlay socket, or NULL */
  struct vl2_evpn *evpn; /* the EVPN adapter, when a segment has evpn */
  txq uq;
  vl2_gro *gro; /* inner TCP coalescing of underlay bursts, or NULL */
  vl2_vxlan_config vx;
  vl2_backend *gnv; /* Geneve underlay socket, or NULL */
  txq gq;
  vl2_geneve_config gcfg;
  size_t n_geneve_segs; /* segments with encap = "geneve" */
  /* The tunnel ingress: packets per encapsulation, and every tunnel drop
   * by reason (VL2_VXLAN_R_*: decapsulation refusals, not_member and
   * unknown_vni from the switch's verdicts, wrong_port for a packet of
   * the other encapsulation, too_big for copies over the underlay MTU). */
  uint64_t tun_rx[2];
  uint64_t tun_drops[VL2_VXLAN_R_MAX];
  /* MACs refused per VL2_LIMIT_* (events), and move-dampening freezes. */
#define SW_LIMIT_KINDS 8
  uint64_t limit_events[SW_LIMIT_KINDS];
  uint64_t frozen_events;
  int ep, sigfd, lfd;
  const char *ctl_path;
  const char *pid_path;    /* --pidfile, or NULL */
  int pid_fd;              /* open and locked while we run, or -1 */
  client *clients;         /* MAX_CLIENTS, or NULL before control_open() */
  size_t out_queued;       /* reply bytes not yet written, all clients */
  size_t stream_rr;        /* the client the next slice is for, or after */
  vl2_tstamp stream_next;  /* no slice before (half the loop's time) */
  sbuf stream_buf;         /* a slice's text */
  json_object *stats_base; /* counters at the last stats reset, or NULL */
  /* the switch's max_macs_per_port/segment (its defaults) at start-up */
  uint32_t start_port_limit, start_seg_limit;
  /* a streamed view's limit in bytes; 0: CTL_REPLY_MAX (tests lower it) */
  size_t ctl_reply_max;
  /* the control server: connections accepted, refused (table full of
   * replies in progress, or output budget spent), idle ones closed to
   * make room, closed for no progress, requests too long, replies too
   * large */
  uint64_t ctl_accepted, ctl_refused, ctl_evicted, ctl_timeouts,
      ctl_req_too_long, ctl_reply_too_large;
  vl2_dest *dests;
  size_t dests_cap;
  txq **dirty;
  size_t ndirty;
  uint8_t *scratch; /* SLOT bytes for poll_tx */
  bool stop;
  uint64_t decap_errors, encap_errors, no_underlay, tx_dropped;
  /* frames carrying a virtio-net header finished here for destinations
   * without offload: checksums completed, super-frames segmented, and
   * frames that could not be finished */
  uint64_t off_csum, off_segmented, off_errors;
  uint64_t reloads, reload_failures;
} app;

/* sw_log.c */
/* The control socket when none is given (vl2ctl has the same); its
 * directory is made when missing (systemd's RuntimeDirectory= makes it for
 * the service's user). */
#define SW_DEFAULT_SOCKET "/run/vl2-switch/vl2-switch.sock"
/* Daemon mode's log when nothing listens on /dev/log. */
#define SW_FALLBACK_LOG "/var/log/vl2-switch.log"
enum { LOG_TO_STDERR, LOG_TO_SYSLOG, LOG_TO_FILE };
extern int log_level; /* L_ERR .. L_DEBUG */
__attribute__((format(printf, 2, 3))) void logm(int lvl, const char *fmt, ...);
/* Send the log to |target| (LOG_TO_*; |path| for LOG_TO_FILE, appended
 * to). -1 with |err| when the file cannot be opened (the log stays where
 * it was). */
int log_to(int target, const char *path, char *err, size_t errlen);
/* Whether a syslog daemon listens on /dev/log. */
bool log_syslog_available(void);
/* Re-open the log file (after logrotate moved it); SIGHUP does this. */
void log_reopen(void);
void log_close(void);               /* back to stderr */
int log_parse_level(const char *s); /* L_*, or -1 */
const char *signal_name(int sig);   /* "SIGTERM"; static buffer */
/* calloc() that logs and exits on failure (n == 0 allocates one). */
void *xcalloc(size_t n, size_t sz);

/* sw_daemon.c */
/* Tell the service manager (NOTIFY_SOCKET, see sd_notify(3)) a state
 * change: "READY=1", "RELOADING=1", "STOPPING=1", "STATUS=...". Nothing
 * when not run by one, or built without libsystemd. */
__attribute__((format(printf, 1, 2))) void service_notify(const char *fmt, ...);
/* Daemon mode: fork; the parent waits for daemon_ready() (exit 0) or the
 * child's exit (its status) and never returns; the child, in a new
 * session, returns 0 with the pipe's write end in |ready_fd|. -1 (the
 * error on stderr) when it cannot fork. */
int daemon_detach(int *ready_fd);
/* Start-up is complete: stdin/stdout/stderr to /dev/null, release the
 * parent. |ready_fd| < 0: nothing. */
void daemon_ready(int ready_fd);
char *abs_path(const char *path); /* malloc'd; NULL: out of memory */
/* Open and lock the pid file (a running vl2-switch holding it is an
 * error); pidfile_write() puts our pid in; pidfile_remove() at exit. */
int pidfile_open(app *a, const char *path, char *err, size_t errlen);
int pidfile_write(app *a, char *err, size_t errlen);
void pidfile_remove(app *a);

/* sw_loop.c */
vl2_tstamp now_ns(void); /* CLOCK_MONOTONIC, ns */
int ep_add(app *a, int fd, int kind, uint32_t idx);
/* Change the events (EPOLLIN/EPOLLOUT) watched on |fd|. */
int ep_mod(app *a, int fd, uint32_t events, int kind, uint32_t idx);
void ep_del(app *a, int fd); /* fd < 0: nothing */
void run(app *a);            /* until a->stop */

/* sw_datapath.c */
void txq_init(txq *q, vl2_backend *be);
void txq_fini(txq *q);
void flush_all(app *a);
void drain_tx(app *a, vl2_tstamp now); /* frames the core originates */
void port_rx(app *a, port_rt *p);
void udp_rx(app *a, uint8_t encap); /* SW_ENCAP_*: which socket */
/* A segment's encapsulation (SW_ENCAP_VXLAN for an unknown one). */
uint8_t seg_encap(app *a, uint32_t vni);

/* sw_events.c */
void drain_events(app *a);
const char *event_name(unsigned type); /* "fdb-learned"; NULL: unknown */
/* One line describing |ev| in words ("fdb-moved: MAC vni N from port A to
 * port B"). */
void event_format(app *a, const vl2_event *ev, char *buf, size_t len);
/* The event as a JSON object (new; the caller puts it). */
json_object *event_json(app *a, const vl2_event *ev);

/* sw_ports.c */
void port_cfg_copy(sw_port_cfg *dst, const sw_port_cfg *src);
int port_switch_add(app *a, port_rt *p, const sw_config *c, char *err,
                    size_t errlen);
int port_open(app *a, const sw_port_cfg *pc, const sw_config *c, char *err,
              size_t errlen);
void port_close(app *a, port_rt *p);
port_rt *port_by_name(app *a, const char *name);

/* sw_overlay.c */
seg_rt *seg_find(app *a, uint32_t vni);
vtep_rt *vtep_find(seg_rt *s, const vl2_ipaddr *ip);
int vtep_add(app *a, seg_rt *s, const vl2_ipaddr *ip, bool from_cfg, char *err,
             size_t errlen);
int vtep_del(app *a, seg_rt *s, const vl2_ipaddr *ip);
void seg_forget(app *a, uint32_t vni);
int underlay_open(app *a, const sw_config *c, char *err, size_t errlen);
void underlay_close(app *a);
bool underlay_same(const sw_config *x, const sw_config *y);

/* sw_evpn.c */
int evpn_seg_add(app *a, const sw_config *c, uint32_t vni, char *err,
                 size_t errlen);
void evpn_seg_del(app *a, uint32_t vni);
void evpn_close(app *a);
void evpn_input(app *a);
void evpn_event(app *a, const vl2_event *ev);
json_object *evpn_stats_json(app *a); /* NULL without EVPN */

/* sw_apply.c */
int fdb_apply(app *a, const sw_fdb_cfg *f, char *err, size_t errlen);
int apply(app *a, sw_config *nc, char *err, size_t errlen);
int reload(app *a, char *err, size_t errlen);
/* The max_macs for the core of a port / segment with own limit |own|
 * (0: the 'limits' default of |c|), see sw_apply.c. */
uint32_t port_limit(const app *a, uint32_t own, const sw_config *c);
uint32_t seg_limit(const app *a, uint32_t own, const sw_config *c);

/* sw_views.c: each returns a new JSON object the caller puts */
json_object *jstr(const char *s);
json_object *ju64(uint64_t v);
#define JADD(o, k, v) json_object_object_add((o), (k), (v))
const char *port_name(app *a, uint32_t id);
json_object *cmd_ports(app *a);
json_object *cmd_segments(app *a);
/* One table entry as the fdb / neigh views show it (new object). */
json_object *fdb_entry_json(app *a, const vl2_fdb_entry *e, vl2_tstamp now);
json_object *neigh_entry_json(app *a, const vl2_neigh_entry *e, vl2_tstamp now);
json_object *cmd_stats(app *a);

/* sw_mcast.c */
/* Apply storm control and snooping of |c| to the running switch (every
 * port and segment); returns the number of errors (the first in |err|). */
int mcast_apply(app *a, const sw_config *c, char *err, size_t errlen);
/* One MDB row as the mdb view shows it, and the view's "segments". */
json_object *mdb_entry_json(app *a, const vl2_mdb_entry *e, vl2_tstamp now);
json_object *mdb_segments_json(app *a);
json_object *cmd_storm(app *a);
json_object *mdb_stats_json(app *a);
json_object *cmd_storm_set(app *a, char **w, int n);
json_object *cmd_storm_recover(app *a, char **w, int n);
json_object *cmd_mdb_set(app *a, char **w, int n);

/* sw_cmd_tables.c: fdb show/flush, neigh show/add/del/flush, stats reset
 * for the words |w|[0..n); NULL when |w| is none of them, or when it is a
 * show: then |vs| is set up to stream it (vs->kind != VS_NONE). */
json_object *cmd_tables(app *a, char **w, int n, view_stream *vs);
/* Subtract the 'stats reset' baseline from the counters in a stats, ports
 * or segments view |o| (in place). */
void stats_rebase(app *a, json_object *o);

/* sw_trace.c: trace in PORT hex HEX | trace remote IP vni N hex HEX for
 * the words |w|[0..n) (|w|[0] is "trace"). */
json_object *cmd_trace(app *a, char **w, int n);

/* sw_stream.c */
void sbuf_put(sbuf *b, const char *s, size_t n);
void sbuf_free(sbuf *b);
/* Append the next part of |vs|'s view to |b|: at most |max| table entries
 * visited, and none started at or after |until| (CLOCK_MONOTONIC ns; 0: no
 * time limit) but at least 15 (the first step also writes the opening,
 * the last the closing). 1: more to come; 0: the view is complete; -1: out
 * of memory. */
int view_stream_step(app *a, view_stream *vs, unsigned max, vl2_tstamp until,
                     sbuf *b);
/* End |vs|'s view early: append what closes the text sent so far
 * (|started|: some was) into a JSON object with "error": |msg|. */
void view_stream_truncate(view_stream *vs, sbuf *b, bool started,
                          const char *msg);

/* sw_commands.c: |line| (NUL-terminated, modified) to a new JSON reply;
 * NULL when it is a table view to stream, set up in |vs|. */
json_object *handle_request(app *a, char *line, view_stream *vs);
/* The same, the whole reply at once (a streamed view is run to its end
 * and parsed): for the fuzz harness and the tests. */
json_object *handle_cmd(app *a, char *line);
/* {"error": message}: the switch refused or failed; jusage() adds
 * "usage": true, a malformed request (vl2ctl exits 2). */
__attribute__((format(printf, 1, 2))) json_object *jerr(const char *fmt, ...);
__attribute__((format(printf, 1, 2))) json_object *jusage(const char *fmt, ...);

/* sw_control.c */
int control_open(app *a, char *err, size_t errlen);
/* Whether a streamed view waits for its next slice (control_next_deadline()
 * then says when it is due); control_stream() writes one slice, round
 * robin, when it is. */
bool control_streaming(const app *a);
void control_stream(app *a, vl2_tstamp now);
void control_close(app *a);
void accept_clients(app *a, vl2_tstamp now);
/* |events|: from epoll (EPOLLIN, EPOLLOUT, EPOLLHUP, EPOLLERR). */
void client_event(app *a, client *c, uint32_t events, vl2_tstamp now);
/* The earliest client deadline (VL2_TSTAMP_NONE: none); clients past
 * theirs are closed by control_expire(). */
vl2_tstamp control_next_deadline(const app *a);
void control_expire(app *a, vl2_tstamp now);
/* Whether a monitor is connected; give each one the event |text| (one
 * line) or |json|, by its format. */
bool control_monitoring(const app *a);
void control_monitor_event(app *a, const char *text, const char *json);

#endif

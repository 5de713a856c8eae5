/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * The streamed table views (sw_stream.c) against the one-shot views they
 * replaced: on a quiet table, every fdb / neigh show request (with its
 * filters) streamed in slices of a few entries must be byte for byte what
 * the old code printed (the whole table as one json-c object, filtered,
 * printed plain); the mdb view must be the same object. Then the hostile
 * cases: the table flushed and a port removed between two slices (the
 * stream ends with valid JSON and shows nothing of the removed port), an
 * early end (truncation) is valid JSON with an error, and handle_cmd()
 * (the fuzz harness's one-shot path) parses what it streams. And the
 * control server itself over a socketpair: a view read whole is the
 * one-shot reply plus a newline; over the byte limit it ends in an error;
 * a client that does not read holds a bounded buffer, and its hang-up
 * mid-view frees everything. No root, no devices: a core switch and the
 * daemon's state without backends.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vl2/fdb.h>
#include <vl2/neigh.h>
#include <vl2/switch.h>

#include "sw_app.h"

static int failures;
#define CHECK(c, ...)                                                          \
  do {                                                                         \
    if (!(c)) {                                                                \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #c);             \
      fprintf(stderr, __VA_ARGS__);                                            \
      fputc('\n', stderr);                                                     \
      failures++;                                                              \
    }                                                                          \
  } while (0)

static app A;
static uint32_t VNI, VLAN;

static void setup(void) {
  char err[512];
  memset(&A, 0, sizeof A);
  A.ep = A.sigfd = A.lfd = A.pid_fd = -1;
  log_level = L_ERR - 1;
  if (sw_config_load(NULL, &A.cfg, err, sizeof err) || A.cfg.seg_cnt < 1) {
    fprintf(stderr, "built-in config: %s\n", err);
    exit(1);
  }
  VNI = A.cfg.segs[0].vni;
  VLAN = A.cfg.segs[0].vlan;
  vl2_switch_config sc;
  vl2_switch_config_default(&sc);
  sc.max_ports = 4;
  sc.max_fdb = 8192;
  sc.max_neigh = 1024;
  if (vl2_switch_new(&A.sw, &sc, NULL))
    exit(1);
  A.nports = 4;
  A.ports = xcalloc(A.nports, sizeof *A.ports);
  for (size_t i = 0; i < A.cfg.seg_cnt; i++) {
    vl2_segment_config seg = {.flags = A.cfg.segs[i].flags};
    if (vl2_switch_segment_add(A.sw, A.cfg.segs[i].vni, &seg))
      exit(1);
  }
  for (uint32_t p = 0; p < 2; p++) {
    vl2_port_config pc;
    vl2_port_config_default(&pc, VL2_PORT_ACCESS);
    pc.pvid = VLAN;
    if (vl2_switch_port_add(A.sw, p, &pc) ||
        vl2_switch_port_vlan_add(A.sw, p, VLAN, VNI))
      exit(1);
    A.ports[p].used = A.ports[p].in_switch = true;
    A.ports[p].id = p;
    snprintf(A.ports[p].cfg.name, sizeof A.ports[p].cfg.name, "p%u", p);
  }
  /* 3,000 static MACs on two ports, 200 on a remote VTEP, 300 static
   * neighbours (half on a port) */
  for (uint32_t i = 0; i < 3200; i++) {
    vl2_fdb_entry e;
    memset(&e, 0, sizeof e);
    e.vni = VNI;
    e.mac.b[0] = 0x02;
    e.mac.b[3] = (uint8_t)(i >> 8);
    e.mac.b[4] = (uint8_t)i;
    e.mac.b[5] = 1;
    if (i < 3000) {
      e.port = i % 3 ? 1 : 0;
    } else {
      e.flags = VL2_FDB_F_REMOTE;
      e.port = VL2_PORT_REMOTE;
      sw_parse_ip("192.0.2.7", &e.remote);
    }
    int rv = vl2_fdb_add_static(A.sw, &e);
    CHECK(rv == 0, "fdb add %u: %s", i, vl2_strerror(rv));
  }
  for (uint32_t i = 0; i < 300; i++) {
    vl2_neigh_entry e;
    memset(&e, 0, sizeof e);
    char ip[32];
    snprintf(ip, sizeof ip, "10.0.%u.%u", i / 200, i % 200 + 1);
    sw_parse_ip(ip, &e.ip);
    e.vni = VNI;
    e.mac.b[0] = 0x02;
    e.mac.b[1] = 1;
    e.mac.b[5] = (uint8_t)i;
    e.port = i % 2 ? 0 : VL2_NEIGH_PORT_ANY;
    int rv = vl2_neigh_add_static(A.sw, &e);
    CHECK(rv == 0, "neigh add %u: %s", i, vl2_strerror(rv));
  }
}

/* ------------------------------------------------------------------
 * The one-shot view as the daemon built it before streaming: the whole
 * table as one object, then filter_array() (copied unchanged), printed
 * plain. */
typedef struct oldfilt {
  bool has_vni;
  uint32_t vni;
  const port_rt *dev;
  bool remote;
  int state;
} oldfilt;

static void filter_array(json_object *o, const char *key, const oldfilt *f) {
  json_object *arr;
  if (!json_object_object_get_ex(o, key, &arr))
    return;
  json_object *keep = json_object_new_array();
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i), *v;
    if (f->has_vni && json_object_object_get_ex(e, "vni", &v) &&
        (uint32_t)json_object_get_int64(v) != f->vni)
      continue;
    const char *dev = json_object_object_get_ex(e, "dev", &v)
                          ? json_object_get_string(v)
                          : NULL;
    bool remote = json_object_object_get_ex(e, "remote", &v) ||
                  (dev && strcmp(dev, "remote") == 0);
    if (f->dev && (!dev || strcmp(dev, f->dev->cfg.name) != 0))
      continue;
    if (f->remote && !remote)
      continue;
    bool st = false;
    if (json_object_object_get_ex(e, "static", &v))
      st = json_object_get_boolean(v);
    else if (json_object_object_get_ex(e, "state", &v))
      st = strcmp(json_object_get_string(v), "static") == 0;
    if ((f->state == VF_DYNAMIC && st) || (f->state == VF_STATIC && !st))
      continue;
    json_object_array_add(keep, json_object_get(e));
  }
  json_object_object_add(o, key, keep);
}

static char *oneshot(int kind, const view_filter *vf) {
  vl2_tstamp now = now_ns();
  json_object *arr = json_object_new_array(), *rtr = NULL;
  uint64_t cur = 0;
  if (kind == VS_FDB) {
    vl2_fdb_entry e;
    while (vl2_fdb_next(A.sw, &cur, &e, now) == 1)
      json_object_array_add(arr, fdb_entry_json(&A, &e, now));
  } else if (kind == VS_NEIGH) {
    vl2_neigh_entry e;
    while (vl2_neigh_next(A.sw, &cur, &e, now) == 1)
      json_object_array_add(arr, neigh_entry_json(&A, &e, now));
  } else {
    rtr = json_object_new_array();
    vl2_mdb_entry e;
    while (vl2_mdb_next(A.sw, &cur, &e, now) == 1)
      json_object_array_add(e.flags & VL2_MDB_E_ROUTER ? rtr : arr,
                            mdb_entry_json(&A, &e, now));
  }
  json_object *o = json_object_new_object();
  const char *key = kind == VS_FDB ? "fdb" : kind == VS_NEIGH ? "neigh" : "mdb";
  JADD(o, key, arr);
  if (kind == VS_MDB) {
    JADD(o, "router", rtr);
    JADD(o, "segments", mdb_segments_json(&A));
  } else {
    oldfilt f = {.has_vni = vf->has_vni,
                 .vni = vf->vni,
                 .dev = vf->dev[0] ? port_by_name(&A, vf->dev) : NULL,
                 .remote = vf->remote,
                 .state = vf->state};
    filter_array(o, key, &f);
  }
  char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
  json_object_put(o);
  return s;
}

/* The request streamed in slices of |slice| entries. */
static char *streamed(const char *req, unsigned slice, view_stream *vs) {
  char line[256];
  snprintf(line, sizeof line, "%s", req);
  json_object *r = handle_request(&A, line, vs);
  if (r) {
    fprintf(stderr, "%s: not streamed: %s\n", req,
            json_object_to_json_string(r));
    json_object_put(r);
    return NULL;
  }
  sbuf b = {0};
  int more, steps = 0;
  while ((more = view_stream_step(&A, vs, slice, 0, &b)) > 0)
    steps++;
  CHECK(more == 0, "%s: step failed", req);
  CHECK(steps > 0 || slice > 4000 || vs->kind == VS_MDB,
        "%s: one step for a big table", req);
  return b.p;
}

static int count(const char *s, const char *key) {
  json_object *o = json_tokener_parse(s), *arr;
  int n = -1;
  if (o && json_object_object_get_ex(o, key, &arr))
    n = (int)json_object_array_length(arr);
  json_object_put(o);
  return n;
}

static void same_as_oneshot(void) {
  char vreq[64];
  snprintf(vreq, sizeof vreq, "fdb show vni %u", VNI);
  char vnreq[64];
  snprintf(vnreq, sizeof vnreq, "neigh show vni %u static", VNI);
  const struct {
    const char *req;
    int expect; /* entries, -1: not checked */
  } t[] = {
      {"fdb", 3200},
      {"fdb show", 3200},
      {vreq, 3200},
      {"fdb show vni 4242", 0},
      {"fdb show dev p1", 2000},
      {"fdb show dev p0 static", 1000},
      {"fdb show dynamic", 0},
      {"fdb show remote", 200},
      {"fdb show dev remote all", 200},
      {"neigh", 300},
      {"neigh show dev p0", 150},
      {vnreq, 300},
      {"neigh show dynamic", 0},
      {"mdb", 0},
  };
  static const unsigned slices[] = {1, 7, 256, 100000};
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
      view_stream vs;
      char *s = streamed(t[i].req, slices[k], &vs);
      CHECK(s != NULL, "%s", t[i].req);
      if (!s)
        continue;
      char *o = oneshot(vs.kind, &vs.f);
      CHECK(strcmp(s, o) == 0,
            "%s (slices of %u): streamed %zu bytes != "
            "one-shot %zu bytes\n  streamed %.160s\n  one-shot %.160s",
            t[i].req, slices[k], strlen(s), strlen(o), s, o);
      const char *key = vs.kind == VS_FDB     ? "fdb"
                        : vs.kind == VS_NEIGH ? "neigh"
                                              : "mdb";
      CHECK(count(s, key) == t[i].expect, "%s: %d entries, expected %d",
            t[i].req, count(s, key), t[i].expect);
      free(s);
      free(o);
    }
  }
  printf("ok: %zu views x %zu slice sizes byte-identical to the one-shot\n",
         sizeof t / sizeof t[0], sizeof slices / sizeof slices[0]);
}

/* ------------------------------------------------------------------
 * The control server over a socketpair: |req| sent, the loop's part
 * (control_stream(), EPOLLOUT) run until the server closes, while the
 * peer reads (or, |read_max| bytes in, stops reading). */
static client *ctl_client(int *peer, const char *req) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv))
    exit(1);
  int sz = 16384; /* a small socket buffer: the server's own must bound */
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
  client *c = &A.clients[0];
  c->fd = sv[0];
  c->state = CL_READ;
  c->len = 0;
  c->ev = EPOLLIN;
  c->since = now_ns();
  c->deadline = c->since + CTL_IDLE_NS;
  if (ep_add(&A, c->fd, K_CLIENT, 0))
    exit(1);
  if (write(sv[1], req, strlen(req)) != (ssize_t)strlen(req))
    exit(1);
  client_event(&A, c, EPOLLIN, now_ns());
  *peer = sv[1];
  return c;
}

/* Run the server's side for |passes| passes (0: until it closes), the
 * peer reading when |b| is given. */
static void ctl_run(client *c, int peer, sbuf *b, int passes) {
  char tmp[65536];
  for (int i = 0; passes == 0 || i < passes; i++) {
    control_stream(&A, now_ns());
    if (c->fd >= 0 && c->out_off < c->out_len)
      client_event(&A, c, EPOLLOUT, now_ns());
    if (!b) {
      if (c->fd < 0)
        return;
      continue;
    }
    ssize_t k = read(peer, tmp, sizeof tmp);
    if (k > 0)
      sbuf_put(b, tmp, (size_t)k);
    else if (k == 0)
      return; /* the server closed: the reply is complete */
    else if (errno != EAGAIN)
      return;
  }
}

static void control_server(void) {
  A.ep = epoll_create1(EPOLL_CLOEXEC);
  A.clients = xcalloc(MAX_CLIENTS, sizeof *A.clients);
  for (size_t i = 0; i < MAX_CLIENTS; i++)
    A.clients[i].fd = -1;

  /* read whole: the one-shot reply and a newline, nothing left queued */
  int peer;
  client *c = ctl_client(&peer, "fdb show all\n");
  CHECK(c->state == CL_WRITE && c->vs.kind == VS_FDB, "not streaming");
  sbuf b = {0};
  ctl_run(c, peer, &b, 0);
  view_filter all = {.state = VF_ALL};
  char *o = oneshot(VS_FDB, &all);
  CHECK(b.p && b.len == strlen(o) + 1 && b.p[b.len - 1] == '\n' &&
            memcmp(b.p, o, b.len - 1) == 0,
        "server reply (%zu bytes) != one-shot (%zu bytes)", b.len, strlen(o));
  CHECK(c->fd < 0 && A.out_queued == 0, "left open or queued: %zu",
        A.out_queued);
  close(peer);
  free(o);
  sbuf_free(&b);

  /* over the byte limit: the entries so far, then an error, one object */
  A.ctl_reply_max = 50000;
  uint64_t big = A.ctl_reply_too_large;
  c = ctl_client(&peer, "fdb\n");
  ctl_run(c, peer, &b, 0);
  json_object *r = b.p ? json_tokener_parse(b.p) : NULL, *v = NULL, *arr = NULL;
  CHECK(r && json_object_object_get_ex(r, "error", &v) &&
            strstr(json_object_get_string(v), "over the limit of 50000") &&
            json_object_object_get_ex(r, "fdb", &arr) &&
            json_object_array_length(arr) > 100,
        "over the limit: %.300s", b.p ? b.p : "");
  char said[64];
  snprintf(said, sizeof said, "stopped after %zu entries",
           arr ? json_object_array_length(arr) : 0);
  CHECK(r && strstr(json_object_get_string(v), said), "error says: %s",
        r ? json_object_get_string(v) : "");
  CHECK(b.len <= 50000 && A.ctl_reply_too_large == big + 1,
        "%zu bytes over a limit of 50000", b.len);
  printf("ok: over the limit: %zu bytes, %zu entries, then \"%s\"\n", b.len,
         arr ? json_object_array_length(arr) : 0,
         r ? json_object_get_string(v) : "");
  json_object_put(r);
  close(peer);
  sbuf_free(&b);
  A.ctl_reply_max = 0;

  /* never read: the server's buffer stays bounded however long it runs;
   * the hang-up mid-view frees it all */
  c = ctl_client(&peer, "fdb\n");
  for (int i = 0; i < 1500; i++) { /* >= 0.3 s of the loop */
    ctl_run(c, peer, NULL, 1);
    usleep(200);
  }
  size_t held = c->out_len - c->out_off;
  CHECK(c->fd >= 0 && c->vs.kind == VS_FDB && c->reply_bytes < 200000,
        "ended without a reader (%llu bytes made)",
        (unsigned long long)c->reply_bytes);
  CHECK(held < CTL_STREAM_LOWAT + CTL_STREAM_SLICE * 512 &&
            A.out_queued == held,
        "a silent client holds %zu bytes (%zu queued)", held, A.out_queued);
  close(peer);
  client_event(&A, c, EPOLLOUT | EPOLLHUP, now_ns());
  for (int i = 0; i < 1000 && c->fd >= 0; i++) {
    ctl_run(c, -1, NULL, 1);
    usleep(1000);
  }
  CHECK(c->fd < 0 && c->vs.kind == VS_NONE && c->out == NULL &&
            A.out_queued == 0,
        "after the hang-up: fd %d, view %d, %zu queued", c->fd, c->vs.kind,
        A.out_queued);
  printf("ok: control server: whole reply = one-shot + newline; a silent "
         "client held %zu bytes; its hang-up freed them\n",
         held);
  control_close(&A);
  close(A.ep);
}

/* The table flushed and a port removed (as a reload does) between two
 * slices: the stream goes on from its cursor, ends in valid JSON, and
 * shows nothing of the port that went. */
static void changes_between_slices(void) {
  char line[] = "fdb show all";
  view_stream vs;
  CHECK(handle_request(&A, line, &vs) == NULL && vs.kind == VS_FDB, "start");
  sbuf b = {0};
  CHECK(view_stream_step(&A, &vs, 100, 0, &b) == 1, "first slice");
  size_t first = b.len;
  vl2_ssize k = vl2_fdb_flush_port(A.sw, 1, VL2_FDB_FLUSH_ALL);
  CHECK(k > 1000, "flush port 1: %lld", (long long)k);
  CHECK(vl2_switch_port_del(A.sw, 1) == 0, "port del");
  memset(&A.ports[1], 0, sizeof A.ports[1]);
  /* the port's slot reused by another name, as a reload may */
  A.ports[1].used = true;
  A.ports[1].id = 1;
  snprintf(A.ports[1].cfg.name, sizeof A.ports[1].cfg.name, "other");
  int more;
  while ((more = view_stream_step(&A, &vs, 100, 0, &b)) > 0)
    ;
  CHECK(more == 0, "stream ended");
  json_object *o = b.p ? json_tokener_parse(b.p) : NULL, *arr = NULL;
  CHECK(o && json_object_object_get_ex(o, "fdb", &arr), "not JSON: %.200s",
        b.p ? b.p : "");
  size_t n = arr ? json_object_array_length(arr) : 0;
  CHECK(n >= 1200 && n <= 1200 + 100, "%zu entries after the flush", n);
  CHECK(strstr(b.p + first, "\"dev\":\"p1\"") == NULL &&
            strstr(b.p, "\"other\"") == NULL,
        "entries of the removed port after the change");
  json_object_put(o);
  sbuf_free(&b);
  printf("ok: flush and port removal between slices: %zu entries, valid\n", n);
}

/* Ended early: the text sent so far closed into one object with an
 * error (what the control server does at CTL_REPLY_MAX). */
static void truncation(void) {
  for (int started = 0; started < 2; started++) {
    char line[] = "neigh";
    view_stream vs;
    CHECK(handle_request(&A, line, &vs) == NULL, "start");
    sbuf b = {0};
    if (started)
      CHECK(view_stream_step(&A, &vs, 10, 0, &b) == 1, "first slice");
    view_stream_truncate(&vs, &b, started, "reply over the limit");
    json_object *o = json_tokener_parse(b.p), *v;
    CHECK(o && json_object_object_get_ex(o, "error", &v) &&
              strcmp(json_object_get_string(v), "reply over the limit") == 0,
          "truncated: %s", b.p);
    CHECK(!started || count(b.p, "neigh") == 10, "truncated after 10: %s", b.p);
    CHECK(view_stream_step(&A, &vs, 10, 0, &b) <= 0, "a truncated view ended");
    json_object_put(o);
    sbuf_free(&b);
  }
  printf("ok: truncation is one JSON object with an error\n");
}

/* A slice past its time ends after 15 entries, whatever |max| says. */
static void time_limit(void) {
  char line[] = "fdb";
  view_stream vs;
  CHECK(handle_request(&A, line, &vs) == NULL, "start");
  sbuf b = {0};
  CHECK(view_stream_step(&A, &vs, 256, 1, &b) == 1 && vs.total == 15,
        "a late slice wrote %llu entries", (unsigned long long)vs.total);
  sbuf_free(&b);
  printf("ok: a slice past its time stops after 15 entries\n");
}

/* The one-shot path (fuzz harness, tests) and bad filters. */
static void oneshot_path(void) {
  char l1[] = "neigh show dev p0";
  json_object *r = handle_cmd(&A, l1), *arr;
  CHECK(r && json_object_object_get_ex(r, "neigh", &arr) &&
            json_object_array_length(arr) == 150,
        "handle_cmd neigh show dev p0");
  json_object_put(r);
  char l2[] = "fdb show dev nosuch";
  r = handle_cmd(&A, l2);
  CHECK(r && json_object_object_get_ex(r, "error", &arr), "bad dev: %s",
        r ? json_object_to_json_string(r) : "NULL");
  json_object_put(r);
  printf("ok: handle_cmd parses the streamed views; bad filters refused\n");
}

int main(void) {
  setup();
  same_as_oneshot();
  oneshot_path();
  time_limit();
  control_server();
  truncation();
  changes_between_slices();
  vl2_switch_del(A.sw);
  for (uint32_t i = 0; i < A.nports; i++)
    free(A.ports[i].cfg.vlans);
  free(A.ports);
  sw_config_free(&A.cfg);
  if (failures)
    fprintf(stderr, "%d failure(s)\n", failures);
  return failures ? 1 : 0;
}

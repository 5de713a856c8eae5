/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2-switch's big table views (fdb show, neigh show, mdb) as JSON text
 * produced a slice at a time. A table may hold hundreds of thousands of
 * entries, and the control server runs on the forwarding thread: building
 * the whole reply at once would hold the data path for as long as that
 * takes. Instead a view_stream keeps the core's cursor (a plain integer,
 * see vl2_fdb_next()) and the filter by value, and each step walks at most
 * a given number of entries and appends their JSON. Between steps the
 * switch forwards, learns, ages and may be reloaded: nothing here keeps a
 * pointer across steps (port names are looked up for every entry), so a
 * step never reads freed state; an entry that changes meanwhile may be
 * shown twice or not at all, like a netlink dump.
 *
 * The text is byte for byte what json-c prints for the whole object with
 * JSON_C_TO_STRING_PLAIN (each entry is built and printed by json-c, the
 * brackets and commas between are json-c's own plain ones).
 */
#include <stdlib.h>
#include <string.h>

#include <vl2/fdb.h>
#include <vl2/mdb.h>
#include <vl2/neigh.h>

#include "sw_app.h"

void sbuf_put(sbuf *b, const char *s, size_t n) {
  if (b->oom)
    return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) {
      b->oom = true;
      return;
    }
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = 0;
}

static void sbuf_puts(sbuf *b, const char *s) { sbuf_put(b, s, strlen(s)); }

/* |o| printed plain, then put. */
static void sbuf_json(sbuf *b, json_object *o) {
  size_t n;
  const char *s =
      json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN, &n);
  if (!s) {
    b->oom = true;
    return;
  }
  sbuf_put(b, s, n);
}

void sbuf_free(sbuf *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

/* The filters compare what the one-shot view showed: the entry's "dev"
 * (a port name, "remote"), whether it is remote, its state. */
static bool state_ok(const view_filter *f, bool st) {
  return !((f->state == VF_DYNAMIC && st) || (f->state == VF_STATIC && !st));
}

static bool dev_ok(const view_filter *f, const char *dev, bool remote) {
  if (f->dev[0] && (!dev || strcmp(dev, f->dev) != 0))
    return false;
  return !f->remote || remote || (dev && strcmp(dev, "remote") == 0);
}

static bool fdb_match(app *a, const view_filter *f, const vl2_fdb_entry *e) {
  if (f->has_vni && e->vni != f->vni)
    return false;
  bool remote = (e->flags & VL2_FDB_F_REMOTE) != 0;
  if (!dev_ok(f, remote ? NULL : port_name(a, e->port), remote))
    return false;
  return state_ok(f, (e->flags & VL2_FDB_F_STATIC) != 0);
}

static bool neigh_match(app *a, const view_filter *f,
                        const vl2_neigh_entry *e) {
  if (f->has_vni && e->vni != f->vni)
    return false;
  const char *dev = e->port == VL2_PORT_REMOTE      ? "remote"
                    : e->port == VL2_NEIGH_PORT_ANY ? NULL
                                                    : port_name(a, e->port);
  if (!dev_ok(f, dev, false))
    return false;
  return state_ok(f, (e->flags & VL2_NEIGH_F_STATIC) != 0);
}

/* The current array is complete: open the next one, or end the object. */
static void next_phase(app *a, view_stream *vs, sbuf *b) {
  vs->cur = 0;
  vs->count = 0;
  if (vs->kind == VS_MDB && vs->phase == VS_FIRST) {
    sbuf_puts(b, "],\"router\":[");
    vs->phase = VS_SECOND;
    return;
  }
  if (vs->kind == VS_MDB) {
    json_object *segs = mdb_segments_json(a);
    sbuf_puts(b, "],\"segments\":");
    sbuf_json(b, segs);
    json_object_put(segs);
    sbuf_puts(b, "}");
  } else {
    sbuf_puts(b, "]}");
  }
  vs->phase = VS_DONE;
}

int view_stream_step(app *a, view_stream *vs, unsigned max, vl2_tstamp until,
                     sbuf *b) {
  static const char *const head[] = {
      [VS_FDB] = "{\"fdb\":[",
      [VS_NEIGH] = "{\"neigh\":[",
      [VS_MDB] = "{\"mdb\":[",
  };
  if (vs->kind != VS_FDB && vs->kind != VS_NEIGH && vs->kind != VS_MDB)
    return 0;
  vl2_tstamp now = now_ns();
  if (vs->phase == VS_START) {
    sbuf_puts(b, head[vs->kind]);
    vs->phase = VS_FIRST;
    vs->cur = 0;
    vs->count = 0;
  }
  /* |max| entries visited, shown or filtered out: a slice's cost is
   * bounded whatever the filter; and by |until|, looked at every 16 */
  for (unsigned i = 0; i < max && vs->phase != VS_DONE && !b->oom; i++) {
    if (until && (i & 15) == 15 && now_ns() >= until)
      break;
    json_object *o = NULL;
    bool more;
    if (vs->kind == VS_FDB) {
      vl2_fdb_entry e;
      more = vl2_fdb_next(a->sw, &vs->cur, &e, now) == 1;
      if (more && fdb_match(a, &vs->f, &e))
        o = fdb_entry_json(a, &e, now);
    } else if (vs->kind == VS_NEIGH) {
      vl2_neigh_entry e;
      more = vl2_neigh_next(a->sw, &vs->cur, &e, now) == 1;
      if (more && neigh_match(a, &vs->f, &e))
        o = neigh_entry_json(a, &e, now);
    } else {
      /* groups in "mdb", then a second walk for routers in "router" */
      vl2_mdb_entry e;
      more = vl2_mdb_next(a->sw, &vs->cur, &e, now) == 1;
      if (more &&
          ((e.flags & VL2_MDB_E_ROUTER) != 0) == (vs->phase == VS_SECOND))
        o = mdb_entry_json(a, &e, now);
    }
    if (!more) {
      next_phase(a, vs, b);
      continue;
    }
    if (!o)
      continue;
    if (vs->count++)
      sbuf_puts(b, ",");
    sbuf_json(b, o);
    json_object_put(o);
    vs->total++;
  }
  if (b->oom)
    return -1;
  return vs->phase != VS_DONE;
}

void view_stream_truncate(view_stream *vs, sbuf *b, bool started,
                          const char *msg) {
  json_object *m = jstr(msg);
  /* what was sent ends inside an array (a step ends at an entry's end) */
  sbuf_puts(b, started ? "],\"error\":" : "{\"error\":");
  sbuf_json(b, m);
  sbuf_puts(b, "}");
  json_object_put(m);
  vs->phase = VS_DONE;
}

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/*
 * vl2ctl stats --format prometheus: the JSON counters of `stats` as
 * Prometheus text exposition (format 0.0.4), for node_exporter's textfile
 * collector. Every number becomes a sample: counters named *_total, gauges
 * (table sizes) without; ports are labelled port="NAME", segments
 * segment="VNI", drop counters reason="NAME". Samples of one family are
 * printed together under one HELP and TYPE line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "vl2ctl.h"

typedef struct sample {
  char family[128];
  char labels[192];
  bool gauge;
  long long value;
  size_t seq;
} sample;

typedef struct out {
  sample *s;
  size_t n, cap;
} out;

/* Numbers that identify or configure, not measure: not exported. */
static bool identity(const char *k) {
  static const char *const n[] = {
      "id",       "vni",        "vlan",       "native", "port",
      "max_macs", "sport_lo",   "sport_hi",   "budget", "burst",
      "holddown", "expires_ms", "expires_in", NULL};
  for (size_t i = 0; n[i]; i++)
    if (strcmp(k, n[i]) == 0)
      return true;
  return false;
}

/* Numbers that go up and down: gauges. */
static bool is_gauge(const char *k) {
  static const char *const n[] = {"macs",    "fdb_entries",  "fdb_static",
                                  "entries", "source_ports", "gso_off_sockets",
                                  NULL};
  for (size_t i = 0; n[i]; i++)
    if (strcmp(k, n[i]) == 0)
      return true;
  return false;
}

static void clean(char *s) {
  for (; *s; s++)
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
          (*s >= '0' && *s <= '9') || *s == '_'))
      *s = '_';
}

static void add(out *o, const char *prefix, const char *key, const char *labels,
                long long v) {
  if (o->n == o->cap) {
    o->cap = o->cap ? o->cap * 2 : 256;
    sample *ns = realloc(o->s, o->cap * sizeof *ns);
    if (!ns) {
      fputs("vl2ctl: out of memory\n", stderr);
      exit(1);
    }
    o->s = ns;
  }
  sample *s = &o->s[o->n];
  s->gauge = is_gauge(key);
  snprintf(s->family, sizeof s->family, "%s_%s%s", prefix, key,
           s->gauge ? "" : "_total");
  clean(s->family);
  snprintf(s->labels, sizeof s->labels, "%s", labels);
  s->value = v;
  s->seq = o->n;
  o->n++;
}

static void walk(out *o, json_object *obj, const char *prefix,
                 const char *labels);

static void label_add(char *dst, size_t len, const char *labels, const char *k,
                      const char *v) {
  char esc[96];
  size_t j = 0;
  for (size_t i = 0; v[i] && j + 2 < sizeof esc; i++) {
    if (v[i] == '"' || v[i] == '\\')
      esc[j++] = '\\';
    esc[j++] = v[i];
  }
  esc[j] = 0;
  snprintf(dst, len, "%s%s%s=\"%s\"", labels, labels[0] ? "," : "", k, esc);
}

static void walk_array(out *o, const char *key, json_object *arr,
                       const char *prefix, const char *labels) {
  /* ports -> port="NAME", segments -> segment="VNI" */
  bool ports = strcmp(key, "ports") == 0;
  bool segs = strcmp(key, "segments") == 0;
  if (!ports && !segs)
    return;
  char p[128];
  snprintf(p, sizeof p, "%s", ports ? "vl2_port" : "vl2_segment");
  (void)prefix;
  size_t n = json_object_array_length(arr);
  for (size_t i = 0; i < n; i++) {
    json_object *e = json_object_array_get_idx(arr, i), *id;
    if (!json_object_is_type(e, json_type_object))
      continue;
    const char *lk = ports ? "port" : "segment";
    if (!json_object_object_get_ex(e, ports ? "name" : "vni", &id))
      continue;
    char l[192];
    label_add(l, sizeof l, labels, lk, json_object_get_string(id));
    walk(o, e, p, l);
  }
}

static void walk(out *o, json_object *obj, const char *prefix,
                 const char *labels) {
  json_object_object_foreach(obj, k, v) {
    switch (json_object_get_type(v)) {
    case json_type_int:
      if (!identity(k))
        add(o, prefix, k, labels, (long long)json_object_get_int64(v));
      break;
    case json_type_object:
      if (strcmp(k, "drops") == 0) {
        /* one family, the reason as a label */
        json_object_object_foreach(v, rk, rv) {
          if (!json_object_is_type(rv, json_type_int))
            continue;
          char l[192];
          label_add(l, sizeof l, labels, "reason", rk);
          add(o, prefix, "drops", l, (long long)json_object_get_int64(rv));
        }
      } else {
        char p[128];
        if (strcmp(k, "stats") == 0)
          snprintf(p, sizeof p, "%s", prefix);
        else
          snprintf(p, sizeof p, "%s_%s", prefix, k);
        walk(o, v, p, labels);
      }
      break;
    case json_type_array:
      walk_array(o, k, v, prefix, labels);
      break;
    default:
      break;
    }
  }
}

static int by_family(const void *x, const void *y) {
  const sample *a = x, *b = y;
  int c = strcmp(a->family, b->family);
  if (c)
    return c;
  return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void print_prometheus(json_object *r) {
  out o = {0};
  json_object_object_foreach(r, k, v) {
    char p[128];
    snprintf(p, sizeof p, "vl2_%s", k);
    if (json_object_is_type(v, json_type_object))
      walk(&o, v, p, "");
    else if (json_object_is_type(v, json_type_array))
      walk_array(&o, k, v, p, "");
  }
  qsort(o.s, o.n, sizeof *o.s, by_family);
  for (size_t i = 0; i < o.n; i++) {
    sample *s = &o.s[i];
    if (i == 0 || strcmp(s->family, o.s[i - 1].family) != 0) {
      printf("# HELP %s vl2-switch %s.\n", s->family, s->family + 4);
      printf("# TYPE %s %s\n", s->family, s->gauge ? "gauge" : "counter");
    }
    if (s->labels[0])
      printf("%s{%s} %lld\n", s->family, s->labels, s->value);
    else
      printf("%s %lld\n", s->family, s->value);
  }
  free(o.s);
}

// yaml.c: see yaml.h. The tree is built from libyaml's events (not its document API) so that
// aliases and extra documents can be refused at their position and every node knows its
// parent and key; duplicate keys are found after loading by sorting each mapping's keys.
#include "core/yaml.h"   // defines: gd_yaml_*
#include "core/cli.h"    // defines: gd_parse_int
#include "core/error.h"  // defines: GD_ERR_*
#include "core/fileio.h" // defines: gd_read_file
#include "core/log.h"    // defines: gd_error

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct gd_yaml_doc {
    char          *file;
    gd_yaml_node  *root;
    gd_yaml_node **all;      // every node, for freeing and the duplicate-key pass
    size_t         n_all, cap_all;
};

// ---------------------------------------------------------------------------- messages

static int vfail(const gd_yaml_node *n, const char *path, const char *fmt, va_list ap) {
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (path) gd_error("%s:%d:%d: %s: %s", n->file, n->line, n->col, path, msg);
    else gd_error("%s:%d:%d: %s", n->file, n->line, n->col, msg);
    return GD_ERR_PARSE;
}

int gd_yaml_fail(const gd_yaml_node *n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(n, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int gd_yaml_fail_path(const gd_yaml_node *n, const char *fmt, ...) {
    char path[512];
    va_list ap;
    va_start(ap, fmt);
    int rc = vfail(n, gd_yaml_path(n, path, sizeof path), fmt, ap);
    va_end(ap);
    return rc;
}

const char *gd_yaml_path(const gd_yaml_node *n, char *buf, size_t cap) {
    const gd_yaml_node *chain[GD_YAML_MAX_DEPTH + 2];
    int k = 0;
    for (; n && n->parent && k < GD_YAML_MAX_DEPTH + 2; n = n->parent) chain[k++] = n;
    size_t u = 0;
    if (cap) buf[0] = 0;
    if (!k) snprintf(buf, cap, "top level");
    while (k-- > 0 && u < cap) {
        const gd_yaml_node *c = chain[k];
        int w = c->key ? snprintf(buf + u, cap - u, "%s%s", u ? "." : "", c->key)
                       : snprintf(buf + u, cap - u, "[%d]", c->index);
        u += w > 0 ? (size_t)w : 0;
    }
    return buf;
}

static const char *kind_name(const gd_yaml_node *n) {
    return n->kind == GD_YAML_LIST ? "a list" : n->kind == GD_YAML_MAP ? "a mapping" : "text";
}

// ---------------------------------------------------------------------------- loading

typedef struct {
    gd_yaml_node *node;
    size_t        cap;
    int           has_key;   // map: keys[n] is read, its value not yet
} frame;

static gd_yaml_node *new_node(gd_yaml_doc *d, gd_yaml_kind kind, yaml_mark_t m) {
    if (d->n_all == d->cap_all) {
        size_t cap = d->cap_all ? 2 * d->cap_all : 64;
        gd_yaml_node **g = realloc(d->all, cap * sizeof *g);
        if (!g) return NULL;
        d->all = g;
        d->cap_all = cap;
    }
    gd_yaml_node *n = calloc(1, sizeof *n);
    if (!n) return NULL;
    n->kind = kind;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    n->file = d->file;
    d->all[d->n_all++] = n;
    return n;
}

// Puts child into the open list or map f (or makes it the top node when f is NULL).
static int attach(gd_yaml_doc *d, frame *f, gd_yaml_node *child) {
    if (!f) { d->root = child; return GD_OK; }
    gd_yaml_node *p = f->node;
    if (p->kind == GD_YAML_MAP && !f->has_key) {
        if (child->kind != GD_YAML_SCALAR)
            return gd_yaml_fail(child, "mapping keys must be plain text, not %s", kind_name(child));
    }
    if ((size_t)p->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 4;
        gd_yaml_node **it = realloc(p->items, cap * sizeof *it);
        if (!it) return GD_ERR_NOMEM;
        p->items = it;
        if (p->kind == GD_YAML_MAP) {
            gd_yaml_node **ks = realloc(p->keys, cap * sizeof *ks);
            if (!ks) return GD_ERR_NOMEM;
            p->keys = ks;
        }
        f->cap = cap;
    }
    child->parent = p;
    child->index = p->n;
    if (p->kind == GD_YAML_MAP && !f->has_key) {
        p->keys[p->n] = child;
        f->has_key = 1;
        return GD_OK;
    }
    if (p->kind == GD_YAML_MAP) {
        child->key = p->keys[p->n]->text;
        f->has_key = 0;
    }
    p->items[p->n++] = child;
    return GD_OK;
}

static int load_events(gd_yaml_doc *d, yaml_parser_t *p) {
    frame stack[GD_YAML_MAX_DEPTH];
    int depth = 0, docs = 0, rc = GD_OK, done = 0;
    while (!rc && !done) {
        yaml_event_t e;
        if (!yaml_parser_parse(p, &e)) {
            gd_error("%s:%zu:%zu: YAML syntax error: %s%s%s", d->file, p->problem_mark.line + 1,
                     p->problem_mark.column + 1, p->problem ? p->problem : "unknown problem",
                     p->context ? " " : "", p->context ? p->context : "");
            return GD_ERR_PARSE;
        }
        gd_yaml_node *n = NULL;
        frame *top = depth ? &stack[depth - 1] : NULL;
        switch (e.type) {
        case YAML_STREAM_END_EVENT: done = 1; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1) {
                gd_error("%s:%zu:%zu: a second YAML document; a file holds one", d->file,
                         e.start_mark.line + 1, e.start_mark.column + 1);
                rc = GD_ERR_PARSE;
            }
            break;
        case YAML_ALIAS_EVENT:
            gd_error("%s:%zu:%zu: aliases (*%s) are not supported; write the value out", d->file,
                     e.start_mark.line + 1, e.start_mark.column + 1, (const char *)e.data.alias.anchor);
            rc = GD_ERR_PARSE;
            break;
        case YAML_SCALAR_EVENT: {
            size_t len = e.data.scalar.length;
            if (!(n = new_node(d, GD_YAML_SCALAR, e.start_mark))) { rc = GD_ERR_NOMEM; break; }
            if (memchr(e.data.scalar.value, 0, len)) {
                rc = gd_yaml_fail(n, "text holds a NUL character");
                break;
            }
            char *t = malloc(len + 1);
            if (!t) { rc = GD_ERR_NOMEM; break; }
            memcpy(t, e.data.scalar.value, len);
            t[len] = 0;
            n->text = t;
            rc = attach(d, top, n);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            n = new_node(d, e.type == YAML_SEQUENCE_START_EVENT ? GD_YAML_LIST : GD_YAML_MAP, e.start_mark);
            if (!n) { rc = GD_ERR_NOMEM; break; }
            if (depth == GD_YAML_MAX_DEPTH) {
                rc = gd_yaml_fail(n, "nested deeper than %d levels", GD_YAML_MAX_DEPTH);
                break;
            }
            if (!(rc = attach(d, top, n))) stack[depth++] = (frame){n, 0, 0};
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        default: break;
        }
        yaml_event_delete(&e);
    }
    return rc;
}

typedef struct { const gd_yaml_node *key; int pos; } key_ref;

static int by_text_then_pos(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    int c = strcmp(x->key->text, y->key->text);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

static int before(const gd_yaml_node *a, const gd_yaml_node *b) {
    return a->line < b->line || (a->line == b->line && a->col < b->col);
}

// Every mapping's keys sorted (text, then position): O(k log k) for a mapping of k keys.
// Of all repeats, the one earliest in the file is reported.
static int unique_keys(gd_yaml_doc *d) {
    key_ref *keys = NULL;
    const gd_yaml_node *dup = NULL, *first = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < d->n_all; i++) {
        const gd_yaml_node *m = d->all[i];
        if (m->kind != GD_YAML_MAP || m->n < 2) continue;
        if ((size_t)m->n > cap) {
            key_ref *g = realloc(keys, sizeof *g * (size_t)m->n);
            if (!g) { free(keys); return GD_ERR_NOMEM; }
            keys = g;
            cap = (size_t)m->n;
        }
        for (int k = 0; k < m->n; k++) keys[k] = (key_ref){m->keys[k], k};
        qsort(keys, (size_t)m->n, sizeof *keys, by_text_then_pos);
        // in each run of equal keys, its second member is the clash
        for (int k = 1; k < m->n; k++)
            if (!strcmp(keys[k].key->text, keys[k - 1].key->text) &&
                (k < 2 || strcmp(keys[k].key->text, keys[k - 2].key->text)) &&
                (!dup || before(keys[k].key, dup))) {
                dup = keys[k].key;
                first = keys[k - 1].key;
            }
    }
    free(keys);
    if (dup)
        return gd_yaml_fail(dup, "duplicate key '%s' (first at line %d)", dup->text, first->line);
    return GD_OK;
}

void gd_yaml_free(gd_yaml_doc *d) {
    if (!d) return;
    for (size_t i = 0; i < d->n_all; i++) {
        free((char *)d->all[i]->text);
        free(d->all[i]->items);
        free(d->all[i]->keys);
        free(d->all[i]);
    }
    free(d->all);
    free(d->file);
    free(d);
}

int gd_yaml_load_text(gd_yaml_doc **out, const char *text, size_t len, const char *name) {
    *out = NULL;
    gd_yaml_doc *d = calloc(1, sizeof *d);
    if (!d || !(d->file = strdup(name))) { free(d); return GD_ERR_NOMEM; }
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) { gd_yaml_free(d); return GD_ERR_NOMEM; }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    int rc = load_events(d, &p);
    yaml_parser_delete(&p);
    if (!rc && !d->root) {
        gd_error("%s:1:1: empty YAML document", name);
        rc = GD_ERR_PARSE;
    }
    if (!rc) rc = unique_keys(d);
    if (rc) gd_yaml_free(d);
    else *out = d;
    return rc;
}

int gd_yaml_load(gd_yaml_doc **out, const char *path) {
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    errno = 0;
    if (gd_read_file(path, &text, &len)) {
        gd_error("%s: %s", path, errno ? strerror(errno) : "cannot read");
        return GD_ERR_IO;
    }
    int rc = gd_yaml_load_text(out, text, len, path);
    free(text);
    return rc;
}

const gd_yaml_node *gd_yaml_root(const gd_yaml_doc *d) { return d->root; }

// ---------------------------------------------------------------------------- accessors

const gd_yaml_node *gd_yaml_get(const gd_yaml_node *n, const char *key) {
    if (!n || n->kind != GD_YAML_MAP) return NULL;
    for (int i = 0; i < n->n; i++)
        if (!strcmp(n->keys[i]->text, key)) return n->items[i];
    return NULL;
}

int gd_yaml_need(const gd_yaml_node *n, const char *key, const gd_yaml_node **out) {
    int rc = gd_yaml_map(n);
    if (rc) return rc;
    if (!(*out = gd_yaml_get(n, key))) return gd_yaml_fail_path(n, "lacks required key '%s'", key);
    return GD_OK;
}

int gd_yaml_map(const gd_yaml_node *n) {
    return n->kind == GD_YAML_MAP ? GD_OK : gd_yaml_fail_path(n, "must be a mapping of key: value, not %s", kind_name(n));
}

static int in_list(const char *const *l, const char *s) {
    for (; l && *l; l++)
        if (!strcmp(*l, s)) return 1;
    return 0;
}

int gd_yaml_check_keys(const gd_yaml_node *n, const char *const *allowed,
                       const char *const *allowed2) {
    int rc = gd_yaml_map(n);
    for (int i = 0; i < n->n && !rc; i++) {
        const char *key = n->keys[i]->text;
        if (in_list(allowed, key) || in_list(allowed2, key)) continue;
        char list[1024] = "", where[512] = "";
        for (const char *const *l = allowed; l && *l; l++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "", *l);
        for (const char *const *l = allowed2; l && *l; l++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "", *l);
        if (n->parent) {
            char path[480];
            snprintf(where, sizeof where, " in %s", gd_yaml_path(n, path, sizeof path));
        }
        rc = gd_yaml_fail(n->keys[i], "unknown key '%s'%s (expected one of: %s)", key, where, list);
    }
    return rc;
}

// A decimal number: [+-] digits [. digits] [(e|E) [+-] digits], at least one mantissa digit.
// (strtod alone would also take hex, "inf", "nan" and leading blanks.)
static int is_decimal(const char *s) {
    int digits = 0;
    if (*s == '+' || *s == '-') s++;
    for (; *s >= '0' && *s <= '9'; s++) digits++;
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++) digits++;
    if (!digits) return 0;
    if (*s == 'e' || *s == 'E') {
        s++;
        if (*s == '+' || *s == '-') s++;
        if (!(*s >= '0' && *s <= '9')) return 0;
        while (*s >= '0' && *s <= '9') s++;
    }
    return *s == 0;
}

int gd_yaml_int(const gd_yaml_node *n, int64_t lo, int64_t hi, int64_t *out) {
    if (n->kind != GD_YAML_SCALAR) return gd_yaml_fail_path(n, "must be a whole number, not %s", kind_name(n));
    int64_t v;
    int rc = is_decimal(n->text) ? gd_parse_int(n->text, INT64_MIN, INT64_MAX, &v) : GD_ERR_PARSE;
    if (rc == GD_ERR_PARSE && is_decimal(n->text)) {   // 1e6, 2.0: whole values in float notation
        double x = strtod(n->text, NULL);
        if (x == floor(x) && fabs(x) < 9.2e18) { v = (int64_t)x; rc = GD_OK; }
        else if (x == floor(x)) rc = GD_ERR_RANGE;
    }
    if (rc == GD_ERR_PARSE) return gd_yaml_fail_path(n, "must be a whole number (got '%.40s')", n->text);
    if (rc || v < lo || v > hi)
        return gd_yaml_fail_path(n, "must be in [%lld, %lld] (got %.40s)", (long long)lo, (long long)hi, n->text);
    *out = v;
    return GD_OK;
}

int gd_yaml_float(const gd_yaml_node *n, double lo, double hi, double *out) {
    if (n->kind != GD_YAML_SCALAR) return gd_yaml_fail_path(n, "must be a number, not %s", kind_name(n));
    if (!is_decimal(n->text)) return gd_yaml_fail_path(n, "must be a number (got '%.40s')", n->text);
    double v = strtod(n->text, NULL);
    if (!isfinite(v) || v < lo || v > hi)
        return gd_yaml_fail_path(n, "must be in [%g, %g] (got %.40s)", lo, hi, n->text);
    *out = v;
    return GD_OK;
}

int gd_yaml_bool(const gd_yaml_node *n, int *out) {
    static const char *const yes[] = {"true", "yes", "1", NULL}, *const no[] = {"false", "no", "0", NULL};
    if (n->kind == GD_YAML_SCALAR && in_list(yes, n->text)) { *out = 1; return GD_OK; }
    if (n->kind == GD_YAML_SCALAR && in_list(no, n->text)) { *out = 0; return GD_OK; }
    if (n->kind != GD_YAML_SCALAR) return gd_yaml_fail_path(n, "must be true or false, not %s", kind_name(n));
    return gd_yaml_fail_path(n, "must be true or false (got '%.40s')", n->text);
}

int gd_yaml_text(const gd_yaml_node *n, int allow_empty, const char **out) {
    if (n->kind != GD_YAML_SCALAR) return gd_yaml_fail_path(n, "must be text, not %s", kind_name(n));
    if (!allow_empty && !n->text[0]) return gd_yaml_fail_path(n, "must not be empty");
    *out = n->text;
    return GD_OK;
}

int gd_yaml_list(const gd_yaml_node *n, int min, int max) {
    if (n->kind != GD_YAML_LIST) return gd_yaml_fail_path(n, "must be a list, not %s", kind_name(n));
    if (n->n < min) return gd_yaml_fail_path(n, "must have at least %d item%s", min, min == 1 ? "" : "s");
    if (max >= 0 && n->n > max) return gd_yaml_fail_path(n, "has %d items; at most %d are allowed", n->n, max);
    return GD_OK;
}

int gd_yaml_key_int(const gd_yaml_node *n, const char *key, int64_t lo, int64_t hi, int64_t *out) {
    const gd_yaml_node *v = gd_yaml_get(n, key);
    return v ? gd_yaml_int(v, lo, hi, out) : GD_OK;
}

int gd_yaml_key_float(const gd_yaml_node *n, const char *key, double lo, double hi, double *out) {
    const gd_yaml_node *v = gd_yaml_get(n, key);
    return v ? gd_yaml_float(v, lo, hi, out) : GD_OK;
}

int gd_yaml_key_bool(const gd_yaml_node *n, const char *key, int *out) {
    const gd_yaml_node *v = gd_yaml_get(n, key);
    return v ? gd_yaml_bool(v, out) : GD_OK;
}

int gd_yaml_key_text(const gd_yaml_node *n, const char *key, int allow_empty, const char **out) {
    const gd_yaml_node *v = gd_yaml_get(n, key);
    return v ? gd_yaml_text(v, allow_empty, out) : GD_OK;
}

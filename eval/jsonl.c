// jsonl.c: minimal JSON object reader (see jsonl.h).
#include "eval/jsonl.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"  // defines: GD_ERR_PARSE

static const char *ws(const char *p) { while (*p && isspace((unsigned char)*p)) p++; return p; }

// Parses a string at p (pointing at '"'); returns a malloc'd copy (escapes decoded, \u as '?').
static char *parse_str(const char **pp) {
    const char *p = *pp + 1;
    size_t cap = 32, n = 0;
    char *s = malloc(cap);
    if (!s) return NULL;
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\') {
            char e = *p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': c = '?'; for (int i = 0; i < 4 && *p; i++) p++; break;
            case '\0': free(s); return NULL;
            default: c = e;
            }
        }
        if (n + 1 >= cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) { free(s); return NULL; }
            s = t;
        }
        s[n++] = c;
    }
    if (*p != '"') { free(s); return NULL; }
    s[n] = '\0';
    *pp = p + 1;
    return s;
}

// Skips any JSON value at p; returns the position after it or NULL.
static const char *skip_value(const char *p) {
    p = ws(p);
    if (*p == '"') {
        char *s = parse_str(&p);
        if (!s) return NULL;
        free(s);
        return p;
    }
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') { char *s = parse_str(&p); if (!s) return NULL; free(s); continue; }
            if (*p == '{' || *p == '[') depth++;
            if (*p == '}' || *p == ']') { if (--depth == 0) return p + 1; }
            p++;
        }
        return NULL;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p)) p++;
    return p;
}

static int push(ev_jobj *o, ev_jmember m) {
    if (o->n == o->cap) {
        int cap = o->cap ? 2 * o->cap : 32;
        ev_jmember *v = realloc(o->m, sizeof *v * cap);
        if (!v) return GD_ERR_PARSE;
        o->m = v; o->cap = cap;
    }
    o->m[o->n++] = m;
    return 0;
}

int ev_jobj_parse(ev_jobj *o, const char *text) {
    memset(o, 0, sizeof *o);
    const char *p = ws(text);
    if (*p != '{') return GD_ERR_PARSE;
    p = ws(p + 1);
    if (*p == '}') return 0;
    for (;;) {
        p = ws(p);
        if (*p != '"') goto bad;
        ev_jmember m = {parse_str(&p), NULL, NAN, 0};
        if (!m.key) goto bad;
        p = ws(p);
        if (*p != ':') { free(m.key); goto bad; }
        p = ws(p + 1);
        if (*p == '"') {
            m.str = parse_str(&p);
            if (!m.str) { free(m.key); goto bad; }
        } else if (*p == '{' || *p == '[') {
            p = skip_value(p);
            if (!p) { free(m.key); goto bad; }
        } else if (!strncmp(p, "null", 4)) { m.is_null = 1; p += 4; }
        else if (!strncmp(p, "true", 4)) { m.num = 1; p += 4; }
        else if (!strncmp(p, "false", 5)) { m.num = 0; p += 5; }
        else {
            char *end;
            m.num = strtod(p, &end);
            if (end == p) { free(m.key); goto bad; }
            p = end;
        }
        if (push(o, m)) { free(m.key); free(m.str); goto bad; }
        p = ws(p);
        if (*p == ',') { p++; continue; }
        if (*p == '}') return 0;
        goto bad;
    }
bad:
    ev_jobj_free(o);
    return GD_ERR_PARSE;
}

void ev_jobj_free(ev_jobj *o) {
    if (!o) return;
    for (int i = 0; i < o->n; i++) { free(o->m[i].key); free(o->m[i].str); }
    free(o->m);
    memset(o, 0, sizeof *o);
}

const ev_jmember *ev_jobj_get(const ev_jobj *o, const char *key) {
    for (int i = 0; i < o->n; i++) if (!strcmp(o->m[i].key, key)) return &o->m[i];
    return NULL;
}

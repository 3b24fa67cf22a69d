// safetensors.c: see safetensors.h. A small JSON reader covering the header grammar
// (objects, arrays, strings with escapes, integers).
#include "train/safetensors.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/error.h"
#include "core/fileio.h"
#include "core/json.h"
#include "core/log.h"

// ---------------------------------------------------------------------------- writing
int rv_st_write(const char *path, const rv_st_entry *e, int n, const char *const *meta_k,
                const char *const *meta_v, int n_meta) {
    char *hdr = NULL;
    size_t hlen = 0;
    FILE *mf = open_memstream(&hdr, &hlen);
    if (!mf) return GD_ERR_NOMEM;
    gd_json j;
    gd_json_init(&j, mf);
    gd_json_begin_object(&j);
    if (n_meta) {
        gd_json_key(&j, "__metadata__");
        gd_json_begin_object(&j);
        for (int i = 0; i < n_meta; i++) { gd_json_key(&j, meta_k[i]); gd_json_string(&j, meta_v[i]); }
        gd_json_end_object(&j);
    }
    int64_t off = 0;
    for (int i = 0; i < n; i++) {
        int64_t cnt = 1;
        for (int d = 0; d < e[i].ndim; d++) cnt *= e[i].shape[d];
        gd_json_key(&j, e[i].name);
        gd_json_begin_object(&j);
        gd_json_key(&j, "dtype"); gd_json_string(&j, "F32");
        gd_json_key(&j, "shape");
        gd_json_begin_array(&j);
        for (int d = 0; d < e[i].ndim; d++) gd_json_int(&j, e[i].shape[d]);
        gd_json_end_array(&j);
        gd_json_key(&j, "data_offsets");
        gd_json_begin_array(&j);
        gd_json_int(&j, off); gd_json_int(&j, off + 4 * cnt);
        gd_json_end_array(&j);
        gd_json_end_object(&j);
        off += 4 * cnt;
    }
    gd_json_end_object(&j);
    fclose(mf);
    size_t padded = (hlen + 7) / 8 * 8;
    gd_atomic a;
    int rc = gd_atomic_open(&a, path, "wb");
    if (rc) { free(hdr); return rc; }
    uint8_t len8[8];
    for (int i = 0; i < 8; i++) len8[i] = (uint8_t)((uint64_t)padded >> (8 * i));
    int ok = fwrite(len8, 1, 8, a.f) == 8 && fwrite(hdr, 1, hlen, a.f) == hlen;
    for (size_t i = hlen; i < padded && ok; i++) ok = fputc(' ', a.f) != EOF;
    for (int i = 0; i < n && ok; i++) {
        int64_t cnt = 1;
        for (int d = 0; d < e[i].ndim; d++) cnt *= e[i].shape[d];
        ok = fwrite(e[i].data, 4, (size_t)cnt, a.f) == (size_t)cnt;   // x86/ARM: little-endian
    }
    free(hdr);
    if (!ok) { gd_atomic_abort(&a); gd_error("%s: write failed", path); return GD_ERR_IO; }
    return gd_atomic_commit(&a);
}

// ---------------------------------------------------------------------------- JSON reading
typedef struct { const char *s, *end; const char *err; } jp;

static void ws(jp *p) { while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\r' || *p->s == '\t')) p->s++; }
static int lit(jp *p, char c) {
    ws(p);
    if (p->s < p->end && *p->s == c) { p->s++; return 1; }
    return 0;
}
static char *jstring(jp *p) {
    ws(p);
    if (p->s >= p->end || *p->s != '"') { p->err = "expected a string"; return NULL; }
    p->s++;
    size_t cap = 32, n = 0;
    char *o = malloc(cap);
    while (p->s < p->end && *p->s != '"') {
        char c = *p->s++;
        if (c == '\\') {
            if (p->s >= p->end) break;
            c = *p->s++;
            switch (c) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned v = 0;
                for (int i = 0; i < 4 && p->s < p->end; i++) {
                    char h = *p->s++;
                    v = v * 16 + (unsigned)(h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                }
                c = v < 128 ? (char)v : '?';
                break;
            }
            default: break;   // \" \\ \/
            }
        }
        if (n + 2 > cap) o = realloc(o, cap *= 2);
        o[n++] = c;
    }
    if (p->s >= p->end) { free(o); p->err = "unterminated string"; return NULL; }
    p->s++;
    o[n] = 0;
    return o;
}
static int jint(jp *p, int64_t *v) {
    ws(p);
    char *e;
    long long x = strtoll(p->s, &e, 10);
    if (e == p->s || e > p->end) { p->err = "expected an integer"; return 0; }
    p->s = e;
    *v = x;
    return 1;
}
// Up to cap integers in [a, b, ...]; returns count or -1.
static int jint_array(jp *p, int64_t *v, int cap) {
    if (!lit(p, '[')) { p->err = "expected an array"; return -1; }
    int n = 0;
    if (lit(p, ']')) return 0;
    do {
        int64_t x;
        if (!jint(p, &x)) return -1;
        if (n == cap) { p->err = "array too long"; return -1; }
        v[n++] = x;
    } while (lit(p, ','));
    if (!lit(p, ']')) { p->err = "expected ]"; return -1; }
    return n;
}

// Writes the reason into why (why_n bytes) and yields rc.
#define WHY(rc, ...) (snprintf(why, why_n, __VA_ARGS__), (rc))
#define BAD(...) WHY(GD_ERR_FORMAT, __VA_ARGS__)
#define NOT_ST(what) BAD("not a valid safetensors checkpoint: %s", what)

static int by_offset(const void *a, const void *b) {
    intptr_t x = (intptr_t)((const rv_st_tensor *)a)->data, y = (intptr_t)((const rv_st_tensor *)b)->data;
    return (x > y) - (x < y);
}

// Parses the JSON header hdr[0, hl) into st; tensor data pointers hold byte offsets into the
// data section. data_len: the bytes after the header.
static int parse_header(rv_st *st, const char *hdr, uint64_t hl, uint64_t data_len, char *why,
                        size_t why_n) {
    jp p = {hdr, hdr + hl, NULL};
    int cap = 0, mcap = 0;
    if (!lit(&p, '{')) return NOT_ST("header is not a JSON object");
    if (lit(&p, '}')) return 0;
    do {
        char *key = jstring(&p);
        if (!key || !lit(&p, ':')) { free(key); return NOT_ST(p.err ? p.err : "expected :"); }
        if (!strcmp(key, "__metadata__")) {
            free(key);
            if (!lit(&p, '{')) return NOT_ST("__metadata__ is not an object");
            if (lit(&p, '}')) continue;
            do {
                char *k = jstring(&p), *v = NULL;
                if (k && lit(&p, ':')) v = jstring(&p);
                if (!k || !v) { free(k); free(v); return NOT_ST("bad __metadata__ entry"); }
                if (st->n_meta == mcap) {
                    mcap = mcap ? 2 * mcap : 16;
                    st->meta_k = realloc(st->meta_k, sizeof(char *) * mcap);
                    st->meta_v = realloc(st->meta_v, sizeof(char *) * mcap);
                }
                st->meta_k[st->n_meta] = k; st->meta_v[st->n_meta++] = v;
            } while (lit(&p, ','));
            if (!lit(&p, '}')) return NOT_ST("unterminated __metadata__");
            continue;
        }
        if (st->n == cap) { cap = cap ? 2 * cap : 64; st->t = realloc(st->t, sizeof(rv_st_tensor) * cap); }
        rv_st_tensor *t = &st->t[st->n++];
        memset(t, 0, sizeof(*t));
        t->name = key;
        int64_t offs[2] = {-1, -1};
        int have_dtype = 0, n_off = 0;
        t->ndim = -1;
        if (!lit(&p, '{')) return NOT_ST("tensor entry is not an object");
        do {
            char *f = jstring(&p);
            if (!f || !lit(&p, ':')) { free(f); return NOT_ST("bad tensor entry"); }
            if (!strcmp(f, "dtype")) {
                char *d = jstring(&p);
                have_dtype = d && !strcmp(d, "F32");
                int rc = d && !have_dtype ? BAD("tensor %s has dtype %s; only F32 is supported", key, d) : 0;
                free(d);
                if (rc) { free(f); return rc; }
            } else if (!strcmp(f, "shape")) {
                t->ndim = jint_array(&p, t->shape, 4);
            } else if (!strcmp(f, "data_offsets")) {
                n_off = jint_array(&p, offs, 2);
            } else {
                free(f);
                return NOT_ST("unknown field in a tensor entry");
            }
            free(f);
        } while (lit(&p, ','));
        if (!lit(&p, '}') || !have_dtype || t->ndim < 0 || n_off != 2) return NOT_ST("incomplete tensor entry");
        t->n = 1;
        for (int d = 0; d < t->ndim; d++) {   // (no int64 overflow in n or 4 n)
            if (t->shape[d] < 0 || (t->shape[d] && t->n > INT64_MAX / 4 / t->shape[d]))
                return BAD("tensor %s: dimension %d of its shape is out of range", key, d);
            t->n *= t->shape[d];
        }
        if (offs[0] < 0 || offs[1] < offs[0] || offs[1] - offs[0] != 4 * t->n || offs[0] % 4)
            return BAD("tensor %s: byte range [%lld, %lld) does not match its shape", key,
                       (long long)offs[0], (long long)offs[1]);
        t->data = (float *)(intptr_t)offs[0];   // fixed up by the caller
    } while (lit(&p, ','));
    if (!lit(&p, '}')) return NOT_ST("header does not end with }");
    // The data section is the tensors back to back: no gap, no overlap, nothing after.
    rv_st_tensor *sorted = malloc(sizeof(rv_st_tensor) * (st->n ? st->n : 1));
    if (!sorted) return GD_ERR_NOMEM;
    if (st->n) {   // (st->t is NULL in a file without tensors)
        memcpy(sorted, st->t, sizeof(rv_st_tensor) * st->n);
        qsort(sorted, st->n, sizeof(rv_st_tensor), by_offset);
    }
    uint64_t end = 0;
    int rc = 0;
    for (int i = 0; i < st->n && !rc; i++) {
        if ((uint64_t)(intptr_t)sorted[i].data != end)
            rc = BAD("tensor %s starts at byte %lld of the data, not at %llu (gap or overlap)",
                     sorted[i].name, (long long)(intptr_t)sorted[i].data, (unsigned long long)end);
        end += 4 * (uint64_t)sorted[i].n;
    }
    free(sorted);
    if (!rc && end != data_len)
        rc = BAD("file is %llu bytes, the header describes %llu (truncated or appended to)",
                 (unsigned long long)(8 + hl + data_len), (unsigned long long)(8 + hl + end));
    return rc;
}

int rv_st_open(rv_st **out, const char *path, int with_data, char *why, size_t why_n) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    struct stat sb;
    if (!f || fstat(fileno(f), &sb)) {
        if (f) fclose(f);
        return WHY(GD_ERR_IO, "cannot read (%s)", strerror(errno));
    }
    uint64_t size = (uint64_t)sb.st_size, hl = 0;
    uint8_t len8[8];
    if (size < 8 || fread(len8, 1, 8, f) != 8) { fclose(f); return NOT_ST("shorter than 8 bytes"); }
    for (int i = 0; i < 8; i++) hl |= (uint64_t)len8[i] << (8 * i);
    if (hl < 2 || hl > size - 8 || hl > (100u << 20)) {
        fclose(f);
        return NOT_ST("header length out of range (truncated or foreign file)");
    }
    char *hdr = malloc(hl + 1);   // NUL-terminated: jint's strtoll stops there at the latest
    rv_st *st = calloc(1, sizeof(*st));
    int rc = !hdr || !st ? WHY(GD_ERR_NOMEM, "out of memory") : 0;
    if (!rc && fread(hdr, 1, hl, f) != hl) rc = WHY(GD_ERR_IO, "read error");
    if (!rc) hdr[hl] = 0;
    uint64_t data_len = size - 8 - hl;
    if (!rc) rc = parse_header(st, hdr, hl, data_len, why, why_n);
    free(hdr);
    if (!rc && with_data) {
        st->blob = malloc(data_len ? data_len : 1);
        if (!st->blob) rc = WHY(GD_ERR_NOMEM, "out of memory (%llu bytes)", (unsigned long long)data_len);
        else if (fread(st->blob, 1, data_len, f) != data_len) rc = WHY(GD_ERR_IO, "read error");
        for (int i = 0; !rc && i < st->n; i++) st->t[i].data = st->blob + (intptr_t)st->t[i].data / 4;
    } else if (!rc) {
        for (int i = 0; i < st->n; i++) st->t[i].data = NULL;
    }
    fclose(f);
    if (rc) { rv_st_free(st); return rc; }
    *out = st;
    return 0;
}

int rv_st_read(rv_st **out, const char *path) {
    char why[512];
    int rc = rv_st_open(out, path, 1, why, sizeof(why));
    if (rc) gd_error("%s: %s", path, why);
    return rc;
}

void rv_st_free(rv_st *st) {
    if (!st) return;
    for (int i = 0; i < st->n; i++) free(st->t[i].name);
    for (int i = 0; i < st->n_meta; i++) { free(st->meta_k[i]); free(st->meta_v[i]); }
    free(st->t); free(st->meta_k); free(st->meta_v); free(st->blob);
    free(st);
}

const rv_st_tensor *rv_st_get(const rv_st *st, const char *name) {
    for (int i = 0; i < st->n; i++)
        if (!strcmp(st->t[i].name, name)) return &st->t[i];
    return NULL;
}

const char *rv_st_meta(const rv_st *st, const char *key) {
    for (int i = 0; i < st->n_meta; i++)
        if (!strcmp(st->meta_k[i], key)) return st->meta_v[i];
    return NULL;
}

int rv_st_check_params(const rv_st *st, const rv_params *p, const char *prefix, char *why,
                       size_t why_n) {
    char name[2 * RV_NAME_MAX];
    for (int i = 0; i < p->n; i++) {
        const rv_tensor *t = &p->t[i];
        snprintf(name, sizeof(name), "%s%s", prefix, t->name);
        const rv_st_tensor *s = rv_st_get(st, name);
        if (!s) return BAD("tensor %s missing (checkpoint of another model or config?)", name);
        int same = s->ndim == t->ndim;
        for (int d = 0; same && d < t->ndim; d++) same = s->shape[d] == t->shape[d];
        if (!same) return BAD("tensor %s has another shape than the config expects", name);
    }
    return 0;
}

int rv_st_load_params(const rv_st *st, const rv_params *p, const char *prefix, float *dst,
                      const char *path) {
    char why[512];
    int rc = rv_st_check_params(st, p, prefix, why, sizeof(why));
    if (rc) { gd_error("%s: %s", path, why); return rc; }
    char name[2 * RV_NAME_MAX];
    for (int i = 0; i < p->n; i++) {
        snprintf(name, sizeof(name), "%s%s", prefix, p->t[i].name);
        memcpy(dst + p->t[i].off, rv_st_get(st, name)->data, sizeof(float) * p->t[i].n);
    }
    return 0;
}

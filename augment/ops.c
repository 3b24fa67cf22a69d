// ops.c: the ops-string parser, the random-parameter resolver and the chain applier.
//
// Grammar and semantics are documented in augment.h. Parse errors carry the byte offset of
// the offending character so the CLI can point at it. Resolved values are printed with
// %.7g and re-parsed before use, so a chain and its replay from the printed string apply
// exactly the same doubles.
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/augment.h"   // defines: aug_spec_*, aug_parse_err, aug_ctx
#include "augment/effect.h"    // defines: aug_effect, aug_param, aug_vals
#include "core/error.h"        // defines: GD_ERR_*
#include "core/log.h"          // defines: gd_error

#define MAX_CHOICE 32

typedef enum { V_CONST, V_UNIFORM, V_LOGUNIFORM, V_NORMAL, V_CHOICE } vkind;

typedef struct {
    vkind  kind;
    int    n;                 // number of args / choices
    double a[MAX_CHOICE];     // numbers, or enum indices
    char  *s[MAX_CHOICE];     // STR values (owned)
} pval;

typedef struct {
    const aug_effect *e;
    double prob;
    int    set[AUG_MAX_PARAMS];
    pval   v[AUG_MAX_PARAMS];
} aug_op;

struct aug_spec {
    aug_op *ops;
    int     n_ops;
};

// ---------------------------------------------------------------------------- parser

typedef struct {
    const char    *s;
    int            i;
    aug_parse_err *err;
} parser;

static int fail(parser *p, int pos, int code, const char *fmt, ...) {
    if (p->err) {
        p->err->pos = pos;
        p->err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}

static void skip_ws(parser *p) { while (p->s[p->i] == ' ' || p->s[p->i] == '\t') p->i++; }

static int ident_len(const char *s) {
    int n = 0;
    if (!(isalpha((unsigned char)s[0]) || s[0] == '_')) return 0;
    while (isalnum((unsigned char)s[n]) || s[n] == '_') n++;
    return n;
}

static int is_word_char(char c) {
    return c && !strchr(",|()=@ \t", c);
}

// A number at p->i (strtod syntax, finite). Returns 0 and advances, or fails.
static int parse_number(parser *p, double *out) {
    const char *start = p->s + p->i;
    char *end;
    double v = strtod(start, &end);
    if (end == start || !is_word_char(*start) || isalpha((unsigned char)*start))
        return fail(p, p->i, GD_ERR_PARSE, "expected a number");
    if (isalnum((unsigned char)*end) || *end == '.' || *end == '_')
        return fail(p, (int)(end - p->s), GD_ERR_PARSE, "unexpected character in number");
    if (!isfinite(v)) return fail(p, p->i, GD_ERR_PARSE, "number must be finite");
    *out = v;
    p->i = (int)(end - p->s);
    return 0;
}

// One atom (number, enum word or path) for parameter pp into v->a[k] / v->s[k].
static int parse_atom(parser *p, const aug_param *pp, const aug_effect *e, pval *v, int k) {
    skip_ws(p);
    int pos = p->i;
    if (pp->type == AUG_P_NUM) {
        int rc = parse_number(p, &v->a[k]);
        if (rc) return rc;
        if (v->a[k] < pp->lo || v->a[k] > pp->hi)
            return fail(p, pos, GD_ERR_RANGE, "%s: %s=%g out of range [%g, %g]", e->name,
                        pp->name, v->a[k], pp->lo, pp->hi);
        return 0;
    }
    int n = 0;
    if (pp->type == AUG_P_STR && p->s[p->i] == '@') n++;   // @pool
    while (is_word_char(p->s[p->i + n])) n++;
    if (n == 0) return fail(p, pos, GD_ERR_PARSE, "expected a value for %s", pp->name);
    if (pp->type == AUG_P_ENUM) {
        int idx = aug__enum_find(pp->choices, p->s + pos, n);
        if (idx < 0)
            return fail(p, pos, GD_ERR_RANGE, "%s: %s must be one of %s", e->name, pp->name,
                        pp->choices);
        v->a[k] = idx;
    } else {
        v->s[k] = malloc(n + 1);
        if (!v->s[k]) return GD_ERR_NOMEM;
        memcpy(v->s[k], p->s + pos, n);
        v->s[k][n] = 0;
    }
    p->i += n;
    return 0;
}

static int parse_value(parser *p, const aug_effect *e, int pi, pval *v) {
    const aug_param *pp = &e->params[pi];
    skip_ws(p);
    int pos = p->i;
    int fl = ident_len(p->s + pos);
    static const struct { const char *name; vkind kind; } fns[] = {
        {"uniform", V_UNIFORM}, {"loguniform", V_LOGUNIFORM}, {"normal", V_NORMAL},
        {"choice", V_CHOICE}};
    for (int f = 0; fl && f < 4; f++) {
        if ((int)strlen(fns[f].name) != fl || memcmp(fns[f].name, p->s + pos, fl)) continue;
        int after = pos + fl;
        while (p->s[after] == ' ') after++;
        if (p->s[after] != '(') break;   // a plain word that happens to be a function name
        v->kind = fns[f].kind;
        if (v->kind != V_CHOICE && pp->type != AUG_P_NUM)
            return fail(p, pos, GD_ERR_PARSE, "%s: %s takes a word; only choice(...) can draw it",
                        e->name, pp->name);
        p->i = after + 1;
        v->n = 0;
        for (;;) {
            if (v->n >= MAX_CHOICE) return fail(p, p->i, GD_ERR_PARSE, "too many arguments");
            int apos = p->i;
            if (v->kind == V_CHOICE) {
                int rc = parse_atom(p, pp, e, v, v->n);
                if (rc) return rc;
            } else {
                skip_ws(p);
                apos = p->i;
                int rc = parse_number(p, &v->a[v->n]);
                if (rc) return rc;
            }
            (void)apos;
            v->n++;
            skip_ws(p);
            if (p->s[p->i] == ',') { p->i++; continue; }
            if (p->s[p->i] == ')') { p->i++; break; }
            return fail(p, p->i, GD_ERR_PARSE, "expected ',' or ')' in %s(...)", fns[f].name);
        }
        if (v->kind != V_CHOICE && v->n != 2)
            return fail(p, pos, GD_ERR_PARSE, "%s() takes 2 arguments, got %d", fns[f].name, v->n);
        double a = v->a[0], b = v->a[1];
        if (v->kind == V_UNIFORM || v->kind == V_LOGUNIFORM) {
            if (a > b) return fail(p, pos, GD_ERR_RANGE, "%s: %s(%g,%g) needs a <= b", e->name, fns[f].name, a, b);
            if (v->kind == V_LOGUNIFORM && a <= 0)
                return fail(p, pos, GD_ERR_RANGE, "%s: loguniform needs a > 0", e->name);
            if (a < pp->lo || b > pp->hi)
                return fail(p, pos, GD_ERR_RANGE, "%s: %s=%s(%g,%g) out of range [%g, %g]", e->name,
                            pp->name, fns[f].name, a, b, pp->lo, pp->hi);
        } else if (v->kind == V_NORMAL) {
            if (b < 0) return fail(p, pos, GD_ERR_RANGE, "%s: normal(m,s) needs s >= 0", e->name);
            if (a < pp->lo || a > pp->hi)
                return fail(p, pos, GD_ERR_RANGE, "%s: %s=normal(%g,...) mean out of range [%g, %g]",
                            e->name, pp->name, a, pp->lo, pp->hi);
        }
        return 0;
    }
    v->kind = V_CONST;
    v->n = 1;
    return parse_atom(p, pp, e, v, 0);
}

static int parse_op(parser *p, aug_op *op) {
    skip_ws(p);
    int pos = p->i;
    int n = ident_len(p->s + pos);
    if (!n) return fail(p, pos, GD_ERR_PARSE, "expected an effect name");
    op->e = aug__effect_find(p->s + pos, n);
    if (!op->e) return fail(p, pos, GD_ERR_PARSE, "unknown effect '%.*s'", n, p->s + pos);
    p->i += n;
    op->prob = 1;
    skip_ws(p);
    if (p->s[p->i] == '@') {
        p->i++;
        skip_ws(p);
        int ppos = p->i;
        int rc = parse_number(p, &op->prob);
        if (rc) return rc;
        if (op->prob < 0 || op->prob > 1)
            return fail(p, ppos, GD_ERR_RANGE, "%s: probability %g out of range [0, 1]", op->e->name, op->prob);
        skip_ws(p);
    }
    if (p->s[p->i] != ':') return 0;
    p->i++;
    for (;;) {
        skip_ws(p);
        int kpos = p->i;
        int kl = ident_len(p->s + kpos);
        if (!kl) return fail(p, kpos, GD_ERR_PARSE, "expected a parameter name");
        int pi = aug__param_find(op->e, p->s + kpos, kl);
        if (pi < 0) return fail(p, kpos, GD_ERR_PARSE, "%s has no parameter '%.*s'", op->e->name, kl, p->s + kpos);
        if (op->set[pi]) return fail(p, kpos, GD_ERR_PARSE, "parameter '%.*s' given twice", kl, p->s + kpos);
        p->i += kl;
        skip_ws(p);
        if (p->s[p->i] != '=') return fail(p, p->i, GD_ERR_PARSE, "expected '=' after %.*s", kl, p->s + kpos);
        p->i++;
        op->set[pi] = 1;
        int rc = parse_value(p, op->e, pi, &op->v[pi]);
        if (rc) return rc;
        skip_ws(p);
        if (p->s[p->i] == ',') { p->i++; continue; }
        return 0;
    }
}

void aug_spec_free(aug_spec *s) {
    if (!s) return;
    for (int i = 0; i < s->n_ops; i++)
        for (int j = 0; j < AUG_MAX_PARAMS; j++)
            for (int k = 0; k < MAX_CHOICE; k++) free(s->ops[i].v[j].s[k]);
    free(s->ops);
    free(s);
}

int aug_spec_parse(aug_spec **out, const char *ops, aug_parse_err *err) {
    *out = NULL;
    aug_parse_err dummy;
    parser p = {ops, 0, err ? err : &dummy};
    aug_spec *s = calloc(1, sizeof *s);
    int cap = 1;
    for (const char *c = ops; *c; c++) cap += *c == '|';
    if (!s || !(s->ops = calloc(cap, sizeof *s->ops))) { free(s); return GD_ERR_NOMEM; }
    skip_ws(&p);
    if (!ops[p.i]) { *out = s; return 0; }   // empty chain: identity
    for (;;) {
        int rc = parse_op(&p, &s->ops[s->n_ops]);
        s->n_ops++;
        if (rc) { aug_spec_free(s); return rc; }
        skip_ws(&p);
        if (ops[p.i] == '|') { p.i++; continue; }
        if (ops[p.i] == 0) break;
        int rc2 = fail(&p, p.i, GD_ERR_PARSE, "unexpected '%c' (expected ',' between parameters or '|' between effects)", ops[p.i]);
        aug_spec_free(s);
        return rc2;
    }
    *out = s;
    return 0;
}

int aug_spec_is_resolved(const aug_spec *s) {
    for (int i = 0; i < s->n_ops; i++) {
        if (s->ops[i].prob != 1) return 0;
        for (int j = 0; j < s->ops[i].e->n_params; j++)
            if (s->ops[i].set[j] && s->ops[i].v[j].kind != V_CONST) return 0;
        for (int j = 0; j < s->ops[i].e->n_params; j++)
            if (s->ops[i].set[j] && s->ops[i].v[j].s[0] && !strcmp(s->ops[i].v[j].s[0], "@pool")) return 0;
    }
    return 1;
}

// ---------------------------------------------------------------------------- resolver

typedef struct { char *buf; size_t len, cap; int oom; } sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->buf ? b->buf + b->len : NULL, b->buf ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) { b->oom = 1; return; }
        if (b->buf && b->len + n < b->cap) { b->len += n; return; }
        size_t nc = (b->cap + n + 64) * 2;
        char *nb = realloc(b->buf, nc);
        if (!nb) { b->oom = 1; return; }
        b->buf = nb;
        b->cap = nc;
    }
}

static double draw_num(const pval *v, const aug_param *pp, gd_rng *rng) {
    double x;
    switch (v->kind) {
    case V_UNIFORM:    x = gd_rng_range(rng, v->a[0], v->a[1]); break;
    case V_LOGUNIFORM: x = exp(gd_rng_range(rng, log(v->a[0]), log(v->a[1]))); break;
    case V_NORMAL:     x = v->a[0] + v->a[1] * gd_rng_normal(rng); break;
    case V_CHOICE:     x = v->a[gd_rng_below(rng, (uint64_t)v->n)]; break;
    default:           x = v->a[0];
    }
    if (x < pp->lo) x = pp->lo;
    if (x > pp->hi) x = pp->hi;
    return x;
}

int aug_spec_resolve(char **out, const aug_spec *s, gd_rng *rng, const aug_ctx *ctx) {
    sbuf b = {0};
    sb_printf(&b, "%s", "");
    int first = 1;
    for (int i = 0; i < s->n_ops; i++) {
        const aug_op *op = &s->ops[i];
        const aug_effect *e = op->e;
        double u = gd_rng_uniform(rng);
        if (!(u < op->prob)) continue;
        sb_printf(&b, "%s%s", first ? "" : "|", e->name);
        first = 0;
        int n_out = 0, has_seed = 0;
        for (int j = 0; j < e->n_params; j++) {
            const aug_param *pp = &e->params[j];
            int is_seed = !strcmp(pp->name, "seed");
            if (!op->set[j] && !(is_seed && (e->flags & AUG_F_RANDOM))) continue;
            sb_printf(&b, "%s%s=", n_out++ ? "," : ":", pp->name);
            if (is_seed) has_seed = 1;
            if (!op->set[j]) {
                sb_printf(&b, "%u", gd_rng_u32(rng));
            } else if (pp->type == AUG_P_NUM) {
                double x = draw_num(&op->v[j], pp, rng);
                if (is_seed) sb_printf(&b, "%.0f", x);
                else sb_printf(&b, "%.7g", x);
            } else {
                int k = op->v[j].kind == V_CHOICE ? (int)gd_rng_below(rng, (uint64_t)op->v[j].n) : 0;
                if (pp->type == AUG_P_ENUM) {
                    char w[64];
                    aug__enum_word(w, sizeof w, pp->choices, (int)op->v[j].a[k]);
                    sb_printf(&b, "%s", w);
                } else if (!strcmp(op->v[j].s[k], "@pool")) {
                    if (!ctx || ctx->n_pool <= 0) {
                        gd_error("%s: %s=@pool needs an input pool (augment run)", e->name, pp->name);
                        free(b.buf);
                        return GD_ERR_ARG;
                    }
                    sb_printf(&b, "%s", ctx->pool[gd_rng_below(rng, (uint64_t)ctx->n_pool)]);
                } else {
                    sb_printf(&b, "%s", op->v[j].s[k]);
                }
            }
        }
        (void)has_seed;
    }
    if (b.oom) { free(b.buf); return GD_ERR_NOMEM; }
    *out = b.buf;
    return 0;
}

// ---------------------------------------------------------------------------- apply

int aug_spec_apply(gd_audio *a, const aug_spec *s) {
    if (!aug_spec_is_resolved(s)) {
        gd_error("augment: ops still hold distributions or probabilities; resolve them first");
        return GD_ERR_ARG;
    }
    for (int i = 0; i < s->n_ops; i++) {
        const aug_op *op = &s->ops[i];
        const aug_effect *e = op->e;
        aug_vals v;
        for (int j = 0; j < e->n_params; j++) {
            v.num[j] = op->set[j] && e->params[j].type != AUG_P_STR ? op->v[j].a[0] : e->params[j].def;
            v.str[j] = op->set[j] && e->params[j].type == AUG_P_STR ? op->v[j].s[0] : "";
        }
        int rc = e->apply(a, &v);
        if (rc) return rc;
    }
    int64_t total = a->n_frames * a->n_channels;
    int bad = 0;   // branch-free first (vectorises): v - v is 0 for finite v, NaN otherwise
    for (int64_t i = 0; i < total; i++) bad |= (a->data[i] - a->data[i]) != 0.0f;
    for (int64_t i = 0; bad && i < total; i++)
        if (!isfinite(a->data[i])) {
            gd_error("augment: chain produced a non-finite sample at frame %lld",
                     (long long)(i % (a->n_frames ? a->n_frames : 1)));
            return GD_ERR_NUMERIC;
        }
    return 0;
}

int aug_chain_run(gd_audio *a, const char *ops, gd_rng *rng, char **resolved) {
    aug_spec *s = NULL, *r = NULL;
    aug_parse_err err;
    char *res = NULL;
    int rc = aug_spec_parse(&s, ops, &err);
    if (rc) {
        gd_error("ops: %s at character %d of '%s'", err.msg, err.pos + 1, ops);
        return rc;
    }
    rc = aug_spec_resolve(&res, s, rng, NULL);
    if (!rc) {
        rc = aug_spec_parse(&r, res, &err);
        if (rc) gd_error("ops: internal: resolved chain '%s' does not parse: %s", res, err.msg);
    }
    if (!rc) rc = aug_spec_apply(a, r);
    if (!rc && resolved) *resolved = res;
    else free(res);
    aug_spec_free(s);
    aug_spec_free(r);
    return rc;
}

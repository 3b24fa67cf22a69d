// sequence.c: loops from hits: tempo, pattern, swing, jitter, velocity humanisation with
// brightness coupling, round robin (see sequence.h).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/biquad.h"     // defines: aug_biquad_*
#include "augment/sequence.h"   // defines: aug_seq_opts, aug_seq_hit
#include "core/error.h"         // defines: GD_ERR_*
#include "core/log.h"           // defines: gd_error
#include "core/rng.h"           // defines: gd_rng_*

aug_seq_opts aug_seq_defaults(void) {
    return (aug_seq_opts){110, 0, 5, 2, 0.3, 6, 16, NULL};
}

static double step_velocity(char c) {
    return c == 'X' ? 1.0 : c == 'x' ? 0.7 : c == 'o' ? 0.4 : 0;
}

// Random pattern: n_lanes lanes of steps characters, '/' separated (malloc'd).
static char *random_pattern(int n_lanes, int steps, double density, gd_rng *rng) {
    char *p = malloc((size_t)n_lanes * (steps + 1) + 1), *q = p;
    for (int l = 0; l < n_lanes; l++) {
        for (int s = 0; s < steps; s++) {
            double pr = s % 4 == 0 ? fmin(1, 2 * density) : density;
            double u = gd_rng_uniform(rng), v = gd_rng_uniform(rng);
            *q++ = u < pr ? (v < 0.3 ? 'X' : v < 0.85 ? 'x' : 'o') : '.';
        }
        *q++ = l + 1 < n_lanes ? '/' : 0;
    }
    if (n_lanes == 0) *q = 0;
    return p;
}

// Parses "sequence:k=v,k=v,..." into its fields (pattern and rr malloc'd into *pat, *rr).
typedef struct {
    double   tempo, swing, jitter_ms, vel_sd_db, min_len_s;
    char    *pattern;
    int     *rr;         // round-robin start per instrument
    int      n_rr;
    uint64_t seed;       // humanisation stream (jitter, velocity)
} seq_plan;

static void plan_free(seq_plan *p) { free(p->pattern); free(p->rr); }

static int plan_parse(seq_plan *p, const char *desc) {
    memset(p, 0, sizeof *p);
    p->min_len_s = 6;
    if (strncmp(desc, "sequence:", 9)) return GD_ERR_PARSE;
    char *buf = strdup(desc + 9);
    if (!buf) return GD_ERR_NOMEM;
    int rc = 0, have = 0;
    for (char *save = NULL, *kv = strtok_r(buf, ",", &save); kv && !rc; kv = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(kv, '=');
        if (!eq) { rc = GD_ERR_PARSE; break; }
        *eq++ = 0;
        if (!strcmp(kv, "tempo")) { p->tempo = strtod(eq, NULL); have |= 1; }
        else if (!strcmp(kv, "swing")) p->swing = strtod(eq, NULL);
        else if (!strcmp(kv, "jitter")) p->jitter_ms = strtod(eq, NULL);
        else if (!strcmp(kv, "vel_sd")) p->vel_sd_db = strtod(eq, NULL);
        else if (!strcmp(kv, "min_len")) p->min_len_s = strtod(eq, NULL);
        else if (!strcmp(kv, "seed")) { p->seed = strtoull(eq, NULL, 10); have |= 2; }
        else if (!strcmp(kv, "pattern")) { free(p->pattern); p->pattern = strdup(eq); have |= 4; }
        else if (!strcmp(kv, "rr")) {
            free(p->rr);
            p->n_rr = 1;
            for (const char *c = eq; *c; c++) p->n_rr += *c == '/';
            p->rr = malloc((size_t)p->n_rr * sizeof(int));
            if (!p->rr) { rc = GD_ERR_NOMEM; break; }
            char *e = eq;
            for (int k = 0; k < p->n_rr; k++) { p->rr[k] = (int)strtol(e, &e, 10); if (*e == '/') e++; }
            have |= 8;
        } else if (strcmp(kv, "bars")) rc = GD_ERR_PARSE;   // bars: derived, informative
    }
    free(buf);
    if (!rc && have != 15) rc = GD_ERR_PARSE;
    if (!rc && !(p->tempo >= 20 && p->tempo <= 400)) rc = GD_ERR_RANGE;
    if (rc) { gd_error("sequence: cannot parse '%s'", desc); plan_free(p); }
    return rc;
}

int aug_sequence_render(float **out, int64_t *n_out, const char *desc, const aug_seq_hit *hits,
                        int n_hits, int n_instruments, int rate) {
    *out = NULL;
    if (n_hits <= 0 || n_instruments <= 0) return GD_ERR_EMPTY;
    seq_plan pl;
    int rc = plan_parse(&pl, desc);
    if (rc) return rc;
    if (pl.n_rr != n_instruments) {
        gd_error("sequence: %d round-robin starts for %d instruments", pl.n_rr, n_instruments);
        plan_free(&pl);
        return GD_ERR_ARG;
    }
    const char *pat = pl.pattern;
    for (const char *c = pat; *c; c++)
        if (!strchr("Xxo.-/", *c)) {
            gd_error("sequence: pattern character '%c' is not one of X x o . - /", *c);
            plan_free(&pl);
            return GD_ERR_ARG;
        }
    int steps = (int)strcspn(pat, "/");
    if (steps == 0) { plan_free(&pl); gd_error("sequence: empty pattern lane"); return GD_ERR_ARG; }
    gd_rng hum;
    gd_rng_init(&hum, pl.seed, gd_rng_stream_id("sequence", "humanise"));
    double step_s = 60.0 / pl.tempo / 4, bar_s = steps * step_s;
    int n_bars = (int)ceil(pl.min_len_s / bar_s - 1e-9);
    if (n_bars < 1) n_bars = 1;
    int64_t longest = 0;
    for (int i = 0; i < n_hits; i++) longest = hits[i].n > longest ? hits[i].n : longest;
    int64_t body = (int64_t)ceil(n_bars * bar_s * rate), n = body + longest + rate / 10;
    int64_t min_n = (int64_t)ceil(pl.min_len_s * rate);
    if (n < min_n) n = min_n;
    float *y = calloc((size_t)n, sizeof(float)), *tmp = malloc((size_t)(longest + 1) * sizeof(float));
    int *rr = calloc(n_instruments, sizeof(int)), *cnt = calloc(n_instruments, sizeof(int));
    if (!y || !tmp || !rr || !cnt) { free(y); free(tmp); free(rr); free(cnt); plan_free(&pl); return GD_ERR_NOMEM; }
    for (int i = 0; i < n_hits; i++) cnt[hits[i].instrument]++;
    for (int k = 0; k < n_instruments; k++) rr[k] = pl.rr[k];
    int64_t last_end = 0;
    for (int bar = 0; bar < n_bars; bar++) {
        int lane = 0;
        for (const char *c = pat; *c; c++) {
            if (*c == '/') { lane++; continue; }
            int s = (int)((c - pat) - lane * (steps + 1));
            double v = step_velocity(*c);
            if (v == 0 || s >= steps) continue;
            int inst = lane % n_instruments;
            if (!cnt[inst]) continue;
            int pick = rr[inst]++ % cnt[inst], h = -1;   // round robin within the instrument
            for (int i = 0, seen = 0; i < n_hits; i++)
                if (hits[i].instrument == inst && seen++ == pick) { h = i; break; }
            double t = (bar * steps + s) * step_s + (s % 2 ? pl.swing * step_s : 0) +
                       pl.jitter_ms * 1e-3 * gd_rng_normal(&hum);
            double db = 20 * log10(v) + pl.vel_sd_db * gd_rng_normal(&hum);
            int64_t at = (int64_t)llround(t * rate);
            if (at < 0) at = 0;
            const aug_seq_hit *hh = &hits[h];
            memcpy(tmp, hh->x, (size_t)hh->n * sizeof(float));
            aug_biquad bq;
            aug_biquad_design(&bq, AUG_BQ_HIGHSHELF, 2500, M_SQRT1_2, 0.5 * db, rate);
            aug_biquad_run(&bq, tmp, hh->n);
            float g = (float)pow(10, db / 20);
            for (int64_t i = 0; i < hh->n && at + i < n; i++) y[at + i] += g * tmp[i];
            if (at + hh->n > last_end) last_end = at + hh->n;
        }
    }
    if (last_end < min_n) last_end = min_n;
    if (last_end < body) last_end = body;   // whole bars at least (loopable)
    if (last_end < n) n = last_end;
    float pk = 0;   // overlapping hits may exceed full scale: scale down rather than clip
    for (int64_t i = 0; i < n; i++) pk = fmaxf(pk, fabsf(y[i]));
    if (pk > 0.98f)
        for (int64_t i = 0; i < n; i++) y[i] *= 0.98f / pk;
    free(tmp); free(rr); free(cnt); plan_free(&pl);
    *out = y;
    *n_out = n;
    return 0;
}

int aug_sequence(float **out, int64_t *n_out, char **desc, const aug_seq_hit *hits, int n_hits,
                 int n_instruments, int rate, const aug_seq_opts *o, gd_rng *rng) {
    *out = NULL;
    *desc = NULL;
    if (n_hits <= 0 || n_instruments <= 0) return GD_ERR_EMPTY;
    // resolve: pattern, round-robin starts, humanisation seed; then render from the record
    char *pat = o->pattern ? strdup(o->pattern)
                           : random_pattern(n_instruments < 4 ? n_instruments : 4, o->steps, o->density, rng);
    int *cnt = calloc(n_instruments, sizeof(int));
    size_t cap = (pat ? strlen(pat) : 0) + 32 * (size_t)n_instruments + 512;
    char *buf = malloc(cap);
    if (!pat || !cnt || !buf) { free(pat); free(cnt); free(buf); return GD_ERR_NOMEM; }
    for (int i = 0; i < n_hits; i++) cnt[hits[i].instrument]++;
    int steps = (int)strcspn(pat, "/");
    double bar_s = steps * 60.0 / o->tempo / 4;
    int n_bars = steps ? (int)ceil(o->min_len_s / bar_s - 1e-9) : 0;
    size_t len = (size_t)snprintf(buf, cap,
        "sequence:tempo=%.17g,swing=%.17g,jitter=%.17g,vel_sd=%.17g,min_len=%.17g,bars=%d,rr=",
        o->tempo, o->swing, o->jitter_ms, o->vel_sd_db, o->min_len_s, n_bars < 1 ? 1 : n_bars);
    for (int k = 0; k < n_instruments; k++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%d", k ? "/" : "",
                                cnt[k] ? (int)gd_rng_below(rng, (uint64_t)cnt[k]) : 0);
    snprintf(buf + len, cap - len, ",seed=%u,pattern=%s", gd_rng_u32(rng), pat);
    free(pat);
    free(cnt);
    int rc = aug_sequence_render(out, n_out, buf, hits, n_hits, n_instruments, rate);
    if (rc) { free(buf); return rc; }
    *desc = buf;
    return 0;
}

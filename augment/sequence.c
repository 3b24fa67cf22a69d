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

int aug_sequence(float **out, int64_t *n_out, char **desc, const aug_seq_hit *hits, int n_hits,
                 int n_instruments, int rate, const aug_seq_opts *o, gd_rng *rng) {
    *out = NULL;
    *desc = NULL;
    if (n_hits <= 0 || n_instruments <= 0) return GD_ERR_EMPTY;
    char *pat = o->pattern ? strdup(o->pattern)
                           : random_pattern(n_instruments < 4 ? n_instruments : 4, o->steps, o->density, rng);
    if (!pat) return GD_ERR_NOMEM;
    for (const char *c = pat; *c; c++)
        if (!strchr("Xxo.-/", *c)) {
            gd_error("sequence: pattern character '%c' is not one of X x o . - /", *c);
            free(pat);
            return GD_ERR_ARG;
        }
    int steps = (int)strcspn(pat, "/");
    if (steps == 0) { free(pat); gd_error("sequence: empty pattern lane"); return GD_ERR_ARG; }
    double step_s = 60.0 / o->tempo / 4, bar_s = steps * step_s;
    int n_bars = (int)ceil(o->min_len_s / bar_s - 1e-9);
    if (n_bars < 1) n_bars = 1;
    int64_t longest = 0;
    for (int i = 0; i < n_hits; i++) longest = hits[i].n > longest ? hits[i].n : longest;
    int64_t body = (int64_t)ceil(n_bars * bar_s * rate), n = body + longest + rate / 10;
    int64_t min_n = (int64_t)ceil(o->min_len_s * rate);
    if (n < min_n) n = min_n;
    float *y = calloc((size_t)n, sizeof(float)), *tmp = malloc((size_t)(longest + 1) * sizeof(float));
    int *rr = calloc(n_instruments, sizeof(int)), *cnt = calloc(n_instruments, sizeof(int));
    if (!y || !tmp || !rr || !cnt) { free(y); free(tmp); free(rr); free(cnt); free(pat); return GD_ERR_NOMEM; }
    for (int i = 0; i < n_hits; i++) cnt[hits[i].instrument]++;
    for (int k = 0; k < n_instruments; k++) rr[k] = cnt[k] ? (int)gd_rng_below(rng, (uint64_t)cnt[k]) : 0;
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
            double t = (bar * steps + s) * step_s + (s % 2 ? o->swing * step_s : 0) +
                       o->jitter_ms * 1e-3 * gd_rng_normal(rng);
            double db = 20 * log10(v) + o->vel_sd_db * gd_rng_normal(rng);
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
    char buf[1024];
    snprintf(buf, sizeof buf, "sequence:tempo=%.7g,swing=%.7g,jitter=%.7g,vel_sd=%.7g,bars=%d,pattern=%s",
             o->tempo, o->swing, o->jitter_ms, o->vel_sd_db, n_bars, pat);
    *desc = strdup(buf);
    free(tmp); free(rr); free(cnt); free(pat);
    *out = y;
    *n_out = n;
    return *desc ? 0 : GD_ERR_NOMEM;
}

// split_check.c: groups, sha256s and near-duplicate recordings straddling splits (see
// split_check.h).
#include "pipeline/split_check.h" // defines: pl_split_*
#include "core/audio.h"           // defines: gd_audio_read
#include "core/error.h"           // defines: GD_ERR_*
#include "core/fft.h"             // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"         // defines: gd_fftwise_r2c, gd_fftwise_c2r
#include "core/log.h"             // defines: gd_error

#include <math.h>
#include <samplerate.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define UPSAMPLE 4   // lag resolution of the correlation: a quarter of a decimated sample
#define BATCH    32  // pairs scored between two looks at the pruning cutoff (not per thread)
#define BLOCK    64  // spectrum bins per band of the coarse bound

// --------------------------------------------------------------------------- labels

typedef struct { const char *key; int index; } keyed;

static int cmp_keyed(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : x->index - y->index;
}

static void name_both(FILE *out, const gd_manifest *m, int a, int b) {
    const gd_manifest_entry *x = &m->entries[a], *y = &m->entries[b];
    fprintf(out, "'%s' (line %d, %s) and '%s' (line %d, %s)", x->id, x->line, x->split, y->id,
            y->line, y->split);
}

// first[i]: the first entry (manifest order) sharing entry i's key (group or sha256, the
// string at byte offset `field` of the entry).
static int first_with_same(const gd_manifest *m, size_t field, int *first) {
    int n = m->n_entries;
    keyed *k = malloc(sizeof *k * (size_t)(n ? n : 1));
    if (!k) return GD_ERR_NOMEM;
    for (int i = 0; i < n; i++)
        k[i] = (keyed){*(char *const *)((const char *)&m->entries[i] + field), i};
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    for (int r = 0, head = 0; r < n; r++) {
        if (r && strcmp(k[r].key, k[r - 1].key)) head = r;
        first[k[r].index] = k[head].index;
    }
    free(k);
    return GD_OK;
}

// Fills first_group/first_sha (n entries each); returns the number of problem lines written.
static int label_problems(const gd_manifest *m, FILE *out, int *first_group, int *first_sha) {
    if (first_with_same(m, offsetof(gd_manifest_entry, group), first_group) ||
        first_with_same(m, offsetof(gd_manifest_entry, sha256), first_sha))
        return -1;
    int n_bad = 0;
    for (int i = 0; i < m->n_entries; i++) {
        const gd_manifest_entry *e = &m->entries[i];
        int g = first_group[i], s = first_sha[i];
        if (strcmp(m->entries[g].split, e->split)) {
            fprintf(out, "%s:%d: group '%s' is in two splits: ", m->path, e->line, e->group);
            name_both(out, m, g, i);
            fputc('\n', out);
            n_bad++;
        }
        if (strcmp(m->entries[s].split, e->split)) {
            fprintf(out, "%s:%d: sha256 %.16s... is in two splits: ", m->path, e->line, e->sha256);
            name_both(out, m, s, i);
            fputc('\n', out);
            n_bad++;
        }
    }
    return n_bad;
}

int pl_split_check_labels(const gd_manifest *m, FILE *out) {
    int n = m->n_entries ? m->n_entries : 1;
    int *fg = malloc(sizeof(int) * (size_t)n), *fs = malloc(sizeof(int) * (size_t)n);
    int n_bad = fg && fs ? label_problems(m, out, fg, fs) : -1;
    free(fg);
    free(fs);
    return n_bad;
}

// --------------------------------------------------------------------------- signals

typedef struct {
    float  *spec;     // N/2 + 1 complex bins of the zero-padded signal (aligned)
    float  *mag;      // their magnitudes
    double *band;     // mag^2 summed over bands of BLOCK bins (full-spectrum weights)
    double  energy;   // sum of squared samples
    double  power;    // sum over the full spectrum of mag^2 (= N energy, up to rounding)
    int64_t len;      // samples at PL_SPLIT_RATE, at most PL_SPLIT_MAX_S seconds
} signal;

static void signal_free(signal *s) {
    gd_fft_free(s->spec);
    free(s->mag);
    free(s->band);
}

// Reads entry e as mono PL_SPLIT_RATE audio: *x (malloc'd) and s->len, its length, the first
// PL_SPLIT_MAX_S seconds at most. libsamplerate's fastest sinc converter (97 dB SNR, 80 %
// of the band) is plenty for a similarity score and 10x faster than core's best-quality
// gd_resample, which would be most of the check's time.
static int read_mono(const gd_manifest_entry *e, signal *s, float **x) {
    gd_audio a;
    int err = gd_audio_read(&a, e->full_path, 0, 1);
    if (err) return err;
    int64_t cap = (int64_t)PL_SPLIT_MAX_S * a.rate, n = a.n_frames < cap ? a.n_frames : cap;
    if (a.rate == PL_SPLIT_RATE) {
        *x = a.data;
        s->len = n;
        return GD_OK;
    }
    double ratio = (double)PL_SPLIT_RATE / a.rate;
    int64_t want = llround((double)n * ratio);
    float *y = calloc((size_t)(want > 0 ? want : 1), sizeof(float));
    SRC_DATA d = {.data_in = a.data, .data_out = y, .input_frames = (long)n,
                  .output_frames = (long)want, .end_of_input = 1, .src_ratio = ratio};
    int src_err = y ? src_simple(&d, SRC_SINC_FASTEST, 1) : 0;
    gd_audio_free(&a);
    if (!y) return GD_ERR_NOMEM;
    if (src_err) {
        free(y);
        gd_error("%s: libsamplerate: %s", e->full_path, src_strerror(src_err));
        return GD_ERR_INTERNAL;
    }
    *x = y;
    s->len = want;   // a shorter output leaves zeros at the end
    return GD_OK;
}

// Spectrum, magnitudes and energy of x (len samples) zero-padded to n.
static int analyse(signal *s, const float *x, int n) {
    float *pad = gd_fft_alloc(n);
    s->spec = gd_fft_alloc(n + 2);
    s->mag = malloc(sizeof(float) * (size_t)(n / 2 + 1));
    s->band = calloc((size_t)(n / 2 / BLOCK + 1), sizeof(double));
    if (!pad || !s->spec || !s->mag || !s->band) { gd_fft_free(pad); return GD_ERR_NOMEM; }
    memcpy(pad, x, sizeof(float) * (size_t)s->len);
    memset(pad + s->len, 0, sizeof(float) * (size_t)(n - s->len));
    double e = 0;
    for (int64_t i = 0; i < s->len; i++) e += (double)x[i] * x[i];
    s->energy = e;
    int err = gd_fftwise_r2c(n, 1, pad, s->spec);
    gd_fft_free(pad);
    if (err) return err;
    double p = 0;
    for (int k = 0; k <= n / 2; k++) {
        float re = s->spec[2 * k], im = s->spec[2 * k + 1];
        s->mag[k] = sqrtf(re * re + im * im);
        double w = (k == 0 || k == n / 2 ? 1.0 : 2.0) * (double)s->mag[k] * s->mag[k];
        s->band[k / BLOCK] += w;
        p += w;
    }
    s->power = p;
    return GD_OK;
}

// Loads every entry not skipped; *n_fft: the common FFT size (a power of two >= 2 L).
static int load_signals(const gd_manifest *m, const unsigned char *skip, signal *sig,
                        int *n_fft) {
    int n = m->n_entries, err = GD_OK;
    float **x = calloc((size_t)(n ? n : 1), sizeof(float *));
    if (!x) return GD_ERR_NOMEM;
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < n; i++) {
        if (skip && skip[i]) continue;
        int e = read_mono(&m->entries[i], &sig[i], &x[i]);
        if (e) {
#pragma omp critical(split_check_err)
            if (!err) err = e;
        }
    }
    int64_t longest = 1;
    for (int i = 0; i < n; i++) if (x[i] && sig[i].len > longest) longest = sig[i].len;
    int nf = 16;
    while (nf < 2 * longest) nf *= 2;
    *n_fft = nf;
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < n; i++) {
        if (err || !x[i]) continue;
        int e = analyse(&sig[i], x[i], nf);
        if (e) {
#pragma omp critical(split_check_err)
            if (!err) err = e;
        }
    }
    for (int i = 0; i < n; i++) free(x[i]);
    free(x);
    return err;
}

// --------------------------------------------------------------------------- scoring

typedef struct { int a, b; double bound; } cand;   // bound: band_bound

// Upper bound of c(a, b) over every lag, fractional ones included (Cauchy-Schwarz on the
// spectra): sum |A||B| / sqrt(sum |A|^2 sum |B|^2).
static double spectral_bound(const signal *a, const signal *b, int n) {
    double s = (double)a->mag[0] * b->mag[0] + (double)a->mag[n / 2] * b->mag[n / 2];
    double t = 0;
    for (int k = 1; k < n / 2; k++) t += (double)a->mag[k] * b->mag[k];
    return (s + 2 * t) / sqrt(a->power * b->power);
}

// A looser bound, 64x cheaper: Cauchy-Schwarz once more within each band of BLOCK bins,
// sum over bands of sqrt(band_a band_b) >= sum |A||B|.
static double band_bound(const signal *a, const signal *b, int n) {
    double t = 0;
    for (int k = 0; k <= n / 2 / BLOCK; k++) t += sqrt(a->band[k] * b->band[k]);
    return t / sqrt(a->power * b->power);
}

// v, or 0 when it would print as -0.00 (|v| < half a unit of the printed precision).
static double not_minus_zero(double v, double half_unit) { return fabs(v) < half_unit ? 0 : v; }

// Exact score of one pair. prod: n * UPSAMPLE + 2 floats, r: n * UPSAMPLE floats (aligned).
static void score(const signal *a, const signal *b, int n, double bound, float *prod, float *r,
                  pl_split_pair *out) {
    int big = n * UPSAMPLE, half = n / 2;
    // conj(A) B, zero above the original band: the correlation interpolated UPSAMPLE times.
    // The Nyquist bin is split between +n/2 and -n/2 (its mirror), hence the 0.5.
    memset(prod, 0, sizeof(float) * (size_t)(big + 2));
    for (int k = 0; k <= half; k++) {
        float ar = a->spec[2 * k], ai = a->spec[2 * k + 1];
        float br = b->spec[2 * k], bi = b->spec[2 * k + 1];
        float w = k == half ? 0.5f : 1.0f;
        prod[2 * k] = w * (ar * br + ai * bi);
        prod[2 * k + 1] = w * (ar * bi - ai * br);
    }
    gd_fftwise_c2r(big, 1, prod, r);   // r[m] = n * corr(m / UPSAMPLE)
    int best = 0;
    float top = 0;
    for (int m = 0; m < big; m++) if (fabsf(r[m]) > top) { top = fabsf(r[m]); best = m; }
    double y0 = fabsf(r[(best + big - 1) % big]), y1 = top, y2 = fabsf(r[(best + 1) % big]);
    double den = y0 - 2 * y1 + y2, d = 0, peak = y1;
    if (den < 0) {
        d = 0.5 * (y0 - y2) / den;
        peak = y1 - 0.25 * (y0 - y2) * d;
    }
    double c = peak / (n * sqrt(a->energy * b->energy));
    if (c > bound) c = bound;   // the parabola may overshoot; the bound never is below
    if (c > 1) c = 1;
    double lag = (best > big / 2 ? best - big : best) + d;
    out->corr = c;
    out->lag_ms = not_minus_zero(1000.0 * lag / UPSAMPLE / PL_SPLIT_RATE, 0.005);
    out->gain_db = not_minus_zero(10 * log10(b->energy / a->energy), 0.05);
}

static int cmp_cand(const void *x, const void *y) {
    const cand *a = x, *b = y;
    if (a->bound != b->bound) return a->bound < b->bound ? 1 : -1;
    return a->a != b->a ? a->a - b->a : a->b - b->b;
}

static int cmp_pair(const void *x, const void *y) {
    const pl_split_pair *a = x, *b = y;
    if (a->corr != b->corr) return a->corr < b->corr ? 1 : -1;
    return a->a != b->a ? a->a - b->a : a->b - b->b;
}

// The cross-split pairs with their bounds, best bound first.
static cand *candidates(const gd_manifest *m, const signal *sig, int n_fft, long *n_out) {
    int n = m->n_entries;
    long total = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            total += sig[i].energy > 0 && sig[j].energy > 0 &&
                     strcmp(m->entries[i].split, m->entries[j].split) != 0;
    cand *c = malloc(sizeof *c * (size_t)(total ? total : 1));
    if (!c) return NULL;
    long k = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (sig[i].energy > 0 && sig[j].energy > 0 &&
                strcmp(m->entries[i].split, m->entries[j].split) != 0)
                c[k++] = (cand){i, j, 0};
#pragma omp parallel for schedule(static)
    for (long p = 0; p < total; p++) c[p].bound = band_bound(&sig[c[p].a], &sig[c[p].b], n_fft);
    qsort(c, (size_t)total, sizeof *c, cmp_cand);
    *n_out = total;
    return c;
}

// Scores candidates best bound first until no remaining one can beat the cutoff: above
// PL_SPLIT_NEAR_DUP, or among the top `top` scores so far. A candidate whose exact bound
// is below the cutoff of its batch is left unscored (res[k].a = -1): the cutoff only rises.
// Returns the number of candidates looked at (res[0 .. return)).
static long score_until_cutoff(const cand *c, long n_cand, const signal *sig, int n_fft, int top,
                               pl_split_pair *res, int *failed) {
    double *best = malloc(sizeof(double) * (size_t)(top + 1));   // top scores, descending
    int n_best = 0;
    long pos = 0;
    if (!best) { *failed = 1; return 0; }
    while (pos < n_cand) {
        double cutoff = PL_SPLIT_NEAR_DUP;
        if (top > 0) cutoff = n_best < top ? -1 : fmin(cutoff, best[top - 1]);
        if (c[pos].bound <= cutoff) break;
        long end = pos + BATCH < n_cand ? pos + BATCH : n_cand;
#pragma omp parallel
        {
            float *prod = gd_fft_alloc((long)n_fft * UPSAMPLE + 2);
            float *r = gd_fft_alloc((long)n_fft * UPSAMPLE);
            if (!prod || !r) {
#pragma omp atomic write
                *failed = 1;
            }
#pragma omp for schedule(dynamic)
            for (long k = pos; k < end; k++) {
                res[k] = (pl_split_pair){-1, -1, 0, 0, 0};
                if (!prod || !r) continue;
                const signal *a = &sig[c[k].a], *b = &sig[c[k].b];
                double bound = spectral_bound(a, b, n_fft);
                if (bound <= cutoff) continue;
                res[k] = (pl_split_pair){c[k].a, c[k].b, 0, 0, 0};
                score(a, b, n_fft, bound, prod, r, &res[k]);
            }
            gd_fft_free(prod);
            gd_fft_free(r);
        }
        if (*failed) break;
        for (long k = pos; k < end && top > 0; k++) {   // insert into the running top list
            if (res[k].a < 0) continue;
            int at = n_best < top ? n_best++ : top;
            while (at > 0 && best[at - 1] < res[k].corr) { if (at < top) best[at] = best[at - 1]; at--; }
            if (at < top) best[at] = res[k].corr;
        }
        pos = end;
    }
    free(best);
    return pos;
}

int pl_split_near_pairs(const gd_manifest *m, const unsigned char *skip, int top,
                        pl_split_pair **pairs, int *n_pairs, long *n_cross) {
    *pairs = NULL;
    *n_pairs = 0;
    int n = m->n_entries, n_fft = 16, failed = 0;
    signal *sig = calloc((size_t)(n ? n : 1), sizeof *sig);
    if (!sig) return GD_ERR_NOMEM;
    int err = load_signals(m, skip, sig, &n_fft);
    long n_cand = 0, n_scored = 0;
    cand *c = err ? NULL : candidates(m, sig, n_fft, &n_cand);
    pl_split_pair *res = c ? malloc(sizeof *res * (size_t)(n_cand ? n_cand : 1)) : NULL;
    if (!err && !res) err = GD_ERR_NOMEM;
    if (!err) n_scored = score_until_cutoff(c, n_cand, sig, n_fft, top, res, &failed);
    if (!err && failed) err = GD_ERR_NOMEM;
    if (!err) {
        long n_res = 0;
        for (long k = 0; k < n_scored; k++) if (res[k].a >= 0) res[n_res++] = res[k];
        n_scored = n_res;
        qsort(res, (size_t)n_scored, sizeof *res, cmp_pair);
        long keep = 0;
        while (keep < n_scored && (keep < top || res[keep].corr > PL_SPLIT_NEAR_DUP)) keep++;
        *pairs = res;
        *n_pairs = (int)keep;
        if (n_cross) *n_cross = n_cand;
    } else free(res);
    free(c);
    for (int i = 0; i < n; i++) signal_free(&sig[i]);
    free(sig);
    return err;
}

// --------------------------------------------------------------------------- the check

int pl_split_check(const gd_manifest *m, const unsigned char *skip, FILE *out) {
    int n = m->n_entries ? m->n_entries : 1;
    int *fg = malloc(sizeof(int) * (size_t)n), *fs = malloc(sizeof(int) * (size_t)n);
    int n_bad = fg && fs ? label_problems(m, out, fg, fs) : -1;
    pl_split_pair *p = NULL;
    int n_p = 0;
    if (n_bad >= 0 && pl_split_near_pairs(m, skip, 0, &p, &n_p, NULL)) n_bad = -1;
    for (int k = 0; k < n_p && n_bad >= 0; k++) {
        int a = p[k].a, b = p[k].b;
        if (fg[a] == fg[b] || fs[a] == fs[b]) continue;   // reported above
        fprintf(out, "%s:%d: near-duplicate recordings in two splits: ", m->path,
                m->entries[b].line);
        name_both(out, m, a, b);
        fprintf(out, ": correlation %.4f at lag %+.2f ms, gain %+.1f dB\n", p[k].corr,
                p[k].lag_ms, p[k].gain_db);
        n_bad++;
    }
    free(p);
    free(fg);
    free(fs);
    return n_bad;
}

int pl_split_check_path(const char *path) {
    gd_manifest *m;
    if (gd_manifest_load(&m, path)) return 1;
    int n_bad = pl_split_check(m, NULL, stderr);
    gd_manifest_free(m);
    return n_bad != 0;
}

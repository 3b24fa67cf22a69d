// cmd_corpus.c: `gendang-eval corpus REF_DIR GEN_DIR`: how close a generated (augmented,
// synthesised) corpus is to the real recordings (eval-metrics.md §2.6, §3.5, §3.6):
//  - per-clip descriptors compared as distributions (Wasserstein-1, KS), W1 bootstrap CI;
//  - Frechet distance on frame embeddings (64-band log-mel, z-scored against the reference;
//    the aiSFX CNN's 512-d block embeddings; or external embeddings), clip-level bootstrap CI;
//  - KAD (100 x unbiased MMD^2, RBF, median-heuristic bandwidth pinned to the reference) on
//    clip-mean embeddings, bootstrap CI;
//  - the real-vs-real split-half floor for both, and the generated set subsampled to the same
//    N as one half, so "inside the floor" means indistinguishable at this N.
#include "eval/cmds.h"

#include <cblas.h>       // defines: openblas_set_num_threads
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"   // defines: gd_audio_read
#include "core/cli.h"     // defines: gd_die, gd_usage, gd_opt_*, gd_cli_quiet
#include "core/error.h"   // defines: GD_ERR_IO
#include "core/csv.h"     // defines: gd_csv_*
#include "core/fileio.h"  // defines: gd_is_dir, gd_path_join, gd_path_dirname
#include "core/json.h"    // defines: gd_json_*
#include "core/rng.h"     // defines: gd_rng_*
#include "eval/aisfx.h"   // defines: ev_aisfx_load, ev_aisfx_embed, EV_AISFX_DIM
#include "eval/corpus.h"  // defines: ev_descriptors, ev_w1_ks, ev_frechet, ev_kad_indexed
#include "eval/npy.h"     // defines: ev_npy_read
#include "eval/stats.h"   // defines: ev_quantile_sorted
#include "eval/summary.h" // defines: ev_median_inplace

typedef struct {
    int     n;            // clips
    char  **path;         // n
    char  **name;         // n (relative name: the clip id)
    double *desc;         // (n, EV_N_DESC)
    int    *n_frames;     // n
    double **frames;      // n x (n_frames[i], d)
} clip_set;

// Per clip sums: s1 (n, d) of x, s2 (n, d(d+1)/2) of x x^T, upper triangle packed row by row.
typedef struct { int d; double *s1, *s2; int *cnt; } suff_stats;

// ---------------------------------------------------------------------------- input

static void list_set(clip_set *s, const char *arg) {
    memset(s, 0, sizeof *s);
    char *root;
    char **names = NULL;
    if (gd_is_dir(arg)) {
        s->n = ev_list_audio(&names, arg);
        if (s->n < 0) gd_die("%s: cannot list folder", arg);
        root = strdup(arg);
    } else {
        gd_csv *csv;
        if (gd_csv_read(&csv, arg)) gd_die("%s: not a folder or readable metadata.csv", arg);
        int col = gd_csv_col(csv, "file_name");
        if (col < 0) gd_die("%s: no file_name column", arg);
        s->n = csv->n_rows;
        names = malloc(sizeof(char *) * (s->n ? s->n : 1));
        for (int i = 0; i < s->n; i++) names[i] = strdup(gd_csv_get(csv, i, col));
        gd_csv_free(csv);
        root = gd_path_dirname(arg);
    }
    if (s->n < 2) {
        int n = s->n;
        for (int i = 0; i < n; i++) free(names[i]);
        free(names); free(root);
        gd_die("%s: need at least 2 audio files, found %d", arg, n);
    }
    s->name = names;
    s->path = malloc(sizeof(char *) * s->n);
    for (int i = 0; i < s->n; i++) s->path[i] = gd_path_join(root, names[i]);
    free(root);
    s->desc = malloc(sizeof(double) * s->n * EV_N_DESC);
    s->n_frames = calloc(s->n, sizeof(int));
    s->frames = calloc(s->n, sizeof(double *));
    if (!s->path || !s->desc || !s->n_frames || !s->frames) gd_die("out of memory");
}

static void set_free(clip_set *s) {
    for (int i = 0; i < s->n; i++) { free(s->path[i]); free(s->name[i]); free(s->frames[i]); }
    free(s->path); free(s->name); free(s->desc); free(s->n_frames); free(s->frames);
}

// Frame embeddings computed here: none (external), 64-band log-mel, or aiSFX (eval/aisfx.h).
typedef enum { EMB_EXTERNAL, EMB_LOGMEL, EMB_AISFX } emb_kind;

// aiSFX embeddings of one clip, from the file at its own rate (the model resamples as the
// package does). Returns the block count or < 0.
static int aisfx_clip(double **emb, const ev_aisfx *net, const char *path) {
    gd_audio a = {0};
    if (gd_audio_read(&a, path, 0, 1)) return -1;
    int nb = ev_aisfx_embed(emb, net, a.data, a.n_frames, a.rate);
    gd_audio_free(&a);
    return nb;
}

// Reads every clip (mono at rate), computes descriptors and, unless external, embeddings.
static void analyse(clip_set *s, int rate, emb_kind embed, const ev_aisfx *net) {
    int bad = -1;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < s->n; i++) {
        gd_audio a = {0};
        if (gd_audio_read(&a, s->path[i], rate, 1)) {
#pragma omp critical
            if (bad < 0 || i < bad) bad = i;
            continue;
        }
        ev_descriptors(s->desc + i * EV_N_DESC, a.data, a.n_frames, rate);
        if (embed == EMB_LOGMEL) s->n_frames[i] = ev_logmel_embed(&s->frames[i], a.data, a.n_frames, rate);
        gd_audio_free(&a);
        if (embed == EMB_AISFX) s->n_frames[i] = aisfx_clip(&s->frames[i], net, s->path[i]);
    }
    if (bad >= 0) gd_die("%s: cannot read audio", s->path[bad]);
    for (int i = 0; i < s->n; i++) if (embed && s->n_frames[i] < 0) gd_die("%s: cannot compute the embedding", s->path[i]);
}

// External embeddings from a folder of .npy files: DIR/<clip name with .npy for its
// extension>, (frames, dim) or (dim,) float32/float64. Returns the dimension.
static int load_npy_dir(clip_set *s, const char *dir) {
    int d = -1;
    for (int i = 0; i < s->n; i++) {
        char rel[1024];
        snprintf(rel, sizeof rel, "%s", s->name[i]);
        char *dot = strrchr(rel, '.'), *slash = strrchr(rel, '/');
        if (dot && (!slash || dot > slash)) *dot = '\0';
        strncat(rel, ".npy", sizeof rel - strlen(rel) - 1);
        char *path = gd_path_join(dir, rel);
        int rows, cols;
        int rc = ev_npy_read(path, &s->frames[i], &rows, &cols);
        if (rc) gd_die("%s: %s", path, rc == GD_ERR_IO ? "cannot read" : "not a float32/float64 C-order .npy array");
        if (d >= 0 && cols != d) gd_die("%s: dimension %d, expected %d", path, cols, d);
        d = cols;
        s->n_frames[i] = rows;
        free(path);
    }
    return d;
}

// External embeddings: a folder of .npy files (see above) or a CSV with a header whose
// column 0 names the clip (as listed) and whose other columns are the embedding; several rows
// per clip are frames. Returns the dimension.
static int load_external(clip_set *s, const char *csv_path) {
    if (gd_is_dir(csv_path)) return load_npy_dir(s, csv_path);
    gd_csv *csv;
    if (gd_csv_read(&csv, csv_path)) gd_die("%s: cannot read embeddings CSV", csv_path);
    int d = csv->n_cols - 1;
    if (d < 1) gd_die("%s: need a clip column and at least one value column", csv_path);
    for (int r = 0; r < csv->n_rows; r++) {
        const char *id = gd_csv_get(csv, r, 0);
        int c = -1;
        for (int i = 0; i < s->n && c < 0; i++)
            if (!strcmp(s->name[i], id) || !strcmp(gd_path_basename(s->name[i]), id)) c = i;
        if (c < 0) gd_die("%s:%d: clip '%s' is not in the audio set", csv_path, r + 2, id);
        double *f = realloc(s->frames[c], sizeof(double) * (size_t)(s->n_frames[c] + 1) * d);
        if (!f) gd_die("out of memory");
        s->frames[c] = f;
        for (int k = 0; k < d; k++) {
            const char *v = gd_csv_get(csv, r, k + 1);
            char *end;
            double x = strtod(v, &end);
            if (end == v || *end || !isfinite(x)) gd_die("%s:%d: '%s' is not a number", csv_path, r + 2, v);
            f[(size_t)s->n_frames[c] * d + k] = x;
        }
        s->n_frames[c]++;
    }
    gd_csv_free(csv);
    for (int i = 0; i < s->n; i++)
        if (s->n_frames[i] == 0) gd_die("%s: no embedding rows for clip %s", csv_path, s->name[i]);
    return d;
}

// ---------------------------------------------------------------------------- statistics

static void zscore(clip_set *r, clip_set *g, int d) {
    double *mu = calloc(d, sizeof(double)), *sd = calloc(d, sizeof(double));
    long cnt = 0;
    for (int i = 0; i < r->n; i++)
        for (int f = 0; f < r->n_frames[i]; f++, cnt++)
            for (int k = 0; k < d; k++) mu[k] += r->frames[i][(size_t)f * d + k];
    for (int k = 0; k < d; k++) mu[k] /= cnt;
    for (int i = 0; i < r->n; i++)
        for (int f = 0; f < r->n_frames[i]; f++)
            for (int k = 0; k < d; k++) { double t = r->frames[i][(size_t)f * d + k] - mu[k]; sd[k] += t * t; }
    for (int k = 0; k < d; k++) { sd[k] = sqrt(sd[k] / (cnt > 1 ? cnt - 1 : 1)); if (sd[k] < 1e-9) sd[k] = 1; }
    clip_set *sets[2] = {r, g};
    for (int s = 0; s < 2; s++)
        for (int i = 0; i < sets[s]->n; i++)
            for (int f = 0; f < sets[s]->n_frames[i]; f++)
                for (int k = 0; k < d; k++) {
                    double *v = &sets[s]->frames[i][(size_t)f * d + k];
                    *v = (*v - mu[k]) / sd[k];
                }
    free(mu); free(sd);
}

static size_t tri(int d) { return (size_t)d * (d + 1) / 2; }

static void suff_init(suff_stats *ss, const clip_set *s, int d) {
    ss->d = d;
    ss->s1 = calloc((size_t)s->n * d, sizeof(double));
    ss->s2 = calloc((size_t)s->n * tri(d), sizeof(double));
    ss->cnt = calloc(s->n, sizeof(int));
    if (!ss->s1 || !ss->s2 || !ss->cnt) gd_die("out of memory");
    for (int i = 0; i < s->n; i++) {
        double *a = ss->s1 + (size_t)i * d, *b = ss->s2 + (size_t)i * tri(d);
        ss->cnt[i] = s->n_frames[i];
        for (int f = 0; f < s->n_frames[i]; f++) {
            const double *x = s->frames[i] + (size_t)f * d;
            double *bp = b;
            for (int p = 0; p < d; p++) {
                a[p] += x[p];
                for (int q = p; q < d; q++) *bp++ += x[p] * x[q];
            }
        }
    }
}

static void suff_free(suff_stats *ss) { free(ss->s1); free(ss->s2); free(ss->cnt); }

// Gaussian of the frames of clips idx (m); returns the frame count. The packed sums are
// added clip by clip (half the memory traffic of full matrices), then mirrored.
static long gauss_of(const suff_stats *ss, const int *idx, int m, double *mu, double *cov) {
    const int d = ss->d;
    const size_t nt = tri(d);
    long n = 0;
    double *acc = cov + (size_t)d * d - nt;   // packed sums in cov's tail (unpacked in place below)
    memset(mu, 0, sizeof(double) * d);
    memset(acc, 0, sizeof(double) * nt);
    for (int j = 0; j < m; j++) {
        int i = idx[j];
        n += ss->cnt[i];
        const double *a = ss->s1 + (size_t)i * d, *b = ss->s2 + (size_t)i * nt;
        for (int p = 0; p < d; p++) mu[p] += a[p];
        for (size_t p = 0; p < nt; p++) acc[p] += b[p];
    }
    // Unpack row p (from acc's offset op) into cov[p][p..d) with memmove; rows go in
    // increasing order and row p's target ends before row p+1's source begins, so nothing
    // unread is overwritten: p*d + d <= (d*d - nt) + op(p+1) for every p < d.
    size_t op = 0;
    for (int p = 0; p < d; p++) {
        memmove(cov + (size_t)p * d + p, acc + op, sizeof(double) * (d - p));
        op += (size_t)(d - p);
    }
    for (int p = 0; p < d; p++) for (int q = 0; q < p; q++) cov[p * d + q] = cov[q * d + p];
    if (n < 2) return n;
    for (int p = 0; p < d; p++) mu[p] /= n;
    for (int p = 0; p < d; p++)
        for (int q = 0; q < d; q++) cov[p * d + q] = (cov[p * d + q] - n * mu[p] * mu[q]) / (n - 1);
    return n;
}

static double fd_of(const suff_stats *a, const int *ia, int na, const suff_stats *b, const int *ib, int nb) {
    const int d = a->d;
    double *m1 = malloc(sizeof(double) * d), *c1 = malloc(sizeof(double) * d * d);
    double *m2 = malloc(sizeof(double) * d), *c2 = malloc(sizeof(double) * d * d);
    double out = NAN;
    if (m1 && c1 && m2 && c2 && gauss_of(a, ia, na, m1, c1) > d && gauss_of(b, ib, nb, m2, c2) > d)
        out = ev_frechet(m1, c1, m2, c2, d);
    free(m1); free(c1); free(m2); free(c2);
    return out;
}

typedef struct {
    double value, lo, hi, floor_med, floor_p95, gen_half_med, p_perm;
    int    half_n;
} dist_result;

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Percentiles of the finite entries of v (n); NAN when none.
static void pct(const double *v, int n, double q1, double q2, double *a, double *b) {
    double *t = malloc(sizeof(double) * (n ? n : 1));
    int m = 0;
    for (int i = 0; i < n; i++) if (isfinite(v[i])) t[m++] = v[i];
    *a = *b = NAN;
    if (m) { qsort(t, m, sizeof(double), cmp_double); *a = ev_quantile_sorted(t, m, q1); *b = ev_quantile_sorted(t, m, q2); }
    free(t);
}

static void draw_boot(int *idx, int n, gd_rng *r) { for (int i = 0; i < n; i++) idx[i] = (int)gd_rng_below(r, n); }

static void shuffle(int *idx, int n, gd_rng *r) {
    for (int i = 0; i < n; i++) idx[i] = i;
    for (int i = n - 1; i > 0; i--) { int j = (int)gd_rng_below(r, i + 1), t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
}

// One distance (kind 0: FD on frames, 1: KAD on clip means) with CI, floor and half-N check.
typedef struct {
    int kind;
    const suff_stats *sr, *sg;
    const double *Krr, *Kgg, *Krg;
    int nr, ng;
} dist_ctx;

// Which set an index list of dist_eval points into.
typedef enum { SET_GEN = 0, SET_REF = 1 } dist_set;

static double dist_eval(const dist_ctx *c, const int *ia, int na, dist_set sa, const int *ib,
                        int nb, dist_set sb) {
    if (c->kind == 0)
        return fd_of(sa == SET_REF ? c->sr : c->sg, ia, na, sb == SET_REF ? c->sr : c->sg, ib, nb);
    // KAD: a is always reference here; b is reference (floor) or generated
    if (sb == SET_REF) return ev_kad_indexed(c->Krr, c->nr, ia, na, c->Krr, c->nr, ib, nb, c->Krr, c->nr);
    return ev_kad_indexed(c->Krr, c->nr, ia, na, c->Kgg, c->ng, ib, nb, c->Krg, c->ng);
}

static dist_result distance(const dist_ctx *c, int boot, int splits, uint64_t seed, const char *tag) {
    dist_result r;
    int nr = c->nr, ng = c->ng;
    int *ir = malloc(sizeof(int) * nr), *ig = malloc(sizeof(int) * ng);
    double *v = malloc(sizeof(double) * ((boot > splits ? boot : splits) + 1));
    double *w = malloc(sizeof(double) * (splits + 1));
    for (int i = 0; i < nr; i++) ir[i] = i;
    for (int i = 0; i < ng; i++) ig[i] = i;
    r.value = dist_eval(c, ir, nr, SET_REF, ig, ng, SET_GEN);
    r.p_perm = NAN;
    gd_rng g;
    gd_rng_init(&g, seed, gd_rng_stream_id("eval-corpus-boot", tag));
    for (int b = 0; b < boot; b++) {
        draw_boot(ir, nr, &g); draw_boot(ig, ng, &g);
        v[b] = dist_eval(c, ir, nr, SET_REF, ig, ng, SET_GEN);
    }
    pct(v, boot, 0.025, 0.975, &r.lo, &r.hi);
    r.half_n = nr / 2;
    int h = r.half_n;
    gd_rng_init(&g, seed, gd_rng_stream_id("eval-corpus-floor", tag));
    for (int s = 0; s < splits; s++) {
        shuffle(ir, nr, &g);
        v[s] = dist_eval(c, ir, h, SET_REF, ir + h, h, SET_REF);
        shuffle(ig, ng, &g);
        w[s] = dist_eval(c, ir, h, SET_REF, ig, h < ng ? h : ng, SET_GEN);
    }
    double dummy;
    pct(v, splits, 0.5, 0.95, &r.floor_med, &r.floor_p95);
    pct(w, splits, 0.5, 0.5, &r.gen_half_med, &dummy);
    free(ir); free(ig); free(v); free(w);
    return r;
}

// ---------------------------------------------------------------------------- output

static const char *dist_verdict(const dist_result *d) {
    if (!isfinite(d->gen_half_med) || !isfinite(d->floor_p95)) return "undefined (too few frames or clips)";
    return d->gen_half_med <= d->floor_p95 ? "inside the real-vs-real floor: indistinguishable at this N"
                                           : "above the real-vs-real floor: distinguishable";
}

static void json_dist(gd_json *j, const char *key, const dist_result *d, double sigma) {
    gd_json_key(j, key);
    gd_json_begin_object(j);
    gd_json_key(j, "value"); gd_json_number(j, d->value);
    gd_json_key(j, "ci95_lo"); gd_json_number(j, d->lo);
    gd_json_key(j, "ci95_hi"); gd_json_number(j, d->hi);
    gd_json_key(j, "floor_median"); gd_json_number(j, d->floor_med);
    gd_json_key(j, "floor_p95"); gd_json_number(j, d->floor_p95);
    gd_json_key(j, "gen_at_half_n_median"); gd_json_number(j, d->gen_half_med);
    gd_json_key(j, "half_n"); gd_json_int(j, d->half_n);
    if (isfinite(sigma)) {
        gd_json_key(j, "sigma"); gd_json_number(j, sigma);
        gd_json_key(j, "p_permutation"); gd_json_number(j, d->p_perm);
    }
    gd_json_key(j, "verdict"); gd_json_string(j, dist_verdict(d));
    gd_json_end_object(j);
}

static void usage(void) {
    printf("Usage: gendang-eval corpus [OPTIONS] REF GEN\n"
           "Compares a generated corpus GEN with real recordings REF (folders of audio or\n"
           "metadata.csv files): descriptor distributions (Wasserstein-1, KS), Frechet distance\n"
           "and KAD on embeddings, each with a bootstrap interval over clips and the\n"
           "real-vs-real split-half floor.\n\n"
           "  --embed NAME         embedding computed here: logmel (default; 64 log-mel bands\n"
           "                       per 2048-sample frame, z-scored against REF) or aisfx (the\n"
           "                       aiSFX CNN, 512-d per 2.3 s block; weights from `make deps`)\n"
           "  --aisfx-weights F    the converted aisfx weights (default: found beside the binary)\n"
           "  --emb-ref E, --emb-gen E   embeddings computed elsewhere instead: a CSV\n"
           "                       (first column: clip file name; one row per frame) or a\n"
           "                       folder of .npy files named like the clips (frames x dim)\n"
           "  --boot B             bootstrap resamples (default 200)\n"
           "  --splits S           random split halves for the floor (default 100)\n"
           "  --perm P             label permutations for the KAD p-value (default 1000)\n"
           "  --seed N             RNG seed (default 0)\n"
           "  --rate HZ            analysis rate (default: the first reference file's)\n"
           "  --json               one JSON object instead of text\n"
           "  -q, --quiet          " GD_CLI_QUIET_HELP "\n"
           "  -h, --help\n"
           "Exit status: 0 ok, 1 runtime error, 2 usage error.\n");
}

typedef struct {
    int         n_ref, n_gen, rate, dim, boot, splits, perms;
    long        frames_ref, frames_gen;
    uint64_t    seed;
    const char *embedding;
    double      desc[EV_N_DESC][9];   // ref median, gen median, W1, W1 lo, W1 hi, KS, KS p,
                                      // W1 real-vs-real floor p95, W1 of gen at half N (median)
    dist_result fd, kad;
    double      sigma;
} corpus_result;

// Descriptor distributions: medians, W1 with bootstrap CI, KS.
static void compare_descriptors(corpus_result *o, const clip_set *R, const clip_set *G) {
    double *a = malloc(sizeof(double) * R->n), *b = malloc(sizeof(double) * G->n);
    double *ba = malloc(sizeof(double) * R->n), *bb = malloc(sizeof(double) * G->n);
    double *wv = malloc(sizeof(double) * (o->boot + 1));
    if (!a || !b || !ba || !bb || !wv) gd_die("out of memory");
    for (int k = 0; k < EV_N_DESC; k++) {
        double *dk = o->desc[k];
        for (int i = 0; i < R->n; i++) a[i] = R->desc[i * EV_N_DESC + k];
        for (int i = 0; i < G->n; i++) b[i] = G->desc[i * EV_N_DESC + k];
        dk[0] = ev_summarise(a, R->n).median;
        dk[1] = ev_summarise(b, G->n).median;
        ev_w1_ks(a, R->n, b, G->n, &dk[2], &dk[5], &dk[6]);
        gd_rng g;
        gd_rng_init(&g, o->seed, gd_rng_stream_id("eval-corpus-desc", ev_desc_names[k]));
        for (int t = 0; t < o->boot; t++) {
            for (int i = 0; i < R->n; i++) ba[i] = a[gd_rng_below(&g, R->n)];
            for (int i = 0; i < G->n; i++) bb[i] = b[gd_rng_below(&g, G->n)];
            double ks, p;
            ev_w1_ks(ba, R->n, bb, G->n, &wv[t], &ks, &p);
        }
        pct(wv, o->boot, 0.025, 0.975, &dk[3], &dk[4]);
        // split-half floor: W1 between random halves of the reference, and between one half and
        // as many generated clips
        int h = R->n / 2, hg = h < G->n ? h : G->n;
        int *ir = malloc(sizeof(int) * R->n), *ig = malloc(sizeof(int) * G->n);
        double *fl = malloc(sizeof(double) * (o->splits + 1)), *gh = malloc(sizeof(double) * (o->splits + 1));
        if (!ir || !ig || !fl || !gh) gd_die("out of memory");
        gd_rng_init(&g, o->seed, gd_rng_stream_id("eval-corpus-desc-floor", ev_desc_names[k]));
        for (int t = 0; t < o->splits; t++) {
            shuffle(ir, R->n, &g);
            shuffle(ig, G->n, &g);
            for (int i = 0; i < R->n; i++) ba[i] = a[ir[i]];
            for (int i = 0; i < hg; i++) bb[i] = b[ig[i]];
            double ks, p;
            ev_w1_ks(ba, h, ba + h, h, &fl[t], &ks, &p);
            ev_w1_ks(ba, h, bb, hg, &gh[t], &ks, &p);
        }
        double unused;
        pct(fl, o->splits, 0.95, 0.95, &dk[7], &unused);
        pct(gh, o->splits, 0.5, 0.5, &dk[8], &unused);
        free(ir); free(ig); free(fl); free(gh);
    }
    free(a); free(b); free(ba); free(bb); free(wv);
}

// KAD on clip-mean embeddings: kernel matrices, bootstrap/floor, permutation p-value.
static void kad_distance(corpus_result *o, const suff_stats *sr, const suff_stats *sg) {
    const int nr = o->n_ref, ng = o->n_gen, d = o->dim, nj = nr + ng;
    double *m = calloc((size_t)nj * d, sizeof(double));   // clip means: ref rows, then gen rows
    if (!m) gd_die("out of memory");
    for (int i = 0; i < nj; i++) {
        const suff_stats *ss = i < nr ? sr : sg;
        int c = i < nr ? i : i - nr;
        for (int k = 0; k < d; k++) m[(size_t)i * d + k] = ss->s1[(size_t)c * d + k] / ss->cnt[c];
    }
    o->sigma = ev_median_distance(m, nr, d);
    if (!(o->sigma > 0)) o->sigma = 1;
    double *K = malloc(sizeof(double) * nj * nj);
    double *Krr = malloc(sizeof(double) * nr * nr), *Kgg = malloc(sizeof(double) * ng * ng);
    double *Krg = malloc(sizeof(double) * nr * ng);
    if (!K || !Krr || !Kgg || !Krg) gd_die("out of memory");
    ev_rbf_matrix(K, m, nj, m, nj, d, o->sigma);
    for (int i = 0; i < nj; i++)
        for (int j = 0; j < nj; j++) {
            double v = K[(size_t)i * nj + j];
            if (i < nr && j < nr) Krr[(size_t)i * nr + j] = v;
            else if (i >= nr && j >= nr) Kgg[(size_t)(i - nr) * ng + (j - nr)] = v;
            else if (i < nr) Krg[(size_t)i * ng + (j - nr)] = v;
        }
    dist_ctx kc = {1, sr, sg, Krr, Kgg, Krg, nr, ng};
    o->kad = distance(&kc, o->boot, o->splits, o->seed, "kad");
    gd_rng g;
    gd_rng_init(&g, o->seed, gd_rng_stream_id("eval-corpus-perm", "kad"));
    o->kad.p_perm = ev_mmd_perm_p(K, nj, nr, o->perms, &g);
    free(m); free(K); free(Krr); free(Kgg); free(Krg);
}

static void print_json(const corpus_result *o) {
    gd_json j;
    gd_json_init(&j, stdout);
    gd_json_begin_object(&j);
    gd_json_key(&j, "n_ref"); gd_json_int(&j, o->n_ref);
    gd_json_key(&j, "n_gen"); gd_json_int(&j, o->n_gen);
    gd_json_key(&j, "rate"); gd_json_int(&j, o->rate);
    gd_json_key(&j, "embedding"); gd_json_string(&j, o->embedding);
    gd_json_key(&j, "dim"); gd_json_int(&j, o->dim);
    gd_json_key(&j, "frames_ref"); gd_json_int(&j, o->frames_ref);
    gd_json_key(&j, "frames_gen"); gd_json_int(&j, o->frames_gen);
    gd_json_key(&j, "bootstrap"); gd_json_int(&j, o->boot);
    gd_json_key(&j, "splits"); gd_json_int(&j, o->splits);
    gd_json_key(&j, "seed"); gd_json_int(&j, (int64_t)o->seed);
    gd_json_key(&j, "descriptors");
    gd_json_begin_object(&j);
    static const char *const f[9] = {"ref_median", "gen_median", "w1", "w1_ci95_lo", "w1_ci95_hi", "ks",
                                     "ks_p", "w1_floor_p95", "w1_gen_at_half_n_median"};
    for (int k = 0; k < EV_N_DESC; k++) {
        gd_json_key(&j, ev_desc_names[k]);
        gd_json_begin_object(&j);
        for (int q = 0; q < 9; q++) { gd_json_key(&j, f[q]); gd_json_number(&j, o->desc[k][q]); }
        gd_json_end_object(&j);
    }
    gd_json_end_object(&j);
    json_dist(&j, "frechet", &o->fd, NAN);
    json_dist(&j, "kad", &o->kad, o->sigma);
    gd_json_end_object(&j);
    fputc('\n', stdout);
}

static void print_text(const corpus_result *o) {
    printf("corpus: %d reference clips (%ld frames), %d generated clips (%ld frames), %d Hz\n"
           "embedding: %s, dim %d; bootstrap %d, split halves %d, seed %llu\n\n",
           o->n_ref, o->frames_ref, o->n_gen, o->frames_gen, o->rate, o->embedding, o->dim, o->boot,
           o->splits, (unsigned long long)o->seed);
    printf("%-20s %10s %10s %10s %23s %10s %10s %6s %8s\n", "descriptor", "ref median", "gen median",
           "W1", "W1 95% CI", "floor p95", "gen@N/2", "KS", "KS p");
    for (int k = 0; k < EV_N_DESC; k++) {
        const double *dk = o->desc[k];
        printf("%-20s %10.4g %10.4g %10.4g   [%9.4g, %9.4g] %10.4g %10.4g %6.3f %8.3g\n", ev_desc_names[k],
               dk[0], dk[1], dk[2], dk[3], dk[4], dk[7], dk[8], dk[5], dk[6]);
    }
    printf("(W1 floor: 95th percentile over random halves of the reference; gen@N/2: median W1 of\n"
           " one half against as many generated clips. gen@N/2 above the floor: distinguishable.)\n");
    const dist_result *ds[2] = {&o->fd, &o->kad};
    const char *nm[2] = {"Frechet (frames)", "KAD (clip means)"};
    printf("\n");
    if (isfinite(o->kad.p_perm))
        printf("KAD permutation test (%d label shuffles): p = %.4g\n", o->perms, o->kad.p_perm);
    for (int q = 0; q < 2; q++)
        printf("%s: %.4g (95%% CI [%.4g, %.4g]); real-vs-real floor at N=%d: median %.4g, p95 %.4g; "
               "generated at N=%d: median %.4g -> %s\n", nm[q], ds[q]->value, ds[q]->lo, ds[q]->hi,
               ds[q]->half_n, ds[q]->floor_med, ds[q]->floor_p95, ds[q]->half_n, ds[q]->gen_half_med,
               dist_verdict(ds[q]));
}

int ev_cmd_corpus(int argc, char **argv) {
    static const struct option lo[] = {
        {"emb-ref", required_argument, 0, 'R'}, {"emb-gen", required_argument, 0, 'G'},
        {"boot", required_argument, 0, 'B'}, {"splits", required_argument, 0, 'S'},
        {"seed", required_argument, 0, 's'}, {"rate", required_argument, 0, 'r'},
        {"perm", required_argument, 0, 'P'}, {"embed", required_argument, 0, 'e'},
        {"aisfx-weights", required_argument, 0, 'W'},
        {"json", no_argument, 0, 'j'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *emb_ref = NULL, *emb_gen = NULL, *embed_name = NULL, *aisfx_weights = NULL;
    corpus_result o;
    memset(&o, 0, sizeof o);
    o.boot = 200; o.splits = 100; o.perms = 1000;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "qh", lo, NULL)) != -1) {
        switch (c) {
        case 'R': emb_ref = optarg; break;
        case 'G': emb_gen = optarg; break;
        case 'e': embed_name = optarg; break;
        case 'W': aisfx_weights = optarg; break;
        case 'B': o.boot = (int)gd_opt_int("--boot", optarg, 0, 100000); break;
        case 'P': o.perms = (int)gd_opt_int("--perm", optarg, 1, 1000000); break;
        case 'S': o.splits = (int)gd_opt_int("--splits", optarg, 1, 100000); break;
        case 's': o.seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'r': o.rate = (int)gd_opt_int("--rate", optarg, 1000, 768000); break;
        case 'j': json = 1; break;
        case 'q': gd_cli_quiet(); break;
        case 'h': usage(); return 0;
        default: gd_usage("corpus: unknown option");
        }
    }
    if (argc - optind != 2) gd_usage("corpus: need REF and GEN");
    openblas_set_num_threads(1);   // eigensolver sums in a fixed order: same output for any thread count
    if (!emb_ref != !emb_gen) gd_usage("corpus: give both --emb-ref and --emb-gen, or neither");
    emb_kind embed = emb_ref ? EMB_EXTERNAL : EMB_LOGMEL;
    if (embed_name && strcmp(embed_name, "logmel") && strcmp(embed_name, "aisfx"))
        gd_usage("corpus: --embed takes logmel or aisfx");
    if (embed_name && emb_ref) gd_usage("corpus: --embed and --emb-ref/--emb-gen exclude each other");
    if (embed_name && !strcmp(embed_name, "aisfx")) embed = EMB_AISFX;
    if (aisfx_weights && embed != EMB_AISFX) gd_usage("corpus: --aisfx-weights needs --embed aisfx");
    ev_aisfx *net = NULL;
    if (embed == EMB_AISFX && ev_aisfx_load(&net, aisfx_weights)) exit(1);   // logged: file and problem
    clip_set R, G;
    list_set(&R, argv[optind]);
    list_set(&G, argv[optind + 1]);
    if (!o.rate) {
        gd_audio_info info;
        if (gd_audio_info_read(R.path[0], &info)) gd_die("%s: cannot read audio", R.path[0]);
        o.rate = info.rate;
    }
    analyse(&R, o.rate, embed, net);
    analyse(&G, o.rate, embed, net);
    ev_aisfx_free(net);
    o.n_ref = R.n; o.n_gen = G.n;
    o.dim = embed == EMB_AISFX ? EV_AISFX_DIM : EV_EMB_DIM;
    o.embedding = embed == EMB_EXTERNAL ? "external"
                : embed == EMB_AISFX ? "aisfx 0.1.2 (X-Sequential-CE, 512-d per 100-frame block, raw)"
                : "logmel64 (20 Hz-16 kHz, ln, z-scored against the reference)";
    if (emb_ref) {
        o.dim = load_external(&R, emb_ref);
        if (load_external(&G, emb_gen) != o.dim) gd_die("%s and %s: embedding dimensions differ", emb_ref, emb_gen);
    } else if (embed == EMB_LOGMEL) {
        zscore(&R, &G, o.dim);
    }
    compare_descriptors(&o, &R, &G);
    suff_stats sr, sg;
    suff_init(&sr, &R, o.dim);
    suff_init(&sg, &G, o.dim);
    for (int i = 0; i < R.n; i++) o.frames_ref += R.n_frames[i];
    for (int i = 0; i < G.n; i++) o.frames_gen += G.n_frames[i];
    dist_ctx fc = {0, &sr, &sg, NULL, NULL, NULL, R.n, G.n};
    o.fd = distance(&fc, o.boot, o.splits, o.seed, "fd");
    kad_distance(&o, &sr, &sg);
    if (json) print_json(&o); else print_text(&o);
    suff_free(&sr); suff_free(&sg);
    set_free(&R); set_free(&G);
    return 0;
}

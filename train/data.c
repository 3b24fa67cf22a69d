// data.c: see data.h.
#include "train/data.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/metadata.h"
#include "core/rng.h"
#include "core/sha256.h"

int rv_corpus_load(rv_corpus *c, const char *dir, const char *split, const rv_config *cfg,
                   int strict) {
    memset(c, 0, sizeof(*c));
    if (!gd_is_dir(dir)) { gd_error("%s: corpus folder not found", dir); return GD_ERR_IO; }
    char *mpath = gd_path_join(dir, "metadata.csv");
    gd_meta *m;
    int rc = gd_meta_read(&m, mpath);
    if (rc) { gd_error("%s: cannot read the corpus metadata", mpath); free(mpath); return rc; }
    c->audio = calloc(m->n_rows ? m->n_rows : 1, sizeof(float *));
    c->len = calloc(m->n_rows ? m->n_rows : 1, sizeof(int64_t));
    c->energy = calloc(m->n_rows ? m->n_rows : 1, sizeof(double));
    c->block_cum = calloc(m->n_rows ? m->n_rows : 1, sizeof(double *));
    c->name = calloc(m->n_rows ? m->n_rows : 1, sizeof(char *));
    gd_sha256_ctx *h;
    gd_sha256_init(&h);
    for (int i = 0; i < m->n_rows; i++) {
        const gd_meta_row *r = &m->rows[i];
        if (strcmp(r->split, split)) continue;
        char *path = gd_path_join(dir, r->file_name);
        gd_audio a;
        rc = gd_audio_read(&a, path, cfg->sample_rate, 1);
        if (rc) {
            c->n_failed++;
            if (strict) {
                gd_error("%s: cannot decode (--strict)", path);
                free(path); gd_sha256_final_hex(h, c->sha256); gd_meta_free(m); free(mpath);
                return rc;
            }
            gd_warn("%s: cannot decode; skipped", path);
            free(path);
            continue;
        }
        free(path);
        c->audio[c->n] = a.data; c->len[c->n] = a.n_frames; c->name[c->n] = strdup(r->file_name);
        c->block_cum[c->n] = rv_energy_blocks(a.data, a.n_frames, &c->energy[c->n]);
        c->n++;
        gd_sha256_update(h, r->file_name, strlen(r->file_name));
        gd_sha256_update(h, ",", 1);
        gd_sha256_update(h, r->sha256, strlen(r->sha256));
        gd_sha256_update(h, "\n", 1);
    }
    gd_sha256_final_hex(h, c->sha256);
    gd_meta_free(m);
    if (c->n_failed) gd_warn("%s: %d %s file(s) failed to decode and were skipped", mpath, c->n_failed, split);
    free(mpath);
    if (!c->n) {
        gd_error("%s: no usable '%s' rows in metadata.csv", dir, split);
        return GD_ERR_EMPTY;
    }
    return 0;
}

void rv_corpus_free(rv_corpus *c) {
    if (!c) return;
    for (int i = 0; i < c->n; i++) { free(c->audio[i]); free(c->name[i]); }
    free(c->audio); free(c->len); free(c->energy);
    for (int i = 0; c->block_cum && i < c->n; i++) free(c->block_cum[i]);
    free(c->block_cum); free(c->name);
    memset(c, 0, sizeof(*c));
}

void rv_allpass(float *x, long n, double f, double rate, double r) {
    double w = 2 * M_PI * f / rate, c = -2 * r * cos(w);
    double b0 = r * r, b1 = c, b2 = 1, a1 = c, a2 = r * r;
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (long i = 0; i < n; i++) {
        double y = b0 * x[i] + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        x2 = x1; x1 = x[i]; y2 = y1; y1 = y;
        x[i] = (float)y;
    }
}

void rv_compress(float *x, long n, double rate, double thresh_db, double ratio) {
    double att = exp(-1 / (0.01 * rate)), rel = exp(-1 / (0.1 * rate)), env = 0;
    for (long i = 0; i < n; i++) {
        double p = (double)x[i] * x[i];
        env = p > env ? att * env + (1 - att) * p : rel * env + (1 - rel) * p;
        double lvl = 10 * log10(env + 1e-20), over = lvl - thresh_db;
        if (over > 0) x[i] = (float)(x[i] * pow(10, -over * (1 - 1 / ratio) / 20));
    }
}

double *rv_energy_blocks(const float *x, int64_t n, double *total) {
    int64_t nb = (n + RV_CROP_BLOCK - 1) / RV_CROP_BLOCK;
    double *cum = malloc(sizeof(double) * (size_t)(nb ? nb : 1)), acc = 0;
    for (int64_t b = 0; b < nb && cum; b++) {
        for (int64_t i = b * RV_CROP_BLOCK; i < n && i < (b + 1) * RV_CROP_BLOCK; i++)
            acc += (double)x[i] * x[i];
        cum[b] = acc;
    }
    *total = acc;
    return cum;
}

// Start of a random crop of file k that holds at least 1% of the file's energy. One-shot
// drum hits are mostly decay or silence: a crop deep in the tail has a target so quiet that
// the spectral distance's lin term (divided by the target's energy) explodes and the loss
// spikes by orders of magnitude. So a point is drawn with probability proportional to
// energy (a block by binary search on the cumulative energy, then a sample in it), and the
// crop is placed uniformly among those that contain it; up to 8 tries, else the last.
static int64_t crop_start(const rv_corpus *c, int k, long N, gd_rng *r) {
    int64_t len = c->len[k], nb = (len + RV_CROP_BLOCK - 1) / RV_CROP_BLOCK, s = 0;
    const double *cum = c->block_cum[k];
    for (int t = 0; t < 8; t++) {
        double u = gd_rng_uniform(r) * c->energy[k];
        int64_t lo = 0, hi = nb - 1;
        while (lo < hi) {
            int64_t mid = (lo + hi) / 2;
            if (cum[mid] > u) hi = mid; else lo = mid + 1;
        }
        int64_t j = lo * RV_CROP_BLOCK + (int64_t)gd_rng_below(r, RV_CROP_BLOCK);
        if (j >= len) j = len - 1;
        int64_t first = j - N + 1 < 0 ? 0 : j - N + 1, last = j < len - N ? j : len - N;
        s = first + (int64_t)gd_rng_below(r, (uint64_t)(last - first + 1));
        if (c->energy[k] <= 0) return s;
        double e = 0;
        for (long i = 0; i < N; i++) e += (double)c->audio[k][s + i] * c->audio[k][s + i];
        if (e >= 0.01 * c->energy[k]) return s;
    }
    return s;
}

void rv_batch_train(float *x, const rv_corpus *c, const rv_config *cfg, uint64_t seed,
                    long step, int B, long N) {
    for (int b = 0; b < B; b++) {
        char id[64];
        snprintf(id, sizeof(id), "%ld:%d", step, b);
        gd_rng r;
        gd_rng_init(&r, seed, gd_rng_stream_id("train-batch", id));
        int k = (int)gd_rng_below(&r, (uint64_t)c->n);
        float *o = x + (long)b * N;
        if (c->len[k] >= N) {   // random crop
            int64_t start = crop_start(c, k, N, &r);
            memcpy(o, c->audio[k] + start, sizeof(float) * N);
        } else {                // short file: zero padding around it, at a random offset
            int64_t off = (int64_t)gd_rng_below(&r, (uint64_t)(N - c->len[k] + 1));
            memset(o, 0, sizeof(float) * N);
            memcpy(o + off, c->audio[k], sizeof(float) * c->len[k]);
        }
        // Every draw is made whether or not the augmentation fires, so streams stay aligned.
        double u_pm = gd_rng_uniform(&r), f = exp(gd_rng_range(&r, log(20.0), log(2000.0)));
        double u_g = gd_rng_uniform(&r), g_db = gd_rng_range(&r, cfg->gain_db_lo, cfg->gain_db_hi + 1e-12);
        double u_c = gd_rng_uniform(&r), th = gd_rng_range(&r, -40, -10);
        double u_m = gd_rng_uniform(&r);
        if (u_pm < cfg->phase_mangle_p) rv_allpass(o, N, f, cfg->sample_rate, 0.99);
        if (u_g < cfg->gain_p) {
            float g = (float)pow(10, g_db / 20);
            for (long i = 0; i < N; i++) o[i] *= g;
        }
        if (u_c < cfg->compress_p) rv_compress(o, N, cfg->sample_rate, th, 4);
        if (u_m < cfg->mute_p) memset(o, 0, sizeof(float) * N);
        if (cfg->dequantize)
            for (long i = 0; i < N; i++) o[i] += (float)(gd_rng_uniform(&r) / 65536.0);
    }
}

void rv_batch_valid(float *x, const rv_corpus *c, int k, int B, long N) {
    for (int b = 0; b < B; b++) {
        int i = (k * B + b) % c->n;
        float *o = x + (long)b * N;
        if (c->len[i] >= N) {
            memcpy(o, c->audio[i], sizeof(float) * N);
        } else {   // short file centred in the crop
            memset(o, 0, sizeof(float) * N);
            memcpy(o + (N - c->len[i]) / 2, c->audio[i], sizeof(float) * c->len[i]);
        }
    }
}

// attribute.c: k-nearest-neighbour label shares in latent space and their permutation floor.
#include "train/attribute.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_NOMEM
#include "core/rng.h"     // defines: gd_rng_*

// Insertion into a sorted list of the k best (d ascending, index ascending on ties); the
// scan visits indices in increasing order, so an equal distance never displaces an earlier one.
static void keep_best(double *bd, int *bi, int k, int *have, double d, int i) {
    if (*have == k && d >= bd[k - 1]) return;
    int j = *have < k ? (*have)++ : k - 1;
    while (j > 0 && bd[j - 1] > d) { bd[j] = bd[j - 1]; bi[j] = bi[j - 1]; j--; }
    bd[j] = d; bi[j] = i;
}

int rv_attr_neighbours(int *nb, const rv_attr_bank *bank, const float *q, long n_query, int k) {
    int L = bank->L, fail = 0;
    #pragma omp parallel
    {
        double *bd = malloc(sizeof(double) * k);
        if (!bd) {
            #pragma omp atomic write
            fail = 1;
        }
        #pragma omp for schedule(static)
        for (long f = 0; f < n_query; f++) {
            if (!bd) continue;
            const float *x = q + f * L;
            int have = 0, *bi = nb + f * k;
            for (long i = 0; i < bank->n; i++) {
                const float *y = bank->z + i * L;
                double d = 0;
                for (int l = 0; l < L; l++) { double t = (double)x[l] - y[l]; d += t * t; }
                keep_best(bd, bi, k, &have, d, (int)i);
            }
        }
        free(bd);
    }
    return fail ? GD_ERR_NOMEM : 0;
}

void rv_attr_frame_shares(double *shares, const int *nb, long n_query, int k,
                          const rv_attr_bank *bank, const int *clip_label, int n_labels) {
    memset(shares, 0, sizeof(double) * n_query * n_labels);
    for (long f = 0; f < n_query; f++)
        for (int j = 0; j < k; j++)
            shares[f * n_labels + clip_label[bank->clip_of[nb[f * k + j]]]] += 1.0 / k;
}

void rv_attr_summary(double *out, const int *nb, const double *energy, long n_query, int k,
                     const rv_attr_bank *bank, const int *clip_label, int n_labels) {
    memset(out, 0, sizeof(double) * n_labels);
    double total = 0;
    for (long f = 0; f < n_query; f++) {
        total += energy[f];
        for (int j = 0; j < k; j++)
            out[clip_label[bank->clip_of[nb[f * k + j]]]] += energy[f] / k;
    }
    if (total > 0)
        for (int c = 0; c < n_labels; c++) out[c] /= total;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int rv_attr_floor(double *mean, double *p95, const int *nb, const double *energy, long n_query,
                  int k, const rv_attr_bank *bank, const int *clip_label, int n_clips,
                  int n_labels, int n_perm, uint64_t seed) {
    double *all = malloc(sizeof(double) * n_perm * n_labels), *col = malloc(sizeof(double) * n_perm);
    int *perm = malloc(sizeof(int) * n_clips);
    if (!all || !col || !perm) { free(all); free(col); free(perm); return GD_ERR_NOMEM; }
    for (int p = 0; p < n_perm; p++) {
        gd_rng r;
        gd_rng_init(&r, seed, gd_rng_stream_id("attribute-perm", "") + (uint64_t)p);
        memcpy(perm, clip_label, sizeof(int) * n_clips);
        for (int i = n_clips - 1; i > 0; i--) {
            int j = (int)(gd_rng_u64(&r) % (uint64_t)(i + 1)), t = perm[i];
            perm[i] = perm[j]; perm[j] = t;
        }
        rv_attr_summary(all + (long)p * n_labels, nb, energy, n_query, k, bank, perm, n_labels);
    }
    for (int c = 0; c < n_labels; c++) {
        double s = 0;
        for (int p = 0; p < n_perm; p++) { col[p] = all[(long)p * n_labels + c]; s += col[p]; }
        qsort(col, n_perm, sizeof(double), cmp_double);
        mean[c] = s / n_perm;
        int r = (95 * n_perm + 99) / 100 - 1;   // nearest rank: ceil(0.95 n) - 1
        p95[c] = col[r < 0 ? 0 : r];
    }
    free(all); free(col); free(perm);
    return 0;
}

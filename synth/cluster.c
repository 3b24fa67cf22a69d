// cluster.c: see cluster.h.
#include "synth/cluster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

enum { N_BANDS = 30, N_ATTACK = 4, DIM = N_BANDS + 1 + N_ATTACK };

// The raw descriptor of r: band spectrum (Hellinger embedding), decay, attack.
static void describe(const syn_fit_result *r, double *v) {
    memset(v, 0, sizeof(double) * DIM);
    double total = 0, lt = 0;
    for (int m = 0; m < r->n_modes; m++) {
        const syn_mode *md = &r->modes[m];
        double e = md->amp * md->amp * md->t60;
        if (!(e > 0) || !(md->freq > 0)) continue;
        // band b is centred at 20 Hz * 2^(b/3); energy split linearly between neighbours
        double x = fmin(fmax(3 * log2(md->freq / 20), 0), N_BANDS - 1);
        int b = (int)x;
        double f = x - b;
        v[b] += e * (1 - f);
        if (b + 1 < N_BANDS) v[b + 1] += e * f;
        total += e;
        lt += e * log(md->t60);
    }
    for (int b = 0; b < N_BANDS; b++) v[b] = total > 0 ? sqrt(v[b] / total) : 0;
    v[N_BANDS] = total > 0 ? lt / total : 0;
    double *a = v + N_BANDS + 1;
    a[0] = r->glide;
    a[1] = log(r->noise_level + 1e-4);
    a[2] = log(r->noise_hz + 1);
    a[3] = log(r->noise_s + 1e-4);
}

// Scales columns [c0, c1) of the n x DIM matrix X so that the group's mean squared pairwise
// distance (twice its summed variance) is w; with per_dim, each column is first scaled to
// unit variance.
static void scale_group(double *X, int n, int c0, int c1, double w, int per_dim) {
    double var[DIM], sum = 0;
    for (int c = c0; c < c1; c++) {
        double m = 0, s = 0;
        for (int i = 0; i < n; i++) m += X[(long)i * DIM + c];
        m /= n;
        for (int i = 0; i < n; i++) s += (X[(long)i * DIM + c] - m) * (X[(long)i * DIM + c] - m);
        var[c] = s / n;
    }
    for (int c = c0; c < c1; c++) {
        if (per_dim) {
            double g = var[c] > 1e-24 ? 1 / sqrt(var[c]) : 0;
            for (int i = 0; i < n; i++) X[(long)i * DIM + c] *= g;
            var[c] = g > 0 ? 1 : 0;
        }
        sum += var[c];
    }
    double g = sum > 1e-24 ? sqrt(w / (2 * sum)) : 0;
    for (int c = c0; c < c1; c++)
        for (int i = 0; i < n; i++) X[(long)i * DIM + c] *= g;
}

static double dist(const double *X, int i, int j) {
    double s = 0;
    for (int c = 0; c < DIM; c++) {
        double d = X[(long)i * DIM + c] - X[(long)j * DIM + c];
        s += d * d;
    }
    return sqrt(s);
}

// Nearest and second-nearest medoid distance of every point (d1, d2) and the nearest's
// position in med (near); returns the summed d1.
static double assign(const double *X, int n, const int *med, int k, int *near, double *d1,
                     double *d2) {
    double td = 0;
    for (int o = 0; o < n; o++) {
        d1[o] = d2[o] = INFINITY;
        near[o] = 0;
        for (int m = 0; m < k; m++) {
            double d = dist(X, o, med[m]);
            if (d < d1[o]) { d2[o] = d1[o]; d1[o] = d; near[o] = m; }
            else if (d < d2[o]) d2[o] = d;
        }
        td += d1[o];
    }
    return td;
}

static int by_value(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

int syn_cluster_fits(const syn_fit_result *const *fits, int n, int k, int *medoid, int *cluster) {
    if (k > n) k = n;
    if (k <= 0) return 0;
    double *X = malloc(sizeof(double) * DIM * n), *d1 = malloc(sizeof(double) * n);
    double *d2 = malloc(sizeof(double) * n), *delta = malloc(sizeof(double) * k);
    int *near = malloc(sizeof(int) * n), *is_med = calloc(n, sizeof(int));
    if (!X || !d1 || !d2 || !delta || !near || !is_med) {
        free(X); free(d1); free(d2); free(delta); free(near); free(is_med);
        return GD_ERR_NOMEM;
    }
    for (int i = 0; i < n; i++) describe(fits[i], X + (long)i * DIM);
    scale_group(X, n, 0, N_BANDS, 2, 0);
    scale_group(X, n, N_BANDS, N_BANDS + 1, 1, 0);
    scale_group(X, n, N_BANDS + 1, DIM, 1, 1);
    // BUILD: the most central point, then each time the point that lowers the cost most.
    for (int o = 0; o < n; o++) d1[o] = INFINITY;
    for (int m = 0; m < k; m++) {
        int best = -1;
        double best_cost = INFINITY;
        for (int c = 0; c < n; c++) {
            if (is_med[c]) continue;
            double cost = 0;
            for (int o = 0; o < n; o++) cost += fmin(d1[o], dist(X, o, c));
            if (cost < best_cost) { best_cost = cost; best = c; }
        }
        medoid[m] = best;
        is_med[best] = 1;
        for (int o = 0; o < n; o++) d1[o] = fmin(d1[o], dist(X, o, best));
    }
    // SWAP (FastPAM1): for candidate c, the cost change of swapping medoid m for c is
    // shared + delta[m]: shared sums min(0, d(o,c) - d1) over all points, delta[m] corrects
    // it for the points whose nearest medoid is m (they fall back to min(d(o,c), d2)).
    double td = assign(X, n, medoid, k, near, d1, d2);
    for (int iter = 0; iter < 100 && k < n; iter++) {
        double best = -1e-12 * (td + 1e-300);
        int bm = -1, bc = -1;
        for (int c = 0; c < n; c++) {
            if (is_med[c]) continue;
            double shared = 0;
            memset(delta, 0, sizeof(double) * k);
            for (int o = 0; o < n; o++) {
                double doc = dist(X, o, c), gain = fmin(0, doc - d1[o]);
                shared += gain;
                delta[near[o]] += fmin(doc, d2[o]) - d1[o] - gain;
            }
            for (int m = 0; m < k; m++)
                if (shared + delta[m] < best) { best = shared + delta[m]; bm = m; bc = c; }
        }
        if (bm < 0) break;
        is_med[medoid[bm]] = 0;
        is_med[bc] = 1;
        medoid[bm] = bc;
        td = assign(X, n, medoid, k, near, d1, d2);
    }
    qsort(medoid, k, sizeof(int), by_value);
    assign(X, n, medoid, k, near, d1, d2);
    memcpy(cluster, near, sizeof(int) * n);
    for (int m = 0; m < k; m++) cluster[medoid[m]] = m;   // a duplicate medoid keeps itself
    free(X); free(d1); free(d2); free(delta); free(near); free(is_med);
    return k;
}

// mmd.c: kernel two-sample distance (eval-metrics.md §3.4): KAD = 100 x the unbiased MMD^2
// with a Gaussian RBF kernel, bandwidth by the median heuristic (pinned to the reference
// set by the caller). Kernel matrices are computed once, so bootstrap and split-half
// resampling only re-index them.
#include "eval/corpus.h"

#include <math.h>
#include <stdlib.h>

void ev_rbf_matrix(double *K, const double *a, int na, const double *b, int nb, int d, double sigma) {
    const double g = 1.0 / (2 * sigma * sigma);
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                double t = a[(size_t)i * d + k] - b[(size_t)j * d + k];
                s += t * t;
            }
            K[(size_t)i * nb + j] = exp(-s * g);
        }
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ev_median_distance(const double *x, int n, int d) {
    size_t m = (size_t)n * (n - 1) / 2, c = 0;
    double *v = malloc(sizeof(double) * (m ? m : 1));
    if (!v) return NAN;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            double s = 0;
            for (int k = 0; k < d; k++) { double t = x[(size_t)i * d + k] - x[(size_t)j * d + k]; s += t * t; }
            v[c++] = sqrt(s);
        }
    qsort(v, m, sizeof(double), cmp_double);
    double med = m % 2 ? v[m / 2] : 0.5 * (v[m / 2 - 1] + v[m / 2]);
    free(v);
    return med;
}

double ev_kad_indexed(const double *Kxx, int ldxx, const int *ix, int nx, const double *Kyy,
                      int ldyy, const int *iy, int ny, const double *Kxy, int ldxy) {
    if (nx < 2 || ny < 2) return NAN;
    double sxx = 0, syy = 0, sxy = 0;
    for (int a = 0; a < nx; a++)
        for (int b = 0; b < nx; b++) if (a != b) sxx += Kxx[(size_t)ix[a] * ldxx + ix[b]];
    for (int a = 0; a < ny; a++)
        for (int b = 0; b < ny; b++) if (a != b) syy += Kyy[(size_t)iy[a] * ldyy + iy[b]];
    for (int a = 0; a < nx; a++)
        for (int b = 0; b < ny; b++) sxy += Kxy[(size_t)ix[a] * ldxy + iy[b]];
    double mmd = sxx / ((double)nx * (nx - 1)) + syy / ((double)ny * (ny - 1)) - 2 * sxy / ((double)nx * ny);
    return 100.0 * mmd;
}

// Unbiased MMD^2 of the split (lab[i] = 1 for x) from the joint matrix.
static double mmd_split(const double *K, int n, const unsigned char *lab, int nx, double total, double diag_all,
                        const double *diag) {
    double sxx = 0, sxy = 0, dx = 0;
    for (int i = 0; i < n; i++) {
        if (!lab[i]) continue;
        const double *row = K + (size_t)i * n;
        double a = 0, b = 0;
        for (int j = 0; j < n; j++) { if (lab[j]) a += row[j]; else b += row[j]; }
        sxx += a; sxy += b; dx += diag[i];
    }
    int ny = n - nx;
    double syy = total - sxx - 2 * sxy, dy = diag_all - dx;
    return (sxx - dx) / ((double)nx * (nx - 1)) + (syy - dy) / ((double)ny * (ny - 1)) - 2 * sxy / ((double)nx * ny);
}

double ev_mmd_perm_p(const double *K, int n, int nx, int n_perm, gd_rng *rng) {
    if (nx < 2 || n - nx < 2 || n_perm < 1) return NAN;
    unsigned char *lab = malloc(n);
    int *idx = malloc(sizeof(int) * n);
    double *diag = malloc(sizeof(double) * n);
    if (!lab || !idx || !diag) { free(lab); free(idx); free(diag); return NAN; }
    double total = 0, diag_all = 0;
    for (int i = 0; i < n; i++) {
        diag[i] = K[(size_t)i * n + i];
        diag_all += diag[i];
        for (int j = 0; j < n; j++) total += K[(size_t)i * n + j];
    }
    for (int i = 0; i < n; i++) { lab[i] = i < nx; idx[i] = i; }
    double obs = mmd_split(K, n, lab, nx, total, diag_all, diag);
    long count = 0;
    for (int p = 0; p < n_perm; p++) {
        for (int i = n - 1; i > 0; i--) { int j = (int)gd_rng_below(rng, i + 1), t = idx[i]; idx[i] = idx[j]; idx[j] = t; }
        for (int i = 0; i < n; i++) lab[idx[i]] = i < nx;
        if (mmd_split(K, n, lab, nx, total, diag_all, diag) >= obs - 1e-15 * fabs(obs)) count++;
    }
    free(lab); free(idx); free(diag);
    return (1.0 + count) / (1.0 + n_perm);
}

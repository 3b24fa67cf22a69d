// frechet.c: Frechet distance between two Gaussians (eval-metrics.md §3.1), in the symmetric
// form tr((S1 S2)^1/2) = tr((S1^1/2 S2 S1^1/2)^1/2) with LAPACKE dsyevd eigendecompositions
// (negative eigenvalues from rounding are clipped to 0), plus mean/covariance helpers.
#include "eval/corpus.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ev_mean_cov(double *mu, double *cov, const double *x, int n, int d) {
    memset(mu, 0, sizeof(double) * d);
    memset(cov, 0, sizeof(double) * d * d);
    for (int i = 0; i < n; i++) for (int a = 0; a < d; a++) mu[a] += x[(size_t)i * d + a];
    for (int a = 0; a < d; a++) mu[a] /= n;
    for (int i = 0; i < n; i++) {
        const double *r = x + (size_t)i * d;
        for (int a = 0; a < d; a++) {
            double va = r[a] - mu[a];
            for (int b = a; b < d; b++) cov[a * d + b] += va * (r[b] - mu[b]);
        }
    }
    for (int a = 0; a < d; a++)
        for (int b = a; b < d; b++) { cov[a * d + b] /= (n - 1); cov[b * d + a] = cov[a * d + b]; }
}

// Symmetric square root of s (d, d) into out; returns 0 or -1.
static int sym_sqrt(double *out, const double *s, int d) {
    double *v = malloc(sizeof(double) * d * d), *w = malloc(sizeof(double) * d);
    if (!v || !w) { free(v); free(w); return -1; }
    memcpy(v, s, sizeof(double) * d * d);
    if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', d, v, d, w) != 0) { free(v); free(w); return -1; }
    for (int k = 0; k < d; k++) w[k] = w[k] > 0 ? sqrt(w[k]) : 0;
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) {
            double acc = 0;
            for (int k = 0; k < d; k++) acc += v[a * d + k] * w[k] * v[b * d + k];
            out[a * d + b] = acc;
        }
    free(v); free(w);
    return 0;
}

double ev_frechet(const double *mu1, const double *cov1, const double *mu2, const double *cov2, int d) {
    double *r = malloc(sizeof(double) * d * d), *t = malloc(sizeof(double) * d * d);
    double *m = malloc(sizeof(double) * d * d), *w = malloc(sizeof(double) * d);
    double out = NAN;
    if (!r || !t || !m || !w || sym_sqrt(r, cov1, d)) goto done;
    for (int a = 0; a < d; a++)   // t = r * cov2
        for (int b = 0; b < d; b++) {
            double acc = 0;
            for (int k = 0; k < d; k++) acc += r[a * d + k] * cov2[k * d + b];
            t[a * d + b] = acc;
        }
    for (int a = 0; a < d; a++)   // m = t * r (symmetric up to rounding)
        for (int b = 0; b < d; b++) {
            double acc = 0;
            for (int k = 0; k < d; k++) acc += t[a * d + k] * r[k * d + b];
            m[a * d + b] = acc;
        }
    for (int a = 0; a < d; a++)
        for (int b = a + 1; b < d; b++) m[a * d + b] = m[b * d + a] = 0.5 * (m[a * d + b] + m[b * d + a]);
    if (LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'N', 'U', d, m, d, w) != 0) goto done;
    double dm = 0, tr = 0, rt = 0;
    for (int a = 0; a < d; a++) {
        dm += (mu1[a] - mu2[a]) * (mu1[a] - mu2[a]);
        tr += cov1[a * d + a] + cov2[a * d + a];
        rt += w[a] > 0 ? sqrt(w[a]) : 0;
    }
    out = dm + tr - 2 * rt;
    if (out < 0 && out > -1e-9 * (tr + dm + 1)) out = 0;
done:
    free(r); free(t); free(m); free(w);
    return out;
}

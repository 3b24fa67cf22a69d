// distrib.c: 1-D distribution distances between two samples: Wasserstein-1 (the area between
// the empirical CDFs) and the Kolmogorov-Smirnov statistic with its asymptotic p-value
// (Kolmogorov distribution with the effective sample size n_a n_b / (n_a + n_b)).
#include "eval/corpus.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"  // defines: GD_ERR_*

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int finite_sorted(double **out, const double *x, int n) {
    double *v = malloc(sizeof(double) * (n > 0 ? n : 1));
    if (!v) return -1;
    int m = 0;
    for (int i = 0; i < n; i++) if (isfinite(x[i])) v[m++] = x[i];
    qsort(v, m, sizeof(double), cmp_double);
    *out = v;
    return m;
}

static double kolmogorov_q(double lambda) {   // P(K > lambda)
    if (lambda < 0.2) return 1.0;
    double s = 0;
    for (int k = 1; k <= 100; k++) {
        double t = 2 * ((k % 2) ? 1 : -1) * exp(-2.0 * k * k * lambda * lambda);
        s += t;
        if (fabs(t) < 1e-12) break;
    }
    return s < 0 ? 0 : s > 1 ? 1 : s;
}

int ev_w1_ks(const double *a, int na, const double *b, int nb, double *w1, double *ks, double *ks_p) {
    *w1 = *ks = *ks_p = NAN;
    double *x = NULL, *y = NULL;
    int n = finite_sorted(&x, a, na), m = finite_sorted(&y, b, nb);
    if (n < 0 || m < 0) { if (n >= 0) free(x); if (m >= 0) free(y); return GD_ERR_NOMEM; }
    if (n == 0 || m == 0) { free(x); free(y); return GD_ERR_EMPTY; }
    int i = 0, j = 0;
    double w = 0, d = 0, prev = fmin(x[0], y[0]);
    while (i < n || j < m) {
        double v = (j >= m || (i < n && x[i] <= y[j])) ? x[i] : y[j];
        double fa = (double)i / n, fb = (double)j / m;   // CDFs just below v
        w += fabs(fa - fb) * (v - prev);
        while (i < n && x[i] == v) i++;
        while (j < m && y[j] == v) j++;
        double da = fabs((double)i / n - (double)j / m);
        if (da > d) d = da;
        prev = v;
    }
    *w1 = w;
    *ks = d;
    double ne = (double)n * m / (n + m);
    *ks_p = kolmogorov_q((sqrt(ne) + 0.12 + 0.11 / sqrt(ne)) * d);
    free(x); free(y);
    return 0;
}

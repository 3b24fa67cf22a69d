// stats.c: sign-flip permutation test, bootstrap interval, Holm adjustment (see stats.h).
#include "eval/stats.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"  // defines: GD_ERR_NOMEM

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ev_quantile_sorted(const double *x, int n, double q) {
    double pos = q * (n - 1);
    int i = (int)floor(pos);
    if (i >= n - 1) return x[n - 1];
    return x[i] + (pos - i) * (x[i + 1] - x[i]);
}

double ev_signflip_p(const double *d, int n, int exact_max_n, int n_resamples, gd_rng *rng) {
    if (n <= 0) return NAN;
    double obs = 0;
    for (int i = 0; i < n; i++) obs += d[i];
    const double thr = fabs(obs) * (1 - 1e-12) - 1e-300;
    if (exact_max_n > 24) exact_max_n = 24;
    if (n <= exact_max_n) {
        // Gray-code walk: each step flips one sign, so the sum updates in O(1).
        uint64_t total = 1ull << n, count = 0;
        double s = obs;
        uint32_t signs = 0;   // bit i set: d[i] negated
        for (uint64_t k = 0; k < total; k++) {
            if (fabs(s) >= thr) count++;
            if (k + 1 == total) break;
            int bit = __builtin_ctzll(k + 1);
            signs ^= 1u << bit;
            s += (signs >> bit & 1u) ? -2 * d[bit] : 2 * d[bit];
        }
        return (double)count / (double)total;
    }
    int64_t count = 0;
    for (int r = 0; r < n_resamples; r++) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (gd_rng_u32(rng) & 1u) ? -d[i] : d[i];
        if (fabs(s) >= thr) count++;
    }
    return (1.0 + count) / (1.0 + n_resamples);
}

int ev_bootstrap_ratio_ci(const double *s, const double *w, int n, int n_resamples, double conf,
                          gd_rng *rng, double *lo, double *hi) {
    *lo = *hi = NAN;
    if (n <= 0 || n_resamples <= 0) return 0;
    double *m = malloc(sizeof(double) * n_resamples);
    if (!m) return GD_ERR_NOMEM;
    for (int r = 0; r < n_resamples; r++) {
        double a = 0, c = 0;
        for (int i = 0; i < n; i++) {
            uint64_t k = gd_rng_below(rng, (uint64_t)n);
            a += s[k];
            c += w ? w[k] : 1.0;
        }
        m[r] = a / c;
    }
    qsort(m, n_resamples, sizeof(double), cmp_double);
    *lo = ev_quantile_sorted(m, n_resamples, (1 - conf) / 2);
    *hi = ev_quantile_sorted(m, n_resamples, 1 - (1 - conf) / 2);
    free(m);
    return 0;
}

int ev_bootstrap_mean_ci(const double *d, int n, int n_resamples, double conf, gd_rng *rng,
                         double *lo, double *hi) {
    return ev_bootstrap_ratio_ci(d, NULL, n, n_resamples, conf, rng, lo, hi);
}

// Continued fraction of the regularised incomplete beta function (modified Lentz; converges
// fast for x < (a + 1) / (a + b + 2)).
static double beta_cf(double a, double b, double x) {
    const double tiny = 1e-300;
    double c = 1, d = 1 - (a + b) * x / (a + 1);
    if (fabs(d) < tiny) d = tiny;
    d = 1 / d;
    double h = d;
    for (int m = 1; m <= 500; m++) {
        double m2 = 2.0 * m, num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        for (int k = 0; k < 2; k++) {   // even then odd step
            d = 1 + num * d; if (fabs(d) < tiny) d = tiny;
            c = 1 + num / c; if (fabs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        }
        if (fabs(d * c - 1) < 1e-15) break;
    }
    return h;
}

double ev_beta_inc(double a, double b, double x) {
    if (!(x >= 0 && x <= 1) || !(a > 0) || !(b > 0)) return NAN;
    if (x == 0 || x == 1) return x;
    double ln_front = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
    if (x < (a + 1) / (a + b + 2)) return exp(ln_front) * beta_cf(a, b, x) / a;
    return 1 - exp(ln_front) * beta_cf(b, a, 1 - x) / b;
}

double ev_student_t_p(double t, double df) {
    if (isnan(t) || !(df > 0)) return NAN;
    if (isinf(t)) return 0;
    return ev_beta_inc(df / 2, 0.5, df / (df + t * t));
}

void ev_welch_t(const double *a, int na, const double *b, int nb, double *t, double *df, double *p) {
    *t = *df = *p = NAN;
    if (na < 2 || nb < 2) return;
    double ma = 0, mb = 0, va = 0, vb = 0;
    for (int i = 0; i < na; i++) ma += a[i] / na;
    for (int i = 0; i < nb; i++) mb += b[i] / nb;
    for (int i = 0; i < na; i++) va += (a[i] - ma) * (a[i] - ma) / (na - 1);
    for (int i = 0; i < nb; i++) vb += (b[i] - mb) * (b[i] - mb) / (nb - 1);
    double qa = va / na, qb = vb / nb, se2 = qa + qb;
    if (!(se2 > 0)) {   // no spread in either arm: the difference is exact
        *t = mb == ma ? 0 : (mb > ma ? INFINITY : -INFINITY);
        *p = mb == ma ? 1 : 0;
        return;
    }
    *t = (mb - ma) / sqrt(se2);
    *df = se2 * se2 / (qa * qa / (na - 1) + qb * qb / (nb - 1));
    *p = ev_student_t_p(*t, *df);
}

void ev_holm(double *adj, const double *p, int n) {
    int *idx = malloc(sizeof(int) * (n > 0 ? n : 1)), m = 0;
    if (!idx) { for (int i = 0; i < n; i++) adj[i] = NAN; return; }
    for (int i = 0; i < n; i++) { adj[i] = NAN; if (isfinite(p[i])) idx[m++] = i; }
    for (int a = 1; a < m; a++)   // insertion sort by p
        for (int b = a; b > 0 && p[idx[b]] < p[idx[b - 1]]; b--) { int t = idx[b]; idx[b] = idx[b - 1]; idx[b - 1] = t; }
    double run = 0;
    for (int k = 0; k < m; k++) {
        double v = (m - k) * p[idx[k]];
        if (v > run) run = v;
        adj[idx[k]] = run > 1 ? 1 : run;
    }
    free(idx);
}

typedef struct { double a; int i; } abs_idx;

static int cmp_abs(const void *x, const void *y) {
    double a = ((const abs_idx *)x)->a, b = ((const abs_idx *)y)->a;
    return (a > b) - (a < b);
}

double ev_wilcoxon_p(const double *d, int n, int exact_max_n, int n_resamples, gd_rng *rng) {
    abs_idx *v = malloc(sizeof(abs_idx) * (n > 0 ? n : 1));
    double *sr = malloc(sizeof(double) * (n > 0 ? n : 1));
    if (!v || !sr) { free(v); free(sr); return NAN; }
    int m = 0;
    for (int i = 0; i < n; i++) if (d[i] != 0) { v[m].a = fabs(d[i]); v[m].i = i; m++; }
    double p = NAN;
    if (m > 0) {
        qsort(v, m, sizeof(abs_idx), cmp_abs);
        for (int a = 0; a < m;) {
            int b = a;
            while (b + 1 < m && v[b + 1].a == v[a].a) b++;
            double rank = 0.5 * (a + b) + 1;   // average of ranks a+1 .. b+1
            for (int k = a; k <= b; k++) sr[k] = d[v[k].i] > 0 ? rank : -rank;
            a = b + 1;
        }
        p = ev_signflip_p(sr, m, exact_max_n, n_resamples, rng);
    }
    free(v); free(sr);
    return p;
}

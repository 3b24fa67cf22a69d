// summary.c: descriptive statistics (mean, median, sample SD with n - 1, min, max).
#include "eval/summary.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double ev_median_inplace(double *x, int n) {
    qsort(x, n, sizeof(double), cmp_double);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

ev_summary ev_summarise(const double *x, int n) {
    ev_summary s = {0, 0, NAN, NAN, NAN, NAN, NAN};
    double *v = malloc(sizeof(double) * (n > 0 ? n : 1));
    if (!v) return s;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        if (isfinite(x[i])) { v[s.n++] = x[i]; sum += x[i]; } else s.n_null++;
    }
    if (s.n > 0) {
        s.mean = sum / s.n;
        double ss = 0;
        for (int i = 0; i < s.n; i++) ss += (v[i] - s.mean) * (v[i] - s.mean);
        if (s.n > 1) s.sd = sqrt(ss / (s.n - 1));
        s.median = ev_median_inplace(v, s.n);
        s.min = v[0]; s.max = v[s.n - 1];
    }
    free(v);
    return s;
}

// bessel.c: Bessel-function zeros for the membrane mode table (see bessel.h).
//
// J_m has no zero below x = m, and consecutive zeros are more than 2.4 apart for small m and
// approach pi from above; a scan step of 0.05 therefore never skips a pair of zeros.
#include "synth/bessel.h"

#include <math.h>
#include <stdlib.h>

#include "core/error.h"  // defines: GD_ERR_NOMEM

double syn_bessel_j(int m, double x) { return jn(m, x); }

static double bisect_zero(int m, double a, double b) {
    double fa = jn(m, a);
    for (int it = 0; it < 100 && b - a > 1e-14 * b; it++) {
        double c = 0.5 * (a + b), fc = jn(m, c);
        if ((fa < 0) == (fc < 0)) { a = c; fa = fc; } else b = c;
    }
    return 0.5 * (a + b);
}

double syn_bessel_zero(int m, int n) {
    double x = m > 0 ? m : 0.5, step = 0.05, f = jn(m, x);
    int found = 0;
    for (;;) {
        double x2 = x + step, f2 = jn(m, x2);
        if ((f < 0) != (f2 < 0) && ++found == n) return bisect_zero(m, x, x2);
        x = x2; f = f2;
    }
}

static int cmp_zero(const void *a, const void *b) {
    const syn_zero *p = a, *q = b;
    return (p->j > q->j) - (p->j < q->j);
}

int syn_zeros_init(syn_zeros *t, double j_max) {
    int cap = 64, n = 0;
    t->z = malloc(sizeof(syn_zero) * (size_t)cap);
    if (!t->z) return GD_ERR_NOMEM;
    for (int m = 0; m < j_max; m++) {
        double x = m > 0 ? m : 0.5, step = 0.05, f = jn(m, x);
        int k = 0;
        while (x < j_max) {
            double x2 = x + step, f2 = jn(m, x2);
            if ((f < 0) != (f2 < 0)) {
                double j = bisect_zero(m, x, x2);
                if (j >= j_max) break;
                if (n == cap) {
                    cap *= 2;
                    syn_zero *nz = realloc(t->z, sizeof(syn_zero) * (size_t)cap);
                    if (!nz) { free(t->z); t->z = NULL; return GD_ERR_NOMEM; }
                    t->z = nz;
                }
                t->z[n++] = (syn_zero){m, ++k, j};
            }
            x = x2; f = f2;
        }
    }
    qsort(t->z, (size_t)n, sizeof(syn_zero), cmp_zero);
    t->n_zeros = n;
    return 0;
}

void syn_zeros_free(syn_zeros *t) {
    if (!t) return;
    free(t->z);
    t->z = NULL;
    t->n_zeros = 0;
}

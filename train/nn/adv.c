// adv.c: see adv.h. Serial sums in double: these maps are small.
#include "train/nn/adv.h"

#include <math.h>

double rv_hinge_d_fwd(const rv_real *s_real, const rv_real *s_fake, long n) {
    double a = 0, b = 0;
    for (long i = 0; i < n; i++) {
        a += fmax(0, 1 - (double)s_real[i]);
        b += fmax(0, 1 + (double)s_fake[i]);
    }
    return (a + b) / n;
}

void rv_hinge_d_bwd(rv_real *d_real, rv_real *d_fake, double weight, const rv_real *s_real,
                    const rv_real *s_fake, long n) {
    for (long i = 0; i < n; i++) {
        if (d_real && 1 - s_real[i] > 0) d_real[i] -= (rv_real)(weight / n);
        if (d_fake && 1 + s_fake[i] > 0) d_fake[i] += (rv_real)(weight / n);
    }
}

double rv_hinge_g_fwd(const rv_real *s_fake, long n) {
    double a = 0;
    for (long i = 0; i < n; i++) a += s_fake[i];
    return -a / n;
}

void rv_hinge_g_bwd(rv_real *d_fake, double weight, long n) {
    for (long i = 0; i < n; i++) d_fake[i] -= (rv_real)(weight / n);
}

double rv_fm_fwd(const rv_real *f_real, const rv_real *f_fake, long n) {
    double num = 0, den = 0;
    for (long i = 0; i < n; i++) {
        num += fabs((double)f_real[i] - f_fake[i]);
        den += fabs((double)f_real[i]);
    }
    return num / den;
}

void rv_fm_bwd(rv_real *d_fake, double weight, const rv_real *f_real, const rv_real *f_fake,
               long n) {
    double den = 0;
    for (long i = 0; i < n; i++) den += fabs((double)f_real[i]);
    double a = weight / den;   // the 1/n of both means cancels
    for (long i = 0; i < n; i++) {
        double d = (double)f_fake[i] - f_real[i];
        d_fake[i] += (rv_real)(d > 0 ? a : d < 0 ? -a : 0);
    }
}

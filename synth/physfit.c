// physfit.c: membrane parameters from fitted modes (see physfit.h).
#include "synth/physfit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_EMPTY

#define N_STRONG 16
#define N_PRED 40

typedef struct { double f, e, sigma; } strong;

static int cmp_e(const void *a, const void *b) {
    double x = ((const strong *)a)->e, y = ((const strong *)b)->e;
    return (x < y) - (x > y);
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// Predicted series for eps, B in cents above f01 (ascending): returns the count.
static int predict(double *pc, const syn_zeros *z, double eps, double B) {
    int n = 0;
    for (int i = 0; i < z->n_zeros && n < N_PRED; i++)
        pc[n++] = 1200 * log2(syn_mode_ratio(z->z[i].j, eps, B));
    return n;
}

// Normalised mismatch of a mode x cents above f01 against the series pc; *cents gets the error.
static double mismatch(double x, const double *pc, int n, double *cents) {
    int k = 0;
    double best = INFINITY;
    for (int i = 0; i < n; i++) {
        double d = fabs(x - pc[i]);
        if (d < best) { best = d; k = i; }
    }
    double lo = k > 0 ? pc[k] - pc[k - 1] : 1200;
    double hi = k + 1 < n ? pc[k + 1] - pc[k] : 1200;
    double spacing = fmax(fmin(lo, hi), 1.0);   // degenerate neighbours: >= 1 cent
    *cents = best;
    double s = best / spacing;
    return s > 0.5 ? 0.5 : s;
}

// xs[i]: cents of strong mode i above f01.
static double score_of(const strong *s, const double *xs, int ns, const double *pc, int np) {
    double num = 0, den = 0, c;
    for (int i = 0; i < ns; i++) {
        den += s[i].e;
        num += s[i].e * (xs[i] < -50 ? 0.5 : mismatch(xs[i], pc, np, &c));   // below f01: miss
    }
    return den > 0 ? num / den : 1;
}

int syn_physfit(syn_physfit_result *r, const syn_mode *modes, int n, const syn_zeros *z) {
    memset(r, 0, sizeof *r);
    strong s[N_STRONG + 1];
    int ns = 0;
    for (int i = 0; i < n; i++) {
        if (modes[i].freq < 30 || modes[i].freq > 5000) continue;
        strong c = {modes[i].freq, modes[i].amp * modes[i].amp * modes[i].t60,
                    6.907755278982137 / modes[i].t60};
        if (ns < N_STRONG) s[ns++] = c;
        else if (c.e > s[ns - 1].e) s[ns - 1] = c;
        qsort(s, (size_t)ns, sizeof(strong), cmp_e);
    }
    r->n_strong = ns;
    if (ns < 3) return GD_ERR_EMPTY;
    static const double Bs[] = {0, 1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3};
    enum { NB = 7, NE = 33 };
    static _Thread_local double pc[NB][NE][N_PRED];
    int np[NB][NE];
    for (int b = 0; b < NB; b++)
        for (int e = 0; e < NE; e++) np[b][e] = predict(pc[b][e], z, 0.25 * e, Bs[b]);
    double xs[N_STRONG];
    r->score = INFINITY;
    for (int c = 0; c < ns; c++)                     // f01 candidates: each strong mode,
        for (int k = -20; k <= 20; k++) {            // +-2 % in 0.1 % steps
            double f01 = s[c].f * (1 + 0.001 * k);
            for (int i = 0; i < ns; i++) xs[i] = 1200 * log2(s[i].f / f01);
            for (int b = 0; b < NB; b++)
                for (int e = 0; e < NE; e++) {
                    double sc = score_of(s, xs, ns, pc[b][e], np[b][e]);
                    if (sc < r->score - 1e-12) {
                        r->score = sc; r->f01 = f01; r->eps = 0.25 * e; r->B = Bs[b];
                    }
                }
        }
    int bb = 0, ee = (int)(r->eps / 0.25 + 0.5);
    while (Bs[bb] != r->B) bb++;
    double cents[N_STRONG];
    for (int i = 0; i < ns; i++) {
        double c, x = 1200 * log2(s[i].f / r->f01);
        if (x >= -50 && mismatch(x, pc[bb][ee], np[bb][ee], &c) < 0.1) cents[r->n_matched++] = c;
    }
    qsort(cents, (size_t)r->n_matched, sizeof(double), cmp_d);
    r->cents_median = r->n_matched ? cents[r->n_matched / 2] : NAN;
    // decay law: weighted least squares of sigma on f^2
    double sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (int i = 0; i < ns; i++) {
        double w = s[i].e, x = s[i].f * s[i].f, y = s[i].sigma;
        sw += w; sx += w * x; sy += w * y; sxx += w * x * x; sxy += w * x * y;
    }
    double det = sw * sxx - sx * sx;
    r->sigma1 = det > 0 ? fmax(0.0, (sw * sxy - sx * sy) / det) : 0;
    r->sigma0 = fmax(0.0, (sy - r->sigma1 * sx) / sw);
    return 0;
}

// visqol_nsim.c: the Neurogram Similarity Index Measure of two spectrogram patches (Hines &
// Harte 2012, as in ViSQOL): SSIM's intensity and structure terms with a 3x3 Gaussian window,
// the patch edge-replicated by one cell, C1 = 0.01^2, C3 = 0.03^2 / 2.
#include "eval/visqol.h"

#include <math.h>

#include "core/simd.h"

#define NB EV_VISQOL_BANDS
#define WMAX 32   // widest patch: ViSQOL's are 30 frames, re-aligned ones 27

static const double k_win[3][3] = {
    {0.0113033910173052, 0.0838251475442633, 0.0113033910173052},
    {0.0838251475442633, 0.619485845753726, 0.0838251475442633},
    {0.0113033910173052, 0.0838251475442633, 0.0113033910173052}};

// 3x3 correlation of x (NB x w, stride sx) with edge replication, into y (NB x w, stride w):
// x copied into a replicated border first, so the taps need no index clamping.
static void conv(double *restrict y, const double *restrict x, int sx, int w) {
    double pad[(NB + 2) * (WMAX + 2)];
    const int pw = w + 2;
    for (int k = -1; k <= NB; k++) {
        const double *row = x + (int64_t)(k < 0 ? 0 : k >= NB ? NB - 1 : k) * sx;
        double *d = pad + (k + 1) * pw;
        d[0] = row[0];
        for (int j = 0; j < w; j++) d[j + 1] = row[j];
        d[w + 1] = row[w - 1];
    }
    for (int k = 0; k < NB; k++) {
        const double *r0 = pad + k * pw, *r1 = r0 + pw, *r2 = r1 + pw;
        for (int j = 0; j < w; j++) {
            double s = 0;
            s += r0[j] * k_win[0][0]; s += r0[j + 1] * k_win[0][1]; s += r0[j + 2] * k_win[0][2];
            s += r1[j] * k_win[1][0]; s += r1[j + 1] * k_win[1][1]; s += r1[j + 2] * k_win[1][2];
            s += r2[j] * k_win[2][0]; s += r2[j + 1] * k_win[2][1]; s += r2[j + 2] * k_win[2][2];
            y[k * w + j] = s;
        }
    }
}

GD_SIMD static void products(double *restrict rr, double *restrict dd, double *restrict rd,
                             const double *restrict r, int sr, const double *restrict d, int sd,
                             int w) {
    for (int k = 0; k < NB; k++)
        for (int j = 0; j < w; j++) {
            double a = r[(int64_t)k * sr + j], b = d[(int64_t)k * sd + j];
            rr[k * w + j] = a * a; dd[k * w + j] = b * b; rd[k * w + j] = a * b;
        }
}

double ev_visqol_nsim(const double *ref, int sr, const double *deg, int sd, int w,
                      double *band_means) {
    const double c1 = 0.01 * 0.01, c3 = 0.03 * 0.03 / 2.0;   // (K1 L)^2, (K2 L)^2 / 2, L = 1
    double mr[NB * WMAX], md[NB * WMAX], rr[NB * WMAX], dd[NB * WMAX], rd[NB * WMAX];
    double crr[NB * WMAX], cdd[NB * WMAX], crd[NB * WMAX];
    if (w > WMAX) w = WMAX;
    conv(mr, ref, sr, w);
    conv(md, deg, sd, w);
    products(rr, dd, rd, ref, sr, deg, sd, w);
    conv(crr, rr, w, w);
    conv(cdd, dd, w, w);
    conv(crd, rd, w, w);
    double total = 0;
    for (int k = 0; k < NB; k++) {
        double sum = 0;
        for (int j = 0; j < w; j++) {
            int i = k * w + j;
            double mu_rd = mr[i] * md[i], rsq = mr[i] * mr[i], dsq = md[i] * md[i];
            double vr = crr[i] - rsq, vd = cdd[i] - dsq, cov = crd[i] - mu_rd;
            double intensity = (2.0 * mu_rd + c1) / (rsq + dsq + c1);
            double vp = vr * vd;
            double structure = (cov + c3) / (vp < 0 ? c3 : sqrt(vp) + c3);
            sum += intensity * structure;
        }
        double m = sum / w;
        if (band_means) band_means[k] = m;
        total += m;
    }
    return total / NB;
}

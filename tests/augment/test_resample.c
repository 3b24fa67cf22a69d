// test_resample.c: our polyphase sinc resampler (augment/resample.c) against analytic sines:
// passband error against the ideal resampled sine (all of resampling's errors: ripple,
// interpolation, images), passband level ripple, and stopband rejection of tones that would
// alias (pitch up) or image (pitch down). Run with --table to print the same measurements for
// libsamplerate's best converter side by side (bench/bench_augment.sh does).
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"
#include "tests/test.h"

#define N_IN 16384

// Resamples a sine of input frequency f (cycles/sample) at speed d = n_in / n_out with
// resampler q; returns the RMS error (dB re the sine's RMS) against `want_amp` times the ideal
// output sin(2 pi f i d), over the interior, and the output RMS level in dB re the input's.
static void measure(int q, double d, double f, double want_amp, double *err_db, double *lvl_db) {
    static float x[N_IN];
    for (int i = 0; i < N_IN; i++) x[i] = (float)(0.5 * sin(2 * M_PI * f * i));
    int64_t n_out = (int64_t)llround(N_IN / d);
    float *y = NULL;
    if (q == AUG_RS_SINC) {
        y = malloc((size_t)n_out * sizeof(float));
        CHECK(aug__resample_sinc(y, n_out, x, N_IN, 1) == 0);
    } else {
        CHECK(aug__resample(&y, n_out, x, N_IN, q) == 0);
    }
    double dd = (double)N_IN / (double)n_out, e = 0, ys = 0, yc = 0, ss = 0, cc = 0;
    int64_t from = 600, to = n_out - 600;
    for (int64_t i = from; i < to; i++) {
        double ph = 2 * M_PI * f * (double)i * dd, sn = sin(ph), cs = cos(ph);
        double ideal = want_amp * 0.5 * sn;
        e += (y[i] - ideal) * (y[i] - ideal);
        ys += y[i] * sn; yc += y[i] * cs; ss += sn * sn; cc += cs * cs;
    }
    double ref = 0.125 * (double)(to - from);   // (0.5^2 / 2) per sample
    *err_db = 10 * log10(e / ref + 1e-30);
    // level of the output at the ideal frequency (least-squares sine and cosine amplitudes)
    // for passband tones, or of everything (the error against zero) for stopband tones
    double a = ys / ss, b = yc / cc;
    *lvl_db = want_amp > 0 ? 20 * log10(sqrt(a * a + b * b) / 0.5 + 1e-30) : *err_db;
    free(y);
}

static const double speeds[] = {0.6674, 0.8409, 1.1892, 1.4983};   // -7, -3, +3, +7 st

// Passband: tones up to 0.84 of the lower Nyquist come out as the ideal sine.
static void test_passband(void) {   // 4 speeds x 21 tones
    double worst_err = -300, worst_ripple = 0;
    for (int s = 0; s < 4; s++) {
        double lo = speeds[s] > 1 ? 1 / speeds[s] : 1;
        for (double frac = 0.01; frac <= 0.84; frac += 0.0415) {
            double err, lvl;
            measure(AUG_RS_SINC, speeds[s], 0.5 * lo * frac, 1, &err, &lvl);
            if (err > worst_err) worst_err = err;
            if (fabs(lvl) > worst_ripple) worst_ripple = fabs(lvl);
        }
    }
    printf("# passband: worst error %.1f dB, worst level deviation %.4f dB\n", worst_err, worst_ripple);
    CHECK(worst_err < -90);
    CHECK(worst_ripple < 0.001);
}

// Stopband: pitch up, tones above the output Nyquist must vanish (no aliasing); pitch down,
// tones just under the input Nyquist give their sine and no image (error vs the attenuated
// ideal stays small because the transition band 0.84 .. 1.0 is only attenuated, so test the
// alias side where the whole tone must go).
static void test_stopband(void) {
    double worst = -300;
    for (int s = 2; s < 4; s++) {
        double lo = 1 / speeds[s];
        for (double frac = 1.0; frac <= 0.99 / lo; frac += 0.05) {
            double err, lvl;
            measure(AUG_RS_SINC, speeds[s], 0.5 * lo * frac, 0, &err, &lvl);
            if (lvl > worst) worst = lvl;
        }
    }
    printf("# stopband: worst alias level %.1f dB\n", worst);
    CHECK(worst < -95);
}

// Identity-like speeds and edges: silence stays silent; a DC level comes through at 1.
static void test_edges(void) {
    float x[4096], y[5000];
    for (int i = 0; i < 4096; i++) x[i] = 0.25f;
    CHECK(aug__resample_sinc(y, 5000, x, 4096, 1) == 0);
    CHECK_NEAR(y[2500], 0.25, 1e-5);
    memset(x, 0, sizeof x);
    CHECK(aug__resample_sinc(y, 3000, x, 4096, 1) == 0);
    int silent = 1;
    for (int i = 0; i < 3000; i++) silent &= y[i] == 0;
    CHECK(silent);
    CHECK(aug__resample_sinc(y, 10, x, 3, 1) == 0);   // input shorter than the kernel
}

static void table(void) {
    static const char *names[] = {"ours (sinc, default)", "libsamplerate best"};
    static const int qs[] = {AUG_RS_SINC, AUG_RS_SRC_BEST};
    printf("| resampler | passband error vs ideal sine, worst dB | passband level, worst dev dB | alias rejection, worst dB | passband edge |\n");
    printf("|---|---|---|---|---|\n");
    for (int k = 0; k < 2; k++) {
        double we = -300, wr = 0, wa = -300;
        for (int s = 0; s < 4; s++) {
            double lo = speeds[s] > 1 ? 1 / speeds[s] : 1, err, lvl;
            for (double frac = 0.01; frac <= 0.84; frac += 0.0415) {
                measure(qs[k], speeds[s], 0.5 * lo * frac, 1, &err, &lvl);
                if (err > we) we = err;
                if (fabs(lvl) > wr) wr = fabs(lvl);
            }
            if (speeds[s] > 1)
                for (double frac = 1.0; frac <= 0.99 * speeds[s]; frac += 0.05) {
                    measure(qs[k], speeds[s], 0.5 * lo * frac, 0, &err, &lvl);
                    if (lvl > wa) wa = lvl;
                }
        }
        printf("| %s | %.1f | %.4f | %.1f | 0.84 x Nyquist |\n", names[k], we, wr, wa);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--table")) { table(); return 0; }
    RUN(test_passband);
    RUN(test_stopband);
    RUN(test_edges);
    return TEST_REPORT();
}

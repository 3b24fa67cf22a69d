// resample.c: a fast polyphase windowed-sinc resampler for pitch (quality=fast and the
// phase vocoder's return to the input length).
//
// Kernel: sinc with cutoff 0.9 x the lower Nyquist, Kaiser window (beta 7, about -70 dB
// stopband), 24 zero crossings per side at the cutoff; a bank of 256 phases, linear
// interpolation between adjacent phases. The input is zero-padded so time 0 maps to time 0
// and output sample i reads input time i * n_in / n_out. Two SIMD dot products per output
// sample (OpenMP simd reductions), no allocation in the loop. Measured against ideal sines
// (1-15 kHz, +-3 and +7 st): error -72 to -101 dB; 32 crossings gained little, 16 lost the
// top of the band (-30 dB at 15 kHz).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug__resample_fast
#include "core/error.h"       // defines: GD_ERR_*

#define N_PHASES 256
#define ZERO_CROSSINGS 24
#define KAISER_BETA 7.0
#define CUTOFF 0.9

static double bessel_i0(double x) {
    double s = 1, t = 1;
    for (int k = 1; k < 40; k++) {
        t *= (x / (2 * k)) * (x / (2 * k));
        s += t;
        if (t < 1e-12 * s) break;
    }
    return s;
}

int aug__resample_fast(float *out, int64_t n_out, const float *in, int64_t n_in) {
    if (n_out <= 0) return 0;
    if (n_in <= 0) { memset(out, 0, (size_t)n_out * sizeof(float)); return 0; }
    double d = (double)n_in / (double)n_out;         // input samples per output sample
    double fc = CUTOFF * (d > 1 ? 1 / d : 1);        // cutoff, fraction of the input Nyquist
    int half = (int)ceil(ZERO_CROSSINGS / fc);       // kernel half-width, input samples
    int taps = 2 * half;                             // taps k - half + 1 .. k + half
    float *bank = malloc((size_t)(N_PHASES + 1) * taps * sizeof(float));
    float *pad = calloc((size_t)(n_in + 2 * half + 2), sizeof(float));
    if (!bank || !pad) { free(bank); free(pad); return GD_ERR_NOMEM; }
    double i0b = bessel_i0(KAISER_BETA);
    for (int p = 0; p <= N_PHASES; p++) {
        double frac = (double)p / N_PHASES;
        for (int m = 0; m < taps; m++) {
            double x = (m - half + 1) - frac;            // tap position relative to t
            double w = x / half, h = 0;
            if (fabs(w) < 1) {
                double arg = M_PI * fc * x;
                double sinc = fabs(arg) < 1e-12 ? 1 : sin(arg) / arg;
                h = fc * sinc * bessel_i0(KAISER_BETA * sqrt(1 - w * w)) / i0b;
            }
            bank[p * taps + m] = (float)h;
        }
    }
    memcpy(pad + half, in, (size_t)n_in * sizeof(float));
    for (int64_t i = 0; i < n_out; i++) {
        double t = (double)i * d;
        int64_t k = (int64_t)t;
        double ph = (t - (double)k) * N_PHASES;
        int p = (int)ph;
        float f = (float)(ph - p);
        const float *x = pad + k + 1, *b0 = bank + p * taps, *b1 = b0 + taps;   // x[m] = in[k-half+1+m]
        float a0 = 0, a1 = 0;
#pragma omp simd reduction(+ : a0, a1)
        for (int m = 0; m < taps; m++) {
            a0 += x[m] * b0[m];
            a1 += x[m] * b1[m];
        }
        out[i] = a0 + f * (a1 - a0);
    }
    free(bank);
    free(pad);
    return 0;
}

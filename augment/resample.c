// resample.c: our polyphase windowed-sinc resampler, the default for `pitch` (mode=resample)
// and the phase vocoder's return to the input length.
//
// Design (fixed, for any speed d = n_in / n_out): lowpass at the lower of the two Nyquist
// rates (min(1, 1/d) x the input Nyquist, "Nyquist_eff"), passband to 0.84 Nyquist_eff
// (18.5 kHz at 44.1 kHz and d <= 1), stopband from 1.0 Nyquist_eff, so nothing aliases
// (d > 1) or images (d < 1) into the output band; Kaiser window designed for 100 dB
// (beta 10.06, Kaiser's length formula: 80 taps at the lower rate, so 80 max(1, d) input
// taps, rounded up to a multiple of 8). Cutoff (-6 dB) at 0.92 Nyquist_eff.
// Polyphase bank of 512 phases, linear interpolation between adjacent phases (its error,
// ~(pi f / 512)^2 / 8, stays below -110 dB in the band). Output sample i reads input time
// i * n_in / n_out, so time 0 maps to time 0; outside the input the signal is zero.
// Measured in tests/augment/test_resample.c against analytic sines: passband ripple, image
// and alias rejection, error against the ideal output.
// Speed: the two dot products per output sample run on pairs of 8-float accumulators (GCC
// vector extensions: the same lanes and operation order on every x86 build, so the bytes do
// not depend on the instruction set, checked for SSE2, AVX2 and AVX-512; clones for the last
// two are picked at load time where available). No allocation per sample; the bank is built
// once per call for all channels.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug__resample_sinc
#include "core/error.h"       // defines: GD_ERR_*
#include "core/simd.h"       // defines: GD_SIMD

#define N_PHASES 512
#define KAISER_BETA 10.056   // 0.1102 (A - 8.7), A = 100 dB
#define HALF_LOW 40          // kernel half-width in samples of the lower rate
#define CUTOFF 0.92          // -6 dB point, fraction of Nyquist_eff (transition 0.84 .. 1.0)

typedef float v8 __attribute__((vector_size(32)));

// I0 by its power series in y = (x/2)^2 (Horner on 1/(k!)^2, 30 terms: x <= 10.06 converges
// to double precision by k = 25).
double aug__bessel_i0(double x) {
    double y = 0.25 * x * x, s = 1, t = 1;
    for (int k = 1; k < 30; k++) {
        t *= y / ((double)k * k);
        s += t;
    }
    return s;
}

// Dot products of one input window with two adjacent phase rows, interpolated lane-wise:
// *u = s + f (r - s), s and r the 8-lane partial sums of the two rows (output sample i is
// the sum of u's lanes, in the fixed order of reduce8 / reduce_one). taps is a multiple of 8;
// b0, b1 are 32-byte aligned; x is not.
static inline __attribute__((always_inline)) void dot_one(v8 *u, int64_t i, int64_t i1, double d,
                                                          const float *x, int64_t x_off,
                                                          const float *bank, int taps) {
    const int ahead = 4;   // rows of a later output sample are prefetched: phases jump around
    double t = (double)i * d;
    int64_t k = (int64_t)t;
    double ph = (t - (double)k) * N_PHASES;
    int p = (int)ph;
    float f = (float)(ph - p);
    if (i + ahead < i1) {
        double ta = (double)(i + ahead) * d;
        const char *pa = (const char *)(bank + (size_t)(int)((ta - (double)(int64_t)ta) * N_PHASES) * taps);
        for (int off = 0; off < 2 * taps * (int)sizeof(float); off += 128) __builtin_prefetch(pa + off);
    }
    const float *xs = x + (k + x_off);
    const float *b0 = bank + (size_t)p * taps, *b1 = b0 + taps;
    // Two 8-float accumulators per row: s0 sums taps m..m+7 and s1 taps m+8..m+15 of every
    // 16 (as one 16-float vector would, so the bytes are the same on SSE, AVX2 and AVX-512).
    // Separate v8 variables, not one v16: GCC kept a v16 sum on the stack, at an offset that
    // is not 32-byte aligned, and the store-to-load chain made the loop 6x slower on AMD Zen.
    v8 s0 = {0}, s1 = {0}, r0 = {0}, r1 = {0};
    int m = 0;
    for (; m + 16 <= taps; m += 16) {
        v8 xa, xb, c0a, c0b, c1a, c1b;   // rows are 32-byte aligned only
        memcpy(&xa, xs + m, sizeof xa);
        memcpy(&xb, xs + m + 8, sizeof xb);
        memcpy(&c0a, b0 + m, sizeof c0a);
        memcpy(&c0b, b0 + m + 8, sizeof c0b);
        memcpy(&c1a, b1 + m, sizeof c1a);
        memcpy(&c1b, b1 + m + 8, sizeof c1b);
        s0 += xa * c0a;
        s1 += xb * c0b;
        r0 += xa * c1a;
        r1 += xb * c1b;
    }
    if (m < taps) {
        v8 xa;
        memcpy(&xa, xs + m, sizeof xa);
        s0 += xa * *(const v8 *)(b0 + m);
        r0 += xa * *(const v8 *)(b1 + m);
    }
    v8 sum = s0 + s1;
    *u = sum + f * ((r0 + r1) - sum);
}

// Sum of one u's lanes: ((u0 + u4) + (u1 + u5)) + ((u2 + u6) + (u3 + u7)).
static inline __attribute__((always_inline)) float reduce_one(const v8 *u) {
    const v8 v = *u;
    return ((v[0] + v[4]) + (v[1] + v[5])) + ((v[2] + v[6]) + (v[3] + v[7]));
}

// The same sums for 8 outputs at once: an 8 x 8 transpose by shuffles, then lane-wise adds in
// exactly reduce_one's order, so every output has the same bits as reduce_one gives.
static inline __attribute__((always_inline)) void reduce8(float *out, const v8 *u) {
    // __builtin_shufflevector (constant lanes; GCC 12 and clang alike), not GCC's __builtin_shuffle.
#define LO(a, b) __builtin_shufflevector(a, b, 0, 8, 1, 9, 4, 12, 5, 13)
#define HI(a, b) __builtin_shufflevector(a, b, 2, 10, 3, 11, 6, 14, 7, 15)
#define EV(a, b) __builtin_shufflevector(a, b, 0, 1, 8, 9, 4, 5, 12, 13)
#define OD(a, b) __builtin_shufflevector(a, b, 2, 3, 10, 11, 6, 7, 14, 15)
#define H0(a, b) __builtin_shufflevector(a, b, 0, 1, 2, 3, 8, 9, 10, 11)
#define H1(a, b) __builtin_shufflevector(a, b, 4, 5, 6, 7, 12, 13, 14, 15)
    v8 A[4];
    for (int g = 0; g < 2; g++) {   // outputs 4g .. 4g + 3
        const v8 *w = u + 4 * g;
        v8 t0 = LO(w[0], w[1]), t1 = HI(w[0], w[1]);
        v8 t2 = LO(w[2], w[3]), t3 = HI(w[2], w[3]);
        // lane l of output j (j = 0..3) at position j of the half holding l mod 4
        v8 q0 = EV(t0, t2), q1 = OD(t0, t2);   // l = 0|4, 1|5
        v8 q2 = EV(t1, t3), q3 = OD(t1, t3);   // l = 2|6, 3|7
        if (g == 0) { A[0] = q0; A[1] = q1; A[2] = q2; A[3] = q3; }
        else {
            v8 B[4] = {q0, q1, q2, q3};
            for (int j = 0; j < 4; j++)   // (lanes l of outputs 0-7) + (lanes l + 4)
                A[j] = H0(A[j], B[j]) + H1(A[j], B[j]);
        }
    }
    v8 r = (A[0] + A[1]) + (A[2] + A[3]);
    memcpy(out, &r, sizeof r);
#undef LO
#undef HI
#undef EV
#undef OD
#undef H0
#undef H1
}

GD_SIMD
static void dot_run(float *out, int64_t i0, int64_t i1, double d, const float *x, int64_t x_off,
                    const float *bank, int taps) {
    int64_t i = i0;
    for (; i + 8 <= i1; i += 8) {
        v8 u[8];
        for (int j = 0; j < 8; j++) dot_one(&u[j], i + j, i1, d, x, x_off, bank, taps);
        reduce8(out + i, u);
    }
    for (; i < i1; i++) {
        v8 u;
        dot_one(&u, i, i1, d, x, x_off, bank, taps);
        out[i] = reduce_one(&u);
    }
}

int aug__resample_sinc(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch) {
    if (n_out <= 0) return 0;
    if (n_in <= 0) { memset(out, 0, (size_t)n_out * n_ch * sizeof(float)); return 0; }
    double d = (double)n_in / (double)n_out;          // input samples per output sample
    double lo = d > 1 ? 1 / d : 1;                    // Nyquist_eff / input Nyquist
    double fc = CUTOFF * lo;                          // cutoff, fraction of the input Nyquist
    int half = (int)ceil(HALF_LOW / lo);              // kernel half-width, input samples
    int taps = (2 * half + 7) / 8 * 8;                // taps k - half + 1 .. k - half + taps
    size_t bank_n = (size_t)(N_PHASES + 1) * taps;
    float *bank = aligned_alloc(64, (bank_n * sizeof(float) + 63) / 64 * 64);
    float *edge = malloc((size_t)(2 * taps + 64) * sizeof(float));
    if (!bank || !edge) { free(bank); free(edge); return GD_ERR_NOMEM; }
    // h(x) = fc sinc(fc x) kaiser(x / half) at x = (m - half + 1) - p / N_PHASES; the row of
    // phase p serves input times with fractional part p / N_PHASES.
    // The kernel is even and x is exact (an integer minus a multiple of 1/512), so the entry
    // at (p, m) equals the one at (N_PHASES - p, 2 half - 1 - m): half the rows are mirrored
    // copies (taps beyond 2 half - 1 are zero either way, |w| >= 1).
    double i0b = aug__bessel_i0(KAISER_BETA);
    for (int p = 0; p <= N_PHASES; p++) {
        double frac = (double)p / N_PHASES;
        if (p > N_PHASES / 2) {
            const float *src = bank + (size_t)(N_PHASES - p) * taps;
            float *dst = bank + (size_t)p * taps;
            for (int m = 0; m < taps; m++) {
                int mm = 2 * half - 1 - m;
                dst[m] = mm >= 0 && mm < taps ? src[mm] : 0.0f;
            }
            continue;
        }
        for (int m = 0; m < taps; m++) {
            double x = (m - half + 1) - frac, w = x / half, h = 0;
            if (fabs(w) < 1) {
                double arg = M_PI * fc * x;
                double sinc = fabs(arg) < 1e-12 ? 1 : sin(arg) / arg;
                h = fc * sinc * aug__bessel_i0(KAISER_BETA * sqrt(1 - w * w)) / i0b;
            }
            bank[(size_t)p * taps + m] = (float)h;
        }
    }
    // Output i reads in[k - half + 1 .. k - half + taps], k = floor(i d). Interior outputs
    // (whole window inside the input) read the input directly; the few at either end go
    // through a zero-padded copy of the edge.
    int64_t i_a = 0, i_b = n_out;
    while (i_a < n_out && (int64_t)((double)i_a * d) - half + 1 < 0) i_a++;
    while (i_b > i_a && (int64_t)((double)(i_b - 1) * d) - half + 1 + taps > n_in) i_b--;
    for (int c = 0; c < n_ch; c++) {
        const float *x = in + (size_t)c * n_in;
        float *y = out + (size_t)c * n_out;
        dot_run(y, i_a, i_b, d, x, -half + 1, bank, taps);
        for (int side = 0; side < 2; side++) {
            int64_t j0 = side ? i_b : 0, j1 = side ? n_out : i_a;
            for (int64_t i = j0; i < j1; i++) {
                int64_t k0 = (int64_t)((double)i * d) - half + 1;   // first input index read
                for (int m = 0; m < taps + 8; m++) {
                    int64_t j = k0 + m;
                    edge[m] = j >= 0 && j < n_in ? x[j] : 0.0f;
                }
                // the same arithmetic as the interior: shift so that k + x_off lands on edge
                dot_run(y, i, i + 1, d, edge, -k0 - half + 1, bank, taps);
            }
        }
    }
    free(bank);
    free(edge);
    return 0;
}

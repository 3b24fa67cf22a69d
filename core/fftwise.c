// fftwise.c: plan cache for fftwise.h. Plans are published through an atomic count and never
// change afterwards (lock-free lookup); creation is serialised by plan_lock, and the FFTW
// planner itself is made thread-safe (fftwf_make_planner_thread_safe) so that planning here
// cannot race with core/fft.c's planner.
#include "core/fftwise.h"

#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"      // defines: GD_ERR_*, GD_ASSERT
#include "core/fft_wisdom.h" // defines: gd_fft_wisdom, gd_fft_wisdom_lines
#include "core/simd.h"       // defines: GD_SIMD

#define MAX_PLANS 128

// Even n >= HALF_MIN runs as a complex FFT of n/2 points (the samples' even/odd pairs as
// re/im) with our own vectorised split pass: Debian's FFTW has AVX codelets for complex
// transforms but spends more time in its scalar real-to-complex pass than in the FFT itself
// (512 points: 471 ns as r2c, 237 ns this way). Other n use FFTW's real plan.
#define HALF_MIN 16

typedef struct {
    int        n, inverse, want_wise, wise;
    fftwf_plan plan;       // half: c2c of n/2 (forward out of place, inverse in place)
    int        half;
    float     *wr, *wi;    // half: cos and -sin(2 pi k / n), k <= n/4 + 3, each twice (re, im lanes)
} wise_plan;

static wise_plan         plans[MAX_PLANS];
static atomic_int      n_plans;
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t  safe_once = PTHREAD_ONCE_INIT;

static char           *wisdom;   // the joined lines of gd_fft_wisdom (kept until exit)

static void init_once(void) {
    fftwf_make_planner_thread_safe();
    size_t len = 1, nl = (size_t)gd_fft_wisdom_lines;
    for (size_t i = 0; i < nl; i++) len += strlen(gd_fft_wisdom[i]);
    wisdom = malloc(len);
    if (!wisdom) return;
    char *p = wisdom;
    for (size_t i = 0; i < nl; i++) { size_t l = strlen(gd_fft_wisdom[i]); memcpy(p, gd_fft_wisdom[i], l); p += l; }
    *p = 0;
}

static const wise_plan *find(int n, int inverse, int want_wise, int count) {
    for (int i = 0; i < count; i++)
        if (plans[i].n == n && plans[i].inverse == inverse && plans[i].want_wise == want_wise)
            return &plans[i];
    return NULL;
}

static fftwf_plan plan_one(int n, int inverse, int half, float *a, float *b, unsigned flags) {
    fftwf_complex *ca = (fftwf_complex *)a, *cb = (fftwf_complex *)b;
    if (half) return inverse ? fftwf_plan_dft_1d(n / 2, cb, cb, FFTW_BACKWARD, flags)
                             : fftwf_plan_dft_1d(n / 2, ca, cb, FFTW_FORWARD, flags);
    if (inverse) return fftwf_plan_dft_c2r_1d(n, ca, b, flags | FFTW_PRESERVE_INPUT);
    return fftwf_plan_dft_r2c_1d(n, a, cb, flags);
}

static int twiddles(wise_plan *p) {
    int count = p->n / 4 + 4;
    p->wr = malloc(sizeof(float) * 2 * (size_t)count);
    p->wi = malloc(sizeof(float) * 2 * (size_t)count);
    if (!p->wr || !p->wi) { free(p->wr); free(p->wi); return GD_ERR_NOMEM; }
    for (int k = 0; k < count; k++) {
        double a = 2 * M_PI * k / p->n;
        p->wr[2 * k] = p->wr[2 * k + 1] = (float)cos(a);
        p->wi[2 * k] = p->wi[2 * k + 1] = (float)-sin(a);
    }
    return GD_OK;
}

static const wise_plan *get_plan(int n, int inverse, int want_wise) {
    const wise_plan *p = find(n, inverse, want_wise, atomic_load_explicit(&n_plans, memory_order_acquire));
    if (p) return p;
    pthread_once(&safe_once, init_once);
    pthread_mutex_lock(&plan_lock);
    int count = atomic_load_explicit(&n_plans, memory_order_relaxed);
    p = find(n, inverse, want_wise, count);
    if (!p && count < MAX_PLANS) {
        float *a = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        float *b = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        fftwf_plan pl = NULL;
        int wise = 0, half = n % 2 == 0 && n >= HALF_MIN;
        if (a && b) {
            // Wisdom only for this plan: import, plan from it (NULL when it does not apply),
            // forget. Then the plain estimate as the fallback.
            if (want_wise && wisdom && fftwf_import_wisdom_from_string(wisdom)) {
                pl = plan_one(n, inverse, half, a, b, FFTW_ESTIMATE | FFTW_WISDOM_ONLY);
                wise = pl != NULL;
            }
            fftwf_forget_wisdom();
            if (!pl) pl = plan_one(n, inverse, half, a, b, FFTW_ESTIMATE);
        }
        fftwf_free(a);
        fftwf_free(b);
        wise_plan np = {n, inverse, want_wise, wise, pl, half, NULL, NULL};
        if (pl && (!half || twiddles(&np) == GD_OK)) {
            plans[count] = np;
            atomic_store_explicit(&n_plans, count + 1, memory_order_release);
            p = &plans[count];
        } else if (pl) {
            fftwf_destroy_plan(pl);
        }
    }
    pthread_mutex_unlock(&plan_lock);
    return p;
}

static int aligned(const void *a, const void *b) {
    return fftwf_alignment_of((float *)(uintptr_t)a) == 0 && fftwf_alignment_of((float *)(uintptr_t)b) == 0;
}

// The split passes work on 4 complex values (8 floats) at a time from both ends, bins k..k+3
// and their mirrors M-k-3..M-k: element-wise float operations and shuffles only, so every
// clone gives the same bits. sg flips the imaginary lanes (conjugate); rev reverses the
// order of the 4 complex values; swap exchanges re and im.
typedef float v8f __attribute__((vector_size(8 * sizeof(float))));
#define REV(v)  __builtin_shufflevector(v, v, 6, 7, 4, 5, 2, 3, 0, 1)
#define SWAP(v) __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6)
static const v8f sg = {1, -1, 1, -1, 1, -1, 1, -1};

// Bins k..k+3 (A) and the conjugates of bins M-k-3..M-k in mirrored order (B, lane c holds
// conj X[M-k-c]), with the twiddles of k..k+3; and the store that undoes the mirroring.
static inline void load_pair(const float *X, const float *wr, const float *wi, int k, int j,
                             v8f *A, v8f *B, v8f *Wr, v8f *Wi) {
    memcpy(A, X + 2 * k, sizeof *A); memcpy(B, X + 2 * j, sizeof *B);
    memcpy(Wr, wr + 2 * k, sizeof *Wr); memcpy(Wi, wi + 2 * k, sizeof *Wi);
    *B = REV(*B) * sg;
}

static inline void store_pair(float *Y, int k, int j, const v8f *P, const v8f *Q) {
    v8f R = REV(*Q);
    memcpy(Y + 2 * k, P, sizeof *P); memcpy(Y + 2 * j, &R, sizeof R);
}

// One bin pair of the forward split (the vector loops' tail): X[k] = E + T and
// X[j] = conj(E - T), j = M - k, with T = W^k O; Z is read before anything is written.
static inline void split_one(const float *Z, int k, int j, const float *wr, const float *wi,
                             float *er, float *ei, float *tr, float *ti) {
    float ar = Z[2 * k], ai = Z[2 * k + 1], br = Z[2 * j], bi = -Z[2 * j + 1];
    float dr = ar - br, di = ai - bi;
    float or_ = .5f * di, oi = -.5f * dr, w_r = wr[2 * k], w_i = wi[2 * k];
    *er = .5f * (ar + br); *ei = .5f * (ai + bi);
    *tr = w_r * or_ - w_i * oi; *ti = w_r * oi + w_i * or_;
}

// Forward split, in place: X holds Z = DFT_M(x[2m] + i x[2m+1]) in its first M bins; on
// return it holds the real FFT's M + 1 bins X[k] = E + W^k O and X[M-k] = conj(E - W^k O),
// E = (Z[k] + conj Z[M-k]) / 2, O = -i (Z[k] - conj Z[M-k]) / 2, W = exp(-2 pi i / 2M).
GD_SIMD
static void split_r2c(float *X, int M, const float *wr, const float *wi) {
    const v8f half = {.5f, .5f, .5f, .5f, .5f, .5f, .5f, .5f};
    float z0r = X[0], z0i = X[1];
    X[0] = z0r + z0i; X[1] = 0;
    X[2 * M] = z0r - z0i; X[2 * M + 1] = 0;
    int k = 1;
    for (; 2 * k + 6 < M; k += 4) {
        int j = M - k - 3;
        v8f A, B, Wr, Wi;
        load_pair(X, wr, wi, k, j, &A, &B, &Wr, &Wi);
        v8f E = half * (A + B), D = A - B, O = half * SWAP(D) * sg;
        v8f T = Wr * O - Wi * SWAP(O) * sg;
        v8f P = E + T, Q = (E - T) * sg;
        store_pair(X, k, j, &P, &Q);
    }
    for (; k < M - k; k++) {
        int j = M - k;
        float er, ei, tr, ti;
        split_one(X, k, j, wr, wi, &er, &ei, &tr, &ti);
        X[2 * k] = er + tr; X[2 * k + 1] = ei + ti;
        X[2 * j] = er - tr; X[2 * j + 1] = -(ei - ti);
    }
    if (k == M - k) X[2 * k + 1] = -X[2 * k + 1];   // middle bin: conj Z[M/2]
}

// Inverse split, X (M + 1 bins) -> Z (M bins) for an unnormalised inverse DFT_M, whose
// output is then the signal's (even, odd) pairs: Z[k] = F + T and Z[M-k] = conj(F - T),
// F = X[k] + conj X[M-k], T = i conj(W^k) (X[k] - conj X[M-k]).
GD_SIMD
static void split_c2r(float *Z, const float *X, int M, const float *wr, const float *wi) {
    Z[0] = X[0] + X[2 * M]; Z[1] = X[0] - X[2 * M];
    int k = 1;
    for (; 2 * k + 6 < M; k += 4) {
        int j = M - k - 3;
        v8f A, B, Wr, Wi;
        load_pair(X, wr, wi, k, j, &A, &B, &Wr, &Wi);
        v8f F = A + B, G = A - B;
        v8f CG = Wr * G + Wi * SWAP(G) * sg, T = SWAP(CG) * -sg;
        v8f P = F + T, Q = (F - T) * sg;
        store_pair(Z, k, j, &P, &Q);
    }
    for (; k < M - k; k++) {
        int j = M - k;
        float ar = X[2 * k], ai = X[2 * k + 1], br = X[2 * j], bi = -X[2 * j + 1];
        float fr = ar + br, fi = ai + bi, gr = ar - br, gi = ai - bi, w_r = wr[2 * k], w_i = wi[2 * k];
        float cr = w_r * gr + w_i * gi, ci = w_r * gi - w_i * gr, tr = -ci, ti = cr;
        Z[2 * k] = fr + tr; Z[2 * k + 1] = fi + ti;
        Z[2 * j] = fr - tr; Z[2 * j + 1] = -(fi - ti);
    }
    if (k == M - k) { Z[2 * k] = 2 * X[2 * k]; Z[2 * k + 1] = -2 * X[2 * k + 1]; }
}

// The forward split fused with the bins' power (mag: magnitude): pw[k] = |X[k]|^2 (or its
// sqrtf) for k <= M, the same bits as split_r2c followed by re * re + im * im per bin. The
// vector steps (eight, then four complex bins per side) drop split_r2c's halvings: with
// S = conj(W^k) (A - B) rotated, the bins are P = ((A + B) + S) / 2 and Q = ((A + B) - S) / 2,
// so |P|^2 = |(A + B) + S|^2 / 4, and scaling by a power of two commutes with rounding
// (exact while no value is subnormal or overflows, which an audio frame's FFT never reaches).
// A conjugate's sign does not change a square. Z (the complex FFT's M bins) is read only.
typedef float v16f __attribute__((vector_size(16 * sizeof(float))));
#define REV16(v)  __builtin_shufflevector(v, v, 14, 15, 12, 13, 10, 11, 8, 9, 6, 7, 4, 5, 2, 3, 0, 1)
#define SWAP16(v) __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14)

GD_SIMD
static void split_power(const float *Z, int M, const float *wr, const float *wi, float *pw, int mag) {
    const v16f sg16 = {1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1};
    const v16f quarter16 = {.25f, .25f, .25f, .25f, .25f, .25f, .25f, .25f,
                            .25f, .25f, .25f, .25f, .25f, .25f, .25f, .25f};
    const v8f quarter = {.25f, .25f, .25f, .25f, .25f, .25f, .25f, .25f};
    pw[0] = (Z[0] + Z[1]) * (Z[0] + Z[1]);
    pw[M] = (Z[0] - Z[1]) * (Z[0] - Z[1]);
    int k = 1;
    for (; 2 * k + 14 < M; k += 8) {
        int j = M - k - 7;
        v16f A, B, Wr, Wi;
        memcpy(&A, Z + 2 * k, sizeof A); memcpy(&B, Z + 2 * j, sizeof B);
        memcpy(&Wr, wr + 2 * k, sizeof Wr); memcpy(&Wi, wi + 2 * k, sizeof Wi);
        B = REV16(B) * sg16;
        v16f F = A + B, D = A - B;
        v16f S = Wr * sg16 * SWAP16(D) + Wi * D;   // twice split_r2c's T
        v16f P = F + S, Q = F - S;
        P = P * P; Q = Q * Q;
        P = P + SWAP16(P); Q = Q + SWAP16(Q);    // re^2 + im^2 in both lanes of a bin
        v16f out = __builtin_shufflevector(P, Q, 0, 2, 4, 6, 8, 10, 12, 14, 30, 28, 26, 24, 22, 20, 18, 16);
        out = out * quarter16;
        memcpy(pw + k, &out, sizeof(float) * 8); memcpy(pw + j, (float *)&out + 8, sizeof(float) * 8);
    }
    for (; 2 * k + 6 < M; k += 4) {
        int j = M - k - 3;
        v8f A, B, Wr, Wi;
        load_pair(Z, wr, wi, k, j, &A, &B, &Wr, &Wi);
        v8f F = A + B, D = A - B;
        v8f S = Wr * sg * SWAP(D) + Wi * D;
        v8f P = F + S, Q = F - S;
        P = P * P; Q = Q * Q;
        P = P + SWAP(P); Q = Q + SWAP(Q);
        v8f out = __builtin_shufflevector(P, Q, 0, 2, 4, 6, 14, 12, 10, 8);
        out = out * quarter;
        memcpy(pw + k, &out, sizeof(float) * 4); memcpy(pw + j, (float *)&out + 4, sizeof(float) * 4);
    }
    for (; k < M - k; k++) {
        int j = M - k;
        float er, ei, tr, ti;
        split_one(Z, k, j, wr, wi, &er, &ei, &tr, &ti);
        pw[k] = (er + tr) * (er + tr) + (ei + ti) * (ei + ti);
        pw[j] = (er - tr) * (er - tr) + (ei - ti) * (ei - ti);
    }
    if (k == M - k) pw[k] = Z[2 * k] * Z[2 * k] + Z[2 * k + 1] * Z[2 * k + 1];   // middle bin: conj Z[M/2]
    if (mag) for (k = 0; k <= M; k++) pw[k] = sqrtf(pw[k]);   // (vectorised: -fno-math-errno)
}

static void exec_r2c(const wise_plan *p, const float *in, float *out) {
    if (!p->half) {
        fftwf_execute_dft_r2c(p->plan, (float *)(uintptr_t)in, (fftwf_complex *)out);
        return;
    }
    fftwf_execute_dft(p->plan, (fftwf_complex *)(uintptr_t)in, (fftwf_complex *)out);
    split_r2c(out, p->n / 2, p->wr, p->wi);
}

int gd_fftwise_r2c(int n, int wise, const float *in, float *out) {
    GD_ASSERT(n > 0 && aligned(in, out));
    const wise_plan *p = get_plan(n, 0, wise != 0);
    if (!p) return GD_ERR_INTERNAL;
    exec_r2c(p, in, out);
    return GD_OK;
}

const void *gd_fftwise_plan_r2c(int n, int wise) {
    GD_ASSERT(n > 0);
    return get_plan(n, 0, wise != 0);
}

void gd_fftwise_exec_r2c(const void *plan, const float *in, float *out) {
    GD_ASSERT(aligned(in, out));
    exec_r2c(plan, in, out);
}

void gd_fftwise_exec_r2c_power(const void *plan, const float *in, float *scratch, float *out, int mag) {
    GD_ASSERT(aligned(in, scratch));
    const wise_plan *p = plan;
    if (p->half) {
        fftwf_execute_dft(p->plan, (fftwf_complex *)(uintptr_t)in, (fftwf_complex *)scratch);
        split_power(scratch, p->n / 2, p->wr, p->wi, out, mag);
        return;
    }
    fftwf_execute_dft_r2c(p->plan, (float *)(uintptr_t)in, (fftwf_complex *)scratch);
    for (int k = 0; k <= p->n / 2; k++) out[k] = scratch[2 * k] * scratch[2 * k] + scratch[2 * k + 1] * scratch[2 * k + 1];
    if (mag) for (int k = 0; k <= p->n / 2; k++) out[k] = sqrtf(out[k]);
}

int gd_fftwise_c2r(int n, int wise, const float *in, float *out) {
    GD_ASSERT(n > 0 && aligned(in, out));
    const wise_plan *p = get_plan(n, 1, wise != 0);
    if (!p) return GD_ERR_INTERNAL;
    if (!p->half) {
        fftwf_execute_dft_c2r(p->plan, (fftwf_complex *)(uintptr_t)in, out);
    } else {
        split_c2r(out, in, n / 2, p->wr, p->wi);
        fftwf_execute_dft(p->plan, (fftwf_complex *)out, (fftwf_complex *)out);
    }
    return GD_OK;
}

int gd_fftwise_from_wisdom(int n, int inverse) {
    const wise_plan *p = get_plan(n, inverse, 1);
    return p ? p->wise : 0;
}

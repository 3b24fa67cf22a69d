// util.c: small buffer helpers shared by effects, and FFT overlap-add convolution.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug__resize, aug__power, aug__peak, aug__convolve
#include "core/error.h"       // defines: GD_ERR_*
#include "core/fft.h"         // defines: gd_fft_alloc
#include "core/fftwise.h"     // defines: gd_fftwise_r2c, gd_fftwise_c2r
#include "core/simd.h"       // defines: GD_SIMD

// Grows or shrinks in place where it can: realloc of a big (mmapped) block remaps its pages
// instead of copying them, so reverb's tail costs only the tail's new pages.
int aug__resize(gd_audio *a, int64_t n) {
    int C = a->n_channels;
    int64_t old = a->n_frames;
    size_t total = (size_t)C * (size_t)n;
    if (n > old) {
        float *p = realloc(a->data, (total ? total : 1) * sizeof(float));
        if (!p) return GD_ERR_NOMEM;
        for (int c = C - 1; c >= 0; c--) {   // planar: last channel first, so nothing unmoved is overwritten
            if (c > 0) memmove(p + (size_t)c * n, p + (size_t)c * old, (size_t)old * sizeof(float));
            memset(p + (size_t)c * n + old, 0, (size_t)(n - old) * sizeof(float));
        }
        a->data = p;
    } else {
        for (int c = 1; c < C; c++)
            memmove(a->data + (size_t)c * n, a->data + (size_t)c * old, (size_t)n * sizeof(float));
    }
    a->n_frames = n;
    return 0;
}

GD_SIMD
double aug__sum_squares(const float *x, int64_t n) {
    // 8 interleaved partial sums (x[i] goes to sum i mod 8), added pairwise at the end: a
    // fixed order written out lane by lane, so it vectorises without the compiler
    // reassociating anything and gives the same bits on every instruction set
    typedef double v4d __attribute__((vector_size(32)));
    v4d s0 = {0, 0, 0, 0}, s1 = {0, 0, 0, 0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        v4d a = {x[i], x[i + 1], x[i + 2], x[i + 3]}, b = {x[i + 4], x[i + 5], x[i + 6], x[i + 7]};
        s0 += a * a;
        s1 += b * b;
    }
    v4d t = s0 + s1;
    double s = (t[0] + t[2]) + (t[1] + t[3]);
    for (; i < n; i++) s += (double)x[i] * x[i];
    return s;
}

double aug__power(const gd_audio *a) {
    int64_t total = a->n_frames * a->n_channels;
    if (total <= 0) return 0;
    return aug__sum_squares(a->data, total) / (double)total;
}

float aug__peak(const gd_audio *a) {
    float m = 0;
    int64_t total = a->n_frames * a->n_channels;
    for (int64_t i = 0; i < total; i++) {
        float v = a->data[i] < 0 ? -a->data[i] : a->data[i];
        if (v > m) m = v;
    }
    return m;
}

static int next_pow2(int64_t v) {
    int p = 1;
    while (p < v) p <<= 1;
    return p;
}

// The FFT engine of both, in place: x has room for n + m - 1 samples (input in the first n,
// zeros after); on return x = dry x + wet (x * h). Overlap-add: blocks of L input samples, FFT
// size N >= L + m - 1, the filter spectrum computed once; a block's first L output samples
// are final once the previous block's tail (m - 1 samples, carried) is added, so they are
// mixed straight into x, whose input there has been consumed. Scratch: O(FFT size), no
// second signal-length buffer.
static int ola_mix(float *x, int64_t n, const float *h, int64_t m, double dry, double wet) {
    int64_t n_y = n + m - 1;
    int N = next_pow2(2 * m);
    if (n >= 4 * (int64_t)N) N *= 2;   // long inputs: fewer, larger blocks measured faster
    if (N < 4096) N = 4096;
    int64_t L = N - m + 1, tail = m - 1;   // tail <= L: a block's tail only reaches the next
    int nb = N / 2 + 1;
    float *H = gd_fft_alloc(2 * nb), *in = gd_fft_alloc(N), *X = gd_fft_alloc(2 * nb);
    float *y = gd_fft_alloc(N), *carry = calloc((size_t)(tail ? tail : 1), sizeof(float));
    if (!H || !in || !X || !y || !carry) {
        gd_fft_free(H); gd_fft_free(in); gd_fft_free(X); gd_fft_free(y); free(carry);
        return GD_ERR_NOMEM;
    }
    memset(in, 0, (size_t)N * sizeof(float));
    memcpy(in, h, (size_t)m * sizeof(float));
    int rc = gd_fftwise_r2c(N, 1, in, H);
    const float scale = 1.0f / (float)N, fd = (float)dry, fw = (float)wet;
    for (int k = 0; k < 2 * nb; k++) H[k] *= scale;   // the inverse FFT's 1/N, once
    memset(in, 0, (size_t)N * sizeof(float));   // [L, N) stays zero from here on
    for (int64_t s = 0; s < n && !rc; s += L) {
        int64_t len = n - s < L ? n - s : L;
        memcpy(in, x + s, (size_t)len * sizeof(float));   // kept: it is also the dry signal
        if (len < L) memset(in + len, 0, (size_t)(L - len) * sizeof(float));
        if ((rc = gd_fftwise_r2c(N, 1, in, X))) break;
        for (int k = 0; k < nb; k++) {
            float ar = X[2 * k], ai = X[2 * k + 1], br = H[2 * k], bi = H[2 * k + 1];
            X[2 * k] = ar * br - ai * bi;
            X[2 * k + 1] = ar * bi + ai * br;
        }
        if ((rc = gd_fftwise_c2r(N, 1, X, y))) break;
        // y[0, tail) completes the previous block's tail; y[0, L) is final now, and on the
        // last block everything up to n + m - 1 is
        int64_t fin = s + L >= n ? n_y - s : L;
        for (int64_t i = 0; i < tail && i < fin; i++) y[i] += carry[i];
        for (int64_t i = 0; i < fin; i++) x[s + i] = fd * in[i] + fw * y[i];
        memcpy(carry, y + L, (size_t)tail * sizeof(float));
    }
    gd_fft_free(H); gd_fft_free(in); gd_fft_free(X); gd_fft_free(y); free(carry);
    return rc;
}

int aug__convolve(float *y, const float *x, int64_t n, const float *h, int64_t m) {
    int64_t n_y = n + m - 1;
    memset(y, 0, (size_t)n_y * sizeof(float));
    if (m <= 64 || n <= 64) {   // direct form for tiny cases
        for (int64_t i = 0; i < n; i++) {
            if (x[i] == 0) continue;
            for (int64_t j = 0; j < m; j++) y[i + j] += x[i] * h[j];
        }
        return 0;
    }
    memcpy(y, x, (size_t)n * sizeof(float));
    return ola_mix(y, n, h, m, 0, 1);
}

int aug__convolve_mix(float *x, int64_t n, const float *h, int64_t m, double dry, double wet) {
    if (m > 64 && n > 64) return ola_mix(x, n, h, m, dry, wet);
    int64_t n_y = n + m - 1;   // tiny cases: the direct form through a temporary
    float *y = malloc((size_t)n_y * sizeof(float));
    if (!y) return GD_ERR_NOMEM;
    int rc = aug__convolve(y, x, n, h, m);
    for (int64_t i = 0; !rc && i < n_y; i++) x[i] = (float)(dry * x[i] + wet * y[i]);
    free(y);
    return rc;
}

// pqmf.c: see pqmf.h. Both directions are fixed-weight convolutions (conv1d.h), so the
// backward passes are the conv adjoints.
#include "train/nn/pqmf.h"

#include <math.h>
#include <string.h>

#include "train/nn/conv1d.h"
#include "train/nn/gemm.h"

#define M RV_PQMF_BANDS

static const double pqmf_wc   = 0.1075195312500001;  // rad/sample (spec, computed)
static const double pqmf_beta = 10.06126;           // 0.1102 (100 - 8.7)

// Modified Bessel function of the first kind, order 0 (power series).
static double bessel_i0(double x) {
    double s = 1, term = 1, q = x * x / 4;
    for (int k = 1; k < 60; k++) {
        term *= q / ((double)k * k);
        s += term;
        if (term < 1e-17 * s) break;
    }
    return s;
}

void rv_pqmf_init(rv_pqmf *p) {
    const int N = RV_PQMF_TAPS, half = (N - 1) / 2;
    double c = pqmf_wc / M_PI, i0b = bessel_i0(pqmf_beta);
    for (int n = 0; n < N; n++) {
        double m = n - half, r = 2.0 * n / (N - 1) - 1;
        double sinc = m == 0 ? 1 : sin(M_PI * c * m) / (M_PI * c * m);
        double win = bessel_i0(pqmf_beta * sqrt(fmax(0, 1 - r * r))) / i0b;
        p->proto[n] = (rv_real)(c * sinc * win);
    }
    double hk[M][512];
    memset(hk, 0, sizeof(hk));
    for (int k = 0; k < M; k++)
        for (int n = 0; n < N; n++) {
            double t = n - half;
            double ph = (2 * k + 1) * M_PI / (2 * M) * t + (k % 2 ? -1 : 1) * M_PI / 4;
            hk[k][67 + n] = 2 * (double)p->proto[n] * cos(ph);
        }
    for (int k = 0; k < M; k++) {
        for (int j = 0; j < 512; j++) p->ana[k * 513 + j] = (rv_real)hk[k][j];
        p->ana[k * 513 + 512] = 0;
    }
    for (int m = 0; m < M; m++)
        for (int c2 = 0; c2 < M; c2++) {
            rv_real *w = p->syn + ((long)m * M + c2) * 33;
            for (int t = 0; t < 32; t++) w[t] = (rv_real)hk[c2][511 - (16 * t + m)];
            w[32] = 0;
        }
}

void rv_pqmf_reverse_half(rv_real *y, int B, long T) {
    for (int b = 0; b < B; b++)
        for (int k = 1; k < M; k += 2) {
            rv_real *r = y + ((long)b * M + k) * T;
            for (long t = 0; t < T; t += 2) r[t] = -r[t];
        }
}

static const rv_conv1d_shape ana_shape = {1, M, 513, M, 1, 256, 256};
static const rv_conv1d_shape syn_shape = {M, M, 33, 1, 1, 16, 16};

void rv_pqmf_analysis_fwd(rv_real *y, const rv_real *x, const rv_pqmf *p, int B, long N,
                          rv_real *scratch) {
    int tf32 = rv_gemm_set_tf32_emulation(RV_TF32_OFF);    // fp32 on the GPU too
    rv_conv1d_fwd(y, x, p->ana, NULL, B, (int)N, &ana_shape, scratch);
    rv_gemm_set_tf32_emulation(tf32);
    rv_pqmf_reverse_half(y, B, N / M);
}

void rv_pqmf_analysis_bwd(rv_real *dx, const rv_real *dy, const rv_pqmf *p, int B, long N,
                          rv_real *scratch) {
    long T = N / M;
    size_t col = rv_pqmf_scratch(B, N) - 2 * (size_t)B * M * T;
    rv_real *t1 = scratch + col;
    memcpy(t1, dy, sizeof(rv_real) * (size_t)B * M * T);
    rv_pqmf_reverse_half(t1, B, T);
    int tf32 = rv_gemm_set_tf32_emulation(RV_TF32_OFF);    // fp32 on the GPU too
    rv_conv1d_bwd(dx, NULL, NULL, t1, NULL, p->ana, B, (int)N, &ana_shape, scratch);
    rv_gemm_set_tf32_emulation(tf32);
}

void rv_pqmf_synthesis_fwd(rv_real *x, const rv_real *y, const rv_pqmf *p, int B, long N,
                           rv_real *scratch) {
    long T = N / M;
    size_t col = rv_pqmf_scratch(B, N) - 2 * (size_t)B * M * T;
    rv_real *t1 = scratch + col, *t2 = t1 + (size_t)B * M * T;
    memcpy(t1, y, sizeof(rv_real) * (size_t)B * M * T);
    rv_pqmf_reverse_half(t1, B, T);
    int tf32 = rv_gemm_set_tf32_emulation(RV_TF32_OFF);    // fp32 on the GPU too
    rv_conv1d_fwd(t2, t1, p->syn, NULL, B, (int)T, &syn_shape, scratch);
    rv_gemm_set_tf32_emulation(tf32);
    #pragma omp parallel for schedule(static) if((long)B * N > RV_PAR_MIN)
    for (int b = 0; b < B; b++)
        for (long n = 0; n < T; n++)
            for (int j = 0; j < M; j++)
                x[(long)b * N + n * M + j] = M * t2[((long)b * M + (M - 1 - j)) * T + n];
}

void rv_pqmf_synthesis_bwd(rv_real *dy, const rv_real *dx, const rv_pqmf *p, int B, long N,
                           rv_real *scratch) {
    long T = N / M;
    size_t col = rv_pqmf_scratch(B, N) - 2 * (size_t)B * M * T;
    rv_real *t1 = scratch + col, *t2 = t1 + (size_t)B * M * T;
    #pragma omp parallel for schedule(static) if((long)B * N > RV_PAR_MIN)
    for (int b = 0; b < B; b++)
        for (long n = 0; n < T; n++)
            for (int j = 0; j < M; j++)
                t2[((long)b * M + (M - 1 - j)) * T + n] = M * dx[(long)b * N + n * M + j];
    memset(t1, 0, sizeof(rv_real) * (size_t)B * M * T);
    int tf32 = rv_gemm_set_tf32_emulation(RV_TF32_OFF);    // fp32 on the GPU too
    rv_conv1d_bwd(t1, NULL, NULL, t2, NULL, p->syn, B, (int)T, &syn_shape, scratch);
    rv_gemm_set_tf32_emulation(tf32);
    rv_pqmf_reverse_half(t1, B, T);
    long n = (long)B * M * T;
    for (long i = 0; i < n; i++) dy[i] += t1[i];
}

// test_tf32.c: the CPU's TF32 emulation (train/nn/gemm.h), the reference that
// tests/cuda/parity_model.c holds the GPU's TF32 training step to.
//   - rounding of single values (ties away from zero, truncation, sign, infinity);
//   - a GEMM under emulation equals the exact (double) product of the rounded operands to fp32
//     accumulation error, and differs from the fp32 product by TF32's 2^-11 rounding;
//   - the PQMF filters stay fp32 under emulation (the GPU runs them as direct kernels);
//   - the tiny model's step loss under emulation stays within TF32's error of fp32.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "tests/test.h"
#include "tests/train/tiny.h"
#include "train/config.h"
#include "train/model.h"
#include "train/nn/gemm.h"
#include "train/nn/pqmf.h"

// a * 1 through a 1x1x1 GEMM under the given mode
static float product_1x1(float a, int mode) {
    float b = 1, c = 0;
    int prev = rv_gemm_set_tf32_emulation(mode);
    rv_gemm(CblasNoTrans, CblasNoTrans, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1);
    rv_gemm_set_tf32_emulation(prev);
    return c;
}

static void test_rounding(void) {
    float ulp = ldexpf(1, -10);   // TF32 spacing at 1
    CHECK(product_1x1(1 + ulp / 2, RV_TF32_NEAREST) == 1 + ulp);          // tie: away from 0
    CHECK(product_1x1(-(1 + ulp / 2), RV_TF32_NEAREST) == -(1 + ulp));
    CHECK(product_1x1(1 + ulp / 4, RV_TF32_NEAREST) == 1);
    CHECK(product_1x1(1 + 0.75f * ulp, RV_TF32_NEAREST) == 1 + ulp);
    CHECK(product_1x1(1 + 0.75f * ulp, RV_TF32_TRUNCATE) == 1);
    CHECK(product_1x1(1 + 0.75f * ulp, RV_TF32_OFF) == 1 + 0.75f * ulp);
    CHECK(isinf(product_1x1(INFINITY, RV_TF32_NEAREST)));
    CHECK(product_1x1(3.0f, RV_TF32_NEAREST) == 3.0f);                    // exact values stay
    CHECK(rv_gemm_set_tf32_emulation(RV_TF32_OFF) == RV_TF32_OFF);        // restored above
}

// C = A B (64 x 48 x 80, transposed A) under emulation: the double product of the rounded
// operands within fp32 accumulation error; and a TF32-sized distance from the fp32 product.
static void test_gemm(void) {
    enum { M = 64, N = 48, K = 80 };
    gd_rng r;
    gd_rng_init(&r, 5, 0);
    float *A = malloc(sizeof(float) * K * M), *Bm = malloc(sizeof(float) * K * N);
    float *Ar = malloc(sizeof(float) * K * M), *Br = malloc(sizeof(float) * K * N);
    float *C = malloc(sizeof(float) * M * N), *C32 = malloc(sizeof(float) * M * N);
    for (int i = 0; i < K * M; i++) A[i] = (float)gd_rng_normal(&r);
    for (int i = 0; i < K * N; i++) Bm[i] = (float)gd_rng_normal(&r);
    // rounded copies through the 1x1 product (checked above)
    for (int i = 0; i < K * M; i++) Ar[i] = product_1x1(A[i], RV_TF32_NEAREST);
    for (int i = 0; i < K * N; i++) Br[i] = product_1x1(Bm[i], RV_TF32_NEAREST);
    rv_gemm_set_tf32_emulation(RV_TF32_NEAREST);
    rv_gemm(CblasTrans, CblasNoTrans, M, N, K, 1, A, M, Bm, N, 0, C, N);
    rv_gemm_set_tf32_emulation(RV_TF32_OFF);
    rv_gemm(CblasTrans, CblasNoTrans, M, N, K, 1, A, M, Bm, N, 0, C32, N);
    double worst_exact = 0, worst_32 = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double s = 0, sa = 0;
            for (int k = 0; k < K; k++) {
                s += (double)Ar[k * M + i] * Br[k * N + j];
                sa += fabs((double)A[k * M + i] * Bm[k * N + j]);
            }
            worst_exact = fmax(worst_exact, fabs(C[i * N + j] - s) / sa);
            worst_32 = fmax(worst_32, fabs(C[i * N + j] - C32[i * N + j]) / sa);
        }
    printf("  emulated vs exact product of rounded operands: %.3g; vs fp32 product: %.3g "
           "(of sum |a b|)\n", worst_exact, worst_32);
    CHECK(worst_exact < K * ldexp(1, -24));    // fp32 accumulation only
    CHECK(worst_32 > ldexp(1, -16));           // the operands really were rounded ...
    CHECK(worst_32 < 2 * ldexp(1, -11));       // ... by at most half a TF32 ulp each
    free(A); free(Bm); free(Ar); free(Br); free(C); free(C32);
}

static void test_pqmf_stays_fp32(void) {
    int B = 1;
    long N = 4096;
    gd_rng r;
    gd_rng_init(&r, 6, 0);
    rv_pqmf p;
    rv_pqmf_init(&p);
    float *x = malloc(sizeof(float) * N), *y0 = malloc(sizeof(float) * N), *y1 = malloc(sizeof(float) * N);
    float *scr = malloc(sizeof(float) * rv_pqmf_scratch(B, N));
    for (long i = 0; i < N; i++) x[i] = (float)gd_rng_normal(&r);
    rv_pqmf_analysis_fwd(y0, x, &p, B, N, scr);
    rv_gemm_set_tf32_emulation(RV_TF32_NEAREST);
    rv_pqmf_analysis_fwd(y1, x, &p, B, N, scr);
    CHECK(rv_gemm_set_tf32_emulation(RV_TF32_OFF) == RV_TF32_NEAREST);   // and left on
    CHECK(!memcmp(y0, y1, sizeof(float) * N));
    free(x); free(y0); free(y1); free(scr);
}

// The tiny model's training step: the loss is well-conditioned (TF32 moves it by ~1e-5
// relative), unlike its gradient (tests/cuda/parity_model.c, train/cuda/NOTES.md).
static void test_model_loss(void) {
    rv_config c;
    rv_model m;
    int B = 2;
    CHECK(tiny_model(&c, &m, 11, B, 0, RV_PLAN_TRAIN) == 0);
    long N = c.n_signal;
    batch b = make_batch(&m, B, N, 0);
    rv_losses l32, l19;
    rv_model_gen_step(&m, b.x, b.noise, b.prior, &l32, RV_STEP_TRAIN_ENCODER);
    rv_gemm_set_tf32_emulation(RV_TF32_NEAREST);
    rv_model_gen_step(&m, b.x, b.noise, b.prior, &l19, RV_STEP_TRAIN_ENCODER);
    rv_gemm_set_tf32_emulation(RV_TF32_OFF);
    double rel = fabs(l19.total - l32.total) / l32.total;
    printf("  tiny step loss fp32 %.7f, TF32 emulated %.7f (rel %.3g)\n", l32.total, l19.total, rel);
    CHECK(rel > 0 && rel < 1e-3);
    free_batch(&b);
    rv_model_free(&m);
}

int main(void) {
    RUN(test_rounding);
    RUN(test_gemm);
    RUN(test_pqmf_stays_fp32);
    RUN(test_model_loss);
    return TEST_REPORT();
}

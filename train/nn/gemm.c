// gemm.c: see gemm.h.
#include "train/nn/gemm.h"

#include <omp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int blas_single;
static int tf32_mode;   // 0 off, RV_TF32_NEAREST, RV_TF32_TRUNCATE

int rv_gemm_set_tf32_emulation(int mode) {
    int prev = tf32_mode;
    tf32_mode = mode;
    return prev;
}

// x rounded to TF32 (8-bit exponent, 10-bit mantissa): to nearest, ties away from zero (PTX
// cvt.rna.tf32.f32), or truncated (the low 13 bits dropped); infinities and NaN pass through.
static rv_real tf32_round(rv_real x, int mode) {
    float f = (float)x;
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7f800000u) != 0x7f800000u)
        u = (mode == RV_TF32_NEAREST ? u + 0x1000u : u) & 0xffffe000u;
    memcpy(&f, &u, 4);
    return f;
}

// A rows x cols matrix (leading dimension ld) rounded to TF32 into a packed copy (ld = cols);
// the caller frees.
static rv_real *tf32_copy(const rv_real *A, int rows, int cols, int ld, int mode) {
    rv_real *c = malloc(sizeof(rv_real) * (size_t)rows * cols);
    if (!c) abort();
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            c[(size_t)i * cols + j] = tf32_round(A[(size_t)i * ld + j], mode);
    return c;
}

void rv_gemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int M, int N, int K,
             rv_real alpha, const rv_real *A, int lda, const rv_real *B, int ldb, rv_real beta,
             rv_real *C, int ldc) {
    if (!blas_single) {
        openblas_set_num_threads(1);
        blas_single = 1;
    }
    if (tf32_mode) {   // round both operands once (products of TF32 values are exact in fp32)
        int mode = tf32_mode, ar = ta == CblasNoTrans ? M : K, ac = ta == CblasNoTrans ? K : M;
        int br = tb == CblasNoTrans ? K : N, bc = tb == CblasNoTrans ? N : K;
        rv_real *a = tf32_copy(A, ar, ac, lda, mode), *b = tf32_copy(B, br, bc, ldb, mode);
        tf32_mode = 0;
        rv_gemm(ta, tb, M, N, K, alpha, a, ac, b, bc, beta, C, ldc);
        tf32_mode = mode;
        free(a); free(b);
        return;
    }
    int nt = omp_get_max_threads();
    double work = (double)M * N * K;
    if (nt <= 1 || work < 2e5) {
        RV_GEMM(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    // Blocks of C computed by one CBLAS call each; more blocks than threads, handed out
    // dynamically, so a thread slowed by other processes does not hold up the rest. Every
    // element of C is computed by the same call whatever thread runs it: deterministic.
    // Up to 4 blocks per thread, but no block narrower than 64 columns or 32 rows (skinny
    // blocks waste the CBLAS micro-kernels); too small either way: one call.
    int nbc = N / 64 < 4 * nt ? N / 64 : 4 * nt, nbr = M / 32 < 4 * nt ? M / 32 : 4 * nt;
    if (nbc >= nt) {      // column blocks of C (multiples of 16 columns)
        int nb = nbc, chunk = ((N + nb - 1) / nb + 15) / 16 * 16;
        #pragma omp parallel for schedule(dynamic, 1)
        for (int i = 0; i < nb; i++) {
            int n0 = i * chunk, n1 = n0 + chunk < N ? n0 + chunk : N;
            if (n0 >= n1) continue;
            const rv_real *b = tb == CblasNoTrans ? B + n0 : B + (long)n0 * ldb;
            RV_GEMM(CblasRowMajor, ta, tb, M, n1 - n0, K, alpha, A, lda, b, ldb, beta, C + n0, ldc);
        }
    } else if (nbr >= nt) {   // row blocks of C
        int nb = nbr, chunk = (M + nb - 1) / nb;
        #pragma omp parallel for schedule(dynamic, 1)
        for (int i = 0; i < nb; i++) {
            int m0 = i * chunk, m1 = m0 + chunk < M ? m0 + chunk : M;
            if (m0 >= m1) continue;
            const rv_real *a = ta == CblasNoTrans ? A + (long)m0 * lda : A + m0;
            RV_GEMM(CblasRowMajor, ta, tb, m1 - m0, N, K, alpha, a, lda, B, ldb, beta,
                    C + (long)m0 * ldc, ldc);
        }
    } else {
        RV_GEMM(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    }
}

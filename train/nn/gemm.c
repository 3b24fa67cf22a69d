// gemm.c: see gemm.h.
#include "train/nn/gemm.h"

#include <omp.h>

static int blas_single;

void RV(gemm)(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int M, int N, int K,
              rv_real alpha, const rv_real *A, int lda, const rv_real *B, int ldb, rv_real beta,
              rv_real *C, int ldc) {
    if (!blas_single) {
        openblas_set_num_threads(1);
        blas_single = 1;
    }
    int nt = omp_get_max_threads();
    double work = (double)M * N * K;
    if (nt <= 1 || work < 2e5) {
        RV_GEMM(CblasRowMajor, ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
        return;
    }
    if (N >= 16 * nt) {   // column blocks of C (multiples of 16 columns)
        int chunk = ((N + nt - 1) / nt + 15) / 16 * 16;
        #pragma omp parallel for schedule(static)
        for (int i = 0; i < nt; i++) {
            int n0 = i * chunk, n1 = n0 + chunk < N ? n0 + chunk : N;
            if (n0 >= n1) continue;
            const rv_real *b = tb == CblasNoTrans ? B + n0 : B + (long)n0 * ldb;
            RV_GEMM(CblasRowMajor, ta, tb, M, n1 - n0, K, alpha, A, lda, b, ldb, beta, C + n0, ldc);
        }
    } else {              // row blocks of C
        int chunk = (M + nt - 1) / nt;
        #pragma omp parallel for schedule(static)
        for (int i = 0; i < nt; i++) {
            int m0 = i * chunk, m1 = m0 + chunk < M ? m0 + chunk : M;
            if (m0 >= m1) continue;
            const rv_real *a = ta == CblasNoTrans ? A + (long)m0 * lda : A + m0;
            RV_GEMM(CblasRowMajor, ta, tb, m1 - m0, N, K, alpha, a, lda, B, ldb, beta,
                    C + (long)m0 * ldc, ldc);
        }
    }
}

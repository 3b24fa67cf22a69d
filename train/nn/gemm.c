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

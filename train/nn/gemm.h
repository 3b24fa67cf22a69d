// gemm.h: row-major GEMM, C = alpha op(A) op(B) + beta C, parallelised with OpenMP over
// column (or row) blocks of C, each block one single-threaded CBLAS call, handed out
// dynamically (a block's result does not depend on the thread that computes it).
//
// OpenBLAS's own thread pool is set to one thread on first use: mixing it with OpenMP's
// pool oversubscribes the cores (both spin-wait), and a fixed OpenMP partition keeps results
// deterministic for a fixed OMP_NUM_THREADS. Small products run as one call.
// Must be called from outside a parallel region.
#ifndef RV_GEMM_H
#define RV_GEMM_H

#include <cblas.h>

#include "train/nn/rv_real.h"

void RV(gemm)(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int M, int N, int K,
              rv_real alpha, const rv_real *A, int lda, const rv_real *B, int ldb, rv_real beta,
              rv_real *C, int ldc);

#endif

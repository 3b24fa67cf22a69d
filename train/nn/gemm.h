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

void rv_gemm(enum CBLAS_TRANSPOSE ta, enum CBLAS_TRANSPOSE tb, int M, int N, int K,
             rv_real alpha, const rv_real *A, int lda, const rv_real *B, int ldb, rv_real beta,
             rv_real *C, int ldc);

// Test hook (tests/train/test_tf32.c, tests/cuda/parity_model.c): with mode != 0 every
// operand element is first rounded to TF32 (10-bit mantissa), as NVIDIA tensor cores do under
// CUBLAS_TF32_TENSOR_OP_MATH, so the CPU shows what TF32 alone does to a result. The PQMF
// filters turn it off (the GPU runs them as direct fp32 kernels). Returns the previous mode.
// Not thread-safe: switch between steps only.
enum { RV_TF32_OFF = 0, RV_TF32_NEAREST = 1, RV_TF32_TRUNCATE = 2 };
int rv_gemm_set_tf32_emulation(int mode);

#endif

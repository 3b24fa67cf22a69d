// rv_real.h: the scalar type of the CPU reference ops in train/nn/.
//
// Every nn/ source is compiled twice: as float (symbols rv_*, linked into gendang-train) and,
// for the finite-difference tests only, as double with -DRV_F64 (symbols rv_*_f64, archive
// build/libtrain_f64.a, see train/module.mk). RV(name) spells the symbol for the current
// precision; RV_GEMM is the matching CBLAS routine. A CUDA twin of an op (train/cuda/) takes the
// same arguments and is named rv_<op>_fwd_cuda / _bwd_cuda.
#ifndef RV_REAL_H
#define RV_REAL_H

#ifdef RV_F64
typedef double rv_real;
#define RV(name) rv_##name##_f64
#define RV_GEMM cblas_dgemm
#else
typedef float rv_real;
#define RV(name) rv_##name
#define RV_GEMM cblas_sgemm
#endif

// Elementwise loops smaller than this run on one thread (a parallel region costs more).
// Parallel loops use dynamic schedules (the machine is often shared: a static split waits for
// the slowest thread); every iteration's result is independent of the thread running it.
#define RV_PAR_MIN 32768

#endif

// simd.h: EV_SIMD marks a hot, out-of-line array kernel for function multi-versioning: GCC
// compiles AVX-512F and AVX2 clones beside the baseline x86-64 one and picks the best the CPU
// has at load time. Results are bit-identical between the clones: the kernels are element-wise
// IEEE operations (+ - * / sqrt, compares) or reductions written with explicit lanes, and
// eval objects are built with -ffp-contract=off (module.mk), so no FMA contraction happens
// in either clone. Only for functions that are not meant to be inlined.
#ifndef EV_SIMD_H
#define EV_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(EV_NO_CLONES)
#define EV_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define EV_SIMD
#endif

// (Something to compile: a header of macros alone is an empty translation unit.)
typedef int ev_simd_unused_t;

#endif

// simd.h: GD_SIMD marks a hot, out-of-line array kernel for function multi-versioning: GCC
// compiles AVX-512F and AVX2 clones beside the baseline x86-64 one and picks the best the CPU
// has at load time. Results are bit-identical between the clones: the kernels are element-wise
// IEEE operations (+ - * / sqrt, compares, integer work) or reductions written with explicit
// lanes, and no FMA contraction happens in any clone (ISO -std=c11 turns GCC's contraction
// off; eval/module.mk also says -ffp-contract=off). Only for functions that are not meant to
// be inlined. -DGD_NO_CLONES builds the baseline alone.
#ifndef GD_SIMD_H
#define GD_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(GD_NO_CLONES)
#define GD_SIMD __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define GD_SIMD
#endif

// (Something to compile: a header of macros alone is an empty translation unit.)
typedef int gd_simd_unused_t;

#endif

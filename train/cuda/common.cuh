// common.cuh: shared helpers of the CUDA backend (internal to train/cuda/).
//
// GD_CUDA_CHECK / GD_CUBLAS_CHECK / GD_CUFFT_CHECK abort with file:line on failure (llm.c);
// GD_LAUNCH_CHECK() follows every kernel launch. Internal entry points (rv_cu_*) are the
// batched or device-scalar variants the GPU model uses; the public twins in rv_cuda.h wrap
// them. Everything runs on rv_cu_stream().
#ifndef RV_CUDA_COMMON_CUH
#define RV_CUDA_COMMON_CUH

#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cufft.h>
#include <stdio.h>
#include <stdlib.h>

extern "C" {
#include "train/cuda/rv_cuda.h"
}

#define GD_CUDA_CHECK(call) do { cudaError_t e_ = (call); if (e_ != cudaSuccess) { \
    fprintf(stderr, "CUDA error %s at %s:%d: %s\n", cudaGetErrorName(e_), __FILE__, __LINE__, \
            cudaGetErrorString(e_)); abort(); } } while (0)
#define GD_CUBLAS_CHECK(call) do { cublasStatus_t s_ = (call); if (s_ != CUBLAS_STATUS_SUCCESS) { \
    fprintf(stderr, "cuBLAS error %d at %s:%d\n", (int)s_, __FILE__, __LINE__); abort(); } } while (0)
#define GD_CUFFT_CHECK(call) do { cufftResult r_ = (call); if (r_ != CUFFT_SUCCESS) { \
    fprintf(stderr, "cuFFT error %d at %s:%d\n", (int)r_, __FILE__, __LINE__); abort(); } } while (0)
#define GD_LAUNCH_CHECK() GD_CUDA_CHECK(cudaGetLastError())

cudaStream_t   rv_cu_stream(void);
cublasHandle_t rv_cu_cublas(void);

static inline unsigned rv_cu_blocks(long n, int threads) {
    long b = (n + threads - 1) / threads;
    return (unsigned)(b > 2147483647L ? 2147483647L : b);
}

// ---------------------------------------------------------------------------- batched conv
// As the public twins, but nb batch items per GEMM call (scratch then holds nb times the
// single-item size). nb = 1 is the public contract.
// beta 0 overwrites out, 1 adds the convolution to what out holds (residual adds).
// pre = 1: the convolution input is lrelu(in) (slope RV_LRELU_SLOPE), applied while
// unfolding, so the activation is never stored; the backward then takes the same raw in and
// din is the gradient with respect to lrelu(in) (the caller applies lrelu'). Not for
// pointwise convolutions (they use the input as the GEMM operand directly).
void rv_cu_conv1d_fwd(float *out, const float *in, const float *w, const float *bias, int B,
                      int T_in, const rv_conv1d_shape *sh, float *scratch, int nb, float beta,
                      int pre);
void rv_cu_conv1d_bwd(float *din, float *dw, float *dbias, const float *dout, const float *in,
                      const float *w, int B, int T_in, const rv_conv1d_shape *sh,
                      float *scratch, int nb, int pre);
void rv_cu_convt1d_fwd(float *out, const float *in, const float *w, const float *bias, int B,
                       int T_in, const rv_convt1d_shape *sh, float *scratch, int nb);
void rv_cu_convt1d_bwd(float *din, float *dw, float *dbias, const float *dout, const float *in,
                       const float *w, int B, int T_in, const rv_convt1d_shape *sh,
                       float *scratch, int nb);
void rv_cu_resunit_fwd(float *out, float *a1, float *h1, float *a2, const float *x,
                       const float *w1, const float *w2, int B, int C, int T, int k, int d,
                       float *scratch, int nb);
void rv_cu_resunit_bwd(float *dx, float *dw1, float *dw2, const float *dout, const float *x,
                       const float *a1, const float *h1, const float *a2, const float *w1,
                       const float *w2, int B, int C, int T, int k, int d, float *scratch,
                       float *tmp1, float *tmp2, int nb);
// Batched im2col / col2im over nb items: x (nb, C, T_in), col (nb, C*K, T_out).
// col2im: beta 0 overwrites x, 1 accumulates; bias (C) or NULL is added.
void rv_cu_im2col(float *col, const float *x, int nb, int C, int T_in, int K, int s, int d,
                  int pl, int T_out, int pre);
int  rv_cu_is_pointwise(const rv_conv1d_shape *s);
void rv_cu_col2im(float *x, const float *col, int nb, int C, int T_in, int K, int s, int d,
                  int pl, int T_out, int beta, const float *bias);

// Elementwise, with beta 0 (overwrite) or 1 (accumulate) for the backward.
void rv_cu_lrelu_bwd(float *din, const float *dout, const float *in, long n, float slope,
                     float beta);
// dx += lrelu'(x) * t + dout (the residual unit's input gradient, fused).
void rv_cu_res_dx(float *dx, const float *t, const float *x, const float *dout, long n,
                  float slope);
// dbias[o] += sum over b, t of dout (B, Co, To); one block per channel, fixed order.
void rv_cu_bias_grad(float *dbias, const float *dout, int B, int Co, int To);

// Weight gradients over nb > 1 batch items: one strided-batched GEMM into per-item partials
// (this workspace) and a fixed-order sum, instead of nb sequential GEMMs whose small
// (C_out x C_in*K) outputs give cuBLAS few thread blocks. Returns NULL when the mode is off
// (env GD_CUDA_DW=loop) or the workspace cannot grow (during a graph capture); callers then
// loop over items. rv_cu_dw_reserve sizes it ahead (outside any capture).
// At most RV_CU_DW_MAX floats (256 MiB): callers split larger batches into chunks.
#define RV_CU_DW_MAX ((size_t)64 << 20)
float *rv_cu_dw_workspace(size_t floats);
void   rv_cu_dw_reserve(size_t floats);
// GD_CUDA_DW=fold (opt-in, unmeasured): rv_cu_conv1d_bwd computes dw of a non-pointwise
// conv over nb items as ONE GEMM with reduction length nb*T_out: im2col writes the columns
// item-major within each row (CK, nb*T_out), dout is transposed into the workspace as
// (Co, nb*T_out). No per-item partials (Co*CK floats each: for the discriminator's deep
// layers, 768 x 1920, with T_out ~ 50, they cost more memory traffic than the GEMM).
int    rv_cu_dw_fold(void);
float *rv_cu_dw_workspace_fold(size_t floats);   // the same buffer; see backend.cu
void   rv_cu_dw_freeze(void);                    // called before the first graph capture
// dw[j] += sum_i part[i][j] for i < nb (fixed order).
void   rv_cu_sum_items(float *dw, const float *part, int nb, long n);

// ---------------------------------------------------------------------------- device scalars
// Losses written to a device double (no host round trip). The MSS object keeps its
// normalisers on the device, so rv_mss_bwd_cuda needs no readback either.
void rv_cu_mss_fwd(rv_mss_cuda *m, const float *x, const float *y, int R, long n, long ld,
                   double *d_total);
void rv_cu_mmd_fwd(const float *z, const float *y, int B, int D, int T, double *scratch,
                   double *d_total);
// Adam reading lr and t from device memory (graph-capturable schedule):
// sched[0] = lr, sched[1] = t (1-based step, as a double).
void rv_cu_adam(float *p, float *m, float *v, const float *g, long n, double beta1,
                double beta2, double eps, const double *sched);
// Adversarial reductions to device memory: out[0] = hinge_d (mode 0), hinge_g (1) or
// relative FM (2) of a (real) and b (fake) over n values, out[1] = sum |a|; part holds
// 2 * 264 doubles of per-block partials. rv_cu_fm_bwd reads the denominator from den[1].
void rv_cu_adv_fwd(double *out, const float *a, const float *b, long n, int mode, double *part);
void rv_cu_fm_bwd(float *d_fake, double weight, const double *den, const float *f_real,
                  const float *f_fake, long n);
#define RV_CU_ADV_PART (2 * 264)
// Sum of n doubles into *out (one block, fixed order).
void rv_cu_sum(double *out, const double *in, int n);
// out[0] = sum_i w_i * in[i] for a small list (total loss).
void rv_cu_weighted(double *out, const double *in, const double *w, int n);

#endif

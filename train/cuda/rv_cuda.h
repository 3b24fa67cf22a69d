// rv_cuda.h: CUDA twins of the CPU ops in train/nn/, declared in one place.
//
// Every rv_<op>_fwd_cuda / _bwd_cuda takes exactly the arguments of its CPU twin in
// train/nn/<op>.h, with every pointer a DEVICE pointer (scratch too, same size in floats),
// and has the same overwrite/accumulate contract. Work is enqueued on the backend's stream
// (rv_cuda_stream()); functions returning a double synchronise that stream to read it back,
// the others return without waiting. Shapes: B batch, C channels, T frames, (B, C, T) with T
// contiguous, as on the CPU.
// Precision: fp32 storage; matrix products through cuBLAS, in TF32 when rv_cuda_set_tf32(1)
// (the default for training, ~1e-3 relative error), plain fp32 otherwise; reductions of loss
// terms and weight-norm rows in double. Every result is deterministic (fixed reduction order,
// no atomics), so a rerun gives the same bits.
// Errors: runtime failures inside an op abort with file:line (GD_CUDA_CHECK, llm.c style);
// rv_cuda_init reports a missing device as an error code instead.
// Not thread-safe: one backend per process, used from one thread.
// The header is plain C (no CUDA includes) so that C code can call the twins.
#ifndef RV_CUDA_H
#define RV_CUDA_H

#include <stddef.h>

#include "train/backend.h"
#include "train/nn/adam.h"
#include "train/nn/conv1d.h"
#include "train/nn/convt1d.h"
#include "train/nn/mss.h"
#include "train/nn/pqmf.h"

#ifdef __cplusplus
extern "C" {
#endif

// ---------------------------------------------------------------------------- backend
// 1 when this binary was built with CUDA (nvcc found), else 0.
int  rv_cuda_compiled(void);
// Picks device 0, creates the stream and the cuBLAS handle. 0, or GD_ERR_INTERNAL with the
// reason in why (no device, driver too old, built without CUDA).
int  rv_cuda_init(char *why, size_t why_cap);
void rv_cuda_shutdown(void);
// The op table of train/backend.h filled with the twins below (rv_backend_cuda), or NULL in
// a build without CUDA. Its buffers are device buffers.
const rv_backend *rv_cuda_backend(void);
// TF32 tensor-core math for the cuBLAS products (1) or strict fp32 (0).
void rv_cuda_set_tf32(int on);
// The cudaStream_t and cublasHandle_t in use, as opaque pointers.
void *rv_cuda_stream(void);
void *rv_cuda_cublas(void);
// Waits for the stream; aborts on an asynchronous error.
void rv_cuda_sync(void);
// Device allocation helpers (abort on failure; free(NULL) is a no-op).
void *rv_cuda_malloc(size_t bytes);
void  rv_cuda_free(void *p);
void  rv_cuda_upload(void *dst, const void *src, size_t bytes);
void  rv_cuda_download(void *dst, const void *src, size_t bytes);
void  rv_cuda_memset0(void *dst, size_t bytes);
// Device name and memory of device 0 for reports ("" when none).
void rv_cuda_device_name(char *buf, size_t cap);

// Weight gradients over several batch items: 0 = one batched GEMM into partials plus a
// fixed-order sum (default), 1 = one GEMM per item in order (env GD_CUDA_DW=loop).
void rv_cuda_set_dw_loop(int loop);

// ---------------------------------------------------------------------------- ops (twins)
void rv_im2col_cuda(float *col, const float *x, int C, int T_in, int K, int s, int d, int pl,
                    int T_out);
void rv_col2im_cuda(float *x, const float *col, int C, int T_in, int K, int s, int d, int pl,
                    int T_out);

void rv_conv1d_fwd_cuda(float *out, const float *in, const float *w, const float *bias, int B,
                        int T_in, const rv_conv1d_shape *sh, float *scratch);
void rv_conv1d_bwd_cuda(float *din, float *dw, float *dbias, const float *dout,
                        const float *in, const float *w, int B, int T_in,
                        const rv_conv1d_shape *sh, float *scratch);
void rv_convt1d_fwd_cuda(float *out, const float *in, const float *w, const float *bias, int B,
                         int T_in, const rv_convt1d_shape *sh, float *scratch);
void rv_convt1d_bwd_cuda(float *din, float *dw, float *dbias, const float *dout,
                         const float *in, const float *w, int B, int T_in,
                         const rv_convt1d_shape *sh, float *scratch);

// Batched variants (what the GPU model uses): nb batch items per GEMM call, scratch holding nb
// times the single-item size. nb = 1 is exactly the twin above.
void rv_conv1d_fwd_cuda_nb(float *out, const float *in, const float *w, const float *bias,
                           int B, int T_in, const rv_conv1d_shape *sh, float *scratch, int nb);
void rv_conv1d_bwd_cuda_nb(float *din, float *dw, float *dbias, const float *dout,
                           const float *in, const float *w, int B, int T_in,
                           const rv_conv1d_shape *sh, float *scratch, int nb);
void rv_convt1d_fwd_cuda_nb(float *out, const float *in, const float *w, const float *bias,
                            int B, int T_in, const rv_convt1d_shape *sh, float *scratch, int nb);
void rv_convt1d_bwd_cuda_nb(float *din, float *dw, float *dbias, const float *dout,
                            const float *in, const float *w, int B, int T_in,
                            const rv_convt1d_shape *sh, float *scratch, int nb);

void rv_wnorm_fwd_cuda(float *w, const float *v, const float *g, int rows, long n);
void rv_wnorm_bwd_cuda(float *dv, float *dg, const float *dw, const float *v, const float *g,
                       int rows, long n);

void rv_lrelu_fwd_cuda(float *out, const float *in, long n, float slope);
void rv_lrelu_bwd_cuda(float *din, const float *dout, const float *in, long n, float slope);
void rv_amod_fwd_cuda(float *out, const float *in, int B, int C, int T);
void rv_amod_bwd_cuda(float *din, const float *dout, const float *in, int B, int C, int T);

void rv_resunit_fwd_cuda(float *out, float *a1, float *h1, float *a2, const float *x,
                         const float *w1, const float *w2, int B, int C, int T, int k, int d,
                         float *scratch);
void rv_resunit_bwd_cuda(float *dx, float *dw1, float *dw2, const float *dout, const float *x,
                         const float *a1, const float *h1, const float *a2, const float *w1,
                         const float *w2, int B, int C, int T, int k, int d, float *scratch,
                         float *tmp1, float *tmp2);

// p is a device copy of an initialised rv_pqmf (rv_pqmf_init on the host, then upload).
// The scratch argument is accepted for symmetry and not used (direct kernels).
void rv_pqmf_analysis_fwd_cuda(float *y, const float *x, const rv_pqmf *p, int B, long N,
                               float *scratch);
void rv_pqmf_analysis_bwd_cuda(float *dx, const float *dy, const rv_pqmf *p, int B, long N,
                               float *scratch);
void rv_pqmf_synthesis_fwd_cuda(float *x, const float *y, const rv_pqmf *p, int B, long N,
                                float *scratch);
void rv_pqmf_synthesis_bwd_cuda(float *dy, const float *dx, const rv_pqmf *p, int B, long N,
                                float *scratch);
void rv_pqmf_reverse_half_cuda(float *y, int B, long T);

// Multiscale spectral distance: an object holding cuFFT plans and device caches, sized at
// init; same contract as rv_mss_* (mss.h).
typedef struct rv_mss_cuda rv_mss_cuda;
int    rv_mss_init_cuda(rv_mss_cuda **out, const int *scales, int n_scales, int max_rows,
                        long max_n);
void   rv_mss_free_cuda(rv_mss_cuda *m);
double rv_mss_fwd_cuda(rv_mss_cuda *m, const float *x, const float *y, int R, long n, long ld,
                       double *per_scale);
void   rv_mss_bwd_cuda(rv_mss_cuda *m, float *dy, double weight);

// scratch: N doubles on the device.
double rv_mmd_fwd_cuda(const float *z, const float *y, int B, int D, int T, double *scratch);
void   rv_mmd_bwd_cuda(float *dz, double weight, const float *z, const float *y, int B, int D,
                       int T);

double rv_hinge_d_fwd_cuda(const float *s_real, const float *s_fake, long n);
void   rv_hinge_d_bwd_cuda(float *d_real, float *d_fake, double weight, const float *s_real,
                           const float *s_fake, long n);
double rv_hinge_g_fwd_cuda(const float *s_fake, long n);
void   rv_hinge_g_bwd_cuda(float *d_fake, double weight, long n);
double rv_fm_fwd_cuda(const float *f_real, const float *f_fake, long n);
void   rv_fm_bwd_cuda(float *d_fake, double weight, const float *f_real, const float *f_fake,
                      long n);

void rv_adam_step_cuda(float *p, float *m, float *v, const float *g, long n,
                       const rv_adam_cfg *cfg, double lr, long t);

#ifdef __cplusplus
}
#endif
#endif

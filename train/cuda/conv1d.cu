// conv1d.cu: CUDA twins of conv1d.h, convt1d.h and im2col.h: im2col / col2im gather kernels
// plus cuBLAS strided-batched GEMMs (TF32 when enabled), several batch items per call.
// No atomics: col2im gathers the (at most K) columns that touch each input sample, and the
// weight gradients sum batch items in order with beta = 1, so results are deterministic.
// Row-major (M, N) matrices are column-major (N, M) to cuBLAS; each call below notes the
// row-major product it computes.
#include <limits.h>

#include "train/cuda/common.cuh"

extern "C" {
#include "train/nn/resunit.h"   // RV_LRELU_SLOPE
}

// fold = 0: col (nb, C*K, T_out); fold = nb: col (C*K, nb, T_out) (items inside each row).
__global__ void k_im2col(float *__restrict__ col, const float *__restrict__ x, int C, int T_in,
                         int K, int s, int d, int pl, int T_out, long total, int pre, int fold) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x) {
        int t = (int)(i % T_out);
        long r = i / T_out;             // (b*C + c)*K + k
        int k = (int)(r % K);
        long bc = r / K;
        int j = t * s + k * d - pl;
        float v = (j >= 0 && j < T_in) ? x[bc * T_in + j] : 0.f;
        if (pre && !(v > 0.f)) v *= (float)RV_LRELU_SLOPE;   // fused LeakyReLU
        long ck = r % ((long)C * K), b = r / ((long)C * K);
        col[fold ? (ck * fold + b) * T_out + t : i] = v;
    }
}

// dst (R, nb, T) = src (nb, R, T) transposed over the first two axes.
__global__ void k_swap01(float *__restrict__ dst, const float *__restrict__ src, int nb, int R,
                         int T, long total) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x) {
        int t = (int)(i % T);
        long q = i / T;                 // b*R + r
        long r = q % R, b = q / R;
        dst[(r * nb + b) * T + t] = src[i];
    }
}

// fold as in k_im2col: col (nb, C*K, T_out), or with fold = nb (C*K, nb, T_out).
__global__ void k_col2im(float *__restrict__ x, const float *__restrict__ col, int C, int T_in,
                         int K, int s, int d, int pl, int T_out, int beta,
                         const float *__restrict__ bias, long total, int fold) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x) {
        int tj = (int)(i % T_in);
        long bc = i / T_in;             // b*C + c
        const float *cb = fold ? col + ((bc % C) * K * fold + bc / C) * T_out : col + bc * K * T_out;
        long ks = fold ? (long)fold * T_out : T_out;   // distance between taps k and k + 1
        float acc = 0.f;
        for (int k = 0; k < K; k++) {
            int num = tj + pl - k * d;
            if (num < 0) break;          // grows more negative with k
            if (num % s) continue;
            int t = num / s;
            if (t < T_out) acc += cb[k * ks + t];
        }
        if (bias) acc += bias[bc % C];
        x[i] = beta ? x[i] + acc : acc;
    }
}

__global__ void k_bias_add(float *__restrict__ out, const float *__restrict__ bias, int Co,
                           int To, long total) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < total;
         i += (long)gridDim.x * blockDim.x)
        out[i] += bias[(i / To) % Co];
}

// One block per channel o: sum over (b, t) in a fixed order, then dbias[o] += sum.
__global__ void k_bias_grad(float *dbias, const float *__restrict__ dout, int B, int Co,
                            int To) {
    __shared__ double sh[256];
    int o = blockIdx.x;
    double s = 0;
    for (int b = 0; b < B; b++) {
        const float *r = dout + ((long)b * Co + o) * To;
        for (int t = threadIdx.x; t < To; t += blockDim.x) s += r[t];
    }
    sh[threadIdx.x] = s;
    __syncthreads();
    for (int w = blockDim.x / 2; w > 0; w >>= 1) {
        if ((int)threadIdx.x < w) sh[threadIdx.x] += sh[threadIdx.x + w];
        __syncthreads();
    }
    if (threadIdx.x == 0) dbias[o] += (float)sh[0];
}

__global__ void k_sum_items(float *__restrict__ dw, const float *__restrict__ part, int nb,
                            long n) {
    for (long j = blockIdx.x * (long)blockDim.x + threadIdx.x; j < n;
         j += (long)gridDim.x * blockDim.x) {
        float s = 0.f;
        for (int i = 0; i < nb; i++) s += part[(long)i * n + j];
        dw[j] += s;
    }
}

static unsigned grid_for(long n) {
    long b = (n + 255) / 256;
    return (unsigned)(b > 65535L * 16 ? 65535L * 16 : b);
}

void rv_cu_im2col(float *col, const float *x, int nb, int C, int T_in, int K, int s, int d,
                  int pl, int T_out, int pre) {
    long total = (long)nb * C * K * T_out;
    if (total <= 0) return;
    k_im2col<<<grid_for(total), 256, 0, rv_cu_stream()>>>(col, x, C, T_in, K, s, d, pl, T_out,
                                                          total, pre, 0);
    GD_LAUNCH_CHECK();
}

static void col2im(float *x, const float *col, int nb, int C, int T_in, int K, int s, int d,
                   int pl, int T_out, int beta, const float *bias, int fold) {
    long total = (long)nb * C * T_in;
    if (total <= 0) return;
    k_col2im<<<grid_for(total), 256, 0, rv_cu_stream()>>>(x, col, C, T_in, K, s, d, pl, T_out,
                                                           beta, bias, total, fold);
    GD_LAUNCH_CHECK();
}

void rv_cu_col2im(float *x, const float *col, int nb, int C, int T_in, int K, int s, int d,
                  int pl, int T_out, int beta, const float *bias) {
    col2im(x, col, nb, C, T_in, K, s, d, pl, T_out, beta, bias, 0);
}

static void im2col_folded(float *col, const float *x, int nb, int C, int T_in, int K, int s,
                          int d, int pl, int T_out, int pre) {
    long total = (long)nb * C * K * T_out;
    k_im2col<<<grid_for(total), 256, 0, rv_cu_stream()>>>(col, x, C, T_in, K, s, d, pl, T_out,
                                                          total, pre, nb);
    GD_LAUNCH_CHECK();
}

// dst (R, nb, T) = src (nb, R, T)
static void swap01(float *dst, const float *src, int nb, int R, int T) {
    long total = (long)nb * R * T;
    k_swap01<<<grid_for(total), 256, 0, rv_cu_stream()>>>(dst, src, nb, R, T, total);
    GD_LAUNCH_CHECK();
}

void rv_cu_bias_grad(float *dbias, const float *dout, int B, int Co, int To) {
    k_bias_grad<<<Co, 256, 0, rv_cu_stream()>>>(dbias, dout, B, Co, To);
    GD_LAUNCH_CHECK();
}

void rv_cu_sum_items(float *dw, const float *part, int nb, long n) {
    if (n <= 0) return;
    k_sum_items<<<grid_for(n), 256, 0, rv_cu_stream()>>>(dw, part, nb, n);
    GD_LAUNCH_CHECK();
}

static void bias_add(float *out, const float *bias, int nb, int Co, int To) {
    long total = (long)nb * Co * To;
    k_bias_add<<<grid_for(total), 256, 0, rv_cu_stream()>>>(out, bias, Co, To, total);
    GD_LAUNCH_CHECK();
}

// Row-major batched C_i (M, N) = beta C_i + op(A_i) op(B_i) with A_i (M, K) or its transpose.
// Expressed through cuBLAS column-major: C^T = op(B)^T op(A)^T.
static void gemm_rm(int transA, int transB, int M, int N, int K, const float *A, int lda,
                    long sA, const float *Bm, int ldb, long sB, float beta, float *Cm, int ldc,
                    long sC, int batch) {
    const float one = 1.f;
    cublasOperation_t oa = transA ? CUBLAS_OP_T : CUBLAS_OP_N;
    cublasOperation_t ob = transB ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (batch == 1)
        GD_CUBLAS_CHECK(cublasSgemm(rv_cu_cublas(), ob, oa, N, M, K, &one, Bm, ldb, A, lda,
                                    &beta, Cm, ldc));
    else
        GD_CUBLAS_CHECK(cublasSgemmStridedBatched(rv_cu_cublas(), ob, oa, N, M, K, &one, Bm,
                                                  ldb, sB, A, lda, sA, &beta, Cm, ldc, sC,
                                                  batch));
}

// Items per batched weight-gradient GEMM so that the partials fit the workspace cap.
static int dw_chunk(int n, size_t per_item) {
    size_t m = RV_CU_DW_MAX / (per_item ? per_item : 1);
    return (int)(m < (size_t)n ? m : (size_t)n);
}

int rv_cu_is_pointwise(const rv_conv1d_shape *s) {
    return s->k == 1 && s->stride == 1 && s->pad_l == 0 && s->pad_r == 0;
}
#define is_pointwise rv_cu_is_pointwise

static void no_pre_pointwise(int pw, int pre) {
    if (pw && pre) {
        fprintf(stderr, "rv_cu_conv1d: fused LeakyReLU on a pointwise convolution\n");
        abort();
    }
}

// GD_CUDA_DW=fold: the n items of a call side by side along the GEMM's N (columns (C*K, n,
// T_out)), one GEMM with N = n T_out instead of n with N = T_out each (the late layers of the
// period discriminators have T_out = 46..256, so most of each GEMM tile is empty otherwise);
// outputs and output gradients pass through a (Co, n, T_out) transpose in this workspace.
// NULL: use the per-item path.
static float *fold_ws(int pw, int n, int Co, int To) {
    if (pw || n < 2 || !rv_cu_dw_fold() || (long)n * To > INT_MAX) return NULL;
    return rv_cu_dw_workspace_fold((size_t)n * Co * To);
}

// ---------------------------------------------------------------------------- conv1d
void rv_cu_conv1d_fwd(float *out, const float *in, const float *w, const float *bias, int B,
                      int T_in, const rv_conv1d_shape *sh, float *scratch, int nb, float beta,
                      int pre) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Ci * sh->k;
    int pw = is_pointwise(sh);
    no_pre_pointwise(pw, pre);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        const float *inb = in + (long)b0 * Ci * T_in;
        float *outb = out + (long)b0 * Co * To;
        float *ft = beta == 0.f ? fold_ws(pw, n, Co, To) : NULL;
        if (ft) {   // out_f (Co, n To) = w (Co, CK) col_f (CK, n To), then (n, Co, To)
            int nt = n * To;
            im2col_folded(scratch, inb, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l, To,
                          pre);
            gemm_rm(0, 0, Co, nt, CK, w, CK, 0, scratch, nt, 0, 0.f, ft, nt, 0, 1);
            swap01(outb, ft, Co, n, To);
            if (bias) bias_add(outb, bias, n, Co, To);
            continue;
        }
        const float *col = inb;
        if (!pw) {
            rv_cu_im2col(scratch, inb, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l, To,
                         pre);
            col = scratch;
        }
        // out_b (Co, To) = w (Co, CK) col_b (CK, To)
        gemm_rm(0, 0, Co, To, CK, w, CK, 0, col, To, (long)CK * To, beta, outb, To,
                (long)Co * To, n);
        if (bias) bias_add(outb, bias, n, Co, To);
    }
}

void rv_cu_conv1d_bwd(float *din, float *dw, float *dbias, const float *dout, const float *in,
                      const float *w, int B, int T_in, const rv_conv1d_shape *sh,
                      float *scratch, int nb, int pre) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Ci * sh->k;
    int pw = is_pointwise(sh);
    no_pre_pointwise(pw, pre);
    if (dbias) rv_cu_bias_grad(dbias, dout, B, Co, To);
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        const float *doutb = dout + (long)b0 * Co * To;
        int nt = n * To;
        float *dt = fold_ws(pw, n, Co, To);   // dout as (Co, n To), for dw and din
        if (dt) swap01(dt, doutb, n, Co, To);
        if (dw) {
            const float *inb = in + (long)b0 * Ci * T_in, *col = inb;
            // dw (Co, CK) += dout_b (Co, To) col_b^T: (GD_CUDA_DW=fold) one GEMM over
            // items x time, or batched partials + fixed-order sum, or items in order
            if (!pw && !dt) {
                rv_cu_im2col(scratch, inb, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                             To, pre);
                col = scratch;
            }
            int m = dw_chunk(n, (size_t)Co * CK);
            float *ws = !dt && m > 1 ? rv_cu_dw_workspace((size_t)m * Co * CK) : NULL;
            if (dt) {
                im2col_folded(scratch, inb, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                              To, pre);
                gemm_rm(0, 1, Co, CK, nt, dt, nt, 0, scratch, nt, 0, 1.f, dw, CK, 0, 1);
            } else if (ws) {
                for (int i0 = 0; i0 < n; i0 += m) {
                    int k = n - i0 < m ? n - i0 : m;
                    gemm_rm(0, 1, Co, CK, To, doutb + (long)i0 * Co * To, To, (long)Co * To,
                            col + (long)i0 * CK * To, To, (long)CK * To, 0.f, ws, CK,
                            (long)Co * CK, k);
                    rv_cu_sum_items(dw, ws, k, (long)Co * CK);
                }
            } else {
                for (int i = 0; i < n; i++)
                    gemm_rm(0, 1, Co, CK, To, doutb + (long)i * Co * To, To, 0,
                            col + (long)i * CK * To, To, 0, 1.f, dw, CK, 0, 1);
            }
        }
        if (din) {
            float *dinb = din + (long)b0 * Ci * T_in;
            if (pw) {   // din_b (Ci, T) += w^T (Ci, Co) dout_b (Co, T)
                gemm_rm(1, 0, CK, To, Co, w, CK, 0, doutb, To, (long)Co * To, 1.f, dinb, To,
                        (long)Ci * T_in, n);
            } else if (dt) {   // dcol_f (CK, n To) = w^T dout_f, gathered into din
                gemm_rm(1, 0, CK, nt, Co, w, CK, 0, dt, nt, 0, 0.f, scratch, nt, 0, 1);
                col2im(dinb, scratch, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l, To, 1,
                       NULL, n);
            } else {    // dcol_b (CK, To) = w^T dout_b, then gather into din
                gemm_rm(1, 0, CK, To, Co, w, CK, 0, doutb, To, (long)Co * To, 0.f, scratch, To,
                        (long)CK * To, n);
                rv_cu_col2im(dinb, scratch, n, Ci, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                             To, 1, NULL);
            }
        }
    }
}

// ---------------------------------------------------------------------------- convt1d
void rv_cu_convt1d_fwd(float *out, const float *in, const float *w, const float *bias, int B,
                       int T_in, const rv_convt1d_shape *sh, float *scratch, int nb) {
    int To = rv_convt1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Co * sh->k;
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        // col_b (CK, Ti) = w^T (CK, Ci) in_b (Ci, Ti)
        gemm_rm(1, 0, CK, T_in, Ci, w, CK, 0, in + (long)b0 * Ci * T_in, T_in,
                (long)Ci * T_in, 0.f, scratch, T_in, (long)CK * T_in, n);
        rv_cu_col2im(out + (long)b0 * Co * To, scratch, n, Co, To, sh->k, sh->stride, 1,
                     sh->pad, T_in, 0, bias);
    }
}

void rv_cu_convt1d_bwd(float *din, float *dw, float *dbias, const float *dout, const float *in,
                       const float *w, int B, int T_in, const rv_convt1d_shape *sh,
                       float *scratch, int nb) {
    int To = rv_convt1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Co * sh->k;
    if (dbias) rv_cu_bias_grad(dbias, dout, B, Co, To);
    if (!dw && !din) return;
    for (int b0 = 0; b0 < B; b0 += nb) {
        int n = B - b0 < nb ? B - b0 : nb;
        rv_cu_im2col(scratch, dout + (long)b0 * Co * To, n, Co, To, sh->k, sh->stride, 1,
                     sh->pad, T_in, 0);
        if (din)    // din_b (Ci, Ti) += w (Ci, CK) col_b (CK, Ti)
            gemm_rm(0, 0, Ci, T_in, CK, w, CK, 0, scratch, T_in, (long)CK * T_in, 1.f,
                    din + (long)b0 * Ci * T_in, T_in, (long)Ci * T_in, n);
        if (dw) {   // dw (Ci, CK) += in_b (Ci, Ti) col_b^T
            int m = dw_chunk(n, (size_t)Ci * CK);
            float *ws = m > 1 ? rv_cu_dw_workspace((size_t)m * Ci * CK) : NULL;
            if (ws) {
                for (int i0 = 0; i0 < n; i0 += m) {
                    int k = n - i0 < m ? n - i0 : m;
                    gemm_rm(0, 1, Ci, CK, T_in, in + (long)(b0 + i0) * Ci * T_in, T_in,
                            (long)Ci * T_in, scratch + (long)i0 * CK * T_in, T_in,
                            (long)CK * T_in, 0.f, ws, CK, (long)Ci * CK, k);
                    rv_cu_sum_items(dw, ws, k, (long)Ci * CK);
                }
            } else {
                for (int i = 0; i < n; i++)
                    gemm_rm(0, 1, Ci, CK, T_in, in + (long)(b0 + i) * Ci * T_in, T_in, 0,
                            scratch + (long)i * CK * T_in, T_in, 0, 1.f, dw, CK, 0, 1);
            }
        }
    }
}

// ---------------------------------------------------------------------------- public twins
extern "C" void rv_im2col_cuda(float *col, const float *x, int C, int T_in, int K, int s, int d,
                               int pl, int T_out) {
    rv_cu_im2col(col, x, 1, C, T_in, K, s, d, pl, T_out, 0);
}
extern "C" void rv_col2im_cuda(float *x, const float *col, int C, int T_in, int K, int s, int d,
                               int pl, int T_out) {
    rv_cu_col2im(x, col, 1, C, T_in, K, s, d, pl, T_out, 1, NULL);
}
extern "C" void rv_conv1d_fwd_cuda(float *out, const float *in, const float *w,
                                   const float *bias, int B, int T_in,
                                   const rv_conv1d_shape *sh, float *scratch) {
    rv_cu_conv1d_fwd(out, in, w, bias, B, T_in, sh, scratch, 1, 0.f, 0);
}
extern "C" void rv_conv1d_bwd_cuda(float *din, float *dw, float *dbias, const float *dout,
                                   const float *in, const float *w, int B, int T_in,
                                   const rv_conv1d_shape *sh, float *scratch) {
    rv_cu_conv1d_bwd(din, dw, dbias, dout, in, w, B, T_in, sh, scratch, 1, 0);
}
extern "C" void rv_convt1d_fwd_cuda(float *out, const float *in, const float *w,
                                    const float *bias, int B, int T_in,
                                    const rv_convt1d_shape *sh, float *scratch) {
    rv_cu_convt1d_fwd(out, in, w, bias, B, T_in, sh, scratch, 1);
}
extern "C" void rv_convt1d_bwd_cuda(float *din, float *dw, float *dbias, const float *dout,
                                    const float *in, const float *w, int B, int T_in,
                                    const rv_convt1d_shape *sh, float *scratch) {
    rv_cu_convt1d_bwd(din, dw, dbias, dout, in, w, B, T_in, sh, scratch, 1);
}

extern "C" void rv_conv1d_fwd_cuda_nb(float *out, const float *in, const float *w,
                                      const float *bias, int B, int T_in,
                                      const rv_conv1d_shape *sh, float *scratch, int nb) {
    rv_cu_conv1d_fwd(out, in, w, bias, B, T_in, sh, scratch, nb, 0.f, 0);
}
extern "C" void rv_conv1d_bwd_cuda_nb(float *din, float *dw, float *dbias, const float *dout,
                                      const float *in, const float *w, int B, int T_in,
                                      const rv_conv1d_shape *sh, float *scratch, int nb) {
    rv_cu_conv1d_bwd(din, dw, dbias, dout, in, w, B, T_in, sh, scratch, nb, 0);
}
extern "C" void rv_convt1d_fwd_cuda_nb(float *out, const float *in, const float *w,
                                       const float *bias, int B, int T_in,
                                       const rv_convt1d_shape *sh, float *scratch, int nb) {
    rv_cu_convt1d_fwd(out, in, w, bias, B, T_in, sh, scratch, nb);
}
extern "C" void rv_convt1d_bwd_cuda_nb(float *din, float *dw, float *dbias, const float *dout,
                                       const float *in, const float *w, int B, int T_in,
                                       const rv_convt1d_shape *sh, float *scratch, int nb) {
    rv_cu_convt1d_bwd(din, dw, dbias, dout, in, w, B, T_in, sh, scratch, nb);
}

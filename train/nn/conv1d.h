// conv1d.h: 1-D convolution (PyTorch Conv1d: cross-correlation) with stride, dilation and
// asymmetric zero padding, via im2col + GEMM (CBLAS).
//
// Shapes: in (B, C_in, T_in), out (B, C_out, T_out), w (C_out, C_in, K), bias (C_out) or NULL.
// T_out = (T_in + pad_l + pad_r - dil*(K-1) - 1) / stride + 1.
// scratch holds C_in*K*T_out values (rv_conv1d_scratch); the caller owns every buffer.
// Forward overwrites out. Backward ACCUMULATES (+=) into din, dw and dbias; any of them may
// be NULL to skip that gradient. Batch items are processed in order, so dw is deterministic.
// Weight normalisation is a separate op (wnorm.h) applied to w before the call.
// CUDA twins (train/cuda/): rv_conv1d_fwd_cuda / rv_conv1d_bwd_cuda, same arguments.
#ifndef RV_CONV1D_H
#define RV_CONV1D_H

#include <stddef.h>

#include "train/nn/rv_real.h"

typedef struct {
    int c_in, c_out, k, stride, dil, pad_l, pad_r;
} rv_conv1d_shape;

static inline int rv_conv1d_t_out(const rv_conv1d_shape *s, int t_in) {
    return (t_in + s->pad_l + s->pad_r - s->dil * (s->k - 1) - 1) / s->stride + 1;
}
static inline size_t rv_conv1d_scratch(const rv_conv1d_shape *s, int t_in) {
    return (size_t)s->c_in * s->k * rv_conv1d_t_out(s, t_in);
}
// "Centered" padding of cached_conv: p = (k-1)*d + 1, left (p-1)/2, right p/2.
static inline void rv_conv1d_center_pad(rv_conv1d_shape *s) {
    int p = (s->k - 1) * s->dil + 1;
    s->pad_l = (p - 1) / 2;
    s->pad_r = p / 2;
}

void rv_conv1d_fwd(rv_real *out, const rv_real *in, const rv_real *w, const rv_real *bias,
                   int B, int T_in, const rv_conv1d_shape *sh, rv_real *scratch);
void rv_conv1d_bwd(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                   const rv_real *in, const rv_real *w, int B, int T_in,
                   const rv_conv1d_shape *sh, rv_real *scratch);

#endif

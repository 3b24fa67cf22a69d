// convt1d.h: 1-D transposed convolution (PyTorch ConvTranspose1d, dilation 1, no output
// padding), via GEMM + col2im.
//
// Shapes: in (B, C_in, T_in), out (B, C_out, T_out), w (C_in, C_out, K) -- note the PyTorch
// layout with the INPUT channel first (weight norm then normalises per input channel, the
// RAVE quirk; see wnorm.h). bias (C_out) or NULL. T_out = (T_in - 1)*stride - 2*pad + K;
// with K = 2r, stride r, pad r/2 (r even or r = 2) this is exactly T_in * r.
// scratch holds C_out*K*T_in values (rv_convt1d_scratch).
// Forward overwrites out; backward ACCUMULATES into din, dw, dbias (each may be NULL).
// CUDA twins (train/cuda/): rv_convt1d_fwd_cuda / _bwd_cuda, same arguments.
#ifndef RV_CONVT1D_H
#define RV_CONVT1D_H

#include <stddef.h>

#include "train/nn/rv_real.h"

typedef struct {
    int c_in, c_out, k, stride, pad;
} rv_convt1d_shape;

static inline int rv_convt1d_t_out(const rv_convt1d_shape *s, int t_in) {
    return (t_in - 1) * s->stride - 2 * s->pad + s->k;
}
static inline size_t rv_convt1d_scratch(const rv_convt1d_shape *s, int t_in) {
    return (size_t)s->c_out * s->k * t_in;
}

void rv_convt1d_fwd(rv_real *out, const rv_real *in, const rv_real *w, const rv_real *bias,
                    int B, int T_in, const rv_convt1d_shape *sh, rv_real *scratch);
void rv_convt1d_bwd(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                    const rv_real *in, const rv_real *w, int B, int T_in,
                    const rv_convt1d_shape *sh, rv_real *scratch);

#endif

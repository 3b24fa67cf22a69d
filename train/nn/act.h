// act.h: elementwise activations. LeakyReLU (slope 0.2 in RAVE v2) and the amplitude-
// modulation output stage of the v2 decoder, y = tanh(x * sigmoid(a)).
//
// LeakyReLU: out = x > 0 ? x : slope*x; backward din += dout * (x > 0 ? 1 : slope) (the
// PyTorch convention at x = 0). out may alias in for the forward.
// Amplitude modulation: in (B, 2C, T) holds x in channels [0, C) and a in [C, 2C);
// out (B, C, T). Backward ACCUMULATES into din (B, 2C, T).
// CUDA twins (train/cuda/): rv_lrelu_fwd_cuda, rv_amod_fwd_cuda, ... same arguments.
#ifndef RV_ACT_H
#define RV_ACT_H

#include "train/nn/rv_real.h"

void rv_lrelu_fwd(rv_real *out, const rv_real *in, long n, rv_real slope);
void rv_lrelu_bwd(rv_real *din, const rv_real *dout, const rv_real *in, long n, rv_real slope);

void rv_amod_fwd(rv_real *out, const rv_real *in, int B, int C, int T);
void rv_amod_bwd(rv_real *din, const rv_real *dout, const rv_real *in, int B, int C, int T);

#endif

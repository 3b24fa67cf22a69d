// wnorm.h: weight normalisation (Salimans & Kingma 2016) as in torch.nn.utils.weight_norm
// with dim 0: w = g * v / ||v||, the norm taken per slice along dim 0 over all other dims.
//
// w, v are (rows, n) row-major; g is (rows). For Conv1d weights (C_out, C_in, K) rows = C_out;
// for ConvTranspose1d weights (C_in, C_out, K) rows = C_in -- one g per INPUT channel, the
// reference quirk we reproduce. Norms are accumulated in double.
// Backward ACCUMULATES into dv and dg: dg += dw.v/|v|, dv += g/|v| (dw - (dw.v) v/|v|^2).
// CUDA twins (train/cuda/): rv_wnorm_fwd_cuda / _bwd_cuda.
#ifndef RV_WNORM_H
#define RV_WNORM_H

#include "train/nn/rv_real.h"

void rv_wnorm_fwd(rv_real *w, const rv_real *v, const rv_real *g, int rows, long n);
void rv_wnorm_bwd(rv_real *dv, rv_real *dg, const rv_real *dw, const rv_real *v,
                  const rv_real *g, int rows, long n);
// g[r] = ||v[r]|| (PyTorch's initialisation, so that w == v at start).
void rv_wnorm_init_g(rv_real *g, const rv_real *v, int rows, long n);

#endif

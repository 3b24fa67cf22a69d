// im2col.h: unfold a 1-D signal into convolution columns, and its adjoint.
//
// x is (C, T_in), T contiguous. col is (C*K, T_out): col[c*K + k][t] = x[c][t*s + k*d - pl],
// zero where that index falls outside [0, T_in) (zero padding). col2im adds the adjoint back
// into x (x += A^T col), which is also the scatter step of a transposed convolution.
// Parallel over channels (OpenMP); each output element has one fixed summation order, so
// results do not depend on the thread count. No allocation.
#ifndef RV_IM2COL_H
#define RV_IM2COL_H

#include "train/nn/rv_real.h"

void rv_im2col(rv_real *col, const rv_real *x, int C, int T_in, int K, int s, int d, int pl,
               int T_out);
void rv_col2im(rv_real *x, const rv_real *col, int C, int T_in, int K, int s, int d, int pl,
               int T_out);

#endif

// mmd.h: RBF maximum mean discrepancy of the Wasserstein (WAE-MMD) regulariser of RAVE.
//
// z and y are (B, D, T) tensors (channels = latent dims); they are read as N = B*T samples of
// dimension D. y holds the prior draws N(0, I) made by the caller. Kernel:
// k(a, b) = exp(-|a - b|^2 / D^2) (one bandwidth, c = D^2). Biased V-statistic with the
// diagonal: MMD = mean k(z,z) + mean k(y,y) - 2 mean k(z,y).
// Gradient (docs/rave-v2.md section 5): dMMD/dz_i = -(4/(c N^2)) [sum_j k(z_i,z_j)(z_i - z_j)
//   - sum_j k(z_i,y_j)(z_i - y_j)].
// O(N^2 D); rows in parallel, per-row partial sums reduced serially (thread-count independent).
// scratch: N values. Backward ACCUMULATES weight * dMMD/dz into dz.
#ifndef RV_MMD_H
#define RV_MMD_H

#include "train/nn/rv_real.h"

double rv_mmd_fwd(const rv_real *z, const rv_real *y, int B, int D, int T, double *scratch);
void   rv_mmd_bwd(rv_real *dz, double weight, const rv_real *z, const rv_real *y, int B, int D,
                  int T);

#endif

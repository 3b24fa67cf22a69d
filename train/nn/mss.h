// mss.h: multi-scale spectral distance of RAVE v2 (AudioDistanceV1 over MultiScaleSTFT).
//
// For each scale n (window = n_fft = n, hop n/4, periodic Hann, center with reflect padding,
// onesided, |X|), with X = |STFT(x)| (target) and Y = |STFT(y)| (estimate):
//   lin = mean((X - Y)^2) / mean(X^2),  log = mean |log(X + eps) - log(Y + eps)|, eps 1e-7,
// means over every row, frame and bin of the batch (an all-silent target gives lin = 0). The distance is sum over scales of
// (lin + log). Gradient only with respect to y (x is the target): d|Y|/dY = Y/|Y|, 0 at 0.
// Signals: R rows of n samples each, row r starting at x + r*ld (ld >= n allows cropping).
// n must exceed n_fft/2 for every scale (reflect padding).
// rv_mss_fwd caches the spectra in the object; rv_mss_bwd then ACCUMULATES weight * dD/dy.
// Plans are made at init (FFTW_ESTIMATE); forward/backward allocate nothing, run rows in
// parallel (OpenMP) and reduce per-row partial sums serially, so results do not depend on the
// thread count.
#ifndef RV_MSS_H
#define RV_MSS_H

#include "train/nn/rv_real.h"

#define RV_MSS_MAX_SCALES 8

typedef struct rv_mss rv_mss;

// scales: n_fft values (powers of two). Capacity: up to max_rows rows of max_n samples.
int  rv_mss_init(rv_mss **out, const int *scales, int n_scales, int max_rows, long max_n);
void rv_mss_free(rv_mss *m);
// Returns the distance; per_scale (may be NULL) receives lin and log of each scale
// (2*n_scales values, lin then log).
double rv_mss_fwd(rv_mss *m, const rv_real *x, const rv_real *y, int R, long n, long ld,
                  double *per_scale);
// dy rows use the same ld as the forward call. Must follow rv_mss_fwd with the same x, y.
void rv_mss_bwd(rv_mss *m, rv_real *dy, double weight);

#endif

// pencil.h: the matrix pencil method (Hua & Sarkar) for sums of complex damped exponentials.
//
// Given y[n] = sum_m a_m z_m^n + noise, n = 0..N-1 (complex), estimates the poles z_m and
// complex amplitudes a_m. The Hankel matrix (N-L) x (L+1), L = N/3, is reduced by an SVD
// (LAPACK zgesdd); the model order is the number of singular values above
// max(rel_thr * s_0, 3 * noise plateau) (at most max_order); the poles are the eigenvalues
// (zgeev) of the least-squares (zgels) shift operator of the right singular vectors;
// amplitudes come from a Vandermonde least-squares fit. All linear algebra is LAPACK
// through LAPACKE (OpenBLAS), none hand-written. Decay rate per sample is -ln|z|, not 1-|z|.
// Allocates its scratch per call. Thread-safe.
#ifndef SYN_PENCIL_H
#define SYN_PENCIL_H

#include <complex.h>

// Writes up to max_order poles and amplitudes; returns the model order (>= 0) or a GD_ERR_*.
int syn_pencil(double complex *poles, double complex *amps, const double complex *y, int n,
               int max_order, double rel_thr);

#endif

// corpus.h: corpus-level statistics (eval-metrics.md §2.6, §3): per-clip descriptors,
// 1-D distribution distances, Frechet distance and kernel (MMD) distance on embeddings.
//
// Shapes: embeddings are (N, D) row-major doubles; covariances (D, D). Descriptors are
// computed on mono float audio. Nothing here keeps state; results are plain numbers.
#ifndef EV_CORPUS_H
#define EV_CORPUS_H

#include <stdint.h>

enum { EV_DESC_CENTROID, EV_DESC_FLATNESS, EV_DESC_ROLLOFF, EV_DESC_ATTACK, EV_DESC_DECAY,
       EV_DESC_LOUDNESS, EV_N_DESC };
extern const char *const ev_desc_names[EV_N_DESC];

// Per-clip descriptors (NAN when undefined): energy-weighted means over frames of the librosa
// spectral centroid (Hz), flatness (power, amin 1e-10) and 85 % roll-off (Hz) on a 2048/512
// zero-padded STFT; attack time 20->90 % (ms) of the 10/1500 ms follower; Schroeder T60 (s);
// max momentary loudness (LUFS, libebur128).
void ev_descriptors(double out[EV_N_DESC], const float *x, int64_t n, int rate);

// Wasserstein-1 distance and Kolmogorov-Smirnov statistic between two samples (NAN skipped);
// ks_p is the asymptotic two-sided p-value. Returns 0 or GD_ERR_NOMEM / GD_ERR_EMPTY.
int ev_w1_ks(const double *a, int na, const double *b, int nb, double *w1, double *ks, double *ks_p);

// Frechet distance between Gaussians (mu1, cov1) and (mu2, cov2) of dimension d:
// |mu1 - mu2|^2 + tr(c1) + tr(c2) - 2 tr((c1^1/2 c2 c1^1/2)^1/2) (symmetric form, LAPACKE
// dsyevd, negative eigenvalues clipped). Returns NAN on failure. OpenBLAS's thread count
// changes the last digits; `corpus` pins it to 1 so its output does not depend on it.
double ev_frechet(const double *mu1, const double *cov1, const double *mu2, const double *cov2, int d);

// Mean (d) and unbiased covariance (d, d) of x (n, d) with n >= 2.
void ev_mean_cov(double *mu, double *cov, const double *x, int n, int d);

// Gaussian RBF kernel matrix K (na, nb), K_ij = exp(-|a_i - b_j|^2 / (2 sigma^2)).
void ev_rbf_matrix(double *K, const double *a, int na, const double *b, int nb, int d, double sigma);
// Median pairwise Euclidean distance within x (n, d), n >= 2 (the median heuristic).
double ev_median_distance(const double *x, int n, int d);
// Unbiased MMD^2 x 100 (KAD) from kernel matrices: Kxx over index list ix (nx), Kyy over iy
// (ny), Kxy; each matrix is addressed as K[i * ld + j] with the given leading dimensions.
double ev_kad_indexed(const double *Kxx, int ldxx, const int *ix, int nx, const double *Kyy,
                      int ldyy, const int *iy, int ny, const double *Kxy, int ldxy);

// Permutation p-value of the unbiased MMD^2 between the first nx and the last n - nx items of
// the joint kernel matrix K (n, n): labels are shuffled n_perm times (rng draws);
// p = (1 + #{MMD*^2 >= observed}) / (1 + n_perm) (Gretton et al. 2012 two-sample test).
#include "core/rng.h"
double ev_mmd_perm_p(const double *K, int n, int nx, int n_perm, gd_rng *rng);

// Frame embeddings: 64 Slaney log-mel bands (ln(mel power + 1e-10)), 20 Hz .. min(16 kHz,
// Nyquist), 2048/512 reflect STFT, frames within 60 dB of the clip's loudest frame.
// *emb is malloc'd (n_frames, 64); returns the frame count (>= 1) or < 0.
#define EV_EMB_DIM 64
int ev_logmel_embed(double **emb, const float *x, int64_t n, int rate);

#endif

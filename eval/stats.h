// stats.h: paired-difference statistics for "did augmentation help?" (eval-metrics.md §6.3,
// §6.4): sign-flip permutation test on the mean, percentile bootstrap interval of the mean,
// Holm-Bonferroni adjustment. Random draws come from the caller's gd_rng (seeded, so the
// results are reproducible and independent of thread count).
#ifndef EV_STATS_H
#define EV_STATS_H

#include <stdint.h>

#include "core/rng.h"

// Two-sided p-value of the sign-flip test of mean(d) = 0. Exact (all 2^n sign patterns) when
// n <= exact_max_n (at most 24); otherwise n_resamples random flips with
// p = (1 + #{|mean*| >= |mean|}) / (1 + n_resamples).
double ev_signflip_p(const double *d, int n, int exact_max_n, int n_resamples, gd_rng *rng);

// Two-sided Wilcoxon signed-rank p-value: zero differences dropped, average ranks for ties,
// then the sign-flip test on the signed ranks (exact up to exact_max_n, which is the exact
// Wilcoxon distribution; random flips beyond). NAN when every difference is zero.
double ev_wilcoxon_p(const double *d, int n, int exact_max_n, int n_resamples, gd_rng *rng);

// Percentile bootstrap interval of mean(d) (resampling the n values with replacement,
// n_resamples times) at level conf (e.g. 0.95). Returns 0 or GD_ERR_NOMEM.
int ev_bootstrap_mean_ci(const double *d, int n, int n_resamples, double conf, gd_rng *rng,
                         double *lo, double *hi);

// Holm-Bonferroni adjusted p-values (monotone, capped at 1); NAN entries stay NAN.
void ev_holm(double *adj, const double *p, int n);

// Linear-interpolated quantile q in [0, 1] of sorted x (n > 0).
double ev_quantile_sorted(const double *x, int n, double q);

#endif

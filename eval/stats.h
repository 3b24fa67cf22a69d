// stats.h: paired-difference statistics for "did augmentation help?" (eval-metrics.md §6.3,
// §6.4): sign-flip permutation test on the mean, percentile bootstrap interval of the mean
// (plain or clustered), Holm-Bonferroni adjustment, Student t and Welch tests. Random draws
// come from the caller's gd_rng (seeded, so the results are reproducible and independent of
// thread count).
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

// The same for a clustered mean: n units with sums s[i] over w[i] clips each (w NULL: all 1);
// each resample draws n units with replacement and takes sum(s) / sum(w). With w NULL it is
// ev_bootstrap_mean_ci, draw for draw.
int ev_bootstrap_ratio_ci(const double *s, const double *w, int n, int n_resamples, double conf,
                          gd_rng *rng, double *lo, double *hi);

// Regularised incomplete beta function I_x(a, b) (a, b > 0, 0 <= x <= 1; else NAN), by its
// continued fraction (relative error ~1e-14).
double ev_beta_inc(double a, double b, double x);

// Two-sided p of Student's t: P(|T_df| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2); df > 0 need not
// be an integer. 0 for infinite t, NAN for NAN t or df <= 0.
double ev_student_t_p(double t, double df);

// Welch's unequal-variance t test of mean(b) - mean(a) (na, nb >= 2, else all NAN): t, the
// Welch-Satterthwaite df and the two-sided p. When neither sample varies the difference is
// exact: p = 1 if the means are equal, else 0 (t infinite, df NAN).
void ev_welch_t(const double *a, int na, const double *b, int nb, double *t, double *df, double *p);

// Holm-Bonferroni adjusted p-values (monotone, capped at 1); NAN entries stay NAN.
void ev_holm(double *adj, const double *p, int n);

// Linear-interpolated quantile q in [0, 1] of sorted x (n > 0).
double ev_quantile_sorted(const double *x, int n, double q);

#endif

// twolevel.h: one metric of two training recipes ("arms" A and B), each trained with one or
// more seeds and evaluated on the same clips: clips x seeds (eval/README.md, "compare").
//
// Values are y[s * n + i] for seed s and clip i, finite, oriented so that the metric's own
// direction applies (|x| already taken for signed level differences). Clips may belong to
// groups (units): the clip-level tests then resample and sign-flip whole groups. Every
// mean is clip-weighted, so with one clip per unit the results are those of a plain paired
// test on clips. Random draws come from streams seeded by (seed, key), independent of the
// thread count. Nothing here allocates memory that outlives a call.
#ifndef EV_TWOLEVEL_H
#define EV_TWOLEVEL_H

#include <stdint.h>

typedef struct {
    const double *a, *b;    // (seeds_a, n) and (seeds_b, n), row-major
    int           seeds_a, seeds_b, n;
    const int    *unit;     // n unit indices in [0, n_units), or NULL: every clip its own unit
    int           n_units;
    int           better;   // -1 lower is better, +1 higher (for the win rate)
} ev_cmp_data;

typedef struct {
    int    n, n_units, seeds_a, seeds_b;
    // grand means over clips (of the per-clip seed means); d = B - A; median over clips
    double mean_a, mean_b, mean_d, median_d;
    double sd_seed_a, sd_seed_b;   // SD (n - 1) of the per-seed clip means; NAN with 1 seed
    // clip level: per-clip seed means, paired; units sign-flipped (exact for <= 20 units) and
    // resampled (percentile bootstrap 95 %); Wilcoxon and d_z on unit means; win rate B on clips
    double p, p_wilcoxon, d_z, win, lo, hi;
    // between seeds: Welch t on the per-seed clip means; NAN unless both arms have >= 2 seeds
    double t_seed, df_seed, p_seed;
    // both: two-level bootstrap 95 % interval of mean_d (units resampled jointly for both
    // arms, seeds within each arm, seed deviations scaled by sqrt(S / (S - 1))); NAN unless
    // both arms have >= 2 seeds
    double lo2, hi2;
    double p_adj, p_seed_adj;   // left to the caller (Holm over secondary metrics); p, p_seed
} ev_cmp_stats;

// Fills r (p_adj, p_seed_adj = p, p_seed). key names the RNG streams (the metric key).
// Returns 0 or GD_ERR_NOMEM; n == 0 gives NAN statistics.
int ev_cmp_compute(ev_cmp_stats *r, const ev_cmp_data *d, int resamples, uint64_t seed,
                   const char *key);

// Verdict criteria (flags of what failed).
enum {
    EV_FAIL_CLIP = 1,       // clip test: p (adjusted when asked) >= alpha, or its CI holds 0
    EV_FAIL_SEED = 2,       // Welch p between seeds (adjusted when asked) >= alpha
    EV_FAIL_TWO_LEVEL = 4,  // the two-level interval holds 0
    EV_FAIL_ONE_SEED = 8,   // an arm has 1 seed: the seed spread is unmeasured
    EV_FAIL_NO_DATA = 16,   // no clip with values in both arms
};

// Flags of ev_cmp_decide.
enum {
    EV_CMP_ADJUSTED    = 1,   // read the Holm-adjusted p-values (p_adj, p_seed_adj)
    EV_CMP_SINGLE_SEED = 2,   // with one seed in an arm, decide on the clip test alone
};

// Decision for one metric: +1 B better, -1 A better, 0 none, with *fails the criteria that
// failed. better: -1 lower is better, +1 higher. A verdict needs the clip test, the seed test
// and the two-level interval; with one seed in an arm, the clip test alone under
// EV_CMP_SINGLE_SEED (EV_FAIL_ONE_SEED is still reported), else no verdict.
int ev_cmp_decide(const ev_cmp_stats *r, int better, double alpha, unsigned flags,
                  unsigned *fails);

#endif

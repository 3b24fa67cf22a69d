// twolevel.c: clips x seeds comparison of two arms for one metric (see twolevel.h).
#include "eval/twolevel.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_NOMEM
#include "core/rng.h"     // defines: gd_rng_*
#include "eval/stats.h"   // defines: ev_signflip_p, ev_wilcoxon_p, ev_bootstrap_ratio_ci, ev_welch_t
#include "eval/summary.h" // defines: ev_median_inplace

static int cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

// Per-seed clip means of y (S, n) into m (S); returns their SD (n - 1), NAN for S < 2.
static double seed_means(double *m, const double *y, int S, int n) {
    double mu = 0, ss = 0;
    for (int s = 0; s < S; s++) {
        double t = 0;
        for (int i = 0; i < n; i++) t += y[(int64_t)s * n + i];
        m[s] = t / n;
        mu += m[s] / S;
    }
    for (int s = 0; s < S; s++) ss += (m[s] - mu) * (m[s] - mu);
    return S > 1 ? sqrt(ss / (S - 1)) : NAN;
}

// Unit sums (S, G) of the seed-deviation-inflated values ybar_i + k (y_si - ybar_i),
// k = sqrt(S / (S - 1)): resampling S seeds from S then has the unbiased variance s^2 / S of
// the seed mean instead of (S - 1) / S of it.
static void inflated_unit_sums(double *T, const double *y, const double *ybar, int S, int n,
                               const int *unit, int G) {
    const double k = sqrt((double)S / (S - 1));
    memset(T, 0, sizeof(double) * S * G);
    for (int s = 0; s < S; s++)
        for (int i = 0; i < n; i++)
            T[(int64_t)s * G + (unit ? unit[i] : i)] += ybar[i] + k * (y[(int64_t)s * n + i] - ybar[i]);
}

// Percentile interval of the two-level bootstrap (see twolevel.h).
static int two_level_ci(ev_cmp_stats *r, const ev_cmp_data *d, const double *ma, const double *mb,
                        const double *uw, int G, int resamples, gd_rng *g) {
    const int Sa = d->seeds_a, Sb = d->seeds_b;
    double *Ta = malloc(sizeof(double) * Sa * G), *Tb = malloc(sizeof(double) * Sb * G);
    double *wa = malloc(sizeof(double) * Sa), *wb = malloc(sizeof(double) * Sb);
    double *out = malloc(sizeof(double) * resamples);
    int *pick = malloc(sizeof(int) * G), rc = 0;
    if (!Ta || !Tb || !wa || !wb || !out || !pick) { rc = GD_ERR_NOMEM; goto done; }
    inflated_unit_sums(Ta, d->a, ma, Sa, d->n, d->unit, G);
    inflated_unit_sums(Tb, d->b, mb, Sb, d->n, d->unit, G);
    for (int b = 0; b < resamples; b++) {
        for (int j = 0; j < G; j++) pick[j] = (int)gd_rng_below(g, (uint64_t)G);
        memset(wa, 0, sizeof(double) * Sa);
        memset(wb, 0, sizeof(double) * Sb);
        for (int s = 0; s < Sa; s++) wa[gd_rng_below(g, (uint64_t)Sa)] += 1.0 / Sa;
        for (int s = 0; s < Sb; s++) wb[gd_rng_below(g, (uint64_t)Sb)] += 1.0 / Sb;
        double num = 0, den = 0;
        for (int j = 0; j < G; j++) {
            const int u = pick[j];
            for (int s = 0; s < Sb; s++) num += wb[s] * Tb[(int64_t)s * G + u];
            for (int s = 0; s < Sa; s++) num -= wa[s] * Ta[(int64_t)s * G + u];
            den += uw ? uw[u] : 1.0;
        }
        out[b] = num / den;
    }
    qsort(out, resamples, sizeof(double), cmp_double);
    r->lo2 = ev_quantile_sorted(out, resamples, 0.025);
    r->hi2 = ev_quantile_sorted(out, resamples, 0.975);
done:
    free(Ta); free(Tb); free(wa); free(wb); free(out); free(pick);
    return rc;
}

int ev_cmp_compute(ev_cmp_stats *r, const ev_cmp_data *d, int resamples, uint64_t seed,
                   const char *key) {
    const int n = d->n, Sa = d->seeds_a, Sb = d->seeds_b, G = d->unit ? d->n_units : n;
    *r = (ev_cmp_stats){n, G, Sa, Sb, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN,
                        NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN};
    if (n == 0) return 0;
    double *ma = malloc(sizeof(double) * n), *mb = malloc(sizeof(double) * n);
    double *dd = malloc(sizeof(double) * n), *tmp = malloc(sizeof(double) * n);
    double *us = calloc(G, sizeof(double)), *uw = d->unit ? calloc(G, sizeof(double)) : NULL;
    double *um = malloc(sizeof(double) * G);
    double *pa = malloc(sizeof(double) * Sa), *pb = malloc(sizeof(double) * Sb);
    int rc = 0, wins = 0;
    if (!ma || !mb || !dd || !tmp || !us || (d->unit && !uw) || !um || !pa || !pb) { rc = GD_ERR_NOMEM; goto done; }
    double sa = 0, sb = 0, sd = 0;
    for (int i = 0; i < n; i++) {
        double x = 0, y = 0;
        for (int s = 0; s < Sa; s++) x += d->a[(int64_t)s * n + i];
        for (int s = 0; s < Sb; s++) y += d->b[(int64_t)s * n + i];
        ma[i] = x / Sa; mb[i] = y / Sb;
        dd[i] = mb[i] - ma[i];
        sa += ma[i]; sb += mb[i]; sd += mb[i] - ma[i];
        wins += d->better == 1 ? mb[i] > ma[i] : mb[i] < ma[i];
        if (d->unit) { us[d->unit[i]] += dd[i]; uw[d->unit[i]] += 1; }
    }
    r->mean_a = sa / n; r->mean_b = sb / n; r->mean_d = sd / n;
    r->win = (double)wins / n;
    memcpy(tmp, dd, sizeof(double) * n);
    r->median_d = ev_median_inplace(tmp, n);
    const double *units = d->unit ? us : dd;
    double mu = 0, ss = 0;
    for (int u = 0; u < G; u++) { um[u] = d->unit ? us[u] / uw[u] : dd[u]; mu += um[u]; }
    mu /= G;
    for (int u = 0; u < G; u++) ss += (um[u] - mu) * (um[u] - mu);
    if (G > 1 && ss > 0) r->d_z = mu / sqrt(ss / (G - 1));
    gd_rng g;
    gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-perm", key));
    r->p = ev_signflip_p(units, G, 20, resamples, &g);
    gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-wilcoxon", key));
    r->p_wilcoxon = ev_wilcoxon_p(um, G, 20, resamples, &g);
    gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-boot", key));
    if ((rc = ev_bootstrap_ratio_ci(units, uw, G, resamples, 0.95, &g, &r->lo, &r->hi))) goto done;
    r->sd_seed_a = seed_means(pa, d->a, Sa, n);
    r->sd_seed_b = seed_means(pb, d->b, Sb, n);
    if (Sa >= 2 && Sb >= 2) {
        ev_welch_t(pa, Sa, pb, Sb, &r->t_seed, &r->df_seed, &r->p_seed);
        gd_rng_init(&g, seed, gd_rng_stream_id("eval-compare-boot2", key));
        rc = two_level_ci(r, d, ma, mb, uw, G, resamples, &g);
    }
done:
    r->p_adj = r->p; r->p_seed_adj = r->p_seed;
    free(ma); free(mb); free(dd); free(tmp); free(us); free(uw); free(um); free(pa); free(pb);
    return rc;
}

static int excludes_zero(double lo, double hi) { return isfinite(lo) && isfinite(hi) && (lo > 0 || hi < 0); }

int ev_cmp_decide(const ev_cmp_stats *r, int better, double alpha, unsigned flags,
                  unsigned *fails) {
    const int adjusted = !!(flags & EV_CMP_ADJUSTED);
    const int allow_single_seed = !!(flags & EV_CMP_SINGLE_SEED);
    *fails = 0;
    if (r->n == 0) { *fails = EV_FAIL_NO_DATA; return 0; }
    double p = adjusted ? r->p_adj : r->p, ps = adjusted ? r->p_seed_adj : r->p_seed;
    if (!(p < alpha) || !excludes_zero(r->lo, r->hi)) *fails |= EV_FAIL_CLIP;
    const int one = r->seeds_a < 2 || r->seeds_b < 2;
    if (one) *fails |= EV_FAIL_ONE_SEED;
    else {
        if (!(ps < alpha)) *fails |= EV_FAIL_SEED;
        if (!excludes_zero(r->lo2, r->hi2)) *fails |= EV_FAIL_TWO_LEVEL;
    }
    if (*fails & (EV_FAIL_CLIP | EV_FAIL_SEED | EV_FAIL_TWO_LEVEL)) return 0;
    if (one && !allow_single_seed) return 0;
    const int b_better = better == 1 ? r->mean_d > 0 : r->mean_d < 0;
    return b_better ? 1 : -1;
}

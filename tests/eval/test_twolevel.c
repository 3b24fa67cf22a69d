// test_twolevel.c: the clips x seeds comparison behind `compare` (eval/twolevel.h): Student t
// and Welch values (mpmath oracle), grouped clips as resampling units, and the verdict rule:
// a real effect with a small seed spread gets a verdict; the same mean effect with a seed
// spread that dwarfs it does not, although the clip test alone passes.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "eval/stats.h"
#include "eval/twolevel.h"
#include "tests/test.h"

static void test_student_t(void) {
    // mpmath betainc(df/2, 1/2, 0, df/(df+t^2), regularized=True)
    CHECK_NEAR(ev_student_t_p(2.776445105, 4), 0.0500000000101195, 1e-12);
    CHECK_NEAR(ev_student_t_p(-4.30265273, 2), 0.0499999999946066, 1e-12);
    CHECK_NEAR(ev_student_t_p(12.70620474, 1), 0.0499999999850090, 1e-12);
    CHECK_NEAR(ev_student_t_p(1, 1), 0.5, 1e-14);
    CHECK_NEAR(ev_student_t_p(0.3, 7.25), 0.772596833763947, 1e-12);
    CHECK_NEAR(ev_student_t_p(25, 3.3), 7.07171451048547e-5, 1e-15);
    CHECK_NEAR(ev_student_t_p(1.959963985, 1e6), 0.0500002772414584, 1e-10);
    CHECK(ev_student_t_p(INFINITY, 3) == 0);
    CHECK(isnan(ev_student_t_p(1, 0)));
}

static void test_welch(void) {
    double a[3] = {1, 2, 3}, b[3] = {4, 5, 7}, t, df, p;
    ev_welch_t(a, 3, b, 3, &t, &df, &p);
    CHECK_NEAR(t, 3.1622776601683795, 1e-12);
    CHECK_NEAR(df, 3.4482758620689653, 1e-12);
    CHECK_NEAR(p, 0.0419145174714540, 1e-12);
    ev_welch_t(a, 1, b, 3, &t, &df, &p);   // one value: no spread to measure
    CHECK(isnan(p));
    double c[3] = {2, 2, 2}, e[3] = {3, 3, 3};
    ev_welch_t(c, 3, e, 3, &t, &df, &p);   // neither varies: the difference is exact
    CHECK(p == 0);
    ev_welch_t(c, 3, c, 3, &t, &df, &p);
    CHECK(p == 1);
}

// Arm values (S, n): clip effect + seed offset[s] + effect + small clip x seed noise.
static void make_arm(double *y, int S, int n, const double *offset, double effect, gd_rng *g) {
    for (int s = 0; s < S; s++)
        for (int i = 0; i < n; i++)
            y[s * n + i] = 10 + 0.5 * (i % 7) + offset[s] + effect + 0.05 * gd_rng_normal(g);
}

static int decide(const double *a, const double *b, int n, ev_cmp_stats *r, unsigned *fails) {
    ev_cmp_data d = {a, b, 3, 3, n, NULL, 0, -1};
    CHECK(ev_cmp_compute(r, &d, 9999, 0, "rave_mss") == 0);
    return ev_cmp_decide(r, -1, 0.05, 0, fails);
}

static void test_seed_spread_decides(void) {
    enum { N = 30 };
    double a[3 * N], b[3 * N];
    gd_rng g;
    ev_cmp_stats r;
    unsigned fails;
    // B lower (better) by 0.5 on every clip; seed offsets 0.05 apart
    const double small_a[3] = {-0.05, 0.0, 0.05}, small_b[3] = {0.04, -0.05, 0.01};
    gd_rng_init(&g, 1, 1);
    make_arm(a, 3, N, small_a, 0, &g);
    make_arm(b, 3, N, small_b, -0.5, &g);
    CHECK(decide(a, b, N, &r, &fails) == 1);
    CHECK(fails == 0);
    CHECK_NEAR(r.mean_d, -0.5, 0.05);
    CHECK(r.p_seed < 0.01 && r.hi2 < 0);
    double effect_small = r.mean_d;
    // the same offsets scaled 20x: seed SD ~1, twice the effect; same mean effect
    const double big_a[3] = {-1.0, 0.0, 1.0}, big_b[3] = {0.8, -1.0, 0.2};
    gd_rng_init(&g, 1, 1);
    make_arm(a, 3, N, big_a, 0, &g);
    make_arm(b, 3, N, big_b, -0.5, &g);
    CHECK(decide(a, b, N, &r, &fails) == 0);
    CHECK_NEAR(r.mean_d, effect_small, 1e-9);   // offsets sum to the same per arm
    CHECK(!(fails & EV_FAIL_CLIP));             // the clip test alone would say "B better"
    CHECK(r.p < 0.001 && r.hi < 0);
    CHECK(fails & EV_FAIL_SEED);                // ... the seeds say otherwise
    CHECK(fails & EV_FAIL_TWO_LEVEL);
    CHECK(r.lo2 < 0 && r.hi2 > 0);
    CHECK_NEAR(r.sd_seed_a, 1.0, 0.02);
    CHECK_NEAR(r.sd_seed_b, sqrt((0.8 * 0.8 + 1 + 0.2 * 0.2) / 2), 0.02);
}

static void test_single_seed(void) {
    enum { N = 12 };
    double a[N], b[N];
    for (int i = 0; i < N; i++) { a[i] = 1 + 0.1 * i; b[i] = a[i] - 0.3 - 0.01 * (i % 3); }
    ev_cmp_data d = {a, b, 1, 1, N, NULL, 0, -1};
    ev_cmp_stats r;
    unsigned fails;
    CHECK(ev_cmp_compute(&r, &d, 999, 0, "rave_mss") == 0);
    CHECK(isnan(r.sd_seed_a) && isnan(r.p_seed) && isnan(r.lo2));
    CHECK(ev_cmp_decide(&r, -1, 0.05, 0, &fails) == 0);
    CHECK(fails == EV_FAIL_ONE_SEED);   // the clip test passed; only the unmeasured spread stops it
    CHECK(ev_cmp_decide(&r, -1, 0.05, EV_CMP_SINGLE_SEED, &fails) == 1);
    CHECK(fails == EV_FAIL_ONE_SEED);
}

static void test_groups_are_units(void) {
    // 6 groups of 5 identical clips, B better on every one: as 30 clips the exact sign-flip
    // p would be 2^-29; as 6 groups it is 2 / 64
    enum { N = 30 };
    double a[N], b[N];
    int unit[N];
    for (int i = 0; i < N; i++) { unit[i] = i / 5; a[i] = 1 + unit[i]; b[i] = a[i] - 0.2 - 0.01 * unit[i]; }
    ev_cmp_data d = {a, b, 1, 1, N, unit, 6, -1};
    ev_cmp_stats r;
    CHECK(ev_cmp_compute(&r, &d, 999, 0, "rave_mss") == 0);
    CHECK(r.n == 30 && r.n_units == 6);
    CHECK_NEAR(r.p, 0.03125, 1e-15);
    CHECK_NEAR(r.mean_d, -0.225, 1e-12);
    d.unit = NULL;
    CHECK(ev_cmp_compute(&r, &d, 999, 0, "rave_mss") == 0);
    CHECK(r.p <= 1.0 / 1000 + 1e-12);   // random flips: 1 / (1 + 999)
    // unequal group sizes: the interval is of the clip-weighted mean
    int u2[N];
    for (int i = 0; i < N; i++) { u2[i] = i < 25 ? 0 : 1 + (i - 25); b[i] = a[i] - (i < 25 ? 1.0 : 0.0); }
    ev_cmp_data d2 = {a, b, 1, 1, N, u2, 6, -1};
    CHECK(ev_cmp_compute(&r, &d2, 999, 0, "rave_mss") == 0);
    CHECK_NEAR(r.mean_d, -25.0 / 30, 1e-12);
    CHECK(r.lo <= -25.0 / 30 + 1e-12 && r.hi >= -25.0 / 30 - 1e-12);
}

int main(void) {
    RUN(test_student_t);
    RUN(test_welch);
    RUN(test_seed_spread_decides);
    RUN(test_single_seed);
    RUN(test_groups_are_units);
    return TEST_REPORT();
}

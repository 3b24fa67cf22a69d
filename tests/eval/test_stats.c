// test_stats.c: paired tests (V17 and a scipy oracle), bootstrap interval, Holm adjustment,
// and the JSON-lines reader used by compare.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "eval/jsonl.h"
#include "eval/stats.h"
#include "tests/test.h"

static void test_signflip_exact_v17(void) {
    double d5[5] = {1, 2, 3, 4, 5}, d6[6] = {1, 2, 3, 4, 5, 6};
    CHECK_NEAR(ev_signflip_p(d5, 5, 20, 0, NULL), 0.0625, 1e-15);
    CHECK_NEAR(ev_signflip_p(d6, 6, 20, 0, NULL), 0.03125, 1e-15);
    double z[4] = {0, 0, 0, 0};
    CHECK_NEAR(ev_signflip_p(z, 4, 20, 0, NULL), 1.0, 0);
}

static void test_signflip_scipy(void) {
    // scipy.stats.permutation_test(..., permutation_type='samples', n_resamples=inf):
    // 0.099609375 (tests/ref/eval_oracle.txt, signflip_d10_p)
    double d[10] = {0.3, -0.1, 0.5, 0.2, -0.4, 0.6, 0.1, 0.25, -0.05, 0.45};
    CHECK_NEAR(ev_signflip_p(d, 10, 20, 0, NULL), 0.099609375, 1e-12);
    // random flips approximate the exact value
    gd_rng r;
    gd_rng_init(&r, 1, 1);
    CHECK_NEAR(ev_signflip_p(d, 10, 0, 99999, &r), 0.099609375, 0.005);
}

static void test_signflip_random(void) {
    gd_rng g, r;
    gd_rng_init(&g, 42, 7);
    double shifted[40], null_d[40];
    for (int i = 0; i < 40; i++) { shifted[i] = 1.0 + gd_rng_normal(&g); null_d[i] = gd_rng_normal(&g); }
    gd_rng_init(&r, 0, 1);
    double p1 = ev_signflip_p(shifted, 40, 20, 9999, &r);
    CHECK(p1 <= 1.0 / 10000 + 1e-12);   // nothing as extreme: p = 1 / (1 + B)
    gd_rng_init(&r, 0, 1);
    double p2 = ev_signflip_p(null_d, 40, 20, 9999, &r);
    CHECK(p2 > 0.05);
}

static void test_wilcoxon(void) {
    double d5[5] = {1, 2, 3, 4, 5};
    CHECK_NEAR(ev_wilcoxon_p(d5, 5, 20, 0, NULL), 0.0625, 1e-15);   // V17
    // scipy.stats.wilcoxon(..., mode='exact'): 0.10546875 (tests/ref/eval_oracle.txt)
    double w[10] = {0.3, -0.15, 0.5, 0.2, -0.4, 0.6, 0.1, 0.25, -0.05, 0.45};
    CHECK_NEAR(ev_wilcoxon_p(w, 10, 20, 0, NULL), 0.10546875, 1e-12);
    double z[3] = {0, 0, 0};
    CHECK(isnan(ev_wilcoxon_p(z, 3, 20, 0, NULL)));
}

static void test_bootstrap(void) {
    double c[8] = {2, 2, 2, 2, 2, 2, 2, 2}, lo, hi;
    gd_rng r;
    gd_rng_init(&r, 0, 3);
    CHECK(ev_bootstrap_mean_ci(c, 8, 9999, 0.95, &r, &lo, &hi) == 0);
    CHECK_NEAR(lo, 2, 0); CHECK_NEAR(hi, 2, 0);
    // n = 400 draws of N(1, 1): the interval is about mean +- 1.96 / 20
    gd_rng g;
    gd_rng_init(&g, 5, 5);
    double *x = malloc(sizeof(double) * 400), mean = 0;
    for (int i = 0; i < 400; i++) { x[i] = 1 + gd_rng_normal(&g); mean += x[i] / 400; }
    gd_rng_init(&r, 0, 3);
    CHECK(ev_bootstrap_mean_ci(x, 400, 9999, 0.95, &r, &lo, &hi) == 0);
    CHECK(lo < mean && mean < hi);
    CHECK_NEAR(hi - lo, 2 * 1.96 / 20, 0.03);
    // same seed, same interval
    double lo2, hi2;
    gd_rng_init(&r, 0, 3);
    ev_bootstrap_mean_ci(x, 400, 9999, 0.95, &r, &lo2, &hi2);
    CHECK(lo == lo2 && hi == hi2);
    free(x);
}

static void test_holm(void) {
    double p[4] = {0.01, 0.04, 0.03, NAN}, adj[4];
    ev_holm(adj, p, 4);
    CHECK_NEAR(adj[0], 0.03, 1e-12);   // 3 * 0.01
    CHECK_NEAR(adj[2], 0.06, 1e-12);   // 2 * 0.03
    CHECK_NEAR(adj[1], 0.06, 1e-12);   // max(1 * 0.04, 0.06)
    CHECK(isnan(adj[3]));
}

static void test_jsonl(void) {
    ev_jobj o;
    const char *s = "{\"clip\":\"a \\\"b\\\".wav\",\"x\":1.5e-3,\"y\":null,\"z\":{\"q\":[1,{\"r\":2}]},"
                    "\"w\":-2,\"t\":true}";
    CHECK(ev_jobj_parse(&o, s) == 0);
    const ev_jmember *m = ev_jobj_get(&o, "clip");
    CHECK(m && m->str && !strcmp(m->str, "a \"b\".wav"));
    CHECK(ev_jobj_get(&o, "x") && fabs(ev_jobj_get(&o, "x")->num - 1.5e-3) < 1e-15);
    CHECK(ev_jobj_get(&o, "y") && ev_jobj_get(&o, "y")->is_null);
    CHECK(ev_jobj_get(&o, "w") && ev_jobj_get(&o, "w")->num == -2);
    CHECK(ev_jobj_get(&o, "t") && ev_jobj_get(&o, "t")->num == 1);
    ev_jobj_free(&o);
    CHECK(ev_jobj_parse(&o, "{\"a\":") != 0);
    CHECK(ev_jobj_parse(&o, "[1,2]") != 0);
}

int main(void) {
    RUN(test_signflip_exact_v17);
    RUN(test_signflip_scipy);
    RUN(test_signflip_random);
    RUN(test_wilcoxon);
    RUN(test_bootstrap);
    RUN(test_holm);
    RUN(test_jsonl);
    return TEST_REPORT();
}

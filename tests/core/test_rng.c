// test_rng.c: Philox known answers, reproducibility per (seed, stream), order independence,
// distribution moments.
#include "../test.h"
#include "core/rng.h"

static void test_philox_known_answers(void) {
    // Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors).
    uint32_t out[4];
    const uint32_t c0[4] = {0, 0, 0, 0}, k0[2] = {0, 0};
    gd_philox4x32(out, c0, k0);
    CHECK(out[0] == 0x6627e8d5u && out[1] == 0xe169c58du && out[2] == 0xbc57ac4cu &&
          out[3] == 0x9b00dbd8u);
    const uint32_t c1[4] = {~0u, ~0u, ~0u, ~0u}, k1[2] = {~0u, ~0u};
    gd_philox4x32(out, c1, k1);
    CHECK(out[0] == 0x408f276du && out[1] == 0x41c83b0eu && out[2] == 0xa20bc7c6u &&
          out[3] == 0x6d5451fdu);
    const uint32_t c2[4] = {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u};
    const uint32_t k2[2] = {0xa4093822u, 0x299f31d0u};
    gd_philox4x32(out, c2, k2);
    CHECK(out[0] == 0xd16cfe09u && out[1] == 0x94fdccebu && out[2] == 0x5001e420u &&
          out[3] == 0x24126ea1u);
}

static void test_reproducible_and_order_independent(void) {
    gd_rng a, b, c;
    double xa[100], xb[100];
    gd_rng_init(&a, 11, 1);
    gd_rng_init(&b, 11, 2);
    for (int i = 0; i < 100; i++) { xa[i] = gd_rng_uniform(&a); xb[i] = gd_rng_normal(&b); }
    // Draw the same streams again, interleaved the other way round.
    gd_rng_init(&b, 11, 2);
    gd_rng_init(&a, 11, 1);
    int same = 1;
    for (int i = 0; i < 100; i++) {
        same &= gd_rng_normal(&b) == xb[i];
        same &= gd_rng_uniform(&a) == xa[i];
    }
    CHECK(same);
    gd_rng_init(&c, 12, 1);
    CHECK(gd_rng_uniform(&c) != xa[0]);
    CHECK(gd_rng_stream_id("augment", "x#1") == gd_rng_stream_id("augment", "x#1"));
    CHECK(gd_rng_stream_id("augment", "x#1") != gd_rng_stream_id("augment", "x#2"));
    CHECK(gd_rng_stream_id("ab", "c") != gd_rng_stream_id("a", "bc"));
}

static void test_moments(void) {
    gd_rng r;
    gd_rng_init(&r, 1, 99);
    int n = 200000;
    double su = 0, su2 = 0, sn = 0, sn2 = 0, mn = 1, mx = 0;
    for (int i = 0; i < n; i++) {
        double u = gd_rng_uniform(&r), z = gd_rng_normal(&r);
        su += u; su2 += u * u; sn += z; sn2 += z * z;
        mn = fmin(mn, u); mx = fmax(mx, u);
    }
    CHECK_NEAR(su / n, 0.5, 0.005);
    CHECK_NEAR(su2 / n - (su / n) * (su / n), 1.0 / 12, 0.002);
    CHECK_NEAR(sn / n, 0.0, 0.01);
    CHECK_NEAR(sn2 / n, 1.0, 0.01);
    CHECK(mn >= 0 && mx < 1);
}

static void test_choice_and_below(void) {
    gd_rng r;
    gd_rng_init(&r, 2, 3);
    double w[4] = {1, 0, 3, 6};
    int count[4] = {0};
    int n = 100000;
    for (int i = 0; i < n; i++) count[gd_rng_choice(&r, w, 4)]++;
    CHECK(count[1] == 0);
    CHECK_NEAR(count[0] / (double)n, 0.1, 0.01);
    CHECK_NEAR(count[3] / (double)n, 0.6, 0.01);
    int hist[7] = {0};
    for (int i = 0; i < 70000; i++) hist[gd_rng_below(&r, 7)]++;
    for (int k = 0; k < 7; k++) CHECK_NEAR(hist[k], 10000, 400);
}

// The bulk generator returns exactly the words gd_rng_u32 would, from any position.
static void test_fill_matches_u32(void) {
    static uint32_t bulk[1000];
    gd_rng a, b;
    gd_rng_init(&a, 0x123456789abcdefULL, 77);
    gd_rng_init(&b, 0x123456789abcdefULL, 77);
    int same = 1;
    for (int round = 0; round < 3; round++) {
        (void)gd_rng_u32(&a);   // leave a partly used block behind
        (void)gd_rng_u32(&b);
        size_t n = round == 0 ? 3 : round == 1 ? 999 : 64;
        gd_rng_fill_u32(&a, bulk, n);
        for (size_t i = 0; i < n; i++) same &= bulk[i] == gd_rng_u32(&b);
    }
    same &= gd_rng_u32(&a) == gd_rng_u32(&b);
    CHECK(same);
}

int main(void) {
    RUN(test_fill_matches_u32);
    RUN(test_philox_known_answers);
    RUN(test_reproducible_and_order_independent);
    RUN(test_moments);
    RUN(test_choice_and_below);
    return TEST_REPORT();
}

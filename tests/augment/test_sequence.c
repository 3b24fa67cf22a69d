// test_sequence.c: loops from hits: onsets land on the grid (with swing), round robin cycles
// through an instrument's hits, length covers min_len in whole bars, same seed same loop.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/sequence.h"
#include "tests/test.h"

#define RATE 44100

static void test_grid_swing_round_robin(void) {
    // three "hits" of instrument 0 with distinct DC levels (so each placement is identifiable)
    // and one of instrument 1; 10-sample rectangles
    float h[4][10];
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < 10; i++) h[k][i] = 0.1f * (k + 1);
    aug_seq_hit hits[4] = {{h[0], 10, 0}, {h[1], 10, 0}, {h[2], 10, 0}, {h[3], 10, 1}};
    aug_seq_opts o = aug_seq_defaults();
    o.tempo = 120;          // step = 0.125 s = 5512.5 samples
    o.swing = 0.2;
    o.jitter_ms = 0;
    o.vel_sd_db = 0;
    o.min_len_s = 3;        // bar = 2 s: two bars
    o.pattern = "XXXX............/....X...........";
    gd_rng r;
    gd_rng_init(&r, 1, 1);
    float *y;
    int64_t n;
    char *desc;
    CHECK(aug_sequence(&y, &n, &desc, hits, 4, 2, RATE, &o, &r) == 0);
    CHECK(n >= 3 * RATE);
    CHECK(n >= 4 * RATE - 10);   // two whole bars
    CHECK(strstr(desc, "tempo=120") && strstr(desc, "bars=2"));
    // steps 0..3 of each bar: odd steps delayed by 0.2 step; rectangles of instrument 0
    float seen[8];
    int ns = 0;
    for (int bar = 0; bar < 2; bar++)
        for (int s = 0; s < 4; s++) {
            double t = (bar * 16 + s) * 0.125 + (s % 2 ? 0.2 * 0.125 : 0);
            int64_t at = llround(t * RATE);
            CHECK(y[at] != 0 && y[at + 9] != 0);
            CHECK(at == 0 || y[at - 1] == 0);
            if (ns < 8) seen[ns++] = y[at + 5];
        }
    // round robin: consecutive placements of instrument 0 take different hits, cycling by 3
    for (int i = 0; i + 1 < ns; i++) CHECK(fabsf(seen[i] - seen[i + 1]) > 0.01f);
    for (int i = 0; i + 3 < ns; i++) CHECK_NEAR(seen[i], seen[i + 3], 1e-6);
    // lane 2 plays instrument 1 (level 0.4) at step 4, accent: velocity 1, no shelf
    int64_t at = llround(4 * 0.125 * RATE);
    CHECK_NEAR(y[at + 5], 0.4, 1e-3);
    free(y);
    free(desc);
}

static void test_deterministic_random_pattern(void) {
    float h[2][300];
    for (int i = 0; i < 300; i++) { h[0][i] = (float)sin(i * 0.1) * expf(-i / 50.0f); h[1][i] = -h[0][i]; }
    aug_seq_hit hits[2] = {{h[0], 300, 0}, {h[1], 300, 1}};
    aug_seq_opts o = aug_seq_defaults();
    float *y1, *y2, *y3;
    int64_t n1, n2, n3;
    char *d1, *d2, *d3;
    gd_rng r;
    gd_rng_init(&r, 42, 7);
    CHECK(aug_sequence(&y1, &n1, &d1, hits, 2, 2, RATE, &o, &r) == 0);
    gd_rng_init(&r, 42, 7);
    CHECK(aug_sequence(&y2, &n2, &d2, hits, 2, 2, RATE, &o, &r) == 0);
    gd_rng_init(&r, 43, 7);
    CHECK(aug_sequence(&y3, &n3, &d3, hits, 2, 2, RATE, &o, &r) == 0);
    CHECK(n1 == n2 && !memcmp(y1, y2, n1 * sizeof(float)) && !strcmp(d1, d2));
    CHECK(strcmp(d1, d3) != 0);
    CHECK(n1 >= 6 * RATE);   // default minimum length 6 s
    free(y1); free(y2); free(y3); free(d1); free(d2); free(d3);
    // bad pattern character
    o.pattern = "x.x?";
    CHECK(aug_sequence(&y1, &n1, &d1, hits, 2, 2, RATE, &o, &r) != 0);
}

int main(void) {
    RUN(test_grid_swing_round_robin);
    RUN(test_deterministic_random_pattern);
    return TEST_REPORT();
}

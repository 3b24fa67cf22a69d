// test_attribute.c: the k-nearest-neighbour label shares and their permutation floor
// (train/attribute.h) on hand-made latent banks whose answers are known.
#include <stdlib.h>
#include <string.h>

#include "tests/test.h"
#include "train/attribute.h"

// Bank on a line (L = 1): frames at 0, 1, 2, 3 (clip 0) and 10, 11, 12, 13 (clip 1).
static const float bank_z[8] = {0, 1, 2, 3, 10, 11, 12, 13};
static const int bank_clip[8] = {0, 0, 0, 0, 1, 1, 1, 1};

static void test_neighbours_nearest_first_ties_to_lower_index(void) {
    rv_attr_bank b = {bank_z, bank_clip, 8, 1};
    float q[2] = {1.5f, 11.9f};
    int nb[6];
    CHECK(rv_attr_neighbours(nb, &b, q, 2, 3) == 0);
    // 1.5: 1 and 2 tie at 0.5 (lower index first), then 0 and 3 tie at 1.5 (index 0 wins)
    CHECK(nb[0] == 1 && nb[1] == 2 && nb[2] == 0);
    CHECK(nb[3] == 6 && nb[4] == 5 && nb[5] == 7);
}

static void test_shares_and_energy_weighting(void) {
    rv_attr_bank b = {bank_z, bank_clip, 8, 1};
    int label[2] = {1, 0};   // clip 0 -> label 1, clip 1 -> label 0
    // frame 0 in clip 0's region; frame 1 between (neighbours 3 from clip 0, 10, 11 from clip 1)
    float q[2] = {1.0f, 6.6f};
    int nb[6];
    double sh[4], sum[2], e[2] = {1.0, 3.0};
    CHECK(rv_attr_neighbours(nb, &b, q, 2, 3) == 0);
    rv_attr_frame_shares(sh, nb, 2, 3, &b, label, 2);
    CHECK_NEAR(sh[0], 0.0, 1e-12); CHECK_NEAR(sh[1], 1.0, 1e-12);
    CHECK_NEAR(sh[2], 2.0 / 3, 1e-12); CHECK_NEAR(sh[3], 1.0 / 3, 1e-12);
    rv_attr_summary(sum, nb, e, 2, 3, &b, label, 2);
    CHECK_NEAR(sum[0], (1 * 0.0 + 3 * 2.0 / 3) / 4, 1e-12);
    CHECK_NEAR(sum[1], (1 * 1.0 + 3 * 1.0 / 3) / 4, 1e-12);
}

// 20 clips of one frame each on a line, labels 0 for clips 0-9 and 1 for 10-19; a query at
// clip 0 with k = 4 is 100 % label 0. Shuffled among clips, label 0's share has mean about
// 0.5, and the seed alone decides the result.
static void test_floor_of_permuted_labels(void) {
    float z[20];
    int clip[20], label[20];
    for (int i = 0; i < 20; i++) { z[i] = (float)i; clip[i] = i; label[i] = i >= 10; }
    rv_attr_bank b = {z, clip, 20, 1};
    float q[1] = {0.0f};
    int nb[4];
    double e[1] = {1.0}, sum[2], mean[2], p95[2], mean2[2], p952[2];
    CHECK(rv_attr_neighbours(nb, &b, q, 1, 4) == 0);
    rv_attr_summary(sum, nb, e, 1, 4, &b, label, 2);
    CHECK_NEAR(sum[0], 1.0, 1e-12);
    CHECK(rv_attr_floor(mean, p95, nb, e, 1, 4, &b, label, 20, 2, 2000, 7) == 0);
    CHECK_NEAR(mean[0], 0.5, 0.03);
    CHECK_NEAR(mean[0] + mean[1], 1.0, 1e-9);
    // P(all 4 neighbours' clips labelled 0) = C(10,4)/C(20,4) = 0.043 < 5 %: p95 is 0.75
    CHECK_NEAR(p95[0], 0.75, 1e-12);
    CHECK(sum[0] > p95[0]);
    CHECK(rv_attr_floor(mean2, p952, nb, e, 1, 4, &b, label, 20, 2, 2000, 7) == 0);
    CHECK(!memcmp(mean, mean2, sizeof(mean)) && !memcmp(p95, p952, sizeof(p95)));
}

int main(void) {
    RUN(test_neighbours_nearest_first_ties_to_lower_index);
    RUN(test_shares_and_energy_weighting);
    RUN(test_floor_of_permuted_labels);
    return TEST_REPORT();
}

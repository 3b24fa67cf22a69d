// test_cluster.c: k-medoids over fitted hits (synth/cluster.h) on made-up fits: separated
// groups are recovered, every stroke keeps at least its own hit, the result does not depend
// on anything but the input.
#include <string.h>

#include "synth/cluster.h"
#include "tests/test.h"

enum { N = 40 };

static syn_mode modes[N][2];
static syn_fit_result fits[N];
static const syn_fit_result *ptr[N];

// Hit i: kind i % 3 (two modes near 180/620/1500 Hz, decays 0.25/0.15/0.08 s), detuned and
// damped a little by i.
static void make_fits(void) {
    static const double f0[3] = {180, 620, 1500}, t0[3] = {0.25, 0.15, 0.08};
    for (int i = 0; i < N; i++) {
        int kind = i % 3;
        double detune = 1 + 0.01 * ((i * 7) % 5 - 2), damp = 1 + 0.05 * ((i * 3) % 4);
        modes[i][0] = (syn_mode){f0[kind] * detune, t0[kind] * damp, 1.0, 0};
        modes[i][1] = (syn_mode){1.6 * f0[kind] * detune, 0.7 * t0[kind] * damp, 0.5, 0};
        memset(&fits[i], 0, sizeof(fits[i]));
        fits[i].modes = modes[i];
        fits[i].n_modes = 2;
        fits[i].glide = 0.01 * kind;
        fits[i].noise_level = 0.1;
        fits[i].noise_hz = 3000;
        fits[i].noise_s = 0.005;
        ptr[i] = &fits[i];
    }
}

static void test_three_kinds_give_three_clusters(void) {
    make_fits();
    int med[3], cl[N];
    CHECK(syn_cluster_fits(ptr, N, 3, med, cl) == 3);
    CHECK(med[0] < med[1] && med[1] < med[2]);
    int kind_of[3];
    for (int m = 0; m < 3; m++) kind_of[m] = med[m] % 3;
    CHECK(kind_of[0] != kind_of[1] && kind_of[1] != kind_of[2] && kind_of[0] != kind_of[2]);
    for (int i = 0; i < N; i++) CHECK(kind_of[cl[i]] == i % 3);
}

static void test_every_stroke_keeps_its_hit_and_runs_repeat(void) {
    make_fits();
    for (int i = 20; i < N; i++) { modes[i][0] = modes[i - 20][0]; modes[i][1] = modes[i - 20][1]; fits[i] = fits[i - 20]; fits[i].modes = modes[i]; }
    int med[32], cl[N], med2[32], cl2[N], size[32] = {0};
    CHECK(syn_cluster_fits(ptr, N, 32, med, cl) == 32);   // only 20 distinct hits
    for (int i = 0; i < N; i++) size[cl[i]]++;
    for (int m = 0; m < 32; m++) CHECK(cl[med[m]] == m && size[m] >= 1);
    CHECK(syn_cluster_fits(ptr, N, 32, med2, cl2) == 32);
    CHECK(!memcmp(med, med2, sizeof(med)) && !memcmp(cl, cl2, sizeof(cl)));
}

static void test_k_at_least_n_keeps_every_hit(void) {
    make_fits();
    int med[N], cl[5];
    CHECK(syn_cluster_fits(ptr, 5, 32, med, cl) == 5);
    for (int i = 0; i < 5; i++) CHECK(med[i] == i && cl[i] == i);
}

int main(void) {
    RUN(test_three_kinds_give_three_clusters);
    RUN(test_every_stroke_keeps_its_hit_and_runs_repeat);
    RUN(test_k_at_least_n_keeps_every_hit);
    return TEST_REPORT();
}

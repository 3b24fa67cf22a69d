// test_loudness.c: BS.1770-4 compliance signals (EBU Tech 3341 / ITU-R BS.2217 style, and
// eval-metrics.md §9 V9) through ev_loudness with the padding gendang-eval pair uses (0.4 s),
// plus the one-shot rule: a clip shorter than one 400 ms block is measured as that block.
// Expected values are BS.1770-4's (checked against an independent implementation of the
// 48 kHz filter and gating): a 0 dBFS sine reads -3.0103 LUFS mono; a stereo file with the
// sine in both channels reads +3.0103 LU more (the channel sum).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/metrics.h"
#include "tests/test.h"

#define PAIR_PAD 0.4  // eval/pair.c's and descriptors.c's pad_s

// Planar (channels, n) buffer: a sine of `dbfs` peak at f Hz for `on` frames, then silence.
static float *tone(int channels, int64_t n, int64_t on, double f, double dbfs, int rate) {
    float *x = calloc((size_t)(channels * n), sizeof(float));
    double g = pow(10.0, dbfs / 20.0);
    for (int64_t i = 0; i < on && i < n; i++) {
        float v = (float)(g * sin(2 * M_PI * f * (double)i / rate));
        for (int c = 0; c < channels; c++) x[c * n + i] = v;
    }
    return x;
}

static void measure(int channels, int64_t n, int64_t on, double f, double dbfs, int rate,
                    double pad, ev_val *li, ev_val *lm) {
    float *x = tone(channels, n, on, f, dbfs, rate);
    ev_loudness(x, channels, n, rate, pad, li, lm);
    free(x);
}

// 20 s steady 997 Hz sines at 0 and -20 dBFS, mono and stereo, at 48 and 44.1 kHz: the
// integrated and max momentary readings are the steady level (before: the appended silence
// added part-silent blocks above the gates, -3.0402 instead of -3.0103). libebur128 designs
// the K filter per rate; at 44.1 kHz it reads 997 Hz 0.0028 LU high, inside EBU's 0.1 LU.
static void test_steady_sines(void) {
    const int rates[2] = {48000, 44100};
    for (int r = 0; r < 2; r++)
        for (int ch = 1; ch <= 2; ch++)
            for (int lvl = 0; lvl >= -20; lvl -= 20) {
                int64_t n = 20 * (int64_t)rates[r];
                ev_val li, lm;
                measure(ch, n, n, 997.0, lvl, rates[r], PAIR_PAD, &li, &lm);
                double want = lvl - 10 * log10(2.0) + 10 * log10((double)ch);
                CHECK(li.why == NULL && lm.why == NULL);
                double tol = rates[r] == 48000 ? 1e-3 : 5e-3;
                CHECK_NEAR(li.v, want, tol);
                CHECK_NEAR(lm.v, want, tol + 2e-3);
                ev_val l0, m0;  // no appended silence: the same values
                measure(ch, n, n, 997.0, lvl, rates[r], 0.0, &l0, &m0);
                CHECK_NEAR(l0.v, li.v, 1e-9);
                CHECK_NEAR(m0.v, lm.v, 1e-9);
            }
}

// V9: a 0.2 s 1 kHz 0 dBFS burst at the start of a 1 s mono file (48 kHz).
static void test_burst_v9(void) {
    const int sr = 48000;
    ev_val li, lm;
    measure(1, sr, sr / 5, 1000.0, 0.0, sr, PAIR_PAD, &li, &lm);
    CHECK_NEAR(li.v, -7.2631, 1e-3);
    CHECK_NEAR(lm.v, -6.0140, 1e-3);
}

// One-shots: a clip shorter than one block reads as that block (clip + silence to 400 ms),
// whatever pad_s is; the value is continuous as the length passes 400 ms.
static void test_one_shots(void) {
    const int sr = 48000;
    ev_val li, lm, l4, m4;
    // the 0.2 s burst alone = the burst in a 0.4 s file = BS.1770 on that file
    measure(1, sr / 5, sr / 5, 1000.0, 0.0, sr, PAIR_PAD, &li, &lm);
    measure(1, 2 * sr / 5, sr / 5, 1000.0, 0.0, sr, 0.0, &l4, &m4);
    CHECK_NEAR(li.v, -6.0140, 1e-3);
    CHECK_NEAR(l4.v, -6.0140, 1e-3);
    CHECK_NEAR(lm.v, -6.0140, 1e-3);
    measure(1, sr / 5, sr / 5, 1000.0, 0.0, sr, 0.0, &li, &lm);
    CHECK(li.why == NULL && lm.why == NULL);
    CHECK_NEAR(li.v, -6.0140, 1e-3);
    // sines of 399 and 401 ms: one block each, both at the steady level
    for (int64_t n = sr * 399 / 1000; n <= sr * 401 / 1000; n += sr / 500) {
        measure(1, n, n, 997.0, 0.0, sr, PAIR_PAD, &li, &lm);
        CHECK_NEAR(li.v, -3.0103, 0.03);
    }
    // rates where 100 ms is not a whole number of samples: exactly one block and one short
    const int odd[2] = {11025, 22050};
    for (int r = 0; r < 2; r++) {
        int64_t block = 4 * ((odd[r] + 5) / 10);
        for (int64_t n = block - 1; n <= block; n++) {
            measure(1, n, n, 997.0, -20.0, odd[r], 0.0, &li, &lm);
            CHECK(li.why == NULL);
            CHECK_NEAR(li.v, -23.0103, 0.05);
        }
    }
    // silence stays null with a reason
    measure(1, sr / 10, 0, 1000.0, 0.0, sr, PAIR_PAD, &li, &lm);
    CHECK(li.why != NULL && isnan(li.v) && lm.why != NULL);
}

int main(void) {
    RUN(test_steady_sines);
    RUN(test_burst_v9);
    RUN(test_one_shots);
    return TEST_REPORT();
}

// test_pair_long.c: a 5-minute pair at 8 kHz gives the values of the implementation that kept
// whole-length spectrograms, envelopes and FFTs (committed below, printed with %.17g from it):
// the streamed metrics (scales.h, lsd.c, mcd.c, attack.c, decay.c) must not move at all, the
// long-signal paths of align.c (blocked correlation: the same lag) and lowshare.c (decimated,
// double precision) only at rounding level. 2.4 M samples take every long path (align and
// low-share above 2^21 points, several decay chunks, many blocks of rows).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval/eval.h"
#include "tests/test.h"

#define SR 8000
#define N (300 * SR)
#define LAG 3

// Drum-like hits every 0.37 s (a decaying 55..175 Hz partial, a noise burst) over quiet
// noise; the estimate is the reference through a one-pole low-pass, 0.8 x, LAG samples late.
static void make(float *r, float *t) {
    unsigned s = 2024u;
    const int period = (int)(0.37 * SR);
    for (int i = 0; i < N; i++) {
        int h = i / period, j = i % period;
        double f = 55.0 + 10.0 * (h % 13);
        s = s * 1664525u + 1013904223u;
        double nz = (s >> 8) / 16777216.0 - 0.5;
        r[i] = (float)(0.6 * sin(2 * M_PI * f * j / SR) * exp(-j / 900.0) + nz * (0.4 * exp(-j / 60.0) + 0.01));
    }
    double y = 0;
    for (int i = 0; i < N; i++) {
        y += 0.35 * ((i >= LAG ? r[i - LAG] : 0.0f) - y);
        t[i] = (float)(0.8 * y);
    }
}

#ifdef TEST_PRINT_EXPECTED   // how the table was made (built against the earlier library)
int main(void) {
    float *r = malloc(sizeof(float) * N), *t = malloc(sizeof(float) * N);
    make(r, t);
    ev_pair_result res;
    if (!r || !t || ev_pair_mono(&res, r, N, t, N, SR, NULL)) return 1;
    printf("    {%lld, %lld},\n", (long long)res.lag, (long long)res.n_used);
    for (int m = 0; m < EV_N_METRICS; m++)
        printf("    {\"%s\", %.17g},\n", ev_metric_key(m), res.why[m] ? NAN : res.value[m]);
    return 0;
}
#else
static const long long k_lag_used[2] = {5, 2399995};   // lag (the low-pass delays it), n_used
static const struct { const char *key; double v; } k_expected[] = {
    {"rave_mss", 6.6034909795726069},
    {"mrstft", 1.4961760911980972},
    {"mrstft_sc", 0.22426249572906609},
    {"mrstft_logmag", 1.2719135954690313},
    {"mel_l1", 3.0222076564718452},
    {"lsd_db", 10.853218357148643},
    {"lsd_db_active", 10.853218357148643},
    {"mcd_db", 69.677886723991548},
    {"si_sdr_db", 22.268776936625731},
    {"loudness_ref_lufs", -17.223892916810538},
    {"loudness_est_lufs", -19.434463466951552},
    {"loudness_diff_lu", -2.2105705501410142},
    {"momentary_max_ref_lufs", -15.269618621481175},
    {"momentary_max_est_lufs", -17.664119499250457},
    {"momentary_max_diff_lu", -2.394500877769282},
    {"onset_f_50ms", 1},
    {"onset_f_20ms", 1},
    {"onset_offset_ms", 0.31565967940808365},
    {"attack_ref_ms", 379.3015891479107},
    {"attack_est_ms", 378.95193516922797},
    {"attack_ms_err", 0.3496539786827384},
    {"envelope_l1_db", 2.1594737169516929},
    {"decay_t60_ref_s", 331.85975422916511},
    {"decay_t60_est_s", 176.39848673640503},
    {"decay_t60_err", 46.845471772815991},
    {"f0_ref_hz", 165.03595492422602},
    {"f0_est_hz", 165.03592405557126},
    {"f0_err_cents", 0.0001577507025007543},
    {"low_energy_share_ref", 0.090464124115068073},
    {"low_energy_share_est", 0.094289203409922057},
    {"low_energy_share_diff", 0.0038250792948539836},
    {"visqol_mos", NAN},   // null: longer than 90 s
};

static void test_long_pair_matches_whole_length_values(void) {
    float *r = malloc(sizeof(float) * N), *t = malloc(sizeof(float) * N);
    CHECK(r && t);
    if (!r || !t) { free(r); free(t); return; }
    make(r, t);
    ev_pair_result res;
    CHECK(ev_pair_mono(&res, r, N, t, N, SR, NULL) == 0);
    CHECK(res.lag == k_lag_used[0] && res.n_used == k_lag_used[1]);
    const int n = (int)(sizeof k_expected / sizeof k_expected[0]);
    CHECK(n == EV_N_METRICS);
    for (int i = 0; i < n && i < EV_N_METRICS; i++) {
        const int m = ev_metric_find(k_expected[i].key);
        CHECK(m >= 0);
        if (m < 0) continue;
        const double want = k_expected[i].v, got = res.why[m] ? NAN : res.value[m];
        if (isnan(want)) { CHECK(isnan(got)); continue; }
        // the decimated low-share sums round differently from the float FFT of 2^22 points
        const double tol = !strncmp(k_expected[i].key, "low_energy_share", 16) ? 1e-6 * fabs(want) + 1e-9 : 0.0;
        if (!(fabs(got - want) <= tol))
            fprintf(stderr, "  %s: %.17g, expected %.17g\n", k_expected[i].key, got, want);
        CHECK(fabs(got - want) <= tol);
    }
    free(r); free(t);
}

int main(void) {
    RUN(test_long_pair_matches_whole_length_values);
    return TEST_REPORT();
}
#endif

// test_scales.c: the shared pass over the full-window scales (eval/scales.c) gives exactly
// the values of the single-metric entry points, which compute each metric alone.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/fft.h"
#include "eval/fastlog.h"
#include "eval/metrics.h"
#include "eval/scales.h"
#include "tests/test.h"

#define SR 44100
#define N 30000

static float g_r[N], g_t[N];

// Two decaying partials plus a noise burst, twice (two onsets); the estimate detuned.
static void make(float *x, double detune, double gain) {
    unsigned s = 12345u;
    for (int i = 0; i < N; i++) {
        double v = 0;
        for (int h = 0; h < 2; h++) {
            int i0 = h * 15000, j = i - i0;
            if (j < 0) continue;
            s = s * 1664525u + 1013904223u;
            double nz = ((s >> 8) / 16777216.0 - 0.5) * exp(-j / 200.0);
            v += gain * (0.5 * sin(2 * M_PI * 180 * detune * j / SR) + 0.2 * sin(2 * M_PI * 523 * detune * j / SR)) *
                 exp(-j / 4000.0) + nz;
        }
        x[i] = (float)v;
    }
}

// RAVE's distance straight from whole cached spectrograms (the pre-pass implementation).
static double rave_from_cache(ev_sig *sr, ev_sig *st) {
    static const int scales[5] = {2048, 1024, 512, 256, 128};
    float tmp[1025];
    double total = 0;
    for (int s = 0; s < 5; s++) {
        ev_stft_cfg cfg = {scales[s], scales[s] / 4, scales[s], EV_PAD_REFLECT};
        const ev_spec *r = ev_sig_spec(sr, &cfg), *t = ev_sig_spec(st, &cfg);
        double num = 0, den = 0, lg = 0;
        for (int64_t f = 0; f < r->n_frames; f++) {
            const float *rr = r->mag + f * r->n_bins, *tt = t->mag + f * r->n_bins;
            ev_row_sqdiff(rr, tt, r->n_bins, 0.0f, &num, &den);
            lg += ev_sum_abs_logratio(rr, tt, r->n_bins, 0.0f, (float)1e-7, tmp);
        }
        total += num / den + lg / (double)(r->n_frames * r->n_bins);
    }
    return total;
}

static void test_pass_equals_single(void) {
    ev_sig sr, st;
    ev_sig_init(&sr, g_r, N);
    ev_sig_init(&st, g_t, N);
    ev_stft_cfg cfg = {512, 128, 512, EV_PAD_REFLECT};
    int64_t T = ev_stft_frames(&cfg, N);
    double *flux = malloc(sizeof(double) * 2 * T);
    ev_scales sc;
    memset(&sc, 0, sizeof sc);
    sc.rave = sc.mel = 1; sc.rate = SR; sc.flux_ref = flux; sc.flux_est = flux + T;
    CHECK(ev_scales_run(&sc, &sr, &st) == 0);
    ev_val a = ev_rave_mss_scales(&sc), b = ev_mel_l1_scales(&sr, &st, SR, &sc);
    double on1[64], on2[64], on3[64], on4[64];
    int n1 = ev_onsets_flux(flux, T, SR, on1, 64), n2 = ev_onsets_flux(flux + T, T, SR, on2, 64);
    ev_sig_free(&sr); ev_sig_free(&st);   // the single-metric functions from fresh caches
    ev_sig_init(&sr, g_r, N);
    ev_sig_init(&st, g_t, N);
    ev_val a1 = ev_rave_mss(&sr, &st), b1 = ev_mel_l1(&sr, &st, SR);
    int n3 = ev_onsets(&sr, SR, on3, 64), n4 = ev_onsets(&st, SR, on4, 64);
    CHECK(!a.why && !b.why && a.v > 0 && b.v > 0);
    CHECK(a.v == a1.v);   // bit-identical
    CHECK(a.v == rave_from_cache(&sr, &st));
    CHECK(b.v == b1.v);
    CHECK(n1 == 2 && n1 == n3 && n2 == n4);
    for (int i = 0; i < n1 && i < n3; i++) CHECK(on1[i] == on3[i]);
    for (int i = 0; i < n2 && i < n4; i++) CHECK(on2[i] == on4[i]);
    ev_sig_free(&sr); ev_sig_free(&st);
    free(flux);
}

static void test_silent_reference(void) {
    static float z[4000];
    ev_sig sr, st;
    ev_sig_init(&sr, z, 4000);
    ev_sig_init(&st, g_t, 4000);
    ev_val v = ev_rave_mss(&sr, &st);
    CHECK(v.why != NULL && isnan(v.v));
    ev_sig_free(&sr); ev_sig_free(&st);
}

int main(void) {
    make(g_r, 1.0, 1.0);
    make(g_t, 1.01, 0.7);
    RUN(test_pass_equals_single);
    RUN(test_silent_reference);
    gd_fft_cleanup();
    return TEST_REPORT();
}

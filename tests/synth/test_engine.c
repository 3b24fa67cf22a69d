// test_engine.c: the modal engine against analytic references (Bessel zeros, T60, symmetry).
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth/excite.h"
#include "synth/synth.h"
#include "tests/test.h"

static syn_zeros Z;

// Hann-windowed single-bin DFT magnitude at frequency f.
static double dft_mag(const float *x, int n, double f, int rate) {
    double re = 0, im = 0;
    for (int t = 0; t < n; t++) {
        double w = 0.5 - 0.5 * cos(2 * M_PI * t / n), ph = 2 * M_PI * f * t / rate;
        re += w * x[t] * cos(ph);
        im -= w * x[t] * sin(ph);
    }
    return sqrt(re * re + im * im);
}

// T60 from a log-energy regression over 10 ms frames in [t0, t1) seconds.
static double measure_t60(const float *x, int rate, double t0, double t1) {
    int fr = rate / 100;
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int k = 0;
    for (int s = (int)(t0 * rate); s + fr <= (int)(t1 * rate); s += fr, k++) {
        double e = 0;
        for (int i = 0; i < fr; i++) e += (double)x[s + i] * x[s + i];
        double tt = (s + fr / 2.0) / rate, y = 10 * log10(e / fr);
        sx += tt; sy += y; sxx += tt * tt; sxy += tt * y;
    }
    double slope = (k * sxy - sx * sy) / (k * sxx - sx * sx);
    return -60.0 / slope;
}

static void test_bessel_zeros(void) {
    // Reference zeros (Abramowitz & Stegun table 9.5).
    const struct { int m, n; double j; } ref[] = {
        {0, 1, 2.404825557695773}, {1, 1, 3.831705970207512}, {2, 1, 5.135622301840683},
        {0, 2, 5.520078110286311}, {3, 1, 6.380161895923984}, {1, 2, 7.015586669815619},
        {4, 1, 7.588342434503805}, {2, 2, 8.417244140399865}, {0, 3, 8.653727912911012},
        {5, 1, 8.771483815959954}};
    for (int i = 0; i < 10; i++) {
        CHECK(Z.z[i].m == ref[i].m && Z.z[i].n == ref[i].n);
        CHECK_NEAR(Z.z[i].j, ref[i].j, 1e-11);
        CHECK_NEAR(syn_bessel_zero(ref[i].m, ref[i].n), ref[i].j, 1e-11);
    }
}

static void test_ideal_ratios(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = 40; s.split = 0; s.air_eps = 0; s.stiff_B = 0;
    syn_mode m[64];
    int mi[64];
    int n = syn_membrane_modes(m, 64, &s, &Z, mi);
    CHECK(n == 40);
    const double ratio[] = {1.000, 1.593340505, 2.135548, 2.295417, 2.653076};
    int seen = 0;
    for (int k = 0; k < n && seen < 5; k++) {
        if (k > 0 && m[k].freq == m[k - 1].freq) continue;   // partner of a pair
        CHECK_NEAR(m[k].freq / s.f01, ratio[seen], 1e-4 * ratio[seen]);
        seen++;
    }
    // Air loading eps = 3 and stiffness B = 4e-3: the table of docs/drum-physmod.md 1.1.
    CHECK_NEAR(syn_mode_ratio(3.831705970207512, 3, 0), 1.789, 1e-3);
    CHECK_NEAR(syn_mode_ratio(8.653727912911012, 6, 0), 5.170, 1e-3);
    CHECK_NEAR(syn_mode_ratio(8.653727912911012, 0, 4e-3), 4.056, 1e-3);
    // modes at or above 0.48 fs are dropped
    s.rate = 8000; s.f01 = 900; s.n_modes = 40;
    n = syn_membrane_modes(m, 64, &s, &Z, mi);
    CHECK(n > 0 && n < 40);
    for (int k = 0; k < n; k++) CHECK(m[k].freq < 0.48 * s.rate);
}

// Output spectrum of an ideal membrane: peaks at Bessel ratios within 1e-4 (DFT peak search).
static void test_ideal_output_ratios(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = 8; s.split = 0; s.strike_r = 0.3; s.sigma0 = 1.0; s.sigma1 = 0;
    s.duration_s = 2.0; s.f01 = 211.0;
    int n = (int)(s.duration_s * s.rate);
    float *x = malloc(sizeof(float) * (size_t)n);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 64, n) == 0);
    CHECK(syn_render(x, n, &s, &Z, v, 1, 1) == 0);
    const double ratio[] = {1.0, 1.593340505, 2.135548, 2.295417};
    for (int i = 0; i < 4; i++) {
        // golden-section search of the windowed DFT peak around the expected frequency
        double a = s.f01 * ratio[i] * 0.995, b = s.f01 * ratio[i] * 1.005;
        for (int it = 0; it < 40; it++) {
            double c = b - 0.618 * (b - a), d = a + 0.618 * (b - a);
            if (dft_mag(x, n, c, s.rate) > dft_mag(x, n, d, s.rate)) b = d; else a = c;
        }
        CHECK_NEAR(0.5 * (a + b) / s.f01, ratio[i], 1e-4 * ratio[i]);
    }
    syn_voice_free(v);
    free(x);
}

static void test_centre_strike(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = 30; s.strike_r = 0; s.split = 0.01;
    syn_mode m[64];
    int mi[64];
    int n = syn_membrane_modes(m, 64, &s, &Z, mi), n_axi = 0;
    for (int k = 0; k < n; k++) {
        if (mi[k] > 0) CHECK(m[k].amp == 0.0);
        else { CHECK(fabs(m[k].amp) > 0.1); n_axi++; }
    }
    CHECK(n_axi >= 3);
    // Rendered: energy at (1,1) and (2,1) at least 40 dB below the off-centre strike's.
    int len = s.rate;
    float *x0 = malloc(sizeof(float) * (size_t)len), *x1 = malloc(sizeof(float) * (size_t)len);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 64, len) == 0);
    s.sigma0 = 2; s.sigma1 = 0;
    CHECK(syn_render(x0, len, &s, &Z, v, 1, 1) == 0);
    s.strike_r = 0.5;
    CHECK(syn_render(x1, len, &s, &Z, v, 1, 1) == 0);
    for (int i = 1; i <= 2; i++) {
        double f = s.f01 * (i == 1 ? 1.593340505 : 2.135548);
        double a0 = dft_mag(x0, len, f, s.rate), a1 = dft_mag(x1, len, f, s.rate);
        CHECK(20 * log10(a0 / a1) < -40);
    }
    double f02 = s.f01 * 2.295417;   // the axisymmetric (0,2) is there in both
    CHECK(dft_mag(x0, len, f02, s.rate) > 0.1 * dft_mag(x1, len, f02, s.rate));
    syn_voice_free(v);
    free(x0); free(x1);
}

static void test_t60(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = 1; s.strike_r = 0; s.duration_s = 2.0;
    const double want[] = {0.3, 0.8, 1.5};
    int len = (int)(s.duration_s * s.rate);
    float *x = malloc(sizeof(float) * (size_t)len);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 8, len) == 0);
    for (int i = 0; i < 3; i++) {
        // split between sigma0 and sigma1 f01^2 to exercise the frequency law
        double sig = 6.907755 / want[i];
        s.sigma0 = 0.5 * sig;
        s.sigma1 = 0.5 * sig / (s.f01 * s.f01);
        CHECK(syn_render(x, len, &s, &Z, v, 1, 1) == 0);
        double t60 = measure_t60(x, s.rate, 0.05, fmin(1.9, 0.9 * want[i] + 0.1));
        CHECK_NEAR(t60, want[i], 0.02 * want[i]);
    }
    // an explicit 3 kHz mode with T60 = 50 ms
    syn_mode e = {3000, 0.05, 1.0, 0};
    s.n_modes = 0; s.n_explicit = 1; s.explicit_modes = &e;
    CHECK(syn_render(x, len, &s, &Z, v, 1, 1) == 0);
    CHECK_NEAR(measure_t60(x, s.rate, 0.0, 0.05), 0.05, 0.001);
    syn_voice_free(v);
    free(x);
}

static void test_finite_no_clip(void) {
    syn_voice *v;
    int len = 48000;
    float *x = malloc(sizeof(float) * (size_t)len);
    CHECK(syn_voice_init(&v, 256, len) == 0);
    for (int i = 0; i < 6; i++) {
        syn_stroke s;
        syn_stroke_default(&s);
        s.n_modes = 64 + 32 * i; s.air_eps = 3; s.stiff_B = 1e-5 * i; s.split = 0.01;
        s.strike_r = 0.15 * i; s.contact_s = 0.001 + 0.002 * i; s.velocity = 0.2 + 0.15 * i;
        s.glide = 0.01 * i; s.hunt_crossley = i & 1; s.mute_s = i == 2 ? 0.05 : 0;
        s.mute_sigma = 60; s.noise_level = 0.2; s.noise_s = 0.004; s.noise_hz = 3000;
        s.two_heads = i >= 4; s.coupling = 0.8; s.peak = 0.9;
        s.n_frame = 2;
        s.frame[0] = (syn_mode){420, 0.05, 0.3, 0};
        s.frame[1] = (syn_mode){1800, 0.02, 0.2, 0};
        if (i == 3) s.jingles = (syn_jingles){4, 3000, {5600, 8100, 2300}, 0.1, 0.08, 0.5,
                                              0.002, 0.04};
        CHECK(syn_render(x, len, &s, &Z, v, 7, (uint64_t)i) == 0);
        float pk = 0;
        int finite = 1;
        for (int t = 0; t < len; t++) {
            if (!isfinite(x[t])) finite = 0;
            if (fabsf(x[t]) > pk) pk = fabsf(x[t]);
        }
        CHECK(finite);
        CHECK_NEAR(pk, 0.9, 1e-6);
    }
    syn_voice_free(v);
    free(x);
}

// Two equal heads coupled through the cavity: (0,1) splits into f01 (anti-phase) and
// f01*sqrt(1 + 2c) (in-phase); with both heads measured at once both peaks are present.
static void test_two_head_split(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = 1; s.strike_r = 0; s.two_heads = 1; s.head2_ratio = 1.0; s.head2_gain = 1.0;
    s.coupling = 0.5; s.sigma0 = 1; s.sigma1 = 0; s.f01 = 100; s.duration_s = 2;
    int len = 2 * s.rate;
    float *x = malloc(sizeof(float) * (size_t)len);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 8, len) == 0);
    CHECK(syn_render(x, len, &s, &Z, v, 1, 1) == 0);
    double best = 0, fbest = 0;
    for (double f = 120; f < 160; f += 0.05) {
        double a = dft_mag(x, len, f, s.rate);
        if (a > best) { best = a; fbest = f; }
    }
    CHECK_NEAR(fbest, 100 * sqrt(2.0), 0.5);
    // Anti-phase mode: stays at f01 but cancels in the sum of equal heads (both radiate).
    CHECK(dft_mag(x, len, 100, s.rate) < 0.01 * best);
    syn_voice_free(v);
    free(x);
}

// Jingles add energy around the plate modes, scale with their gain, and the same seed gives
// bit-identical output.
static void test_jingles(void) {
    int len = 48000;
    float *a = malloc(sizeof(float) * (size_t)len), *b = malloc(sizeof(float) * (size_t)len);
    syn_voice *v;
    CHECK(syn_voice_init(&v, 128, len) == 0);
    syn_stroke s;
    syn_stroke_default(&s);
    s.strike_r = 0.2; s.f01 = 180;
    CHECK(syn_render(a, len, &s, &Z, v, 3, 9) == 0);
    s.jingles = (syn_jingles){4, 3000, {5600, 8100, 0}, 0.1, 0.08, 0.5, 0.002, 0.04};
    CHECK(syn_render(b, len, &s, &Z, v, 3, 9) == 0);
    double j0 = dft_mag(a, len / 4, 5600, s.rate), j1 = dft_mag(b, len / 4, 5600, s.rate);
    CHECK(j1 > 30 * j0);
    CHECK(syn_render(a, len, &s, &Z, v, 3, 9) == 0);
    CHECK(memcmp(a, b, sizeof(float) * (size_t)len) == 0);
    // the jingle level follows its gain (velocity-scaled by the preset draw)
    s.jingles.gain = 0.1;
    CHECK(syn_render(a, len, &s, &Z, v, 3, 9) == 0);
    double r_lo = dft_mag(a, len / 4, 5600, s.rate) / dft_mag(a, len / 4, s.f01, s.rate);
    double r_hi = dft_mag(b, len / 4, 5600, s.rate) / dft_mag(b, len / 4, s.f01, s.rate);
    CHECK_NEAR(r_hi / r_lo, 5.0, 0.5);
    syn_voice_free(v);
    free(a); free(b);
}

// Raised cosine: exactly contact_s long, peak v^(2a/(a+1)); Hunt-Crossley: a positive,
// asymmetric pulse that ends when striker and head separate.
static void test_excitation(void) {
    syn_stroke s;
    syn_stroke_default(&s);
    s.contact_s = 0.004; s.velocity = 0.5; s.hc_alpha = 1.5;
    float f[4800];
    int n = syn__excite_force(f, 4800, &s);
    CHECK(n == 192);
    float pk = 0;
    for (int t = 0; t < n; t++) if (f[t] > pk) pk = f[t];
    CHECK_NEAR(pk, pow(0.5, 1.2), 1e-3);
    s.hunt_crossley = 1;
    n = syn__excite_force(f, 4800, &s);
    CHECK(n > 48 && n < 3 * 192);
    int imax = 0, neg = 0;
    for (int t = 0; t < n; t++) { if (f[t] > f[imax]) imax = t; if (f[t] < 0) neg++; }
    CHECK(neg == 0);
    CHECK(isfinite(f[imax]) && f[imax] > 0);
    CHECK(imax != n / 2);   // not symmetric like the raised cosine
}

int main(void) {
    if (syn_zeros_init(&Z, 80)) return 1;
    RUN(test_bessel_zeros);
    RUN(test_ideal_ratios);
    RUN(test_ideal_output_ratios);
    RUN(test_centre_strike);
    RUN(test_t60);
    RUN(test_finite_no_clip);
    RUN(test_two_head_split);
    RUN(test_jingles);
    RUN(test_excitation);
    syn_zeros_free(&Z);
    return TEST_REPORT();
}

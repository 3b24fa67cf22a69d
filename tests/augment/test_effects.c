// test_effects.c: every effect against analytic cases: silence stays silent, gains and
// biquads match their formulas, reverb of an impulse is the IR, noise hits its SNR, the
// compressor settles on its static curve, pitch lands on the right frequency (1 cent), the
// phase vocoder keeps lengths exactly and is an identity at ratio 1.
#include <complex.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "augment/augment.h"
#include "augment/biquad.h"
#include "augment/effect.h"
#include "core/error.h"
#include "core/rng.h"
#include "tests/test.h"

#define RATE 44100

static gd_audio make(int64_t n) {
    gd_audio a;
    gd_audio_alloc(&a, 1, n, RATE);
    return a;
}

static gd_audio sine(int64_t n, double f, double amp) {
    gd_audio a = make(n);
    for (int64_t i = 0; i < n; i++) a.data[i] = (float)(amp * sin(2 * M_PI * f * i / RATE));
    return a;
}

static int run(gd_audio *a, const char *ops) {
    gd_rng r;
    gd_rng_init(&r, 1, 2);
    return aug_chain_run(a, ops, &r, NULL);
}

// Frequency by complex demodulation at f0: phase drift between consecutive blocks.
static double est_freq(const float *x, int64_t from, int64_t to, double f0) {
    const int B = 2048;
    double w0 = 2 * M_PI * f0 / RATE, sum = 0;
    int cnt = 0;
    double complex prev = 0;
    for (int64_t s = from; s + B <= to; s += B) {
        double complex z = 0;
        for (int t = 0; t < B; t++) {
            double w = 0.5 - 0.5 * cos(2 * M_PI * t / B);
            z += w * x[s + t] * cexp(-I * w0 * (double)(s + t));
        }
        if (s > from) { sum += carg(z * conj(prev)); cnt++; }
        prev = z;
    }
    return f0 + (sum / cnt) / B * RATE / (2 * M_PI);
}

static double cents(double f, double ref) { return 1200 * log2(f / ref); }

// SD of the 10 ms RMS level in dB over [from, to).
static double ripple_db(const float *x, int64_t from, int64_t to) {
    int W = RATE / 100;
    double s = 0, s2 = 0;
    int n = 0;
    for (int64_t i = from; i + W <= to; i += W) {
        double e = 0;
        for (int j = 0; j < W; j++) e += (double)x[i + j] * x[i + j];
        double db = 10 * log10(e / W + 1e-20);
        s += db; s2 += db * db; n++;
    }
    double m = s / n;
    return sqrt(s2 / n - m * m);
}

static void test_silence_stays_silent(void) {
    const char *chains[] = {"gain:db=12,bright=1", "filter:type=peak,db=12,freq=300",
        "compress:threshold=-40,makeup=20,sat=1", "reverb:rt60=0.3,wet=0.5",
        "noise:snr=10,color=pink", "pitch:semitones=5", "pitch:semitones=-3,mode=pv",
        "stretch:ratio=1.2"};
    for (size_t c = 0; c < sizeof chains / sizeof *chains; c++) {
        gd_audio a = make(20000);
        CHECK(run(&a, chains[c]) == 0);
        CHECK(aug__peak(&a) == 0.0f);
        gd_audio_free(&a);
    }
}

static void test_gain_exact(void) {
    gd_audio a = sine(1000, 1000, 0.5);
    float x100 = a.data[100];
    CHECK(run(&a, "gain:db=-6") == 0);
    CHECK_NEAR(a.data[100], x100 * pow(10, -6 / 20.0), 1e-6);
    gd_audio_free(&a);
    // brightness coupling: a -12 dB hit with bright=0.5 is 6 dB darker at 12 kHz
    gd_audio b = sine(44100, 12000, 0.5);
    CHECK(run(&b, "gain:db=-12,bright=0.5") == 0);
    double rms = sqrt(aug__power(&(gd_audio){b.data + 22050, 1, 22050, RATE}));
    CHECK_NEAR(20 * log10(rms / (0.5 / sqrt(2))), -18, 0.3);
    gd_audio_free(&b);
}

// The block form of aug_biquad_run against the plain double-precision recursion, on noise
// with a loud start and a silent tail (slow poles included, odd length): the error stays at
// float rounding of the output, far below what anyone could hear.
static void test_biquad_block_form(void) {
    static const struct { aug_bq_type t; double f0, q, db; } cases[] = {
        {AUG_BQ_HIGHPASS, 20, 0.7071, 0}, {AUG_BQ_LOWSHELF, 30, 0.7071, 12},
        {AUG_BQ_PEAK, 500, 1, 3}, {AUG_BQ_LOWPASS, 18000, 4, 0}, {AUG_BQ_NOTCH, 60, 10, 0}};
    int64_t n = 3 * RATE + 5;
    gd_rng rng;
    gd_rng_init(&rng, 7, 0);
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        aug_biquad bq;
        aug_biquad_design(&bq, cases[c].t, cases[c].f0, cases[c].q, cases[c].db, RATE);
        gd_audio a = make(n);
        for (int64_t i = 0; i < 2 * RATE; i++) a.data[i] = (float)(0.5 * gd_rng_normal(&rng));
        double z1 = 0, z2 = 0, err = 0, peak = 0, tail = 0;
        float *want = malloc(sizeof(float) * (size_t)n);
        for (int64_t i = 0; i < n; i++) {
            double u = a.data[i], y = bq.b0 * u + z1;
            z1 = bq.b1 * u - bq.a1 * y + z2;
            z2 = bq.b2 * u - bq.a2 * y;
            want[i] = (float)y;
        }
        aug_biquad_run(&bq, a.data, n);
        for (int64_t i = 0; i < n; i++) {
            err = fmax(err, fabs((double)a.data[i] - want[i]));
            peak = fmax(peak, fabs(want[i]));
            if (i > n - RATE / 10) tail = fmax(tail, fabs((double)a.data[i]));
        }
        CHECK(err < 1e-6 * peak);
        CHECK(tail < 1e-4 * peak);   // silent input: the response has died away
        free(want);
        gd_audio_free(&a);
    }
}

static void test_biquad_analytic(void) {
    static const struct { aug_bq_type t; double f0, q, db; } cases[] = {
        {AUG_BQ_LOWPASS, 1000, 0.7071, 0}, {AUG_BQ_HIGHPASS, 500, 2, 0},
        {AUG_BQ_BANDPASS, 2000, 1, 0}, {AUG_BQ_PEAK, 800, 1.5, 9},
        {AUG_BQ_LOWSHELF, 300, 0.7071, -6}, {AUG_BQ_HIGHSHELF, 4000, 0.7071, 6}};
    static const double probe[] = {100, 700, 1000, 3000, 9000};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        aug_biquad bq;
        aug_biquad_design(&bq, cases[c].t, cases[c].f0, cases[c].q, cases[c].db, RATE);
        for (size_t p = 0; p < 5; p++) {
            gd_audio a = sine(RATE, probe[p], 0.5);
            aug_biquad_run(&bq, a.data, a.n_frames);
            // steady-state amplitude over the second half (integer number of cycles)
            double e = 0;
            for (int64_t i = RATE / 2; i < RATE; i++) e += (double)a.data[i] * a.data[i];
            double amp = sqrt(2 * e / (RATE / 2));
            double want = 0.5 * aug_biquad_mag(&bq, probe[p], RATE);
            CHECK_NEAR(20 * log10(amp / want), 0, 0.05);
            gd_audio_free(&a);
        }
    }
    // cookbook identities: lowpass 1 at DC, 0 at Nyquist; peak gain at f0
    aug_biquad bq;
    aug_biquad_design(&bq, AUG_BQ_LOWPASS, 1000, 0.7071, 0, RATE);
    CHECK_NEAR(aug_biquad_mag(&bq, 0, RATE), 1, 1e-9);
    CHECK_NEAR(aug_biquad_mag(&bq, RATE / 2.0, RATE), 0, 1e-9);
    CHECK_NEAR(20 * log10(aug_biquad_mag(&bq, 1000, RATE)), -3.0103, 0.01);
    aug_biquad_design(&bq, AUG_BQ_PEAK, 800, 1.5, 9, RATE);
    CHECK_NEAR(20 * log10(aug_biquad_mag(&bq, 800, RATE)), 9, 1e-6);
}

static void test_reverb_impulse_is_ir(void) {
    gd_audio a = make(4000);
    a.data[0] = 1;
    CHECK(run(&a, "reverb:rt60=0.3,predelay=5,bright=0.3,er=4,wet=1,seed=77") == 0);
    float *h;
    int64_t m;
    CHECK(aug__reverb_ir(&h, &m, 0.3, 5, 0.3, 4, 1, 77, RATE) == 0);
    CHECK(a.n_frames == 4000 + m - 1);
    CHECK_ARRAY_NEAR(a.data, h, m, 2e-6, 0);
    // unit energy and the decay: level 0.1 s after predelay vs at predelay ~ -60*0.1/0.3 dB
    double e = 0;
    for (int64_t i = 0; i < m; i++) e += (double)h[i] * h[i];
    CHECK_NEAR(e, 1, 1e-4);
    free(h);
    // the direct convolution oracle on a random signal
    gd_audio x = make(3000);
    gd_rng r;
    gd_rng_init(&r, 5, 6);
    for (int i = 0; i < 3000; i++) x.data[i] = (float)gd_rng_normal(&r);
    float hh[500], *y = malloc((3000 + 499) * sizeof(float)), *z = calloc(3000 + 499, sizeof(float));
    for (int i = 0; i < 500; i++) hh[i] = (float)(gd_rng_normal(&r) * exp(-i / 100.0));
    CHECK(aug__convolve(y, x.data, 3000, hh, 500) == 0);
    for (int i = 0; i < 3000; i++)
        for (int j = 0; j < 500; j++) z[i + j] += x.data[i] * hh[j];
    CHECK_ARRAY_NEAR(y, z, 3499, 1e-4, 1e-4);
    free(y); free(z);
    gd_audio_free(&x);
    gd_audio_free(&a);
}

static void test_noise_snr(void) {
    const char *colours[] = {"white", "pink", "brown"};
    for (int c = 0; c < 3; c++)
        for (double snr = 10; snr <= 50; snr += 20) {
            gd_audio a = sine(30000, 300, 0.3), ref = sine(30000, 300, 0.3);
            char ops[128];
            snprintf(ops, sizeof ops, "noise:snr=%g,color=%s,seed=%d", snr, colours[c], c);
            CHECK(run(&a, ops) == 0);
            double pn = 0;
            for (int64_t i = 0; i < a.n_frames; i++) {
                double d = a.data[i] - ref.data[i];
                pn += d * d;
            }
            pn /= a.n_frames;
            CHECK_NEAR(10 * log10(aug__power(&ref) / pn), snr, 0.2);
            gd_audio_free(&a);
            gd_audio_free(&ref);
        }
}

static void test_compress_static_curve(void) {
    gd_audio a = make(44100);
    for (int i = 0; i < 44100; i++) a.data[i] = 0.5f;   // -6.02 dBFS, above the knee
    CHECK(run(&a, "compress:threshold=-20,ratio=4,knee=6,attack=1,release=50") == 0);
    double want_db = -20 + (20 * log10(0.5) + 20) / 4;
    CHECK_NEAR(20 * log10(a.data[44000]), want_db, 0.01);
    gd_audio_free(&a);
    // below threshold: unchanged; saturation keeps full scale at full scale
    gd_audio b = sine(4410, 100, 0.01), c = sine(4410, 100, 0.01);
    CHECK(run(&b, "compress:threshold=-20,ratio=4,knee=0") == 0);
    CHECK_ARRAY_NEAR(b.data, c.data, 4410, 1e-7, 1e-5);
    gd_audio_free(&b); gd_audio_free(&c);
    gd_audio d = make(3);
    d.data[0] = 1; d.data[1] = -1; d.data[2] = 0;
    CHECK(run(&d, "compress:threshold=0,ratio=1,sat=0.5") == 0);
    CHECK_NEAR(d.data[0], 1, 1e-6);
    CHECK_NEAR(d.data[1], -1, 1e-6);
    gd_audio_free(&d);
}

// After a loud burst the gain reduction (dB) releases as a pure exponential with the release
// time constant: quiet input stays below the knee, so the smoothing alone shapes it. Long
// releases put the one-pole's coefficient within 1e-5 of 1, where float rounding would show.
static void test_compress_release(void) {
    for (int rel = 200; rel <= 5000; rel *= 5) {
        int64_t burst = RATE / 2, n = burst + 3 * RATE;
        gd_audio a = make(n), in = make(n);
        for (int64_t i = 0; i < n; i++)
            in.data[i] = a.data[i] = (i < burst ? 0.5f : 0.01f) * (i % 2 ? 1.0f : -1.0f);
        char ops[96];
        snprintf(ops, sizeof ops, "compress:threshold=-20,ratio=4,knee=0,attack=1,release=%d", rel);
        CHECK(run(&a, ops) == 0);
        int64_t t0 = burst + RATE / 10, dt = RATE / 2;
        double g0 = 20 * log10(a.data[t0] / in.data[t0]), g1 = 20 * log10(a.data[t0 + dt] / in.data[t0 + dt]);
        CHECK(g0 < -1);   // still compressing
        CHECK_NEAR(g1 / g0, exp(-(double)dt / (rel * 1e-3 * RATE)), 2e-4);
        gd_audio_free(&a); gd_audio_free(&in);
    }
}

static void test_pitch_resample(void) {
    for (double s = -7; s <= 7; s += 3.5) {
        gd_audio a = sine(RATE, 440, 0.5);
        char ops[64];
        snprintf(ops, sizeof ops, "pitch:semitones=%g", s);
        CHECK(run(&a, ops) == 0);
        double f = pow(2, s / 12);
        CHECK(a.n_frames == llround(RATE / f));
        double fe = est_freq(a.data, 4096, a.n_frames - 4096, 440 * f);
        CHECK_NEAR(cents(fe, 440 * f), 0, 0.1);
        gd_audio_free(&a);
    }
}

static void test_pitch_pv(void) {
    static const double st[] = {-7, -3, 3, 7};
    for (int i = 0; i < 4; i++) {
        gd_audio a = sine(2 * RATE, 440, 0.5);
        char ops[64];
        snprintf(ops, sizeof ops, "pitch:semitones=%g,mode=pv", st[i]);
        CHECK(run(&a, ops) == 0);
        CHECK(a.n_frames == 2 * RATE);
        double want = 440 * pow(2, st[i] / 12);
        double fe = est_freq(a.data, 8192, a.n_frames - 8192, want);
        CHECK_NEAR(cents(fe, want), 0, 1.0);
        CHECK(ripple_db(a.data, 8192, a.n_frames - 8192) < 0.5);
        double rms = sqrt(aug__power(&(gd_audio){a.data + 8192, 1, RATE, RATE}));
        CHECK_NEAR(20 * log10(rms / (0.5 / sqrt(2))), 0, 0.5);
        gd_audio_free(&a);
    }
    gd_audio z = sine(5000, 440, 0.5), ref = sine(5000, 440, 0.5);
    CHECK(run(&z, "pitch:semitones=0,mode=pv") == 0);
    CHECK_ARRAY_NEAR(z.data, ref.data, 5000, 1e-6, 0);
    gd_audio_free(&z); gd_audio_free(&ref);
}

static void test_stretch(void) {
    static const double ratios[] = {0.8, 0.9, 1.1, 1.25};
    for (int i = 0; i < 4; i++) {
        gd_audio a = sine(RATE + 17, 523.25, 0.4);
        char ops[64];
        snprintf(ops, sizeof ops, "stretch:ratio=%g", ratios[i]);
        CHECK(run(&a, ops) == 0);
        CHECK(a.n_frames == llround((RATE + 17) * ratios[i]));
        double fe = est_freq(a.data, 4096, a.n_frames - 4096, 523.25);
        CHECK_NEAR(cents(fe, 523.25), 0, 1.0);
        CHECK(ripple_db(a.data, 4096, a.n_frames - 4096) < 0.5);
        gd_audio_free(&a);
    }
    // the engine at ratio 1 is an identity (not a shortcut: aug__pv_stretch itself)
    gd_audio x = make(30000);
    gd_rng r;
    gd_rng_init(&r, 9, 9);
    for (int i = 0; i < 30000; i++) x.data[i] = (float)(gd_rng_normal(&r) * exp(-(i % 7000) / 900.0));
    float *y = malloc(30000 * sizeof(float));
    CHECK(aug__pv_stretch(y, 30000, x.data, 30000, 1, 768) == 0);
    CHECK_ARRAY_NEAR(y, x.data, 30000, 2e-5, 0);
    CHECK(aug__pv_stretch(y, 30000, x.data, 30000, 1, 2048) == 0);
    CHECK_ARRAY_NEAR(y, x.data, 30000, 2e-5, 0);
    CHECK(aug__pv_stretch_hop(y, 30000, x.data, 30000, 1, 768, aug__pv_hop(768)) == 0);
    CHECK_ARRAY_NEAR(y, x.data, 30000, 2e-5, 0);   // the stretch effect's hop (N/3)
    free(y);
    gd_audio_free(&x);
}

// Attacks stay sharp: decaying noise bursts (drum-like, 15 ms decay) every 150 ms, stretched
// by 0.8 and 1.25 and pitch-shifted by +-5 st: every onset lands at r t (+-2 ms), its peak
// keeps within 3 dB, and the 20 ms before it stay 25 dB below the hit (no pre-echo smear).
static void test_attacks_sharp(void) {
    const int n = RATE, period = (int)(0.15 * RATE);
    gd_rng rg;
    gd_rng_init(&rg, 11, 12);
    gd_audio src = make(n);
    for (int at = 2000; at + 4000 < n; at += period)
        for (int i = 0; i < 4000; i++) src.data[at + i] = (float)(0.5 * gd_rng_normal(&rg) * exp(-i / (0.015 * RATE)));
    static const char *ops[] = {"stretch:ratio=0.8", "stretch:ratio=1.25", "pitch:semitones=5,mode=pv",
                                "pitch:semitones=-5,mode=pv"};
    static const double ratio[] = {0.8, 1.25, 1, 1};
    for (int c = 0; c < 4; c++) {
        gd_audio a = make(n);
        memcpy(a.data, src.data, n * sizeof(float));
        CHECK(run(&a, ops[c]) == 0);
        int pre = (int)(0.02 * RATE), win = (int)(0.005 * RATE);
        for (int at = 2000 + period; at + 4000 < n; at += period) {   // skip the first hit
            int64_t want = llround(at * ratio[c]);
            double pk_in = 0, pk_out = 0, e_pre = 0, e_hit = 0;
            for (int i = 0; i < win; i++) pk_in = fmax(pk_in, fabs(src.data[at + i]));
            for (int64_t i = want - pre; i < want + win; i++) {
                double v = fabs(a.data[i]);
                if (i >= want - (int)(0.002 * RATE)) pk_out = fmax(pk_out, v);
                if (i < want - (int)(0.002 * RATE)) e_pre += v * v; else e_hit += v * v;
            }
            CHECK(20 * log10(pk_out / pk_in) > -3);
            e_pre /= pre - (int)(0.002 * RATE);
            e_hit /= win + (int)(0.002 * RATE);
            if (!(10 * log10(e_pre / e_hit + 1e-30) < -25)) fprintf(stderr, "  %s onset %d: pre-echo %.1f dB, peak %.1f dB\n", ops[c], at, 10 * log10(e_pre / e_hit + 1e-30), 20 * log10(pk_out / pk_in));
            CHECK(10 * log10(e_pre / e_hit + 1e-30) < -25);
        }
        gd_audio_free(&a);
    }
    gd_audio_free(&src);
}

static void test_short_input(void) {
    // shorter than one FFT frame (2048): still exact lengths, finite output
    gd_audio a = sine(300, 1000, 0.5);
    CHECK(run(&a, "stretch:ratio=1.25|pitch:semitones=4,mode=pv|reverb:wet=0.3") == 0);
    CHECK(a.n_frames > 375);
    gd_audio_free(&a);
    gd_audio b = sine(1, 1000, 0.5);
    b.data[0] = 0.5f;
    CHECK(run(&b, "stretch:ratio=2|pitch:semitones=-12") == 0);
    CHECK(b.n_frames == 4);
    gd_audio_free(&b);
}

static void test_stereo(void) {
    gd_audio a;
    gd_audio_alloc(&a, 2, 20000, RATE);
    for (int i = 0; i < 20000; i++) {
        a.data[i] = (float)sin(2 * M_PI * 300 * i / RATE);
        a.data[20000 + i] = 0;
    }
    CHECK(run(&a, "pitch:semitones=12|reverb:wet=0.2|noise:snr=30") == 0);
    CHECK(a.n_channels == 2);
    CHECK(aug__peak(&a) > 0.1f);
    gd_audio_free(&a);
}

// Writes a (1, n) float WAV to a temporary path (caller frees the name).
static char *write_tmp(const float *x, int64_t n, const char *tag) {
    char *path = malloc(256);
    snprintf(path, 256, "/tmp/gd_test_effects_%d_%s.wav", (int)getpid(), tag);
    gd_audio a;
    gd_audio_alloc(&a, 1, n, RATE);
    memcpy(a.data, x, n * sizeof(float));
    gd_write_opts w = gd_write_opts_default();
    w.format = GD_FLOAT32;
    CHECK(gd_audio_write(path, &a, &w, NULL) == 0);
    gd_audio_free(&a);
    return path;
}

// Stereo through the phase vocoder: channels are phase-linked, so a right channel that is the
// left one delayed by 20 samples stays so (the image does not smear).
static void test_stereo_image_pv(void) {
    const int n = 30000, lag = 20;
    gd_audio a;
    gd_audio_alloc(&a, 2, n, RATE);
    gd_rng r;
    gd_rng_init(&r, 8, 8);
    for (int i = 0; i < n; i++)
        a.data[i] = (float)(gd_rng_normal(&r) * 0.2 * exp(-(i % 6000) / 1500.0));
    for (int i = 0; i < n; i++) a.data[n + i] = i >= lag ? a.data[i - lag] : 0;
    CHECK(run(&a, "stretch:ratio=1.2") == 0);
    int64_t m = a.n_frames;
    const float *L = a.data, *R = a.data + m;
    double best = -1;
    int best_lag = -1;
    for (int d = 0; d <= 40; d++) {
        double xy = 0, xx = 0, yy = 0;
        for (int64_t i = 2000; i + d < m - 2000; i++) {
            xy += (double)L[i] * R[i + d]; xx += (double)L[i] * L[i]; yy += (double)R[i + d] * R[i + d];
        }
        double c = xy / sqrt(xx * yy);
        if (c > best) { best = c; best_lag = d; }
    }
    if (best_lag != lag || best <= 0.99) fprintf(stderr, "  lag %d corr %.4f\n", best_lag, best);
    CHECK(best_lag == lag);
    CHECK(best > 0.99);
    gd_audio_free(&a);
}

static void test_files_ir_mix_noise(void) {
    float ir[3000], layer[500], room[7000];
    gd_rng r;
    gd_rng_init(&r, 3, 4);
    for (int i = 0; i < 3000; i++) ir[i] = (float)(gd_rng_normal(&r) * 0.1 * exp(-i / 600.0));
    for (int i = 0; i < 500; i++) layer[i] = (float)(0.5 * sin(i * 0.3));
    for (int i = 0; i < 7000; i++) room[i] = (float)gd_rng_normal(&r);
    char *pi = write_tmp(ir, 3000, "ir"), *pl = write_tmp(layer, 500, "layer"),
         *pn = write_tmp(room, 7000, "room"), ops[600];
    // reverb of a unit impulse with an IR file (no normalisation, fully wet) is the IR
    gd_audio a = make(1000);
    a.data[0] = 1;
    snprintf(ops, sizeof ops, "reverb:ir=%s,norm=0,wet=1", pi);
    CHECK(run(&a, ops) == 0);
    CHECK(a.n_frames == 1000 + 3000 - 1);
    CHECK_ARRAY_NEAR(a.data, ir, 3000, 1e-6, 1e-5);
    gd_audio_free(&a);
    // mix: the layer at 10 ms and -6 dB on top of the hit, output as long as needed
    gd_audio b = sine(300, 200, 0.2), ref = sine(300, 200, 0.2);
    snprintf(ops, sizeof ops, "mix:file=%s,offset=10,db=-6", pl);
    CHECK(run(&b, ops) == 0);
    CHECK(b.n_frames == 441 + 500);
    CHECK_NEAR(b.data[100], ref.data[100], 1e-7);
    CHECK_NEAR(b.data[450], layer[9] * pow(10, -6 / 20.0), 1e-6);
    gd_audio_free(&b); gd_audio_free(&ref);
    // noise from a file hits its SNR too
    gd_audio c = sine(20000, 300, 0.3), cref = sine(20000, 300, 0.3);
    snprintf(ops, sizeof ops, "noise:file=%s,snr=25,seed=5", pn);
    CHECK(run(&c, ops) == 0);
    double pw = 0;
    for (int64_t i = 0; i < c.n_frames; i++) pw += (c.data[i] - cref.data[i]) * (double)(c.data[i] - cref.data[i]);
    CHECK_NEAR(10 * log10(aug__power(&cref) / (pw / c.n_frames)), 25, 0.2);
    gd_audio_free(&c); gd_audio_free(&cref);
    // a missing file is a runtime error, not a crash
    gd_audio d = sine(100, 200, 0.2);
    CHECK(run(&d, "reverb:ir=/nonexistent/ir.wav") != 0);
    gd_audio_free(&d);
    remove(pi); remove(pl); remove(pn);
    free(pi); free(pl); free(pn);
}

int main(void) {
    RUN(test_silence_stays_silent);
    RUN(test_gain_exact);
    RUN(test_biquad_analytic);
    RUN(test_biquad_block_form);
    RUN(test_reverb_impulse_is_ir);
    RUN(test_noise_snr);
    RUN(test_compress_static_curve);
    RUN(test_compress_release);
    RUN(test_pitch_resample);
    RUN(test_pitch_pv);
    RUN(test_stretch);
    RUN(test_attacks_sharp);
    RUN(test_short_input);
    RUN(test_stereo);
    RUN(test_files_ir_mix_noise);
    RUN(test_stereo_image_pv);
    return TEST_REPORT();
}

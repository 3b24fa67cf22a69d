// prof_pair.c: per-stage timing of the pair suite (development tool; make bench builds it).
// Mirrors pair_core/pair_metrics of eval/pair.c and prints seconds per stage over every
// pair of two folders. Build: make build/lab/prof_pair
// Run: build/lab/prof_pair REF_DIR EST_DIR [--floor]
// --floor times only the work the suite's definitions cannot skip, as a lower bound on its
// run time: the magnitude spectra of the ten STFT configurations the metrics read (RAVE's
// and the mel L1's scales 32..2048, the three MR-STFT resolutions) and libebur128's loudness,
// for both signals; no metric is computed from them.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audio.h"
#include "eval/metrics.h"
#include "eval/pairs.h"
#include "eval/spec.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

enum { S_READ, S_ALIGN, S_LOUD, S_MSS, S_MRSTFT, S_MEL, S_LSD, S_MCD, S_SISDR, S_ONSET, S_ENV,
       S_DECAY, S_F0, S_N };
static const char *names[S_N] = {"read+downmix", "align", "loudness", "rave_mss", "mrstft",
                                 "mel_l1", "lsd", "mcd", "si_sdr", "onsets", "attack+envelope",
                                 "decay", "f0"};
static double acc[S_N];

static float *downmix(const gd_audio *a) {
    float *m = malloc(sizeof(float) * a->n_frames);
    for (int64_t i = 0; i < a->n_frames; i++) {
        double s = 0;
        for (int c = 0; c < a->n_channels; c++) s += a->data[(int64_t)c * a->n_frames + i];
        m[i] = (float)(s / a->n_channels);
    }
    return m;
}

static double floor_work(const float *r, const float *t, const gd_audio *ra, const gd_audio *ea) {
    static const int cfgs[10][3] = {{2048, 512, 2048}, {1024, 256, 1024}, {512, 128, 512},
                                    {256, 64, 256}, {128, 32, 128}, {64, 16, 64}, {32, 8, 32},
                                    {1024, 120, 600}, {2048, 240, 1200}, {512, 50, 240}};
    double t0 = now();
    for (int c = 0; c < 10; c++) {
        ev_stft_cfg cfg = {cfgs[c][0], cfgs[c][1], cfgs[c][2], EV_PAD_REFLECT};
        enum { B = 32 };   // rows per block, kept in cache as the suite does (eval/scales.c)
        float *m = malloc(sizeof(float) * B * (cfg.n_fft / 2 + 1));
        for (int s = 0; s < 2; s++) {
            const float *x = s ? t : r;
            int64_t n = s ? ea->n_frames : ra->n_frames, T = ev_stft_frames(&cfg, n);
            for (int64_t t0 = 0; t0 < T; t0 += B)
                if (!m || ev_stft_spec_range(m, x, n, &cfg, 1, t0, T - t0 < B ? T - t0 : B)) exit(1);
        }
        free(m);
    }
    double t1 = now();
    ev_val a, b;
    ev_loudness(ra->data, ra->n_channels, ra->n_frames, ra->rate, 0.4, &a, &b);
    ev_loudness(ea->data, ea->n_channels, ea->n_frames, ea->rate, 0.4, &a, &b);
    acc[0] += t1 - t0;
    return now() - t1;
}

int main(int argc, char **argv) {
    if (argc < 3) return 2;
    const int floor_only = argc > 3 && !strcmp(argv[3], "--floor");
    ev_item *it;
    int n;
    char err[256];
    if (ev_items_build(&it, &n, argv[1], argv[2], err, sizeof err)) { fprintf(stderr, "%s\n", err); return 1; }
    double audio = 0, t_all = now();
    for (int i = 0; i < n; i++) {
        double t0 = now();
        gd_audio ra = {0}, ea = {0};
        if (gd_audio_read(&ra, it[i].ref, 0, 0) || gd_audio_read(&ea, it[i].est, 0, 0)) return 1;
        float *r = downmix(&ra), *t = downmix(&ea);
        int rate = ra.rate;
        double t1 = now(); acc[S_READ] += t1 - t0;
        audio += (double)ra.n_frames / rate;
        if (floor_only) {
            acc[1] += floor_work(r, t, &ra, &ea);
            free(r); free(t); gd_audio_free(&ra); gd_audio_free(&ea);
            continue;
        }
        int ok;
        int64_t lag = ev_align_lag(r, ra.n_frames, t, ea.n_frames, (int64_t)(0.05 * rate), &ok);
        double t2 = now(); acc[S_ALIGN] += t2 - t1;
        ev_val a, b, c, d;
        ev_loudness(ra.data, ra.n_channels, ra.n_frames, rate, 0.4, &a, &b);
        ev_loudness(ea.data, ea.n_channels, ea.n_frames, rate, 0.4, &c, &d);
        double t3 = now(); acc[S_LOUD] += t3 - t2;
        int64_t lo = lag < 0 ? -lag : 0;
        int64_t hi = ea.n_frames - lag < ra.n_frames ? ea.n_frames - lag : ra.n_frames;
        int64_t m = hi - lo;
        const float *rr = r + lo, *tt = t + lo + lag;
        ev_sig sr, st;
        ev_sig_init(&sr, rr, m); ev_sig_init(&st, tt, m);
        double ts = now();
#define STAGE(k, call) do { call; double t_ = now(); acc[k] += t_ - ts; ts = t_; } while (0)
        STAGE(S_MSS, ev_rave_mss(&sr, &st));
        STAGE(S_MRSTFT, ev_mrstft(&sr, &st, &a, &b, &c));
        STAGE(S_MEL, ev_mel_l1(&sr, &st, rate));
        STAGE(S_LSD, ev_lsd(&sr, &st, &a, &b));
        STAGE(S_MCD, ev_mcd(&sr, &st, rate));
        STAGE(S_SISDR, ev_si_sdr(rr, tt, m));
        double on[4096];
        STAGE(S_ONSET, (ev_onsets(&sr, rate, on, 2048), ev_onsets(&st, rate, on + 2048, 2048)));
        float *env = malloc(sizeof(float) * m);
        STAGE(S_ENV, (ev_envelope_follow(env, rr, m, rate, 10, 1500), ev_attack_ms(env, m, rate),
                      ev_envelope_follow(env, tt, m, rate, 10, 1500), ev_attack_ms(env, m, rate),
                      ev_envelope_l1_db(rr, tt, m, rate)));
        STAGE(S_DECAY, (ev_decay_t60(rr, m, rate), ev_decay_t60(tt, m, rate)));
        STAGE(S_F0, ev_f0(rr, tt, m, rate, &a, &b, &c));
        free(env);
        ev_sig_free(&sr); ev_sig_free(&st);
        free(r); free(t); gd_audio_free(&ra); gd_audio_free(&ea);
    }
    if (floor_only) {
        double f = acc[0] + acc[1];
        printf("%d pairs, %.3f s audio: spectra %.4f s + loudness %.4f s = %.4f s (%.1fx real time at most)\n",
               n, audio, acc[0], acc[1], f, audio / f);
        ev_items_free(it, n);
        return 0;
    }
    double tot = now() - t_all, sum = 0;
    for (int k = 0; k < S_N; k++) sum += acc[k];
    printf("%d pairs, %.3f s audio, %.4f s total (%.1fx real time)\n", n, audio, tot, audio / tot);
    for (int k = 0; k < S_N; k++) printf("  %-16s %8.4f s %5.1f %%\n", names[k], acc[k], 100 * acc[k] / sum);
    ev_items_free(it, n);
    return 0;
}

// descriptors.c: per-clip descriptors for corpus comparison (eval-metrics.md §2.6, §5.2,
// §5.3, §4). Spectral shape follows librosa's definitions and defaults (n_fft 2048, hop 512,
// periodic Hann, centred zero padding): centroid and 85 % roll-off on magnitudes, flatness
// on power floored at 1e-10; per clip they are averaged with frame-energy weights so the
// noise-floor frames of drum tails do not dominate.
#include "eval/corpus.h"

#include <math.h>
#include <stdlib.h>

#include "eval/metrics.h"  // defines: ev_attack_ms, ev_decay_t60, ev_loudness
#include "eval/spec.h"     // defines: ev_stft_power

const char *const ev_desc_names[EV_N_DESC] = {"centroid_hz", "flatness", "rolloff_hz",
                                              "attack_ms", "decay_t60_s", "loudness_mmax_lufs"};

static void spectral_shape(double out[3], const float *x, int64_t n, int rate) {
    out[0] = out[1] = out[2] = NAN;
    ev_stft_cfg cfg = {2048, 512, 2048, EV_PAD_ZERO};
    const int64_t T = ev_stft_frames(&cfg, n);
    const int F = 1025;
    float *p = malloc(sizeof(float) * (size_t)T * F);
    if (!p || ev_stft_power(p, x, n, &cfg)) { free(p); return; }
    double wsum = 0, c = 0, fl = 0, ro = 0;
    for (int64_t t = 0; t < T; t++) {
        const float *P = p + t * F;
        double e = 0, s = 0, sf = 0, lg = 0, ar = 0, prod = 1;
        for (int k = 0; k < F; k++) {
            double m = sqrt(P[k]), f = (double)rate / 2 * k / (F - 1);
            e += P[k]; s += m; sf += f * m;
            double pf = P[k] > 1e-10 ? P[k] : 1e-10;
            ar += pf;
            // sum of logs as logs of products of 8 (each factor in [1e-10, ~1e12]: no
            // under/overflow in double), an eighth of the log calls
            prod *= pf;
            if ((k & 7) == 7 || k == F - 1) { lg += log(prod); prod = 1; }
        }
        if (e <= 0) continue;
        double cum = 0, roll = (double)rate / 2;
        for (int k = 0; k < F; k++) {
            cum += sqrt(P[k]);
            if (cum >= 0.85 * s) { roll = (double)rate / 2 * k / (F - 1); break; }
        }
        wsum += e;
        c += e * (sf / s);
        fl += e * exp(lg / F) / (ar / F);
        ro += e * roll;
    }
    if (wsum > 0) { out[0] = c / wsum; out[1] = fl / wsum; out[2] = ro / wsum; }
    free(p);
}

void ev_descriptors(double out[EV_N_DESC], const float *x, int64_t n, int rate) {
    double sh[3];
    spectral_shape(sh, x, n, rate);
    out[EV_DESC_CENTROID] = sh[0];
    out[EV_DESC_FLATNESS] = sh[1];
    out[EV_DESC_ROLLOFF] = sh[2];
    float *env = malloc(sizeof(float) * (n > 0 ? n : 1));
    out[EV_DESC_ATTACK] = NAN;
    if (env) {
        ev_envelope_follow(env, x, n, rate, 10.0, 1500.0);
        ev_val a = ev_attack_ms(env, n, rate);
        out[EV_DESC_ATTACK] = a.why ? NAN : a.v;
        free(env);
    }
    ev_val d = ev_decay_t60(x, n, rate);
    out[EV_DESC_DECAY] = d.why ? NAN : d.v;
    ev_val li, lm;
    ev_loudness(x, 1, n, rate, 0.4, &li, &lm);
    out[EV_DESC_LOUDNESS] = lm.why ? NAN : lm.v;
}

// attack.c: envelope follower and attack time (eval-metrics.md §5.2, Essentia Envelope and
// LogAttackTime definitions). The follower is a one-pole on |x| with separate attack and
// release coefficients exp(-1 / (tau * rate)). The attack time is the interval between the
// first crossings of 20 % and 90 % of the envelope maximum, with linear interpolation
// between samples (a linear 0 -> 1 ramp over 5 ms gives exactly 3.5 ms).
#include "eval/metrics.h"

#include <math.h>

void ev_envelope_follow(float *env, const float *x, int64_t n, int rate, double attack_ms,
                        double release_ms) {
    const double ca = exp(-1.0 / (attack_ms * 1e-3 * rate));
    const double cr = exp(-1.0 / (release_ms * 1e-3 * rate));
    double y = 0;
    for (int64_t i = 0; i < n; i++) {
        double v = fabs(x[i]);
        double c = v > y ? ca : cr;
        y = c * y + (1 - c) * v;
        env[i] = (float)y;
    }
}

// Fractional index of the first crossing of thr (env[0] >= thr gives 0).
static double first_crossing(const float *env, int64_t n, double thr) {
    for (int64_t i = 0; i < n; i++) {
        if (env[i] >= thr) {
            if (i == 0) return 0.0;
            double a = env[i - 1], b = env[i];
            return (double)(i - 1) + (thr - a) / (b - a);
        }
    }
    return (double)n;
}

ev_val ev_attack_ms(const float *env, int64_t n, int rate) {
    double mx = 0;
    for (int64_t i = 0; i < n; i++) if (env[i] > mx) mx = env[i];
    if (mx <= 0) return ev_null("silent");
    double t0 = first_crossing(env, n, 0.2 * mx), t1 = first_crossing(env, n, 0.9 * mx);
    return ev_ok(1000.0 * (t1 - t0) / rate);
}

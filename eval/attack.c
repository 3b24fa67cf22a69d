// attack.c: envelope follower and attack time (eval-metrics.md §5.2, Essentia Envelope and
// LogAttackTime definitions). The follower is a one-pole on |x| with separate attack and
// release coefficients exp(-1 / (tau * rate)). The attack time is the interval between the
// first crossings of 20 % and 90 % of the envelope maximum, with linear interpolation
// between samples (a linear 0 -> 1 ramp over 5 ms gives exactly 3.5 ms).
#include "eval/metrics.h"

#include <math.h>

// The follower's state machine: one step per sample, the envelope rounded to float.
typedef struct { double ca, cr, y; } follower;

static follower follower_init(int rate, double attack_ms, double release_ms) {
    follower f = {exp(-1.0 / (attack_ms * 1e-3 * rate)), exp(-1.0 / (release_ms * 1e-3 * rate)), 0};
    return f;
}

static inline float follower_step(follower *f, float x) {
    double v = fabs(x);
    double c = v > f->y ? f->ca : f->cr;
    f->y = c * f->y + (1 - c) * v;
    return (float)f->y;
}

void ev_envelope_follow(float *env, const float *x, int64_t n, int rate, double attack_ms,
                        double release_ms) {
    follower f = follower_init(rate, attack_ms, release_ms);
    for (int64_t i = 0; i < n; i++) env[i] = follower_step(&f, x[i]);
}

// The crossing of thr between samples i - 1 (a) and i (b) as a fractional index.
static double crossing_at(int64_t i, double a, double b, double thr) {
    return i == 0 ? 0.0 : (double)(i - 1) + (thr - a) / (b - a);
}

// Fractional index of the first crossing of thr (env[0] >= thr gives 0).
static double first_crossing(const float *env, int64_t n, double thr) {
    for (int64_t i = 0; i < n; i++) {
        if (env[i] >= thr) return crossing_at(i, i ? env[i - 1] : 0, env[i], thr);
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

ev_val ev_attack_ms_of(const float *x, int64_t n, int rate, double attack_ms, double release_ms) {
    follower f = follower_init(rate, attack_ms, release_ms);
    double mx = 0;
    for (int64_t i = 0; i < n; i++) {
        float e = follower_step(&f, x[i]);
        if (e > mx) mx = e;
    }
    if (mx <= 0) return ev_null("silent");
    const double thr[2] = {0.2 * mx, 0.9 * mx};
    double at[2] = {(double)n, (double)n};
    int k = 0;   // the crossing looked for next (the 20 % one comes first)
    float prev = 0;
    f = follower_init(rate, attack_ms, release_ms);   // the same envelope again
    for (int64_t i = 0; i < n && k < 2; i++) {
        float e = follower_step(&f, x[i]);
        while (k < 2 && e >= thr[k]) { at[k] = crossing_at(i, prev, e, thr[k]); k++; }
        prev = e;
    }
    return ev_ok(1000.0 * (at[1] - at[0]) / rate);
}

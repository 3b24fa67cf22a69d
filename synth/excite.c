// excite.c: raised-cosine and Hunt-Crossley force pulses (see excite.h).
#include "synth/excite.h"

#include <math.h>

static int raised_cosine(float *f, int cap, const syn_stroke *s, double fmax) {
    int n = (int)ceil(s->contact_s * s->rate);
    if (n < 1) n = 1;
    if (n > cap) n = cap;
    for (int t = 0; t < n; t++)
        f[t] = (float)(0.5 * fmax * (1.0 - cos(2.0 * M_PI * (t + 0.5) / n)));
    return n;
}

static int hunt_crossley(float *f, int cap, const syn_stroke *s, double fmax) {
    const int os = 4;
    double dt = 1.0 / (s->rate * os), alpha = s->hc_alpha > 1 ? s->hc_alpha : 1.5;
    double m = s->hc_mass_ratio > 0 ? s->hc_mass_ratio : 0.2, v0 = 1.0;
    double tau = s->contact_s, w = 2 * M_PI * s->f01, sig = s->sigma0;
    double xref = v0 * tau / M_PI;
    double k = m * (M_PI / tau) * (M_PI / tau) * pow(xref, 1.0 - alpha), mu = 0.3 / (v0 + 1e-9);
    double xs = 0, vs = v0, uh = 0, vh = 0, peak = 0;
    int n = 0, touched = 0;
    for (int t = 0; t < cap; t++) {
        double acc = 0;
        for (int o = 0; o < os; o++) {
            double x = xs - uh, xd = vs - vh, F = 0;
            if (x > 0) { F = k * pow(x, alpha) * (1 + mu * xd); if (F < 0) F = 0; touched = 1; }
            vs -= F / m * dt;
            xs += vs * dt;
            vh += (F - w * w * uh - 2 * sig * vh) * dt;
            uh += vh * dt;
            acc += F;
        }
        f[t] = (float)(acc / os);
        if (f[t] > peak) peak = f[t];
        n = t + 1;
        if (touched && xs - uh <= 0 && vs - vh < 0) break;
    }
    if (peak > 0)
        for (int t = 0; t < n; t++) f[t] = (float)(f[t] / peak * fmax);
    return n;
}

int syn__excite_force(float *f, int cap, const syn_stroke *s) {
    double alpha = s->hc_alpha > 1 ? s->hc_alpha : 1.5;
    double v = s->velocity > 0 ? s->velocity : 1e-3;
    double fmax = pow(v, 2 * alpha / (alpha + 1));
    return s->hunt_crossley ? hunt_crossley(f, cap, s, fmax) : raised_cosine(f, cap, s, fmax);
}

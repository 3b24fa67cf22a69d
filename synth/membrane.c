// membrane.c: resonators of a lossy, stiff, air-loaded circular membrane (see membrane.h).
//
// Mode shape psi_mn(r, th) = J_m(j r) cos(m (th - phi)) / sqrt(N_mn) on a unit-radius head,
// N = pi J_{m+1}(j)^2 (m = 0) or pi/2 J_{m+1}(j)^2 (m >= 1); weights are multiplied by sqrt(pi)
// so they match the table of docs/drum-physmod.md 1.4. A contact disk of radius a averages the
// mode over the contact patch, approximated by the plane-wave factor 2 J1(j a)/(j a).
#include "synth/membrane.h"

#include <math.h>
#include <stddef.h>

#define J01 2.404825557695773

double syn_mode_ratio(double j, double eps, double B) {
    return (j / J01) * sqrt(1.0 + B * j * j) / sqrt(1.0 + B * J01 * J01) *
           sqrt(1.0 + eps / J01) / sqrt(1.0 + eps / j);
}

static double disk_factor(double j, double a) {
    double x = j * a;
    return x < 1e-9 ? 1.0 : 2.0 * jn(1, x) / x;
}

int syn__membrane_build(syn__res *r, int cap, const syn_stroke *s, const syn_zeros *z,
                        double f01, int head, double in_gain, double out_gain, int *n_dropped) {
    int n = 0, want = s->n_modes < cap ? s->n_modes : cap;
    double nyq = 0.48 * s->rate;
    for (int i = 0; i < z->n_zeros && n < want; i++) {
        const syn_zero *q = &z->z[i];
        int m = q->m;
        double jm1 = jn(m + 1, q->j);
        double norm = sqrt((m == 0 ? M_PI : M_PI / 2) * jm1 * jm1);
        double psi_r = jn(m, q->j * s->strike_r) / norm * sqrt(M_PI);
        double w_in = psi_r * disk_factor(q->j, s->contact_radius) * in_gain;
        double rad = m == 0 ? 1.0 : pow(s->radiation, m);
        double f0 = f01 * syn_mode_ratio(q->j, s->air_eps, s->stiff_B);
        int parts = m == 0 ? 1 : 2;
        for (int p = 0; p < parts && n < want; p++) {
            double f = m == 0 ? f0 : f0 * (1.0 + (p ? 0.5 : -0.5) * s->split);
            if (f >= nyq) { if (n_dropped) (*n_dropped)++; continue; }
            double ang_s, ang_m;
            if (m == 0) { ang_s = ang_m = 1.0; }
            else if (p == 0) { ang_s = cos(m * -s->pair_theta);
                               ang_m = cos(m * (s->mic_theta - s->pair_theta)); }
            else { ang_s = sin(m * -s->pair_theta);
                   ang_m = sin(m * (s->mic_theta - s->pair_theta)); }
            syn__res *o = &r[n++];
            o->f = f;
            o->sigma = s->sigma0 + s->sigma1 * f * f;
            o->w_in = w_in * ang_s;
            o->w_out = rad * ang_m * out_gain;
            o->vol = m == 0 ? 2.0 * M_PI * jm1 / q->j / norm : 0.0;
            o->psi_hand = psi_r * psi_r * ang_s * ang_s / M_PI;
            o->z0_re = o->z0_im = 0;
            o->m = m;
            o->head = head;
        }
    }
    return n;
}

int syn_membrane_modes(syn_mode *modes, int cap, const syn_stroke *s, const syn_zeros *zeros,
                       int *m_index) {
    syn__res r[SYN_MAX_MODES];
    int n = syn__membrane_build(r, cap < SYN_MAX_MODES ? cap : SYN_MAX_MODES, s, zeros, s->f01,
                                0, 1.0, 1.0, NULL);
    for (int k = 0; k < n; k++) {
        modes[k] = (syn_mode){r[k].f, 6.907755278982137 / r[k].sigma, r[k].w_in * r[k].w_out, 0};
        if (m_index) m_index[k] = r[k].m;
    }
    return n;
}

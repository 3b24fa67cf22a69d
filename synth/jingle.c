// jingle.c: stochastic jingle collisions driven by the frame (see jingle.h).
#include "synth/jingle.h"

#include <math.h>
#include <stddef.h>

int syn__jingles_render(float *out, const float *drive, float *energy, int64_t n,
                        const syn_jingles *j, int rate, gd_rng *rng, syn_bank *jb) {
    if (j->n_sets <= 0 || j->rate <= 0 || n <= 0) return 0;
    float peak = 0;
    for (int64_t t = 0; t < n; t++) if (fabsf(drive[t]) > peak) peak = fabsf(drive[t]);
    if (peak <= 0) return 0;
    // Rattle energy: E <- d E + (1 - d) (drive/peak)^2, with the drive delayed.
    double d = exp(-1.0 / (j->energy_decay_s * rate)), e = 0, emax = 0;
    int64_t delay = (int64_t)(j->delay_s * rate);
    for (int64_t t = 0; t < n; t++) {
        double x = t >= delay ? drive[t - delay] / peak : 0.0;
        e = d * e + (1 - d) * x * x * 40.0;   // 40: a few ms of full drive saturates E
        if (e > 1.0) e = 1.0;
        energy[t] = (float)e;
        if (e > emax) emax = e;
    }
    syn_bank_reset(jb);
    jb->fs = rate;
    int nf = 0;
    for (int i = 0; i < SYN_MAX_JINGLE_F && j->freq[i] > 0; i++) nf++;
    if (nf == 0) return 0;
    double sigma = 6.907755278982137 / j->t60;
    for (int s = 0; s < j->n_sets; s++)
        for (int i = 0; i < nf; i++)
            if (syn_bank_add(jb, j->freq[i], sigma, 0, 1.0 / (1 + i), 0, 0) < 0) return 0;
    double lam_max = j->rate * emax / rate;   // collisions per sample, upper bound
    int hits = 0;
    int64_t done = 0;
    // Merge the n_sets independent processes: candidate events at n_sets * lam_max.
    double lam = lam_max * j->n_sets;
    double t = 0;
    while (lam > 0) {
        t += -log(1.0 - gd_rng_uniform(rng)) / lam;
        if (t >= (double)n) break;
        int64_t ti = (int64_t)t;
        int set = (int)gd_rng_below(rng, (uint64_t)j->n_sets);
        if (gd_rng_uniform(rng) * emax >= energy[ti]) continue;   // thinning
        syn_bank_process(jb, out + done, NULL, (int)(ti - done));
        done = ti;
        double a = sqrt(energy[ti]) * (0.5 + 0.5 * gd_rng_uniform(rng));
        for (int i = 0; i < nf; i++) {
            double f = j->freq[i] * (1.0 + j->jitter * (2 * gd_rng_uniform(rng) - 1));
            if (f >= 0.48 * rate) f = 0.48 * rate;
            double ph = 2 * M_PI * gd_rng_uniform(rng);
            syn_bank_kick(jb, set * nf + i, f, sigma, a * cos(ph), a * sin(ph));
        }
        hits++;
    }
    syn_bank_process(jb, out + done, NULL, (int)(n - done));
    return hits;
}

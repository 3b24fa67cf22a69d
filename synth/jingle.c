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
    double d = exp(-1.0 / (j->energy_decay_s * rate)), e = 0;
    int64_t delay = (int64_t)(j->delay_s * rate);
    for (int64_t t = 0; t < n; t++) {
        double x = t >= delay ? drive[t - delay] / peak : 0.0;
        e = d * e + (1 - d) * x * x * 40.0;   // 40: a few ms of full drive saturates E
        if (e > 1.0) e = 1.0;
        energy[t] = (float)e;
    }
    syn_bank_reset(jb);
    jb->fs = rate;
    int nf = 0;
    for (int i = 0; i < SYN_MAX_JINGLE_F && j->freq[i] > 0; i++) nf++;
    if (nf == 0) return 0;
    double sigma = 6.907755278982137 / j->t60, r = exp(-sigma / rate);
    float p0r[SYN_MAX_JINGLE_F], p0i[SYN_MAX_JINGLE_F], th0[SYN_MAX_JINGLE_F];
    for (int i = 0; i < nf; i++) {   // nominal poles; collisions detune them by small rotations
        double f = j->freq[i] < 0.45 * rate ? j->freq[i] : 0.45 * rate;
        th0[i] = (float)(2 * M_PI * f / rate);
        p0r[i] = (float)(r * cos(th0[i]));
        p0i[i] = (float)(r * sin(th0[i]));
    }
    for (int s = 0; s < j->n_sets; s++)
        for (int i = 0; i < nf; i++)
            if (syn_bank_add(jb, j->freq[i], sigma, 0, 1.0 / (1 + i), 0, 0) < 0) return 0;
    // Poisson thinning per block of 256 samples, bounded by the block's largest energy, so the
    // cost follows the rattle energy rather than the length of the stroke.
    int hits = 0;
    int64_t done = 0;
    double kick_peak = 0;
    for (int64_t b0 = 0; b0 < n; b0 += 256) {
        int64_t b1 = b0 + 256 < n ? b0 + 256 : n;
        float eb = 0;
        for (int64_t t = b0; t < b1; t++) if (energy[t] > eb) eb = energy[t];
        double lam = j->rate * j->n_sets * eb / rate;   // candidate events per sample
        if (lam < 1e-9) continue;
        double t = (double)b0;
        for (;;) {
            t += -log(1.0 - gd_rng_uniform(rng)) / lam;
            if (t >= (double)b1) break;
            int64_t ti = (int64_t)t;
            int set = (int)gd_rng_below(rng, (uint64_t)j->n_sets);
            if (gd_rng_uniform(rng) * eb >= energy[ti]) continue;   // thinning
            syn_bank_process(jb, out + done, NULL, (int)(ti - done));
            done = ti;
            double a = sqrt(energy[ti]) * (0.5 + 0.5 * gd_rng_uniform(rng));
            if (a > kick_peak) kick_peak = a;
            for (int i = 0; i < nf; i++) {
                float d = (float)(j->jitter * (2 * gd_rng_uniform(rng) - 1)) * th0[i], c, sn;
                syn_cis_small(d, &c, &sn);
                float ar = (float)(a * (2 * gd_rng_uniform(rng) - 1));
                float ai = (float)(a * (2 * gd_rng_uniform(rng) - 1));
                syn_bank_kick_pole(jb, set * nf + i, p0r[i] * c - p0i[i] * sn,
                                   p0r[i] * sn + p0i[i] * c, th0[i] + d, ar, ai);
            }
            hits++;
        }
    }
    // ring out after the last collision until 120 dB below the strongest kick
    double stop = 1e-12 * kick_peak * kick_peak;
    while (done < n) {
        int len = n - done < 256 ? (int)(n - done) : 256;
        syn_bank_process(jb, out + done, NULL, len);
        done += len;
        if (syn_bank_energy(jb) < stop) break;
    }
    return hits;
}

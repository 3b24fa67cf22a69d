// voice.c: renders one stroke (see synth.h): build the resonator table, drive it with the
// force pulse under hand damping and tension-modulation glide, then add attack noise and
// jingles and peak-normalise.
//
// Glide: every 16 samples during the force, then every 64, E = sum |z_k|^2 (the modal energy proxy of docs/drum-physmod.md 1.6)
// and all frequencies are scaled by 1 + glide * E / E_peak. Culling: once the force is over,
// groups of 8 resonators (sorted by decay rate) whose energy fell 110 dB below the peak are
// no longer processed.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/log.h"     // defines: gd_debug
#include "core/rng.h"     // defines: gd_rng
#include "synth/excite.h"
#include "synth/jingle.h"
#include "synth/membrane.h"
#include "synth/synth.h"

#define BLOCK 16
#define LN1000 6.907755278982137

struct syn_voice {
    int      cap_res;
    int64_t  cap_frames;
    syn_bank bank, jbank;
    syn__res *res;
    int      *order;
    double   *sig_mute;
    float    *force, *aux, *energy;
};

void syn_stroke_default(syn_stroke *s) {
    memset(s, 0, sizeof *s);
    s->rate = 48000;
    s->duration_s = 1.0;
    s->n_modes = 128;
    s->f01 = 200;
    s->sigma0 = LN1000 / 0.4;
    s->sigma1 = (LN1000 / 0.04 - s->sigma0) / 9e6;
    s->radiation = 0.8;
    s->strike_r = 0.5;
    s->velocity = 0.8;
    s->contact_s = 0.003;
    s->hc_alpha = 1.5;
    s->hc_mass_ratio = 0.2;
    s->head2_ratio = 1.1;
    s->head2_gain = 0.5;
    s->tune = s->decay_scale = 1.0;
    s->peak = 0.5;
}

void syn_voice_free(syn_voice *v) {
    if (!v) return;
    syn_bank_free(&v->bank);
    syn_bank_free(&v->jbank);
    free(v->res); free(v->order); free(v->sig_mute);
    free(v->force); free(v->aux); free(v->energy);
    free(v);
}

static int voice_reserve(syn_voice *v, int n_res, int64_t n_frames) {
    if (n_res > v->cap_res) {
        syn_bank_free(&v->bank);
        free(v->res); free(v->order); free(v->sig_mute);
        v->res = malloc(sizeof(syn__res) * (size_t)n_res);
        v->order = malloc(sizeof(int) * (size_t)n_res);
        v->sig_mute = malloc(sizeof(double) * (size_t)n_res);
        if (!v->res || !v->order || !v->sig_mute || syn_bank_init(&v->bank, n_res, 48000))
            return GD_ERR_NOMEM;
        v->cap_res = n_res;
    }
    if (n_frames > v->cap_frames) {
        free(v->force); free(v->aux); free(v->energy);
        size_t nb = sizeof(float) * (size_t)(n_frames + BLOCK);
        v->force = malloc(nb); v->aux = malloc(nb); v->energy = malloc(nb);
        if (!v->force || !v->aux || !v->energy) return GD_ERR_NOMEM;
        v->cap_frames = n_frames;
    }
    return 0;
}

int syn_voice_init(syn_voice **out, int max_modes, int64_t max_frames) {
    syn_voice *v = calloc(1, sizeof *v);
    if (!v) return GD_ERR_NOMEM;
    if (syn_bank_init(&v->jbank, 8 * SYN_MAX_JINGLE_F, 48000) ||
        voice_reserve(v, 2 * max_modes + SYN_MAX_FRAME + 8, max_frames)) {
        syn_voice_free(v);
        return GD_ERR_NOMEM;
    }
    *out = v;
    return 0;
}

static _Thread_local const syn__res *t_sort_res;  // qsort context, per thread

static int cmp_res(const void *a, const void *b) {
    const syn__res *r = t_sort_res;
    int i = *(const int *)a, j = *(const int *)b;
    int ci = r[i].head < 2 && r[i].m == 0 && r[i].vol != 0;
    int cj = r[j].head < 2 && r[j].m == 0 && r[j].vol != 0;
    if (ci != cj) return cj - ci;
    if (r[i].sigma != r[j].sigma) return r[i].sigma < r[j].sigma ? -1 : 1;
    return i - j;
}

static int check_stroke(const syn_stroke *s) {
    if (s->rate < 8000 || s->rate > 384000 || !(s->duration_s > 0) || s->duration_s > 60)
        return GD_ERR_ARG;
    if (s->n_modes < 0 || s->n_modes > SYN_MAX_MODES) return GD_ERR_ARG;
    if (s->n_modes > 0 && (!(s->f01 > 0) || s->sigma0 < 0 || s->sigma1 < 0 ||
                           s->strike_r < 0 || s->strike_r >= 1 || s->air_eps < 0 ||
                           s->stiff_B < 0))
        return GD_ERR_ARG;
    if (!(s->contact_s > 0) || s->contact_s > 0.05 || !(s->peak > 0) || s->peak > 1 ||
        s->floor_db > 0 || s->floor_db < -200)
        return GD_ERR_ARG;
    for (int i = 0; i < s->n_explicit; i++)
        if (!(s->explicit_modes[i].t60 > 0) || !(s->explicit_modes[i].freq > 0)) return GD_ERR_ARG;
    for (int i = 0; i < s->n_frame; i++)
        if (!(s->frame[i].t60 > 0) || !(s->frame[i].freq > 0)) return GD_ERR_ARG;
    if (s->jingles.n_sets < 0 || s->jingles.n_sets > 8 ||
        (s->jingles.n_sets > 0 && (!(s->jingles.t60 > 0) || !(s->jingles.energy_decay_s > 0))))
        return GD_ERR_ARG;
    return 0;
}

// Collects all resonators into v->res; returns the count (fills *n_coupled, *vol01, *w01).
static int collect(syn_voice *v, const syn_stroke *s, const syn_zeros *z, int *n_coupled,
                   double *vol01, double *w01, gd_rng *rng) {
    int n = 0, dropped = 0;
    n += syn__membrane_build(v->res, v->cap_res, s, z, s->f01, 0, 1.0, 1.0, &dropped);
    *vol01 = n > 0 ? v->res[0].vol : 0;
    *w01 = 2 * M_PI * s->f01;
    if (s->two_heads)
        n += syn__membrane_build(v->res + n, v->cap_res - n, s, z, s->f01 * s->head2_ratio, 1,
                                 0.0, s->head2_gain, &dropped);
    double nyq = 0.48 * s->rate;
    for (int i = 0; i < s->n_frame && n < v->cap_res; i++) {
        if (s->frame[i].freq >= nyq) { dropped++; continue; }
        v->res[n++] = (syn__res){s->frame[i].freq, LN1000 / s->frame[i].t60, s->frame[i].amp,
                                 1.0, 0, 0.5, 0, 0, -1, 2};
    }
    for (int i = 0; i < s->n_explicit && n < v->cap_res; i++) {
        const syn_mode *e = &s->explicit_modes[i];
        double f = e->freq * s->tune;
        if (f >= nyq) { dropped++; continue; }
        double amp = e->amp, ph = e->phase;   // variation: new level and phase per stroke
        if (s->amp_jitter_db > 0) amp *= pow(10, gd_rng_range(rng, -1, 1) * s->amp_jitter_db / 20);
        if (s->phase_jitter > 0) ph += gd_rng_range(rng, -1, 1) * s->phase_jitter;
        v->res[n++] = (syn__res){f, LN1000 / (e->t60 * s->decay_scale), 0, 1.0, 0, 0.5,
                                 amp * cos(ph), amp * sin(ph), -1, 2};
    }
    if (dropped) gd_debug("synth: %d modes at or above 0.48 fs dropped", dropped);
    *n_coupled = 0;
    if (s->two_heads && s->coupling > 0)
        for (int i = 0; i < n; i++)
            if (v->res[i].head < 2 && v->res[i].m == 0 && v->res[i].vol != 0) (*n_coupled)++;
    return n;
}

// Loads the sorted resonators into the bank; returns the force length in samples.
static void load_bank(syn_voice *v, const syn_stroke *s, int n, int n_coupled, double vol01,
                      double w01) {
    syn_bank *b = &v->bank;
    syn_bank_reset(b);
    b->fs = s->rate;
    for (int i = 0; i < n; i++) v->order[i] = i;
    t_sort_res = v->res;
    qsort(v->order, (size_t)n, sizeof(int), cmp_res);
    double dt = 1.0 / s->rate;
    for (int i = 0; i < n; i++) {
        const syn__res *r = &v->res[v->order[i]];
        int k = syn_bank_add(b, r->f, r->sigma, r->w_in * dt, r->w_out, r->z0_re, r->z0_im);
        double extra = s->mute_sigma * (0.2 + 0.8 * (r->psi_hand < 1 ? r->psi_hand : 1));
        v->sig_mute[k] = r->sigma + extra;
        if (i < n_coupled) {
            ((float *)b->c_disp)[k] = (float)(r->vol / (2 * M_PI * r->f));
            ((float *)b->c_force)[k] = (float)(r->vol * dt);
        }
    }
    b->n_coupled = n_coupled;
    b->K = n_coupled && vol01 != 0 ? s->coupling * w01 * w01 / (vol01 * vol01) : 0;
}

static void set_mute(syn_voice *v, const syn_stroke *s, int muted, double g) {
    for (int i = 0; i < v->bank.n_real; i++) {
        const syn__res *r = &v->res[v->order[i]];
        syn_bank_set_sigma(&v->bank, i, r->f, muted ? v->sig_mute[i] : r->sigma);
    }
    (void)s;
    syn_bank_glide(&v->bank, g);
}

// Free-running drum part into out (n samples, zeroed first).
static void run_drum(syn_voice *v, const syn_stroke *s, float *out, int64_t n) {
    int nf = syn__excite_force(v->force, (int)(v->cap_frames < 0.05 * s->rate + 1 ?
                                                v->cap_frames : 0.05 * s->rate + 1), s);
    for (int64_t t = nf; t < nf + BLOCK && t < v->cap_frames + BLOCK; t++) v->force[t] = 0;
    int64_t mute_n = (int64_t)(s->mute_s * s->rate);
    double e_peak = 0, g = 0;
    if (mute_n > 0) set_mute(v, s, 1, 0);
    memset(out, 0, sizeof(float) * (size_t)n);
    for (int64_t t0 = 0; t0 < n; t0 += BLOCK) {
        int len = n - t0 < BLOCK ? (int)(n - t0) : BLOCK;
        if (mute_n > 0 && t0 >= mute_n) { set_mute(v, s, 0, g); mute_n = 0; }
        int forced = t0 < nf;
        if (forced || (t0 & 63) == 0) {   // energy and glide every 64 samples after the force
            double e = syn_bank_energy(&v->bank);
            if (e > e_peak) e_peak = e;
            if (s->glide > 0 && e_peak > 0) {
                double gn = s->glide * e / e_peak;
                if (gn < 1e-6) gn = 0;
                if (fabs(gn - g) > 1e-6 || (gn == 0 && g != 0)) { g = gn; syn_bank_glide(&v->bank, g); }
            }
        }
        if (!forced && !s->no_cull && !v->bank.n_coupled && (t0 & 255) == 0) syn_bank_cull(&v->bank, 1e-11 * e_peak);
        syn_bank_process(&v->bank, out + t0, forced ? v->force + t0 : NULL, len);
    }
}

static float peak_of(const float *x, int64_t n, int *finite) {
    float p = 0;
    *finite = 1;
    for (int64_t t = 0; t < n; t++) {
        if (!isfinite(x[t])) { *finite = 0; return 0; }
        if (fabsf(x[t]) > p) p = fabsf(x[t]);
    }
    return p;
}

// Attack noise: Gaussian noise, 1 ms raised attack, exponential decay, one-pole low-pass.
static void add_noise(float *out, float *buf, int64_t n, const syn_stroke *s, float peak,
                      gd_rng *rng) {
    if (!(s->noise_level > 0) || !(s->noise_s > 0)) return;
    int64_t len = (int64_t)(8 * s->noise_s * s->rate) + 1;
    if (len > n) len = n;
    double a = exp(-2 * M_PI * (s->noise_hz > 0 ? s->noise_hz : 4000) / s->rate), lp = 0;
    double att = 0.001 * s->rate, d = exp(-1.0 / (s->noise_s * s->rate)), env = 1, np = 0;
    for (int64_t t = 0; t < len; t++) {
        double w = t < att ? 0.5 * (1 - cos(M_PI * t / att)) : 1.0;
        lp = a * lp + (1 - a) * gd_rng_normal(rng);
        buf[t] = (float)(lp * env * w);
        env *= d;
        if (fabs(buf[t]) > np) np = fabs(buf[t]);
    }
    if (np <= 0) return;
    float g = (float)(s->noise_level * peak / np);
    for (int64_t t = 0; t < len; t++) out[t] += g * buf[t];
}

int syn_render(float *out, int64_t n, const syn_stroke *s, const syn_zeros *zeros,
               syn_voice *v, uint64_t rng_seed, uint64_t rng_stream) {
    int err = check_stroke(s);
    if (err) return err;
    int want = (s->two_heads ? 2 : 1) * s->n_modes + s->n_frame + s->n_explicit;
    if ((err = voice_reserve(v, want, n))) return err;
    gd_rng rng;
    gd_rng_init(&rng, rng_seed, rng_stream);
    int n_coupled;
    double vol01, w01;
    int n_res = collect(v, s, zeros, &n_coupled, &vol01, &w01, &rng);
    if (n_res == 0) return GD_ERR_EMPTY;
    load_bank(v, s, n_res, n_coupled, vol01, w01);
    run_drum(v, s, out, n);
    int finite;
    float peak = peak_of(out, n, &finite);
    if (!finite) return GD_ERR_NUMERIC;
    if (!(peak > 0)) return GD_ERR_EMPTY;
    if (s->jingles.n_sets > 0) {
        memset(v->aux, 0, sizeof(float) * (size_t)n);
        syn__jingles_render(v->aux, out, v->energy, n, &s->jingles, s->rate, &rng, &v->jbank);
        int fj;
        float jp = peak_of(v->aux, n, &fj);
        if (!fj) return GD_ERR_NUMERIC;
        if (jp > 0) {
            float g = (float)(s->jingles.gain * peak / jp);
            for (int64_t t = 0; t < n; t++) out[t] += g * v->aux[t];
        }
    }
    add_noise(out, v->aux, n, s, peak, &rng);
    peak = peak_of(out, n, &finite);
    if (!finite) return GD_ERR_NUMERIC;
    if (!(peak > 0)) return GD_ERR_EMPTY;
    float g = (float)(s->peak / peak);
    for (int64_t t = 0; t < n; t++) out[t] *= g;
    if (s->floor_db < 0) {   // a recording's noise floor (docs/drum-physmod.md 2)
        double fl = s->peak * pow(10, s->floor_db / 20);
        for (int64_t t = 0; t < n; t++) out[t] += (float)(fl * gd_rng_normal(&rng));
    }
    return 0;
}

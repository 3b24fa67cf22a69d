// bank.c: the modal resonator bank (see bank.h).
//
// The inner loops work on GCC/Clang vectors of 8 floats and are compiled twice (AVX2 and
// the x86-64 baseline) with target_clones; contraction to FMA is off (-std=c11), so both
// clones give bit-identical results and output never depends on the machine's ISA level.
#include "synth/bank.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"  // defines: GD_ERR_NOMEM

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define SYN_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SYN_CLONES
#endif

#define N_ARR 12

static float *fl(syn_v8 *v) { return (float *)v; }
static const float *cfl(const syn_v8 *v) { return (const float *)v; }

int syn_bank_init(syn_bank *b, int cap, double fs) {
    memset(b, 0, sizeof *b);
    cap = (cap + 7) / 8 * 8;
    if (cap < 8) cap = 8;
    size_t bytes = sizeof(syn_v8) * (size_t)(cap / 8);
    syn_v8 **arr[N_ARR] = {&b->p_re, &b->p_im, &b->b_re, &b->b_im, &b->z_re, &b->z_im,
                           &b->w_in, &b->w_out, &b->theta, &b->c_disp, &b->c_force,
                           NULL};
    for (int i = 0; arr[i]; i++) {
        *arr[i] = aligned_alloc(32, bytes);
        if (!*arr[i]) { syn_bank_free(b); return GD_ERR_NOMEM; }
    }
    b->cap = cap;
    b->fs = fs;
    syn_bank_reset(b);
    return 0;
}

void syn_bank_free(syn_bank *b) {
    if (!b) return;
    syn_v8 *arr[] = {b->p_re, b->p_im, b->b_re, b->b_im, b->z_re, b->z_im, b->w_in,
                     b->w_out, b->theta, b->c_disp, b->c_force};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) free(arr[i]);
    memset(b, 0, sizeof *b);
}

void syn_bank_reset(syn_bank *b) {
    size_t bytes = sizeof(syn_v8) * (size_t)(b->cap / 8);
    syn_v8 *arr[] = {b->p_re, b->p_im, b->b_re, b->b_im, b->z_re, b->z_im, b->w_in,
                     b->w_out, b->theta, b->c_disp, b->c_force};
    for (size_t i = 0; i < sizeof arr / sizeof arr[0]; i++) memset(arr[i], 0, bytes);
    b->n_real = b->n = b->n_active = b->n_coupled = 0;
    b->K = 0;
}

int syn_bank_add(syn_bank *b, double f, double sigma, double w_in, double w_out,
                 double z0_re, double z0_im) {
    if (b->n_real >= b->cap) return -1;
    int k = b->n_real++;
    double th = 2.0 * M_PI * f / b->fs, r = exp(-sigma / b->fs);
    fl(b->b_re)[k] = fl(b->p_re)[k] = (float)(r * cos(th));
    fl(b->b_im)[k] = fl(b->p_im)[k] = (float)(r * sin(th));
    fl(b->theta)[k] = (float)th;
    fl(b->w_in)[k] = (float)w_in;
    fl(b->w_out)[k] = (float)w_out;
    fl(b->z_re)[k] = (float)z0_re;
    fl(b->z_im)[k] = (float)z0_im;
    b->n = b->n_active = (b->n_real + 7) / 8 * 8;
    return k;
}

void syn_bank_set_sigma(syn_bank *b, int k, double f, double sigma) {
    double th = 2.0 * M_PI * f / b->fs, r = exp(-sigma / b->fs);
    fl(b->b_re)[k] = (float)(r * cos(th));
    fl(b->b_im)[k] = (float)(r * sin(th));
}

void syn_bank_kick(syn_bank *b, int k, double f, double sigma, double re, double im) {
    double th = 2.0 * M_PI * f / b->fs, r = exp(-sigma / b->fs);
    fl(b->b_re)[k] = fl(b->p_re)[k] = (float)(r * cos(th));
    fl(b->b_im)[k] = fl(b->p_im)[k] = (float)(r * sin(th));
    fl(b->theta)[k] = (float)th;
    fl(b->z_re)[k] += (float)re;
    fl(b->z_im)[k] += (float)im;
}

void syn_bank_kick_pole(syn_bank *b, int k, float pr, float pi, float theta, float re, float im) {
    fl(b->b_re)[k] = fl(b->p_re)[k] = pr;
    fl(b->b_im)[k] = fl(b->p_im)[k] = pi;
    fl(b->theta)[k] = theta;
    fl(b->z_re)[k] += re;
    fl(b->z_im)[k] += im;
}

void syn_cis_small(float x, float *c, float *s) {
    float x2 = x * x;
    *c = 1.0f - x2 * (0.5f - x2 * (1.0f / 24 - x2 * (1.0f / 720)));
    *s = x * (1.0f - x2 * (1.0f / 6 - x2 * (1.0f / 120 - x2 * (1.0f / 5040))));
}

void syn_bank_glide(syn_bank *b, double g) {
    float gf = (float)g;
    for (int k = 0; k < b->n_active; k++) {
        float x = fl(b->theta)[k] * gf, c, s;
        if (x > 0.5f) x = 0.5f;
        syn_cis_small(x, &c, &s);
        float br = fl(b->b_re)[k], bi = fl(b->b_im)[k];
        fl(b->p_re)[k] = br * c - bi * s;
        fl(b->p_im)[k] = br * s + bi * c;
    }
}

double syn_bank_energy(const syn_bank *b) {
    double e = 0;
    for (int k = 0; k < b->n_active; k++) {
        double re = cfl(b->z_re)[k], im = cfl(b->z_im)[k];
        e += re * re + im * im;
    }
    return e;
}

void syn_bank_cull(syn_bank *b, double thr) {
    while (b->n_active - 8 >= b->n_coupled && b->n_active > 8) {
        int lo = b->n_active - 8, dead = 1;
        for (int k = lo; k < b->n_active && dead; k++) {
            double re = cfl(b->z_re)[k], im = cfl(b->z_im)[k];
            dead = re * re + im * im < thr;
        }
        if (!dead) break;
        b->n_active = lo;
    }
}

#define HSUM8(a) ((((a)[0] + (a)[1]) + ((a)[2] + (a)[3])) + (((a)[4] + (a)[5]) + ((a)[6] + (a)[7])))

// Free decay of nv vectors for n samples. Blocks of up to 32 samples: four vectors at a time
// keep their state in registers across the block (four independent recurrences hide the
// multiply-add latency) and add into per-sample vector accumulators; the per-sample sums are
// reduced in the same order as a plain mode loop would.
#define FB 32
SYN_CLONES
static void run_free(syn_v8 *restrict zr, syn_v8 *restrict zi, const syn_v8 *restrict pr,
                     const syn_v8 *restrict pi, const syn_v8 *restrict wo, int nv,
                     float *restrict out, int n) {
    for (int t0 = 0; t0 < n; t0 += FB) {
        int len = n - t0 < FB ? n - t0 : FB;
        syn_v8 acc[FB];
        for (int t = 0; t < len; t++) acc[t] = (syn_v8){0};
        int v = 0;
        for (; v + 4 <= nv; v += 4) {
            syn_v8 r0 = zr[v], r1 = zr[v + 1], r2 = zr[v + 2], r3 = zr[v + 3];
            syn_v8 i0 = zi[v], i1 = zi[v + 1], i2 = zi[v + 2], i3 = zi[v + 3];
            for (int t = 0; t < len; t++) {
                syn_v8 n0 = pr[v] * r0 - pi[v] * i0, m0 = pr[v] * i0 + pi[v] * r0;
                syn_v8 n1 = pr[v + 1] * r1 - pi[v + 1] * i1, m1 = pr[v + 1] * i1 + pi[v + 1] * r1;
                syn_v8 n2 = pr[v + 2] * r2 - pi[v + 2] * i2, m2 = pr[v + 2] * i2 + pi[v + 2] * r2;
                syn_v8 n3 = pr[v + 3] * r3 - pi[v + 3] * i3, m3 = pr[v + 3] * i3 + pi[v + 3] * r3;
                r0 = n0; i0 = m0; r1 = n1; i1 = m1; r2 = n2; i2 = m2; r3 = n3; i3 = m3;
                acc[t] = (((acc[t] + wo[v] * r0) + wo[v + 1] * r1) + wo[v + 2] * r2) + wo[v + 3] * r3;
            }
            zr[v] = r0; zr[v + 1] = r1; zr[v + 2] = r2; zr[v + 3] = r3;
            zi[v] = i0; zi[v + 1] = i1; zi[v + 2] = i2; zi[v + 3] = i3;
        }
        for (; v < nv; v++) {
            syn_v8 r = zr[v], i = zi[v];
            for (int t = 0; t < len; t++) {
                syn_v8 nr = pr[v] * r - pi[v] * i, ni = pr[v] * i + pi[v] * r;
                r = nr; i = ni;
                acc[t] += wo[v] * r;
            }
            zr[v] = r; zi[v] = i;
        }
        for (int t = 0; t < len; t++) out[t0 + t] += HSUM8(acc[t]);
    }
}

// Driven: z <- p*z + w_in*u[t] + c_force*f_cav[t], f_cav from the previous state.
SYN_CLONES
static void run_driven(syn_bank *b, float *restrict out, const float *restrict force, int n) {
    syn_v8 *zr = b->z_re, *zi = b->z_im;
    const syn_v8 *pr = b->p_re, *pi = b->p_im, *wo = b->w_out, *wi = b->w_in;
    const syn_v8 *cf = b->c_force, *cd = b->c_disp;
    int nv = b->n_active / 8, nvc = (b->n_coupled + 7) / 8;
    float K = (float)b->K;
    for (int t = 0; t < n; t++) {
        float u = force ? force[t] : 0.0f, fc = 0.0f;
        if (nvc) {
            syn_v8 dv = {0};
            for (int v = 0; v < nvc; v++) dv += cd[v] * zi[v];
            fc = -K * HSUM8(dv);
        }
        syn_v8 acc = {0};
        for (int v = 0; v < nv; v++) {
            syn_v8 r = pr[v] * zr[v] - pi[v] * zi[v] + wi[v] * u + cf[v] * fc;
            syn_v8 i = pr[v] * zi[v] + pi[v] * zr[v];
            zr[v] = r;
            zi[v] = i;
            acc += wo[v] * r;
        }
        out[t] += HSUM8(acc);
    }
}

void syn_bank_process(syn_bank *b, float *out, const float *force, int n) {
    if (force || b->n_coupled)
        run_driven(b, out, force, n);
    else
        run_free(b->z_re, b->z_im, b->p_re, b->p_im, b->w_out, b->n_active / 8, out, n);
}

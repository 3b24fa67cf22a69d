// bank.h: a bank of complex one-pole modal resonators (impulse-invariant damped sinusoids).
//
// Mode k keeps z_k = q'_k + i*omega_k*q_k (velocity + i*omega*displacement), rotated every
// sample by p_k = exp((-sigma_k + i*omega_k)/fs): z_k <- p_k*z_k + w_in_k*u + c_force_k*f_cav.
// The output sample is sum_k w_out_k * Re(z_k) (a radiated-pressure proxy). Rotating the state
// instead of running a biquad lets the frequency change per block (pitch glide) without
// amplitude artefacts. Optional cavity coupling (two-headed drums): the first resonators whose
// c_disp is non-zero form a net volume displacement dV = sum c_disp_k*Im(z_k), the cavity pushes
// back with f_cav = -K*dV on every resonator with c_force != 0 (one sample late, explicit).
// Layout: structure of arrays in 32-byte vectors of 8 floats; n is padded to a multiple of 8
// with silent resonators. All memory is allocated in syn_bank_init; processing never allocates.
// Thread-safety: one bank per thread.
#ifndef SYN_BANK_H
#define SYN_BANK_H

typedef float syn_v8 __attribute__((vector_size(32)));

typedef struct {
    int     cap;                 // resonators allocated (multiple of 8)
    int     n_real;              // resonators added
    int     n;                   // n_real padded to a multiple of 8
    int     n_active;            // resonators processed (<= n, multiple of 8): tail culling
    int     n_coupled;           // resonators [0, n_coupled) take part in cavity coupling
    double  K;                   // cavity stiffness (force per unit volume displacement)
    double  fs;                  // sample rate, Hz
    syn_v8 *p_re, *p_im;         // current pole
    syn_v8 *b_re, *b_im;         // base pole (without glide)
    syn_v8 *z_re, *z_im;         // state
    syn_v8 *w_in;                // input weight per unit force sample
    syn_v8 *w_out;               // output weight
    syn_v8 *theta;               // omega_k / fs, rad per sample (glide)
    syn_v8 *c_disp;              // coupled: Im(z) -> volume displacement
    syn_v8 *c_force;             // coupled: cavity force -> input
} syn_bank;

// Allocates room for cap resonators (rounded up to 8), all silent. 0 or GD_ERR_NOMEM.
int  syn_bank_init(syn_bank *b, int cap, double fs);
void syn_bank_free(syn_bank *b);
// Clears every resonator and the coupling (n = 0).
void syn_bank_reset(syn_bank *b);

// Appends a resonator of frequency f (Hz), decay rate sigma (1/s), input weight w_in and
// output weight w_out, with initial state z0 (re, im). Returns its index, or -1 when full.
int  syn_bank_add(syn_bank *b, double f, double sigma, double w_in, double w_out,
                  double z0_re, double z0_im);
// Sets resonator k's base decay to sigma (frequency kept); used for hand damping.
void syn_bank_set_sigma(syn_bank *b, int k, double f, double sigma);
// Retunes resonator k to (f, sigma) and adds (re, im) to its state (jingle collisions).
void syn_bank_kick(syn_bank *b, int k, double f, double sigma, double re, double im);
// Sets resonator k's pole to (pr, pi) (rotation theta rad/sample) and adds (re, im) to its state.
void syn_bank_kick_pole(syn_bank *b, int k, float pr, float pi, float theta, float re, float im);
// exp(i*x) for |x| <= 0.5 by a 7th-order Taylor series (error < 2e-7).
void syn_cis_small(float x, float *c, float *s);
// Recomputes every current pole as base pole * exp(i*theta_k*g): frequencies scaled by (1+g).
void syn_bank_glide(syn_bank *b, double g);
// Sum over active resonators of |z|^2 (energy proxy).
double syn_bank_energy(const syn_bank *b);
// Shrinks n_active while the last group of 8 all have |z|^2 < thr (call only while unforced).
void syn_bank_cull(syn_bank *b, double thr);

// Runs n samples, adding the output to out[0..n). force (n samples) may be NULL (free decay).
void syn_bank_process(syn_bank *b, float *out, const float *force, int n);

#endif

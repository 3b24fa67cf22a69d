// membrane.h: mode tables of a circular head (internal to synth/).
//
// Turns the physical parameters of a stroke into resonator descriptions: Bessel-zero
// frequencies with air loading and stiffness (docs/drum-physmod.md 1.2, 1.3), decay
// sigma0 + sigma1 f^2, strike weights psi_k(r0) with a contact-disk low-pass, far-field
// radiation R_m = radiation^m, degenerate pairs split and oriented, and the net-volume
// integral of every (0,n) mode for cavity coupling. Modes at or above 0.48 fs are dropped
// (counted in *n_dropped).
#ifndef SYN_MEMBRANE_H
#define SYN_MEMBRANE_H

#include "synth/synth.h"

typedef struct {
    double f;        // Hz
    double sigma;    // 1/s
    double w_in;     // strike weight (force -> velocity)
    double w_out;    // output weight
    double vol;      // integral of the mode shape over the head (m = 0 only, else 0)
    double psi_hand; // |strike weight|^2 normalised, for hand damping
    double z0_re, z0_im;  // initial state (explicit modes), else 0
    int    m;        // nodal diameters (-1 for non-membrane resonators)
    int    head;     // 0 struck head, 1 second head, 2 other
} syn__res;

// Writes up to s->n_modes resonators of one head with fundamental f01 to r (cap entries).
// in_gain/out_gain scale the weights. Returns the count written.
int syn__membrane_build(syn__res *r, int cap, const syn_stroke *s, const syn_zeros *z,
                        double f01, int head, double in_gain, double out_gain, int *n_dropped);

#endif

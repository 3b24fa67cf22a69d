// biquad.h: RBJ Audio-EQ-Cookbook biquads (Robert Bristow-Johnson), direct form II
// transposed in double precision.
//
// H(z) = (b0 + b1 z^-1 + b2 z^-2) / (1 + a1 z^-1 + a2 z^-2), coefficients normalised by a0.
// freq in Hz (0 < freq < rate/2), q > 0, gain_db for peak/shelves (shelves use q as their
// slope-free Q form: the cookbook's Q variant).
#ifndef AUG_BIQUAD_H
#define AUG_BIQUAD_H

#include <stdint.h>

typedef enum {
    AUG_BQ_LOWPASS, AUG_BQ_HIGHPASS, AUG_BQ_BANDPASS, AUG_BQ_NOTCH, AUG_BQ_PEAK,
    AUG_BQ_LOWSHELF, AUG_BQ_HIGHSHELF, AUG_BQ_ALLPASS
} aug_bq_type;

// The '|'-separated type names in aug_bq_type order.
#define AUG_BQ_NAMES "lowpass|highpass|bandpass|notch|peak|lowshelf|highshelf|allpass"

typedef struct { double b0, b1, b2, a1, a2; } aug_biquad;

// Designs a biquad. freq is clamped into (0, 0.49 rate).
void aug_biquad_design(aug_biquad *bq, aug_bq_type type, double freq, double q,
                       double gain_db, double rate);
// Filters x (n) in place from zero state.
void aug_biquad_run(const aug_biquad *bq, float *x, int64_t n);
// |H(e^{j 2 pi f / rate})|.
double aug_biquad_mag(const aug_biquad *bq, double f, double rate);

#endif

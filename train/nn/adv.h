// adv.h: adversarial losses of RAVE v2 phase 2: hinge (discriminator and generator) and the
// relative feature-matching L1.
//
// Scores and features are flat arrays of n values (one sub-discriminator's map).
//   hinge_d = mean relu(1 - s_real) + mean relu(1 + s_fake)
//   hinge_g = -mean s_fake
//   fm      = mean |f_real - f_fake| / mean |f_real|   (f_real treated as a constant)
// Backward functions ACCUMULATE weight * gradient; output pointers may be NULL to skip.
#ifndef RV_ADV_H
#define RV_ADV_H

#include "train/nn/rv_real.h"

double rv_hinge_d_fwd(const rv_real *s_real, const rv_real *s_fake, long n);
void   rv_hinge_d_bwd(rv_real *d_real, rv_real *d_fake, double weight, const rv_real *s_real,
                      const rv_real *s_fake, long n);
double rv_hinge_g_fwd(const rv_real *s_fake, long n);
void   rv_hinge_g_bwd(rv_real *d_fake, double weight, long n);
double rv_fm_fwd(const rv_real *f_real, const rv_real *f_fake, long n);
void   rv_fm_bwd(rv_real *d_fake, double weight, const rv_real *f_real, const rv_real *f_fake,
                 long n);

#endif

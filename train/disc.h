// disc.h: the phase-2 discriminator of RAVE v2 (docs/rave-v2.md 6b): multi-period
// (periods d_periods) plus multi-scale (d_scales) sub-discriminators, each a ConvNet of
// d_layers weight-normed strided convs with bias (stride 4, channels 1 -> C -> 2C -> ...)
// with LeakyReLU(0.2), then a 1x1 conv to one score (no weight norm). Features are the
// pre-activation outputs of every conv; the last is the score.
//   period p: zero right-pad to a multiple of p, view as (B, 1, T/p, p) and apply kernel (5, 1),
//             stride (4, 1), padding (2, 0) -- here as a 1-D conv over each of the p columns;
//   scale i:  kernel 15, stride 4, padding 7 on the waveform average-pooled (2, 2) i times.
// Real and fake go through one batch of 2B. Losses: hinge (D: sum over sub-discriminators of
// mean relu(1 - D(x)) + mean relu(1 + D(y)); G: sum of -mean D(y)) and relative feature
// matching (mean over sub-discriminators of the mean over features 1.. of
// mean|f_x - f_y| / mean|f_x|; real features are constants).
// Memory: parameters, gradients, Adam moments one block each (rv_params); effective weights
// one block; activations and work buffers one block per rv_disc_plan.
#ifndef RV_DISC_H
#define RV_DISC_H

#include "train/config.h"
#include "train/net.h"

#define RV_DISC_MAX (2 * RV_MAX_LIST)

typedef struct {
    int       n_sub;
    int       period[RV_DISC_MAX], scale[RV_DISC_MAX];   // period 0: a scale discriminator
    rv_net    nets[RV_DISC_MAX];
    long      woff[RV_DISC_MAX];
    rv_params P;
    float    *G, *M, *V, *W, *DW;
    // plan
    int       B;
    long      N;
    float    *work, *in[RV_DISC_MAX], *din[RV_DISC_MAX], *pool, *scratch, *bufs[4], *g1, *g2;
    long      rows[RV_DISC_MAX], len[RV_DISC_MAX];
} rv_disc;

int  rv_disc_init(rv_disc *d, const rv_config *c, unsigned long long seed);
void rv_disc_free(rv_disc *d);
int  rv_disc_plan(rv_disc *d, int B, long N);
// Discriminator step: returns the hinge loss; gradients into d->G (zeroed first).
// x, y: (B, N) real and generated (treated as constants).
double rv_disc_d_step(rv_disc *d, const float *x, const float *y);
// Generator step: *adv = sum of -mean D(y), *fm = feature matching; ACCUMULATES
// w_adv d(adv)/dy + w_fm d(fm)/dy into dy (B, N). d->G receives unused D gradients.
void rv_disc_g_step(rv_disc *d, const float *x, const float *y, double w_adv, double w_fm,
                    float *dy, double *adv, double *fm);
// Adam update of the discriminator (lr, 1-based step t).
void rv_disc_adam(rv_disc *d, const rv_config *c, double lr, long t);

#endif

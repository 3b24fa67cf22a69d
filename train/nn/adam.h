// adam.h: Adam (Kingma & Ba) exactly as torch.optim.Adam (no weight decay, no amsgrad), and
// the linear learning-rate decay of RAVE v2 (LinearLR from factor 1 to end_factor over
// total steps, then constant).
//
// p, m, v, g are n values; t is the 1-based step count after this update. Updates p, m, v in
// place: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
// p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps). Elementwise, parallel, deterministic.
#ifndef RV_ADAM_H
#define RV_ADAM_H

#include "train/nn/rv_real.h"

typedef struct {
    double lr, beta1, beta2, eps;
} rv_adam_cfg;

void rv_adam_step(rv_real *p, rv_real *m, rv_real *v, const rv_real *g, long n,
                  const rv_adam_cfg *cfg, double lr, long t);

// Learning rate at step (0-based count of updates done so far): lr0 * (1 + (end - 1) *
// min(step, total) / total). total <= 0 means constant lr0.
static inline double rv_lr_linear(double lr0, double end_factor, long step, long total) {
    if (total <= 0) return lr0;
    double r = step < total ? (double)step / total : 1.0;
    return lr0 * (1 + (end_factor - 1) * r);
}

#endif

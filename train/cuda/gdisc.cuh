// gdisc.cuh: the phase-2 discriminator (train/disc.h) on the GPU. Internal to train/cuda/;
// the public entry points are rv_gpu_init_disc / rv_gpu_d_step in gpu_model.h.
// Mirrors rv_disc_d_step / rv_disc_g_step / rv_disc_adam op for op: period folds and average
// pools by kernels, each sub-discriminator an rv_gn net (gnet.cuh) over 2B real+fake rows,
// hinge and relative feature-matching reductions into device doubles (no host round trip).
// All memory is allocated at rv_gd_init.
#ifndef RV_GDISC_CUH
#define RV_GDISC_CUH

#include "train/cuda/gnet.cuh"

extern "C" {
#include "train/disc.h"
}

typedef struct rv_gdisc rv_gdisc;

// NULL on failure (logged). Uploads d's parameters and Adam moments.
rv_gdisc *rv_gd_init(const rv_disc *d, int B, long N);
void      rv_gd_free(rv_gdisc *g);
void      rv_gd_upload(rv_gdisc *g, const rv_disc *d);
void      rv_gd_download(const rv_gdisc *g, rv_disc *d);   // P, M, V
void      rv_gd_download_grads(const rv_gdisc *g, float *G);
// D step on x (real) and y (fake), both (B, N) on the device: *d_loss = summed hinge;
// gradients into the discriminator's G (zeroed first).
void rv_gd_d_step(rv_gdisc *g, const float *x, const float *y, double *d_loss);
// G step: *d_adv = sum of -mean D(y), *d_fm = feature matching; ACCUMULATES
// w_adv d(adv)/dy + w_fm d(fm)/dy into dy (B, N). G receives unused D gradients.
void rv_gd_g_step(rv_gdisc *g, const float *x, const float *y, double w_adv, double w_fm,
                  float *dy, double *d_adv, double *d_fm);
// Adam with lr = sched[0], t = sched[1] (device doubles).
void rv_gd_adam(rv_gdisc *g, double beta1, double beta2, double eps, const double *sched);
// Profiling (rv_gpu_layer_profile): sub-discriminator i's net, its folded/pooled input and
// the buffers its layers run with; name gets "period3" or "scale1".
int  rv_gd_n_sub(const rv_gdisc *g);
void rv_gd_layer_ctx(rv_gdisc *g, int i, rv_layer_ctx *c, gnet **n, const float **in, char *name,
                     size_t cap);
double rv_gd_macs(const rv_gdisc *g);   // forward MACs of all sub-discriminators
size_t rv_gd_bytes(const rv_gdisc *g);

#endif

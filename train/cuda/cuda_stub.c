// cuda_stub.c: the CUDA backend's entry points when gendang is built without nvcc, so that
// callers (gendang train ... --device cuda) link either way and report why no GPU is used.
// With CUDA (train/cuda/module.mk defines GD_HAVE_CUDA for this file) it is empty and the
// real definitions come from the .cu objects.
#ifndef GD_HAVE_CUDA
#include <stdio.h>

#include "core/error.h"
#include "train/cuda/gpu_model.h"
#include "train/cuda/rv_cuda.h"

int rv_cuda_compiled(void) { return 0; }

int rv_cuda_init(char *why, size_t why_cap) {
    if (why && why_cap) snprintf(why, why_cap, "built without CUDA (nvcc not found at build time)");
    return GD_ERR_INTERNAL;
}

void rv_cuda_shutdown(void) {}
const rv_backend *rv_cuda_backend(void) { return NULL; }
void rv_cuda_set_dw_loop(int loop) { (void)loop; }
void rv_cuda_set_tf32(int on) { (void)on; }
void rv_cuda_device_name(char *buf, size_t cap) {
    if (buf && cap) snprintf(buf, cap, "none");
}

int rv_gpu_init(rv_gpu **out, const rv_model *m, int B, long N, int train) {
    (void)m; (void)B; (void)N; (void)train;
    *out = NULL;
    return GD_ERR_INTERNAL;
}

void rv_gpu_free(rv_gpu *g) { (void)g; }

// Unreachable without a device (rv_gpu_init always fails), defined so callers link.
void rv_gpu_upload_params(rv_gpu *g, const rv_model *m) { (void)g; (void)m; }
void rv_gpu_download_params(const rv_gpu *g, rv_model *m) { (void)g; (void)m; }
void rv_gpu_download_grads(const rv_gpu *g, float *G) { (void)g; (void)G; }
void rv_gpu_step(rv_gpu *g, const float *x, const float *noise, const float *prior, double lr,
                 long t, int backward, int update, int train_encoder) {
    (void)g; (void)x; (void)noise; (void)prior; (void)lr; (void)t; (void)backward;
    (void)update; (void)train_encoder;
}
void rv_gpu_losses(rv_gpu *g, rv_losses *out) { (void)g; (void)out; }
void rv_gpu_download_y(const rv_gpu *g, float *y) { (void)g; (void)y; }
void rv_gpu_encode(rv_gpu *g, float *z, const float *x) { (void)g; (void)z; (void)x; }
void rv_gpu_decode(rv_gpu *g, float *y, const float *z, const float *noise) {
    (void)g; (void)y; (void)z; (void)noise;
}
int rv_gpu_init_disc(rv_gpu *g, const rv_disc *d) { (void)g; (void)d; return GD_ERR_INTERNAL; }
void rv_gpu_upload_disc(rv_gpu *g, const rv_disc *d) { (void)g; (void)d; }
void rv_gpu_download_disc(const rv_gpu *g, rv_disc *d) { (void)g; (void)d; }
void rv_gpu_download_disc_grads(const rv_gpu *g, float *G) { (void)g; (void)G; }
void rv_gpu_d_step(rv_gpu *g, const float *x, const float *noise, const float *prior,
                   double d_lr, long d_t, int update) {
    (void)g; (void)x; (void)noise; (void)prior; (void)d_lr; (void)d_t; (void)update;
}
double rv_gpu_disc_flops(const rv_gpu *g) { (void)g; return 0; }
rv_gpu_disc *rv_gpu_disc_new(const rv_disc *d, int B, long N) {
    (void)d; (void)B; (void)N;
    return NULL;
}
void rv_gpu_disc_del(rv_gpu_disc *o) { (void)o; }
double rv_gpu_disc_d_step(rv_gpu_disc *o, const float *x, const float *y) {
    (void)o; (void)x; (void)y;
    return 0;
}
void rv_gpu_disc_g_step(rv_gpu_disc *o, const float *x, const float *y, double w_adv,
                        double w_fm, float *dy, double *adv, double *fm) {
    (void)o; (void)x; (void)y; (void)w_adv; (void)w_fm; (void)dy; (void)adv; (void)fm;
}
void rv_gpu_disc_grads(const rv_gpu_disc *o, float *G) { (void)o; (void)G; }
int rv_gpu_set_graph(rv_gpu *g, int on) { (void)g; (void)on; return GD_ERR_INTERNAL; }
int rv_gpu_profile(rv_gpu *g, const float *x, const float *noise, const float *prior,
                   int train_encoder, const char **names, double *ms, int cap) {
    (void)g; (void)x; (void)noise; (void)prior; (void)train_encoder; (void)names; (void)ms;
    (void)cap;
    return 0;
}
void rv_gpu_layer_profile(rv_gpu *g, int reps) { (void)g; (void)reps; }
double rv_gpu_step_flops(const rv_gpu *g) { (void)g; return 0; }
size_t rv_gpu_device_bytes(const rv_gpu *g) { (void)g; return 0; }
#else
typedef int rv_cuda_stub_empty;   // ISO C forbids an empty translation unit
#endif

// gpu_model.h: the RAVE v2 (Wasserstein) generator training step on one CUDA device.
//
// Mirrors rv_model_gen_step + rv_model_adam (train/model.h) op for op, with the CUDA twins of
// train/cuda/rv_cuda.h: PQMF analysis -> encoder -> z; MMD(z, prior); [z ; noise] -> decoder
// -> amplitude modulation -> PQMF synthesis; multiband (cropped) and fullband spectral
// distances; backward; Adam with the learning rate and step read from device memory.
// The layer tables, config, crop and PQMF bank are read from an initialised rv_model (not
// modified). Everything lives in device memory allocated once at rv_gpu_init (parameters,
// gradients, Adam moments, effective weights, activations, work buffers, FFT caches);
// a step makes no allocation and no host round trip except uploading the batch and, when
// asked, reading back the losses. With rv_gpu_set_graph(g, 1) the step (after the batch
// upload) is captured once per (backward, update, train_encoder) combination into a CUDA graph
// and replayed. TF32 tensor-core math is used for the matrix products (rv_cuda_set_tf32).
// Shapes as in model.h: x (B, N), noise (B, noise_channels, N/hop), prior (B, L, N/hop).
// Not thread-safe; one rv_gpu per process (the backend is global).
#ifndef RV_GPU_MODEL_H
#define RV_GPU_MODEL_H

#include <stddef.h>

#include "train/model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rv_gpu rv_gpu;

// Initialises the backend if needed, builds the device model for batch B of N samples (N a
// multiple of the hop) and uploads m's parameters and Adam moments. train = 1 also sizes
// the loss caches and optimiser state. 0, GD_ERR_ARG (shapes) or GD_ERR_INTERNAL (no device:
// the reason is logged).
int  rv_gpu_init(rv_gpu **out, const rv_model *m, int B, long N, int train);
void rv_gpu_free(rv_gpu *g);

// Parameters and Adam moments host -> device / device -> host (P, M, V of m).
void rv_gpu_upload_params(rv_gpu *g, const rv_model *m);
void rv_gpu_download_params(const rv_gpu *g, rv_model *m);
// Gradients of the last backward (P.total floats) to host.
void rv_gpu_download_grads(const rv_gpu *g, float *G);

// One step: uploads the batch, runs the forward, and (backward = 1) the backward into the
// gradient block; update = 1 then applies Adam with learning rate lr at 1-based step t
// (the encoder is skipped when train_encoder = 0, as in rv_model_adam). Returns without
// waiting; rv_gpu_losses synchronises and reads the terms.
void rv_gpu_step(rv_gpu *g, const float *x, const float *noise, const float *prior, double lr,
                 long t, int backward, int update, int train_encoder);
void rv_gpu_losses(rv_gpu *g, rv_losses *out);
// Decoder output of the last step, (B, N) floats to host.
void rv_gpu_download_y(const rv_gpu *g, float *y);

// Inference with the current device parameters (as rv_model_encode / rv_model_decode; the
// model may be made with train = 0): z (B, L, N/hop) = encoder(x (B, N));
// y (B, N) = decoder([z ; noise]). Synchronous (they return with the result on the host).
void rv_gpu_encode(rv_gpu *g, float *z, const float *x);
void rv_gpu_decode(rv_gpu *g, float *y, const float *z, const float *noise);

// ---- phase 2 (discriminator; train/disc.h)
// Builds the device discriminator from d (made by rv_model_init_disc) and uploads its
// parameters and Adam moments. Afterwards rv_gpu_step with train_encoder = 0 is the phase-2
// generator step (spectral + adversarial + feature matching, encoder frozen), as
// rv_model_gen_step with m->disc. 0 or GD_ERR_INTERNAL.
int  rv_gpu_init_disc(rv_gpu *g, const rv_disc *d);
void rv_gpu_upload_disc(rv_gpu *g, const rv_disc *d);
void rv_gpu_download_disc(const rv_gpu *g, rv_disc *d);       // P, M, V
void rv_gpu_download_disc_grads(const rv_gpu *g, float *G);   // d->P.total floats
// Discriminator step (fit.c's s % update_discriminator_every == 0 branch): generator forward
// without backward, rv_disc_d_step on (x, y) (the loss in rv_losses.disc), and with
// update = 1 the discriminator's Adam at learning rate d_lr, 1-based step d_t.
void rv_gpu_d_step(rv_gpu *g, const float *x, const float *noise, const float *prior,
                   double d_lr, long d_t, int update);
double rv_gpu_disc_flops(const rv_gpu *g);   // D forward + backward matrix FLOPs (2B rows)

// A discriminator on its own (parity tests): x, y, dy are DEVICE arrays (B, N); the step
// functions synchronise and return the losses; rv_gpu_disc_grads copies d->P.total floats.
typedef struct rv_gpu_disc rv_gpu_disc;
rv_gpu_disc *rv_gpu_disc_new(const rv_disc *d, int B, long N);   // NULL on failure
void   rv_gpu_disc_del(rv_gpu_disc *o);
double rv_gpu_disc_d_step(rv_gpu_disc *o, const float *x, const float *y);
void   rv_gpu_disc_g_step(rv_gpu_disc *o, const float *x, const float *y, double w_adv,
                          double w_fm, float *dy, double *adv, double *fm);
void   rv_gpu_disc_grads(const rv_gpu_disc *o, float *G);

// CUDA graph replay on (1) or off (0, the default). Returns 0.
int  rv_gpu_set_graph(rv_gpu *g, int on);
// Runs one eager step (update with lr 1e-4 at t 1: it changes the parameters) with CUDA events
// between its segments; fills names[i] (static strings) and ms[i]; returns the count.
int  rv_gpu_profile(rv_gpu *g, const float *x, const float *noise, const float *prior,
                    int train_encoder, const char **names, double *ms, int cap);
// Times every layer of both nets (forward, weight-gradient-only backward, full backward;
// reps repetitions each) on the buffers of the last step and prints one JSON line per layer
// to stdout. Accumulates garbage into the gradient blocks (benchmark only).
void rv_gpu_layer_profile(rv_gpu *g, int reps);
// Matrix FLOPs of one training step (forward + backward, 2 per MAC) and the device bytes
// this model allocated.
double rv_gpu_step_flops(const rv_gpu *g);
size_t rv_gpu_device_bytes(const rv_gpu *g);

#ifdef __cplusplus
}
#endif
#endif

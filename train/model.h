// model.h: the RAVE v2 autoencoder with the Wasserstein latent (docs/rave-v2.md 3-5):
// PQMF analysis -> EncoderV2 -> z (B, L, T/hop) -> [z ; noise] -> GeneratorV2 ->
// tanh(x sigmoid(a)) -> PQMF synthesis, with the phase-1 losses
//   w_mb * MSS(x_mb, y_mb) (receptive-field cropped) + w_fb * MSS(x, y) + w_mmd * MMD(z, prior).
//
// Memory: generator parameters, gradients and both Adam moments each live in one block of
// P.total floats (encoder tensors first, so the encoder is the prefix [0, n_enc)); effective
// weights and their gradients in per-net blocks; everything shape-dependent (activations,
// work buffers, spectral-distance caches) in one block made by rv_model_plan(B, N).
// Noise (B, noise_channels, N/hop) and prior draws (B, L, N/hop) come from the caller, so the
// model is a pure function of (parameters, x, noise, prior).
#ifndef RV_MODEL_H
#define RV_MODEL_H

#include "train/config.h"
#include "train/disc.h"
#include "train/net.h"
#include "train/nn/mss.h"
#include "train/nn/pqmf.h"

typedef struct {
    double mb, fb, mmd, total;     // phase-1 terms (unweighted) and the weighted total
    double adv, fm, disc;          // phase 2 (generator adversarial, feature matching, D loss)
} rv_losses;

typedef struct {
    const rv_backend *be;          // ops table (CPU reference unless chosen otherwise)
    rv_config cfg;
    rv_params P;                   // generator (encoder + decoder) parameters
    float    *G, *M, *V;           // gradients, Adam moments (P.total each)
    long      n_enc;               // encoder parameters occupy P.data[0, n_enc)
    rv_net    enc, dec;
    float    *W_enc, *DW_enc, *W_dec, *DW_dec;
    rv_pqmf   pqmf;
    long      lrf, rrf;            // receptive field (samples) of one output sample
    int       crop_l, crop_r;      // multiband crop (sub-band frames)
    // plan (shape-dependent)
    int       B;
    long      N;                   // samples per item
    int       T, Tl;               // sub-band frames, latent frames
    float    *work;
    float    *x_mb, *z, *zin, *y_mb, *y, *dy, *dy_mb, *ddec, *dzin, *dz, *scratch, *bufs[4];
    const float *dec_out;
    double   *mmd_scratch;
    rv_mss   *mss_mb, *mss_fb;
    rv_disc  *disc;                // phase 2 only (rv_model_init_disc), else NULL
} rv_model;

// Builds the nets and allocates parameters (zero) and optimiser state. 0 or GD_ERR_*.
int  rv_model_init(rv_model *m, const rv_config *cfg);
void rv_model_free(rv_model *m);
// Random initialisation (PyTorch defaults, weight-norm g = |v|) from seed.
void rv_model_init_params(rv_model *m, unsigned long long seed);
// What rv_model_plan sizes for: inference only, or training (also the loss caches, and a
// check that the crop leaves enough signal).
typedef enum { RV_PLAN_INFER = 0, RV_PLAN_TRAIN = 1 } rv_plan_mode;
// Allocates the shape-dependent block for batch B of N samples (N a multiple of the hop).
int  rv_model_plan(rv_model *m, int B, long N, rv_plan_mode mode);

// Flags of rv_model_gen_step and rv_model_adam (0: neither).
enum {
    RV_STEP_BACKWARD      = 1,   // gen_step: gradients into m->G (zeroed first), not only losses
    RV_STEP_TRAIN_ENCODER = 2,   // phase 1: the encoder trains (regulariser on). Without it, the
                                 // phase-2 generator step: encoder frozen and, when m->disc
                                 // exists, the adversarial and feature-matching terms added
};
// Generator forward (losses) and, with RV_STEP_BACKWARD, backward.
// x (B, N); noise (B, noise, Tl); prior (B, L, Tl). Returns the weighted total; terms in *out.
double rv_model_gen_step(rv_model *m, const float *x, const float *noise, const float *prior,
                         rv_losses *out, unsigned flags);
// Adam update of the generator with learning rate lr at 1-based step t; the encoder is
// skipped without RV_STEP_TRAIN_ENCODER (phase 2 freezes it outright).
void rv_model_adam(rv_model *m, double lr, long t, unsigned flags);

// Builds (or, with seed, initialises) the discriminator and plans it for the model's plan.
int  rv_model_init_disc(rv_model *m, unsigned long long seed);
// Adam step counts of phase 2 at (0-based) step s: generator / discriminator updates done
// before s, with D updated when s % update_discriminator_every == 0 (global step count).
void rv_model_phase_counts(const rv_config *c, long s, long *g_done, long *d_done);

// Inference: z (B, L, Tl) = encoder(x (B, N)); y (B, N) = decoder([z ; noise]).
void rv_model_encode(rv_model *m, float *z, const float *x);
void rv_model_decode(rv_model *m, float *y, const float *z, const float *noise);

// Analytic receptive field of one output sample: lrf samples left, rrf right.
void rv_model_receptive_field(const rv_model *m, long *lrf, long *rrf);

#endif

// fit.h: the training loop of `gendang-train fit` (phase 1 of RAVE v2 wasserstein).
//
// Writes into out_dir: config.yaml (resolved), log.csv (one row per step), model.safetensors
// (latest good checkpoint, every ckpt_every steps and at the end), ckpt_<step>.safetensors
// at the phase-1/phase-2 boundary. Stops on a NaN/Inf loss or gradient, leaving the last good
// checkpoint in place (GD_ERR_NUMERIC). --resume continues from out_dir/model.safetensors
// with the batches, noise and prior draws an uninterrupted run would have seen, so one-thread
// runs reproduce the same losses.
// With cuda = 1 each step (and validation) runs on the GPU with TF32 matrix products and a
// CUDA graph: same batches, noise and schedule, so CPU and GPU runs match to float
// tolerance, not bit for bit. Losses are checked finite every step (a non-finite gradient
// shows up as a non-finite loss one step later); parameters are downloaded and checked
// finite before every checkpoint, so a saved checkpoint is always finite.
#ifndef RV_FIT_H
#define RV_FIT_H

#include "train/config.h"

typedef struct {
    const char *corpus, *out_dir;
    rv_config   cfg;          // resolved config (on resume the checkpoint's is used)
    int         have_cfg;     // cfg was given (on resume: warn when it differs)
    long        steps;        // total steps to reach
    int         resume, strict, quiet;
    long        seed;         // -1: cfg.seed
    long        fault_step;   // tests: pretend the loss is NaN at this step (-1: never)
    int         cuda;         // 1: the step runs on the GPU (train/cuda/gpu_model.h); the
                              // host model keeps the layout, checkpoints and the corpus
} rv_fit_opts;

int rv_fit(const rv_fit_opts *o);

#endif

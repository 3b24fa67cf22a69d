// fit.h: the training loop of `gendang-train fit` (phase 1 of RAVE v2 wasserstein).
//
// Writes into out_dir (train/run_dir.h): config.yaml (resolved), log.csv (one row per step),
// ckpt_<step>.safetensors every ckpt_every steps and at the phase-1/phase-2 boundary, and
// model.safetensors only when the run reaches its steps. Every checkpoint is written whole
// (temporary name, rename) and only when the parameters and Adam moments are all finite.
// Stops on a NaN/Inf loss or gradient (GD_ERR_NUMERIC), naming the last good checkpoint.
// Resuming takes the newest checkpoint of out_dir that verifies (rv_ckpt_load_verified) and is
// not past steps, noting each one it passes over, drops the log rows after its step, and
// goes on with the batches, noise and prior draws an uninterrupted run would have seen, so
// runs on a fixed thread count end byte-identical to uninterrupted ones.
// With cuda = 1 each step (and validation) runs on the GPU with TF32 matrix products and a
// CUDA graph: same batches, noise and schedule, so CPU and GPU runs match to float
// tolerance, not bit for bit. Losses are checked finite every step (a non-finite gradient
// shows up as a non-finite loss one step later); parameters are downloaded and checked
// finite before every checkpoint, so a saved checkpoint is always finite.
#ifndef RV_FIT_H
#define RV_FIT_H

#include "train/config.h"

enum {
    RV_RESUME_NO,        // start from step 0 (earlier checkpoints in out_dir are removed)
    RV_RESUME_REQUIRED,  // --resume: continue; an error when no checkpoint verifies
    RV_RESUME_AUTO       // --resume auto: continue from a checkpoint of the same config and
                         // seed (and training split) when one verifies, else start from step 0
};

typedef struct {
    const char *corpus, *out_dir;
    rv_config   cfg;          // resolved config (on resume the checkpoint's is used)
    int         have_cfg;     // cfg was given (on resume: warn when it differs)
    long        steps;        // total steps to reach
    int         resume;       // RV_RESUME_*
    const char *init;         // start from this model's weights (fresh optimiser, step 0), or NULL
    int         strict, quiet;
    long        seed;         // -1: cfg.seed
    long        fault_step;   // tests: pretend the loss is NaN at this step (-1: never)
    int         cuda;         // 1: the step runs on the GPU (train/cuda/gpu_model.h); the
                              // host model keeps the layout, checkpoints and the corpus
} rv_fit_opts;

int rv_fit(const rv_fit_opts *o);

#endif

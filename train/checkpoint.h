// checkpoint.h: model checkpoints as safetensors (docs/design.md, "Checkpoints"): the generator's
// parameters under their layer names, the Adam moments as "optim.m.<name>" / "optim.v.<name>",
// and in __metadata__: format "gendang-rave-v2", format_version, the resolved config (YAML),
// step, data_sha256 and seed. Files open in the Python ecosystem (safetensors.torch.load_file).
#ifndef RV_CHECKPOINT_H
#define RV_CHECKPOINT_H

#include <stddef.h>

#include "train/model.h"

#define RV_CKPT_FORMAT "gendang-rave-v2"
#define RV_CKPT_VERSION "1"

// The bookkeeping a checkpoint's metadata holds.
typedef struct {
    long step;
    long seed;               // -1: not recorded
    char data_sha256[65];    // "" when not recorded
} rv_ckpt_meta;

// Writes m at step atomically. with_optim = 0 leaves out the Adam state (export).
int rv_ckpt_save(const char *path, const rv_model *m, long step, const char *data_sha256,
                 long seed, int with_optim);
// Reads path: checks the format, builds *m from the stored config (rv_model_init) and loads
// the parameters (and the Adam state when present and want_optim). *step, *data_sha256
// (65 bytes, may be NULL) receive the bookkeeping. A foreign or truncated file is
// GD_ERR_FORMAT with a logged reason. On any return, release *m with rv_model_free.
int rv_ckpt_load(const char *path, rv_model *m, long *step, char *data_sha256, int want_optim);

// Loads path to resume training, after checking all of it: the file size against the header,
// the header, format and version, the config, every parameter with the shape the config
// gives, the Adam moments of every parameter, the discriminator and its moments exactly when
// phase 2 has begun (step > phase_1_duration), every stored value finite. Logs nothing
// (except a config that does not parse, which names its line): on failure it returns
// GD_ERR_IO, GD_ERR_FORMAT or GD_ERR_NUMERIC with a one-line reason in why (why_n bytes).
// On any return, release *m with rv_model_free.
int rv_ckpt_load_verified(const char *path, rv_model *m, rv_ckpt_meta *meta, char *why,
                          size_t why_n);

// The metadata of path from its header alone (no tensor data read); GD_ERR_* when the
// header is unreadable or not a checkpoint's.
int rv_ckpt_peek(const char *path, rv_ckpt_meta *meta);

#endif

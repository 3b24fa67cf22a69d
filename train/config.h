// config.h: the trainer configuration (one flat YAML mapping), defaults = RAVE v2 +
// wasserstein as in docs/rave-v2.md, every loss weight and reference quirk a knob.
//
// rv_config_load() reads a YAML file over the defaults: unknown keys, wrong types, values
// out of range and impossible shapes (n_signal not a multiple of the total stride 16 *
// prod(ratios)) are errors naming the file, line and column (logged; GD_ERR_PARSE /
// GD_ERR_RANGE / GD_ERR_ARG). rv_config_to_yaml() writes the resolved config (used in
// checkpoint metadata). Not thread-safe (start-up only).
#ifndef RV_CONFIG_H
#define RV_CONFIG_H

#include <stddef.h>

#define RV_MAX_STAGES 8
#define RV_MAX_DIL    6
#define RV_MAX_LIST   8

typedef struct {
    // data
    int    sample_rate, n_signal, batch;
    // architecture
    int    capacity, n_ratios, ratios[RV_MAX_STAGES];
    int    n_dil[RV_MAX_STAGES], dilations[RV_MAX_STAGES][RV_MAX_DIL];
    int    kernel_size, latent_size, noise_channels;
    // losses
    int    n_mb_scales, mb_scales[RV_MAX_LIST], n_fb_scales, fb_scales[RV_MAX_LIST];
    int    crop_multiband;
    double loss_multiband, loss_fullband, loss_mmd, loss_feature_matching, loss_adversarial;
    // schedule and optimisers
    long   phase_1_duration;
    double lr, lr_end_factor, beta1, beta2, eps, d_lr;
    int    update_discriminator_every;
    // discriminator (phase 2)
    int    d_capacity, d_layers, n_periods, d_periods[RV_MAX_LIST], d_scales;
    // augmentation (probabilities 0..1)
    double phase_mangle_p, gain_p, gain_db_lo, gain_db_hi, mute_p, compress_p;
    int    dequantize;
    // bookkeeping
    long   val_every, ckpt_every;
    long   seed;
} rv_config;

// RAVE v2 wasserstein defaults (docs/rave-v2.md); see train/configs/v2_wasserstein.yaml.
void rv_config_default(rv_config *c);
// Loads path over the defaults and validates.
int  rv_config_load(rv_config *c, const char *path);
// Parses YAML text (name for messages) over *c and validates.
int  rv_config_parse(rv_config *c, const char *text, size_t len, const char *name);
// Checks shapes and ranges; logs the first problem. 0 or GD_ERR_ARG.
int  rv_config_validate(const rv_config *c);
// Total downsampling (16 * prod(ratios)) = samples per latent frame.
int  rv_config_hop(const rv_config *c);
// Writes the resolved config as YAML into buf (NUL-terminated, truncated at cap).
void rv_config_to_yaml(const rv_config *c, char *buf, size_t cap);

#endif

// config.c: see config.h. YAML through core/yaml.h; a table maps keys to fields.
#include "train/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"  // defines: GD_ERR_*
#include "core/fileio.h" // defines: gd_read_file
#include "core/log.h"    // defines: gd_error
#include "core/yaml.h"   // defines: gd_yaml_*

void rv_config_default(rv_config *c) {
    memset(c, 0, sizeof(*c));
    c->sample_rate = 44100; c->n_signal = 131072; c->batch = 8;
    c->capacity = 96; c->n_ratios = 4;
    int r[4] = {4, 4, 4, 2};
    for (int i = 0; i < 4; i++) {
        c->ratios[i] = r[i];
        c->n_dil[i] = i < 3 ? 3 : 2;
        c->dilations[i][0] = 1; c->dilations[i][1] = 3; c->dilations[i][2] = 9;
    }
    c->kernel_size = 3; c->latent_size = 16; c->noise_channels = 128;
    int sc[5] = {2048, 1024, 512, 256, 128};
    c->n_mb_scales = c->n_fb_scales = 5;
    for (int i = 0; i < 5; i++) c->mb_scales[i] = c->fb_scales[i] = sc[i];
    c->crop_multiband = 1;
    c->loss_multiband = 2; c->loss_fullband = 2; c->loss_mmd = 100;
    c->loss_feature_matching = 400; c->loss_adversarial = 4;
    c->phase_1_duration = 200000;
    c->lr = 1e-3; c->lr_end_factor = 0.1; c->beta1 = 0.5; c->beta2 = 0.9; c->eps = 1e-8;
    c->d_lr = 1e-4; c->update_discriminator_every = 4;
    c->d_capacity = 96; c->d_layers = 4; c->n_periods = 5;
    int p[5] = {2, 3, 5, 7, 11};
    for (int i = 0; i < 5; i++) c->d_periods[i] = p[i];
    c->d_scales = 3;
    c->phase_mangle_p = 0.8; c->dequantize = 1;
    c->gain_p = 0; c->gain_db_lo = -6; c->gain_db_hi = 3; c->mute_p = 0; c->compress_p = 0;
    c->val_every = 10000; c->ckpt_every = 500000; c->seed = 0;
}

typedef enum { K_INT, K_LONG, K_DBL, K_BOOL, K_LIST, K_LISTLIST } ktype;
typedef struct {
    const char *name;
    ktype       type;
    size_t      off, count_off;   // count_off: where the list length goes
    double      lo, hi;
} key_def;

#define F(x) offsetof(rv_config, x)
static const key_def keys[] = {
    {"sample_rate", K_INT, F(sample_rate), 0, 8000, 192000},
    {"n_signal", K_INT, F(n_signal), 0, 256, 1 << 22},
    {"batch", K_INT, F(batch), 0, 1, 1024},
    {"capacity", K_INT, F(capacity), 0, 1, 4096},
    {"ratios", K_LIST, F(ratios), F(n_ratios), 1, 16},
    {"dilations", K_LISTLIST, F(dilations), F(n_dil), 1, 1000},
    {"kernel_size", K_INT, F(kernel_size), 0, 1, 15},
    {"latent_size", K_INT, F(latent_size), 0, 1, 256},
    {"noise_channels", K_INT, F(noise_channels), 0, 0, 1024},
    {"multiband_scales", K_LIST, F(mb_scales), F(n_mb_scales), 4, 65536},
    {"fullband_scales", K_LIST, F(fb_scales), F(n_fb_scales), 4, 65536},
    {"crop_multiband", K_BOOL, F(crop_multiband), 0, 0, 1},
    {"loss_multiband", K_DBL, F(loss_multiband), 0, 0, 1e6},
    {"loss_fullband", K_DBL, F(loss_fullband), 0, 0, 1e6},
    {"loss_mmd", K_DBL, F(loss_mmd), 0, 0, 1e9},
    {"loss_feature_matching", K_DBL, F(loss_feature_matching), 0, 0, 1e9},
    {"loss_adversarial", K_DBL, F(loss_adversarial), 0, 0, 1e9},
    {"phase_1_duration", K_LONG, F(phase_1_duration), 0, 0, 1e12},
    {"lr", K_DBL, F(lr), 0, 0, 10},
    {"lr_end_factor", K_DBL, F(lr_end_factor), 0, 0, 1},
    {"beta1", K_DBL, F(beta1), 0, 0, 0.999999},
    {"beta2", K_DBL, F(beta2), 0, 0, 0.999999},
    {"eps", K_DBL, F(eps), 0, 0, 1},
    {"d_lr", K_DBL, F(d_lr), 0, 0, 10},
    {"update_discriminator_every", K_INT, F(update_discriminator_every), 0, 1, 1000},
    {"d_capacity", K_INT, F(d_capacity), 0, 1, 4096},
    {"d_layers", K_INT, F(d_layers), 0, 1, 8},
    {"d_periods", K_LIST, F(d_periods), F(n_periods), 1, 1000},
    {"d_scales", K_INT, F(d_scales), 0, 0, 8},
    {"phase_mangle_p", K_DBL, F(phase_mangle_p), 0, 0, 1},
    {"gain_p", K_DBL, F(gain_p), 0, 0, 1},
    {"gain_db_lo", K_DBL, F(gain_db_lo), 0, -60, 60},
    {"gain_db_hi", K_DBL, F(gain_db_hi), 0, -60, 60},
    {"mute_p", K_DBL, F(mute_p), 0, 0, 1},
    {"compress_p", K_DBL, F(compress_p), 0, 0, 1},
    {"dequantize", K_BOOL, F(dequantize), 0, 0, 1},
    {"val_every", K_LONG, F(val_every), 0, 0, 1e12},
    {"ckpt_every", K_LONG, F(ckpt_every), 0, 0, 1e12},
    {"seed", K_LONG, F(seed), 0, 0, 9e15},
};
#undef F
#define N_KEYS (int)(sizeof(keys) / sizeof(keys[0]))

static int int_list(const gd_yaml_node *n, const key_def *k, int *dst, int *count, int cap) {
    int err = gd_yaml_list(n, 1, cap);
    for (int i = 0; i < n->n && !err; i++) {
        int64_t v;
        if (!(err = gd_yaml_int(n->items[i], (int64_t)k->lo, (int64_t)k->hi, &v))) dst[i] = (int)v;
    }
    if (!err) *count = n->n;
    return err;
}

static int set_key(rv_config *c, const key_def *k, const gd_yaml_node *v) {
    char *base = (char *)c;
    int64_t i;
    int rc;
    switch (k->type) {
    case K_INT: case K_LONG:
        if ((rc = gd_yaml_int(v, (int64_t)k->lo, (int64_t)k->hi, &i))) return rc;
        if (k->type == K_INT) *(int *)(base + k->off) = (int)i;
        else *(long *)(base + k->off) = (long)i;
        return 0;
    case K_DBL: return gd_yaml_float(v, k->lo, k->hi, (double *)(base + k->off));
    case K_BOOL: return gd_yaml_bool(v, (int *)(base + k->off));
    case K_LIST:
        return int_list(v, k, (int *)(base + k->off), (int *)(base + k->count_off), RV_MAX_LIST);
    case K_LISTLIST:
        if ((rc = gd_yaml_list(v, 0, RV_MAX_STAGES))) return rc;
        for (int s = 0; s < v->n; s++)
            if ((rc = int_list(v->items[s], k, c->dilations[s], &c->n_dil[s], RV_MAX_DIL))) return rc;
        if (v->n != c->n_ratios)
            return gd_yaml_fail_path(v, "%d stages but ratios has %d (put ratios first)", v->n, c->n_ratios);
        return 0;
    }
    return GD_ERR_INTERNAL;
}

int rv_config_parse(rv_config *c, const char *text, size_t len, const char *name) {
    gd_yaml_doc *d;
    int rc = gd_yaml_load_text(&d, text, len, name);
    if (rc) return rc;
    const gd_yaml_node *root = gd_yaml_root(d);
    const char *names[N_KEYS + 1];
    for (int i = 0; i < N_KEYS; i++) names[i] = keys[i].name;
    names[N_KEYS] = NULL;
    rc = gd_yaml_check_keys(root, names, NULL);
    for (int i = 0; i < root->n && !rc; i++)
        for (int k = 0; k < N_KEYS; k++)
            if (!strcmp(keys[k].name, root->keys[i]->text)) rc = set_key(c, &keys[k], root->items[i]);
    if (!rc && rv_config_validate(c)) {
        gd_error("%s: invalid configuration (see above)", name);
        rc = GD_ERR_ARG;
    }
    gd_yaml_free(d);
    return rc;
}

int rv_config_load(rv_config *c, const char *path) {
    char *text;
    size_t len;
    if (gd_read_file(path, &text, &len)) {
        gd_error("%s: cannot read config", path);
        return GD_ERR_IO;
    }
    int rc = rv_config_parse(c, text, len, path);
    free(text);
    return rc;
}

int rv_config_hop(const rv_config *c) {
    int h = 16;
    for (int i = 0; i < c->n_ratios; i++) h *= c->ratios[i];
    return h;
}

int rv_config_validate(const rv_config *c) {
    int hop = rv_config_hop(c);
    if (c->n_signal % hop) {
        gd_error("n_signal %d is not a multiple of the total stride %d (16 bands x ratios)",
                 c->n_signal, hop);
        return GD_ERR_ARG;
    }
    for (int i = 0; i < c->n_ratios; i++)
        if (c->ratios[i] != 2 && c->ratios[i] % 2) {
            gd_error("ratio %d: must be even (kernel 2r, padding r/2)", c->ratios[i]);
            return GD_ERR_ARG;
        }
    if (c->kernel_size % 2 == 0) {
        gd_error("kernel_size %d: must be odd (centered padding)", c->kernel_size);
        return GD_ERR_ARG;
    }
    for (int i = 0; i < c->n_fb_scales; i++)
        if (c->fb_scales[i] & (c->fb_scales[i] - 1) || c->fb_scales[i] / 2 >= c->n_signal) {
            gd_error("fullband scale %d: must be a power of two below 2 x n_signal", c->fb_scales[i]);
            return GD_ERR_ARG;
        }
    for (int i = 0; i < c->n_mb_scales; i++)
        if (c->mb_scales[i] & (c->mb_scales[i] - 1)) {
            gd_error("multiband scale %d: must be a power of two", c->mb_scales[i]);
            return GD_ERR_ARG;
        }
    if (c->gain_db_lo > c->gain_db_hi) {
        gd_error("gain_db_lo %g > gain_db_hi %g", c->gain_db_lo, c->gain_db_hi);
        return GD_ERR_ARG;
    }
    return 0;
}

static size_t put_list(char *b, size_t cap, const int *v, int n) {
    size_t u = 0;
    u += snprintf(b + u, cap > u ? cap - u : 0, "[");
    for (int i = 0; i < n; i++) u += snprintf(b + u, cap > u ? cap - u : 0, "%s%d", i ? ", " : "", v[i]);
    u += snprintf(b + u, cap > u ? cap - u : 0, "]");
    return u;
}

void rv_config_to_yaml(const rv_config *c, char *b, size_t cap) {
    size_t u = 0;
    const char *base = (const char *)c;
    for (int i = 0; i < N_KEYS && u < cap; i++) {
        const key_def *k = &keys[i];
        u += snprintf(b + u, cap - u, "%s: ", k->name);
        if (u >= cap) break;
        switch (k->type) {
        case K_INT: case K_BOOL: u += snprintf(b + u, cap - u, "%d", *(const int *)(base + k->off)); break;
        case K_LONG: u += snprintf(b + u, cap - u, "%ld", *(const long *)(base + k->off)); break;
        case K_DBL: u += snprintf(b + u, cap - u, "%.17g", *(const double *)(base + k->off)); break;
        case K_LIST:
            u += put_list(b + u, cap - u, (const int *)(base + k->off), *(const int *)(base + k->count_off));
            break;
        case K_LISTLIST:
            u += snprintf(b + u, cap - u, "[");
            for (int s = 0; s < c->n_ratios && u < cap; s++) {
                if (s) u += snprintf(b + u, cap - u, ", ");
                if (u < cap) u += put_list(b + u, cap - u, c->dilations[s], c->n_dil[s]);
            }
            if (u < cap) u += snprintf(b + u, cap - u, "]");
            break;
        }
        if (u < cap) u += snprintf(b + u, cap - u, "\n");
    }
    if (cap) b[u < cap ? u : cap - 1] = 0;
}
